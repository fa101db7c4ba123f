//! The common case of a manifest document, read straight from the parser's
//! events into a `serde_json::Value` and its `SpanIndex`, in one pass.
//!
//! A document of mappings, sequences and untagged scalars (what nearly every
//! manifest is) needs no intermediate tree. Anything else (anchors and
//! aliases, tags, merge keys, duplicate keys, a directive, a root that is not
//! a mapping, a parse error, a document over the parser's budget) is left to
//! the general path in `yaml.rs`, which reads every YAML feature and says
//! what is wrong: the caller falls back when this returns `None`. Scalars are
//! resolved as the general path resolves them; a spelling this module does
//! not decide itself (a float, a quantity, `0644`) is resolved by the general
//! parser, one scalar at a time.

use super::{Node, options};
use day2_model::SpanIndex;
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
use serde_saphyr::{Budget, Spanned};
use std::cell::RefCell;
use std::fmt::Write as _;

/// A document read by the fast path: its value, the positions of its nodes
/// and the position of its root (1-based line, column).
pub(crate) struct Read {
    pub value: Value,
    pub spans: SpanIndex,
    pub line: u32,
    pub column: u32,
}

/// A collection being built.
enum Open {
    Seq(Vec<Value>),
    /// The entries, and the key read but not yet given a value.
    Map(Map<String, Value>, Option<String>),
}

struct Frame {
    open: Open,
    /// Length of the JSON pointer before this collection's own segment was
    /// pushed (restored when it closes).
    ptr_len: usize,
    line: u32,
    column: u32,
}

/// Read `text` (one document; `first_line` is its first line in the file),
/// or `None` to send it down the general path.
pub(crate) fn read(text: &str, first_line: u32) -> Option<Read> {
    let opts = options(text.len());
    let budget = opts.budget.clone().unwrap_or_default();
    let mut popts = serde_saphyr::granit_parser::Options::default();
    popts.simple_key_max_lookahead = budget.simple_key_max_lookahead;
    popts.flow_nesting_limit = budget.flow_nesting_limit;
    // Comments are not data (another dependency may turn their events on).
    popts.emit_comments = false;
    popts.block_nesting_limit = popts
        .block_nesting_limit
        .max(budget.max_depth.saturating_add(1));
    let parser = Parser::new_from_str_with_options(text, popts);
    Builder::new(first_line - 1, budget).run(parser)
}

struct Builder {
    line_offset: u32,
    budget: Budget,
    stack: Vec<Frame>,
    ptr: String,
    spans: SpanIndex,
    root: Option<(Value, u32, u32)>,
    nodes: usize,
    events: usize,
    scalar_bytes: usize,
}

impl Builder {
    fn new(line_offset: u32, budget: Budget) -> Self {
        Builder {
            line_offset,
            budget,
            stack: Vec::new(),
            ptr: String::new(),
            spans: SpanIndex::new(),
            root: None,
            nodes: 0,
            events: 0,
            scalar_bytes: 0,
        }
    }

