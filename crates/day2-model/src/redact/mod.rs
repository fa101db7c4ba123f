//! Credential redaction for text that leaves day2: event and status
//! messages, log lines, evidence, notes.
//!
//! One engine for every output. A value is replaced by [`MARKER`] and what
//! says what it was stays: the key of `password=…`, the scheme of
//! `Authorization: Bearer …`, the user of `postgres://user:…@host`, the
//! prefix of a `ghp_…` or `AKIA…` token. Redact whole text first, cut it
//! after: a cut token is no longer recognisable.
//!
//! ```
//! use day2_model::redact::redact;
//! assert_eq!(redact("login failed: password=hunter2 user=bob"), "login failed: password=[redacted] user=bob");
//! assert_eq!(redact("pulled sha256:4f0e6e0b2b1c"), "pulled sha256:4f0e6e0b2b1c");
//! ```

use std::borrow::Cow;

/// What a redacted value is replaced by.
pub const MARKER: &str = "[redacted]";

/// Key names (lower case, without `_`, `-`, `.`) whose value is a credential
/// when the key ends with one of them: `DB_PASSWORD`, `client-secret`,
/// `x-api-key`, `aws_secret_access_key`, `AccountKey`.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secretkey",
    "token",
    "apikey",
    "accesskey",
    "accountkey",
    "privatekey",
    "credential",
    "credentials",
    "authorization",
    "sharedaccesskey",
];

/// Whole keys that are credentials although short: `pwd=`, `pass=`, Azure
/// SAS `sig=`.
const SHORT_KEYS: &[&str] = &["pwd", "pass", "sig", "auth"];

/// Keys whose values are passwords even in prose (`password: …`).
const PASSWORD_KEYS: &[&str] = &["password", "passwd", "passphrase", "pwd", "pass"];

/// Token prefixes, the shortest tail that makes them a token, and the
/// characters the tail is made of.
const PREFIXES: &[(&str, usize, Tail)] = &[
    // GitHub: classic, OAuth, user-to-server, server-to-server, refresh, fine-grained.
    ("ghp_", 20, Tail::Word),
    ("gho_", 20, Tail::Word),
    ("ghu_", 20, Tail::Word),
    ("ghs_", 20, Tail::Word),
    ("ghr_", 20, Tail::Word),
    ("github_pat_", 20, Tail::Word),
    // Slack: bot, user, app-level, legacy, refresh.
    ("xoxb-", 10, Tail::Word),
    ("xoxp-", 10, Tail::Word),
    ("xoxa-", 10, Tail::Word),
    ("xoxr-", 10, Tail::Word),
    ("xoxs-", 10, Tail::Word),
    ("xoxe-", 10, Tail::Word),
    ("xapp-", 10, Tail::Word),
    // GitLab personal access token.
    ("glpat-", 16, Tail::Word),
    // Google API key: `AIza` and 35 characters.
    ("AIza", 30, Tail::Word),
    // AWS access key ids: `AKIA`/`ASIA` and 16 upper-case letters or digits.
    ("AKIA", 16, Tail::Upper),
    ("ASIA", 16, Tail::Upper),
    // JSON Web Token: base64url of `{"…` and at least one more part.
    ("eyJ", 17, Tail::Jwt),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// `[A-Za-z0-9_-]`
    Word,
    /// `[A-Z0-9]`
    Upper,
    /// `[A-Za-z0-9_-]` and `.` between the parts.
    Jwt,
}

impl Tail {
    fn accepts(self, b: u8) -> bool {
        match self {
            Tail::Word => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Tail::Upper => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Tail::Jwt => b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'),
        }
    }
}

/// At most this many passes over text that keeps changing; real text needs
/// two at most, and every pass that changes text removes credential bytes.
const MAX_PASSES: usize = 8;

