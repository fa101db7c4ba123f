//! day2's sources: manifests, snapshots and `kubectl cluster-info dump`s read
//! into the one [`Cluster`] model.
//!
//! Everything a user may point day2 at goes through one path: files are read
//! once (gzip by magic bytes), JSON streams are split into objects (and big
//! `List`s into items) without building values, items decode in parallel,
//! YAML documents are parsed one at a time with positions. Problems become
//! [`Note`]s naming `file:line:column`; a bad document never stops the others.
#![forbid(unsafe_code)]

mod json;
mod read;
pub mod snapshot;
mod yaml;

use day2_model::object::Stores;
use day2_model::{Cluster, Note, PodLog, SourceKind};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

pub use snapshot::{SNAPSHOT_API_VERSION, SnapshotFile, SnapshotMeta, write_snapshot, write_snapshot_file};

/// One thing to read.
#[derive(Debug, Clone)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

/// A progress callback.
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

/// Limits and progress reporting.
#[derive(Clone)]
pub struct LoadOptions {
    /// Larger files are refused (after decompression).
    pub max_file_bytes: u64,
    /// Larger YAML documents are refused.
    pub max_doc_bytes: u64,
    /// Progress messages for long work (the CLI shows them on stderr).
    pub progress: Option<Progress>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { max_file_bytes: 512 << 20, max_doc_bytes: 64 << 20, progress: None }
    }
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("max_file_bytes", &self.max_file_bytes)
            .field("max_doc_bytes", &self.max_doc_bytes)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("nothing could be read:\n  {}", notes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    NothingReadable { notes: Vec<Note> },
    #[error("no input given")]
    NoInput,
}

/// What one file produced.
#[derive(Default)]
pub(crate) struct Part {
    pub stores: Stores,
    pub notes: Vec<Note>,
    pub logs: Vec<PodLog>,
    /// The file held at least one readable document.
    pub readable: bool,
}

impl Part {
    fn merge(mut self, other: Part) -> Part {
        self.stores.extend(other.stores);
        self.notes.extend(other.notes);
        self.logs.extend(other.logs);
        self.readable |= other.readable;
        self
    }
}

fn describe(inputs: &[Input], files: usize) -> String {
    match inputs {
        [Input::Stdin] => "<stdin>".to_owned(),
        [Input::Path(p)] if files <= 1 => p.display().to_string(),
        [Input::Path(p)] => format!("{} ({files} files)", p.display()),
        _ => format!("{} inputs ({files} files)", inputs.len()),
    }
}

fn load(inputs: &[Input], kind: SourceKind, opts: &LoadOptions) -> Result<Cluster, LoadError> {
    if inputs.is_empty() {
        return Err(LoadError::NoInput);
    }
    let (files, mut notes) = read::expand(inputs);
    if let Some(p) = &opts.progress {
        p(&format!("reading {} file(s) …", files.len()));
    }
    let part = files
        .par_iter()
        .map(|f| read::read_file(f, opts).map_or_else(|note| Part { notes: vec![note], ..Default::default() }, |bytes| parse(f, &bytes, opts)))
        .reduce(Part::default, Part::merge);
    notes.extend(part.notes);
    if !part.readable && !notes.is_empty() {
        return Err(LoadError::NothingReadable { notes });
    }
    if let Some(p) = &opts.progress {
        p(&format!("indexing {} objects …", part.stores.len()));
    }
    let mut cluster = Cluster::new(part.stores, kind, notes);
    cluster.logs = part.logs;
    cluster.input = describe(inputs, files.len());
    Ok(cluster)
}

/// Parse one file's bytes.
pub(crate) fn parse(file: &read::File, bytes: &[u8], opts: &LoadOptions) -> Part {
    let name: Arc<str> = Arc::from(file.name.as_str());
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return Part { notes: vec![Note { at: file.name.clone(), message: "binary file, skipped".into() }], ..Default::default() };
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            return Part {
                notes: vec![Note { at: format!("{}:{line}", file.name), message: "not UTF-8 text, skipped".into() }],
                ..Default::default()
            };
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Part { notes: vec![Note { at: file.name.clone(), message: "empty file".into() }], readable: true, ..Default::default() };
    }
    if file.is_pod_log {
        return Part { logs: vec![read::pod_log_from_path(&file.name, text)], readable: true, ..Default::default() };
    }
    match text.trim_start().as_bytes().first() {
        Some(b'{') | Some(b'[') => json::parse_stream(&name, text),
        _ => parse_yaml(&name, text, opts),
    }
}

fn parse_yaml(name: &Arc<str>, text: &str, opts: &LoadOptions) -> Part {
    let docs = yaml::split_documents(text);
    docs.par_iter()
        .map(|doc| {
            let mut part = Part::default();
            if doc.text.len() as u64 > opts.max_doc_bytes {
                part.notes.push(Note {
                    at: format!("{name}:{}", doc.first_line),
                    message: format!("document of {} bytes is over the {}-byte limit, skipped", doc.text.len(), opts.max_doc_bytes),
                });
                return part;
            }
            let parsed: Result<serde_saphyr::Spanned<yaml::Node>, _> =
                serde_saphyr::from_str_with_options(doc.text, yaml::options(doc.text.len()));
            match parsed {
                Ok(node) => {
                    let mut spans = day2_model::SpanIndex::new();
                    let line = node.referenced.line() as u32 + doc.first_line - 1;
                    let column = node.referenced.column() as u32;
                    let value = yaml::to_value(node, doc.first_line - 1, &mut String::new(), &mut spans);
                    if value.is_null() {
                        return part;
                    }
                    spans.finish();
                    part.readable = true;
                    json::push_value(&mut part, name, value, line, column, Some(spans));
                }
                Err(e) => {
                    let (line, col) = e.location().map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
                    let msg = e.to_string();
                    let msg = msg.lines().next().unwrap_or("malformed YAML").to_owned();
                    part.notes.push(Note { at: format!("{name}:{}:{}", line + doc.first_line - 1, col.max(1)), message: msg });
                }
            }
            part
        })
        .reduce(Part::default, Part::merge)
}

/// Manifests: files, folders (recursive), stdin.
pub fn load_manifests(inputs: &[Input], opts: &LoadOptions) -> Result<Cluster, LoadError> {
    load(inputs, SourceKind::Manifests, opts)
}

/// Snapshots: `kubectl get -o json` lists, YAML, folders, `kubectl cluster-info dump`
/// (folder or stdout form), day2 snapshots, gzip.
pub fn load_snapshot(inputs: &[Input], opts: &LoadOptions) -> Result<Cluster, LoadError> {
    load(inputs, SourceKind::Snapshot, opts)
}

/// Bytes already in memory (the bundled demo).
pub fn load_bytes(name: &str, bytes: &[u8], kind: SourceKind, opts: &LoadOptions) -> Result<Cluster, LoadError> {
    let file = read::File { name: name.to_owned(), path: None, is_pod_log: false };
    let part = parse(&file, bytes, opts);
    if !part.readable {
        return Err(LoadError::NothingReadable { notes: part.notes });
    }
    let mut c = Cluster::new(part.stores, kind, part.notes);
    c.logs = part.logs;
    c.input = name.to_owned();
    Ok(c)
}
