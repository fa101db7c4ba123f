//! Line scanners: find the golden fields without building values.

use crate::fields::FieldConfig;

/// What one line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Logfmt,
    Plain,
    /// Starts like JSON but is not valid.
    Malformed,
}

const MAX_DEPTH: usize = 32;

#[inline]
fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// End of the string starting at the quote `i` (index after the closing quote).
#[inline]
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
        if b[k] == b'\\' {
            j = k + 2;
        } else {
            return Some(k + 1);
        }
    }
}

fn skip_scalar(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
        j += 1;
    }
    let tok = &b[i..j];
    let ok = matches!(tok, b"true" | b"false" | b"null")
        || (!tok.is_empty()
            && tok
                .iter()
                .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')));
    ok.then_some(j)
}

fn skip_array(b: &[u8], i: usize, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut i = ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some(i + 1);
    }
    loop {
        i = skip_any(b, i, depth + 1)?;
        i = ws(b, i);
        match b.get(i)? {
            b',' => i = ws(b, i + 1),
            b']' => return Some(i + 1),
            _ => return None,
        }
    }
}

fn skip_any(b: &[u8], i: usize, depth: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' => object(b, i, depth, None),
        b'[' => skip_array(b, i, depth),
        _ => skip_scalar(b, i),
    }
}

struct Ctx<'a> {
    cfg: &'a FieldConfig,
    path: String,
    found: [bool; 5],
}

/// Scan an object at `i`; with `ctx`, record golden fields under the current path.
fn object(b: &[u8], i: usize, depth: usize, mut ctx: Option<&mut Ctx<'_>>) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let kend = string_end(b, i)?;
        let key = std::str::from_utf8(&b[i + 1..kend - 1]).ok()?;
        i = ws(b, kend);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        match ctx.as_deref_mut() {
            Some(c) => {
                let len = c.path.len();
                if len > 0 {
                    c.path.push('.');
                }
                c.path.push_str(key);
                let field = c.cfg.field_of(&c.path);
                let end = match b.get(i)? {
                    b'{' => object(b, i, depth + 1, Some(c))?,
                    _ => {
                        let end = skip_any(b, i, depth + 1)?;
                        let v = &b[i..end];
                        let present = !matches!(v, b"null" | b"\"\"" | b"[]" | b"{}");
                        if let (Some(f), true) = (field, present) {
                            c.found[f] = true;
                        }
                        end
                    }
                };
                c.path.truncate(len);
                i = end;
            }
            None => i = skip_any(b, i, depth + 1)?,
        }
        i = ws(b, i);
        match b.get(i)? {
            b',' => i = ws(b, i + 1),
            b'}' => return Some(i + 1),
            _ => return None,
        }
    }
}

/// Scan a JSON object line. Returns whether it is valid, and the fields found.
pub fn json_line(line: &str, cfg: &FieldConfig) -> (bool, [bool; 5]) {
    let b = line.as_bytes();
    let mut ctx = Ctx {
        cfg,
        path: String::new(),
        found: [false; 5],
    };
    match object(b, 0, 0, Some(&mut ctx)) {
        Some(end) if ws(b, end) == b.len() => (true, ctx.found),
        _ => (false, [false; 5]),
    }
}

/// logfmt: `level=info msg="a b" trace_id=abc`. Structured when at least two
/// `key=value` pairs make up the line.
pub fn logfmt_line(line: &str, cfg: &FieldConfig) -> Option<[bool; 5]> {
    let b = line.as_bytes();
    let (mut i, mut pairs, mut found) = (0usize, 0usize, [false; 5]);
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let ks = i;
        while i < b.len() && b[i] != b'=' && b[i] != b' ' {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' || i == ks {
            return None;
        }
        let key = &line[ks..i];
        i += 1;
        let vs = i;
        if b.get(i) == Some(&b'"') {
            i = string_end(b, i)?;
        } else {
            while i < b.len() && b[i] != b' ' {
                i += 1;
            }
        }
        let value = &line[vs..i];
        if let Some(f) = cfg.field_of(key)
            && !value.is_empty()
            && value != "\"\""
        {
            found[f] = true;
        }
        pairs += 1;
    }
    (pairs >= 2).then_some(found)
}

