//! `day2 agent` against the real control plane of `scripts/e2e.sh`, as an
//! operator runs it: through a kube-apiserver restart, and under the RBAC of
//! `deploy/manifests` with the apiserver's audit log as the witness of what
//! it wrote.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

mod agent_support;
mod common;

use agent_support::*;
use common::*;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The run directory of `scripts/controlplane/up.sh`.
fn run_dir() -> PathBuf {
    PathBuf::from(std::env::var("DAY2_E2E_DIR").expect("DAY2_E2E_DIR: run through scripts/e2e.sh"))
}

fn restart_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/controlplane/restart-apiserver.sh")
}

/// `restart-apiserver.sh DIR action` (`stop`, `start`); how long it took.
async fn apiserver(action: &str) -> Duration {
    let t = Instant::now();
    let out = tokio::process::Command::new(restart_script())
        .arg(run_dir())
        .arg(action)
        .output()
        .await
        .expect("running restart-apiserver.sh");
    assert!(
        out.status.success(),
        "restart-apiserver.sh {action}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed()
}

/// Starts the apiserver again when the test ends with it stopped (a failed
/// assertion during the outage): the tests after this one share it.
struct ApiserverBack;

impl Drop for ApiserverBack {
    fn drop(&mut self) {
        let ok = std::process::Command::new(restart_script())
            .arg(run_dir())
            .arg("start")
            .status()
            .is_ok_and(|s| s.success());
        if !ok && !std::thread::panicking() {
            panic!("the apiserver could not be started again");
        }
    }
}

/// The value of every series of `metric` (`name{labels} value`), by labels.
fn series(text: &str, metric: &str) -> BTreeMap<String, String> {
    let prefix = format!("{metric}{{");
    text.lines()
        .filter_map(|l| l.strip_prefix(&prefix)?.split_once("} "))
        .map(|(labels, v)| (labels.to_owned(), v.to_owned()))
        .collect()
}

/// The value of the unlabelled `metric`.
fn scalar(text: &str, metric: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(metric)?.strip_prefix(' ')?.parse().ok())
}

/// The finding and diagnosis series of namespace `ns`, whole lines, sorted.
fn results_in(text: &str, ns: &str) -> Vec<String> {
    let label = format!(r#"namespace="{ns}""#);
    let mut v: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("day2_findings{") || l.starts_with("day2_diagnoses{"))
        .filter(|l| l.contains(&label))
        .map(str::to_owned)
        .collect();
    v.sort();
    v
}

/// The metrics once the results of `ns` have not changed for 3 s (at most
/// 30 s): the EndpointSlice controller's work is evaluated too.
async fn settled(port: u16, ns: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut last, mut since) = (Vec::new(), Instant::now());
    loop {
        let (_, text) = get(port, "/metrics").await.expect("metrics");
        let now = results_in(&text, ns);
        if now != last {
            (last, since) = (now, Instant::now());
        } else if !now.is_empty() && since.elapsed() >= Duration::from_secs(3) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "the results of {ns} did not settle within 30 s:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A namespace with a Pod `app` (labelled `app=app`, left alone by the
/// scheduler, so no Event changes its story) and a Service `app` whose
/// selector has a typo.
async fn typo(client: &kube::Client, ns: &str, app: &str) {
    namespace(client, ns).await;
    create(
        client,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": app, "namespace": ns, "labels": {"app": app}},
               "spec": {"schedulerName": "day2-e2e-nobody",
                        "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10"}]}}),
    )
    .await;
    let wrong = format!("{app}x");
    create(
        client,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": app, "namespace": ns},
               "spec": {"selector": {"app": wrong}, "ports": [{"port": 80}]}}),
    )
    .await;
    set_selector(client, ns, app, &wrong).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh (DAY2_E2E_KUBECONFIG, DAY2_E2E_DIR)"]
