//! A realistic report for renderer tests: findings in all five loops (with and
//! without manifest positions, one rule firing on many objects, text that
//! Markdown and HTML must escape), two incidents (one a cross-loop chain over
//! two days), a checklist with pass, fail and unknown items, input problems
//! and a timeline.
//!
//! Shared by the unit tests and the integration tests (`#[path]`).
#![allow(dead_code)]

use day2_model::report::*;
use day2_model::{Location, Loop, ObjRef, Severity};

fn obj(kind: &str, ns: Option<&str>, name: &str) -> ObjRef {
    ObjRef::new(kind, ns, name)
}

fn item(
    id: &str,
    text: &str,
    status: Status,
    failing: usize,
    detail: Option<&str>,
) -> ChecklistItem {
    ChecklistItem {
        id: id.into(),
        text: text.into(),
        status,
        failing,
        detail: detail.map(Into::into),
    }
}

pub fn rules() -> Vec<RuleInfo> {
    let r = |code: &str, name: &str, l: Loop, s: Severity, summary: &str, law: &str| RuleInfo {
        code: code.into(),
        name: name.into(),
        loop_: l,
        severity: s,
        summary: summary.into(),
        law: law.into(),
        docs: format!(
            "# {code} {name}\n\n{summary}\n\n- loop: **{l}**\n- default severity: **{s}**\n- law: *{law}*\n\n## Why it matters\n\nWhen this fires the loop breaks in production: `kubectl describe` shows it first.\n\n## Fix\n\nChange the manifest as below.\n\n**AWS:** Use the `ebs.csi.aws.com` provisioner.\n\n## Example that fires\n\n```yaml\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: gp3\n```\n"
        ),
    };
    vec![
        r(
            "ID001",
            "static-cloud-credentials",
            Loop::Identity,
            Severity::Critical,
            "Secret holds long-lived cloud credentials",
            "Identity must be ephemeral, scoped, and auditable.",
        ),
        r(
            "CP001",
            "missing-resource-requests",
            Loop::Compute,
            Severity::High,
            "Container has no CPU or memory request",
            "Scheduling is a financial budget. If budgets are wrong, the scheduler lies.",
        ),
        r(
            "NW001",
            "missing-readiness-probe",
            Loop::Network,
            Severity::High,
            "Container serving a Service has no readiness probe",
            "Validate the entire path. Not just the endpoint.",
        ),
        r(
            "ST001",
            "immediate-binding-zonal-storage",
            Loop::Storage,
            Severity::Critical,
            "StorageClass provisions zonal disks with Immediate binding",
            "Compute moves fast. Data has mass.",
        ),
        r(
            "OB001",
            "missing-golden-log-context",
            Loop::Observability,
            Severity::Medium,
            "Logs lack pod_name | namespace context",
            "Every log line must carry: trace_id, pod_name, node_name, namespace, zone.",
        ),
    ]
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &str,
    name: &str,
    l: Loop,
    s: Severity,
    o: ObjRef,
    msg: &str,
    loc: Option<(&str, u32, u32)>,
    fix: &str,
) -> Finding {
    Finding {
        rule: rule.to_owned().into(),
        name: name.to_owned().into(),
        loop_: l,
        severity: s,
        object: o,
        message: msg.into(),
        location: loc.map(|(file, line, column)| Location {
            file: file.into(),
            line,
            column,
        }),
        fix: fix.to_owned().into(),
        pods: None,
        examples: Vec::new(),
    }
}

