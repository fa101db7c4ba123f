//! Results as `wgpolicyk8s.io/v1alpha2` PolicyReports and as
//! `openreports.io/v1alpha1` Reports, for the tools that show them (Policy
//! Reporter, Kyverno's UI)
//!
//! Per [`Format`]: one namespaced report named `day2` per namespace with
//! findings (`PolicyReport`, `Report`), and one cluster-scoped report named
//! `day2` for cluster-scoped objects (`ClusterPolicyReport`,
//! `ClusterReport`), written with server-side apply (field manager `day2`)
//! and labelled `app.kubernetes.io/managed-by: day2`. A namespace whose
//! findings went away loses its report. The shapes follow the CRD of
//! <https://github.com/kubernetes-sigs/wg-policy-prototypes/blob/master/policy-report/crd/v1alpha2/wgpolicyk8s.io_policyreports.yaml>
//! and the types of <https://github.com/openreports/reports-api>
//! (`apis/openreports.io/v1alpha1`), which keep the PolicyReport's result
//! fields and add a report-level `source`.

use day2_model::{Finding, Report, Severity};
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::discovery::ApiResource;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Name of every report the agent writes.
pub const REPORT_NAME: &str = "day2";
/// Label on every report the agent writes; pruning touches nothing else.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "day2");
/// Server-side apply field manager.
pub const FIELD_MANAGER: &str = "day2";

/// Which API the reports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `wgpolicyk8s.io/v1alpha2` PolicyReport and ClusterPolicyReport.
    PolicyReport,
    /// `openreports.io/v1alpha1` Report and ClusterReport.
    OpenReports,
}

impl Format {
    fn group(self) -> &'static str {
        match self {
            Format::PolicyReport => "wgpolicyk8s.io",
            Format::OpenReports => "openreports.io",
        }
    }

    fn version(self) -> &'static str {
        match self {
            Format::PolicyReport => "v1alpha2",
            Format::OpenReports => "v1alpha1",
        }
    }

    /// `group/version`.
    pub fn api_version(self) -> &'static str {
        match self {
            Format::PolicyReport => "wgpolicyk8s.io/v1alpha2",
            Format::OpenReports => "openreports.io/v1alpha1",
        }
    }

    /// Kind of the per-namespace report.
    pub fn namespaced_kind(self) -> &'static str {
        match self {
            Format::PolicyReport => "PolicyReport",
            Format::OpenReports => "Report",
        }
    }

    /// Kind of the cluster-scoped report.
    pub fn cluster_kind(self) -> &'static str {
        match self {
            Format::PolicyReport => "ClusterPolicyReport",
            Format::OpenReports => "ClusterReport",
        }
    }

    fn plural(self, cluster: bool) -> &'static str {
        match (self, cluster) {
            (Format::PolicyReport, false) => "policyreports",
            (Format::PolicyReport, true) => "clusterpolicyreports",
            (Format::OpenReports, false) => "reports",
            (Format::OpenReports, true) => "clusterreports",
        }
    }

    fn resource(self, cluster: bool) -> ApiResource {
        ApiResource {
            group: self.group().into(),
            version: self.version().into(),
            api_version: self.api_version().into(),
            kind: if cluster {
                self.cluster_kind()
            } else {
                self.namespaced_kind()
            }
            .into(),
            plural: self.plural(cluster).into(),
        }
    }
}

/// The reports one evaluation yields, in one [`Format`].
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyReports {
    /// The API they are written in.
    pub format: Format,
    /// `PolicyReport` per namespace with at least one finding.
    pub namespaced: BTreeMap<String, Value>,
    /// The `ClusterPolicyReport`, when a cluster-scoped object has findings.
    pub cluster: Option<Value>,
}

/// Build the PolicyReports of `report`; `now` stamps each result.
pub fn build(report: &Report, now: jiff::Timestamp) -> PolicyReports {
    build_as(Format::PolicyReport, report, now)
}