/// Strip a container-runtime (CRI) prefix: `2026-01-01T09:00:00.123456789Z stdout F msg`.
/// Returns the message and whether it is a partial line (`P`).
pub fn strip_cri(line: &str) -> Option<(&str, bool)> {
    let (ts, rest) = line.split_once(' ')?;
    if ts.len() < 20
        || !ts.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        || ts.as_bytes()[10] != b'T'
    {
        return None;
    }
    let (stream, rest) = rest.split_once(' ')?;
    if stream != "stdout" && stream != "stderr" {
        return None;
    }
    let (flag, msg) = rest.split_once(' ').unwrap_or((rest, ""));
    match flag {
        "F" => Some((msg, false)),
        "P" => Some((msg, true)),
        _ => None,
    }
}

/// Strip a `kubectl logs --timestamps` prefix (`2026-01-01T09:00:00.123Z {...}`).
pub fn strip_timestamp(line: &str) -> &str {
    match line.split_once(' ') {
        Some((ts, rest))
            if ts.len() >= 20
                && ts.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && ts.as_bytes().get(10) == Some(&b'T')
                && ts.ends_with('Z') =>
        {
            rest
        }
        _ => line,
    }
}

/// Classify a line and find its fields.
pub fn classify(line: &str, cfg: &FieldConfig) -> (Kind, [bool; 5]) {
    let t = line.trim_start();
    if t.starts_with('{') {
        let (ok, found) = json_line(t.trim_end(), cfg);
        return if ok {
            (Kind::Json, found)
        } else {
            (Kind::Malformed, found)
        };
    }
    match logfmt_line(t.trim_end(), cfg) {
        Some(found) => (Kind::Logfmt, found),
        None => (Kind::Plain, [false; 5]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> FieldConfig {
        FieldConfig::default()
    }

    #[test]
    fn json_fields_nested_and_dotted() {
        let (ok, f) = json_line(
            r#"{"msg":"x","kubernetes":{"pod_name":"web-1","namespace_name":"shop","host":"n1"},"trace_id":"abc"}"#,
            &cfg(),
        );
        assert!(ok);
        assert_eq!(f, [true, true, true, true, false]);
        let (ok, f) = json_line(
            r#"{"k8s.pod.name":"a","k8s.node.name":"n","k8s.namespace.name":"x","cloud.availability_zone":"us-east-1a","traceId":"t"}"#,
            &cfg(),
        );
        assert!(ok);
        assert_eq!(f, [true; 5]);
        let (ok, f) = json_line(r#"{"trace_id":"","pod":null,"a":[1,{"pod":"x"}]}"#, &cfg());
        assert!(ok);
        assert_eq!(
            f, [false; 5],
            "empty values and array contents do not count"
        );
        assert!(!json_line(r#"{"a":1"#, &cfg()).0);
        assert!(!json_line(r#"{"a":tru}"#, &cfg()).0);
        assert!(
            !json_line(&format!("{}{}", "{\"a\":".repeat(100), "1"), &cfg()).0,
            "depth is bounded"
        );
    }

    #[test]
    fn logfmt_and_plain() {
        assert_eq!(
            logfmt_line(
                r#"level=info msg="hello world" trace_id=abc pod=web-1"#,
                &cfg()
            ),
            Some([true, true, false, false, false])
        );
        assert_eq!(logfmt_line("GET /health 200 OK", &cfg()), None);
        assert_eq!(classify("just text", &cfg()).0, Kind::Plain);
        assert_eq!(classify("{not json", &cfg()).0, Kind::Malformed);
    }

    #[test]
    fn cri_and_timestamps() {
        assert_eq!(
            strip_cri("2026-01-01T09:00:00.123456789Z stdout F {\"a\":1}"),
            Some(("{\"a\":1}", false))
        );
        assert_eq!(
            strip_cri("2026-01-01T09:00:00.123456789Z stderr P part"),
            Some(("part", true))
        );
        assert_eq!(strip_cri("hello world F x"), None);
        assert_eq!(
            strip_timestamp("2026-01-01T09:00:00.123Z {\"a\":1}"),
            "{\"a\":1}"
        );
    }
}
