//! A minimal JSON structure scanner: finds value boundaries without building
//! values. Used to read `apiVersion`/`kind` before a typed decode and to split
//! large lists into items that decode in parallel.

/// Skip whitespace from `i`.
#[inline]
pub fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
        i += 1;
    }
    i
}

/// `i` points at the opening quote; returns the index after the closing quote.
#[inline]
pub fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = quote_or_escape(b, j)?;
        if b[k] == b'\\' {
            j = k + 2;
        } else {
            return Some(k + 1);
        }
    }
}

/// Skip one JSON value starting at `i` (after whitespace); returns the index
/// just past it. Does not validate scalars; the decoder does that.
pub fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    let i = skip_ws(b, i);
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => skip_rest(b, i + 1),
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The unescaped contents of a simple string (no escapes) at `i`.
fn simple_str(s: &str, i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    let end = skip_string(b, i)?;
    let inner = &s[i + 1..end - 1];
    (!inner.contains('\\')).then_some((inner, end))
}

/// Read top-level `apiVersion` and `kind` of a JSON object without decoding it.
pub fn peek_type(s: &str) -> (Option<&str>, Option<&str>) {
    let b = s.as_bytes();
    let (mut av, mut kind) = (None, None);
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return (None, None);
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b'"') => {}
            _ => return (av, kind),
        }
        let Some((key, after)) = simple_str(s, i) else {
            return (av, kind);
        };
        i = skip_ws(b, after);
        if b.get(i) != Some(&b':') {
            return (av, kind);
        }
        i = skip_ws(b, i + 1);
        let is_av = key == "apiVersion";
        let is_kind = key == "kind";
        if (is_av || is_kind) && b.get(i) == Some(&b'"') {
            let Some((val, after)) = simple_str(s, i) else {
                return (av, kind);
            };
            if is_av {
                av = Some(val);
            } else {
                kind = Some(val);
            }
            i = after;
        } else {
            let Some(after) = skip_value(b, i) else {
                return (av, kind);
            };
            i = after;
        }
        if av.is_some() && kind.is_some() {
            return (av, kind);
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return (av, kind),
        }
    }
}

/// Where a string's contents are, relative to the value they were read in.
pub type Span = (u32, u32);

/// An object walked once: where it ends, and the spans of the contents of
/// its top-level `apiVersion` and `kind` as [`peek_type`] reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walked {
    pub end: usize,
    pub api_version: Option<Span>,
    pub kind: Option<Span>,
}

impl Walked {
    /// The `apiVersion` and `kind` in `s`, the object's own text (from its `{`).
    pub fn type_in<'a>(&self, s: &'a str) -> (Option<&'a str>, Option<&'a str>) {
        type_at(s, self.api_version, self.kind)
    }
}

/// The text of two spans read by [`walk_object`] in `s`, the object's own
/// text (from its `{`).
pub fn type_at(
    s: &str,
    api_version: Option<Span>,
    kind: Option<Span>,
) -> (Option<&str>, Option<&str>) {
    let at = |sp: Option<Span>| sp.and_then(|(a, b)| s.get(a as usize..b as usize));
    (at(api_version), at(kind))
}

/// Skip the object that starts at `i` (`{`) and read its type on the way:
/// the same end as [`skip_value`] and the same type as [`peek_type`] on the
/// object's text, in one walk instead of two. `None` where [`skip_value`]
/// finds no end. Objects whose keys [`peek_type`] stops at (escaped, not
/// strings, values that are not values) and text cut short are walked
/// twice.
pub fn walk_object(b: &[u8], i: usize) -> Option<Walked> {
    walk_members(b, i).or_else(|| slow(b, i))
}

fn walk_members(b: &[u8], i: usize) -> Option<Walked> {
    let start = i;
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let span = |a: usize, z: usize| -> Option<Span> {
        Some((
            u32::try_from(a - start).ok()?,
            u32::try_from(z - start).ok()?,
        ))
    };
    let (mut av, mut kind): (Option<Span>, Option<Span>) = (None, None);
    let mut i = i + 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i)? {
            b'}' => {
                return Some(Walked {
                    end: i + 1,
                    api_version: av,
                    kind,
                });
            }
            b'"' => {}
            _ => return slow(b, start),
        }
        let key_end = skip_string(b, i)?;
        let key = &b[i + 1..key_end - 1];
        if key.contains(&b'\\') {
            return slow(b, start);
        }
        i = skip_ws(b, key_end);
        if b.get(i)? != &b':' {
            return slow(b, start);
        }
        i = skip_ws(b, i + 1);
        let is_av = key == b"apiVersion";
        let is_kind = key == b"kind";
        if (is_av || is_kind) && b.get(i) == Some(&b'"') {
            let end = skip_string(b, i)?;
            if b[i + 1..end - 1].contains(&b'\\') {
                return slow(b, start);
            }
            let sp = span(i + 1, end - 1);
            if is_av {
                av = sp;
            } else {
                kind = sp;
            }
            i = end;
        } else {
            let end = skip_value(b, i)?;
            // A scalar with a quote or bracket in it (not JSON) is counted
            // differently by `skip_value` from outside: leave it to that.
            if !matches!(b[i], b'"' | b'{' | b'[')
                && b[i..end].iter().any(|c| matches!(c, b'"' | b'{' | b'['))
            {
                return None;
            }
            i = end;
        }
        if av.is_some() && kind.is_some() {
            // The rest only for its end: the type is read.
            let end = skip_rest(b, i)?;
            return Some(Walked {
                end,
                api_version: av,
                kind,
            });
        }
        i = skip_ws(b, i);
        match b.get(i)? {
            b',' => i += 1,
            b'}' => {}
            _ => return slow(b, start),
        }
    }
}