async fn across_an_apiserver_restart_the_agent_keeps_serving_and_comes_back_with_the_same_results()
{
    let t0 = Instant::now();
    let client = client().await;
    // Unique per run: a reused control plane keeps earlier namespaces.
    let ns = &format!("agent-restart-{}", std::process::id());
    typo(&client, ns, "web").await;
    let (_agent, port) = Agent::ready(&[], &kubeconfig()).await;
    let nw007 = format!(
        r#"day2_findings{{loop="network",rule="NW007",severity="high",namespace="{ns}"}} 1"#
    );
    wait_metrics(port, Duration::from_secs(20), |t| t.contains(&nw007))
        .await
        .unwrap_or_else(|last| panic!("{nw007} not served within 20 s:\n{last}"));
    let before = settled(port, ns).await;
    let results = results_in(&before, ns);
    let up_before = series(&before, "day2_watch_up");
    assert!(
        !up_before.is_empty() && up_before.values().all(|v| v == "1"),
        "not every watch is up before the restart:\n{before}"
    );
    let restarts_before = series(&before, "day2_watch_restarts_total");
    eprintln!(
        "results of {ns} before the restart:\n{}",
        results.join("\n")
    );

    // The outage: the apiserver exits on SIGTERM.
    let _back = ApiserverBack;
    let stopped_in = apiserver("stop").await;
    let outage = Instant::now();
    // Documented: a kind whose watch fails is `day2_watch_up 0` and counts a
    // restart; the last results are still served; `/readyz` means "the first
    // evaluation is done", so it stays 200, and `/healthz` answers.
    let down = wait_metrics(port, Duration::from_secs(30), |t| {
        let up = series(t, "day2_watch_up");
        up.len() == up_before.len() && up.values().all(|v| v == "0")
    })
    .await
    .unwrap_or_else(|last| panic!("the watches are not all down 30 s into the outage:\n{last}"));
    let all_down_in = outage.elapsed();
    assert_eq!(
        results_in(&down, ns),
        results,
        "the results changed during the outage:\n{down}"
    );
    let restarts = series(&down, "day2_watch_restarts_total");
    for kind in up_before.keys() {
        let n = |m: &BTreeMap<String, String>| {
            m.get(kind)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        assert!(
            n(&restarts) > n(&restarts_before),
            "no watch restart counted for {{{kind}}}:\n{down}"
        );
    }
    let readyz = get(port, "/readyz")
        .await
        .expect("readyz during the outage");
    let healthz = get(port, "/healthz")
        .await
        .expect("healthz during the outage");
    eprintln!(
        "during the outage: /readyz {}, /healthz {}, day2_watch_up 0 for all {} kinds, evaluations {:?}, notes {:?}",
        readyz.0,
        healthz.0,
        up_before.len(),
        scalar(&down, "day2_evaluation_duration_seconds_count"),
        scalar(&down, "day2_notes"),
    );
    assert_eq!(readyz.0, 200, "{}", readyz.1);
    assert_eq!(healthz.0, 200, "{}", healthz.1);
    let evaluations = scalar(&down, "day2_evaluation_duration_seconds_count").unwrap_or(0.0);
    let outage_for = outage.elapsed();

    // The same apiserver again: same port, same etcd.
    let started_in = apiserver("start").await;
    let back = Instant::now();
    // Every watch up again and the cluster evaluated since: the same
    // results, each counted once, and the notes of the outage gone. An
    // evaluation that began while the last kinds were still being listed
    // may end after they are up, with their notes; the relist that brought
    // each kind back asks for the evaluation after it, so wait for that.
    let notes_before = scalar(&before, "day2_notes");
    let after = wait_metrics(port, Duration::from_secs(90), |t| {
        series(t, "day2_watch_up") == up_before
            && scalar(t, "day2_evaluation_duration_seconds_count").unwrap_or(0.0) > evaluations
            && scalar(t, "day2_notes") == notes_before
    })
    .await
    .unwrap_or_else(|last| {
        panic!("the watches were not all up, evaluated and without the outage's notes 90 s after the restart:\n{last}")
    });
    let watches_back_in = back.elapsed();
    assert_eq!(
        results_in(&after, ns),
        results,
        "other results after the restart:\n{after}"
    );
    // The store holds what the API holds. Other tests' namespaces may still
    // be going away, so the count to match is the API's now, not the count
    // before the restart: the two converge within seconds.
    let objects_of = |t: &str, kind: &str| -> Option<usize> {
        series(t, "day2_objects").get(kind)?.parse().ok()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pods = Api::<k8s_openapi::api::core::v1::Pod>::all(client.clone())
            .list(&Default::default())
            .await
            .expect("listing pods")
            .items
            .len();
        let services = Api::<k8s_openapi::api::core::v1::Service>::all(client.clone())
            .list(&Default::default())
            .await
            .expect("listing services")
            .items
            .len();
        let text = get(port, "/metrics").await.map(|r| r.1).unwrap_or_default();
        let held = (
            objects_of(&text, r#"kind="Pod""#),
            objects_of(&text, r#"kind="Service""#),
        );
        if held == (Some(pods), Some(services)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after the restart the agent holds {held:?} pods and services, the API {pods} and {services}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        scalar(&after, "day2_notes"),
        scalar(&before, "day2_notes"),
        "notes before and after the restart differ:\n{after}"
    );

    // The watches follow the cluster again: the fix is seen.
    let fixed = Instant::now();
    set_selector(&client, ns, "web", "web").await;
    let gone = format!(r#"rule="NW007",severity="high",namespace="{ns}""#);
    wait_metrics(port, Duration::from_secs(30), |t| !t.contains(&gone))
        .await
        .unwrap_or_else(|last| panic!("{gone} still served 30 s after the fix:\n{last}"));
    eprintln!(
        "apiserver stopped in {:.1} s; all watches down {:.1} s into the outage; outage {:.1} s; \
         apiserver ready {:.1} s after its start; watches up and re-evaluated {:.1} s later; \
         fix seen in {:.1} s; test {:.1} s",
        stopped_in.as_secs_f64(),
        all_down_in.as_secs_f64(),
        outage_for.as_secs_f64() + started_in.as_secs_f64(),
        started_in.as_secs_f64(),
        watches_back_in.as_secs_f64(),
        fixed.elapsed().as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
}

/// Create or update `obj` (server-side apply): a reused control plane may
/// hold an older version of a manifest's object.
async fn apply(client: &kube::Client, obj: &Value) {
    let av = obj["apiVersion"].as_str().expect("apiVersion");
    let kind = obj["kind"].as_str().expect("kind");
    let name = obj["metadata"]["name"].as_str().expect("name");
    let (group, version) = av.rsplit_once('/').unwrap_or(("", av));
    let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
    let (ar, caps) = kube::discovery::pinned_kind(client, &gvk)
        .await
        .expect("discovery");
    let api: Api<DynamicObject> = match (caps.scope, obj["metadata"]["namespace"].as_str()) {
        (kube::discovery::Scope::Namespaced, Some(ns)) => {
            Api::namespaced_with(client.clone(), ns, &ar)
        }
        _ => Api::all_with(client.clone(), &ar),
    };
    api.patch(
        name,
        &PatchParams::apply("day2-e2e").force(),
        &Patch::Apply(obj),
    )
    .await
    .unwrap_or_else(|e| panic!("applying {kind} {name}: {e}"));
}

/// The manifest's objects under names of this test's own: its namespace
/// moved to `day2-audit` and its cluster-scoped roles and bindings suffixed
/// `-audit`, so that they never stand in for (or are taken for) the objects
/// another test installs from the same manifest on the shared control plane.
fn own_names(mut docs: Vec<Value>) -> Vec<Value> {
    const NS: &str = "day2-audit";
    let from = docs
        .iter()
        .find(|d| d["kind"] == "Namespace")
        .and_then(|d| d["metadata"]["name"].as_str())
        .unwrap_or("day2")
        .to_owned();
    for d in &mut docs {
        let kind = d["kind"].as_str().unwrap_or("").to_owned();
        if kind == "Namespace" {
            d["metadata"]["name"] = NS.into();
        }
        if d["metadata"]["namespace"] == from.as_str() {
            d["metadata"]["namespace"] = NS.into();
        }
        if matches!(kind.as_str(), "ClusterRole" | "ClusterRoleBinding") {
            let name = d["metadata"]["name"].as_str().unwrap_or("").to_owned();
            d["metadata"]["name"] = format!("{name}-audit").into();
        }
        if d["roleRef"]["kind"] == "ClusterRole" {
            let name = d["roleRef"]["name"].as_str().unwrap_or("").to_owned();
            d["roleRef"]["name"] = format!("{name}-audit").into();
        }
        // `get_mut`: indexing a missing key mutably would add it as null.
        let subjects = d.get_mut("subjects").and_then(Value::as_array_mut);
        for s in subjects.into_iter().flatten() {
            if s["namespace"] == from.as_str() {
                s["namespace"] = NS.into();
            }
        }
    }
    docs
}

/// One request of the audit log.
#[derive(Debug)]
struct Audited {
    verb: String,
    /// `group/resource[/subresource]` (`/resource` for the core group), or
    /// the path of a non-resource request.
    resource: String,
    namespace: String,
    name: String,
    code: Option<i64>,
}

/// The requests `user` sent (or was impersonated as) from byte `offset` of
/// the audit log `up.sh` configures, one per audit ID (its last stage: a
/// watch still open has only `ResponseStarted`).
fn audited(user: &str, offset: u64) -> Vec<Audited> {
    let log = std::fs::read(run_dir().join("audit.log")).expect("audit.log");
    let ours = log
        .get(usize::try_from(offset).unwrap()..)
        .expect("audit.log shorter than before the agent started: rotated (100 MB)?");
    let text = String::from_utf8_lossy(ours);
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    for line in text.lines() {
        let Ok(e) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let who = if e["impersonatedUser"].is_object() {
            &e["impersonatedUser"]["username"]
        } else {
            &e["user"]["username"]
        };
        if who == user {
            by_id.insert(e["auditID"].as_str().unwrap_or("").to_owned(), e);
        }
    }
    by_id
        .into_values()
        .map(|e| {
            let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
            let o = &e["objectRef"];
            let resource = if o.is_object() {
                let mut r = format!("{}/{}", s(&o["apiGroup"]), s(&o["resource"]));
                if let Some(sub) = o["subresource"].as_str() {
                    r = format!("{r}/{sub}");
                }
                r
            } else {
                s(&e["requestURI"])
                    .split('?')
                    .next()
                    .unwrap_or("")
                    .to_owned()
            };
            Audited {
                verb: s(&e["verb"]),
                resource,
                namespace: s(&o["namespace"]),
                name: s(&o["name"]),
                code: e["responseStatus"]["code"].as_i64(),
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh (DAY2_E2E_KUBECONFIG, DAY2_E2E_DIR)"]
async fn under_the_deployed_rbac_with_writes_on_the_audit_log_shows_only_the_writes_its_flags_allow()
 {
    let t0 = Instant::now();
    let client = client().await;
    install_report_crds(&client).await;

    // The identity and RBAC of deploy/manifests/day2-agent-reports.yaml (the
    // rendered chart with writes on), and its Deployment's arguments.
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/manifests/day2-agent-reports.yaml"
    ))
    .expect("reading the manifest");
    let docs: Vec<Value> = serde_saphyr::from_multiple(&manifest).expect("parsing the manifest");
    let docs = own_names(docs);
    let (mut account, mut deployed_args) = (None, None);
    for d in &docs {
        match d["kind"].as_str().unwrap_or("") {
            "Namespace" | "ClusterRole" | "ClusterRoleBinding" | "Role" | "RoleBinding" => {
                apply(&client, d).await;
            }
            "ServiceAccount" => {
                apply(&client, d).await;
                account = Some((
                    d["metadata"]["namespace"].as_str().unwrap().to_owned(),
                    d["metadata"]["name"].as_str().unwrap().to_owned(),
                ));
            }
            "Deployment" => {
                deployed_args = Some(
                    d["spec"]["template"]["spec"]["containers"][0]["args"]
                        .as_array()
                        .expect("the agent's args")
                        .iter()
                        .map(|a| a.as_str().unwrap().to_owned())
                        .collect::<Vec<String>>(),
                );
            }
            _ => {}
        }
    }
    let (sa_ns, sa_name) = account.expect("a ServiceAccount in the manifest");
    let deployed_args = deployed_args.expect("a Deployment in the manifest");
    let user = format!("system:serviceaccount:{sa_ns}:{sa_name}");
    let flag = |f: &str| deployed_args.iter().any(|a| a == f);
    for f in [
        "--policy-reports",
        "--open-reports",
        "--events",
        "--leader-elect",
    ] {
        assert!(flag(f), "{f} not among the deployed args {deployed_args:?}");
    }
    // The deployed flags, bound to this machine and quicker: the listen
    // address and the interval replaced, a 1 s debounce.
    let port = free_port();
    let mut args: Vec<String> = Vec::new();
    let mut it = deployed_args.iter().skip_while(|a| *a == "agent");
    while let Some(a) = it.next() {
        match a.as_str() {
            "--listen" => {
                it.next();
            }
            "--interval" => {
                it.next();
                args.extend(["--interval".into(), "5".into()]);
            }
            _ => args.push(a.clone()),
        }
    }
    args.extend(["--debounce".into(), "1".into()]);

    // The admin's kubeconfig impersonating the ServiceAccount, with the
    // groups its token would carry.
    let admin = std::fs::read_to_string(kubeconfig()).expect("reading the kubeconfig");
    assert!(
        admin.contains("\n  user:\n"),
        "unexpected kubeconfig layout"
    );
    let impersonating = admin.replace(
        "\n  user:\n",
        &format!(
            "\n  user:\n    as: \"{user}\"\n    as-groups: [\"system:serviceaccounts\", \"system:serviceaccounts:{sa_ns}\", \"system:authenticated\"]\n"
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.kubeconfig");
    std::fs::write(&path, impersonating).unwrap();

    let ns = &format!("agent-audit-{}", std::process::id());
    typo(&client, ns, "api").await;
    let audit_log = run_dir().join("audit.log");
    let offset = std::fs::metadata(&audit_log).expect("audit.log").len();
    let identity = format!("day2-agent-audit-{}", std::process::id());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    eprintln!("day2 agent {}", args.join(" "));
    let agent = Agent::start(
        port,
        &args,
        &path,
        &[("POD_NAME", identity.as_str()), ("POD_NAMESPACE", &sa_ns)],
    );

    // Its PolicyReport, Report and Event for the typo.
    wait_nw007_reports(&client, ns).await;
    let events: Api<k8s_openapi::api::core::v1::Event> = Api::namespaced(client.clone(), ns);
    let deadline = Instant::now() + Duration::from_secs(30);
    while events
        .list(
            &kube::api::ListParams::default()
                .fields("reason=Day2Diagnosis,involvedObject.kind=Service,involvedObject.name=api"),
        )
        .await
        .expect("events")
        .items
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "no Day2Diagnosis Event on Service {ns}/api after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The namespace emptied: its reports go (a delete), and by now the
    // Lease has been renewed (an update) at least once.
    let started = Instant::now();
    let dp = kube::api::DeleteParams::default();
    Api::<k8s_openapi::api::core::v1::Service>::namespaced(client.clone(), ns)
        .delete("api", &dp)
        .await
        .expect("deleting the Service");
    Api::<k8s_openapi::api::core::v1::Pod>::namespaced(client.clone(), ns)
        .delete("api", &dp)
        .await
        .expect("deleting the Pod");
    for ar in [policy_report(), open_report()] {
        let deadline = Instant::now() + Duration::from_secs(30);
        while nw007_results(&client, &ar, ns).await.is_some() {
            assert!(
                Instant::now() < deadline,
                "{} in {ns} still there 30 s after its namespace was emptied",
                ar.kind
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    let renewed = day2_agent::leader::RENEW + Duration::from_secs(2);
    if let Some(rest) = renewed.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    let (_, text) = get(port, "/metrics").await.expect("metrics");
    drop(agent);

    // What the apiserver saw of it.
    let requests = audited(&user, offset);
    let mut summary: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    for r in &requests {
        let code = r.code.map_or_else(|| "open".to_owned(), |c| c.to_string());
        *summary
            .entry((r.resource.clone(), r.verb.clone()))
            .or_default()
            .entry(code)
            .or_default() += 1;
    }
    let table: Vec<String> = summary
        .iter()
        .map(|((resource, verb), codes)| {
            let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c}×{n}")).collect();
            format!("{verb:>7} {resource:<45} {}", codes.join(" "))
        })
        .collect();
    let table = table.join("\n");
    eprintln!(
        "{} requests as {user} (status × count; open: a watch still streaming):\n{table}",
        requests.len()
    );
    assert!(requests.len() > 20, "too few requests audited:\n{table}");

    // Reads are get, list and watch; writes only those the flags enable,
    // each on what the agent owns.
    const WRITES: [&str; 5] = ["create", "update", "patch", "delete", "deletecollection"];
    let allowed = |r: &Audited| -> bool {
        let report = r.name == "day2" && matches!(r.verb.as_str(), "patch" | "delete");
        match r.resource.as_str() {
            "wgpolicyk8s.io/policyreports" | "wgpolicyk8s.io/clusterpolicyreports" => {
                flag("--policy-reports") && report
            }
            "openreports.io/reports" | "openreports.io/clusterreports" => {
                flag("--open-reports") && report
            }
            "/events" => flag("--events") && r.verb == "create",
            "coordination.k8s.io/leases" => {
                flag("--leader-elect")
                    && r.namespace == sa_ns
                    && matches!(r.verb.as_str(), "create" | "update")
                    && (r.name == "day2-agent" || r.name.is_empty())
            }
            _ => false,
        }
    };
    let misfits: Vec<&Audited> = requests
        .iter()
        .filter(|r| {
            if WRITES.contains(&r.verb.as_str()) {
                !allowed(r)
            } else {
                !matches!(r.verb.as_str(), "get" | "list" | "watch")
            }
        })
        .collect();
    assert!(
        misfits.is_empty(),
        "requests beyond what the flags allow: {misfits:#?}\n{table}"
    );
    let forbidden: Vec<&Audited> = requests.iter().filter(|r| r.code == Some(403)).collect();
    assert!(
        forbidden.is_empty(),
        "refused by the deployed RBAC: {forbidden:#?}\n{table}"
    );
    // And each enabled write was made.
    for (resource, verbs) in [
        ("wgpolicyk8s.io/policyreports", &["patch"][..]),
        ("wgpolicyk8s.io/policyreports", &["delete"]),
        ("openreports.io/reports", &["patch"]),
        ("openreports.io/reports", &["delete"]),
        ("/events", &["create"]),
        ("coordination.k8s.io/leases", &["create", "update"]),
        ("coordination.k8s.io/leases", &["update"]),
    ] {
        assert!(
            requests
                .iter()
                .any(|r| r.resource == resource && verbs.contains(&r.verb.as_str())),
            "no {verbs:?} of {resource} audited:\n{table}"
        );
    }
    // Secrets are skipped as deployed, and nothing else was refused.
    assert!(
        !requests.iter().any(|r| r.resource == "/secrets"),
        "{table}"
    );
    assert!(
        series(&text, "day2_watch_up").values().all(|v| v == "1"),
        "{text}"
    );
    eprintln!("test {:.1} s", t0.elapsed().as_secs_f64());
}
