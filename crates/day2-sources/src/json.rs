//! JSON input, streamed: one value, a `List` or typed list, day2's snapshot,
//! or the concatenated documents of `kubectl cluster-info dump` with pod logs
//! between them.
//!
//! The file is read in blocks and never held whole. A scanner finds value
//! boundaries without building values (strings may not contain raw newlines
//! in JSON, so line numbers are a newline count); complete items are handed
//! in batches to the thread pool, which decodes them straight into typed
//! stores while the scanner reads on. Batches in flight are bounded, so memory
//! is the decoded objects plus a few blocks of text.

use crate::read::{self, Reader};
use crate::scrub;
use crate::yaml::MAX_LIST_DEPTH;
use crate::{Hint, Part};
use day2_model::object::group_of;
use day2_model::peek::{
    Span, Walked, array_items, object_field, peek_type, skip_string, skip_value, skip_ws, type_at,
    walk_object,
};
use day2_model::{Note, Origin, decode_str_typed_into, decode_value_traced};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes read at a time, and the size of a batch of items.
const BLOCK: usize = 1 << 20;
/// Batches decoding at once; past this the scanner decodes one itself.
const IN_FLIGHT: usize = 3;
/// Lines of non-JSON text reported per file before giving up on it.
const MAX_TEXT_NOTES: usize = 20;

/// One complete value in the scanner's buffer (absolute byte offsets).
struct Item {
    start: usize,
    end: usize,
    line: u32,
    column: u32,
    /// Its own `apiVersion` and `kind`, when the scanner read them on its
    /// way through (see [`Item::peek`]).
    ty: Option<(Option<Span>, Option<Span>)>,
}

impl Item {
    /// The item's own `apiVersion` and `kind` ([`peek_type`]), from what the
    /// scanner read or by reading them now.
    fn peek<'a>(&self, raw: &'a str) -> (Option<&'a str>, Option<&'a str>) {
        match self.ty {
            Some((api_version, kind)) => type_at(raw, api_version, kind),
            None => peek_type(raw),
        }
    }
}

/// Items handed to the pool: their text, and the kind their list implies.
pub(crate) struct Batch {
    text: Vec<u8>,
    base: usize,
    items: Vec<Item>,
    hint: Hint,
    /// The list's `kind` may still come (after its items): items without a
    /// kind wait for it.
    kind_pending: bool,
    list: usize,
}

/// Text buffers of decoded batches, for the scanner to read into again: the
/// input is copied into memory that is already mapped.
type Buffers = Mutex<Vec<Vec<u8>>>;

/// Text buffers of files already read, for the next files: a buffer freed
/// goes back to the system, and a new one is fresh memory the kernel must
/// clear page by page (a snapshot folder of thousands of files would clear
/// its size in pages again). Holds a few blocks at most.
static SPARE: Buffers = Mutex::new(Vec::new());

/// Most buffers [`SPARE`] keeps, and the largest it keeps.
const SPARE_MAX: usize = 8;
const SPARE_MAX_BYTES: usize = 4 * BLOCK;

/// Keep `bufs` for the next file, as many as [`SPARE`] has room for.
fn spare(bufs: impl IntoIterator<Item = Vec<u8>>) {
    if let Ok(mut spare) = SPARE.lock() {
        for mut b in bufs {
            if spare.len() >= SPARE_MAX {
                break;
            }
            if b.capacity() <= SPARE_MAX_BYTES && b.capacity() >= BLOCK / 2 {
                b.clear();
                spare.push(b);
            }
        }
    }
}

struct Scanner<'r> {
    r: &'r mut Reader,
    buffers: &'r Buffers,
    name: Arc<str>,
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: usize,
    eof: bool,
    /// Lines counted up to `line_pos` (absolute); `line_start` is where that line begins.
    line: u32,
    line_pos: usize,
    line_start: usize,
    pending: Vec<Item>,
    pending_bytes: usize,
    hint: Hint,
    kind_pending: bool,
    /// 0: top-level objects; 1…: the lists of the stream, in order.
    list: usize,
    /// Kinds implied by each list (`PodList` → `v1`, `Pod`), for items decoded before the list's `kind` was seen.
    pub list_hints: Vec<Hint>,
    pub part: Part,
    text_notes: usize,
    /// The file cannot be used (over the size limit).
    pub fatal: Option<Note>,
}

