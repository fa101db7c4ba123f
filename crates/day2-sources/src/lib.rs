//! day2's sources: manifests, snapshots and `kubectl cluster-info dump`s read
//! into the one [`Cluster`] model.
//!
//! Everything a user may point day2 at goes through one path: files are read
//! once (gzip by magic bytes), JSON streams are split into objects (and big
//! `List`s into items) without building values, items decode in parallel,
//! YAML documents are parsed one at a time with positions. Problems become
//! [`Note`]s naming `file:line:column`; a bad document never stops the others.
//!
//! Depends on `day2-model` only; `day2-live` decodes what it lists with this
//! crate's snapshot reader. The `testing` feature (off by default) adds
//! `testing::cluster_from_yaml` (and `testing::fixture_source`) for fixtures
//! in other crates' tests.
#![forbid(unsafe_code)]

mod check;
mod json;
mod read;
mod scrub;
pub mod snapshot;
#[cfg(feature = "testing")]
pub mod testing;
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
    /// Bytes that the files read at the same time may hold together (after
    /// decompression): past it, a large file waits for others to finish.
    /// Never below `max_file_bytes`.
    pub max_held_bytes: u64,
    /// Progress messages for long work (the CLI shows them on stderr).
    pub progress: Option<Progress>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: 512 << 20,
            max_doc_bytes: 64 << 20,
            max_held_bytes: 1 << 30,
            progress: None,
        }
    }
}

impl std::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("max_file_bytes", &self.max_file_bytes)
            .field("max_doc_bytes", &self.max_doc_bytes)
            .field("max_held_bytes", &self.max_held_bytes)
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
    /// The file held something usable: an object, a (possibly empty) list, a log.
    pub readable: bool,
    /// Notes past [`MAX_NOTES_PER_FILE`], counted instead of kept.
    pub more_notes: usize,
    /// Empty objects (`{}`): counted, never stored.
    pub empty_objects: u64,
    /// When a day2 snapshot says it was captured; the newest of several.
    pub captured_at: Option<jiff::Timestamp>,
}

/// Notes kept per file; the rest are counted (a file of a million broken
/// documents must not become a million notes).
pub const MAX_NOTES_PER_FILE: usize = 100;

impl Part {
    fn note(note: Note) -> Part {
        Part {
            notes: vec![note],
            ..Part::default()
        }
    }

    /// Keep a note, or count it once the file has [`MAX_NOTES_PER_FILE`].
    pub(crate) fn push_note(&mut self, note: Note) {
        if self.notes.len() < MAX_NOTES_PER_FILE {
            self.notes.push(note);
        } else {
            self.more_notes += 1;
        }
    }

    /// Keep the newest capture time (a day2 snapshot's `metadata.capturedAt`).
    pub(crate) fn captured(&mut self, at: Option<jiff::Timestamp>) {
        let Some(at) = at else { return };
        if self.captured_at.is_none_or(|old| at > old) {
            self.captured_at = Some(at);
        }
    }

    /// Take another part's notes (and its count of dropped ones), within the cap.
    pub(crate) fn take_notes(&mut self, notes: Vec<Note>, more: usize) {
        let room = MAX_NOTES_PER_FILE.saturating_sub(self.notes.len());
        let n = notes.len();
        self.notes.extend(notes.into_iter().take(room));
        self.more_notes += more + n.saturating_sub(room);
    }

    /// The file's closing notes: how many notes were left out, how many empty objects skipped.
    pub(crate) fn close(&mut self, name: &str) {
        if self.empty_objects > 0 {
            let n = self.empty_objects;
            self.notes.push(Note {
                at: name.to_owned(),
                message: format!(
                    "{n} empty object{} (`{{}}`) skipped",
                    if n == 1 { "" } else { "s" }
                ),
            });
            self.empty_objects = 0;
        }
        if self.more_notes > 0 {
            self.notes.push(Note {
                at: name.to_owned(),
                message: format!(
                    "and {} more problems in this file (the first {MAX_NOTES_PER_FILE} are listed)",
                    self.more_notes
                ),
            });
            self.more_notes = 0;
        }
    }

    /// Concatenate the parts of one file in order (notes within the file's
    /// cap); every store is allocated once at its final size.
    pub(crate) fn concat(parts: Vec<Part>) -> Part {
        Part::concat_with(parts, true)
    }

    /// Concatenate the closed parts of several files: every file keeps its notes.
    fn concat_files(parts: Vec<Part>) -> Part {
        Part::concat_with(parts, false)
    }

