//! `.day2.yaml` (see [`day2_context::config`]), read with rule codes and
//! names checked against the registry.

use std::path::Path;

pub use day2_context::config::{Config, ConfigError, FILE_NAMES, KubeVersion};

/// Whether `r` is a rule's code or name.
fn known_rule(r: &str) -> bool {
    crate::registry::by_code(r).is_some()
        || crate::registry::all().iter().any(|x| x.meta().name == r)
}

/// Parse configuration text; `path` names it in errors.
pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
    Config::parse(text, path, &known_rule)
}

/// Read and parse a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    Config::load(path, &known_rule)
}

/// Find `.day2.yaml` in `start` or its parents.
pub fn discover(start: &Path) -> Result<Config, ConfigError> {
    Config::discover(start, &known_rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_known_by_code_or_name() {
        let c = parse(
            "rules:\n  disable: [OB001, wildcard-rbac]\n  severity: {cp001: low}\n",
            ".day2.yaml",
        )
        .unwrap();
        assert!(!c.rule_enabled("OB001", "x"));
        let e = parse("rules:\n  disable: [XX999]\n", "cfg.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("cfg.yaml") && e.contains("XX999"), "{e}");
    }
}