/// What to do with a batch: spawn it or decode it here.
type Dispatch<'a> = dyn FnMut(Batch) + 'a;

impl<'r> Scanner<'r> {
    fn note(&mut self, off: usize, message: impl Into<String>) {
        let (line, column) = self.position(off);
        self.part.push_note(Note {
            at: format!("{}:{line}:{column}", self.name),
            message: message.into(),
        });
    }

    /// Line and column of absolute offset `off` (at or after everything counted so far).
    fn position(&mut self, off: usize) -> (u32, u32) {
        let from = self.line_pos.max(self.base) - self.base;
        let to = off.saturating_sub(self.base).min(self.buf.len());
        if to > from {
            for i in memchr::memchr_iter(b'\n', &self.buf[from..to]) {
                self.line += 1;
                self.line_start = self.base + from + i + 1;
            }
            self.line_pos = self.base + to;
        }
        (self.line, (off + 1).saturating_sub(self.line_start) as u32)
    }

    fn byte(&self, off: usize) -> u8 {
        self.buf[off - self.base]
    }

    fn end(&self) -> usize {
        self.base + self.buf.len()
    }

    /// Read more. Pending items are handed off first, so the buffer only ever
    /// holds the value being scanned. Returns false at the end of input.
    fn fill(&mut self, dispatch: &mut Dispatch<'_>) -> bool {
        if self.eof || self.fatal.is_some() {
            return false;
        }
        self.flush(dispatch);
        let old = self.buf.len();
        // Read into the room the buffer has when that is at least half a
        // block (half of what it holds, for a long value): a recycled buffer
        // is filled where it is, already mapped, instead of being moved to
        // fresh memory because the carried-over tail made it a little short.
        // Otherwise make room for the whole block at once, with some to spare
        // for the tails to come, so the buffer does not double its way up.
        let block = BLOCK.max(old);
        if self.buf.capacity() - old < block / 2 {
            self.buf.reserve_exact(block + BLOCK / 8);
        }
        let want = (self.buf.capacity() - old) as u64;
        let res = self.r.read_more(&mut self.buf, want);
        match res {
            Ok(n) if (n as u64) < want => self.eof = true,
            Ok(_) => {}
            Err(e) => {
                self.eof = true;
                if let Err(fatal) = read::read_error(self.r, e, &self.name, &mut self.part.notes) {
                    self.fatal = Some(fatal);
                }
            }
        }
        self.buf.len() > old
    }

    /// Hand the pending items to the pool, with the text up to the last one.
    fn flush(&mut self, dispatch: &mut Dispatch<'_>) {
        let Some(last) = self.pending.last() else {
            return;
        };
        let split = last.end;
        self.drop_front(split, dispatch);
    }

    /// Forget the text before `split` (pending items go with it).
    fn drop_front(&mut self, split: usize, dispatch: &mut Dispatch<'_>) {
        let _ = self.position(split);
        let mut next = self
            .buffers
            .lock()
            .ok()
            .and_then(|mut b| b.pop())
            .unwrap_or_default();
        next.extend_from_slice(&self.buf[split - self.base..]);
        self.buf.truncate(split - self.base);
        let text = std::mem::replace(&mut self.buf, next);
        let base = self.base;
        self.base = split;
        let items = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        if !items.is_empty() {
            dispatch(Batch {
                text,
                base,
                items,
                hint: self.hint.clone(),
                kind_pending: self.kind_pending,
                list: self.list,
            });
        }
    }

    fn push(&mut self, start: usize, end: usize, ty: Option<(Option<Span>, Option<Span>)>) {
        let (line, column) = self.position(start);
        self.pending.push(Item {
            start,
            end,
            line,
            column,
            ty,
        });
        self.pending_bytes += end - start;
    }