/// Redact credentials in `text`; borrowed when there is nothing to redact.
///
/// Redacting replaces text, and a replaced value can leave a boundary where
/// there was none (a token run straight into another token, a key that
/// followed a value). The passes repeat until the text stops changing, so
/// what comes out has nothing left to hide: `redact(redact(x)) == redact(x)`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let Cow::Owned(mut out) = redact_once(text) else {
        return Cow::Borrowed(text);
    };
    for _ in 1..MAX_PASSES {
        let next = match redact_once(&out) {
            Cow::Owned(next) if next != out => next,
            _ => break,
        };
        out = next;
    }
    Cow::Owned(out)
}

/// One pass of every scanner over `text`.
fn redact_once(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let hints = Hints::of(b);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if hints.pem {
        pem_blocks(text, &mut spans);
    }
    if hints.separator {
        key_values(b, &mut spans);
    }
    if hints.scheme {
        bearer(b, &mut spans);
    }
    if hints.url {
        url_userinfo(b, &mut spans);
    }
    if hints.prefix {
        prefixed_tokens(text, &mut spans);
    }
    if hints.long_run {
        high_entropy(b, &mut spans);
    }
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut spans = spans.into_iter().peekable();
    while let Some((start, mut end)) = spans.next() {
        // Overlapping matches (a key's value that is also a token) are one.
        while let Some(&(s, e)) = spans.peek()
            && s <= end
        {
            end = end.max(e);
            spans.next();
        }
        let start = start.max(at);
        if end <= start {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(MARKER);
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Which passes can match, from one look at every byte: most text has a
/// separator and nothing else, and is done after the key-value pass.
#[derive(Default)]
struct Hints {
    separator: bool,
    pem: bool,
    url: bool,
    scheme: bool,
    prefix: bool,
    long_run: bool,
}

impl Hints {
    fn of(b: &[u8]) -> Hints {
        let mut h = Hints::default();
        let mut run = 0usize;
        for (i, &c) in b.iter().enumerate() {
            if b64_char(c) {
                run += 1;
                h.long_run |= run >= 32;
            } else {
                run = 0;
            }
            let next = b.get(i + 1).copied().unwrap_or(0);
            match c {
                b'=' => h.separator = true,
                b':' => {
                    h.separator = true;
                    h.url |= next == b'/' && b.get(i + 2) == Some(&b'/');
                }
                b'-' => h.pem |= b[i..].starts_with(b"-----BEGIN "),
                b'b' | b'B' | b'g' | b'x' | b'A' | b'e' => {
                    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
                        continue;
                    }
                    match (c, next) {
                        (b'b' | b'B', b'e' | b'E' | b'a' | b'A') => h.scheme = true,
                        (b'g', b'h' | b'i' | b'l') | (b'x', b'o' | b'a') | (b'e', b'y') => {
                            h.prefix = true;
                        }
                        (b'A', b'K' | b'S' | b'I') => h.prefix = true,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        h
    }
}

/// [`redact`], then at most `max` characters (with `…` when cut).
pub fn excerpt(text: &str, max: usize) -> String {
    let r = redact(text);
    match r.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &r[..i]),
        None => r.into_owned(),
    }
}

/// Redact in place (no allocation when there is nothing to redact).
pub fn redact_in_place(s: &mut String) {
    if let Cow::Owned(r) = redact(s) {
        *s = r;
    }
}

fn push(spans: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    if end > start {
        spans.push((start, end));
    }
}

/// Is `b[at..]` the marker already (redacting twice changes nothing)?
fn is_marker(b: &[u8], at: usize) -> bool {
    b.get(at..at + MARKER.len()) == Some(MARKER.as_bytes())
}

/// `-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----`: the body
/// goes, to the end of the text when the end line is missing.
fn pem_blocks(text: &str, spans: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(i) = text[from..].find("-----BEGIN ") {
        let label_start = from + i + "-----BEGIN ".len();
        let Some(j) = text[label_start..].find("-----") else {
            return;
        };
        let label = &text[label_start..label_start + j];
        let body = label_start + j + 5;
        from = body;
        if !label.contains("PRIVATE KEY") || label.contains('\n') {
            continue;
        }
        let end = text[body..]
            .find("-----END")
            .map_or(text.len(), |k| body + k);
        push(spans, body, end);
        from = end;
    }
}

fn key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The key's credential class, if it names one: `Some(true)` for a password.
fn secret_key(key: &[u8]) -> Option<bool> {
    // The key's last 32 letters and digits, lower case (no allocation: this
    // runs at every `=` and `:` of the text).
    let mut buf = [0u8; 32];
    let mut n = 0;
    for c in key.iter().rev().filter(|c| c.is_ascii_alphanumeric()) {
        if n == buf.len() {
            break;
        }
        n += 1;
        buf[buf.len() - n] = c.to_ascii_lowercase();
    }
    let norm = std::str::from_utf8(&buf[buf.len() - n..]).ok()?;
    if SHORT_KEYS.contains(&norm) {
        return Some(PASSWORD_KEYS.contains(&norm));
    }
    let hit = SECRET_KEYS.iter().find(|k| norm.ends_with(*k))?;
    Some(PASSWORD_KEYS.contains(hit))
}

/// Where a value that is not quoted ends.
fn value_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len()
        && !b[i].is_ascii_whitespace()
        && !matches!(
            b[i],
            b',' | b';' | b'&' | b'"' | b'\'' | b'}' | b')' | b'<' | b'>' | b'`'
        )
    {
        i += 1;
    }
    i
}

/// Where a quoted value ends (at its closing quote, or the end of the text).
fn quoted_end(b: &[u8], open: usize) -> usize {
    let q = b[open];
    let mut i = open + 1;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            return i;
        }
        i += 1;
    }
    b.len()
}

/// Does a value after `key: ` in prose look like a credential rather than
/// the next words of a sentence (`failed to fetch oauth token: Post …`)?
fn looks_like_value(v: &[u8]) -> bool {
    if v.len() >= 20 {
        return true;
    }
    let letters = v.iter().all(u8::is_ascii_alphabetic);
    let tail_lower = v.iter().skip(1).all(u8::is_ascii_lowercase);
    !(letters && tail_lower)
}

fn trivial_value(v: &[u8]) -> bool {
    v.is_empty()
        || is_marker(v, 0)
        || matches!(
            v.to_ascii_lowercase().as_slice(),
            b"true" | b"false" | b"null" | b"nil" | b"none" | b"<none>" | b"\"\"" | b"''"
        )
}

const AUTH_SCHEMES: &[&[u8]] = &[
    b"bearer",
    b"basic",
    b"token",
    b"digest",
    b"negotiate",
    b"ntlm",
    b"apikey",
    b"sharedkey",
    b"aws4-hmac-sha256",
];

/// `key=value`, `key: value`, `"key": "value"`, `--key=value`, `X-Api-Key: v`,
/// `Authorization: Bearer v`, `;AccountKey=v;`.
fn key_values(b: &[u8], spans: &mut Vec<(usize, usize)>) {
    let mut i = 0;
    while let Some(k) = memchr::memchr2(b'=', b':', &b[i..]) {
        let sep = i + k;
        i = sep + 1;
        // `==` or `=>` or `::` or `://` are not separators.
        if matches!(b.get(sep + 1), Some(b'=' | b'>' | b':' | b'/')) {
            continue;
        }
        if sep > 0 && matches!(b[sep - 1], b'=' | b'!' | b'<' | b'>' | b':') {
            continue;
        }
        let mut end = sep;
        while end > 0 && b[end - 1] == b' ' && sep - end < 2 {
            end -= 1;
        }
        let mut quoted_key = None;
        if end > 0 && matches!(b[end - 1], b'"' | b'\'') {
            // `"password": …` is a key; `volume "aws-iam-token" : failed …`
            // (kubelet) is a name in a sentence.
            if end < sep {
                continue;
            }
            quoted_key = Some(b[end - 1]);
            end -= 1;
            // `\"password\"`: JSON inside a JSON string.
            if end > 0 && b[end - 1] == b'\\' {
                end -= 1;
            }
        }
        let mut start = end;
        while start > 0 && key_char(b[start - 1]) {
            start -= 1;
        }
        // `scheme://user:password@host` is the URL pass's.
        if start == end || b[..start].ends_with(b"://") {
            continue;
        }
        if let Some(q) = quoted_key
            && (start == 0 || b[start - 1] != q)
        {
            continue;
        }
        let Some(password) = secret_key(&b[start..end]) else {
            continue;
        };
        let authorization = b[start..end].eq_ignore_ascii_case(b"authorization");
        let mut v = sep + 1;
        let spaced = b.get(v) == Some(&b' ');
        while v < b.len() && b[v] == b' ' {
            v += 1;
        }
        if v >= b.len() {
            continue;
        }
        let (vs, ve) = if matches!(b[v], b'"' | b'\'') {
            (v + 1, quoted_end(b, v))
        } else if b[v] == b'\\' && matches!(b.get(v + 1), Some(b'"' | b'\'')) {
            // JSON inside a JSON string: `{\"password\": \"…\"}`.
            let close = [b'\\', b[v + 1]];
            let end = memchr::memmem::find(&b[v + 2..], &close).map_or(b.len(), |k| v + 2 + k);
            (v + 2, end)
        } else {
            (v, value_end(b, v))
        };
        let value = &b[vs..ve];
        if trivial_value(value) {
            continue;
        }
        // A scheme stays: `Authorization: Bearer [redacted]`.
        let scheme_end = vs + value.iter().position(|c| *c == b' ').unwrap_or(value.len());
        let is_scheme = AUTH_SCHEMES
            .iter()
            .any(|s| b[vs..scheme_end].eq_ignore_ascii_case(s));
        if is_scheme && authorization {
            let mut t = scheme_end;
            while t < b.len() && b[t] == b' ' {
                t += 1;
            }
            let te = if matches!(b[v], b'"' | b'\'') {
                ve
            } else {
                value_end(b, t)
            };
            if !is_marker(b, t) {
                push(spans, t, te);
            }
            i = te.max(i);
            continue;
        }
        if is_scheme && matches!(b[v], b'"' | b'\'') {
            // `"token": "Bearer abc"`
            let mut t = scheme_end;
            while t < ve && b[t] == b' ' {
                t += 1;
            }
            push(spans, t, ve);
            i = ve.max(i);
            continue;
        }
        // In prose (`key: value` unquoted), only what looks like a value.
        let prose =
            b[sep] == b':' && spaced && quoted_key.is_none() && !matches!(b[v], b'"' | b'\'');
        if prose && !password && !authorization && !looks_like_value(value) {
            continue;
        }
        push(spans, vs, ve);
        i = ve.max(i);
    }
}

/// `Bearer <token>` and `Basic <base64>` outside a header key.
fn bearer(b: &[u8], spans: &mut Vec<(usize, usize)>) {
    for s in 0..b.len() {
        if !matches!(b[s], b'b' | b'B') || (s > 0 && b[s - 1].is_ascii_alphanumeric()) {
            continue;
        }
        for scheme in [&b"bearer "[..], &b"basic "[..]] {
            let Some(w) = b.get(s..s + scheme.len()) else {
                continue;
            };
            if !w.eq_ignore_ascii_case(scheme) {
                continue;
            }
            let mut t = s + scheme.len();
            while t < b.len() && b[t] == b' ' {
                t += 1;
            }
            let mut e = t;
            while e < b.len()
                && (b[e].is_ascii_alphanumeric()
                    || matches!(b[e], b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-'))
            {
                e += 1;
            }
            let tok = &b[t..e];
            // `Basic authentication required` is prose.
            if tok.len() >= 8 && looks_like_value(tok) && !is_marker(b, t) {
                push(spans, t, e);
            }
        }
    }
}

/// `scheme://user:password@host`: the password goes.
fn url_userinfo(b: &[u8], spans: &mut Vec<(usize, usize)>) {
    let mut i = 0;
    while let Some(k) = memchr::memmem::find(&b[i..], b"://") {
        let start = i + k + 3;
        i = start;
        let mut end = start;
        while end < b.len()
            && !b[end].is_ascii_whitespace()
            && !matches!(
                b[end],
                b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`'
            )
        {
            end += 1;
        }
        let Some(at) = b[start..end].iter().rposition(|c| *c == b'@') else {
            continue;
        };
        let at = start + at;
        match b[start..at].iter().position(|c| *c == b':') {
            Some(c) if !is_marker(b, start + c + 1) => push(spans, start + c + 1, at),
            Some(_) => {}
            // A user name that is a token: `https://<token>@github.com`.
            None if at - start >= 20 && !is_marker(b, start) => push(spans, start, at),
            None => {}
        }
        i = end.max(i);
    }
}

/// `ghp_…`, `xoxb-…`, `glpat-…`, `AIza…`, `AKIA…`, `eyJ….….…`: the prefix stays.
fn prefixed_tokens(text: &str, spans: &mut Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let mut s = 0;
    // Where the last token ended: its text is replaced, so a token that starts
    // right there starts at a boundary too (as it does once redacted).
    let mut last_end = None;
    'at: while s < b.len() {
        let here = s;
        s += 1;
        if !matches!(b[here], b'g' | b'x' | b'A' | b'e')
            || (here > 0
                && last_end != Some(here)
                && (b[here - 1].is_ascii_alphanumeric() || b[here - 1] == b'_'))
        {
            continue;
        }
        for &(prefix, min, tail) in PREFIXES {
            if !b[here..].starts_with(prefix.as_bytes()) {
                continue;
            }
            let t = here + prefix.len();
            let mut e = t;
            while e < b.len() && tail.accepts(b[e]) {
                e += 1;
            }
            let body = &b[t..e];
            let ok = match tail {
                Tail::Upper => body.len() >= min,
                Tail::Word => body.len() >= min,
                Tail::Jwt => {
                    // A header alone (`eyJhbGciOiJIUzI1NiJ9`) is not secret.
                    body.len() >= min
                        && body
                            .iter()
                            .position(|c| *c == b'.')
                            .is_some_and(|d| body.len() - d > 4)
                }
            };
            if ok {
                push(spans, t, e);
                s = e;
                last_end = Some(e);
                continue 'at;
            }
        }
    }
}

fn b64_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')
}

/// A long run of base64 that looks random: it switches between upper case,
/// lower case and digits often and rarely stays in one for four characters
/// or more. Words, CamelCase names (`AmazonEC2ContainerRegistryReadOnly`),
/// hex digests and UIDs do not; a secret access key or a PEM body line does.
/// A run starting `MII` is DER (a key or certificate) whatever it looks like.
fn high_entropy(b: &[u8], spans: &mut Vec<(usize, usize)>) {
    let class = |c: u8| match c {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let mut i = 0;
    while i < b.len() {
        if !b64_char(b[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && b64_char(b[i]) {
            i += 1;
        }
        let run = &b[s..i];
        if run.len() < 32 || run[0] == b'/' {
            continue;
        }
        if run.starts_with(b"MII") {
            push(spans, s, i);
            continue;
        }
        let mut seen = [false; 4];
        let (mut changes, mut in_long, mut len) = (0, 0, 0);
        for (k, &c) in run.iter().enumerate() {
            seen[class(c)] = true;
            len += 1;
            let last = k + 1 == run.len();
            if last || class(run[k + 1]) != class(c) {
                if len >= 4 {
                    in_long += len;
                }
                len = 0;
                changes += usize::from(!last);
            }
        }
        if seen[0] && seen[1] && seen[2] && changes * 4 >= run.len() && in_long * 2 < run.len() {
            push(spans, s, i);
        }
    }
}

#[cfg(test)]
mod tests;
