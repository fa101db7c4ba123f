//! YAML documents with positions: each document becomes a `serde_json::Value`
//! and a `SpanIndex` (JSON pointer → line/column), in one walk.

mod fast;

use crate::{LoadOptions, Part};
use day2_model::{Note, Origin, SpanIndex, decode_value, decode_value_traced};
use rayon::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::sync::Arc;

/// A YAML node whose children remember where they are.
pub enum Node {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(String, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl Node {
    /// A scalar as JSON (a float JSON cannot hold is null); `None` for a
    /// collection.
    pub(crate) fn into_scalar_value(self) -> Option<serde_json::Value> {
        Some(match self {
            Node::Null => serde_json::Value::Null,
            Node::Bool(b) => b.into(),
            Node::I64(i) => i.into(),
            Node::U64(u) => u.into(),
            Node::F64(f) => serde_json::Number::from_f64(f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Node::Str(s) => s.into(),
            Node::Seq(_) | Node::Map(_) => return None,
        })
    }

    /// A scalar as a mapping key spells it (`1` → `"1"`, `null` → `"null"`);
    /// `None` for a collection.
    pub(crate) fn into_key(self) -> Option<String> {
        Some(match self {
            Node::Str(s) => s,
            Node::Null => "null".into(),
            Node::Bool(b) => b.to_string(),
            Node::I64(i) => i.to_string(),
            Node::U64(u) => u.to_string(),
            Node::F64(f) => f.to_string(),
            Node::Seq(_) | Node::Map(_) => return None,
        })
    }
}

/// A map key: YAML allows non-string keys; Kubernetes objects only use strings.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        Node::deserialize(d)?
            .into_key()
            .map(Key)
            .ok_or_else(|| serde::de::Error::custom("a mapping key must be a scalar"))
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML node")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = a.next_element::<Spanned<Node>>()? {
            v.push(x);
        }
        Ok(Node::Seq(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        let mut v = Vec::new();
        while let Some(k) = a.next_key::<Key>()? {
            let val = a.next_value::<Spanned<Node>>()?;
            v.push((k.0, val));
        }
        Ok(Node::Map(v))
    }
}

fn escape(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

/// Convert to a JSON value, recording every node's position (offset by
/// `line_offset` lines: documents are parsed one at a time).
pub fn to_value(
    node: Spanned<Node>,
    line_offset: u32,
    ptr: &mut String,
    spans: &mut SpanIndex,
) -> serde_json::Value {
    let line = node.referenced.line() as u32 + line_offset;
    let col = node.referenced.column() as u32;
    if line > line_offset {
        spans.insert(ptr.as_str(), line, col.max(1));
    }
    match node.value {
        Node::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.into_iter().enumerate() {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&i.to_string());
                out.push(to_value(it, line_offset, ptr, spans));
                ptr.truncate(len);
            }
            serde_json::Value::Array(out)
        }
        Node::Map(entries) => {
            let mut out = serde_json::Map::with_capacity(entries.len());
            for (k, v) in entries {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&escape(&k));
                let val = to_value(v, line_offset, ptr, spans);
                ptr.truncate(len);
                out.insert(k, val);
            }
            serde_json::Value::Object(out)
        }
        scalar => scalar.into_scalar_value().unwrap_or_default(),
    }
}

/// One document of a multi-document stream: its text and first line (1-based).
pub struct Doc<'a> {
    pub text: &'a str,
    pub first_line: u32,
}

/// Split a YAML stream at document markers (`---` or `...` at column 0). A
/// marker at column 0 always ends a document in YAML, even inside a block scalar.
pub fn split_documents(text: &str) -> Vec<Doc<'_>> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut line_no = 1u32;
    let mut pos = 0usize;
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        let t = line.trim_end();
        let is_marker = t == "---" || t.starts_with("--- ") || t.starts_with("---\t") || t == "...";
        if is_marker {
            docs.push(Doc {
                text: &text[start..pos],
                first_line: start_line,
            });
            // `--- value` keeps the rest of the line in the next document.
            let rest = t.trim_start_matches("---");
            start = if t != "..." && !rest.trim().is_empty() && !rest.trim_start().starts_with('#')
            {
                pos + 3
            } else {
                end
            };
            start_line = if start == end { line_no + 1 } else { line_no };
        }
        pos = end;
        line_no += 1;
    }
    docs.push(Doc {
        text: &text[start..],
        first_line: start_line,
    });
    docs.retain(|d| {
        d.text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    docs
}

/// Documents parsed per unit of parallel work: one part (and one set of
/// stores) per chunk, not per document, so a stream of millions of tiny
/// documents costs little more than its objects.
const CHUNK: usize = 256;

/// Parse a YAML stream, its documents in parallel chunks.
pub(crate) fn parse(name: &Arc<str>, text: &str, opts: &LoadOptions) -> Part {
    let docs = split_documents(text);
    let parts: Vec<Part> = docs
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut part = Part::default();
            for doc in chunk {
                document(&mut part, name, doc, opts);
            }
            part
        })
        .collect();
    Part::concat(parts)
}