/// From inside an object or array (one level deep at `i`), the index past
/// the bracket that closes it. Brackets are counted without telling `{`
/// from `[`: the decoder checks the pairs, this only finds the end.
fn skip_rest(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 1usize;
    while i < b.len() {
        i = next_structural(b, i);
        let Some(&c) = b.get(i) else {
            break;
        };
        match c {
            b'"' => {
                i = skip_string(b, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The first index from `j` of a `"` or `\\`: the first sixteen bytes eight
/// at a time (most strings in a manifest are short), then `memchr2`.
#[inline]
fn quote_or_escape(b: &[u8], mut j: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    for _ in 0..2 {
        let Some(chunk) = b.get(j..j + 8) else {
            break;
        };
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let m = zero(w ^ (u64::from(b'"') * ONES)) | zero(w ^ (u64::from(b'\\') * ONES));
        if m != 0 {
            return Some(j + (m.trailing_zeros() / 8) as usize);
        }
        j += 8;
    }
    Some(j + memchr::memchr2(b'"', b'\\', b.get(j..)?)?)
}

/// The first index from `i` whose byte may be `"`, `{`, `}`, `[` or `]`
/// (`b.len()` when none is): eight bytes at a time, so whitespace, numbers
/// and punctuation between them cost little. A byte it stops at may be none
/// of them (a control byte); the caller looks at it.
#[inline]
fn next_structural(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes equal to `x` in `v` flag their high bit; the lowest flag is exact.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // `[` and `]` are `{` and `}` less bit 5.
        let folded = w | (0x20 * ONES);
        let m = zero(folded ^ (u64::from(b'{') * ONES))
            | zero(folded ^ (u64::from(b'}') * ONES))
            | zero(w ^ (u64::from(b'"') * ONES));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// The walk for objects [`walk_object`] does not read itself.
fn slow(b: &[u8], start: usize) -> Option<Walked> {
    let end = skip_value(b, start)?;
    let s = std::str::from_utf8(&b[start..end]).ok();
    let (av, kind) = s.map(peek_type).unwrap_or((None, None));
    let span = |v: Option<&str>| -> Option<Span> {
        let (s, v) = (s?, v?);
        let a = v.as_ptr() as usize - s.as_ptr() as usize;
        Some((u32::try_from(a).ok()?, u32::try_from(a + v.len()).ok()?))
    };
    Some(Walked {
        end,
        api_version: span(av),
        kind: span(kind),
    })
}

/// Byte ranges of the elements of the array that starts at `i` (`[`).
/// Returns the ranges and the index after the closing `]`.
pub fn array_items(b: &[u8], i: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let mut i = skip_ws(b, i);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    loop {
        i = skip_ws(b, i);
        match b.get(i)? {
            b']' => return Some((out, i + 1)),
            b',' => i += 1,
            _ => {
                let start = i;
                let end = skip_value(b, i)?;
                out.push((start, end));
                i = end;
            }
        }
    }
}

/// Byte range of the value of top-level key `key` in the object at `i`.
pub fn object_field(s: &str, i: usize, key: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut i = skip_ws(b, i);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        if b.get(i)? != &b'"' {
            return None;
        }
        let end_key = skip_string(b, i)?;
        let k = &s[i + 1..end_key - 1];
        i = skip_ws(b, end_key);
        if b.get(i)? != &b':' {
            return None;
        }
        i = skip_ws(b, i + 1);
        let end = skip_value(b, i)?;
        if k == key {
            return Some((i, end));
        }
        i = skip_ws(b, end);
        match b.get(i)? {
            b',' => i += 1,
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeks_type_anywhere_at_top_level() {
        let s = r#"{"metadata":{"kind":"Nope","x":[1,{"a":"}"}]},"kind":"Pod","apiVersion":"v1","spec":{}}"#;
        assert_eq!(peek_type(s), (Some("v1"), Some("Pod")));
        assert_eq!(
            peek_type(r#"{"a": "b\"c", "kind": "X"}"#),
            (None, Some("X"))
        );
        assert_eq!(peek_type("[1]"), (None, None));
        assert_eq!(peek_type("{\"kind\": "), (None, None));
    }

    /// `walk_object` must agree with `skip_value` and `peek_type` wherever
    /// an object starts, on hand-made and damaged text.
    fn agrees(b: &[u8]) {
        for (i, _) in b.iter().enumerate().filter(|(_, c)| **c == b'{') {
            let walked = walk_object(b, i);
            let end = skip_value(b, i);
            assert_eq!(
                walked.map(|w| w.end),
                end,
                "end of the object at {i}: {:?}",
                String::from_utf8_lossy(&b[i..(i + 80).min(b.len())])
            );
            if let (Some(w), Some(end)) = (walked, end)
                && let Ok(s) = std::str::from_utf8(&b[i..end])
            {
                assert_eq!(w.type_in(s), peek_type(s), "type of {s:?}");
            }
        }
    }

    #[test]
    fn walking_an_object_reads_what_skipping_and_peeking_read() {
        let cases = [
            r#"{"metadata":{"kind":"Nope","x":[1,{"a":"}"}]},"kind":"Pod","apiVersion":"v1","spec":{}}"#,
            r#"{"kind":"A","kind":"B","spec":{"a":[1,2]},"apiVersion":"v1","kind":"C"}"#,
            r#"{"a": "b\"c", "kind": "X"}"#,
            r#"{"k\u0069nd": "X", "kind": "Y"}"#,
            r#"{"kind": "P\u006fd", "apiVersion": "v1"}"#,
            r#"{"kind": 5, "apiVersion": "v1"}"#,
            r#"{"a":1,}"#,
            r#"{"a" 1, "kind": "X"}"#,
            r#"{"a":[1}, "kind": "X"}"#,
            r#"{"a":{]], "kind": "X"}}"#,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}} trailing"#,
            r#"{}"#,
            r#"{ 7 }"#,
            r#"{"kind":"Pod""#,
            r#"{"kind":"Pod","x":12"#,
        ];
        for c in cases {
            agrees(c.as_bytes());
            // Every prefix: text cut anywhere, as a block boundary cuts it.
            for n in 0..c.len() {
                agrees(&c.as_bytes()[..n]);
            }
        }
    }

    #[test]
    fn walking_agrees_on_every_json_file_here_and_on_damaged_copies() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        let mut dirs = vec![
            root.join("tests"),
            root.join("crates"),
            root.join("examples"),
        ];
        while let Some(d) = dirs.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    if !p.ends_with("target") {
                        dirs.push(p);
                    }
                } else if p.extension().is_some_and(|x| x == "json") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 20, "only {} JSON files found", files.len());
        let mut seed = 0x2545_f491_u64;
        for f in &files {
            let Ok(text) = std::fs::read(f) else { continue };
            let text = &text[..text.len().min(64 * 1024)];
            agrees(text);
            // Damaged copies: a structural byte dropped or doubled.
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed as usize) % text.len().max(1);
                let mut d = text.to_vec();
                if d.is_empty() {
                    break;
                }
                if seed & 1 == 0 {
                    d.remove(at);
                } else {
                    let c = [b'"', b'{', b'}', b'[', b']', b'\\', b','][(seed >> 8) as usize % 7];
                    d.insert(at, c);
                }
                agrees(&d);
            }
        }
    }

    #[test]
    fn splits_arrays() {
        let s = r#" [ {"a":"]"} , [1,2], "x\\"  ,3 ] tail"#;
        let (items, end) = array_items(s.as_bytes(), 0).unwrap();
        let texts: Vec<&str> = items.iter().map(|(a, b)| &s[*a..*b]).collect();
        assert_eq!(texts, vec![r#"{"a":"]"}"#, "[1,2]", r#""x\\""#, "3"]);
        assert_eq!(&s[end..], " tail");
    }

    #[test]
    fn finds_fields_and_survives_truncation() {
        let s = r#"{"kind":"List","items":[{"x":1}],"metadata":{}}"#;
        let (a, b) = object_field(s, 0, "items").unwrap();
        assert_eq!(&s[a..b], r#"[{"x":1}]"#);
        assert_eq!(
            object_field(r#"{"kind":"List","items":[{"x":1"#, 0, "items"),
            None
        );
        assert_eq!(skip_value(br#"{"a":[1,2"#, 0), None);
    }

    #[test]
    fn skips_values_whatever_the_offset_of_quotes_escapes_and_brackets() {
        // Every offset of an escaped quote, an escaped backslash and the
        // brackets inside strings, against the eight-byte steps.
        for pad in 0..24 {
            let fill = "x".repeat(pad);
            let space = " ".repeat(pad);
            for inner in [
                format!("{fill}\\\"{{[}}]"),
                format!("{fill}\\\\"),
                format!("{fill}é\\u00e9 ]}}"),
                fill.clone(),
            ] {
                let text = format!(
                    "{{\"a\": \"{inner}\", \"b\": [1, 2.5e3, {{\"c\": [\"{inner}\", null, true]}}],{space}\"d\": {{}}}}"
                );
                let v: Result<serde_json::Value, _> = serde_json::from_str(&text);
                assert!(v.is_ok(), "{text}");
                let tail = format!("{text}  ,[1]");
                assert_eq!(skip_value(tail.as_bytes(), 0), Some(text.len()), "{text}");
            }
        }
        // Unterminated: no end.
        assert_eq!(skip_value(b"{\"a\": [1, {\"b\": \"}\"}", 0), None);
        assert_eq!(skip_value(b"\"abc\\\"", 0), None);
    }
}
