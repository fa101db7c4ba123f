//! Finding files and opening them (gzip by magic bytes, size limits, stdin).

use crate::{Input, LoadOptions};
use day2_model::{Note, PodLog};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

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

impl File {
    /// `.yaml`/`.yml`: always read as YAML (a superset of JSON).
    pub fn is_yaml(&self) -> bool {
        let name = self.name.strip_suffix(".gz").unwrap_or(&self.name);
        name.ends_with(".yaml") || name.ends_with(".yml")
    }
}

const EXTENSIONS: [&str; 4] = ["yaml", "yml", "json", "gz"];

fn walk(dir: &Path, out: &mut Vec<File>, notes: &mut Vec<Note>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            notes.push(Note {
                at: dir.display().to_string(),
                message: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    let mut found: Vec<(PathBuf, std::fs::FileType)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_type().ok().map(|t| (e.path(), t)))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, ty) in found {
        let file_name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if file_name.starts_with('.') {
            continue;
        }
        // Symbolic links to folders are not followed (no cycles); to files they are.
        let is_file = ty.is_file() || (ty.is_symlink() && p.is_file());
        if ty.is_dir() {
            walk(&p, out, notes);
        } else if !is_file {
            // A FIFO, socket or device would block or never end: named, not opened.
            if !ty.is_symlink() || p.exists() {
                let wanted = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.contains(&e))
                    || file_name == "logs.txt";
                if wanted && let Ok(meta) = std::fs::metadata(&p) {
                    notes.push(not_regular(&p, &meta));
                }
            }
            continue;
        } else if file_name == "logs.txt" {
            out.push(File {
                name: p.display().to_string(),
                path: Some(p),
                is_pod_log: true,
            });
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(File {
                name: p.display().to_string(),
                path: Some(p),
                is_pod_log: false,
            });
        }
    }
}

/// Expand folders into files (sorted, so results do not depend on the file system).
pub fn expand(inputs: &[Input]) -> (Vec<File>, Vec<Note>) {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for i in inputs {
        match i {
            Input::Stdin => files.push(stdin()),
            Input::Path(p) if p.as_os_str() == "-" => files.push(stdin()),
            Input::Path(p) if p.is_dir() => {
                let before = files.len();
                walk(p, &mut files, &mut notes);
                if files.len() == before {
                    notes.push(Note {
                        at: p.display().to_string(),
                        message: "no .yaml, .yml or .json files in this folder".into(),
                    });
                }
            }
            Input::Path(p) if std::fs::metadata(p).is_ok_and(|m| !m.is_file()) => {
                if let Ok(meta) = std::fs::metadata(p) {
                    notes.push(not_regular(p, &meta));
                }
            }
            Input::Path(p) => files.push(File {
                name: p.display().to_string(),
                path: Some(p.clone()),
                is_pod_log: false,
            }),
        }
    }
    (files, notes)
}

/// What a path that is neither a file nor a folder is, in a note.
pub fn not_regular(p: &Path, meta: &std::fs::Metadata) -> Note {
    Note {
        at: p.display().to_string(),
        message: format!(
            "{} is not a regular file, skipped (give its contents on stdin with `-`)",
            file_type_name(meta)
        ),
    }
}