    fn run<'i>(
        mut self,
        parser: Parser<'i, impl serde_saphyr::granit_parser::BorrowedInput<'i>>,
    ) -> Option<Read> {
        let mut documents = 0;
        for ev in parser {
            let (ev, span) = ev.ok()?;
            self.events += 1;
            if self.events > self.budget.max_events {
                return None;
            }
            let line = span.start.line() as u32 + self.line_offset;
            let column = span.start.col() as u32 + 1;
            match ev {
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
                Event::DocumentStart(_, version) => {
                    documents += 1;
                    if documents > 1 || version.is_some() {
                        return None;
                    }
                }
                Event::Scalar(text, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    self.scalar_bytes += text.len();
                    if self.scalar_bytes > self.budget.max_total_scalar_bytes {
                        return None;
                    }
                    self.node()?;
                    if let Some(Frame {
                        open: Open::Map(m, key @ None),
                        ..
                    }) = self.stack.last_mut()
                    {
                        let k = key_text(&text, style)?;
                        // A merge key, or a key met twice.
                        if k == "<<" && style == ScalarStyle::Plain || m.contains_key(&k) {
                            return None;
                        }
                        *key = Some(k);
                        continue;
                    }
                    let v = scalar(&text, style)?;
                    let len = self.segment()?;
                    self.spans.insert(self.ptr.as_str(), line, column);
                    self.ptr.truncate(len);
                    self.close(v, line, column)?;
                }
                Event::SequenceStart(_, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    self.open(Open::Seq(Vec::new()), line, column)?;
                }
                Event::MappingStart(_, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    self.open(Open::Map(Map::new(), None), line, column)?;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let frame = self.stack.pop()?;
                    let v = match frame.open {
                        Open::Seq(items) => Value::Array(items),
                        Open::Map(m, None) => Value::Object(m),
                        Open::Map(_, Some(_)) => return None,
                    };
                    self.ptr.truncate(frame.ptr_len);
                    self.close(v, frame.line, frame.column)?;
                }
                _ => return None,
            }
        }
        if !self.stack.is_empty() {
            return None;
        }
        let (value, line, column) = self.root?;
        if !value.is_object() {
            return None;
        }
        let mut spans = self.spans;
        spans.finish();
        Some(Read {
            value,
            spans,
            line,
            column,
        })
    }

    fn node(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.budget.max_nodes).then_some(())
    }

    /// Push the pointer segment of the node about to be read (an index in a
    /// sequence, the pending key in a mapping, nothing at the root) and
    /// return the pointer's length before it.
    fn segment(&mut self) -> Option<usize> {
        let len = self.ptr.len();
        match self.stack.last() {
            None => {
                if self.root.is_some() {
                    return None;
                }
            }
            Some(Frame {
                open: Open::Seq(items),
                ..
            }) => {
                self.ptr.push('/');
                let _ = write!(self.ptr, "{}", items.len());
            }
            Some(Frame {
                open: Open::Map(_, Some(k)),
                ..
            }) => {
                self.ptr.push('/');
                push_escaped(&mut self.ptr, k);
            }
            // A collection as a mapping key.
            Some(Frame {
                open: Open::Map(_, None),
                ..
            }) => return None,
        }
        Some(len)
    }

    fn open(&mut self, open: Open, line: u32, column: u32) -> Option<()> {
        self.node()?;
        if self.stack.len() >= MAX_DEPTH {
            return None;
        }
        let ptr_len = self.segment()?;
        self.spans.insert(self.ptr.as_str(), line, column);
        self.stack.push(Frame {
            open,
            ptr_len,
            line,
            column,
        });
        Some(())
    }

    /// Give a finished value to its parent (or make it the root).
    fn close(&mut self, v: Value, line: u32, column: u32) -> Option<()> {
        match self.stack.last_mut() {
            None => {
                if self.root.is_some() {
                    return None;
                }
                self.root = Some((v, line, column));
            }
            Some(Frame {
                open: Open::Seq(items),
                ..
            }) => items.push(v),
            Some(Frame {
                open: Open::Map(m, key),
                ..
            }) => {
                let k = key.take()?;
                m.insert(k, v);
            }
        }
        Some(())
    }
}

/// Collections nested deeper than this go down the general path (whose
/// budget refuses them past its own depth).
const MAX_DEPTH: usize = 48;

fn push_escaped(ptr: &mut String, seg: &str) {
    if seg.contains(['~', '/']) {
        ptr.push_str(&seg.replace('~', "~0").replace('/', "~1"));
    } else {
        ptr.push_str(seg);
    }
}

/// A scalar value as the general path reads it, or `None` when the general
/// parser does not read it as a plain scalar on its own either.
fn scalar(text: &str, style: ScalarStyle) -> Option<Value> {
    decided(text, style).or_else(|| resolve(text))
}

