//! The agent's Prometheus metrics, in the OpenMetrics text format
//!
//! Every series of an evaluation's results (findings, diagnoses, checklist)
//! is replaced whole after each evaluation, so a finding that went away
//! leaves no stale series. Labels carry rule codes, loops, severities,
//! namespaces and kinds only: never an object's name (one series per object
//! would not scale) and never anything read from a Secret.

use day2_model::Report;
use day2_model::report::Status;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

type Labels = Vec<(&'static str, String)>;
type GaugeF = Gauge<f64, AtomicU64>;

/// The content type of [`Metrics::encode`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// All metrics the agent serves.
pub struct Metrics {
    registry: Registry,
    findings: Family<Labels, Gauge>,
    diagnoses: Family<Labels, Gauge>,
    checklist: Family<Labels, Gauge>,
    evaluation: Histogram,
    last_evaluation: GaugeF,
    objects: Family<Labels, Gauge>,
    watch_up: Family<Labels, Gauge>,
    watch_restarts: Family<Labels, Counter>,
    watch_last_event: Family<Labels, GaugeF>,
    notes: Gauge,
    /// Held while a result's series are replaced, so that no scrape sees
    /// them half-written.
    swap: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let findings = Family::<Labels, Gauge>::default();
        registry.register(
            "day2_findings",
            "Findings of the last evaluation, by loop, rule, severity and namespace",
            findings.clone(),
        );
        let diagnoses = Family::<Labels, Gauge>::default();
        registry.register(
            "day2_diagnoses",
            "Active incidents of the last evaluation, by symptom kind, the symptom's loop, the loop of its root cause (unexplained when the input does not hold it) and namespace",
            diagnoses.clone(),
        );
        let checklist = Family::<Labels, Gauge>::default();
        registry.register(
            "day2_checklist_status",
            "Cluster Readiness Checklist, per item: 1 pass, 0 fail, -1 unknown",
            checklist.clone(),
        );
        let evaluation = Histogram::new(exponential_buckets(0.01, 2.0, 14));
        registry.register(
            "day2_evaluation_duration_seconds",
            "Time to evaluate the cluster: model, rules, diagnosis and checklist",
            evaluation.clone(),
        );
        let last_evaluation = GaugeF::default();
        registry.register(
            "day2_last_evaluation_timestamp_seconds",
            "Unix time at which the last evaluation finished",
            last_evaluation.clone(),
        );
        let objects = Family::<Labels, Gauge>::default();
        registry.register("day2_objects", "Objects held, by kind", objects.clone());
        let watch_up = Family::<Labels, Gauge>::default();
        registry.register(
            "day2_watch_up",
            "1 when the watch of a kind is listed and streaming, 0 while it fails (403, 410 Gone, connection lost)",
            watch_up.clone(),
        );
        let watch_restarts = Family::<Labels, Counter>::default();
        registry.register(
            "day2_watch_restarts",
            "Errors after which a kind's watch restarted (re-listing when its resource version expired)",
            watch_restarts.clone(),
        );
        let watch_last_event = Family::<Labels, GaugeF>::default();
        registry.register(
            "day2_watch_last_event_timestamp_seconds",
            "Unix time of the last event of a kind's watch; its age is time() minus this",
            watch_last_event.clone(),
        );
        let notes = Gauge::default();
        registry.register(
            "day2_notes",
            "Notes of the last evaluation: what could not be read or decoded",
            notes.clone(),
        );
        Metrics {
            registry,
            findings,
            diagnoses,
            checklist,
            evaluation,
            last_evaluation,
            objects,
            watch_up,
            watch_restarts,
            watch_last_event,
            notes,
            swap: Mutex::new(()),
        }
    }

    /// Replace the result series with `report`'s; `seconds` is how long the
    /// evaluation took, `at` when it finished (Unix seconds).
    pub fn record(&self, report: &Report, seconds: f64, at: f64) {
        let mut findings: BTreeMap<Labels, i64> = BTreeMap::new();
        for f in &report.findings {
            *findings
                .entry(vec![
                    ("loop", f.loop_.as_str().to_owned()),
                    ("rule", f.rule.to_string()),
                    ("severity", f.severity.as_str().to_owned()),
                    ("namespace", f.object.namespace.clone().unwrap_or_default()),
                ])
                .or_default() += 1;
        }
        let mut diagnoses: BTreeMap<Labels, i64> = BTreeMap::new();
        for d in &report.diagnoses {
            let cause = if d.unexplained {
                "unexplained"
            } else {
                d.root_cause.loop_.as_str()
            };
            *diagnoses
                .entry(vec![
                    ("symptom", d.symptom.kind.clone()),
                    ("symptom_loop", d.symptom.loop_.as_str().to_owned()),
                    ("cause_loop", cause.to_owned()),
                    (
                        "namespace",
                        d.symptom.object.namespace.clone().unwrap_or_default(),
                    ),
                ])
                .or_default() += 1;
        }
        let c = &report.checklist;
        let loops = [
            ("identity", &c.identity),
            ("compute", &c.compute),
            ("network", &c.network),
            ("storage", &c.storage),
            ("observability", &c.observability),
        ];
        let _guard = self.swap.lock().unwrap_or_else(|e| e.into_inner());
        self.findings.clear();
        for (l, n) in findings {
            self.findings.get_or_create(&l).set(n);
        }
        self.diagnoses.clear();
        for (l, n) in diagnoses {
            self.diagnoses.get_or_create(&l).set(n);
        }
        self.checklist.clear();
        for (loop_, lc) in loops {
            for item in &lc.items {
                let value = match item.status {
                    Status::Pass => 1,
                    Status::Fail => 0,
                    Status::Unknown => -1,
                };
                self.checklist
                    .get_or_create(&vec![("loop", loop_.to_owned()), ("item", item.id.clone())])
                    .set(value);
            }
        }
        self.notes
            .set(i64::try_from(report.notes.len()).unwrap_or(i64::MAX));
        self.evaluation.observe(seconds);
        self.last_evaluation.set(at);
    }

    /// Objects held per kind.
    pub fn objects(&self, counts: &[(&str, usize)]) {
        let _guard = self.swap.lock().unwrap_or_else(|e| e.into_inner());
        self.objects.clear();
        for (kind, n) in counts {
            self.objects
                .get_or_create(&vec![("kind", (*kind).to_owned())])
                .set(i64::try_from(*n).unwrap_or(i64::MAX));
        }
    }

    /// A kind's watch is streaming (`true`) or failing.
    pub fn watch_up(&self, kind: &str, up: bool) {
        self.watch_up
            .get_or_create(&vec![("kind", kind.to_owned())])
            .set(i64::from(up));
    }

    /// A kind's watch failed and restarts.
    pub fn watch_restarted(&self, kind: &str) {
        self.watch_restarts
            .get_or_create(&vec![("kind", kind.to_owned())])
            .inc();
    }

    /// A kind's watch delivered an event at `at` (Unix seconds).
    pub fn watch_event(&self, kind: &str, at: f64) {
        self.watch_last_event
            .get_or_create(&vec![("kind", kind.to_owned())])
            .set(at);
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let _guard = self.swap.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::report::{
        ChecklistItem, Confidence, Diagnosis, LoopChecklist, RootCause, Symptom,
    };
    use day2_model::{Finding, Loop, ObjRef, Severity};

    fn finding(rule: &'static str, loop_: Loop, ns: Option<&str>, name: &str) -> Finding {
        Finding {
            rule: rule.into(),
            name: "n".into(),
            loop_,
            severity: Severity::High,
            object: ObjRef::new("Service", ns, name),
            message: format!("{name}: secret value AKIAIOSFODNN7EXAMPLE quoted"),
            location: None,
            fix: "".into(),
            pods: None,
            examples: Vec::new(),
        }
    }

    fn report() -> Report {
        let mut r = crate::test_support::empty_report();
        r.findings = vec![
            finding("NW001", Loop::Network, Some("shop"), "web"),
            finding("NW001", Loop::Network, Some("shop"), "api"),
            finding("ST001", Loop::Storage, None, "gp3"),
        ];
        r.diagnoses = vec![Diagnosis {
            symptom: Symptom {
                kind: "ServiceWithoutReadyEndpoints".into(),
                loop_: Loop::Network,
                object: ObjRef::new("Service", Some("shop"), "web"),
                workload: None,
                since: None,
                evidence: vec!["token=s3cr3t".into()],
            },
            root_cause: RootCause {
                loop_: Loop::Network,
                rule: Some("NW001".into()),
                summary: "selector matches no pod".into(),
                object: ObjRef::new("Service", Some("shop"), "web"),
            },
            chain: Vec::new(),
            fix: String::new(),
            confidence: Confidence::High,
            also_affected: Vec::new(),
            missing_evidence: Vec::new(),
            unexplained: false,
            incident: 1,
        }];
        r.checklist.network = LoopChecklist {
            status: Status::Fail,
            items: vec![ChecklistItem {
                id: "network.selectors".into(),
                text: "t".into(),
                status: Status::Fail,
                failing: 1,
                detail: None,
            }],
        };
        r
    }

    #[test]
    fn findings_are_counted_by_loop_rule_severity_and_namespace() {
        let m = Metrics::new();
        m.record(&report(), 0.2, 1.0e9);
        let text = m.encode().unwrap();
        assert!(
            text.contains(
                r#"day2_findings{loop="network",rule="NW001",severity="high",namespace="shop"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"day2_findings{loop="storage",rule="ST001",severity="high",namespace=""} 1"#
            ),
            "{text}"
        );
        assert!(text.contains(
            r#"day2_diagnoses{symptom="ServiceWithoutReadyEndpoints",symptom_loop="network",cause_loop="network",namespace="shop"} 1"#
        ), "{text}");
        assert!(
            text.contains(r#"day2_checklist_status{loop="network",item="network.selectors"} 0"#),
            "{text}"
        );
        assert!(
            text.contains("day2_evaluation_duration_seconds_count 1"),
            "{text}"
        );
        assert!(
            text.contains("day2_last_evaluation_timestamp_seconds 1000000000"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn a_finding_that_went_away_leaves_no_series() {
        let m = Metrics::new();
        m.record(&report(), 0.2, 1.0);
        let mut fixed = report();
        fixed.findings.retain(|f| f.rule != "NW001");
        fixed.diagnoses.clear();
        m.record(&fixed, 0.2, 2.0);
        let text = m.encode().unwrap();
        assert!(!text.contains(r#"rule="NW001""#), "{text}");
        assert!(!text.contains("day2_diagnoses{"), "{text}");
        assert!(text.contains(r#"rule="ST001""#), "{text}");
        assert!(
            text.contains("day2_evaluation_duration_seconds_count 2"),
            "{text}"
        );
    }

    #[test]
    fn metrics_carry_no_object_names_and_nothing_quoted_from_the_input() {
        let m = Metrics::new();
        m.record(&report(), 0.2, 1.0);
        let text = m.encode().unwrap();
        for leaked in ["AKIAIOSFODNN7EXAMPLE", "s3cr3t", "\"web\"", "\"gp3\""] {
            assert!(!text.contains(leaked), "{leaked} in\n{text}");
        }
    }

    #[test]
    fn watch_health_is_per_kind() {
        let m = Metrics::new();
        m.watch_up("Pod", true);
        m.watch_up("Secret", false);
        m.watch_restarted("Secret");
        m.watch_restarted("Secret");
        m.watch_event("Pod", 5.0);
        m.objects(&[("Pod", 3), ("Service", 0)]);
        let text = m.encode().unwrap();
        for want in [
            r#"day2_watch_up{kind="Pod"} 1"#,
            r#"day2_watch_up{kind="Secret"} 0"#,
            r#"day2_watch_restarts_total{kind="Secret"} 2"#,
            r#"day2_watch_last_event_timestamp_seconds{kind="Pod"} 5.0"#,
            r#"day2_objects{kind="Pod"} 3"#,
            r#"day2_objects{kind="Service"} 0"#,
        ] {
            assert!(text.contains(want), "{want} missing in\n{text}");
        }
    }
}
