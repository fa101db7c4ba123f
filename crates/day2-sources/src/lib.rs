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

pub use snapshot::{
    REDACTED_ANNOTATION, SNAPSHOT_API_VERSION, SnapshotFile, SnapshotMeta, SnapshotWriter,
    write_snapshot, write_snapshot_file,
};

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
        LoadOptions {
            max_file_bytes: 512 << 20,
            max_doc_bytes: 64 << 20,
            progress: None,
        }
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
    /// Every input was unusable; the notes say why, each naming its file.
    #[error("nothing could be read:\n  {}", notes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    NothingReadable { notes: Vec<Note> },
    /// A path given on the command line cannot be opened.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no input given")]
    NoInput,
}

/// The kind a typed list implies for its items (`PodList` → `v1`, `Pod`).
pub(crate) type Hint = Option<Arc<(String, String)>>;

/// What one file (or one batch of a file) produced.
#[derive(Default)]
pub(crate) struct Part {
    pub stores: Stores,
    pub notes: Vec<Note>,
    pub logs: Vec<PodLog>,
    /// Items of a typed list whose `kind` had not been seen yet: (list, text, line, column).
    pub deferred: Vec<(usize, String, u32, u32)>,
    /// The file held at least one readable document.
    pub readable: bool,
}

impl Part {
    fn note(note: Note) -> Part {
        Part {
            notes: vec![note],
            ..Part::default()
        }
    }

    /// Concatenate in order; every store is allocated once at its final size.
    pub(crate) fn concat(mut parts: Vec<Part>) -> Part {
        if parts.len() == 1
            && let Some(p) = parts.pop()
        {
            return p;
        }
        let mut stores = Vec::with_capacity(parts.len());
        let mut out = Part::default();
        for p in parts {
            stores.push(p.stores);
            out.notes.extend(p.notes);
            out.logs.extend(p.logs);
            out.deferred.extend(p.deferred);
            out.readable |= p.readable;
        }
        out.stores = Stores::concat(stores);
        out
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
    for i in inputs {
        if let Input::Path(p) = i
            && p.as_os_str() != "-"
            && let Err(source) = std::fs::metadata(p)
        {
            return Err(LoadError::Io {
                path: p.clone(),
                source,
            });
        }
    }
    day2_model::timings::mark("start");
    let (files, mut notes) = read::expand(inputs);
    if let Some(p) = &opts.progress {
        p(&format!("reading {} file(s) …", files.len()));
    }
    // Files in parallel; a large file also decodes its items in parallel.
    let parts: Vec<Part> = files
        .par_iter()
        .with_max_len(1)
        .map(|f| match read::open(f, opts) {
            Ok(mut r) => parse(f, &mut r, opts),
            Err(note) => Part::note(note),
        })
        .collect();
    let part = Part::concat(parts);
    day2_model::timings::mark("decoded");
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
    day2_model::timings::mark("indexed");
    Ok(cluster)
}

/// Bytes looked at before deciding what a file is.
const HEAD: usize = 64 << 10;

/// Parse one input.
pub(crate) fn parse(file: &read::File, r: &mut read::Reader, opts: &LoadOptions) -> Part {
    let name: Arc<str> = Arc::from(file.name.as_str());
    let mut notes = Vec::new();
    let mut head = Vec::with_capacity(HEAD);
    if let Err(e) =
        std::io::Read::read_to_end(&mut std::io::Read::take(&mut *r, HEAD as u64), &mut head)
        && let Err(fatal) = read::read_error(r, e, &file.name, &mut notes)
    {
        return Part::note(fatal);
    }
    let note = |message: &str| Note {
        at: file.name.clone(),
        message: message.into(),
    };
    if head.iter().take(8192).any(|b| *b == 0) {
        return Part::note(note("binary file, skipped"));
    }
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let first = head[bom..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let mut part = if file.is_pod_log
        || first.is_none()
        || file.is_yaml()
        || !matches!(first, Some(b'{' | b'['))
    {
        whole(file, &name, r, head, bom, &mut notes, opts)
    } else {
        if bom > 0 {
            head.drain(..bom);
        }
        json::parse(&name, r, head)
    };
    notes.append(&mut part.notes);
    part.notes = notes;
    part
}

/// Inputs read whole: YAML, pod logs, empty files.
fn whole(
    file: &read::File,
    name: &Arc<str>,
    r: &mut read::Reader,
    mut bytes: Vec<u8>,
    bom: usize,
    notes: &mut Vec<Note>,
    opts: &LoadOptions,
) -> Part {
    if let Err(fatal) = read::read_rest(r, &mut bytes, &file.name, notes) {
        return Part::note(fatal);
    }
    let text = match std::str::from_utf8(&bytes[bom..]) {
        Ok(t) => t,
        Err(e) => {
            let line = memchr::memchr_iter(b'\n', &bytes[..bom + e.valid_up_to()]).count() + 1;
            return Part::note(Note {
                at: format!("{}:{line}", file.name),
                message: "not UTF-8 text, skipped".into(),
            });
        }
    };
    if file.is_pod_log {
        return Part {
            logs: read::pod_logs_file(&file.name, text),
            readable: true,
            ..Default::default()
        };
    }
    if text.trim().is_empty() {
        return Part {
            notes: vec![Note {
                at: file.name.clone(),
                message: "empty file".into(),
            }],
            readable: true,
            ..Default::default()
        };
    }
    parse_yaml(name, text, opts)
}

fn parse_yaml(name: &Arc<str>, text: &str, opts: &LoadOptions) -> Part {
    let docs = yaml::split_documents(text);
    let parts: Vec<Part> = docs
        .par_iter()
        .map(|doc| {
            let mut part = Part::default();
            if doc.text.len() as u64 > opts.max_doc_bytes {
                part.notes.push(Note {
                    at: format!("{name}:{}:1", doc.first_line),
                    message: format!(
                        "document of {} bytes is over the {}-byte limit, skipped",
                        doc.text.len(),
                        opts.max_doc_bytes
                    ),
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
                    let value =
                        yaml::to_value(node, doc.first_line - 1, &mut String::new(), &mut spans);
                    if value.is_null() {
                        return part;
                    }
                    spans.finish();
                    part.readable = true;
                    yaml::push_value(&mut part, name, value, line, column.max(1), spans);
                }
                Err(e) => {
                    let (line, col) = e
                        .location()
                        .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
                    part.notes.push(Note {
                        at: format!("{name}:{}:{}", line + doc.first_line - 1, col.max(1)),
                        message: yaml::error_message(&e.to_string()),
                    });
                }
            }
            part
        })
        .collect();
    Part::concat(parts)
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

/// Bytes already in memory (the bundled demo). gzip is recognised here too.
pub fn load_bytes(
    name: &str,
    bytes: &[u8],
    kind: SourceKind,
    opts: &LoadOptions,
) -> Result<Cluster, LoadError> {
    let file = read::File {
        name: name.to_owned(),
        path: None,
        is_pod_log: false,
    };
    let mut r = read::from_bytes(bytes, opts);
    let part = parse(&file, &mut r, opts);
    if !part.readable {
        return Err(LoadError::NothingReadable { notes: part.notes });
    }
    let mut c = Cluster::new(part.stores, kind, part.notes);
    c.logs = part.logs;
    c.input = name.to_owned();
    Ok(c)
}
