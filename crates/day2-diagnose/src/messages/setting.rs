//! A program that stops because a setting it requires is not given, in
//! the words its option library uses: cobra's `required flag(s) "x" not
//! set`, Karpenter's `validating options, missing field, cluster-name`
//! (aws/karpenter-provider-aws v0.33: the chart's values moved from
//! `settings.aws.clusterName` to `settings.clusterName`), `--x is required`.

/// The name of the setting the line says is missing, without dashes or
/// quotes.
pub fn missing(line: &str) -> Option<String> {
    let clean = |s: &str| {
        let name = s
            .trim()
            .trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | ',' | '.' | ':' | '[' | ']'))
            .trim_start_matches('-');
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        ok.then(|| name.to_owned())
    };
    if let Some((_, rest)) = line.split_once("required flag(s) ") {
        // `required flag(s) "a", "b" not set`: the first.
        let names = rest.split(" not set").next()?;
        return clean(names.split(',').next()?);
    }
    for marker in [
        "missing field, ",
        "missing field: ",
        "missing required field ",
        "missing required flag: ",
        "missing required flag ",
    ] {
        if let Some((_, rest)) = line.split_once(marker) {
            return clean(rest.split_whitespace().next()?);
        }
    }
    // `--cluster-name is required`, `flag --x is required`.
    let (before, _) = line.split_once(" is required")?;
    let last = before.split_whitespace().last()?;
    last.starts_with("--").then(|| clean(last)).flatten()
}

/// The environment variable a setting is conventionally read from:
/// `cluster-name` → `CLUSTER_NAME`.
pub fn env_name(setting: &str) -> String {
    setting
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_named_missing() {
        assert_eq!(
            missing("panic: validating options, missing field, cluster-name").as_deref(),
            Some("cluster-name")
        );
        assert_eq!(
            missing("Error: required flag(s) \"kubeconfig\", \"zone\" not set").as_deref(),
            Some("kubeconfig")
        );
        assert_eq!(
            missing("F0101 main.go:40] --cluster-id is required").as_deref(),
            Some("cluster-id")
        );
        // A sentence that requires something else.
        assert_eq!(missing("authentication is required"), None);
        assert_eq!(missing("listening on :8080"), None);
        assert_eq!(env_name("cluster-name"), "CLUSTER_NAME");
    }
}