/// One document into the part: its object(s), or a note.
fn document(part: &mut Part, name: &Arc<str>, doc: &Doc<'_>, opts: &LoadOptions) {
    if doc.text.len() as u64 > opts.max_doc_bytes {
        part.push_note(Note {
            at: format!("{name}:{}:1", doc.first_line),
            message: format!(
                "document of {} bytes is over the {}-byte limit, skipped",
                doc.text.len(),
                opts.max_doc_bytes
            ),
        });
        return;
    }
    // Read again at most once per document, however many of its objects
    // fail: each takes its own subtree out of the one copy.
    let reread_once: std::cell::RefCell<Option<Option<serde_json::Value>>> = Default::default();
    let again = |pointer: &str| {
        let mut held = reread_once.borrow_mut();
        held.get_or_insert_with(|| reread(doc))
            .as_mut()?
            .pointer_mut(pointer)
            .map(std::mem::take)
    };
    if let Some(r) = fast::read(doc.text, doc.first_line) {
        push_value(part, name, r.value, r.line, r.column, r.spans, &again);
        return;
    }
    let parsed: Result<Spanned<Node>, _> =
        serde_saphyr::from_str_with_options(doc.text, options(doc.text.len()));
    match parsed {
        Ok(node) => {
            let line = node.referenced.line() as u32 + doc.first_line - 1;
            let column = (node.referenced.column() as u32).max(1);
            let what = match &node.value {
                Node::Null => return,
                Node::Map(_) => None,
                Node::Seq(_) => Some("a list"),
                Node::Str(_) => Some("a string"),
                Node::Bool(_) => Some("a boolean"),
                Node::I64(_) | Node::U64(_) | Node::F64(_) => Some("a number"),
            };
            if let Some(what) = what {
                part.push_note(Note {
                    at: format!("{name}:{line}:{column}"),
                    message: format!("the document is {what}, not a Kubernetes object; skipped"),
                });
                return;
            }
            let mut spans = SpanIndex::new();
            let value = to_value(node, doc.first_line - 1, &mut String::new(), &mut spans);
            spans.finish();
            push_value(part, name, value, line, column, spans, &again);
        }
        Err(e) => {
            let (line, col) = e
                .location()
                .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
            part.push_note(Note {
                at: format!("{name}:{}:{}", line + doc.first_line - 1, col.max(1)),
                message: error_message(&e.to_string()),
            });
        }
    }
}

/// The document's value read again, the way [`document`] read it: for the
/// error path only, where the object that did not decode is decoded once
/// more, tracing the field that fails.
fn reread(doc: &Doc<'_>) -> Option<serde_json::Value> {
    if let Some(r) = fast::read(doc.text, doc.first_line) {
        return Some(r.value);
    }
    let node: Spanned<Node> =
        serde_saphyr::from_str_with_options(doc.text, options(doc.text.len())).ok()?;
    Some(to_value(
        node,
        doc.first_line - 1,
        &mut String::new(),
        &mut SpanIndex::new(),
    ))
}

/// The value at a JSON pointer of the document read again ([`reread`]).
type Again<'a> = dyn Fn(&str) -> Option<serde_json::Value> + 'a;

/// Lists inside lists are flattened, as kubectl does, this deep at most.
pub(crate) const MAX_LIST_DEPTH: usize = 8;

/// A parsed document: a `List` (or typed list) expands into its items, each
/// with the spans of its own subtree; a list among the items expands too
/// (kubectl flattens nested lists).
pub(crate) fn push_value(
    part: &mut Part,
    name: &Arc<str>,
    value: serde_json::Value,
    line: u32,
    column: u32,
    spans: SpanIndex,
    again: &Again<'_>,
) {
    let at = Within {
        again,
        pointer: String::new(),
        depth: 0,
    };
    push_value_hinted(part, name, value, line, column, spans, &at, None);
}

/// Where a value sits in its document: the document read again, the JSON
/// pointer of the value in it, and how many lists deep it is.
struct Within<'a> {
    again: &'a Again<'a>,
    pointer: String,
    depth: usize,
}

