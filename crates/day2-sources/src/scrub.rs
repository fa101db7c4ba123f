//! Decode errors worded without the values they were about.
//!
//! serde's messages quote what they found (`invalid type: string "hunter2",
//! expected a map`): the value of a Secret's `data`, an env var. A note says
//! where (file, line, field path) and what kind of value was found, never the
//! value itself.

use day2_model::peek::{skip_string, skip_value, skip_ws};
use day2_model::{DecodeError, Note};

/// `file:line:column: Kind name: field `spec.replicas`: what is wrong`.
/// `at` is the failing field (a JSON pointer) and its position, when known.
pub(crate) fn decode_note(
    name: &str,
    line: u32,
    column: u32,
    e: &DecodeError,
    at: Option<(String, u32, u32)>,
) -> Note {
    let DecodeError::Invalid {
        kind,
        name: obj,
        source,
    } = e
    else {
        return Note {
            at: format!("{name}:{line}:{column}"),
            message: e.to_string(),
        };
    };
    let what = if obj.is_empty() {
        kind.clone()
    } else {
        format!("{kind} {obj}")
    };
    let msg = source.to_string();
    let msg = msg.rfind(" at line ").map_or(msg.as_str(), |k| &msg[..k]);
    let msg = without_values(msg);
    let (l, c, field) = match at {
        Some((ptr, l, c)) => (l, c, format!("field `{}`: ", dotted(&ptr))),
        None => match (source.line() as u32, source.column() as u32) {
            (0, _) => (line, column, String::new()),
            (1, c) => (line, column + c.saturating_sub(1), String::new()),
            (l, c) => (line + l - 1, c, String::new()),
        },
    };
    Note {
        at: format!("{name}:{l}:{c}"),
        message: format!("{what}: {field}{msg}, skipped"),
    }
}

/// `/spec/containers/0/env/1/value` → `spec.containers[0].env[1].value`.
pub(crate) fn dotted(ptr: &str) -> String {
    let mut out = String::new();
    for seg in ptr.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&seg);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

/// What serde found, without the value: `string "…"` → `a string`.
fn found(unexpected: &str) -> &'static str {
    const KINDS: [(&str, &str); 9] = [
        ("string", "a string"),
        ("integer", "a number"),
        ("floating point", "a number"),
        ("boolean", "a boolean"),
        ("character", "a character"),
        ("sequence", "a list"),
        ("map", "a map"),
        ("unit value", "null"),
        ("byte array", "bytes"),
    ];
    KINDS
        .iter()
        .find(|(p, _)| unexpected.starts_with(p))
        .map_or("a value", |(_, w)| w)
}

/// A serde message with every quoted value taken out. What comes after
/// `expected` is the schema's own wording and is kept.
pub(crate) fn without_values(msg: &str) -> String {
    let (head, tail) = match msg.find(", expected") {
        Some(i) => (&msg[..i], &msg[i..]),
        None => (msg, ""),
    };
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = head.strip_prefix(prefix) {
            return format!("{prefix}{}{tail}", found(rest));
        }
    }
    if head.starts_with("unknown variant ") {
        return format!("unknown value{tail}");
    }
    // Anything else: quoted parts of the head go.
    let mut out = String::with_capacity(head.len());
    let mut quote: Option<char> = None;
    for ch in head.chars() {
        match quote {
            Some(q) if ch == q => {
                out.push('…');
                out.push(ch);
                quote = None;
            }
            Some(_) => {}
            None if ch == '"' || ch == '`' => {
                out.push(ch);
                quote = Some(ch);
            }
            None => out.push(ch),
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    // Field names are not values: `missing field `x`` keeps its name.
    if head.starts_with("missing field ")
        || head.starts_with("duplicate field ")
        || head.starts_with("unknown field ")
    {
        out = head.to_owned();
    }
    out.push_str(tail);
    out
}

/// Byte offset of the value at `ptr` (a JSON pointer) in the JSON text `raw`.
pub(crate) fn locate(raw: &str, ptr: &str) -> Option<usize> {
    let b = raw.as_bytes();
    let mut i = skip_ws(b, 0);
    for seg in ptr.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        match b.get(i)? {
            b'{' => {
                i += 1;
                loop {
                    i = skip_ws(b, i);
                    if b.get(i)? != &b'"' {
                        return None;
                    }
                    let key_end = skip_string(b, i)?;
                    let key: Option<String> = serde_json::from_str(&raw[i..key_end]).ok();
                    i = skip_ws(b, key_end);
                    if b.get(i)? != &b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if key.as_deref() == Some(seg.as_str()) {
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    if b.get(i)? != &b',' {
                        return None;
                    }
                    i += 1;
                }
            }
            b'[' => {
                let want: usize = seg.parse().ok()?;
                i += 1;
                for _ in 0..want {
                    i = skip_ws(b, i);
                    i = skip_ws(b, skip_value(b, i)?);
                    if b.get(i)? != &b',' {
                        return None;
                    }
                    i += 1;
                }
                i = skip_ws(b, i);
            }
            _ => return None,
        }
    }
    Some(i)
}

/// Line and column of byte `off` of `raw`, an item that starts at `line`:`column`.
pub(crate) fn position(raw: &str, off: usize, line: u32, column: u32) -> (u32, u32) {
    let before = &raw.as_bytes()[..off.min(raw.len())];
    match memchr::memrchr(b'\n', before) {
        None => (line, column + off as u32),
        Some(nl) => {
            let lines = memchr::memchr_iter(b'\n', before).count() as u32;
            (line + lines, (off - nl) as u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_lose_their_values() {
        assert_eq!(
            without_values(r#"invalid type: string "hunter2", expected a map"#),
            "invalid type: a string, expected a map"
        );
        assert_eq!(
            without_values("invalid type: integer `42`, expected a string"),
            "invalid type: a number, expected a string"
        );
        assert_eq!(
            without_values("unknown variant `s3cr3t`, expected one of `A`, `B`"),
            "unknown value, expected one of `A`, `B`"
        );
        assert_eq!(
            without_values("missing field `containers`"),
            "missing field `containers`"
        );
        assert!(!without_values(r#"bad base64 "c2VjcmV0" here"#).contains("c2VjcmV0"));
    }

    #[test]
    fn pointers_are_found_in_the_text() {
        let raw = "{\"a\": 1,\n \"b\": [10, {\"c/d\": \"x\"}]}";
        let off = locate(raw, "/b/1/c~1d").unwrap();
        assert_eq!(&raw[off..off + 3], "\"x\"");
        assert_eq!(position(raw, off, 5, 3), (6, off as u32 - 8));
        assert_eq!(
            dotted("/spec/containers/0/env/1/value"),
            "spec.containers[0].env[1].value"
        );
        assert_eq!(locate(raw, "/b/7"), None);
    }
}
