//! JSON streams: one value, a `List`, or the concatenated documents of
//! `kubectl cluster-info dump` with pod logs between them.

use crate::Part;
use day2_model::peek::{array_items, object_field, peek_type, skip_value, skip_ws};
use day2_model::{Note, Origin, PodLog, SpanIndex, decode_str, decode_value};
use rayon::prelude::*;
use std::sync::Arc;

/// Line/column (1-based) of byte `at`, counting from (`base_line`, `base_pos`).
fn advance(text: &[u8], from: usize, to: usize, line: &mut u32, line_start: &mut usize) {
    for i in memchr::memchr_iter(b'\n', &text[from..to]) {
        *line += 1;
        *line_start = from + i + 1;
    }
}

/// The kind a typed list's items have: `PodList` → `Pod`.
fn item_hint(list_kind: &str) -> Option<String> {
    list_kind.strip_suffix("List").filter(|k| !k.is_empty()).map(str::to_owned)
}

const LOG_START: &str = "==== START logs for container ";
const LOG_END: &str = "==== END logs for container ";

/// Parse a stream of JSON values (with non-JSON text between them, as in a dump's stdout).
pub fn parse_stream(name: &Arc<str>, text: &str) -> Part {
    let b = text.as_bytes();
    let mut part = Part::default();
    let (mut line, mut line_start, mut scanned) = (1u32, 0usize, 0usize);
    let mut i = skip_ws(b, 0);
    while i < b.len() {
        advance(b, scanned, i, &mut line, &mut line_start);
        scanned = i;
        if b[i] == b'{' || b[i] == b'[' {
            let Some(end) = skip_value(b, i) else {
                part.notes.push(Note { at: format!("{name}:{line}:{}", i - line_start + 1), message: "unterminated JSON value (truncated file?)".into() });
                // Keep what can be read: the items of a truncated list.
                partial_list(&mut part, name, text, i, line);
                break;
            };
            value(&mut part, name, text, i, end, line, (i - line_start + 1) as u32);
            i = skip_ws(b, end);
            continue;
        }
        // Text between values: pod logs of a dump, or garbage.
        let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
        let l = &text[i..line_end];
        if let Some(rest) = l.strip_prefix(LOG_START) {
            let end_marker = text[line_end..].find(LOG_END).map(|k| line_end + k);
            let body_end = end_marker.unwrap_or(b.len());
            if let Some(log) = dump_log(rest, &text[(line_end + 1).min(body_end)..body_end], name) {
                part.logs.push(log);
            }
            i = end_marker.map_or(b.len(), |k| memchr::memchr(b'\n', &b[k..]).map_or(b.len(), |e| k + e + 1));
        } else {
            if !l.trim().is_empty() && !l.starts_with("Cluster info dumped") {
                part.notes.push(Note { at: format!("{name}:{line}:1"), message: format!("not JSON: `{}`", truncate(l.trim(), 60)) });
            }
            i = line_end;
        }
        i = skip_ws(b, i);
    }
    part
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

/// `<container> of pod <ns>/<name> ====`
fn dump_log(header: &str, body: &str, name: &str) -> Option<PodLog> {
    let header = header.trim_end().trim_end_matches("====").trim_end();
    let (container, pod) = header.split_once(" of pod ")?;
    let (ns, pod) = pod.split_once('/')?;
    Some(PodLog {
        namespace: ns.to_owned(),
        pod: pod.to_owned(),
        container: Some(container.to_owned()),
        source: format!("{name} ({ns}/{pod}/{container})"),
        text: body.to_owned(),
    })
}

/// One top-level JSON value at `start..end`.
fn value(part: &mut Part, name: &Arc<str>, text: &str, start: usize, end: usize, line: u32, column: u32) {
    let raw = &text[start..end];
    if raw.starts_with('[') {
        // A bare array of objects.
        if let Some((items, _)) = array_items(raw.as_bytes(), 0) {
            items_into(part, name, raw, &items, None, line);
        }
        return;
    }
    let (av, kind) = peek_type(raw);
    let is_list = kind.is_some_and(|k| k.ends_with("List") || k == "Snapshot");
    if is_list && let Some((a, b)) = object_field(raw, 0, "items") {
        let hint = kind.and_then(item_hint).map(|k| (av.unwrap_or("v1").to_owned(), k));
        if let Some((items, _)) = array_items(raw.as_bytes(), a) {
            let _ = b;
            items_into(part, name, raw, &items, hint, line);
        }
        if kind == Some("Snapshot") {
            snapshot_notes(part, raw);
        }
        return;
    }
    part.readable = true;
    match decode_str(raw, Origin::file(name.clone(), line, column), None) {
        Ok(o) => part.stores.push(o),
        Err(e) => part.notes.push(Note { at: format!("{name}:{line}:{column}"), message: e.to_string() }),
    }
}

fn snapshot_notes(part: &mut Part, raw: &str) {
    if let Some((a, b)) = object_field(raw, 0, "notes")
        && let Ok(notes) = serde_json::from_str::<Vec<String>>(&raw[a..b])
    {
        part.notes.extend(notes.into_iter().map(|message| Note { at: "snapshot".into(), message }));
    }
}

/// Decode list items in parallel; each remembers its line.
fn items_into(part: &mut Part, name: &Arc<str>, raw: &str, items: &[(usize, usize)], hint: Option<(String, String)>, first_line: u32) {
    part.readable = true;
    // Line and column of every item, in one pass over the text.
    let b = raw.as_bytes();
    let mut positions = Vec::with_capacity(items.len());
    let (mut line, mut line_start, mut scanned) = (first_line, 0usize, 0usize);
    for (s, _) in items {
        advance(b, scanned, *s, &mut line, &mut line_start);
        scanned = *s;
        positions.push((line, (*s - line_start + 1) as u32));
    }
    let hint_ref = hint.as_ref().map(|(a, k)| (a.as_str(), k.as_str()));
    let results: Vec<_> = items
        .par_iter()
        .zip(positions.par_iter())
        .with_min_len(256)
        .map(|((s, e), (l, c))| {
            decode_str(&raw[*s..*e], Origin::file(name.clone(), *l, *c), hint_ref).map_err(|err| Note { at: format!("{name}:{l}:{c}"), message: err.to_string() })
        })
        .collect();
    for r in results {
        match r {
            Ok(o) => part.stores.push(o),
            Err(n) => part.notes.push(n),
        }
    }
}

/// A list cut short (a truncated file): decode the complete items.
fn partial_list(part: &mut Part, name: &Arc<str>, text: &str, start: usize, line: u32) {
    let raw = &text[start..];
    let (av, kind) = peek_type(raw);
    let Some(kind) = kind.filter(|k| k.ends_with("List")) else { return };
    let Some(items_at) = raw.find("\"items\"") else { return };
    let b = raw.as_bytes();
    let Some(colon) = memchr::memchr(b':', &b[items_at..]).map(|k| items_at + k + 1) else { return };
    let mut i = skip_ws(b, colon);
    if b.get(i) != Some(&b'[') {
        return;
    }
    i += 1;
    let mut items = Vec::new();
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'{') => match skip_value(b, i) {
                Some(e) => {
                    items.push((i, e));
                    i = e;
                }
                None => break,
            },
            _ => break,
        }
    }
    let hint = item_hint(kind).map(|k| (av.unwrap_or("v1").to_owned(), k));
    items_into(part, name, raw, &items, hint, line);
}

