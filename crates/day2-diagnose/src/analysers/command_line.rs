//! A container started with a command line its program refuses: template
//! placeholders nobody rendered (`--cpu={{ base_metrics_server_cpu }}`, an
//! addon manifest applied as written, kubernetes/kubernetes#72713), or a
//! flag the image's release does not know (cobra/pflag's `unknown flag:
//! --metrics-bind-address`, Go's `flag provided but not defined: -x`,
//! argparse's `unrecognized arguments: --x`): the manifest and the image
//! disagree, and the manifest is what to change.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;

pub fn refused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, c)) = d.crashed() else {
        return vec![];
    };
    let container = c.name.as_str();
    let workload = model::workload_ref(a.cluster, pod);
    let words = model::command_line(c)
        .map(String::as_str)
        .collect::<Vec<&str>>();
    let placeholders: Vec<&str> = words.iter().copied().filter(|w| unrendered(w)).collect();
    if !placeholders.is_empty() {
        let shown = day2_model::text::short_list(&placeholders, 3);
        return vec![
            Hypothesis::new(
                84,
                Loop::Compute,
                workload.clone(),
                format!("container {container} of {workload} starts with template placeholders nobody rendered in its command line ({shown}): the manifest was applied as a template, and the program cannot parse them"),
            )
            .fix(format!("Render the manifest before applying it (the addon's or chart's template with its values), or replace each `{{{{ … }}}}` placeholder in {workload}'s command and args with its value.")),
        ];
    }
    let texts = super::follow::crash_texts(a, d, pod, container);
    // Traefik's decoder names the last element of an option it does not
    // know: `failed to decode configuration from flags: field not found,
    // node: trace` for `--providers.kubernetescrd.trace`, or, without
    // `from flags`, a field of its configuration file (traefik/traefik#5094,
    // #5422).
    if let Some(node) = texts
        .iter()
        .find_map(|t| t.split_once("field not found, node: "))
    {
        let node = node
            .1
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['"', '\'', '.']);
        let arg = words.iter().copied().find(|w| {
            let name = w.split('=').next().unwrap_or(w);
            name.starts_with('-')
                && (name.ends_with(&format!(".{node}")) || name.trim_start_matches('-') == node)
        });
        if let Some(arg) = arg {
            let flag = arg.split('=').next().unwrap_or(arg);
            return vec![unknown(
                &workload,
                container,
                c.image.as_deref(),
                flag,
                true,
            )];
        }
        if !node.is_empty() {
            let image = c.image.as_deref().unwrap_or("its image");
            let floating = !image.rsplit('/').next().unwrap_or(image).contains(':')
                || image.ends_with(":latest");
            let pin = if floating {
                format!(
                    " {image} names no release (it follows `latest`), so a new major release brought a new configuration format: pin the tag the configuration was written for (e.g. `traefik:v1.7`), or"
                )
            } else {
                String::new()
            };
            return vec![
                Hypothesis::new(
                    82,
                    Loop::Compute,
                    workload.clone(),
                    format!("container {container} of {workload} exits at start-up: its configuration has a field `{node}` that {image} does not know, so the configuration was written for another release"),
                )
                .fix(format!("Make the configuration and the image agree:{pin} rewrite the configuration (the ConfigMap or file it reads) for this release, where `{node}` has moved or gone.")),
            ];
        }
    }
    let Some(flag) = texts.iter().find_map(|t| unknown_flag(t)) else {
        return vec![];
    };
    let passed = words.iter().any(|w| w.split('=').next() == Some(flag));
    vec![unknown(
        &workload,
        container,
        c.image.as_deref(),
        flag,
        passed,
    )]
}

fn unknown(
    workload: &day2_model::ObjRef,
    container: &str,
    image: Option<&str>,
    flag: &str,
    passed: bool,
) -> Hypothesis {
    let image = image.unwrap_or("its image");
    Hypothesis::new(
        84,
        Loop::Compute,
        workload.clone(),
        format!(
            "container {container} of {workload} exits at start-up: {image} does not know the flag `{flag}`{}, so the manifest was written for another release of the program",
            if passed { " its args pass" } else { "" }
        ),
    )
    .fix(format!("Make the args and the image agree: remove `{flag}` from {workload}'s container args (or use the flag this release names in its usage text), or run the image release the manifest was written for."))
}

/// A Jinja or Helm placeholder left in a word of the command line: `{{
/// name }}`, `{{ .Values.x }}`, `{% … %}`. A Go template the program is
/// meant to read (`--format={{.Name}}`) is not one.
fn unrendered(word: &str) -> bool {
    if word.find("{%").is_some_and(|i| word[i..].contains("%}")) {
        return true;
    }
    let Some(i) = word.find("{{") else {
        return false;
    };
    let Some(j) = word[i + 2..].find("}}") else {
        return false;
    };
    let inner = word[i + 2..i + 2 + j].trim();
    ["Values.", "Release.", "Chart."]
        .iter()
        .any(|p| inner.trim_start_matches('.').starts_with(p))
        || (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// The flag a program refuses, in the spellings of Go's flag packages and
/// Python's argparse.
fn unknown_flag(text: &str) -> Option<&str> {
    let rest = text
        .split_once("unknown flag: ")
        .or_else(|| text.split_once("flag provided but not defined: "))
        .or_else(|| text.split_once("unrecognized arguments: "))?
        .1;
    let flag = rest
        .split_whitespace()
        .next()?
        .trim_matches(['"', '\'', ',']);
    (flag.starts_with('-') && flag.len() > 1).then_some(flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_unknown_flags_are_read() {
        assert!(unrendered("--cpu={{ base_metrics_server_cpu }}"));
        assert!(unrendered("{% if x %}"));
        assert!(unrendered("--replicas={{ .Values.replicas }}"));
        assert!(!unrendered("--format={{.Name}}"));
        assert!(!unrendered("--format={{.Name}"));
        assert!(!unrendered("$(POD_NAME)"));
        // kubealex/k8s-mediaserver-operator#36 (cobra).
        assert_eq!(
            unknown_flag("Error: unknown flag: --metrics-bind-address\nUsage:"),
            Some("--metrics-bind-address")
        );
        assert_eq!(
            unknown_flag("flag provided but not defined: -kubeconfig"),
            Some("-kubeconfig")
        );
        assert_eq!(
            unknown_flag("main.py: error: unrecognized arguments: --port 80"),
            Some("--port")
        );
        assert_eq!(unknown_flag("unknown flag: x"), None);
    }
}