/// Build the reports of `report` in `format`; `now` stamps each result.
pub fn build_as(format: Format, report: &Report, now: jiff::Timestamp) -> PolicyReports {
    let mut by_ns: BTreeMap<Option<&str>, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_ns
            .entry(f.object.namespace.as_deref())
            .or_default()
            .push(f);
    }
    let mut out = PolicyReports {
        format,
        namespaced: BTreeMap::new(),
        cluster: None,
    };
    for (ns, findings) in by_ns {
        let results: Vec<Value> = findings.iter().map(|f| result(f, now)).collect();
        let mut summary = BTreeMap::from([
            ("pass", 0),
            ("fail", 0),
            ("warn", 0),
            ("error", 0),
            ("skip", 0),
        ]);
        for r in &results {
            if let Some(n) = r
                .get("result")
                .and_then(Value::as_str)
                .and_then(|k| summary.get_mut(k))
            {
                *n += 1;
            }
        }
        let mut metadata = json!({
            "name": REPORT_NAME,
            "labels": {MANAGED_BY.0: MANAGED_BY.1},
        });
        let kind = match ns {
            Some(ns) => {
                metadata["namespace"] = Value::String(ns.to_owned());
                format.namespaced_kind()
            }
            None => format.cluster_kind(),
        };
        let mut doc = json!({
            "apiVersion": format.api_version(),
            "kind": kind,
            "metadata": metadata,
            "summary": summary,
            "results": results,
        });
        if format == Format::OpenReports {
            doc["source"] = Value::String("day2".into());
        }
        match ns {
            Some(ns) => {
                out.namespaced.insert(ns.to_owned(), doc);
            }
            None => out.cluster = Some(doc),
        }
    }
    out
}

/// One finding as a report result (the same in both formats). Messages are the report's own,
/// already redacted: nothing read from a Secret.
fn result(f: &Finding, now: jiff::Timestamp) -> Value {
    let o = &f.object;
    let mut resource = json!({"kind": o.kind, "name": o.name});
    if let Some(av) = &o.api_version {
        resource["apiVersion"] = Value::String(av.clone());
    }
    if let Some(ns) = &o.namespace {
        resource["namespace"] = Value::String(ns.clone());
    }
    let mut properties = json!({"loop": f.loop_.as_str()});
    if !f.fix.is_empty() {
        properties["fix"] = Value::String(f.fix.to_string());
    }
    if let Some(n) = f.pods {
        properties["pods"] = Value::String(n.to_string());
    }
    json!({
        "source": "day2",
        "policy": f.rule,
        "rule": f.name,
        "category": f.loop_.as_str(),
        "severity": f.severity.as_str(),
        "result": match f.severity {
            Severity::Critical | Severity::High | Severity::Medium => "fail",
            Severity::Low | Severity::Info => "warn",
        },
        "scored": true,
        "message": f.message,
        "resources": [resource],
        "properties": properties,
        "timestamp": {"seconds": now.as_second(), "nanos": 0},
    })
}

/// Why reports could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("applying {kind} {name}: {source}")]
    Apply {
        kind: &'static str,
        name: String,
        #[source]
        source: kube::Error,
    },
    #[error("listing day2's {kind}s to prune them: {source}")]
    List {
        kind: &'static str,
        #[source]
        source: kube::Error,
    },
    #[error("deleting {kind} {name}: {source}")]
    Delete {
        kind: &'static str,
        name: String,
        #[source]
        source: kube::Error,
    },
}

/// What one [`write`] did: a namespace that refused its report does not
/// keep the others from theirs.
#[derive(Debug, Default)]
pub struct Written {
    /// Reports applied.
    pub applied: usize,
    /// Namespaces skipped because they are being deleted.
    pub terminating: usize,
    /// Every other refusal, one per report.
    pub errors: Vec<WriteError>,
}

/// Whether `e` is the API server refusing new content in a namespace that is
/// being deleted: its report goes with it, nothing to say.
pub fn namespace_terminating(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => {
            s.code == 403
                && s.details
                    .as_ref()
                    .is_some_and(|d| d.causes.iter().any(|c| c.reason == "NamespaceTerminating"))
        }
        _ => false,
    }
}