    fn concat_with(mut parts: Vec<Part>, cap: bool) -> Part {
        if parts.len() == 1
            && let Some(p) = parts.pop()
        {
            return p;
        }
        let mut stores = Vec::with_capacity(parts.len());
        let mut out = Part::default();
        for p in parts {
            stores.push(p.stores);
            if cap {
                out.take_notes(p.notes, p.more_notes);
            } else {
                out.notes.extend(p.notes);
            }
            out.logs.extend(p.logs);
            out.deferred.extend(p.deferred);
            out.readable |= p.readable;
            out.empty_objects += p.empty_objects;
            out.captured(p.captured_at);
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
    let budget = Arc::new(read::Budget::new(
        opts.max_held_bytes.max(opts.max_file_bytes),
    ));
    load_within(inputs, kind, opts, &budget)
}

/// [`load`], the files reading within `budget`.
fn load_within(
    inputs: &[Input],
    kind: SourceKind,
    opts: &LoadOptions,
    budget: &Arc<read::Budget>,
) -> Result<Cluster, LoadError> {
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
        .map(|f| {
            let mut part = match read::open(f, opts) {
                Ok(mut r) => {
                    r.budget = Some(budget.clone());
                    parse(f, &mut r, opts)
                }
                Err(note) => Part::note(note),
            };
            part.close(&f.name);
            part
        })
        .collect();
    let part = Part::concat_files(parts);
    day2_model::pod_text::forget_all();
    day2_model::timings::mark("decoded");
    notes.extend(part.notes);
    if !part.readable && !notes.is_empty() {
        return Err(LoadError::NothingReadable { notes });
    }
    check::objects(&part.stores, &mut notes);
    if let Some(p) = &opts.progress {
        p(&format!("indexing {} objects …", part.stores.len()));
    }
    let mut cluster = Cluster::new(part.stores, kind, notes);
    cluster.logs = part.logs;
    cluster.input = describe(inputs, files.len());
    cluster.captured_at = part.captured_at;
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
    {
        if head.is_empty() && !r.over {
            // Nothing came out at all: a corrupt gzip stream or an unreadable file is
            // not an empty file.
            let what = if r.gzip {
                "corrupt gzip data"
            } else {
                "cannot read"
            };
            return Part::note(Note {
                at: file.name.clone(),
                message: format!("{what} ({e}), skipped"),
            });
        }
        if let Err(fatal) = read::read_error(r, e, &file.name, &mut notes) {
            return Part::note(fatal);
        }
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
    let more = std::mem::take(&mut part.more_notes);
    let rest = std::mem::replace(&mut part.notes, notes);
    part.take_notes(rest, more);
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
    yaml::parse(name, text, opts)
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
    let mut part = parse(&file, &mut r, opts);
    part.close(name);
    day2_model::pod_text::forget_all();
    if !part.readable {
        return Err(LoadError::NothingReadable { notes: part.notes });
    }
    check::objects(&part.stores, &mut part.notes);
    let mut c = Cluster::new(part.stores, kind, part.notes);
    c.logs = part.logs;
    c.input = name.to_owned();
    c.captured_at = part.captured_at;
    Ok(c)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::Write;

    #[test]
    fn files_read_together_hold_no_more_than_the_budget() {
        // Four compressed files of 20 MiB of spaces each (a few KiB on disk): read
        // whole, each holds all of it. Together they stay within one file's limit.
        let dir = tempfile::tempdir().unwrap();
        let spaces = vec![b' '; 20 << 20];
        let mut inputs = Vec::new();
        for i in 0..4 {
            let p = dir.path().join(format!("bomb-{i}.yaml.gz"));
            let mut gz = flate2::write::GzEncoder::new(
                std::fs::File::create(&p).unwrap(),
                flate2::Compression::fast(),
            );
            gz.write_all(&spaces).unwrap();
            gz.finish().unwrap();
            inputs.push(Input::Path(p));
        }
        let opts = LoadOptions {
            max_file_bytes: 24 << 20,
            max_held_bytes: 24 << 20,
            ..LoadOptions::default()
        };
        let budget = Arc::new(read::Budget::new(opts.max_file_bytes));
        let c = load_within(&inputs, SourceKind::Manifests, &opts, &budget).unwrap();
        let empty = c.notes.iter().filter(|n| n.message == "empty file").count();
        assert_eq!(empty, 4, "every file was read: {:?}", c.notes);
        assert_eq!(
            budget.peak(),
            24 << 20,
            "one file's share at a time, never four"
        );
    }
}
