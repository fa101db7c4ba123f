//! Word wrapping of styled text by display width (CJK and emoji count double).

use anstyle::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A run of text in one style.
pub(crate) type Span = (String, Style);

/// Display width of plain text.
pub(crate) fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `w` columns (never cut).
pub(crate) fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    let mut o = s.to_owned();
    o.extend(std::iter::repeat_n(' ', w.saturating_sub(n)));
    o
}

/// Wrap styled text into lines of at most `avail` columns, breaking at spaces.
/// A word longer than a line gets a line of its own (never cut: paths and
/// object names stay whole). `avail == 0` does not wrap. Runs of spaces
/// collapse at a break, not inside a line.
pub(crate) fn wrap(spans: &[Span], avail: usize) -> Vec<Vec<Span>> {
    // Words as styled characters; a word keeps the spaces before it.
    let mut words: Vec<(usize, Vec<(char, Style)>)> = Vec::new(); // (spaces before, chars)
    let mut spaces = 0usize;
    let mut cur: Vec<(char, Style)> = Vec::new();
    for (text, style) in spans {
        for c in text.chars() {
            if c == ' ' {
                if !cur.is_empty() {
                    words.push((spaces, std::mem::take(&mut cur)));
                    spaces = 0;
                }
                spaces += 1;
            } else {
                cur.push((c, *style));
            }
        }
    }
    if !cur.is_empty() {
        words.push((spaces, cur));
    }
    let mut lines: Vec<Vec<(char, Style)>> = Vec::new();
    let mut line: Vec<(char, Style)> = Vec::new();
    let mut used = 0usize;
    for (i, (before, word)) in words.into_iter().enumerate() {
        let w: usize = word.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
        let gap = if i == 0 { before } else { before.max(1) };
        if avail > 0 && !line.is_empty() && used + gap + w > avail {
            lines.push(std::mem::take(&mut line));
            used = 0;
        } else {
            let style = line.last().map(|(_, s)| *s).unwrap_or_default();
            for _ in 0..gap {
                line.push((' ', style));
            }
            used += gap;
        }
        used += w;
        line.extend(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(merge).collect()
}

fn merge(chars: Vec<(char, Style)>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for (c, s) in chars {
        match out.last_mut() {
            Some((t, st)) if *st == s => t.push(c),
            _ => out.push((c.to_string(), s)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: Vec<Vec<Span>>) -> Vec<String> {
        lines
            .into_iter()
            .map(|l| l.into_iter().map(|(t, _)| t).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_keeps_long_words_whole() {
        let s = vec![(
            "pods mount a token for deploy/very-long-object-name-here now".to_owned(),
            Style::new(),
        )];
        assert_eq!(
            plain(wrap(&s, 20)),
            [
                "pods mount a token",
                "for",
                "deploy/very-long-object-name-here",
                "now"
            ]
        );
        assert_eq!(plain(wrap(&s, 0)).len(), 1, "0 does not wrap");
    }

    #[test]
    fn counts_wide_characters_double() {
        let s = vec![("漢字漢字 漢字".to_owned(), Style::new())];
        assert_eq!(plain(wrap(&s, 8)), ["漢字漢字", "漢字"]);
        assert_eq!(width("漢字"), 4);
        assert_eq!(pad("✓", 3), "✓  ");
    }

    #[test]
    fn keeps_styles_per_run() {
        let bold = Style::new().bold();
        let s = vec![
            ("see ".to_owned(), Style::new()),
            ("bold words".to_owned(), bold),
            (" after".to_owned(), Style::new()),
        ];
        let lines = wrap(&s, 9);
        assert_eq!(plain(lines.clone()), ["see bold", "words", "after"]);
        assert_eq!(lines[0][1], ("bold".to_owned(), bold));
    }
}
