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
//!
//! A structured (JSON) line is read for its message, its error and the
//! fields that are not the logger's own (time, level, caller, stack), and a
//! line whose detail a source location announces (`fx.go:183:`, uber's fx)
//! keeps the detail. [`quote`] keeps both ends of a long line: a wrapped
//! error says its innermost cause last.

/// Lines after a Java exception line that carry its detail (`Plugin x
/// depends on y`), kept with it.
const DETAIL_LINES: usize = 2;

/// The decisive line of `text`, trimmed; `None` for blank text.
pub fn decisive(text: &str) -> Option<String> {
    line(text).map(|l| structured(&l).unwrap_or(l))
}

/// `line` cut to `max` characters keeping both ends: its first words (what
/// failed) and its last (the innermost cause of a wrapped error).
pub fn quote(line: &str, max: usize) -> String {
    let n = line.chars().count();
    if n <= max {
        return line.to_owned();
    }
    let head = max / 2;
    let tail = max - head;
    let h: String = line.chars().take(head).collect();
    let t: String = line.chars().skip(n - tail).collect();
    format!("{} … {}", h.trim_end(), t.trim_start())
}

/// Keys a logger adds to every line, which say nothing of why.
const LOGGER_KEYS: [&str; 21] = [
    "level",
    "lvl",
    "severity",
    "ts",
    "time",
    "timestamp",
    "@timestamp",
    "pid",
    "hostname",
    "caller",
    "logger",
    "stacktrace",
    "stack",
    "reqId",
    "v",
    "service",
    "name",
    "thread",
    "file",
    "line",
    "func",
];

