//! Escaping for the places text is shown: a terminal and Markdown.
//!
//! Names, messages and log lines come from the cluster and may hold control
//! characters (`\e]0;title\a`, `\e[2J`) or Markdown (a backtick, `@team`,
//! `[link](…)`). They are shown as written, never interpreted.
//!
//! ```
//! use day2_model::escape::{markdown, sanitize_terminal};
//! assert_eq!(sanitize_terminal("a\x1b[2Jb"), "a\\u{1b}[2Jb");
//! assert_eq!(markdown("ping @ops at https://x.example/a", false), "ping `@ops` at `https://x.example/a`");
//! ```

use std::borrow::Cow;
use std::fmt::Write;

/// A character a terminal would act on instead of showing: C0 controls but
/// newline and tab, DEL, C1 controls (U+0080–U+009F: U+009B is CSI) and the
/// bidirectional overrides that reorder what is shown.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Control characters made visible (`\u{1b}`), so a terminal shows them
/// instead of acting on them. Newlines and tabs stay. Borrowed when clean.
pub fn sanitize_terminal(s: &str) -> Cow<'_, str> {
    let Some(first) = s.find(is_unsafe_char) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if is_unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`sanitize_terminal`] for output that carries its own colour: well-formed
/// SGR sequences (`ESC [ digits ; … m`) stay, everything else is made visible.
pub fn sanitize_terminal_keep_sgr(s: &str) -> Cow<'_, str> {
    if !s.contains(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(i) = rest.find(is_unsafe_char) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let sgr = tail.strip_prefix("\x1b[").and_then(|t| {
            let n = t
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b';')
                .count();
            (t.as_bytes().get(n) == Some(&b'm')).then_some(2 + n + 1)
        });
        match sgr {
            Some(len) => {
                out.push_str(&tail[..len]);
                rest = &tail[len..];
            }
            None => {
                let c = tail.chars().next().unwrap_or('\0');
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
                rest = &tail[c.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A code span that shows `s` literally whatever it holds: the fence is
/// longer than any run of backticks inside, `|` is `\|` in a table cell,
/// newlines are spaces and control characters are made visible.
pub fn markdown_code(s: &str, table: bool) -> String {
    let s = sanitize_terminal(s);
    let mut body = s.replace(['\n', '\r'], " ");
    if table {
        body = body.replace('|', "\\|");
    }
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') || body.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Where a bare URL or `www.` link starting at `i` ends, if one does.
fn link_end(chars: &[char], i: usize) -> Option<usize> {
    let starts = |p: &str| {
        p.chars().enumerate().all(|(k, pc)| {
            chars
                .get(i + k)
                .is_some_and(|c| c.eq_ignore_ascii_case(&pc))
        })
    };
    let left_ok = i == 0 || !chars[i - 1].is_alphanumeric();
    if !left_ok || !(starts("http://") || starts("https://") || starts("www.") || starts("ftp://"))
    {
        return None;
    }
    let mut e = i;
    while e < chars.len()
        && !chars[e].is_whitespace()
        && !matches!(chars[e], '`' | '<' | '>' | '"' | '\'')
    {
        e += 1;
    }
    // A sentence's final punctuation is not part of the link.
    while e > i && matches!(chars[e - 1], '.' | ',' | ':' | ';' | ')' | '!' | '?') {
        e -= 1;
    }
    Some(e)
}

/// Where an e-mail address starting at `i` ends, if one does (GitHub links them).
fn email_end(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && chars[i - 1].is_alphanumeric() {
        return None;
    }
    let local = chars[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'))
        .count();
    if local == 0 || chars.get(i + local) != Some(&'@') {
        return None;
    }
    let at = i + local + 1;
    let domain = chars[at..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .count();
    let mut e = at + domain;
    while e > at && chars[e - 1] == '.' {
        e -= 1;
    }
    chars[at..e].contains(&'.').then_some(e)
}

/// Where an `@mention` (or `#123` reference) starting at `i` ends, if one does.
fn mention_end(chars: &[char], i: usize) -> Option<usize> {
    if !matches!(chars[i], '@' | '#')
        || chars.get(i + 1).is_none_or(|c| !c.is_alphanumeric())
        || (i > 0 && chars[i - 1].is_alphanumeric())
    {
        return None;
    }
    if chars[i] == '#' && !chars[i + 1].is_ascii_digit() {
        return None;
    }
    let mut e = i + 1;
    while e < chars.len()
        && (chars[e].is_alphanumeric() || matches!(chars[e], '-' | '_' | '/' | '.'))
    {
        e += 1;
    }
    while e > i + 1 && chars[e - 1] == '.' {
        e -= 1;
    }
    Some(e)
}

/// Inline Markdown (GitHub-flavoured) that shows `s` as written. Code spans
/// the text already has are kept (a message's `code`); outside them,
/// everything Markdown or HTML would interpret is escaped, and bare links,
/// `@mentions` and `#123` references become code spans so nothing links or
/// notifies. `|` is escaped everywhere in a table cell (even inside code, as
/// GitHub requires). An unmatched backtick is escaped. Newlines become
/// `<br>` in a table cell and spaces elsewhere; control characters are made
/// visible.
pub fn markdown(s: &str, table: bool) -> String {
    let s = sanitize_terminal(s);
    let mut o = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut at_start = true;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            // A code span: the same run of backticks closes it.
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            let close = (i + run..chars.len()).find(|&j| {
                chars[j..].iter().take_while(|&&c| c == '`').count() == run
                    && (j == 0 || chars[j - 1] != '`')
            });
            if let Some(j) = close {
                let body: String = chars[i + run..j].iter().collect();
                o.push_str(&markdown_code(&body, table));
                i = j + run;
                at_start = false;
                continue;
            }
            o.push_str("\\`");
            i += 1;
            continue;
        }
        if let Some(e) = link_end(&chars, i)
            .or_else(|| mention_end(&chars, i))
            .or_else(|| email_end(&chars, i))
        {
            let text: String = chars[i..e].iter().collect();
            o.push_str(&markdown_code(&text, table));
            i = e;
            at_start = false;
            continue;
        }
        match c {
            '\\' | '*' | '_' | '[' | ']' | '#' | '~' | '|' | '!' | '@' => {
                o.push('\\');
                o.push(c);
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\n' if table => o.push_str("<br>"),
            '\n' | '\r' => o.push(' '),
            // `1. ` or `- ` at the start of a line would start a list.
            '.' | ')' if at_start && o.chars().all(|c| c.is_ascii_digit()) && !o.is_empty() => {
                o.push('\\');
                o.push(c);
            }
            '-' | '+' | '=' if at_start && o.is_empty() => {
                o.push('\\');
                o.push(c);
            }
            c => o.push(c),
        }
        if !c.is_ascii_digit() {
            at_start = false;
        }
        i += 1;
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_shown_not_acted_on() {
        assert_eq!(
            sanitize_terminal("\x1b]0;owned\x07pod\x1b[2J"),
            "\\u{1b}]0;owned\\u{7}pod\\u{1b}[2J"
        );
        assert_eq!(sanitize_terminal("a\u{9b}31mb\rc"), "a\\u{9b}31mb\\u{d}c");
        assert_eq!(
            sanitize_terminal("rtl \u{202E}gnp.exe"),
            "rtl \\u{202e}gnp.exe"
        );
        assert!(matches!(
            sanitize_terminal("two\nlines\tand tabs"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            sanitize_terminal_keep_sgr("\x1b[1;31mred\x1b[0m \x1b]0;t\x07 \x1b[2J"),
            "\x1b[1;31mred\x1b[0m \\u{1b}]0;t\\u{7} \\u{1b}[2J"
        );
    }

    #[test]
    fn markdown_escapes_markup_outside_code_and_pipes_everywhere_in_tables() {
        assert_eq!(markdown("a | b", true), "a \\| b");
        assert_eq!(markdown("`a|b` c", true), "`a\\|b` c");
        assert_eq!(markdown("`a|b`", false), "`a|b`");
        assert_eq!(
            markdown("<script>alert(1)</script> *x* _y_ [l](u)", false),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* \\_y\\_ \\[l\\](u)"
        );
        assert_eq!(markdown("`<none>` & more", false), "`<none>` &amp; more");
        assert_eq!(markdown("odd ` tick", false), "odd \\` tick");
        assert_eq!(markdown("1. not a list", false), "1\\. not a list");
        assert_eq!(markdown("- not a list", false), "\\- not a list");
        assert_eq!(markdown("two\nlines", true), "two<br>lines");
        assert_eq!(markdown("# not a heading", false), "\\# not a heading");
    }

    #[test]
    fn links_mentions_and_references_do_not_link() {
        assert_eq!(
            markdown(
                "cc @platform-team and @org/sre, see https://evil.example/x?a=1.",
                false
            ),
            "cc `@platform-team` and `@org/sre`, see `https://evil.example/x?a=1`."
        );
        assert_eq!(markdown("fixes #123", false), "fixes `#123`");
        assert_eq!(markdown("www.example.com|x", true), "`www.example.com\\|x`");
        assert_eq!(
            markdown("mail ops@example.com", false),
            "mail `ops@example.com`"
        );
        assert_eq!(markdown("nginx@sha256:0d17", false), "nginx\\@sha256:0d17");
        assert_eq!(markdown("esc \x1b[2J", false), "esc \\\\u{1b}\\[2J");
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(markdown_code("a`b", false), "``a`b``");
        assert_eq!(markdown_code("`x", false), "`` `x ``");
        assert_eq!(markdown_code("a|b", true), "`a\\|b`");
        assert_eq!(
            markdown_code("logs/`rm -rf`.log", true),
            "``logs/`rm -rf`.log``"
        );
    }
}