    /// The next non-whitespace byte at or after `off`.
    fn ws(&mut self, mut off: usize, dispatch: &mut Dispatch<'_>) -> Option<usize> {
        loop {
            let i = skip_ws(&self.buf, off - self.base);
            if i < self.buf.len() {
                return Some(self.base + i);
            }
            off = self.base + i;
            if !self.fill(dispatch) {
                return None;
            }
        }
    }

    /// End of the value (or string) starting at `off`, reading as much as it takes.
    fn value_end(
        &mut self,
        off: usize,
        string: bool,
        dispatch: &mut Dispatch<'_>,
    ) -> Option<usize> {
        loop {
            let b = &self.buf[off - self.base..];
            let end = if string {
                skip_string(b, 0)
            } else {
                skip_value(b, 0)
            };
            // A number at the very end of the buffer may continue in the next block.
            let definite = string || matches!(b.first(), Some(b'{' | b'[' | b'"'));
            if let Some(e) = end
                && (definite || e < b.len() || self.eof)
            {
                return Some(off + e);
            }
            if !self.fill(dispatch) {
                return end.map(|e| off + e);
            }
        }
    }

    /// End (absolute) and type of the object starting at `off`, read in one
    /// walk, reading as much as it takes.
    fn object_end(&mut self, off: usize, dispatch: &mut Dispatch<'_>) -> Option<Walked> {
        loop {
            if let Some(mut w) = walk_object(&self.buf[off - self.base..], 0) {
                w.end += off;
                return Some(w);
            }
            if !self.fill(dispatch) {
                return None;
            }
        }
    }

    fn run(&mut self, dispatch: &mut Dispatch<'_>) {
        let mut off = self.base;
        while let Some(i) = self.ws(off, dispatch) {
            off = match self.byte(i) {
                b'{' => match self.object(i, dispatch) {
                    Some(next) => next,
                    None => break,
                },
                b'[' => {
                    self.start_list(None, false, dispatch);
                    let next = self.items(i + 1, dispatch);
                    self.flush(dispatch);
                    match next {
                        Some(n) => n,
                        None => break,
                    }
                }
                _ => match self.text_line(i, dispatch) {
                    Some(next) => next,
                    None => break,
                },
            };
            if self.fatal.is_some() {
                break;
            }
            if off - self.base > BLOCK && self.pending.is_empty() {
                self.drop_front(off, dispatch);
            }
        }
        self.flush(dispatch);
    }

    fn start_list(&mut self, hint: Hint, kind_pending: bool, dispatch: &mut Dispatch<'_>) {
        self.flush(dispatch);
        self.list = self.list_hints.len() + 1;
        self.list_hints.push(hint.clone());
        self.hint = hint;
        self.kind_pending = kind_pending;
    }

    fn end_list(&mut self, dispatch: &mut Dispatch<'_>) {
        self.flush(dispatch);
        self.list = 0;
        self.hint = None;
        self.kind_pending = false;
    }

    /// The elements of an array whose `[` is just before `off`; returns the offset after `]`.
    fn items(&mut self, mut off: usize, dispatch: &mut Dispatch<'_>) -> Option<usize> {
        loop {
            let Some(i) = self.ws(off, dispatch) else {
                self.note(off, "unterminated list (truncated file?)");
                return None;
            };
            match self.byte(i) {
                b']' => return Some(i + 1),
                b',' => off = i + 1,
                b'{' => {
                    let Some(w) = self.object_end(i, dispatch) else {
                        self.note(i, "unterminated JSON value (truncated file?)");
                        return None;
                    };
                    self.push(i, w.end, Some((w.api_version, w.kind)));
                    off = w.end;
                    if self.pending_bytes >= BLOCK {
                        self.flush(dispatch);
                    }
                }
                _ => {
                    let Some(end) = self.value_end(i, false, dispatch) else {
                        self.note(i, "unterminated JSON value (truncated file?)");
                        return None;
                    };
                    self.push(i, end, None);
                    off = end;
                    if self.pending_bytes >= BLOCK {
                        self.flush(dispatch);
                    }
                }
            }
        }
    }

    fn note_at(&mut self, (line, column): (u32, u32), message: impl Into<String>) {
        self.part.push_note(Note {
            at: format!("{}:{line}:{column}", self.name),
            message: message.into(),
        });
    }

