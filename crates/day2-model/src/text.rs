//! Wording shared by every message day2 writes.

use std::fmt::Write;

/// Names joined for a message, the first `max` of them: `a, b, c and 4 more`.
pub fn short_list<S: AsRef<str>>(items: &[S], max: usize) -> String {
    let mut s = String::new();
    for (i, item) in items.iter().take(max).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(item.as_ref());
    }
    if items.len() > max {
        let _ = write!(s, " and {} more", items.len() - max);
    }
    s
}

/// `s` cut to its first `max` characters, with `…` when it was longer.
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]).into(),
        None => s.into(),
    }
}

/// Among `have`, the name `want` was most likely meant to be: one that is
/// `want` with a `-`/`.`/`_`-separated part added or dropped at either end
/// (`config` for `config-v1`, `data-db-0` for `db-0`), else one at most two
/// edits away when both are five characters or longer. `None` when none
/// is close, or `want` itself is there.
pub fn near_name<'a>(want: &str, have: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for h in have {
        if h == want {
            return None;
        }
        let affix = |long: &str, short: &str| {
            long.len() > short.len()
                && short.len() >= 3
                && (long
                    .strip_prefix(short)
                    .is_some_and(|r| r.starts_with(['-', '.', '_']))
                    || long
                        .strip_suffix(short)
                        .is_some_and(|r| r.ends_with(['-', '.', '_'])))
        };
        let score = if affix(want, h) || affix(h, want) {
            Some(0)
        } else if want.len() >= 5 && h.len() >= 5 {
            Some(edits(want, h)).filter(|d| *d <= 2)
        } else {
            None
        };
        if let Some(d) = score
            && best.is_none_or(|(b, _)| d < b)
        {
            best = Some((d, h));
        }
    }
    best.map(|(_, h)| h)
}

/// Levenshtein distance, by characters.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The major and minor numbers of a release as a version or an image tag
/// spells it (`v1.9.3`, `0.5.2`, `v1.10.0+k3s1`, `v1.31.2-eks-1234`).
pub fn major_minor(version: &str) -> Option<(u32, u32)> {
    release(version).map(|(major, minor, _)| (major, minor))
}

/// A release's major, minor and (when written) patch number: `v1.15.7-eks-1`
/// → `(1, 15, Some(7))`, `v1.10+k3s1` → `(1, 10, None)`.
pub fn release(version: &str) -> Option<(u32, u32, Option<u32>)> {
    let version = version.trim();
    let mut parts = version.strip_prefix('v').unwrap_or(version).split('.');
    let major = parts.next()?.parse().ok()?;
    let leading = |p: &str| -> Option<u32> {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let minor_part = parts.next()?;
    let minor = leading(minor_part)?;
    // A suffix on the minor (`10+k3s1`) ends the release: no patch follows.
    let patch = if minor_part.bytes().all(|b| b.is_ascii_digit()) {
        parts.next().and_then(leading)
    } else {
        None
    };
    Some((major, minor, patch))
}

#[cfg(test)]
mod tests {

    #[test]
    fn releases_are_read_as_major_and_minor() {
        assert_eq!(major_minor("v1.9.3"), Some((1, 9)));
        assert_eq!(major_minor("0.5.2"), Some((0, 5)));
        assert_eq!(major_minor("v1.10+k3s1"), Some((1, 10)));
        assert_eq!(major_minor("latest"), None);
    }

    #[test]
    fn releases_are_read_with_their_patch_when_written() {
        assert_eq!(release("v1.15.7-eks-1"), Some((1, 15, Some(7))));
        assert_eq!(release("v1.15.12+k3s1"), Some((1, 15, Some(12))));
        assert_eq!(release("1.15"), Some((1, 15, None)));
        assert_eq!(release("v1.10+k3s1"), Some((1, 10, None)));
        assert_eq!(release("v1.15.x"), Some((1, 15, None)));
        assert_eq!(release("latest"), None);
    }

    use super::*;

    #[test]
    fn lists_are_shortened() {
        assert_eq!(short_list(&["a", "b", "c"], 2), "a, b and 1 more");
        assert_eq!(short_list(&["a", "b"], 2), "a, b");
        assert_eq!(short_list(&["a"], 2), "a");
        assert_eq!(short_list::<&str>(&[], 2), "");
        assert_eq!(
            short_list(&["a".to_owned(), "b".to_owned()], 0),
            " and 2 more"
        );
    }

    #[test]
    fn clipped_text_keeps_whole_characters() {
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("żółw", 2), "żó…");
    }

    #[test]
    fn the_name_meant_is_an_affix_away_or_two_edits() {
        let have = ["hajimari-config", "redis-data", "postgres"];
        assert_eq!(
            near_name("hajimari-config-v1", have),
            Some("hajimari-config")
        );
        assert_eq!(near_name("redis-dat", have), Some("redis-data"));
        assert_eq!(near_name("postgres", have), None);
        assert_eq!(near_name("mysql", have), None);
        assert_eq!(near_name("db", ["db-0"]), None);
    }
}