pub fn report() -> Report {
    let mut findings = vec![
        finding(
            "ST001",
            "immediate-binding-zonal-storage",
            Loop::Storage,
            Severity::Critical,
            obj("StorageClass", None, "gp3").with_api_version("storage.k8s.io/v1"),
            "StorageClass gp3 provisions zonal disks (ebs.csi.aws.com) with Immediate binding; 2 claim(s) use it",
            Some(("deploy/storage.yaml", 7, 1)),
            "Recreate the class with `volumeBindingMode: WaitForFirstConsumer` (the field is immutable):\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: gp3\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer",
        ),
        finding(
            "ID001",
            "static-cloud-credentials",
            Loop::Identity,
            Severity::Critical,
            obj("Secret", Some("shop"), "aws-creds").with_api_version("v1"),
            "Secret aws-creds holds AWS access key id (key `AWS_ACCESS_KEY_ID`); used by Deployment/recommendations",
            None,
            "Use IRSA (annotate the ServiceAccount with `eks.amazonaws.com/role-arn`) and delete the IAM user's access key.",
        ),
        finding(
            "NW001",
            "missing-readiness-probe",
            Loop::Network,
            Severity::High,
            obj("Deployment", Some("shop"), "web").with_api_version("apps/v1"),
            "container `web` has no readiness probe but serves Service web <script>alert(1)</script>",
            Some(("deploy/web.yaml", 21, 11)),
            "Add a `readinessProbe` that checks the dependencies the pod needs to serve.",
        ),
        finding(
            "OB001",
            "missing-golden-log-context",
            Loop::Observability,
            Severity::Medium,
            obj("Deployment", Some("shop"), "web").with_api_version("apps/v1"),
            "container `web` logs lack pod_name | namespace (*not* structured, see [docs])",
            Some(("deploy/web.yaml", 21, 11)),
            "Inject `POD_NAME`, `POD_NAMESPACE` and `NODE_NAME` through the downward API and log them.",
        ),
        finding(
            "OB002",
            "no-service-metrics",
            Loop::Observability,
            Severity::Low,
            obj("Service", Some("shop"), "web"),
            "Service web has no ServiceMonitor or scrape annotation: no RED metrics",
            None,
            "Add a ServiceMonitor (Prometheus Operator) for the Service's metrics port.",
        ),
    ];
    for i in 0..7u32 {
        findings.push(finding(
            "CP001",
            "missing-resource-requests",
            Loop::Compute,
            Severity::High,
            obj("Deployment", Some("shop"), &format!("svc-{i}")).with_api_version("apps/v1"),
            "container `app` has no cpu or memory request",
            (i != 3).then(|| ("deploy/svcs.yaml", 10 + i * 20, 11)),
            "Set `resources.requests` (cpu, memory) from observed usage.",
        ));
    }
    let pending = obj("Pod", Some("db"), "postgres-0");
    let diagnoses = vec![
        Diagnosis {
            symptom: Symptom {
                kind: "PodPending".into(),
                loop_: Loop::Compute,
                object: pending.clone(),
                workload: Some(obj("StatefulSet", Some("db"), "postgres")),
                since: "2026-01-01T09:00:00Z".parse().ok(),
                evidence: vec!["Warning FailedScheduling (x4): 0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had volume node affinity conflict.".into()],
            },
            root_cause: RootCause {
                loop_: Loop::Storage,
                rule: Some("ST001".into()),
                summary: "the disk of db/data-postgres-0 was created in us-east-1a by Immediate binding before the pod was scheduled, and no node in us-east-1a has room".into(),
                object: obj("StorageClass", None, "gp3"),
            },
            chain: vec![
                ChainLink {
                    loop_: Loop::Storage,
                    at: "2025-12-31T14:22:10Z".parse().ok(),
                    object: obj("StorageClass", None, "gp3"),
                    what: "StorageClass gp3 binds zonal disks immediately".into(),
                    evidence: vec![],
                },
                ChainLink {
                    loop_: Loop::Storage,
                    at: "2026-01-01T08:40:00Z".parse().ok(),
                    object: obj("PersistentVolume", None, "pvc-1"),
                    what: "disk provisioned in us-east-1a before scheduling".into(),
                    evidence: vec!["Normal ProvisioningSucceeded: Successfully provisioned volume pvc-1".into()],
                },
                ChainLink {
                    loop_: Loop::Compute,
                    at: "2026-01-01T09:00:00Z".parse().ok(),
                    object: pending.clone(),
                    what: "Pending: volume node affinity conflict".into(),
                    evidence: vec!["Warning FailedScheduling (x4): 0/3 nodes are available".into()],
                },
                ChainLink {
                    loop_: Loop::Network,
                    at: "2026-01-01T09:10:00Z".parse().ok(),
                    object: obj("Ingress", Some("shop"), "web"),
                    what: "clients get 502 | 503 from the frontend".into(),
                    evidence: vec![],
                },
            ],
            fix: "Now: give us-east-1a room (a node group in that zone).\nThen: recreate gp3 with `volumeBindingMode: WaitForFirstConsumer`.".into(),
            confidence: Confidence::High,
            also_affected: vec![obj("Pod", Some("db"), "postgres-1")],
            missing_evidence: vec![],
            unexplained: false,
            incident: 1,
        },
        Diagnosis {
            symptom: Symptom {
                kind: "ImagePullBackOff".into(),
                loop_: Loop::Compute,
                object: obj("Pod", Some("shop"), "api-1"),
                workload: None,
                since: None,
                evidence: vec![],
            },
            root_cause: RootCause {
                loop_: Loop::Network,
                rule: None,
                summary: "registry unreachable: i/o timeout".into(),
                object: obj("Pod", Some("shop"), "api-1"),
            },
            chain: vec![],
            fix: "Check egress to the registry (NAT gateway, private endpoint, DNS).".into(),
            confidence: Confidence::Medium,
            also_affected: vec![],
            missing_evidence: vec!["no events for shop/api-1 (expired?)".into()],
            unexplained: true,
            incident: 2,
        },
    ];
    let checklist = Checklist {
        identity: LoopChecklist::from_items(vec![
            item(
                "identity.no-static-credentials",
                "Zero static cloud credentials in pods",
                Status::Fail,
                1,
                Some("rules ID001"),
            ),
            item(
                "identity.workload-identity",
                "Workload identity (IRSA / Pod Identity) for cloud access",
                Status::Pass,
                0,
                None,
            ),
        ]),
        compute: LoopChecklist::from_items(vec![item(
            "compute.requests-limits",
            "All pods have Requests/Limits",
            Status::Fail,
            7,
            None,
        )]),
        network: LoopChecklist::from_items(vec![
            item(
                "network.readiness-probes",
                "Readiness Probes tuned",
                Status::Fail,
                1,
                None,
            ),
            item(
                "network.ingress-timeouts",
                "Ingress timeouts configured",
                Status::Pass,
                0,
                None,
            ),
        ]),
        storage: LoopChecklist::from_items(vec![item(
            "storage.statefulsets",
            "StatefulSets for all stateful workloads",
            Status::Pass,
            0,
            None,
        )]),
        observability: LoopChecklist::from_items(vec![item(
            "observability.structured-logs",
            "Structured logs with trace_id, node_name, zone",
            Status::Unknown,
            0,
            Some("no log lines in the input"),
        )]),
    };
    let mut r = Report {
        schema: SCHEMA.into(),
        source: SourceInfo {
            kind: "snapshot".into(),
            cloud: "aws".into(),
            input: "snapshot.json".into(),
            captured_at: None,
        },
        findings,
        diagnoses,
        checklist,
        summary: Summary::default(),
        timeline: vec![
            TimelineEntry {
                at: "2026-01-01T08:40:00Z".parse().ok(),
                loop_: Loop::Storage,
                object: obj("PersistentVolume", None, "pvc-1"),
                what: "disk provisioned in us-east-1a before scheduling".into(),
            },
            TimelineEntry {
                at: "2026-01-01T09:00:00Z".parse().ok(),
                loop_: Loop::Compute,
                object: pending,
                what: "FailedScheduling".into(),
            },
            TimelineEntry {
                at: "2026-01-01T09:01:00Z".parse().ok(),
                loop_: Loop::Compute,
                object: obj("Node", None, "ip-10-0-2-9"),
                what: "TriggeredScaleUp in us-east-1b".into(),
            },
        ],
        notes: vec![
            "bad.yaml:3:7: did not find expected key".into(),
            "events.json: 2 events without involvedObject were skipped".into(),
        ],
    };
    r.finalize(42);
    r
}
