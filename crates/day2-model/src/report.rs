//! The report: plain data produced by analyses, formatted by renderers.
//! Serialises to the `day2/v1` JSON contract; times are RFC 3339 strings
//! there (`2026-03-04T05:06:07Z`) and [`Timestamp`]s here.

use crate::types::{Location, Loop, ObjRef, Severity};
use jiff::Timestamp;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "day2/v1";

/// One rule violation on one object. The rule's code and name, and its
/// general fix, are the rule's own static text, shared by its findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Cow<'static, str>,
    pub name: Cow<'static, str>,
    #[serde(rename = "loop")]
    pub loop_: Loop,
    pub severity: Severity,
    pub object: ObjRef,
    pub message: String,
    pub location: Option<Location>,
    pub fix: Cow<'static, str>,
    /// For a finding about a pod template: how many pods in the input run it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<u32>,
    /// The first few of those pods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

/// What hurts: a symptom seen on one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symptom {
    pub kind: String,
    #[serde(rename = "loop")]
    pub loop_: Loop,
    pub object: ObjRef,
    /// The controller the symptom's pod belongs to (its Deployment through
    /// the ReplicaSet's `pod-template-hash`, StatefulSet, DaemonSet, Job,
    /// CronJob), when the symptom is on a pod that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<ObjRef>,
    pub since: Option<Timestamp>,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootCause {
    #[serde(rename = "loop")]
    pub loop_: Loop,
    pub rule: Option<String>,
    pub summary: String,
    pub object: ObjRef,
}

/// One link of a causal chain, in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainLink {
    #[serde(rename = "loop")]
    pub loop_: Loop,
    pub at: Option<Timestamp>,
    pub object: ObjRef,
    pub what: String,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub symptom: Symptom,
    pub root_cause: RootCause,
    pub chain: Vec<ChainLink>,
    pub fix: String,
    pub confidence: Confidence,
    /// Other objects showing the same symptom with the same root cause.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_affected: Vec<ObjRef>,
    /// Evidence that would have helped but was absent from the input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_evidence: Vec<String>,
    /// The input does not hold the cause: `root_cause` then names the
    /// symptom's own object and says what to look at next, not a guess.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unexplained: bool,
    /// The incident this diagnosis belongs to, numbered from 1 in report
    /// order: the diagnoses of one incident share its root cause and chain,
    /// and follow each other in `diagnoses`.
    #[serde(default)]
    pub incident: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: String,
    pub text: String,
    pub status: Status,
    pub failing: usize,
    /// Why the status is unknown, or which rules decided it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoopChecklist {
    pub status: Status,
    pub items: Vec<ChecklistItem>,
}

impl LoopChecklist {
    /// Roll up: any fail fails; all pass passes; otherwise unknown.
    pub fn from_items(items: Vec<ChecklistItem>) -> Self {
        let status = if items.iter().any(|i| i.status == Status::Fail) {
            Status::Fail
        } else if !items.is_empty() && items.iter().all(|i| i.status == Status::Pass) {
            Status::Pass
        } else {
            Status::Unknown
        };
        LoopChecklist { status, items }
    }
}

/// The Cluster Readiness Checklist, one section per loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub identity: LoopChecklist,
    pub compute: LoopChecklist,
    pub network: LoopChecklist,
    pub storage: LoopChecklist,
    pub observability: LoopChecklist,
}

impl Checklist {
    pub fn get(&self, l: Loop) -> &LoopChecklist {
        match l {
            Loop::Identity => &self.identity,
            Loop::Compute => &self.compute,
            Loop::Network => &self.network,
            Loop::Storage => &self.storage,
            Loop::Observability => &self.observability,
        }
    }
    pub fn get_mut(&mut self, l: Loop) -> &mut LoopChecklist {
        match l {
            Loop::Identity => &mut self.identity,
            Loop::Compute => &mut self.compute,
            Loop::Network => &mut self.network,
            Loop::Storage => &mut self.storage,
            Loop::Observability => &mut self.observability,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub kind: String,
    pub cloud: String,
    /// What was read (files, snapshot path, context).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub input: String,
    /// When the input was captured (RFC 3339, UTC): a day2 snapshot's
    /// header or the time of a live read; absent when the input does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }
    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub objects: usize,
    pub findings: SeverityCounts,
    /// Findings per loop.
    #[serde(default)]
    pub loops: BTreeMap<String, usize>,
}

/// One entry of the cross-loop incident timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: Option<Timestamp>,
    #[serde(rename = "loop")]
    pub loop_: Loop,
    pub object: ObjRef,
    pub what: String,
}

/// Everything one run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub source: SourceInfo,
    pub findings: Vec<Finding>,
    pub diagnoses: Vec<Diagnosis>,
    pub checklist: Checklist,
    pub summary: Summary,
    /// Cross-loop timeline of the incident (diagnose only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    /// Problems met while reading the input (never fatal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Report {
    /// The diagnoses by incident, in report order.
    pub fn incidents(&self) -> Vec<&[Diagnosis]> {
        self.diagnoses
            .chunk_by(|a, b| a.incident == b.incident)
            .collect()
    }

