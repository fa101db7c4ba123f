//! day2's rules.
//!
//! A rule is one file under `rules/` holding a [`RuleMeta`] (code, kebab-case
//! name, loop, default severity, the law it enforces, documentation, per-cloud
//! fix, and fixtures that fire and that stay silent) and a type implementing
//! [`Rule`]. The [`registry`] lists them; [`run`] evaluates the enabled rules in
//! parallel over a [`day2_model::Cluster`]; [`checklist::build`] rolls findings
//! up into the Cluster Readiness Checklist.
//!
//! Depends on `day2-model` and `day2-context`: rules read a [`Context`]
//! (re-exported here, with [`Config`]).
#![forbid(unsafe_code)]

pub mod checklist;
pub mod config;
mod engine;
pub mod reads;
pub mod registry;
pub mod rules;
pub mod util;

pub use config::{Config, ConfigError, KubeVersion};
pub use day2_context::Context;
pub use engine::{Memo, Sink, Target, run, run_incremental};
pub use registry::{all, by_code, infos};

use day2_model::{Cloud, KindSet, Loop, Severity};

/// How to fix a violation, per cloud. `generic` always applies; the cloud
/// text, when present, is shown for clusters on that cloud.
#[derive(Debug, Clone, Copy)]
pub struct Fix {
    pub generic: &'static str,
    pub aws: Option<&'static str>,
    pub azure: Option<&'static str>,
    pub gcp: Option<&'static str>,
}

impl Fix {
    pub const fn generic(text: &'static str) -> Fix {
        Fix {
            generic: text,
            aws: None,
            azure: None,
            gcp: None,
        }
    }

    /// The fix for a cloud: the cloud-specific text when there is one.
    pub fn for_cloud(&self, cloud: Cloud) -> &'static str {
        match cloud {
            Cloud::Aws => self.aws,
            Cloud::Azure => self.azure,
            Cloud::Gcp => self.gcp,
            Cloud::Generic => None,
        }
        .unwrap_or(self.generic)
    }
}

/// Manifests on which a rule must fire, and on which it must stay silent.
#[derive(Debug, Clone, Copy)]
pub struct Fixtures {
    pub fire: &'static str,
    pub silent: &'static str,
}

/// Everything about a rule except its check.
#[derive(Debug)]
pub struct RuleMeta {
    /// `ID001`, `CP001`, `NW001`, `ST001`, `OB001`, …
    pub code: &'static str,
    /// kebab-case, e.g. `immediate-binding-zonal-storage`.
    pub name: &'static str,
    pub loop_: Loop,
    /// The kinds whose objects the rule reads (through the context's
    /// workload and Service indexes too): the agent reruns a rule only when
    /// one of them changed ([`run_incremental`]). `tests/reads.rs` checks
    /// the list against every cluster the tests hold.
    pub reads: KindSet,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The law of the method the rule enforces.
    pub law: &'static str,
    /// Why it matters (Markdown paragraphs).
    pub rationale: &'static str,
    pub fix: Fix,
    /// How the rule behaves on each source (manifests, snapshot, live): what
    /// it can judge there and when it stays silent.
    pub sources: &'static str,
    pub fixtures: Fixtures,
    /// Peer checks that cover the same ground (for the comparison table).
    pub peers: &'static [&'static str],
}

impl RuleMeta {
    /// The rule's full documentation in Markdown.
    pub fn docs(&self) -> String {
        let mut s = format!(
            "# {code} {name}\n\n{summary}\n\n- loop: **{lp}**\n- default severity: **{sev}**\n- law: *{law}*\n\n## Why it matters\n\n{why}\n\n## Fix\n\n{fix}\n",
            code = self.code,
            name = self.name,
            summary = self.summary,
            lp = self.loop_,
            sev = self.severity,
            law = self.law,
            why = self.rationale.trim(),
            fix = self.fix.generic,
        );
        for (cloud, text) in [
            ("AWS", self.fix.aws),
            ("Azure", self.fix.azure),
            ("GCP", self.fix.gcp),
        ] {
            if let Some(t) = text {
                s.push_str(&format!("\n**{cloud}:** {t}\n"));
            }
        }
        s.push_str(&format!("\n## Per source\n\n{}\n", self.sources.trim()));
        s.push_str(&format!(
            "\n## Example that fires\n\n```yaml\n{}\n```\n\n## Example that passes\n\n```yaml\n{}\n```\n",
            self.fixtures.fire.trim_end(),
            self.fixtures.silent.trim_end()
        ));
        if !self.peers.is_empty() {
            s.push_str(&format!("\n## Peer checks\n\n{}\n", self.peers.join(", ")));
        }
        s
    }

    pub fn info(&self) -> day2_model::report::RuleInfo {
        day2_model::report::RuleInfo {
            code: self.code.into(),
            name: self.name.into(),
            loop_: self.loop_,
            severity: self.severity,
            summary: self.summary.into(),
            law: self.law.into(),
            docs: self.docs(),
        }
    }
}

/// A check over the cluster.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Report violations through `sink`.
    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>);
}

/// The laws of the method, quoted.
pub mod law {
    pub const IDENTITY: &str = "Identity must be ephemeral, scoped, and auditable.";
    pub const COMPUTE: &str =
        "Scheduling is a financial budget. If budgets are wrong, the scheduler lies.";
    pub const NETWORK: &str = "Validate the entire path. Not just the endpoint.";
    pub const STORAGE: &str = "Compute moves fast. Data has mass.";
    pub const OBSERVABILITY: &str =
        "Every log line must carry: trace_id, pod_name, node_name, namespace, zone.";
}