/// The spellings decided here: anything quoted or in a block, an empty plain
/// scalar, a plain word that YAML gives no other meaning, a decimal integer
/// without a sign or leading zero. `None` for the rest, which YAML's rules
/// resolve.
fn decided(text: &str, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(text.to_owned()));
    }
    let b = text.as_bytes();
    let Some(&first) = b.first() else {
        return Some(Value::Null);
    };
    // No null, boolean or number begins with a letter other than the
    // special words, or with a slash (a path: `/healthz`).
    if (first.is_ascii_alphabetic() && !special_word(text)) || first == b'/' {
        return Some(Value::String(text.to_owned()));
    }
    if first.is_ascii_digit()
        && (first != b'0' || b.len() == 1)
        && b.len() <= 18
        && b.iter().all(u8::is_ascii_digit)
    {
        return text.parse::<u64>().ok().map(Value::from);
    }
    None
}

/// Words a plain scalar may spell that are not strings: YAML 1.1 booleans,
/// nulls, and what a float parser reads (`inf`, `nan`).
fn special_word(text: &str) -> bool {
    text.len() <= 8
        && matches!(
            text.to_ascii_lowercase().as_str(),
            "y" | "n"
                | "yes"
                | "no"
                | "true"
                | "false"
                | "on"
                | "off"
                | "null"
                | "inf"
                | "infinity"
                | "nan"
        )
}

/// Resolve one plain scalar with the general parser, which reads it in full,
/// as the value of a one-entry mapping (`k: TEXT`: where a plain scalar
/// stands in a manifest, and where `---` or `...` are not document markers).
/// A result that is not one scalar, or a string other than the text, means
/// the text would read differently there, and the document goes down the
/// general path.
fn resolve_node(text: &str) -> Option<Node> {
    if text.len() > 256 || text.contains(['\n', '\r']) {
        return None;
    }
    let seen = RESOLVED.with_borrow(|m| m.get(text).map(|n| n.as_ref().and_then(scalar_copy)));
    if let Some(node) = seen {
        return node;
    }
    let node = resolve_uncached(text);
    RESOLVED.with_borrow_mut(|m| {
        if m.len() >= RESOLVED_MAX {
            m.clear();
        }
        m.insert(text.into(), node.as_ref().and_then(scalar_copy));
    });
    node
}

thread_local! {
    /// Plain scalars the general parser resolved, by their text: a folder
    /// of manifests spells the same few (`100m`, `128Mi`, `0.5`) thousands
    /// of times, and each resolution is a parse of its own.
    static RESOLVED: RefCell<FxHashMap<Box<str>, Option<Node>>> = RefCell::default();
}

/// Most texts [`RESOLVED`] holds; it starts again empty when full, so no
/// input makes it grow without end.
const RESOLVED_MAX: usize = 4096;

/// A copy of a scalar node (the only nodes [`resolve_node`] gives).
fn scalar_copy(n: &Node) -> Option<Node> {
    Some(match n {
        Node::Null => Node::Null,
        Node::Bool(b) => Node::Bool(*b),
        Node::I64(i) => Node::I64(*i),
        Node::U64(u) => Node::U64(*u),
        Node::F64(f) => Node::F64(*f),
        Node::Str(s) => Node::Str(s.clone()),
        Node::Seq(_) | Node::Map(_) => return None,
    })
}

/// [`resolve_node`], parsing.
fn resolve_uncached(text: &str) -> Option<Node> {
    let doc = format!("k: {text}\n");
    let node: Spanned<Node> = serde_saphyr::from_str_with_options(&doc, options(doc.len())).ok()?;
    let Node::Map(mut entries) = node.value else {
        return None;
    };
    if entries.len() != 1 || entries[0].0 != "k" {
        return None;
    }
    match entries.pop()?.1.value {
        Node::Seq(_) | Node::Map(_) => None,
        Node::Str(s) if s != text => None,
        n => Some(n),
    }
}

fn resolve(text: &str) -> Option<Value> {
    resolve_node(text)?.into_scalar_value()
}