    /// A top-level object: a list (streamed item by item) or one object.
    fn object(&mut self, start: usize, dispatch: &mut Dispatch<'_>) -> Option<usize> {
        const CUT: &str = "unterminated JSON value (truncated file?)";
        let at_start = self.position(start);
        let mut off = start + 1;
        let (mut api_version, mut kind): (Option<String>, Option<String>) = (None, None);
        let mut snapshot_notes: Option<Vec<String>> = None;
        let mut captured_at: Option<jiff::Timestamp> = None;
        let mut list = None;
        let end = loop {
            let Some(i) = self.ws(off, dispatch) else {
                self.note_at(at_start, CUT);
                return None;
            };
            match self.byte(i) {
                b'}' => break i + 1,
                b',' => {
                    off = i + 1;
                    continue;
                }
                b'"' => {}
                _ => return self.malformed(start, i, list.is_none(), dispatch),
            }
            let Some(key_end) = self.value_end(i, true, dispatch) else {
                self.note_at(at_start, CUT);
                return None;
            };
            let key =
                String::from_utf8_lossy(&self.buf[i + 1 - self.base..key_end - 1 - self.base])
                    .into_owned();
            let Some(colon) = self.ws(key_end, dispatch) else {
                self.note_at(at_start, CUT);
                return None;
            };
            if self.byte(colon) != b':' {
                return self.malformed(start, colon, list.is_none(), dispatch);
            }
            let Some(v) = self.ws(colon + 1, dispatch) else {
                self.note_at(at_start, CUT);
                return None;
            };
            if key == "items" && self.byte(v) == b'[' {
                let hint = typed_list_hint(api_version.as_deref(), kind.as_deref());
                // The items of a `List` object: usable even when empty.
                self.part.readable = true;
                self.start_list(hint, kind.is_none(), dispatch);
                list = Some(self.list);
                let after = self.items(v + 1, dispatch);
                self.end_list(dispatch);
                off = after?;
                continue;
            }
            let Some(value_end) = self.value_end(v, false, dispatch) else {
                self.note_at(at_start, CUT);
                return None;
            };
            let raw = &self.buf[v - self.base..value_end - self.base];
            match key.as_str() {
                "apiVersion" => api_version = serde_json::from_slice(raw).ok(),
                "kind" => kind = serde_json::from_slice(raw).ok(),
                "notes" => snapshot_notes = serde_json::from_slice(raw).ok(),
                "metadata" => captured_at = snapshot_captured_at(raw),
                _ => {}
            }
            off = value_end;
        };
        match list {
            Some(id) => {
                // A typed list whose `kind` came after its items.
                if let Some(h) = typed_list_hint(api_version.as_deref(), kind.as_deref())
                    && let Some(slot) = self.list_hints.get_mut(id - 1)
                    && slot.is_none()
                {
                    *slot = Some(h);
                }
                // day2's snapshot: what the capture could not read.
                if kind.as_deref() == Some("Snapshot") {
                    self.part.captured(captured_at);
                    let at = format!("{} (snapshot)", self.name);
                    for message in snapshot_notes.into_iter().flatten() {
                        self.part.push_note(Note {
                            at: at.clone(),
                            message,
                        });
                    }
                }
            }
            None => self.push(start, end, None),
        }
        Some(end)
    }

    /// Not JSON where a key was expected: report it and go on after the object
    /// (or, when that cannot be found, after the line).
    fn malformed(
        &mut self,
        start: usize,
        at: usize,
        whole: bool,
        dispatch: &mut Dispatch<'_>,
    ) -> Option<usize> {
        let found = self.byte(at) as char;
        self.note(
            at,
            format!(
                "malformed JSON: expected a key or `}}`, found `{}`",
                found.escape_default()
            ),
        );
        if whole
            && start >= self.base
            && let Some(end) = self.value_end(start, false, dispatch)
        {
            return Some(end);
        }
        let b = &self.buf[at - self.base..];
        Some(memchr::memchr(b'\n', b).map_or(self.end(), |k| at + k + 1))
    }

