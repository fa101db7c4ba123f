//! Reading log sources: text, files (gzip included), directories and
//! `kubectl cluster-info dump` trees, streamed in blocks and scanned in
//! parallel into [`SourceReport`]s.

use crate::fields::FieldConfig;
use crate::scan;
use crate::{BLOCK, LogReport, MAX_LINE, SourceReport};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Process a block of complete lines.
pub(crate) fn block(name: &str, bytes: &[u8], cfg: &FieldConfig) -> SourceReport {
    let mut s = SourceReport::new(name);
    let mut partial = String::new();
    for raw in bytes.split(|b| *b == b'\n') {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() && partial.is_empty() {
            continue;
        }
        let Ok(line) = std::str::from_utf8(raw) else {
            s.lines += 1;
            s.binary += 1;
            continue;
        };
        if line.contains('\0') {
            s.lines += 1;
            s.binary += 1;
            continue;
        }
        if line.starts_with("==== START logs for container ")
            || line.starts_with("==== END logs for container ")
        {
            continue;
        }
        match scan::strip_cri(line) {
            Some((msg, true)) => {
                if partial.len() < MAX_LINE {
                    partial.push_str(msg);
                }
                continue;
            }
            Some((msg, false)) if !partial.is_empty() => {
                partial.push_str(msg);
                let whole = std::mem::take(&mut partial);
                s.line(&whole, cfg);
            }
            Some((msg, false)) => s.line(msg, cfg),
            None => s.line(scan::strip_timestamp(line), cfg),
        }
    }
    if !partial.is_empty() {
        s.line(&partial, cfg);
    }
    s
}

/// Bytes read from one source at most: past this the rest is not counted
/// (`day2 logs` on an endless stream must end).
pub const MAX_SOURCE_BYTES: u64 = 16 << 30;

/// Analyse a stream: blocks cut at newlines, processed in parallel batches.
pub(crate) fn stream(name: &str, r: impl Read, cfg: &FieldConfig) -> SourceReport {
    stream_within(name, r, cfg, MAX_SOURCE_BYTES)
}

/// A piece of a line too long to keep: NUL bytes or invalid UTF-8 make it binary.
pub(crate) fn is_binary(piece: &[u8]) -> bool {
    memchr::memchr(0, piece).is_some()
        || std::str::from_utf8(piece).is_err_and(|e| e.error_len().is_some())
}

/// [`stream`], reading at most `limit` bytes.
pub(crate) fn stream_within(
    name: &str,
    r: impl Read,
    cfg: &FieldConfig,
    limit: u64,
) -> SourceReport {
    let mut total = SourceReport::new(name);
    let batch = rayon::current_num_threads().max(1) * 2;
    let mut carry: Vec<u8> = Vec::new();
    let mut done = false;
    // Inside a line longer than a block, already counted: the rest of it is
    // skipped up to its newline.
    let mut skipping = false;
    let mut r = r.take(limit.saturating_add(1));
    let mut read_bytes = 0u64;
    while !done {
        let mut blocks: Vec<Vec<u8>> = Vec::with_capacity(batch);
        while blocks.len() < batch {
            let mut buf = std::mem::take(&mut carry);
            let start = buf.len();
            buf.resize(start + BLOCK, 0);
            let mut filled = start;
            loop {
                match r.read(&mut buf[filled..]) {
                    Ok(0) => {
                        done = true;
                        break;
                    }
                    Ok(n) => {
                        filled += n;
                        read_bytes += n as u64;
                        if filled == buf.len() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        total.errors.push(format!(
                            "read error after {} lines: {e} (truncated?)",
                            total.lines
                        ));
                        done = true;
                        break;
                    }
                }
            }
            buf.truncate(filled);
            if read_bytes > limit {
                // Whole lines up to the limit are counted; the rest is not.
                let over = (read_bytes - limit) as usize;
                buf.truncate(buf.len().saturating_sub(over));
                let cut = memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1);
                buf.truncate(cut);
                total.errors.push(format!(
                    "stopped after {limit} bytes (the limit for one source); the rest is not counted"
                ));
                done = true;
            }
            if skipping {
                match memchr::memchr(b'\n', &buf) {
                    Some(i) => {
                        buf.drain(..=i);
                        skipping = false;
                    }
                    None => {
                        buf.clear();
                        if done {
                            break;
                        }
                        continue;
                    }
                }
            }
            if !done {
                // Keep the incomplete last line for the next block; a line
                // longer than a block is counted once (huge, or binary) and
                // the rest of it skipped.
                match memchr::memrchr(b'\n', &buf) {
                    Some(i) => carry = buf.split_off(i + 1),
                    None if buf.len() > MAX_LINE => {
                        total.lines += 1;
                        if is_binary(&buf) {
                            total.binary += 1;
                        } else {
                            total.huge += 1;
                        }
                        skipping = true;
                        buf.clear();
                    }
                    None => {
                        carry = buf;
                        continue;
                    }
                }
            }
            if !buf.is_empty() {
                blocks.push(buf);
            }
            if done {
                break;
            }
        }
        let parts: Vec<SourceReport> = blocks.par_iter().map(|b| block(name, b, cfg)).collect();
        for p in parts {
            total.merge(p);
        }
    }
    total
}

