//! A realistic report for renderer tests.

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
    let r = |code: &str, name: &str, l: Loop, s: Severity, summary: &str| RuleInfo {
        code: code.into(),
        name: name.into(),
        loop_: l,
        severity: s,
        summary: summary.into(),
        law: "Compute moves fast. Data has mass.".into(),
        docs: format!(
            "# {code} {name}\n\n{summary}\n\n## Fix\n\nDo the thing.\n\n```yaml\nkind: StorageClass\n```\n"
        ),
    };
    vec![
        r(
            "ID001",
            "static-cloud-credentials",
            Loop::Identity,
            Severity::Critical,
            "Secret holds long-lived cloud credentials",
        ),
        r(
            "CP001",
            "missing-resource-requests",
            Loop::Compute,
            Severity::High,
            "Container has no CPU or memory request",
        ),
        r(
            "NW001",
            "missing-readiness-probe",
            Loop::Network,
            Severity::High,
            "Container serving a Service has no readiness probe",
        ),
        r(
            "ST001",
            "immediate-binding-zonal-storage",
            Loop::Storage,
            Severity::Critical,
            "StorageClass provisions zonal disks with Immediate binding",
        ),
        r(
            "OB001",
            "missing-golden-log-context",
            Loop::Observability,
            Severity::Medium,
            "Container cannot log pod_name | namespace",
        ),
    ]
}

pub fn report() -> Report {
    let f = |rule: &str,
             name: &str,
             l: Loop,
             s: Severity,
             o: ObjRef,
             msg: &str,
             loc: Option<(&str, u32, u32)>| Finding {
        rule: rule.into(),
        name: name.into(),
        loop_: l,
        severity: s,
        object: o,
        message: msg.into(),
        location: loc.map(|(file, line, column)| Location {
            file: file.into(),
            line,
            column,
        }),
        fix: "Set `volumeBindingMode: WaitForFirstConsumer`.".into(),
    };
    let mut findings = vec![
        f(
            "ST001",
            "immediate-binding-zonal-storage",
            Loop::Storage,
            Severity::Critical,
            obj("StorageClass", None, "gp3").with_api_version("storage.k8s.io/v1"),
            "StorageClass gp3 provisions zonal disks (ebs.csi.aws.com) with Immediate binding",
            Some(("deploy/storage.yaml", 7, 1)),
        ),
        f(
            "ID001",
            "static-cloud-credentials",
            Loop::Identity,
            Severity::Critical,
            obj("Secret", Some("shop"), "aws-creds"),
            "Secret aws-creds holds AWS access key id (key `id`)",
            None,
        ),
        f(
            "NW001",
            "missing-readiness-probe",
            Loop::Network,
            Severity::High,
            obj("Deployment", Some("shop"), "web"),
            "container `web` has no readiness probe but serves Service web <script>alert(1)</script>",
            Some(("deploy/web.yaml", 21, 11)),
        ),
        f(
            "OB001",
            "missing-golden-log-context",
            Loop::Observability,
            Severity::Medium,
            obj("Deployment", Some("shop"), "web"),
            "container `web` cannot log pod_name | namespace",
            Some(("deploy/web.yaml", 21, 11)),
        ),
    ];
    for i in 0..7 {
        findings.push(f(
            "CP001",
            "missing-resource-requests",
            Loop::Compute,
            Severity::High,
            obj("Deployment", Some("shop"), &format!("svc-{i}")),
            "container `app` has no cpu or memory request",
            Some(("deploy/svcs.yaml", 10 + i * 20, 11)),
        ));
    }
    let pending = obj("Pod", Some("db"), "postgres-0");
    let diagnoses = vec![
        Diagnosis {
            symptom: Symptom {
                kind: "PodPending".into(),
                loop_: Loop::Compute,
                object: pending.clone(),
                since: Some("2026-01-01T09:00:00Z".into()),
                evidence: vec!["0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had volume node affinity conflict.".into()],
            },
            root_cause: RootCause {
                loop_: Loop::Storage,
                rule: Some("ST001".into()),
                summary: "disk created in us-east-1a by Immediate binding; no room in us-east-1a".into(),
                object: obj("StorageClass", None, "gp3"),
            },
            chain: vec![
                ChainLink { loop_: Loop::Storage, at: Some("2026-01-01T08:40:00Z".into()), object: obj("PersistentVolume", None, "pvc-1"), what: "disk provisioned in us-east-1a before scheduling".into(), evidence: vec![] },
                ChainLink { loop_: Loop::Compute, at: Some("2026-01-01T09:00:00Z".into()), object: pending.clone(), what: "Pending: volume node affinity conflict".into(), evidence: vec!["Warning FailedScheduling (x4): 0/3 nodes are available".into()] },
                ChainLink { loop_: Loop::Network, at: Some("2026-01-01T09:10:00Z".into()), object: obj("Ingress", Some("shop"), "web"), what: "502 from the frontend".into(), evidence: vec![] },
            ],
            fix: "Recreate gp3 with volumeBindingMode: WaitForFirstConsumer.".into(),
            confidence: Confidence::High,
            also_affected: vec![obj("Pod", Some("db"), "postgres-1")],
            missing_evidence: vec![],
        },
        Diagnosis {
            symptom: Symptom { kind: "ImagePullBackOff".into(), loop_: Loop::Compute, object: obj("Pod", Some("shop"), "api-1"), since: None, evidence: vec![] },
            root_cause: RootCause { loop_: Loop::Network, rule: None, summary: "registry unreachable: i/o timeout".into(), object: obj("Pod", Some("shop"), "api-1") },
            chain: vec![],
            fix: "Check egress to the registry (NAT gateway, private endpoint, DNS).".into(),
            confidence: Confidence::Medium,
            also_affected: vec![],
            missing_evidence: vec!["no events for shop/api-1 (expired?)".into()],
        },
    ];
    let checklist = Checklist {
        identity: LoopChecklist::from_items(vec![item(
            "identity.no-static-credentials",
            "Zero static cloud credentials in pods",
            Status::Fail,
            1,
            Some("rules ID001"),
        )]),
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
        },
        findings,
        diagnoses,
        checklist,
        summary: Summary::default(),
        timeline: vec![
            TimelineEntry {
                at: Some("2026-01-01T09:00:00Z".into()),
                loop_: Loop::Compute,
                object: pending,
                what: "FailedScheduling".into(),
            },
            TimelineEntry {
                at: Some("2026-01-01T09:01:00Z".into()),
                loop_: Loop::Compute,
                object: obj("Node", None, "ip-10-0-2-9"),
                what: "TriggeredScaleUp in us-east-1b".into(),
            },
        ],
        notes: vec!["bad.yaml:3:7: did not find expected key".into()],
    };
    r.finalize(42);
    r
}
