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

#[cfg(test)]
mod tests {
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
}