pub(crate) fn is_gzip(path: &Path) -> bool {
    let mut magic = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0x1f, 0x8b]
}

/// What a path that is neither a file nor a folder is.
pub(crate) fn special_kind(meta: &std::fs::Metadata) -> &'static str {
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
    let _ = meta;
    "a special file"
}

/// Files under `dir`, sorted. A folder reached twice (through a symbolic
/// link to itself or to a parent) is walked once, and a file reached twice
/// counted once.
pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) {
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, seen);
        } else if let Ok(real) = std::fs::canonicalize(&p) {
            if seen.insert(real) {
                out.push(p);
            }
        } else {
            // A dangling link: reported when it is opened.
            out.push(p);
        }
    }
}

/// One file, gzip or not. FIFOs, sockets and devices are refused before
/// opening (a FIFO would block, a device never end).
pub fn analyze_file(path: &Path, cfg: &FieldConfig) -> SourceReport {
    let name = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            let mut s = SourceReport::new(&name);
            s.errors.push(format!(
                "{} is not a regular file, skipped (give its contents on stdin with `-`)",
                special_kind(&meta)
            ));
            return s;
        }
        _ => {}
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let mut s = SourceReport::new(&name);
            s.errors.push(format!("cannot read: {e}"));
            return s;
        }
    };
    if is_gzip(path) {
        stream(
            &name,
            flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file)),
            cfg,
        )
    } else {
        stream(&name, file, cfg)
    }
}

/// Files, folders (recursive) and stdin (`stdin: true`).
pub fn analyze_paths(
    inputs: &[PathBuf],
    stdin: bool,
    cfg: &FieldConfig,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> LogReport {
    let mut files = Vec::new();
    let mut report = LogReport::default();
    let mut seen = HashSet::new();
    for p in inputs {
        if p.is_dir() {
            walk(p, &mut files, &mut seen);
        } else {
            files.push(p.clone());
        }
    }
    let parts: Vec<SourceReport> = files
        .par_iter()
        .map(|f| {
            let s = analyze_file(f, cfg);
            if let Some(p) = progress {
                p(s.lines);
            }
            s
        })
        .collect();
    for p in parts {
        report.push(p);
    }
    if stdin {
        report.push(stream("<stdin>", std::io::stdin().lock(), cfg));
    }
    report
}

/// Log text already in memory (the pod logs of a `kubectl cluster-info dump`).
pub fn analyze_text(source: &str, text: &str, cfg: &FieldConfig) -> LogReport {
    let mut r = LogReport::default();
    r.push(block(source, text.as_bytes(), cfg));
    r
}