/// `a FIFO`, `a socket`, `a device`.
pub fn file_type_name(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

fn stdin() -> File {
    File {
        name: "<stdin>".into(),
        path: None,
        is_pod_log: false,
    }
}

/// Bytes the files read at the same time may hold together. A file past
/// [`UNBUDGETED`] bytes reserves its size (or, unknown, the file limit) all at
/// once, waiting while others hold too much: one that holds a reservation
/// never waits, so every wait ends.
pub struct Budget {
    total: u64,
    held: Mutex<u64>,
    freed: Condvar,
    /// The most ever held at once.
    peak: Mutex<u64>,
}

/// What a file may read before it takes its share of the budget.
pub const UNBUDGETED: u64 = 16 << 20;

impl Budget {
    pub fn new(total: u64) -> Budget {
        Budget {
            total,
            held: Mutex::new(0),
            freed: Condvar::new(),
            peak: Mutex::new(0),
        }
    }

    fn reserve(&self, n: u64) {
        let n = n.min(self.total);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        while *held > 0 && *held + n > self.total {
            held = self
                .freed
                .wait(held)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *held += n;
        let mut peak = self.peak.lock().unwrap_or_else(PoisonError::into_inner);
        *peak = (*peak).max(*held);
    }

    fn release(&self, n: u64) {
        let n = n.min(self.total);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        *held = held.saturating_sub(n);
        self.freed.notify_all();
    }

    /// The most the files held together at any time (reservations, in bytes).
    #[cfg(test)]
    pub fn peak(&self) -> u64 {
        *self.peak.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A reader that stops with an error past `limit` bytes.
pub struct Limited<R> {
    inner: R,
    left: u64,
    limit: u64,
    pub over: bool,
    /// The input is gzip-compressed.
    pub gzip: bool,
    /// Shared with the other files being read; `None` for bytes in memory.
    pub budget: Option<Arc<Budget>>,
    reserved: u64,
    /// How many bytes the input holds, when that is known before reading
    /// (an uncompressed file or bytes in memory).
    pub size_hint: Option<u64>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count(n)
    }
}

impl<R: Read> Limited<R> {
    /// Append up to `want` bytes to `buf`, fewer only at the end of the input.
    /// The bytes go straight into `buf`'s spare room: reading through
    /// [`Read::read`] would first zero that room, megabytes per block.
    pub fn read_more(&mut self, buf: &mut Vec<u8>, want: u64) -> io::Result<usize> {
        let n = (&mut self.inner)
            .take(want.min(self.left.saturating_add(1)))
            .read_to_end(buf)?;
        self.count(n)
    }

    /// Count `n` bytes read against the limit (and, past [`UNBUDGETED`]
    /// bytes, take this file's share of the budget).
    fn count(&mut self, n: usize) -> io::Result<usize> {
        if n as u64 > self.left {
            self.over = true;
            return Err(io::Error::other("over the size limit"));
        }
        self.left -= n as u64;
        if self.reserved == 0
            && self.limit - self.left > UNBUDGETED
            && let Some(b) = &self.budget
        {
            let want = self.size_hint.unwrap_or(self.limit).max(1);
            b.reserve(want);
            self.reserved = want;
        }
        Ok(n)
    }
}

impl<R> Drop for Limited<R> {
    fn drop(&mut self) {
        if let Some(b) = &self.budget
            && self.reserved > 0
        {
            b.release(self.reserved);
        }
    }
}

/// An open input: decompressed, within the size limit.
pub type Reader = Limited<Box<dyn Read + Send>>;

/// Open a file (or stdin), decompressing gzip (recognised by its magic bytes).
pub fn open(f: &File, opts: &LoadOptions) -> Result<Reader, Note> {
    let note = |message: String| Note {
        at: f.name.clone(),
        message,
    };
    let limit = opts.max_file_bytes;
    let mut size_hint = None;
    let mut raw: Box<dyn Read + Send> = match &f.path {
        None => Box::new(io::stdin()),
        Some(p) => {
            // Opening a FIFO blocks until a writer comes: look before opening.
            let meta = std::fs::metadata(p).map_err(|e| note(format!("cannot read: {e}")))?;
            if !meta.is_file() {
                return Err(not_regular(p, &meta));
            }
            let file = std::fs::File::open(p).map_err(|e| note(format!("cannot read: {e}")))?;
            let meta = file.metadata().ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            if len > limit {
                return Err(note(format!(
                    "{len} bytes is over the {limit}-byte limit, skipped"
                )));
            }
            size_hint = meta.filter(|m| m.is_file()).map(|m| m.len());
            Box::new(file)
        }
    };
    // Two bytes decide: gzip or not.
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match raw.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(note(format!("cannot read: {e}"))),
        }
    }
    let head = io::Cursor::new(magic[..got].to_vec());
    let gzip = got == 2 && magic == [0x1f, 0x8b];
    let inner: Box<dyn Read + Send> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(head.chain(raw)))
    } else {
        Box::new(head.chain(raw))
    };
    Ok(Limited {
        inner,
        left: limit,
        limit,
        over: false,
        gzip,
        budget: None,
        reserved: 0,
        size_hint: size_hint.filter(|_| !gzip),
    })
}