/// Apply `reports` and delete day2's reports of namespaces (and the cluster
/// report) that have no findings any more. Each report is applied on its
/// own: a namespace being deleted, or one the role may not write, costs
/// that namespace's report and no other.
pub async fn write(client: &kube::Client, reports: &PolicyReports) -> Written {
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let format = reports.format;
    let pr = format.resource(false);
    let cpr = format.resource(true);
    let mut out = Written::default();
    for (ns, doc) in &reports.namespaced {
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &pr);
        match api.patch(REPORT_NAME, &params, &Patch::Apply(doc)).await {
            Ok(_) => out.applied += 1,
            Err(e) if namespace_terminating(&e) => out.terminating += 1,
            Err(source) => out.errors.push(WriteError::Apply {
                kind: format.namespaced_kind(),
                name: format!("{ns}/{REPORT_NAME}"),
                source,
            }),
        }
    }
    let selector = format!("{}={}", MANAGED_BY.0, MANAGED_BY.1);
    let all: Api<DynamicObject> = Api::all_with(client.clone(), &pr);
    match all
        .list_metadata(&ListParams::default().labels(&selector))
        .await
    {
        Ok(existing) => {
            let keep: BTreeSet<&str> = reports.namespaced.keys().map(String::as_str).collect();
            for o in existing.items {
                let (Some(ns), Some(name)) =
                    (o.metadata.namespace.as_deref(), o.metadata.name.as_deref())
                else {
                    continue;
                };
                if name == REPORT_NAME && !keep.contains(ns) {
                    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &pr);
                    if let Err(source) = delete_if_present(&api, name).await {
                        out.errors.push(WriteError::Delete {
                            kind: format.namespaced_kind(),
                            name: format!("{ns}/{name}"),
                            source,
                        });
                    }
                }
            }
        }
        Err(source) => out.errors.push(WriteError::List {
            kind: format.namespaced_kind(),
            source,
        }),
    }
    let cluster: Api<DynamicObject> = Api::all_with(client.clone(), &cpr);
    match &reports.cluster {
        Some(doc) => match cluster
            .patch(REPORT_NAME, &params, &Patch::Apply(doc))
            .await
        {
            Ok(_) => out.applied += 1,
            Err(source) => out.errors.push(WriteError::Apply {
                kind: format.cluster_kind(),
                name: REPORT_NAME.into(),
                source,
            }),
        },
        None => {
            if let Err(source) = delete_if_present(&cluster, REPORT_NAME).await {
                out.errors.push(WriteError::Delete {
                    kind: format.cluster_kind(),
                    name: REPORT_NAME.into(),
                    source,
                });
            }
        }
    }
    out
}

