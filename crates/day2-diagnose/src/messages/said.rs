//! The line of a program's output that says why it stopped, when nothing
//! more specific reads it: what an SRE looks for first in `kubectl logs
//! --previous`.
//!
//! - Python: the last line of a traceback, `ModuleNotFoundError: No module
//!   named 'psycopg2'` (the exception and its message);
//! - Java: the first line naming an exception, `…PrerequisitesNotMetException:
//!   Multiple plugin prerequisites not met:` and the lines after it;
//! - nginx's `[emerg]`, Go loggers' `level=fatal` and `F0101` (klog),
//!   `panic:`, `FATAL`, `Error:`;
//! - otherwise the last line that is not blank, when it speaks of a
//!   failure (an info line about a request served says nothing of why).

/// Lines after a Java exception line that carry its detail (`Plugin x
/// depends on y`), kept with it.
const DETAIL_LINES: usize = 2;

/// The decisive line of `text`, trimmed; `None` for blank text.
pub fn decisive(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let last = *lines.last()?;
    if text.contains("Traceback (most recent call last)")
        && let Some(l) = lines.iter().rev().find(|l| python_exception(l))
    {
        return Some((*l).to_owned());
    }
    if let Some(i) = lines.iter().position(|l| java_exception(l)) {
        let end = (i + 1 + DETAIL_LINES).min(lines.len());
        return Some(lines[i..end].join(" "));
    }
    let marks = [
        "[emerg]",
        "level=fatal",
        "\"level\":\"fatal\"",
        "panic:",
        "FATAL",
        "Fatal",
        "fatal:",
        "level=error",
        "\"level\":\"error\"",
        "Error:",
        "ERROR",
        "error:",
    ];
    if let Some(i) = lines.iter().position(|l| klog_fatal(l)) {
        return Some(with_detail(&lines, i));
    }
    if let Some(i) = marks
        .iter()
        .find_map(|m| lines.iter().position(|l| l.contains(m)))
    {
        return Some(with_detail(&lines, i));
    }
    // A failure that announces its detail on the lines after it
    // (oauth2-proxy's `invalid configuration:` then `Cookie secret must be
    // 16, 24, or 32 bytes …`).
    if let Some(i) = lines
        .iter()
        .rposition(|l| l.ends_with(':') && failure(l))
        .filter(|i| i + 1 < lines.len())
    {
        return Some(with_detail(&lines, i));
    }
    failure(last).then(|| last.to_owned())
}

/// Line `i`, and when it ends with a colon (`1 error(s) decoding:`), the
/// lines that say what it announces.
fn with_detail(lines: &[&str], i: usize) -> String {
    if lines[i].ends_with(':') {
        let end = (i + 1 + DETAIL_LINES).min(lines.len());
        lines[i..end].join(" ")
    } else {
        lines[i].to_owned()
    }
}

/// Words of a failure, in any case.
fn failure(l: &str) -> bool {
    let l = l.to_ascii_lowercase();
    [
        "error",
        "fail",
        "fatal",
        "panic",
        "exception",
        "refused",
        "denied",
        "not found",
        "cannot",
        "can't",
        "unable",
        "invalid",
        "missing",
        "no such",
        "does not exist",
        "timed out",
        "timeout",
        "forbidden",
        "unauthorized",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// `ModuleNotFoundError: …`, `sqlalchemy.exc.OperationalError: …`.
fn python_exception(l: &str) -> bool {
    let Some((head, _)) = l.split_once(": ") else {
        return false;
    };
    !head.contains(' ')
        && (head.ends_with("Error") || head.ends_with("Exception") || head.ends_with("Exit"))
        && head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// `java.lang.IllegalStateException: …`, `Exception in thread "main" …`,
/// `Caused by: …Exception: …`.
fn java_exception(l: &str) -> bool {
    l.starts_with("Exception in thread")
        || l.split_whitespace().any(|w| {
            let w = w.trim_end_matches(':');
            w.contains('.') && (w.ends_with("Exception") || w.ends_with("Error"))
        })
}

/// klog's fatal lines: `F0304 12:00:00.000000 1 main.go:10] …`.
fn klog_fatal(l: &str) -> bool {
    let b = l.as_bytes();
    b.len() > 5 && b[0] == b'F' && b[1..5].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_traceback_ends_with_its_exception() {
        let t = "Upgrading DB schema...\nTraceback (most recent call last):\n  File \"/app/superset/app.py\", line 40, in create_app\n    app_initializer.init_app()\nModuleNotFoundError: No module named 'psycopg2'\n";
        assert_eq!(
            decisive(t).as_deref(),
            Some("ModuleNotFoundError: No module named 'psycopg2'")
        );
    }

    #[test]
    fn java_exception_keeps_its_detail() {
        let t = "download plugins\nio.jenkins.tools.pluginmanager.impl.AggregatePluginPrerequisitesNotMetException: Multiple plugin prerequisites not met:\nPlugin kubernetes:1.30.11 depends on configuration-as-code:1.55, but there is an older version defined on the top level - configuration-as-code:1.54,\nmore\nand more";
        let d = decisive(t).unwrap_or_default();
        assert!(
            d.starts_with("io.jenkins") && d.contains("configuration-as-code:1.55"),
            "{d}"
        );
        assert!(!d.contains("and more"), "{d}");
    }

    #[test]
    fn marked_lines_and_the_last_line() {
        assert_eq!(
            decisive("starting\n2022/04/10 [emerg] 1#1: host not found\nbye").as_deref(),
            Some("2022/04/10 [emerg] 1#1: host not found")
        );
        assert_eq!(
            decisive("W0226 warn\nF0226 14:28:38.102573 1 main.go:10] cannot start\n").as_deref(),
            Some("F0226 14:28:38.102573 1 main.go:10] cannot start")
        );
        // A line that announces its detail keeps it.
        assert_eq!(
            decisive("Error: failed to get config: cannot unmarshal the configuration: 1 error(s) decoding:\n\n* error decoding 'exporters': unknown type: \"debug\"\nmore").as_deref(),
            Some("Error: failed to get config: cannot unmarshal the configuration: 1 error(s) decoding: * error decoding 'exporters': unknown type: \"debug\" more")
        );
        assert_eq!(
            decisive("starting\ncreate client certificate failed: <nil>\n").as_deref(),
            Some("create client certificate failed: <nil>")
        );
        // An unmarked failure that announces its detail (oauth2-proxy).
        assert_eq!(
            decisive("[2020/05/25 08:38:02] [main.go:35] invalid configuration:\n  Cookie secret must be 16, 24, or 32 bytes to create an AES cipher. Got 30 bytes.\n").as_deref(),
            Some("[2020/05/25 08:38:02] [main.go:35] invalid configuration: Cookie secret must be 16, 24, or 32 bytes to create an AES cipher. Got 30 bytes.")
        );
        // A last line that speaks of no failure says nothing of why.
        assert_eq!(
            decisive("{\"level\":\"info\",\"msg\":\"request served\",\"status\":200}"),
            None
        );
        assert_eq!(decisive("  \n"), None);
    }
}