/// A JSON log line as `message: error (field=value, …)`; `None` for a line
/// that is not a JSON object or carries no message or error.
fn structured(line: &str) -> Option<String> {
    if !line.starts_with('{') {
        return None;
    }
    let serde_json::Value::Object(o) = serde_json::from_str(line).ok()? else {
        return None;
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let msg = ["msg", "message"]
        .iter()
        .find_map(|k| o.get(*k).and_then(text));
    let error = ["error", "err", "exception"]
        .iter()
        .find_map(|k| match o.get(*k)? {
            serde_json::Value::Object(e) => {
                let mut out: Vec<String> = Vec::new();
                let head = match (
                    e.get("type").and_then(text),
                    e.get("message").and_then(text),
                ) {
                    (Some(t), Some(m)) => Some(format!("{t}: {m}")),
                    (None, Some(m)) => Some(m),
                    (Some(t), None) => Some(t),
                    (None, None) => None,
                };
                out.extend(head);
                for (k, v) in e {
                    if !matches!(k.as_str(), "type" | "message" | "stack" | "stacktrace")
                        && let Some(v) = text(v)
                    {
                        out.push(format!("{k}={v}"));
                    }
                }
                (!out.is_empty()).then(|| out.join(", "))
            }
            v => text(v),
        });
    // PostgreSQL's own JSON log record nested in the line (CloudNativePG
    // wraps it as `{"msg":"record","record":{…}}`): its `error_severity`,
    // `message` and `detail` are what the server said.
    let pg = o.values().find_map(|v| {
        let r = v.as_object()?;
        let severity = r.get("error_severity").and_then(text)?;
        let message = r.get("message").and_then(text)?;
        let detail = r.get("detail").and_then(text);
        Some(match detail {
            Some(d) => format!("{severity}: {message}: {d}"),
            None => format!("{severity}: {message}"),
        })
    });
    let msg = pg.or(msg);
    if msg.is_none() && error.is_none() {
        return None;
    }
    let fields: Vec<String> = o
        .iter()
        .filter(|(k, _)| {
            !LOGGER_KEYS.contains(&k.as_str())
                && !matches!(
                    k.as_str(),
                    "msg" | "message" | "error" | "err" | "exception"
                )
        })
        .filter_map(|(k, v)| text(v).map(|v| format!("{k}={v}")))
        .collect();
    let mut out = [msg, error]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(": ");
    if !fields.is_empty() {
        out.push_str(&format!(" ({})", fields.join(", ")));
    }
    Some(out)
}

/// The decisive line itself, as the program printed it.
fn line(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let last = *lines.last()?;
    if text.contains("Traceback (most recent call last)")
        && let Some(i) = lines.iter().rposition(|l| python_exception(l))
    {
        // A message on several lines goes on after the exception's.
        let end = (i + 1 + DETAIL_LINES).min(lines.len());
        return Some(lines[i..end].join(" "));
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
    // klog's error lines (`E0322 16:36:03.150517 1 main.go:334] …`) and a
    // bracketed `[error]` (Fluent Bit's `[error] [config] error in …`).
    if let Some(i) = lines
        .iter()
        .position(|l| klog_error(l) || l.contains("[error]"))
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
    // `received non-nil error from function …` then `\t/…/fx.go:183:`
    // then the error itself.
    if let [location, detail, ..] = lines[i + 1..]
        && source_location(location)
    {
        return format!("{} {detail}", lines[i]);
    }
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
        "must be specified",
        "must be set",
        "must specify",
        "is required",
        "not set",
        "unsupported",
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

/// `/src/app/fx.go:183:`: a file and line that announce what follows.
fn source_location(l: &str) -> bool {
    let Some(body) = l.strip_suffix(':') else {
        return false;
    };
    let Some((file, line)) = body.rsplit_once(':') else {
        return false;
    };
    !file.contains(' ')
        && file.rsplit_once('.').is_some_and(|(_, ext)| {
            matches!(
                ext,
                "go" | "py" | "rs" | "js" | "ts" | "java" | "rb" | "c" | "cc" | "cpp"
            )
        })
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
}

/// klog's error lines: `E0304 12:00:00.000000 1 main.go:10] …`.
fn klog_error(l: &str) -> bool {
    let b = l.as_bytes();
    b.len() > 5 && b[0] == b'E' && b[1..5].iter().all(u8::is_ascii_digit)
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

    #[test]
    fn a_python_message_on_several_lines_keeps_them() {
        // ray-project/kuberay: the autoscaler's ValueError says what to set
        // on its second line.
        let t = "Traceback (most recent call last):\n  File \"autoscaling_config.py\", line 276, in _get_num_cpus\n    raise ValueError(\nValueError: Autoscaler failed to detect `CPU` resources for group head-group.\nSet the `--num-cpus` rayStartParam and/or the CPU resource limit for the Ray container.\n";
        let d = decisive(t).unwrap_or_default();
        assert!(
            d.starts_with("ValueError:") && d.contains("--num-cpus"),
            "{d}"
        );
    }

    #[test]
    fn postgres_records_nested_in_a_json_line_are_read() {
        let t = r#"{"level":"info","ts":"2026-03-31T12:26:41.412893Z","logger":"postgres","msg":"record","logging_pod":"app-db-2","record":{"log_time":"2026-03-31 12:26:41.412 UTC","error_severity":"FATAL","sql_state_code":"22023","message":"recovery aborted because of insufficient parameter settings","detail":"max_connections = 100 is a lower setting than on the primary server, where its value was 200.","backend_type":"startup"}}"#;
        let said = structured(t).unwrap_or_default();
        assert!(
            said.starts_with("FATAL: recovery aborted because of insufficient parameter settings: max_connections = 100"),
            "{said}"
        );
    }

    #[test]
    fn a_json_line_reads_as_its_message_error_and_fields() {
        // Infisical's pino line: the URL it could not parse is the cause.
        let t = r#"{"level":50,"time":1763853700097,"pid":1,"hostname":"b-1","err":{"type":"TypeError","message":"Invalid URL","stack":"TypeError: Invalid URL\n    at new URL","input":"postgresql://undefined@undefined/undefined"},"msg":"Boot up migration failed"}"#;
        assert_eq!(
            decisive(t).as_deref(),
            Some(
                "Boot up migration failed: TypeError: Invalid URL, input=postgresql://undefined@undefined/undefined"
            )
        );
        // A JSON line with neither message nor error stays as printed.
        let t = r#"{"level":"error","code":7}"#;
        assert_eq!(decisive(t).as_deref(), Some(t));
    }

    #[test]
    fn a_source_location_announces_the_detail_after_it() {
        // Temporal's fx start-up error: the configuration's fault comes
        // after the file and line that returned it.
        let t = "Unable to create server. Error: received non-nil error from function ServerOptionsProvider\n\t/temporal/fx.go:183:\nconfig validation error: datastore \"visibility\": must provide config\n";
        assert_eq!(
            decisive(t).as_deref(),
            Some(
                "Unable to create server. Error: received non-nil error from function ServerOptionsProvider config validation error: datastore \"visibility\": must provide config"
            )
        );
        // A line that merely ends with a colon is no location.
        assert!(!source_location("error decoding 'exporters':"));
    }

    #[test]
    fn a_long_quote_keeps_both_ends() {
        let line = format!("failed to start: {}: the innermost cause", "x".repeat(400));
        let q = quote(&line, 120);
        assert!(
            q.starts_with("failed to start:") && q.ends_with("the innermost cause"),
            "{q}"
        );
        assert!(q.chars().count() <= 123, "{q}");
        assert_eq!(quote("short", 120), "short");
    }

    #[test]
    fn klog_errors_and_bracketed_errors_are_decisive() {
        // flannel-io/flannel#1747: the error among klog's info lines.
        let t = "I0322 16:36:03.149804 1 vxlan.go:138] VXLAN config: VNI=1\nE0322 16:36:03.150517 1 main.go:334] Error registering network: operation not supported\nI0322 16:36:03.150743 1 main.go:522] Stopping shutdownHandler...\n";
        assert_eq!(
            decisive(t).as_deref(),
            Some(
                "E0322 16:36:03.150517 1 main.go:334] Error registering network: operation not supported"
            )
        );
        // Fluent Bit: the first `[error]` names the file and line.
        let t = "[2025/08/26 09:33:49] [error] [config] error in /fluent-bit/etc/fluent-bit.conf:1: undefined value - check config is in valid classic format\n[2025/08/26 09:33:49] [error] configuration file contains errors, aborting.\n";
        assert!(decisive(t).unwrap_or_default().contains("classic format"));
    }
}