async fn delete_if_present(api: &Api<DynamicObject>, name: &str) -> Result<(), kube::Error> {
    match api.delete(name, &DeleteParams::default()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::{Loop, ObjRef};

    fn finding(rule: &'static str, sev: Severity, obj: ObjRef) -> Finding {
        Finding {
            rule: rule.into(),
            name: "service-selector-matches-no-pod".into(),
            loop_: Loop::Network,
            severity: sev,
            object: obj,
            message: "selector app=wbe matches no pod".into(),
            location: None,
            fix: "fix the selector".into(),
            pods: None,
            examples: Vec::new(),
        }
    }

    fn now() -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_767_225_600).unwrap()
    }

    #[test]
    fn one_report_per_namespace_and_one_for_cluster_scoped_objects() {
        let mut r = crate::test_support::empty_report();
        r.findings = vec![
            finding(
                "NW001",
                Severity::High,
                ObjRef::new("Service", Some("shop"), "web"),
            ),
            finding(
                "NW002",
                Severity::Low,
                ObjRef::new("Service", Some("shop"), "api"),
            ),
            finding(
                "NW001",
                Severity::High,
                ObjRef::new("Service", Some("db"), "pg"),
            ),
            finding(
                "ST001",
                Severity::Critical,
                ObjRef::new("StorageClass", None, "gp3"),
            ),
        ];
        let out = build(&r, now());
        assert_eq!(out.namespaced.keys().collect::<Vec<_>>(), ["db", "shop"]);
        let shop = &out.namespaced["shop"];
        assert_eq!(shop["kind"], "PolicyReport");
        assert_eq!(shop["metadata"]["namespace"], "shop");
        assert_eq!(shop["metadata"]["name"], REPORT_NAME);
        assert_eq!(shop["metadata"]["labels"][MANAGED_BY.0], MANAGED_BY.1);
        assert_eq!(shop["summary"]["fail"], 1);
        assert_eq!(shop["summary"]["warn"], 1);
        let first = &shop["results"][0];
        assert_eq!(first["policy"], "NW001");
        assert_eq!(first["severity"], "high");
        assert_eq!(first["result"], "fail");
        assert_eq!(first["category"], "network");
        assert_eq!(first["resources"][0]["name"], "web");
        assert_eq!(first["timestamp"]["seconds"], 1_767_225_600);
        let cluster = out.cluster.as_ref().unwrap();
        assert_eq!(cluster["kind"], "ClusterPolicyReport");
        assert!(cluster["metadata"].get("namespace").is_none());
        assert_eq!(cluster["results"][0]["policy"], "ST001");
    }

    #[test]
    fn no_findings_no_reports() {
        let out = build(&crate::test_support::empty_report(), now());
        assert!(out.namespaced.is_empty());
        assert!(out.cluster.is_none());
    }

    #[test]
    fn severities_map_to_the_crd_enum() {
        // The CRD allows critical, high, medium, low, info.
        for s in Severity::ALL_DESC {
            let mut r = crate::test_support::empty_report();
            r.findings = vec![finding("X", s, ObjRef::new("Pod", Some("a"), "p"))];
            let out = build(&r, now());
            let v = &out.namespaced["a"]["results"][0];
            assert!(
                ["critical", "high", "medium", "low", "info"]
                    .contains(&v["severity"].as_str().unwrap()),
                "{v}"
            );
            assert!(
                ["fail", "warn"].contains(&v["result"].as_str().unwrap()),
                "{v}"
            );
        }
    }

    #[test]
    fn open_reports_carry_the_same_results_under_openreports_io() {
        let mut r = crate::test_support::empty_report();
        r.findings = vec![
            finding(
                "NW001",
                Severity::High,
                ObjRef::new("Service", Some("shop"), "web"),
            ),
            finding(
                "NW002",
                Severity::Info,
                ObjRef::new("Service", Some("shop"), "api"),
            ),
            finding(
                "NW003",
                Severity::Medium,
                ObjRef::new("Service", Some("shop"), "db"),
            ),
            finding(
                "ST001",
                Severity::Critical,
                ObjRef::new("StorageClass", None, "gp3"),
            ),
        ];
        let open = build_as(Format::OpenReports, &r, now());
        let policy = build(&r, now());
        assert_eq!(open.format, Format::OpenReports);
        let shop = &open.namespaced["shop"];
        assert_eq!(shop["apiVersion"], "openreports.io/v1alpha1");
        assert_eq!(shop["kind"], "Report");
        assert_eq!(shop["source"], "day2");
        assert_eq!(shop["metadata"]["namespace"], "shop");
        assert_eq!(shop["metadata"]["name"], REPORT_NAME);
        assert_eq!(shop["metadata"]["labels"][MANAGED_BY.0], MANAGED_BY.1);
        assert_eq!(
            shop["summary"],
            json!({"pass": 0, "fail": 2, "warn": 1, "error": 0, "skip": 0})
        );
        // Same results as the PolicyReport, field for field.
        assert_eq!(shop["results"], policy.namespaced["shop"]["results"]);
        let first = &shop["results"][0];
        assert_eq!(first["source"], "day2");
        assert_eq!(first["policy"], "NW001");
        assert_eq!(first["rule"], "service-selector-matches-no-pod");
        assert_eq!(first["message"], "selector app=wbe matches no pod");
        assert_eq!(first["resources"][0]["kind"], "Service");
        assert_eq!(first["properties"]["fix"], "fix the selector");
        let cluster = open.cluster.as_ref().unwrap();
        assert_eq!(cluster["apiVersion"], "openreports.io/v1alpha1");
        assert_eq!(cluster["kind"], "ClusterReport");
        assert!(cluster["metadata"].get("namespace").is_none());
        assert_eq!(cluster["summary"]["fail"], 1);
        assert_eq!(cluster["results"][0]["severity"], "critical");
        // The PolicyReport has no report-level source: its CRD has none.
        assert!(policy.namespaced["shop"].get("source").is_none());
    }

    #[test]
    fn severity_decides_fail_or_warn_in_both_formats() {
        for format in [Format::PolicyReport, Format::OpenReports] {
            for (s, sev, res) in [
                (Severity::Critical, "critical", "fail"),
                (Severity::High, "high", "fail"),
                (Severity::Medium, "medium", "fail"),
                (Severity::Low, "low", "warn"),
                (Severity::Info, "info", "warn"),
            ] {
                let mut r = crate::test_support::empty_report();
                r.findings = vec![finding("X", s, ObjRef::new("Pod", Some("a"), "p"))];
                let out = build_as(format, &r, now());
                let v = &out.namespaced["a"]["results"][0];
                assert_eq!(v["severity"], sev, "{format:?} {v}");
                assert_eq!(v["result"], res, "{format:?} {v}");
            }
        }
    }

    #[test]
    fn a_finding_on_a_secret_names_it_and_carries_no_value() {
        // The report's findings hold only the object's reference and the
        // rule's own (redacted) message: nothing else of the Secret reaches
        // a report.
        let mut r = crate::test_support::empty_report();
        let mut f = finding(
            "SC001",
            Severity::High,
            ObjRef::new("Secret", Some("shop"), "db-creds"),
        );
        f.message = "Secret db-creds is referenced by no pod".into();
        r.findings = vec![f];
        for format in [Format::PolicyReport, Format::OpenReports] {
            let out = build_as(format, &r, now());
            let doc = &out.namespaced["shop"];
            let res = &doc["results"][0];
            assert_eq!(res["resources"][0]["name"], "db-creds");
            let keys: BTreeSet<&str> = res
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert!(
                !keys.contains("data") && !keys.contains("stringData"),
                "{res}"
            );
            let text = doc.to_string();
            assert!(!text.contains("\"data\""), "{text}");
            assert!(!text.contains("stringData"), "{text}");
        }
    }

    /// An API server that refuses writes in `a-going` (being deleted) and
    /// `b-locked` (no role), and takes everything else.
    #[derive(Clone, Default)]
    struct Refusing(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    type Answer = std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<http::Response<kube::client::Body>, std::convert::Infallible>,
                > + Send,
        >,
    >;

    impl tower::Service<http::Request<kube::client::Body>> for Refusing {
        type Response = http::Response<kube::client::Body>;
        type Error = std::convert::Infallible;
        type Future = Answer;

        fn poll_ready(
            &mut self,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            std::task::Poll::Ready(Ok(()))
        }

        fn call(&mut self, req: http::Request<kube::client::Body>) -> Answer {
            let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
            self.0.lock().unwrap().push(format!("{method} {path}"));
            let forbidden = |reason: &str| {
                let causes = if reason.is_empty() {
                    json!([])
                } else {
                    json!([{"reason": reason, "message": "namespace is being terminated", "field": "metadata.namespace"}])
                };
                (
                    403,
                    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                             "message": "forbidden", "reason": "Forbidden", "code": 403,
                             "details": {"name": "day2", "kind": "policyreports", "causes": causes}}),
                )
            };
            let (code, body) = if path.contains("/namespaces/a-going/") {
                forbidden("NamespaceTerminating")
            } else if path.contains("/namespaces/b-locked/") {
                forbidden("")
            } else if method == "GET" {
                (
                    200,
                    json!({"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReportList", "metadata": {}, "items": []}),
                )
            } else if method == "DELETE" {
                (
                    404,
                    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "reason": "NotFound", "code": 404}),
                )
            } else {
                (
                    200,
                    json!({"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport", "metadata": {"name": "day2"}}),
                )
            };
            Box::pin(async move {
                Ok(http::Response::builder()
                    .status(code)
                    .header("content-type", "application/json")
                    .body(kube::client::Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap())
            })
        }
    }

    #[tokio::test]
    async fn a_namespace_that_refuses_its_report_costs_only_its_own() {
        let mut r = crate::test_support::empty_report();
        r.findings = ["a-going", "b-locked", "c-shop"]
            .into_iter()
            .map(|ns| {
                finding(
                    "NW007",
                    Severity::High,
                    ObjRef::new("Service", Some(ns), "api"),
                )
            })
            .collect();
        let server = Refusing::default();
        let client = kube::Client::new(server.clone(), "default");
        let out = write(&client, &build(&r, now())).await;
        assert_eq!(out.applied, 1, "c-shop's report is written");
        assert_eq!(out.terminating, 1, "a-going is being deleted: skipped");
        assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
        assert!(
            out.errors[0].to_string().contains("b-locked/day2"),
            "{}",
            out.errors[0]
        );
        let seen = server.0.lock().unwrap().clone();
        assert!(
            seen.iter()
                .any(|s| s.starts_with("PATCH") && s.contains("/namespaces/c-shop/")),
            "{seen:?}"
        );
    }
}
