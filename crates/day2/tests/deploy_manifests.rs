//! The agent's own deployment (`deploy/`): its manifests pass `day2 audit`,
//! its RBAC reads what the live source reads and writes only what a flag
//! enables, and the dashboard and alerts query the metrics the agent serves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use day2_live::kinds::KINDS;

mod common;

/// The metrics `day2 agent` serves (histograms by their base name).
const AGENT_METRICS: &[&str] = &[
    "day2_findings",
    "day2_diagnoses",
    "day2_checklist_status",
    "day2_evaluation_duration_seconds",
    "day2_objects",
    "day2_watch_up",
    "day2_watch_restarts_total",
    "day2_last_evaluation_timestamp_seconds",
];

const LOOPS: [&str; 5] = ["identity", "compute", "network", "storage", "observability"];

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

fn manifest(name: &str) -> Vec<Value> {
    let path = deploy().join("manifests").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_multiple::<Value>(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

fn objects<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

fn one<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    let found = objects(docs, kind);
    assert_eq!(found.len(), 1, "one {kind} expected");
    found[0]
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// `(group, resource, verb)` of every resource rule of the roles in `docs`.
fn grants(roles: &[&Value]) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for role in roles {
        for rule in role["rules"].as_array().into_iter().flatten() {
            for g in strings(&rule["apiGroups"]) {
                for r in strings(&rule["resources"]) {
                    for v in strings(&rule["verbs"]) {
                        out.insert((g.to_owned(), r.to_owned(), v.to_owned()));
                    }
                }
            }
        }
    }
    out
}

fn grant(g: &str, r: &str, v: &str) -> (String, String, String) {
    (g.to_owned(), r.to_owned(), v.to_owned())
}

const AGENT_FILES: [&str; 2] = ["day2-agent.yaml", "day2-agent-reports.yaml"];

#[test]
fn every_manifest_passes_day2_audit_with_nothing_at_medium_or_above() {
    let dir = deploy().join("manifests");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "day2-agent-reports.yaml",
            "day2-agent.yaml",
            "monitoring.yaml"
        ]
    );
    // What a user applies together: one of the two agents, with or without
    // the prometheus-operator objects (whose ServiceMonitor needs the
    // agent's Service).
    for set in [
        &["day2-agent.yaml"][..],
        &["day2-agent-reports.yaml"],
        &["day2-agent.yaml", "monitoring.yaml"],
        &["day2-agent-reports.yaml", "monitoring.yaml"],
    ] {
        let what = set.join(" + ");
        let out = Command::new(env!("CARGO_BIN_EXE_day2"))
            .args([
                "audit",
                "-o",
                "json",
                "--fail-on",
                "medium",
                "--cloud",
                "generic",
            ])
            .args(set.iter().map(|f| dir.join(f)))
            .env("NO_COLOR", "1")
            .env_remove("KUBECONFIG")
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{what}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        let findings: Vec<(String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let severity = f["severity"].as_str().unwrap_or_default().to_owned();
                let line = format!(
                    "{} {severity} {}/{}: {}",
                    f["rule"], f["object"]["kind"], f["object"]["name"], f["message"]
                );
                (severity, line)
            })
            .collect();
        let serious: Vec<&str> = findings
            .iter()
            .filter(|(s, _)| matches!(s.as_str(), "critical" | "high" | "medium"))
            .map(|(_, l)| l.as_str())
            .collect();
        assert!(serious.is_empty(), "{what}:\n{}", serious.join("\n"));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Nor anything lower: read-only root filesystem, seccomp, probes,
        // a monitor that finds its Service.
        let all: Vec<&str> = findings.iter().map(|(_, l)| l.as_str()).collect();
        assert!(all.is_empty(), "{what}:\n{}", all.join("\n"));
        let objects = report["summary"]["objects"].as_u64().unwrap();
        assert!(
            objects >= 9,
            "{what}: the audit read the agent's objects: {objects}"
        );
    }
}

