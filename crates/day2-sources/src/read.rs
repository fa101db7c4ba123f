//! Finding files and reading them (gzip, size limits, stdin).

use crate::{Input, LoadOptions};
use day2_model::{Note, PodLog};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file to parse.
#[derive(Debug, Clone)]
pub struct File {
    /// As shown to the user.
    pub name: String,
    /// None for stdin.
    pub path: Option<PathBuf>,
    /// `<ns>/<pod>/logs.txt` of a cluster-info dump.
    pub is_pod_log: bool,
}

const EXTENSIONS: [&str; 4] = ["yaml", "yml", "json", "gz"];

fn walk(dir: &Path, out: &mut Vec<File>, notes: &mut Vec<Note>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            notes.push(Note { at: dir.display().to_string(), message: format!("cannot read folder: {e}") });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, notes);
        } else if p.file_name().and_then(|n| n.to_str()) == Some("logs.txt") {
            out.push(File { name: p.display().to_string(), path: Some(p), is_pod_log: true });
        } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e)) {
            out.push(File { name: p.display().to_string(), path: Some(p), is_pod_log: false });
        }
    }
}

/// Expand folders into files.
pub fn expand(inputs: &[Input]) -> (Vec<File>, Vec<Note>) {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for i in inputs {
        match i {
            Input::Stdin => files.push(File { name: "<stdin>".into(), path: None, is_pod_log: false }),
            Input::Path(p) if p.is_dir() => {
                let before = files.len();
                walk(p, &mut files, &mut notes);
                if files.len() == before {
                    notes.push(Note { at: p.display().to_string(), message: "no .yaml, .yml or .json files in this folder".into() });
                }
            }
            Input::Path(p) => files.push(File { name: p.display().to_string(), path: Some(p.clone()), is_pod_log: false }),
        }
    }
    (files, notes)
}

/// Read a file whole, decompressing gzip, within the size limit.
pub fn read_file(f: &File, opts: &LoadOptions) -> Result<Vec<u8>, Note> {
    let note = |message: String| Note { at: f.name.clone(), message };
    let mut raw = Vec::new();
    let limit = opts.max_file_bytes;
    let res = match &f.path {
        None => std::io::stdin().lock().take(limit + 1).read_to_end(&mut raw),
        Some(p) => std::fs::File::open(p).and_then(|file| file.take(limit + 1).read_to_end(&mut raw)),
    };
    res.map_err(|e| note(format!("cannot read: {e}")))?;
    if raw.len() as u64 > limit {
        return Err(note(format!("over the {limit}-byte limit, skipped")));
    }
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let mut dec = flate2::read::MultiGzDecoder::new(&raw[..]).take(limit + 1);
        match dec.read_to_end(&mut out) {
            Ok(_) if out.len() as u64 > limit => return Err(note(format!("decompresses to over the {limit}-byte limit, skipped"))),
            Ok(_) => return Ok(out),
            Err(e) if !out.is_empty() => {
                // A truncated archive: keep what decompressed; the parser reports the cut.
                let _ = e;
                return Ok(out);
            }
            Err(e) => return Err(note(format!("not a readable gzip file: {e}"))),
        }
    }
    Ok(raw)
}

/// `<dir>/<namespace>/<pod>/logs.txt` → the pod's log.
pub fn pod_log_from_path(name: &str, text: &str) -> PodLog {
    let parts: Vec<&str> = Path::new(name).iter().filter_map(|s| s.to_str()).collect();
    let n = parts.len();
    let (ns, pod) = if n >= 3 { (parts[n - 3], parts[n - 2]) } else { ("", "") };
    PodLog { namespace: ns.to_owned(), pod: pod.to_owned(), container: None, source: name.to_owned(), text: text.to_owned() }
}