    /// Text between values: a pod log of a dump (kept), or garbage (reported).
    fn text_line(&mut self, off: usize, dispatch: &mut Dispatch<'_>) -> Option<usize> {
        let mut searched = off;
        let line_end = loop {
            if let Some(k) = memchr::memchr(b'\n', &self.buf[searched - self.base..]) {
                break searched + k;
            }
            searched = self.end();
            if !self.fill(dispatch) {
                break self.end();
            }
        };
        let line =
            String::from_utf8_lossy(&self.buf[off - self.base..line_end - self.base]).into_owned();
        if let Some((container, ns, pod)) = read::log_header(&line) {
            self.part.readable = true;
            let body_start = (line_end + 1).min(self.end());
            let mut from = body_start;
            let (body_end, next) = loop {
                if let Some((b, n)) = read::log_end(&self.buf, from - self.base) {
                    break (self.base + b, self.base + n);
                }
                from = self.end().saturating_sub(64).max(body_start);
                if !self.fill(dispatch) {
                    break (self.end(), self.end());
                }
            };
            let body =
                String::from_utf8_lossy(&self.buf[body_start - self.base..body_end - self.base]);
            let source = format!("{} ({ns}/{pod}/{container})", self.name);
            self.part
                .logs
                .extend(read::pod_log(ns, pod, Some(container), source, &body));
            return Some(next);
        }
        let t = line.trim();
        if !t.is_empty() && !t.starts_with("Cluster info dumped to ") {
            self.text_notes += 1;
            if self.text_notes > MAX_TEXT_NOTES {
                self.note(
                    off,
                    "too much text that is not JSON; the rest of the file is skipped",
                );
                return None;
            }
            // The text is not quoted: it may hold anything, a credential too.
            self.note(
                off,
                format!(
                    "not JSON ({} characters of text), skipped",
                    t.chars().count()
                ),
            );
        }
        Some((line_end + 1).min(self.end()))
    }
}

/// `PodList` (apiVersion `v1`) → items are `v1` `Pod`s.
fn typed_list_hint(api_version: Option<&str>, kind: Option<&str>) -> Hint {
    let item = kind?.strip_suffix("List").filter(|k| !k.is_empty())?;
    Some(Arc::new((
        api_version.unwrap_or("v1").to_owned(),
        item.to_owned(),
    )))
}

/// Decode a batch of items into typed stores.
pub(crate) fn decode_batch(name: &Arc<str>, b: &Batch) -> Part {
    let mut part = Part::default();
    let hint = b.hint.as_deref().map(|(a, k)| (a.as_str(), k.as_str()));
    // The batch's text is checked for UTF-8 once, and its items are slices
    // of it (they begin and end at ASCII bytes); only a batch with a bad
    // byte somewhere checks its items one by one.
    let whole = std::str::from_utf8(&b.text).ok();
    let items: Vec<(&Item, Option<&str>)> = b
        .items
        .iter()
        .map(|it| {
            let range = it.start - b.base..it.end - b.base;
            let raw = match whole {
                Some(t) => t.get(range),
                None => b.text.get(range).and_then(|x| std::str::from_utf8(x).ok()),
            };
            (it, raw)
        })
        .collect();
    let peeks: Vec<_> = items
        .iter()
        .map(|(it, raw)| raw.map(|r| it.peek(r)))
        .collect();
    reserve(&mut part, &peeks, hint);
    for ((it, raw), peek) in items.into_iter().zip(peeks) {
        let (Some(raw), Some(peek)) = (raw, peek) else {
            part.push_note(Note {
                at: format!("{name}:{}:{}", it.line, it.column),
                message: "not UTF-8 text, skipped".into(),
            });
            continue;
        };
        if hint.is_none()
            && b.kind_pending
            && raw.starts_with('{')
            && raw.as_bytes().get(skip_ws(raw.as_bytes(), 1)) != Some(&b'}')
            && peek.1.is_none()
        {
            // The list's kind may come after its items.
            part.deferred
                .push((b.list, raw.to_owned(), it.line, it.column));
            continue;
        }
        decode_nested(
            &mut part,
            name,
            raw,
            it.line,
            it.column,
            hint,
            0,
            Some(peek),
        );
    }
    part
}