#[test]
fn the_reader_grants_every_kind_the_live_source_lists_but_secrets_and_nothing_else() {
    for file in AGENT_FILES {
        let docs = manifest(file);
        let readers: Vec<&Value> = objects(&docs, "ClusterRole")
            .into_iter()
            .filter(|r| r["metadata"]["name"].as_str().unwrap().ends_with("-reader"))
            .collect();
        assert_eq!(readers.len(), 1, "{file}");
        let granted = grants(&readers);
        for k in KINDS {
            for verb in ["get", "list", "watch"] {
                assert_eq!(
                    granted.contains(&grant(k.group, k.resource, verb)),
                    !k.is_secret(),
                    "{file}: {verb} on {} (Secret values are not read by default)",
                    k.display()
                );
            }
        }
        for (g, r, v) in &granted {
            assert!(
                KINDS.iter().any(|k| k.group == g && k.resource == r),
                "{file}: reader grants {r} in group {g:?}, which day2 never reads"
            );
            assert!(
                matches!(v.as_str(), "get" | "list" | "watch"),
                "{file}: {v} on {r}"
            );
        }
    }
}

#[test]
fn an_agent_that_may_not_read_secrets_does_not_watch_them() {
    for file in AGENT_FILES {
        let docs = manifest(file);
        let deployment = one(&docs, "Deployment");
        let args = strings(&deployment["spec"]["template"]["spec"]["containers"][0]["args"]);
        assert!(
            args.windows(2).any(|w| w == ["--skip-kind", "Secret"]),
            "{file}: without Secret permissions the agent must not watch Secrets: {args:?}"
        );
    }
}