    /// Sort findings (severity desc, loop, rule, object) and recompute the summary.
    pub fn finalize(&mut self, objects: usize) {
        // Stable, as `sort_by`: findings that compare equal keep their order.
        self.findings.par_sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.loop_.cmp(&b.loop_))
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.object.cmp(&b.object))
                .then_with(|| a.message.cmp(&b.message))
        });
        let mut s = Summary {
            objects,
            ..Default::default()
        };
        for f in &self.findings {
            s.findings.add(f.severity);
            *s.loops.entry(f.loop_.as_str().to_owned()).or_default() += 1;
        }
        self.summary = s;
    }

    /// The most severe finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// A rule's documentation as renderers need it (SARIF rule metadata, help links).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    #[serde(rename = "loop")]
    pub loop_: Loop,
    pub severity: Severity,
    pub summary: String,
    /// The law of the method the rule enforces.
    pub law: String,
    /// Full documentation (Markdown).
    pub docs: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Times go out in JSON as the RFC 3339 text every output format prints,
    /// and read back to the same instant.
    #[test]
    fn times_serialise_as_their_rfc3339_text() {
        for s in [
            "2026-03-02T09:05:07Z",
            "2026-03-02T09:05:07.25Z",
            "1999-12-31T23:59:59.000000001Z",
        ] {
            let t: Timestamp = s.parse().unwrap();
            let e = TimelineEntry {
                at: Some(t),
                loop_: Loop::Storage,
                object: ObjRef::new("Pod", Some("shop"), "api-1"),
                what: String::new(),
            };
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["at"], serde_json::Value::String(t.to_string()), "{s}");
            assert_eq!(v["at"], s, "{s}");
            let back: TimelineEntry = serde_json::from_value(v).unwrap();
            assert_eq!(back.at, Some(t));
        }
        let none = serde_json::to_value(TimelineEntry {
            at: None,
            loop_: Loop::Storage,
            object: ObjRef::new("Pod", Some("shop"), "api-1"),
            what: String::new(),
        })
        .unwrap();
        assert!(none["at"].is_null());
    }

    #[test]
    fn incidents_are_the_runs_of_one_number() {
        let d = |n: u32| Diagnosis {
            symptom: Symptom {
                kind: "PodPending".into(),
                loop_: Loop::Compute,
                object: ObjRef::new("Pod", Some("shop"), "api-1"),
                workload: None,
                since: None,
                evidence: vec![],
            },
            root_cause: RootCause {
                loop_: Loop::Storage,
                rule: None,
                summary: String::new(),
                object: ObjRef::new("Pod", Some("shop"), "api-1"),
            },
            chain: vec![],
            fix: String::new(),
            confidence: Confidence::High,
            also_affected: vec![],
            missing_evidence: vec![],
            unexplained: false,
            incident: n,
        };
        let r = Report {
            schema: SCHEMA.into(),
            source: SourceInfo {
                kind: "snapshot".into(),
                cloud: "generic".into(),
                input: String::new(),
                captured_at: None,
            },
            findings: vec![],
            diagnoses: vec![d(1), d(1), d(2), d(3), d(3)],
            checklist: Checklist {
                identity: LoopChecklist::from_items(vec![]),
                compute: LoopChecklist::from_items(vec![]),
                network: LoopChecklist::from_items(vec![]),
                storage: LoopChecklist::from_items(vec![]),
                observability: LoopChecklist::from_items(vec![]),
            },
            summary: Summary::default(),
            timeline: vec![],
            notes: vec![],
        };
        let sizes: Vec<usize> = r.incidents().iter().map(|g| g.len()).collect();
        assert_eq!(sizes, vec![2, 1, 2]);
    }
}
