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
        let k = j + memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
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
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
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
}
