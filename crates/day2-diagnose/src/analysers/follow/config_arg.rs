//! A parser's error that names no file, from a program given its
//! configuration file by a flag: `contour: error: EOF, try --help` from
//! `contour serve --config-path=/config/contour.yaml`, whose ConfigMap key
//! held only comments (projectcontour/contour#1527). The flag says
//! which file was read, the pod's mounts say where it comes from.

use super::process::config_file;
use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::Res;
use day2_model::pod::Pod;

/// Whether `line` is a parser's complaint about a document, without a path
/// (a line naming its file is read as such by the classifier).
fn bare_parse_error(line: &str) -> bool {
    // An EOF of a connection is no document's.
    let network = ["tcp ", "http", "connection", "dial ", "stream"]
        .iter()
        .any(|m| line.contains(m));
    let eof = !network
        && line.contains("error")
        && line
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| t == "EOF");
    eof || [
        "yaml: ",
        "unexpected end of JSON input",
        "invalid character '",
        "cannot unmarshal ",
        "toml: ",
        "error converting YAML to JSON",
    ]
    .iter()
    .any(|m| line.contains(m))
}

/// The path a configuration flag of the container gives, when one does:
/// `--config=/x`, `--config-path /x`, `-c /x`, `--conf=/x`.
fn config_path(args: &[String]) -> Option<&str> {
    let is_flag = |name: &str| {
        let bare = name.trim_start_matches('-');
        name.starts_with('-') && (bare == "c" || bare == "conf" || bare.contains("config"))
    };
    args.iter().enumerate().find_map(|(i, a)| {
        let value = match a.split_once('=') {
            Some((name, v)) if is_flag(name) => v,
            None if is_flag(a) => args.get(i + 1)?.as_str(),
            _ => return None,
        };
        value.starts_with('/').then_some(value)
    })
}

/// Whether a configuration text holds nothing but blank lines and comments.
fn only_comments(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l.starts_with("//") || l == "---")
}

pub(super) fn unparsed(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    texts: &[String],
) -> Option<Hypothesis> {
    let line = texts
        .iter()
        .flat_map(|t| t.lines())
        .find(|l| bare_parse_error(l))?;
    let c = pod
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == container)?;
    let args: Vec<String> = crate::model::command_line(c).cloned().collect();
    let path = config_path(&args)?;
    let mut h = config_file(a, pod, container, path, line)?;
    // What the key holds, when it holds no setting at all.
    let empty = (h.root.object.kind == "ConfigMap")
        .then(|| {
            let cm = a.cluster.config_maps.iter().find(|m| {
                m.ns_or_default() == pod.ns_or_default() && m.name() == h.root.object.name
            })?;
            let data = cm.data.as_ref()?;
            let file = path.rsplit('/').next().unwrap_or(path);
            let text = data
                .get(file)
                .or_else(|| (data.len() == 1).then(|| data.values().next()).flatten())?;
            only_comments(text).then_some(())
        })
        .flatten()
        .is_some();
    // The parser's own words, which name the field or value it refused.
    // A decoder lists what it refused on the lines after its first.
    let context: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.lines())
        .skip_while(|l| *l != line)
        .take(3)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // A line ending in `:` heads the list of what was refused.
    let detail = match context.split_first() {
        Some((first, rest)) if first.ends_with(':') && !rest.is_empty() => rest.join(" "),
        _ => context.join(" "),
    };
    let said = crate::messages::said::quote(&day2_model::redact::redact(&detail), 240);
    if !h.fix.contains(said.as_str()) {
        h.fix = format!("{} The program says: `{said}`.", h.fix);
    }
    if empty {
        h.fix = format!(
            "{} The key holds only comments or nothing: the parser reads an empty document (EOF); uncomment or write the settings the program needs.",
            h.fix
        );
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_that_name_a_configuration_file() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            config_path(&args(&[
                "serve",
                "--incluster",
                "--config-path=/config/contour.yaml"
            ])),
            Some("/config/contour.yaml")
        );
        assert_eq!(
            config_path(&args(&["-c", "/etc/app/app.yaml"])),
            Some("/etc/app/app.yaml")
        );
        assert_eq!(
            config_path(&args(&["--config", "/x.toml"])),
            Some("/x.toml")
        );
        // A flag whose value is no path, or a flag of another name.
        assert_eq!(config_path(&args(&["--config-mode=strict"])), None);
        assert_eq!(config_path(&args(&["--cert=/certs/tls.crt"])), None);
    }

    #[test]
    fn parse_errors_without_a_path() {
        assert!(bare_parse_error("contour: error: EOF, try --help"));
        assert!(bare_parse_error(
            "error: yaml: line 3: mapping values are not allowed in this context"
        ));
        assert!(!bare_parse_error(
            "read tcp 10.0.0.1:5432: EOF while reading"
        ));
        assert!(!bare_parse_error(
            "error: Get \"https://10.96.0.1:443/api\": EOF"
        ));
        assert!(!bare_parse_error("listening on :8080"));
    }
}