#[allow(clippy::too_many_arguments)]
fn push_value_hinted(
    part: &mut Part,
    name: &Arc<str>,
    value: serde_json::Value,
    line: u32,
    column: u32,
    spans: SpanIndex,
    at: &Within<'_>,
    hint: Option<(&str, &str)>,
) {
    let depth = at.depth;
    let what = match &value {
        serde_json::Value::Object(o) if o.is_empty() => {
            part.empty_objects += 1;
            return;
        }
        serde_json::Value::Object(_) => None,
        serde_json::Value::Array(_) => Some("a list"),
        serde_json::Value::String(_) => Some("a string"),
        serde_json::Value::Bool(_) => Some("a boolean"),
        serde_json::Value::Number(_) => Some("a number"),
        serde_json::Value::Null => Some("null"),
    };
    if let Some(what) = what {
        part.push_note(Note {
            at: format!("{name}:{line}:{column}"),
            message: format!("a list item is {what}, not a Kubernetes object; skipped"),
        });
        return;
    }
    let kind = value
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("")
        .to_owned();
    let items_is_array = value.get("items").is_some_and(|i| i.is_array());
    if items_is_array && (kind.ends_with("List") || kind == "Snapshot") {
        if depth >= MAX_LIST_DEPTH {
            part.push_note(Note {
                at: format!("{name}:{line}:{column}"),
                message: format!("a {kind} nested more than {MAX_LIST_DEPTH} lists deep, skipped"),
            });
            return;
        }
        // A list, even an empty one, is something usable.
        part.readable = true;
        if kind == "Snapshot" {
            let at = value
                .pointer("/metadata/capturedAt")
                .and_then(|a| a.as_str())
                .and_then(|a| a.parse::<jiff::Timestamp>().ok());
            part.captured(at);
        }
        let av = value
            .get("apiVersion")
            .and_then(|a| a.as_str())
            .unwrap_or("v1")
            .to_owned();
        let hint = kind
            .strip_suffix("List")
            .filter(|k| !k.is_empty())
            .map(|k| (av.clone(), k.to_owned()));
        let hint_ref = hint.as_ref().map(|(a, k)| (a.as_str(), k.as_str()));
        if let serde_json::Value::Object(mut o) = value
            && let Some(serde_json::Value::Array(items)) = o.remove("items")
        {
            for (i, item) in items.into_iter().enumerate() {
                let prefix = format!("/items/{i}");
                let (l, c) = spans.resolve(&prefix).unwrap_or((line, column));
                let sub = spans.subtree(&prefix);
                let inner = Within {
                    again: at.again,
                    pointer: format!("{}{prefix}", at.pointer),
                    depth: depth + 1,
                };
                push_value_hinted(part, name, item, l, c, sub, &inner, hint_ref);
            }
        }
        return;
    }
    let origin = Origin {
        spans: Some(Arc::new(spans)),
        ..Origin::file(name.clone(), line, column)
    };
    decode(part, name, value, origin, hint, at);
}

/// Decode one object. A value that does not decode is read again from its
/// document and decoded once more, tracing the field that fails: tracing
/// every decode would cost a copy of every key.
fn decode(
    part: &mut Part,
    name: &Arc<str>,
    value: serde_json::Value,
    origin: Origin,
    hint: Option<(&str, &str)>,
    at: &Within<'_>,
) {
    let (line, column) = (origin.line, origin.column);
    let spans = origin.spans.clone();
    match decode_value(value, origin, hint) {
        Ok(mut o) => {
            o.trim();
            part.stores.push(o);
            part.readable = true;
        }
        Err(e) => {
            let traced = (at.again)(&at.pointer).map(|v| {
                let origin = Origin {
                    spans: spans.clone(),
                    ..Origin::file(name.clone(), line, column)
                };
                decode_value_traced(v, origin, hint)
            });
            let (e, ptr) = match traced {
                Some(Err(traced)) => traced,
                _ => (e, None),
            };
            let at = ptr.map(|ptr| {
                let (l, c) = spans
                    .as_ref()
                    .and_then(|s| s.resolve(&ptr))
                    .unwrap_or((line, column));
                (ptr, l, c)
            });
            part.push_note(crate::scrub::decode_note(name, line, column, &e, at));
        }
    }
}

/// The parser's message without its own `error: line L column C:` prefix
/// (the note already says where) and only its first line.
pub(crate) fn error_message(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or("malformed YAML");
    let rest = first.strip_prefix("error: ").unwrap_or(first);
    let rest = match rest.strip_prefix("line ") {
        Some(r) => r.split_once(": ").map_or(rest, |(_, m)| m),
        None => rest,
    };
    // `budget breached: Nodes { nodes: 250001 }`: the parser's own limits,
    // which alias bombs run into.
    if let Some(b) = rest.strip_prefix("budget breached: ") {
        let detail = b
            .split_once('{')
            .map_or(b, |(_, d)| d.trim_end_matches('}'))
            .trim();
        return format!(
            "refused: the document goes over the YAML parser's budget ({detail}), as an alias bomb does; skipped"
        );
    }
    rest.to_owned()
}