#[test]
fn the_read_only_agent_can_write_nothing() {
    let docs = manifest("day2-agent.yaml");
    let roles: Vec<&Value> = objects(&docs, "ClusterRole")
        .into_iter()
        .chain(objects(&docs, "Role"))
        .collect();
    let writes: Vec<_> = grants(&roles)
        .into_iter()
        .filter(|(_, _, v)| !matches!(v.as_str(), "get" | "list" | "watch"))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    let args =
        strings(&one(&docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"])
            .join(" ");
    assert!(args.starts_with("agent --listen 0.0.0.0:9090"), "{args}");
    for flag in [
        "--policy-reports",
        "--open-reports",
        "--events",
        "--leader-elect",
    ] {
        assert!(!args.contains(flag), "{args}");
    }
}

#[test]
fn each_write_is_granted_with_its_flag_and_nothing_more() {
    let docs = manifest("day2-agent-reports.yaml");
    let deployment = one(&docs, "Deployment");
    let args = strings(&deployment["spec"]["template"]["spec"]["containers"][0]["args"]);
    for flag in [
        "--policy-reports",
        "--open-reports",
        "--events",
        "--leader-elect",
    ] {
        assert!(args.contains(&flag), "{args:?}");
    }
    assert_eq!(
        deployment["spec"]["replicas"], 2,
        "leader election serves replicas"
    );

    let cluster_roles = objects(&docs, "ClusterRole");
    let writes: BTreeSet<_> = grants(&cluster_roles)
        .into_iter()
        .filter(|(_, _, v)| !matches!(v.as_str(), "get" | "list" | "watch"))
        .collect();
    let mut expected = BTreeSet::new();
    for (g, r) in [
        ("wgpolicyk8s.io", "policyreports"),
        ("wgpolicyk8s.io", "clusterpolicyreports"),
        ("openreports.io", "reports"),
        ("openreports.io", "clusterreports"),
    ] {
        for v in ["create", "patch", "delete"] {
            expected.insert(grant(g, r, v));
        }
    }
    // The agent creates core/v1 Events and never changes them.
    expected.insert(grant("", "events", "create"));
    assert_eq!(writes, expected, "cluster-wide writes");

    // Leases: a Role in the agent's own namespace, nowhere else.
    let role = one(&docs, "Role");
    assert_eq!(role["metadata"]["namespace"], "day2");
    let lease: BTreeSet<_> = grants(&[role]);
    assert!(
        lease
            .iter()
            .all(|(g, r, _)| g == "coordination.k8s.io" && r == "leases"),
        "{lease:?}"
    );
    let verbs: BTreeSet<&str> = lease.iter().map(|(_, _, v)| v.as_str()).collect();
    assert_eq!(verbs, BTreeSet::from(["get", "create", "update"]));
    let binding = one(&docs, "RoleBinding");
    assert_eq!(binding["roleRef"]["name"], role["metadata"]["name"]);
    assert_eq!(binding["subjects"][0]["namespace"], "day2");
    let env = &deployment["spec"]["template"]["spec"]["containers"][0]["env"];
    assert!(
        env.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "POD_NAMESPACE"
                && e["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace"),
        "the Lease's namespace comes from the pod: {env}"
    );
}

#[test]
fn the_network_policy_admits_only_the_metrics_port_and_reaches_only_the_api_server_and_dns() {
    for file in AGENT_FILES {
        let docs = manifest(file);
        let policy = objects(&docs, "NetworkPolicy")
            .into_iter()
            .find(|p| p["spec"]["podSelector"]["matchLabels"].is_object())
            .unwrap();
        let spec = &policy["spec"];
        assert_eq!(
            spec["policyTypes"],
            serde_json::json!(["Ingress", "Egress"]),
            "{file}"
        );
        let ingress_ports: Vec<&Value> = spec["ingress"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["ports"].as_array().unwrap())
            .map(|p| &p["port"])
            .collect();
        assert_eq!(ingress_ports, [&Value::from(9090)], "{file}");
        let mut egress_ports: Vec<(i64, String)> = spec["egress"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["ports"].as_array().unwrap())
            .map(|p| {
                (
                    p["port"].as_i64().unwrap(),
                    p["protocol"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        egress_ports.sort();
        assert_eq!(
            egress_ports,
            [
                (53, "TCP".to_owned()),
                (53, "UDP".to_owned()),
                (443, "TCP".to_owned()),
                (6443, "TCP".to_owned())
            ],
            "{file}"
        );
        // The selector is the Deployment's: the policy is not about some other pod.
        let deployment = one(&docs, "Deployment");
        assert_eq!(
            spec["podSelector"]["matchLabels"], deployment["spec"]["selector"]["matchLabels"],
            "{file}"
        );
    }
}

/// Every `day2_…` name in a PromQL expression.
fn metric_names(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = expr;
    while let Some(i) = rest.find("day2_") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        out.push(tail[..end].to_owned());
        rest = &tail[end..];
    }
    out
}

fn assert_agent_metrics(what: &str, expr: &str) {
    let names = metric_names(expr);
    assert!(!names.is_empty(), "{what}: no day2 metric in {expr}");
    for name in names {
        let base = ["_bucket", "_count", "_sum"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|b| *b == "day2_evaluation_duration_seconds")
            })
            .unwrap_or(&name);
        assert!(
            AGENT_METRICS.contains(&base),
            "{what}: {name} is not a metric of the agent: {expr}"
        );
    }
}

fn collect_exprs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "expr" {
                    out.push(x.as_str().unwrap().to_owned());
                } else {
                    collect_exprs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_exprs(x, out)),
        _ => {}
    }
}

#[test]
fn the_dashboard_has_a_row_per_loop_and_queries_only_the_agents_metrics() {
    let path = deploy().join("grafana/day2.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    let rows: Vec<&str> = panels
        .iter()
        .filter(|p| p["type"] == "row")
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    for l in LOOPS {
        assert!(
            rows.contains(&format!("{l} loop").as_str()),
            "no row for {l}: {rows:?}"
        );
    }
    assert!(rows.contains(&"Cluster Readiness Checklist"), "{rows:?}");
    assert!(rows.contains(&"Active incidents"), "{rows:?}");
    // Panels of a loop's row filter on that loop.
    let mut current = "";
    for p in panels {
        if p["type"] == "row" {
            current = p["title"].as_str().unwrap();
            continue;
        }
        if let Some(l) = current.strip_suffix(" loop") {
            let mut exprs = Vec::new();
            collect_exprs(p, &mut exprs);
            for e in exprs {
                assert!(e.contains(&format!("loop=\"{l}\"")), "{}: {e}", p["title"]);
            }
        }
    }
    let mut exprs = Vec::new();
    collect_exprs(&dashboard, &mut exprs);
    assert!(exprs.len() > 20, "{}", exprs.len());
    for e in &exprs {
        assert_agent_metrics("dashboard", e);
    }
}

#[test]
fn the_alerts_cover_every_loop_and_query_only_the_agents_metrics() {
    let docs = manifest("monitoring.yaml");
    let rule = one(&docs, "PrometheusRule");
    let alerts: Vec<&Value> = rule["spec"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .collect();
    for l in LOOPS {
        assert!(
            alerts.iter().any(|a| a["labels"]["loop"] == l
                && a["expr"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("loop=\"{l}\""))),
            "no alert for the {l} loop"
        );
    }
    let names: Vec<&str> = alerts
        .iter()
        .map(|a| a["alert"].as_str().unwrap())
        .collect();
    for a in ["Day2ActiveIncident", "Day2WatchDown", "Day2EvaluationStale"] {
        assert!(names.contains(&a), "{names:?}");
    }
    // Without permission to read Secrets (the default) the Secret watch is
    // refused for good: the watch alerts must not fire for it forever.
    for name in ["Day2WatchDown", "Day2WatchRestarting"] {
        let a = alerts.iter().find(|a| a["alert"] == name).unwrap();
        assert!(
            a["expr"].as_str().unwrap().contains("kind!=\"Secret\""),
            "{name}: {}",
            a["expr"]
        );
    }
    for a in &alerts {
        assert_agent_metrics(a["alert"].as_str().unwrap(), a["expr"].as_str().unwrap());
    }
    let monitor = one(&docs, "ServiceMonitor");
    assert_eq!(monitor["spec"]["endpoints"][0]["port"], "metrics");
    assert_eq!(
        monitor["spec"]["endpoints"][0]["honorLabels"], true,
        "the metrics' own namespace label is kept"
    );
}

fn find_helm() -> Option<PathBuf> {
    let cached = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/day2/helm/helm"));
    std::env::var_os("HELM")
        .map(PathBuf::from)
        .or_else(|| cached.filter(|p| p.is_file()))
        .or_else(|| {
            std::env::var_os("PATH").and_then(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join("helm"))
                    .find(|h| h.is_file())
            })
        })
}

/// The plain manifests are the chart rendered; checked where helm is at hand.
#[test]
fn the_plain_manifests_are_the_rendered_chart() {
    let Some(helm) = find_helm() else {
        eprintln!("helm not found: deploy/manifests not compared with the chart");
        return;
    };
    let out = Command::new(deploy().join("scripts/render.sh"))
        .arg("--check")
        .env("HELM", &helm)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "deploy/manifests is stale; run deploy/scripts/render.sh\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Each report format is written, and its writes granted, with its own
/// value only: turning on PolicyReports grants nothing on openreports.io and
/// the other way round. Checked where helm is at hand.
#[test]
fn each_report_format_is_granted_and_passed_only_with_its_own_value() {
    let Some(helm) = find_helm() else {
        eprintln!("helm not found: the chart's report values not rendered");
        return;
    };
    let all = [
        ("agent.policyReports", "--policy-reports", "wgpolicyk8s.io"),
        ("agent.openReports", "--open-reports", "openreports.io"),
    ];
    for (value, flag, group) in all {
        let out = Command::new(&helm)
            .arg("template")
            .arg("day2")
            .arg(deploy().join("helm/day2-agent"))
            .args(["--namespace", "day2", "--set", &format!("{value}=true")])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let docs: Vec<Value> = serde_saphyr::from_multiple::<Value>(&text)
            .unwrap()
            .into_iter()
            .filter(|d| !d.is_null())
            .collect();
        let args =
            strings(&one(&docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"])
                .join(" ");
        let writes: BTreeSet<_> = grants(&objects(&docs, "ClusterRole"))
            .into_iter()
            .filter(|(_, _, v)| !matches!(v.as_str(), "get" | "list" | "watch"))
            .collect();
        let plurals: &[&str] = if group == "openreports.io" {
            &["reports", "clusterreports"]
        } else {
            &["policyreports", "clusterpolicyreports"]
        };
        let mut expected = BTreeSet::new();
        for r in plurals {
            for v in ["create", "patch", "delete"] {
                expected.insert(grant(group, r, v));
            }
        }
        assert_eq!(writes, expected, "with only {value}");
        for (_, other, _) in all {
            assert_eq!(args.contains(other), other == flag, "{value}: {args}");
        }
    }
}

/// The dashboard is what `deploy/grafana/generate.py` writes; checked where
/// Python is at hand.
#[test]
fn the_dashboard_is_what_its_generator_writes() {
    let script = deploy().join("grafana/generate.py");
    let out = match Command::new("python3").arg(&script).arg("--check").output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("python3 not runnable ({e}): deploy/grafana/day2.json not compared");
            return;
        }
    };
    assert!(
        out.status.success(),
        "deploy/grafana/day2.json is stale; run deploy/grafana/generate.py\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_image_runs_as_the_user_and_port_the_manifests_expect() {
    let dockerfile = std::fs::read_to_string(deploy().join("../Dockerfile")).unwrap();
    let last_stage = dockerfile.rsplit("\nFROM ").next().unwrap();
    assert!(
        last_stage.lines().any(|l| l.trim() == "USER 65532:65532"),
        "{last_stage}"
    );
    assert!(
        last_stage.lines().any(|l| l.trim() == "EXPOSE 9090"),
        "{last_stage}"
    );
    for file in AGENT_FILES {
        let docs = manifest(file);
        let pod = &one(&docs, "Deployment")["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsUser"], 65532, "{file}");
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{file}");
        let c = &pod["containers"][0];
        assert_eq!(c["ports"][0]["containerPort"], 9090, "{file}");
        assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/healthz", "{file}");
        assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz", "{file}");
        assert_eq!(c["livenessProbe"]["httpGet"]["port"], "metrics", "{file}");
    }
}

/// The namespace the end-to-end install goes to (other scenarios use `day2`).
const E2E_NS: &str = "day2-agent-e2e";

/// `docs` moved from namespace `day2` to `ns`.
fn moved(mut docs: Vec<Value>, ns: &str) -> Vec<Value> {
    for d in &mut docs {
        if d["kind"] == "Namespace" {
            d["metadata"]["name"] = ns.into();
        }
        if d["metadata"]["namespace"] == "day2" {
            d["metadata"]["namespace"] = ns.into();
        }
        for s in d["subjects"].as_array_mut().into_iter().flatten() {
            s["namespace"] = ns.into();
        }
    }
    docs
}

async fn allowed(
    client: &kube::Client,
    verb: &str,
    group: &str,
    resource: &str,
    ns: &str,
    sub: &str,
) -> bool {
    use k8s_openapi::api::authorization::v1::{
        ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
    };
    let api: kube::Api<SubjectAccessReview> = kube::Api::all(client.clone());
    let review = SubjectAccessReview {
        spec: SubjectAccessReviewSpec {
            user: Some(format!("system:serviceaccount:{E2E_NS}:day2-agent")),
            groups: Some(vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{E2E_NS}"),
                "system:authenticated".into(),
            ]),
            resource_attributes: Some(ResourceAttributes {
                verb: Some(verb.into()),
                group: Some(group.into()),
                resource: Some(resource.into()),
                namespace: (!ns.is_empty()).then(|| ns.to_owned()),
                subresource: (!sub.is_empty()).then(|| sub.to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let out = api
        .create(&kube::api::PostParams::default(), &review)
        .await
        .unwrap();
    out.status.unwrap().allowed
}

/// The agent with every write enabled, installed on the real control plane:
/// the API server accepts every object, Pod Security `restricted` admits its
/// pods, and its ServiceAccount may do exactly what the manifests say.
#[tokio::test]
#[ignore = "needs a real control plane: scripts/e2e.sh"]
async fn the_agent_installs_on_a_real_control_plane_under_restricted_pod_security() {
    use k8s_openapi::api::core::v1::Pod;
    use kube::api::{Api, ListParams, PostParams};
    let client = common::client().await;
    for mut doc in moved(manifest("day2-agent-reports.yaml"), E2E_NS) {
        if doc["kind"] == "Deployment" {
            // No node matches: the pods stay Pending and never take room
            // from the other scenarios' nodes (there is no kubelet to run them).
            doc["spec"]["template"]["spec"]["nodeSelector"] =
                serde_json::json!({"day2.dev/e2e": "never"});
        }
        common::create(&client, doc).await;
    }
    let pods: Api<Pod> = Api::namespaced(client.clone(), E2E_NS);
    // Pod Security is enforced in the namespace: a root pod is refused...
    let root: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "root"},
        "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]}
    }))
    .unwrap();
    let refused = pods.create(&PostParams::default(), &root).await;
    assert!(
        matches!(&refused, Err(kube::Error::Api(e)) if e.code == 403 && e.message.contains("violates PodSecurity \"restricted:")),
        "{refused:?}"
    );
    // ...and the ReplicaSet creates both agent pods.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let n = pods
            .list(&ListParams::default().labels("app.kubernetes.io/name=day2-agent"))
            .await
            .unwrap()
            .items
            .len();
        if n == 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{n} agent pods after 60s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    // The authorizer sees new bindings through its informers: wait for them.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !allowed(&client, "list", "", "pods", "", "").await {
        assert!(
            std::time::Instant::now() < deadline,
            "the reader binding never took effect"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    for (verb, group, resource, ns, sub, want) in [
        ("list", "", "pods", "", "", true),
        ("watch", "apps", "deployments", "", "", true),
        ("list", "", "secrets", "", "", false),
        ("get", "", "secrets", "shop", "", false),
        ("get", "", "pods", "shop", "log", false),
        ("create", "", "pods", "shop", "exec", false),
        ("get", "", "nodes", "", "proxy", false),
        ("patch", "", "pods", "shop", "", false),
        (
            "create",
            "wgpolicyk8s.io",
            "policyreports",
            "shop",
            "",
            true,
        ),
        ("patch", "wgpolicyk8s.io", "policyreports", "shop", "", true),
        (
            "delete",
            "wgpolicyk8s.io",
            "clusterpolicyreports",
            "",
            "",
            true,
        ),
        (
            "update",
            "wgpolicyk8s.io",
            "policyreports",
            "shop",
            "",
            false,
        ),
        ("create", "openreports.io", "reports", "shop", "", true),
        ("patch", "openreports.io", "reports", "shop", "", true),
        ("delete", "openreports.io", "clusterreports", "", "", true),
        ("update", "openreports.io", "reports", "shop", "", false),
        ("create", "", "events", "shop", "", true),
        ("patch", "", "events", "shop", "", false),
        ("update", "coordination.k8s.io", "leases", E2E_NS, "", true),
        (
            "update",
            "coordination.k8s.io",
            "leases",
            "kube-system",
            "",
            false,
        ),
    ] {
        assert_eq!(
            allowed(&client, verb, group, resource, ns, sub).await,
            want,
            "{verb} {resource}/{sub} in {group:?} namespace {ns:?}"
        );
    }
    // Unbound pods go at once: nothing of the agent is left running.
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(client.clone(), E2E_NS);
    deployments
        .delete("day2-agent", &kube::api::DeleteParams::background())
        .await
        .unwrap();
}