/// A parsed YAML document: a `List` expands into its items.
pub fn push_value(part: &mut Part, name: &Arc<str>, value: serde_json::Value, line: u32, column: u32, spans: Option<SpanIndex>) {
    let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or("").to_owned();
    let is_list = (kind.ends_with("List") || kind == "Snapshot") && value.get("items").is_some_and(|i| i.is_array());
    if is_list {
        let av = value.get("apiVersion").and_then(|a| a.as_str()).unwrap_or("v1").to_owned();
        let hint = item_hint(&kind).map(|k| (av, k));
        let hint_ref = hint.as_ref().map(|(a, k)| (a.as_str(), k.as_str()));
        let spans = spans.unwrap_or_default();
        if let serde_json::Value::Object(mut o) = value
            && let Some(serde_json::Value::Array(items)) = o.remove("items")
        {
            for (i, item) in items.into_iter().enumerate() {
                let prefix = format!("/items/{i}");
                let (l, c) = spans.resolve(&prefix).unwrap_or((line, column));
                let origin = Origin { spans: Some(Arc::new(sub_spans(&spans, &prefix))), ..Origin::file(name.clone(), l, c) };
                match decode_value(item, origin, hint_ref) {
                    Ok(obj) => part.stores.push(obj),
                    Err(e) => part.notes.push(Note { at: format!("{name}:{l}:{c}"), message: e.to_string() }),
                }
            }
        }
        return;
    }
    let origin = Origin { spans: spans.map(Arc::new), ..Origin::file(name.clone(), line, column) };
    match decode_value(value, origin, None) {
        Ok(obj) => part.stores.push(obj),
        Err(e) => part.notes.push(Note { at: format!("{name}:{line}:{column}"), message: e.to_string() }),
    }
}

/// The spans under `prefix`, re-rooted.
fn sub_spans(spans: &SpanIndex, prefix: &str) -> SpanIndex {
    spans.subtree(prefix)
}