/// Parse options: Kubernetes reads YAML 1.1 (`0644` is octal), with budgets
/// that scale with the document but keep the alias limits.
pub fn options(doc_bytes: usize) -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.legacy_octal_numbers = true;
    if let Some(b) = o.budget.as_mut() {
        let scale = (doc_bytes / 4).max(250_000);
        b.max_nodes = b.max_nodes.max(scale);
        b.max_events = b.max_events.max(scale * 4);
        b.max_total_scalar_bytes = b.max_total_scalar_bytes.max(doc_bytes * 2);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_markers_only() {
        let t = "# Source: chart/a.yaml\na: 1\n---\nb: |\n  ---not a marker\n  x\n---\n# only a comment\n---\nc: 3\n";
        let d = split_documents(t);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].first_line, 1);
        assert_eq!(d[1].first_line, 4);
        assert!(d[1].text.contains("---not a marker"));
        assert_eq!(d[2].first_line, 10);
    }

    #[test]
    fn positions_by_pointer() {
        let text = "kind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx\n";
        let node: Spanned<Node> =
            serde_saphyr::from_str_with_options(text, options(text.len())).unwrap();
        let mut spans = SpanIndex::new();
        let v = to_value(node, 0, &mut String::new(), &mut spans);
        spans.finish();
        assert_eq!(v["spec"]["containers"][0]["image"], "nginx");
        assert_eq!(spans.resolve("/spec/containers/0/image"), Some((5, 14)));
        assert_eq!(
            spans.resolve("/spec/containers/0/missing"),
            spans.resolve("/spec/containers/0")
        );
    }

    /// The field that fails is named, with its line, for an object alone, a
    /// list's item, and an item of a list in a list; both parser paths.
    #[test]
    fn an_object_that_does_not_decode_names_its_field() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env:\n    - {name: A, value: 42}\n";
        let indent = |t: &str, by: &str| {
            t.lines()
                .enumerate()
                .map(|(i, l)| format!("{}{l}\n", if i == 0 { "- " } else { by }))
                .collect::<String>()
        };
        let list = format!(
            "apiVersion: v1\nkind: List\nitems:\n- {{apiVersion: v1, kind: Namespace, metadata: {{name: ok}}}}\n{}",
            indent(pod, "  ")
        );
        let nested = format!(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  {}",
            indent(pod, "  ").replace('\n', "\n  ").trim_end()
        );
        // An anchor sends the document down the general path.
        let general = format!("{pod}    - &a {{name: B, value: x}}\n");
        for (text, line, column) in [
            (pod.to_owned(), 8, 24),
            (list, 12, 26),
            (nested, 14, 28),
            (general, 8, 24),
        ] {
            let part = parse(&Arc::from("m.yaml"), &text, &LoadOptions::default());
            let notes: Vec<String> = part
                .notes
                .iter()
                .map(|n| format!("{}: {}", n.at, n.message))
                .collect();
            assert_eq!(
                notes,
                [format!(
                    "m.yaml:{line}:{column}: Pod p: field `spec.containers[0].env[0].value`: invalid type: a number, expected a string, skipped"
                )],
                "{text}"
            );
        }
    }

    /// Many objects of one document that fail are each named: the document
    /// is read again once, and each takes its own subtree from that copy.
    #[test]
    fn every_failing_item_of_a_list_is_named() {
        let item = |i: usize| {
            format!(
                "- {{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, spec: {{containers: [{{name: c, env: [{{name: A, value: {i}}}]}}]}}}}\n"
            )
        };
        let text = format!(
            "apiVersion: v1\nkind: List\nitems:\n{}",
            (0..80).map(item).collect::<String>()
        );
        let part = parse(&Arc::from("l.yaml"), &text, &LoadOptions::default());
        assert_eq!(part.notes.len(), 80);
        for (i, n) in part.notes.iter().enumerate() {
            assert!(n.at.starts_with(&format!("l.yaml:{}:", i + 4)), "{}", n.at);
            assert!(
                n.message.starts_with(&format!(
                    "Pod p{i}: field `spec.containers[0].env[0].value`"
                )),
                "{}",
                n.message
            );
        }
    }

    #[test]
    fn yaml_1_1_octal() {
        let text = "defaultMode: 0644\n";
        let node: Spanned<Node> =
            serde_saphyr::from_str_with_options(text, options(text.len())).unwrap();
        let v = to_value(node, 0, &mut String::new(), &mut SpanIndex::new());
        assert_eq!(v["defaultMode"], 420);
    }
}
