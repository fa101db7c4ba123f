//! `.day2.yaml`: rules on/off, severity overrides, excluded namespaces, cloud.
//!
//! ```yaml
//! cloud: aws                 # aws | azure | gcp | generic (default: detected)
//! fail-on: high              # default threshold for exit code 1
//! rules:
//!   disable: [OB001, wildcard-rbac]   # codes or names
//!   enable: [CP001]          # when set, only these rules run
//!   severity: { CP001: low }
//! exclude-namespaces: [kube-system]
//! kube-version: "1.31"       # target for removed/deprecated API versions (default: the cluster's, else the latest)
//! logs:                      # extra log field spellings for `day2 logs`
//!   fields: { trace_id: [x-trace] }
//! ```

use day2_model::{Cloud, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAMES: [&str; 2] = [".day2.yaml", ".day2.yml"];

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub cloud: Option<Cloud>,
    pub fail_on: Option<Severity>,
    pub disable: Vec<String>,
    pub enable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub exclude_namespaces: Vec<String>,
    /// The `logs:` section, passed to the logs lens as is.
    pub logs: Option<serde_json::Value>,
    /// Where the configuration came from.
    pub path: Option<PathBuf>,
    /// The Kubernetes version the manifests must work on (CP016); `None`:
    /// the cluster's own, else the latest.
    pub kube_version: Option<KubeVersion>,
}

/// A Kubernetes minor version, `1.31`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    /// `1.31`, `v1.31`, `v1.31.2`, `v1.31.2-eks-1234` (the patch and build are ignored).
    pub fn parse(s: &str) -> Option<KubeVersion> {
        day2_model::text::major_minor(s).map(|(major, minor)| KubeVersion { major, minor })
    }
}

impl std::fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    cloud: Option<String>,
    fail_on: Option<String>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    exclude_namespaces: Vec<String>,
    logs: Option<serde_json::Value>,
    kube_version: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

impl Config {
    /// Parse configuration text; `path` names it in errors. `known_rule`
    /// tells a rule's code or name from a typo (the rules crate knows them:
    /// `day2_rules::config::parse` passes its registry).
    pub fn parse(
        text: &str,
        path: &str,
        known_rule: &dyn Fn(&str) -> bool,
    ) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| invalid(e.to_string()))?
        };
        let cloud = raw
            .cloud
            .map(|c| {
                Cloud::parse(&c).ok_or_else(|| {
                    invalid(format!("unknown cloud `{c}` (aws, azure, gcp, generic)"))
                })
            })
            .transpose()?;
        let sev = |s: &str| {
            Severity::parse(s).ok_or_else(|| {
                invalid(format!(
                    "unknown severity `{s}` (critical, high, medium, low, info)"
                ))
            })
        };
        let fail_on = raw.fail_on.as_deref().map(sev).transpose()?;
        let kube_version = raw
            .kube_version
            .map(|v| {
                KubeVersion::parse(&v).ok_or_else(|| {
                    invalid(format!("kube-version `{v}` is not a version like 1.31"))
                })
            })
            .transpose()?;
        let mut severity = BTreeMap::new();
        for (rule, s) in raw.rules.severity {
            severity.insert(rule, sev(&s)?);
        }
        for r in raw
            .rules
            .disable
            .iter()
            .chain(&raw.rules.enable)
            .chain(severity.keys())
        {
            if !known_rule(r) {
                return Err(invalid(format!("unknown rule `{r}` (see `day2 rules`)")));
            }
        }
        Ok(Config {
            cloud,
            fail_on,
            disable: raw.rules.disable,
            enable: raw.rules.enable,
            severity,
            exclude_namespaces: raw.exclude_namespaces,
            logs: raw.logs,
            path: Some(PathBuf::from(path)),
            kube_version,
        })
    }

    /// Read and parse a configuration file.
    pub fn load(path: &Path, known_rule: &dyn Fn(&str) -> bool) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, &path.display().to_string(), known_rule)
    }

    /// Find `.day2.yaml` in `start` or its parents.
    pub fn discover(
        start: &Path,
        known_rule: &dyn Fn(&str) -> bool,
    ) -> Result<Config, ConfigError> {
        for dir in start.ancestors() {
            for name in FILE_NAMES {
                let p = dir.join(name);
                if p.is_file() {
                    return Config::load(&p, known_rule);
                }
            }
        }
        Ok(Config::default())
    }

    fn matches(list: &[String], code: &str, name: &str) -> bool {
        list.iter()
            .any(|r| r.eq_ignore_ascii_case(code) || r == name)
    }

    pub fn rule_enabled(&self, code: &str, name: &str) -> bool {
        (self.enable.is_empty() || Self::matches(&self.enable, code, name))
            && !Self::matches(&self.disable, code, name)
    }

    pub fn severity_for(&self, code: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(code) || *r == name)
            .map(|(_, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        let known = |r: &str| matches!(r, "OB001" | "CP001");
        let c = Config::parse(
            "cloud: azure\nfail-on: medium\nrules:\n  disable: [OB001]\n  severity: {CP001: low}\nexclude-namespaces: [kube-system]\n",
            ".day2.yaml",
            &known,
        )
        .unwrap();
        assert_eq!(c.cloud, Some(Cloud::Azure));
        assert_eq!(c.fail_on, Some(Severity::Medium));
        assert!(!c.rule_enabled("OB001", "x"));
        assert!(c.rule_enabled("CP001", "x"));
        assert_eq!(c.severity_for("CP001", "x"), Some(Severity::Low));
        let e = Config::parse("rules:\n  disable: [XX999]\n", "cfg.yaml", &known)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cfg.yaml") && e.contains("XX999"), "{e}");
        let e = Config::parse("clod: aws\n", "cfg.yaml", &known)
            .unwrap_err()
            .to_string();
        assert!(e.contains("clod"), "{e}");
        assert!(Config::parse("", "x", &known).is_ok());
    }

    #[test]
    fn discovers_upwards() {
        let dir = std::env::temp_dir().join(format!("day2-cfg-{}", std::process::id()));
        let nested = dir.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.join(".day2.yaml"), "cloud: gcp\n").unwrap();
        let c = Config::discover(&nested, &|_| true).unwrap();
        assert_eq!(c.cloud, Some(Cloud::Gcp));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