/// Room in the part's stores for the batch's objects: a batch is usually a run
/// of one kind, and its store then grows once instead of doubling its way up.
fn reserve(part: &mut Part, peeks: &[Option<Peeked<'_>>], hint: Option<(&str, &str)>) {
    let mut runs: Vec<(&str, &str, usize)> = Vec::new();
    for peek in peeks.iter().flatten() {
        let (av, kind) = match (*peek, hint) {
            ((av, Some(k)), _) => (av.unwrap_or(""), k),
            ((av, None), Some((hav, hk))) => (av.unwrap_or(hav), hk),
            _ => continue,
        };
        match runs.iter_mut().find(|(a, k, _)| *a == av && *k == kind) {
            Some(r) => r.2 += 1,
            None => runs.push((av, kind, 1)),
        }
    }
    for (av, kind, n) in runs {
        part.stores.reserve_kind(group_of(av), kind, n);
    }
}

/// A document's own `apiVersion` and `kind`, as [`peek_type`] reads them.
type Peeked<'a> = (Option<&'a str>, Option<&'a str>);

/// Decode one JSON value into the part: an object, the items of a list
/// nested in the stream (flattened, as kubectl does), or a note.
pub(crate) fn decode_into(
    part: &mut Part,
    name: &Arc<str>,
    raw: &str,
    line: u32,
    column: u32,
    hint: Option<(&str, &str)>,
) {
    decode_nested(part, name, raw, line, column, hint, 0, None);
}

/// Decode one value; `peek` is its own type when already read.
#[allow(clippy::too_many_arguments)]
fn decode_nested(
    part: &mut Part,
    name: &Arc<str>,
    raw: &str,
    line: u32,
    column: u32,
    hint: Option<(&str, &str)>,
    depth: usize,
    peek: Option<Peeked<'_>>,
) {
    let b = raw.as_bytes();
    let what = match b.first() {
        Some(b'{') => None,
        Some(b'[') => Some("a list"),
        Some(b'"') => Some("a string"),
        Some(b't' | b'f') => Some("a boolean"),
        Some(b'n') => Some("null"),
        _ => Some("a number"),
    };
    if let Some(what) = what {
        part.push_note(Note {
            at: format!("{name}:{line}:{column}"),
            message: format!("a list item is {what}, not a Kubernetes object; skipped"),
        });
        return;
    }
    if b.get(skip_ws(b, 1)) == Some(&b'}') {
        part.empty_objects += 1;
        return;
    }
    let own = peek.unwrap_or_else(|| peek_type(raw));
    let (av, kind) = own;
    if let Some(kind) = kind
        && (kind.ends_with("List") || kind == "Snapshot")
        && let Some((start, _)) = object_field(raw, 0, "items")
        && let Some((items, _)) = array_items(b, start)
    {
        if depth >= MAX_LIST_DEPTH {
            part.push_note(Note {
                at: format!("{name}:{line}:{column}"),
                message: format!("a {kind} nested more than {MAX_LIST_DEPTH} lists deep, skipped"),
            });
            return;
        }
        part.readable = true;
        let inner = typed_list_hint(av, Some(kind));
        let inner = inner.as_deref().map(|(a, k)| (a.as_str(), k.as_str()));
        for (s, e) in items {
            let (l, c) = scrub::position(raw, s, line, column);
            decode_nested(part, name, &raw[s..e], l, c, inner, depth + 1, None);
        }
        return;
    }
    let origin = Origin::file(name.clone(), line, column);
    match decode_str_typed_into(&mut part.stores, raw, origin, own, hint) {
        Ok(()) => part.readable = true,
        Err(e) => {
            // The error path only: decode again, tracing the field that fails.
            let at = serde_json::from_str(raw).ok().and_then(|v| {
                let origin = Origin::file(name.clone(), line, column);
                let (_, ptr) = decode_value_traced(v, origin, hint).err()?;
                let ptr = ptr?;
                let off = scrub::locate(raw, &ptr)?;
                let (l, c) = scrub::position(raw, off, line, column);
                Some((ptr, l, c))
            });
            part.push_note(scrub::decode_note(name, line, column, &e, at));
        }
    }
}

/// Decoded batches put back in stream order as they finish, so the stores
/// grow while the scanner reads on and a batch's memory is free for the next.
struct Assembly {
    out: Part,
    /// Bytes in the input, when known.
    total: Option<u64>,
}

/// Decoded batches waiting for their turn to be appended (with the byte
/// where each ends and the bytes it spans), and whether a thread is appending.
#[derive(Default)]
struct Queue {
    next: usize,
    waiting: BTreeMap<usize, (Part, usize, usize)>,
    appending: bool,
}

/// Batch `seq` is decoded. Batches are appended in stream order by one
/// thread at a time: a thread that finishes while another appends leaves its
/// batch to it and goes back to decoding, instead of waiting for the copy.
fn finished(
    queue: &Mutex<Queue>,
    assembly: &Mutex<Assembly>,
    seq: usize,
    part: (Part, usize, usize),
) {
    let Ok(mut q) = queue.lock() else {
        return;
    };
    q.waiting.insert(seq, part);
    if q.appending {
        return;
    }
    q.appending = true;
    let mut ready = Vec::new();
    loop {
        loop {
            let next = q.next;
            let Some(p) = q.waiting.remove(&next) else {
                break;
            };
            q.next += 1;
            ready.push(p);
        }
        if ready.is_empty() {
            q.appending = false;
            return;
        }
        drop(q);
        if let Ok(mut a) = assembly.lock() {
            for (part, end, bytes) in ready.drain(..) {
                a.absorb(part, Some((end, bytes)));
            }
        }
        ready.clear();
        q = match queue.lock() {
            Ok(q) => q,
            Err(_) => return,
        };
    }
}

impl Assembly {
    /// Append a part. With the input's size known, a store that must grow
    /// makes room for as many more objects as the rest of the input could
    /// hold at this batch's density (an upper bound, so it grows once; room
    /// not written to is address space, not memory), at most twice the input's
    /// size in bytes; otherwise it doubles.
    fn absorb(&mut self, part: Part, span: Option<(usize, usize)>) {
        let rest = match (self.total, span) {
            (Some(total), Some((end, bytes))) if bytes > 0 => {
                Some((total.saturating_sub(end as u64), bytes as u64, total))
            }
            _ => None,
        };
        let extra = |len: usize, adding: usize, size: usize| match rest {
            Some((rest, bytes, total)) => {
                let more = (adding as u64).saturating_mul(rest) / bytes;
                let cap = (2 * total) / (size.max(1) as u64);
                more.min(cap) as usize
            }
            None => len.max(adding),
        };
        self.out.stores.append(part.stores, &extra);
        self.out.take_notes(part.notes, part.more_notes);
        self.out.empty_objects += part.empty_objects;
        self.out.logs.extend(part.logs);
        self.out.deferred.extend(part.deferred);
        self.out.readable |= part.readable;
        self.out.captured(part.captured_at);
    }
}

/// Parse a JSON stream. `head` is what was already read from `r`.
pub(crate) fn parse(name: &Arc<str>, r: &mut Reader, head: Vec<u8>) -> Part {
    let queue = Mutex::new(Queue::default());
    let assembly = Mutex::new(Assembly {
        out: Part::default(),
        total: r.size_hint,
    });
    let in_flight = AtomicUsize::new(0);
    // Start with buffers other files left.
    let buffers: Buffers = Mutex::new(
        SPARE
            .lock()
            .map(|mut s| {
                let n = s.len().min(IN_FLIGHT + 1);
                let at = s.len() - n;
                s.split_off(at)
            })
            .unwrap_or_default(),
    );
    // The text read so far goes into a recycled buffer, if there is one.
    let buf = match buffers.lock().ok().and_then(|mut b| b.pop()) {
        Some(mut b) => {
            b.extend_from_slice(&head);
            b
        }
        None => head,
    };
    let mut scanner = Scanner {
        r,
        buffers: &buffers,
        name: name.clone(),
        buf,
        base: 0,
        eof: false,
        line: 1,
        line_pos: 0,
        line_start: 0,
        pending: Vec::new(),
        pending_bytes: 0,
        hint: None,
        kind_pending: false,
        list: 0,
        list_hints: Vec::new(),
        part: Part::default(),
        text_notes: 0,
        fatal: None,
    };
    rayon::in_place_scope(|s| {
        let mut seq = 0usize;
        let assembly = &assembly;
        let queue = &queue;
        let in_flight = &in_flight;
        let buffers = &buffers;
        // A decoded batch's text buffer goes back to the scanner.
        let recycle = move |batch: Batch| {
            let mut text = batch.text;
            text.clear();
            if let Ok(mut b) = buffers.lock()
                && b.len() <= IN_FLIGHT
            {
                b.push(text);
            }
        };
        let mut dispatch = |batch: Batch| {
            let my = seq;
            seq += 1;
            let (end, bytes) = (batch.base + batch.text.len(), batch.text.len());
            if in_flight.load(Ordering::Acquire) >= IN_FLIGHT {
                let p = decode_batch(name, &batch);
                recycle(batch);
                finished(queue, assembly, my, (p, end, bytes));
                return;
            }
            in_flight.fetch_add(1, Ordering::AcqRel);
            let name = name.clone();
            s.spawn(move |_| {
                let p = decode_batch(&name, &batch);
                recycle(batch);
                finished(queue, assembly, my, (p, end, bytes));
                in_flight.fetch_sub(1, Ordering::AcqRel);
            });
        };
        scanner.run(&mut dispatch);
    });
    let Scanner {
        part: mut scanned,
        fatal,
        list_hints,
        buf,
        ..
    } = scanner;
    spare(
        buffers
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .chain(std::iter::once(buf)),
    );
    if let Some(f) = fatal {
        return Part {
            notes: vec![f],
            ..Part::default()
        };
    }
    let Ok(mut assembly) = assembly.into_inner() else {
        return Part::default();
    };
    // Every batch has finished: none is left waiting.
    if let Ok(q) = queue.into_inner() {
        for (part, _, _) in q.waiting.into_values() {
            assembly.absorb(part, None);
        }
    }
    // Items of typed lists whose kind came last.
    let deferred = std::mem::take(&mut assembly.out.deferred);
    if !deferred.is_empty() {
        let mut late = Part::default();
        for (list, raw, line, column) in deferred {
            let hint = list_hints.get(list - 1).cloned().flatten();
            let h = hint.as_deref().map(|(a, k)| (a.as_str(), k.as_str()));
            decode_into(&mut late, name, &raw, line, column, h);
        }
        assembly.absorb(late, None);
    }
    let readable = scanned.readable;
    let notes = std::mem::take(&mut scanned.notes);
    assembly.absorb(scanned, None);
    let mut part = assembly.out;
    part.readable |= readable;
    // Scanner notes (positions in the stream) before decode notes of the same place are fine in any order;
    // sort all by position for a stable report.
    part.notes.extend(notes);
    sort_notes(&mut part.notes);
    if part.notes.len() > crate::MAX_NOTES_PER_FILE {
        part.more_notes += part.notes.len() - crate::MAX_NOTES_PER_FILE;
        part.notes.truncate(crate::MAX_NOTES_PER_FILE);
    }
    part
}

/// A day2 snapshot header's `capturedAt`, when it is a time stamp (the text
/// is shown in reports, so anything else is dropped).
pub(crate) fn snapshot_captured_at(metadata: &[u8]) -> Option<jiff::Timestamp> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Meta {
        captured_at: Option<String>,
    }
    let at = serde_json::from_slice::<Meta>(metadata).ok()?.captured_at?;
    at.parse().ok()
}

/// Order notes by file position (`file:line:column`), keeping others in place at the end.
pub(crate) fn sort_notes(notes: &mut [Note]) {
    let key = |n: &Note| {
        let mut it = n.at.rsplitn(3, ':');
        let c = it.next().and_then(|c| c.parse::<u32>().ok());
        let l = it.next().and_then(|l| l.parse::<u32>().ok());
        match (l, c) {
            (Some(l), Some(c)) => (0, l, c),
            _ => (1, 0, 0),
        }
    };
    notes.sort_by_key(key);
}