/// Bytes already in memory.
pub fn from_bytes(bytes: &[u8], opts: &LoadOptions) -> Reader {
    let gzip = bytes.starts_with(&[0x1f, 0x8b]);
    let owned: Box<dyn Read + Send> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(io::Cursor::new(
            bytes.to_vec(),
        )))
    } else {
        Box::new(io::Cursor::new(bytes.to_vec()))
    };
    Limited {
        inner: owned,
        left: opts.max_file_bytes,
        limit: opts.max_file_bytes,
        over: false,
        gzip,
        budget: None,
        reserved: 0,
        size_hint: (!gzip).then_some(bytes.len() as u64),
    }
}

/// Read the rest of `r` into `buf`. A cut gzip stream keeps what was decompressed
/// and says so; going over the limit is an error.
pub fn read_rest(
    r: &mut Reader,
    buf: &mut Vec<u8>,
    name: &str,
    notes: &mut Vec<Note>,
) -> Result<(), Note> {
    match r.read_to_end(buf) {
        Ok(_) => Ok(()),
        Err(e) => read_error(r, e, name, notes),
    }
}

/// What a read error means for the file: over the limit, it is skipped;
/// otherwise (a cut gzip stream, an I/O error) what was read is used.
pub fn read_error(r: &Reader, e: io::Error, name: &str, notes: &mut Vec<Note>) -> Result<(), Note> {
    if r.over {
        return Err(Note {
            at: name.to_owned(),
            message: format!(
                "over the {}-byte limit (after decompression), skipped",
                r.limit
            ),
        });
    }
    notes.push(Note {
        at: name.to_owned(),
        message: format!("reading stopped early ({e}); what was read before is used"),
    });
    Ok(())
}

const LOG_START: &str = "==== START logs for container ";
const LOG_END: &str = "==== END logs for container ";

/// `==== START logs for container <c> of pod <ns>/<pod> ====` → (container, ns, pod).
pub fn log_header(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.strip_prefix(LOG_START)?;
    let rest = rest.trim_end().strip_suffix("====")?.trim_end();
    let (container, pod) = rest.split_once(" of pod ")?;
    let (ns, pod) = pod.split_once('/')?;
    // Object names are never empty and never hold whitespace or another '/'.
    let name = |s: &str| !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || c == '/');
    (name(container) && name(ns) && name(pod)).then_some((container, ns, pod))
}

/// Where the END marker of a log starting at `from` is: (body end, after the marker line).
pub fn log_end(text: &[u8], from: usize) -> Option<(usize, usize)> {
    let at = from + memchr::memmem::find(&text[from..], LOG_END.as_bytes())?;
    let after = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |e| at + e + 1);
    Some((at, after))
}

/// Log text as kubectl writes it: the body, without the error lines kubectl
/// writes when it could not fetch a log.
fn log_body(body: &str) -> Option<String> {
    let t = body.trim_end_matches('\n');
    if t.starts_with("Create log request error: ") || t.starts_with("Request log error: ") {
        return None;
    }
    Some(body.to_owned())
}

pub fn pod_log(
    ns: &str,
    pod: &str,
    container: Option<&str>,
    source: String,
    body: &str,
) -> Option<PodLog> {
    Some(PodLog {
        namespace: ns.to_owned(),
        pod: pod.to_owned(),
        container: container.map(str::to_owned),
        source,
        text: log_body(body)?,
    })
}

/// `<dir>/<namespace>/<pod>/logs.txt`: every container's log between kubectl's
/// START/END lines (init containers first); unframed text is one log.
pub fn pod_logs_file(name: &str, text: &str) -> Vec<PodLog> {
    let parts: Vec<&str> = Path::new(name).iter().filter_map(|s| s.to_str()).collect();
    let n = parts.len();
    let (dir_ns, dir_pod) = if n >= 3 {
        (parts[n - 3], parts[n - 2])
    } else {
        ("", "")
    };
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut framed = false;
    while i < b.len() {
        let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
        if let Some((c, ns, pod)) = log_header(&text[i..line_end]) {
            framed = true;
            let body_start = (line_end + 1).min(b.len());
            let (body_end, next) = log_end(b, body_start).unwrap_or((b.len(), b.len()));
            let source = format!("{name} ({ns}/{pod}/{c})");
            out.extend(pod_log(
                ns,
                pod,
                Some(c),
                source,
                &text[body_start..body_end],
            ));
            i = next;
        } else {
            i = line_end + 1;
        }
    }
    if !framed && !text.trim().is_empty() {
        out.extend(pod_log(dir_ns, dir_pod, None, name.to_owned(), text));
    }
    out
}