/// A mapping key as the general path spells it: a scalar, as text.
fn key_text(text: &str, style: ScalarStyle) -> Option<String> {
    match decided(text, style) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) => Some("null".into()),
        // A decimal integer without a leading zero spells itself.
        Some(_) => Some(text.to_owned()),
        None => resolve_node(text)?.into_key(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{split_documents, to_value};
    use std::path::{Path, PathBuf};

    /// What the general path reads: value, positions, root position.
    fn general(text: &str, first_line: u32) -> Option<(Value, SpanIndex, u32, u32)> {
        let node: Spanned<Node> =
            serde_saphyr::from_str_with_options(text, options(text.len())).ok()?;
        let line = node.referenced.line() as u32 + first_line - 1;
        let column = (node.referenced.column() as u32).max(1);
        let mut spans = SpanIndex::new();
        let value = to_value(node, first_line - 1, &mut String::new(), &mut spans);
        spans.finish();
        Some((value, spans, line, column))
    }

    /// Both paths agree on `text`; returns whether the fast path read it.
    fn agree(what: &str, text: &str) -> bool {
        let mut fast = 0;
        for doc in split_documents(text) {
            let Some(r) = read(doc.text, doc.first_line) else {
                continue;
            };
            fast += 1;
            let (value, spans, line, column) =
                general(doc.text, doc.first_line).unwrap_or_else(|| {
                    panic!(
                        "{what}:{}: the fast path read a document the general path refuses",
                        doc.first_line
                    )
                });
            assert_eq!(r.value, value, "{what}:{}: values differ", doc.first_line);
            assert_eq!(
                r.spans, spans,
                "{what}:{}: positions differ",
                doc.first_line
            );
            assert_eq!(
                (r.line, r.column),
                (line, column),
                "{what}:{}",
                doc.first_line
            );
        }
        fast > 0
    }

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name();
            if p.is_dir() {
                if name != "target" && name != ".git" && name != "node_modules" {
                    yaml_files(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }

    /// Every YAML file in the repository (fixtures, vendors' manifests,
    /// charts' rendered output, the deploy manifests) reads the same both ways.
    #[test]
    fn same_as_the_general_path_on_every_yaml_file_here() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        yaml_files(&root, &mut files);
        assert!(files.len() > 100, "only {} YAML files found", files.len());
        let mut read_fast = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            if agree(&f.display().to_string(), &text) {
                read_fast += 1;
            }
        }
        eprintln!(
            "{read_fast} of {} YAML files read by the fast path",
            files.len()
        );
        // Nearly every manifest takes the fast path.
        assert!(
            read_fast * 10 > files.len() * 7,
            "{read_fast} of {}",
            files.len()
        );
    }

    /// Every YAML file of the repository, damaged in many small ways (a
    /// character dropped or doubled, a line repeated, YAML's indicators
    /// dropped in): whatever the fast path reads still reads as the general
    /// path reads it.
    #[test]
    fn same_as_the_general_path_on_damaged_manifests() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        yaml_files(&root, &mut files);
        files.sort();
        let inserts = [
            ": ", "&a ", "*a", "'", "\"", "\t", "- ", "? ", "!!str ", "<<: ", "#", "{", "[", "0",
            "-", ".", "~", "\n", "  ", "---\n", "%", "|", ">",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let (mut tried, mut read_fast) = (0, 0);
        for f in files.iter().step_by(3) {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            if text.is_empty() || text.len() > 64 * 1024 {
                continue;
            }
            for _ in 0..12 {
                let mut t = text.clone();
                for _ in 0..1 + next(3) {
                    let mut at = next(t.len());
                    while !t.is_char_boundary(at) {
                        at -= 1;
                    }
                    match next(4) {
                        0 => {
                            let end = t[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                            t.replace_range(at..end, "");
                        }
                        1 => {
                            let line_start = t[..at].rfind('\n').map_or(0, |i| i + 1);
                            let line_end = t[at..].find('\n').map_or(t.len(), |i| at + i + 1);
                            let line = t[line_start..line_end].to_owned();
                            t.insert_str(line_end, &line);
                        }
                        _ => t.insert_str(at, inserts[next(inserts.len())]),
                    }
                }
                tried += 1;
                let what = format!("{} (damaged: {t:?})", f.display());
                if agree(&what, &t) {
                    read_fast += 1;
                }
            }
        }
        eprintln!("{read_fast} of {tried} damaged files had a document read by the fast path");
        assert!(
            tried > 1000 && read_fast * 2 > tried,
            "{read_fast} of {tried}"
        );
    }

    /// Spellings whose meaning depends on YAML's rules: each either takes the
    /// general path or reads exactly as there.
    #[test]
    fn scalars_read_as_the_general_path_reads_them() {
        let words = [
            "x",
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "n",
            "true",
            "False",
            "null",
            "Null",
            "~",
            "",
            "0",
            "7",
            "0644",
            "0o17",
            "0x1F",
            "0X1F",
            "-3",
            "+3",
            "-0",
            "1_000",
            "1.5",
            "-1.5e3",
            ".inf",
            "-.Inf",
            ".nan",
            "inf",
            "nan",
            "Infinity",
            "1e999",
            "12345678901234567890",
            "123456789012345678901234567890",
            "128Mi",
            "100m",
            "1.2.3",
            "v1",
            "10:30",
            "2026-12-03",
            "2026-12-03T10:00:00Z",
            "a b",
            "café",
            "@x",
            "%x",
            "`x`",
            "a#b",
            "/healthz",
            "/",
            "/var/run/x:y",
            "0.5",
            "250m",
            "10.0.0.0/16",
        ];
        for w in words {
            for (i, form) in [
                format!("kind: Pod\nv: {w}\n"),
                format!("kind: Pod\nv: '{w}'\n"),
                format!("kind: Pod\nv: \"{w}\"\n"),
                format!("kind: Pod\n{w}: 1\n"),
                format!("kind: Pod\nv: [{w}, x]\n"),
                format!("kind: Pod\nv:\n  - {w}\n"),
                format!("kind: Pod\nv: {{k: {w}}}\n"),
            ]
            .iter()
            .enumerate()
            {
                agree(&format!("{w:?} form {i}"), form);
            }
        }
    }

    #[test]
    fn what_the_fast_path_leaves_to_the_general_one() {
        for text in [
            "a: &x 1\nb: *x\n",
            "base: &b {x: 1}\nm:\n  <<: *b\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "%YAML 1.2\n---\na: 1\n",
            "- a\n- b\n",
            "just text\n",
            "a: [1, 2\n",
            "? [a, b]\n: c\n",
        ] {
            assert!(read(text, 1).is_none(), "{text:?}");
        }
        let flow = format!("x: {}1{}\n", "{a: ".repeat(100), "}".repeat(100));
        let block: String = (0..100)
            .map(|i| format!("{}a:\n", "  ".repeat(i)))
            .chain(std::iter::once(format!("{}x: 1\n", "  ".repeat(100))))
            .collect();
        for deep in [flow, block] {
            assert!(read(&deep, 1).is_none());
            assert!(read(&format!("kind: Pod\n{deep}"), 1).is_none());
        }
    }

    /// Charts render `# Source:` comments; they take the fast path too,
    /// whichever features the parser was built with.
    #[test]
    fn comments_take_the_fast_path() {
        let text =
            "# Source: chart/templates/pod.yaml\nkind: Pod # trailing\n# between\nspec: {}\n";
        let r = read(text, 1).unwrap();
        assert_eq!(r.value["kind"], "Pod");
        assert_eq!(r.spans.resolve("/spec"), Some((4, 7)));
    }

    #[test]
    fn positions_of_a_manifest() {
        let text = "kind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx\n";
        let r = read(text, 1).unwrap();
        assert_eq!(r.value["spec"]["containers"][0]["image"], "nginx");
        assert_eq!(r.spans.resolve("/spec/containers/0/image"), Some((5, 14)));
        assert_eq!((r.line, r.column), (1, 1));
        let r = read(text, 11).unwrap();
        assert_eq!(r.spans.resolve("/spec/containers/0/image"), Some((15, 14)));
    }
}
