//! Network symptoms and their causes, which are often elsewhere: a Service
//! whose selector or port matches nothing, readiness that fails because a
//! dependency is down, endpoints empty because the pods are Pending or
//! crash-looping (a compute, storage or identity cause), and Ingresses that
//! route to such Services.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::probe::{ProbeKind, parse_unhealthy};
use crate::model;
use crate::symptoms::service::{endpoint_state, selected_pods, selector};
use crate::symptoms::{Detail, Detected, Kind, Subject};
use day2_model::pod::Pod;
use day2_model::report::RootCause;
use day2_model::text::short_list;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::{PodSpec, Service};
use std::collections::{BTreeMap, BTreeSet};

/// How deep dependency chains are followed (frontend → api → database).
const MAX_DEPTH: u32 = 3;

fn root_key(r: &RootCause) -> (Loop, Option<String>, String, Option<String>, String) {
    (
        r.loop_,
        r.rule.clone(),
        r.object.kind.clone(),
        r.object.namespace.clone(),
        r.object.name.clone(),
    )
}

/// The selector matches no pod.
pub fn selector_mismatch<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    selector_hypothesis(a, svc).into_iter().collect()
}

fn selector_hypothesis(a: &Analysis<'_>, svc: &Res<Service>) -> Option<Hypothesis> {
    let sel = selector(svc)?;
    if !selected_pods(a, svc).is_empty() {
        return None;
    }
    let ns = svc.ns_or_default();
    let sel_text = sel
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    // Workloads whose pods carry all but one of the selector's labels.
    let mut near = Vec::new();
    for w in a.workloads_in(ns) {
        let labels = w.pod_labels();
        let misses: Vec<String> = sel
            .iter()
            .filter(|(k, v)| labels.get(*k) != Some(*v))
            .map(|(k, v)| match labels.get(k) {
                Some(have) => format!("{k}={have} (Service wants {v})"),
                None => format!("no {k} label (Service wants {k}={v})"),
            })
            .collect();
        if misses.is_empty()
            && w.replicas != Some(0)
            && let Some(h) = refused_pods(a, svc, w.kind, w.name())
        {
            return Some(h);
        }
        if misses.is_empty() && w.replicas == Some(0) {
            return Some(
                Hypothesis::new(
                    78,
                    Loop::Compute,
                    w.objref(),
                    format!(
                        "{} {} is scaled to 0 replicas, so Service {} has no pods",
                        w.kind,
                        w.name(),
                        svc.name()
                    ),
                )
                .fix(format!(
                    "Scale it up: `kubectl scale {}/{} -n {ns} --replicas=N`.",
                    w.kind.to_ascii_lowercase(),
                    w.name()
                )),
            );
        }
        if misses.len() == 1 && sel.len() > 1
            || (misses.len() == 1 && labels.keys().any(|k| sel.contains_key(k)))
        {
            near.push(format!("{} {}: {}", w.kind, w.name(), misses[0]));
        }
    }
    let (score, summary) = if near.is_empty() {
        (
            60,
            format!(
                "Service {} selects {sel_text}, which matches no pod in {ns}",
                svc.name()
            ),
        )
    } else {
        (
            86,
            format!(
                "Service {} selects {sel_text}, which matches no pod; near misses: {}",
                svc.name(),
                short_list(&near, 3)
            ),
        )
    };
    // A label the application puts on its own pods at run time, which no
    // template carries: the application's setting that makes it do so.
    let fix = match sel.keys().find_map(|k| runtime_label(k)) {
        Some(who) => format!(
            "No template sets the label Service {} selects on: {who}. `kubectl get pods -n {ns} --show-labels` shows whether any pod carries it.",
            svc.name()
        ),
        None => format!(
            "Make `spec.selector` of Service {} match the pod template's labels (or fix the labels): `kubectl get pods -n {ns} --show-labels`.",
            svc.name()
        ),
    };
    Some(
        Hypothesis::new(score, Loop::Network, svc.objref(), summary)
            .rule(a.findings.rule_on("NW007", &svc.objref()).map(|f| &*f.rule))
            .fix(fix),
    )
}

/// Who sets a pod label at run time, and what makes it do so.
fn runtime_label(key: &str) -> Option<&'static str> {
    match key {
        // Vault's Kubernetes service registration (`vault-active`,
        // `vault-sealed`, …; hashicorp/vault-helm#325).
        "vault-active" | "vault-sealed" | "vault-initialized" | "vault-perf-standby" => Some(
            "Vault labels its own pods (`vault-active`, `vault-sealed`, …) only with its Kubernetes service registration: add `service_registration \"kubernetes\" {}` to the server's configuration (the chart's `server.ha.config` or `server.ha.raft.config`), keep the pods' ServiceAccount allowed to get and patch pods, and restart the servers",
        ),
        // Patroni in Spilo labels the leader and replicas through its
        // Kubernetes DCS.
        "spilo-role" => Some(
            "Patroni (Spilo) labels the leader `spilo-role=master` and the replicas itself through its Kubernetes DCS: the pods' ServiceAccount must be allowed to patch pods and endpoints, and a leader must have been elected (read the Patroni log of the pods)",
        ),
        _ => None,
    }
}

/// A Service whose pods do not exist because the API server refuses them:
/// the workload its selector matches has a controller with `FailedCreate`
/// (itself, or a ReplicaSet of a Deployment). The Service shares that
/// refusal's cause.
fn refused_pods(
    a: &Analysis<'_>,
    svc: &Res<Service>,
    kind: &str,
    name: &str,
) -> Option<Hypothesis> {
    let ns = svc.ns_or_default();
    let refused = crate::symptoms::detect_create_failures(a)
        .into_iter()
        .find(|d| {
            let crate::symptoms::Subject::Controller { meta, .. } = d.subject else {
                return false;
            };
            meta.namespace.as_deref().unwrap_or("default") == ns
                && ((d.object.kind == kind && d.object.name == name)
                    || day2_model::cluster::controller_of(meta) == Some((kind, name)))
        })?;
    let r = super::resolve(a, &refused);
    let mut h = r.as_upstream(2);
    h.links.push(crate::evidence::Link::new(
        Loop::Network,
        refused.since,
        svc.objref(),
        format!(
            "Service {} has no endpoints: the pods of {kind} {name} it selects are refused at creation",
            svc.name()
        ),
    ));
    Some(h)
}

/// The pods are there but not ready: their own cause (Pending, crash-looping,
/// readiness failing because a dependency is down).
pub fn pods_not_ready<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    explain_pods(a, svc, 0).into_iter().collect()
}

fn explain_pods(a: &Analysis<'_>, svc: &Res<Service>, depth: u32) -> Option<Hypothesis> {
    let pods = selected_pods(a, svc);
    let unready: Vec<&Res<Pod>> = pods
        .iter()
        .filter(|p| !model::is_ready(p))
        .copied()
        .collect();
    if unready.is_empty() {
        return None;
    }
    let ns = svc.ns_or_default();
    let mut groups: BTreeMap<_, (Hypothesis, Vec<String>)> = BTreeMap::new();
    let mut phases: BTreeMap<String, usize> = BTreeMap::new();
    for p in &unready {
        let state = pod_state(p);
        *phases.entry(state).or_default() += 1;
        let h = match a.pod_result(ns, p.name()) {
            // A pod failing only its probes: its own cause, or the dependency
            // its readiness waits for, whichever is stronger.
            Some(r) if r.kind == Kind::ProbeFailing => {
                let own = readiness(a, svc, p, depth);
                let up = r.as_upstream(2);
                if own.score >= up.score { own } else { up }
            }
            Some(r) => r.as_upstream(2),
            None if model::phase(p) == "Running" => readiness(a, svc, p, depth),
            None => Hypothesis::new(
                30,
                Loop::Compute,
                model::workload_ref(a.cluster, p),
                format!("pod {} is {} and not ready", p.name(), model::phase(p)),
            )
            .fix(format!(
                "`kubectl describe pod -n {ns} {}` shows why it is not ready.",
                p.name()
            ))
            .missing("a detectable symptom on the pod (status and events)"),
        };
        let e = groups
            .entry(root_key(&h.root))
            .or_insert_with(|| (h.clone(), Vec::new()));
        e.1.push(p.name().to_owned());
        if h.score > e.0.score {
            e.0 = h;
        }
    }
    let (_, (mut best, names)) = groups
        .into_iter()
        .max_by_key(|(_, (h, names))| (names.len(), h.score))?;
    let phase_text = phases
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let since = crate::symptoms::service::unready_since(a, &unready);
    best.links.push(Link::new(
        Loop::Network,
        since,
        svc.objref(),
        format!(
            "Service {} has no ready endpoint: its {} pod(s) are not ready ({phase_text}), for this cause: {}",
            svc.name(),
            pods.len(),
            short_list(&names, 4)
        ),
    ));
    Some(best)
}

fn pod_state(p: &Pod) -> String {
    for cs in model::container_statuses(p) {
        if let Some(r) = cs
            .state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
        {
            return r.to_owned();
        }
    }
    match model::phase(p) {
        "Running" => "Running, not ready".into(),
        "" => "unknown".into(),
        other => other.to_owned(),
    }
}

/// Services a pod spec refers to in its environment (URLs, host names, DSNs),
/// with the variable that names them.
pub fn dependencies<'c>(
    a: &Analysis<'c>,
    ns: &str,
    spec: &PodSpec,
) -> Vec<(&'c Res<Service>, String)> {
    let mut out: Vec<(&Res<Service>, String)> = Vec::new();
    let mut push = |svc: &'c Res<Service>, var: &str| {
        if !out
            .iter()
            .any(|(s, _)| s.name() == svc.name() && s.namespace() == svc.namespace())
        {
            out.push((svc, var.to_owned()));
        }
    };
    let values: Vec<(String, String)> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| a.references().env(ns, c))
        .map(|e| (e.name, e.value))
        .collect();
    // Commands: every word is a host name candidate.
    let mut commands: Vec<(String, String)> = Vec::new();
    // An init container that waits for a name (`until nslookup mydb`,
    // `nc -z db 5432`) depends on it.
    for c in spec.init_containers.iter().flatten() {
        let words = model::command_line(c)
            .map(String::as_str)
            .collect::<Vec<&str>>();
        if !words.is_empty() {
            commands.push((format!("init container {}", c.name), words.join(" ")));
        }
    }
    let values = values
        .iter()
        .map(|(var, value)| (var, value, false))
        .chain(commands.iter().map(|(var, value)| (var, value, true)));
    for (var, value, command) in values {
        let hosty = command
            || value.contains("://")
            || [
                "HOST", "ADDR", "URL", "URI", "SERVICE", "ENDPOINT", "DSN", "SERVER",
            ]
            .iter()
            .any(|k| var.to_ascii_uppercase().contains(k));
        for token in value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
            // `myservice.` before a shell substitution, a fully qualified `name.`
            let token = token.trim_end_matches('.');
            if token.len() < 2 {
                continue;
            }
            let labels: Vec<&str> = token.split('.').collect();
            let found = if let Some(i) = labels.iter().position(|l| *l == "svc") {
                (i >= 2)
                    .then(|| a.service(labels[i - 1], labels[i - 2]))
                    .flatten()
            } else if labels.len() == 2 {
                a.service(labels[1], labels[0])
                    .or_else(|| hosty.then(|| a.service(ns, token)).flatten())
            } else if labels.len() == 1 && hosty {
                a.service(ns, token)
            } else {
                None
            };
            if let Some(s) = found {
                push(s, var);
            }
        }
    }
    out
}

/// Zones the pods of a Service can run in, from their volumes (a disk pins its pod).
fn volume_zones(a: &Analysis<'_>, pods: &[&Res<Pod>]) -> BTreeSet<String> {
    let mut z = BTreeSet::new();
    for p in pods {
        let Some(spec) = p.spec.as_ref() else {
            continue;
        };
        for c in model::claims(spec) {
            if let Some(pv) = a
                .cluster
                .pvc(p.ns_or_default(), c)
                .and_then(|c| a.cluster.pv_of_claim(c))
            {
                z.extend(model::pv_zones(pv));
            }
        }
    }
    z
}

/// A running pod that fails readiness: a dependency without endpoints, or its own probe.
pub fn readiness(a: &Analysis<'_>, svc: &Res<Service>, pod: &Res<Pod>, depth: u32) -> Hypothesis {
    let ns = pod.ns_or_default();
    let events = a.cluster.events_for_obj(pod);
    let fails: Vec<_> = events
        .iter()
        .filter_map(|e| {
            parse_unhealthy(e.message_text())
                .filter(|p| p.kind == ProbeKind::Readiness)
                .map(|p| (*e, p))
        })
        .collect();
    let workload = model::workload_ref(a.cluster, pod);
    // The pod's node is lost or not Ready: its readiness follows the node's.
    if let Some(r) = a.node_result_of(pod) {
        let mut h = r.as_upstream(3);
        h.links.push(Link::new(
            Loop::Network,
            crate::symptoms::service::unready_since(a, &[pod]),
            workload,
            format!(
                "{} is not Ready: its node {} is not",
                pod.name(),
                r.object.name
            ),
        ));
        return h;
    }
    if fails.is_empty()
        && let Some(h) = super::node::stale_ready(a, pod)
    {
        return h;
    }
    let first_fail = fails.first().map(|(e, _)| *e);
    if depth < MAX_DEPTH
        && let Some(spec) = pod.spec.as_ref()
    {
        for (dep, var) in dependencies(a, ns, spec) {
            if dep.name() == svc.name() && dep.namespace() == svc.namespace() {
                continue;
            }
            let dep_pods = selected_pods(a, dep);
            if endpoint_state(a, dep, &dep_pods).ready > 0 {
                continue;
            }
            let Some(mut h) = resolve_service(a, dep, depth + 1) else {
                continue;
            };
            h.score = h.score.saturating_sub(5);
            let at = first_fail
                .and_then(|e| e.first)
                .or_else(|| crate::symptoms::service::unready_since(a, &[pod]));
            let mut l = Link::new(
                Loop::Network,
                at,
                workload.clone(),
                format!(
                    "{} fails readiness while its dependency Service {}/{} (env {var}) has no ready endpoint",
                    pod.name(),
                    dep.ns_or_default(),
                    dep.name()
                ),
            );
            if let Some(e) = first_fail {
                l.evidence.push(e.evidence());
            }
            h.links.push(l);
            // Where the dependency can live vs where its clients run.
            let pinned = volume_zones(a, &dep_pods);
            if !pinned.is_empty() {
                let clients: BTreeSet<String> = selected_pods(a, svc)
                    .iter()
                    .filter_map(|p| {
                        model::node_name(p)
                            .and_then(|n| a.cluster.node(n))
                            .and_then(|n| model::node_zone(n).map(str::to_owned))
                    })
                    .collect();
                let away: Vec<&String> = clients.iter().filter(|z| !pinned.contains(*z)).collect();
                if !away.is_empty() {
                    h.links.push(Link::new(
                        Loop::Network,
                        at,
                        dep.objref(),
                        format!(
                            "{} pods run in {}; the disk of {} pins it to {}: every request between them crosses an availability-zone boundary (inter-AZ latency and transfer cost, NAT/load-balancer hops) once it runs",
                            svc.name(),
                            away.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                            dep.name(),
                            pinned.iter().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
            return h;
        }
    }
    match fails.last() {
        Some((e, p)) => {
            if let Some(h) = super::coredns_ready::known(a, pod, &p.output, e) {
                return h;
            }
            let rule = a.findings.any_of(&["NW002", "NW003"], &workload);
            // Any readiness failure the probe's edge to its container explains.
            let hinted = pod
                .spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .filter(|c| c.readiness_probe.is_some())
                .find_map(|c| {
                    fails.iter().rev().find_map(|(_, f)| {
                        super::probe_http::hint(a, pod, c, ProbeKind::Readiness, &f.output, &workload)
                    })
                });
            if let Some(hint) = hinted {
                return Hypothesis::new(hint.score.min(80), if hint.app { Loop::Compute } else { Loop::Network }, workload.clone(), format!("{} runs but fails its readiness probe: {}", pod.name(), hint.summary))
                    .rule(rule.map(|f| &*f.rule))
                    .fix(hint.fix)
                    .link(Link::from_event(Loop::Network, e, format!("{} fails its readiness probe", pod.name())));
            }
            Hypothesis::new(
                62,
                Loop::Compute,
                workload.clone(),
                format!("{} runs but fails its readiness probe ({}): the app is not ready to serve, or the probe checks the wrong thing", pod.name(), p.output),
            )
            .rule(rule.map(|f| &*f.rule))
            .fix(format!("Check what the readiness endpoint of {workload} tests (a dependency it waits for, a wrong path/port) and its timeoutSeconds; `kubectl describe pod -n {ns} {}`.", pod.name()))
            .link(Link::from_event(Loop::Network, e, format!("{} fails its readiness probe", pod.name())))
        }
        None if let Some(h) = super::readiness_gate::failing(a, pod, &workload) => h,
        None => Hypothesis::new(30, Loop::Network, workload, format!("{} runs but is not Ready", pod.name()))
            .fix(format!("`kubectl describe pod -n {ns} {}`: the readiness probe's failures say what it waits for.", pod.name()))
            .missing(crate::evidence::events_absent("readiness `Unhealthy`")),
    }
}

/// Why a Service has no ready endpoint, computed on demand (for dependencies).
pub fn resolve_service(a: &Analysis<'_>, svc: &Res<Service>, depth: u32) -> Option<Hypothesis> {
    if let Some(r) = a.service_result(svc.ns_or_default(), svc.name()) {
        return Some(r.as_upstream(0));
    }
    let mut best: Option<Hypothesis> = None;
    for h in [
        selector_hypothesis(a, svc),
        super::service_port::port_hypothesis(a, svc),
        explain_pods(a, svc, depth),
    ]
    .into_iter()
    .flatten()
    {
        if best.as_ref().is_none_or(|b| h.score > b.score) {
            best = Some(h);
        }
    }
    best
}

/// Point an Ingress backend at a port its Service has: the first one, by
/// name when it has one, in the fields of the version the Ingress was
/// written in.
fn ingress_port_fix(
    ing: &Res<k8s_openapi::api::networking::v1::Ingress>,
    svc: &Res<Service>,
    service: &str,
) -> String {
    let first = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .and_then(|p| p.first());
    let Some(p) = first else {
        return format!(
            "Service {service} declares no port: give it one, then point the Ingress backend at it."
        );
    };
    let (field, value) = match &p.name {
        Some(n) => ("name", n.clone()),
        None => ("number", p.port.to_string()),
    };
    let beta = ing
        .origin
        .written_api_version
        .as_deref()
        .is_some_and(|v| v.ends_with("v1beta1"));
    if beta {
        format!(
            "Set the backend's `servicePort: {value}` in Ingress {} (a port Service {service} has), or rename the Service's port to what the Ingress asks.",
            ing.name()
        )
    } else {
        format!(
            "Set the backend's `service.port.{field}: {value}` in Ingress {} (a port Service {service} has), or rename the Service's port to what the Ingress asks.",
            ing.name()
        )
    }
}

/// Ingress backends: missing Service/port, or a Service without ready endpoints.
pub fn ingress<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Ingress(ing) = d.subject else {
        return vec![];
    };
    let Detail::Ingress {
        service,
        port,
        host,
        path,
    } = &d.detail
    else {
        return vec![];
    };
    let ns = ing.ns_or_default();
    // A backend whose Service the symptom could not name (a load
    // balancer's backend found by a port no Service has) is not missing.
    if service.is_empty() {
        return vec![];
    }
    let Some(svc) = a.service(ns, service) else {
        let similar: Vec<&str> = a
            .cluster
            .services
            .iter()
            .filter(|s| {
                s.ns_or_default() == ns
                    && (s.name().contains(service.as_str()) || service.contains(s.name()))
            })
            .map(|s| s.name())
            .collect();
        let hint = if similar.is_empty() {
            String::new()
        } else {
            format!(" (Services with similar names: {})", similar.join(", "))
        };
        // An Ingress backend names a Service of the Ingress's own namespace
        // only (`IngressServiceBackend` has no namespace field).
        let elsewhere: Vec<&str> = a
            .cluster
            .services
            .iter()
            .filter(|s| s.name() == service.as_str() && s.ns_or_default() != ns)
            .map(|s| s.ns_or_default())
            .collect();
        let (hint, fix) = match elsewhere.first() {
            Some(other) => (
                format!(
                    "{hint}; Service {service} exists in namespace {}",
                    elsewhere.join(", ")
                ),
                format!(
                    "An Ingress routes only to Services in its own namespace: create Ingress {} in namespace {other} (beside Service {service}), or add a Service of type ExternalName {ns}/{service} with `externalName: {service}.{other}.svc.cluster.local`.",
                    ing.name()
                ),
            ),
            None => (
                hint,
                format!(
                    "Point the backend of Ingress {} at the right Service name, or create Service {ns}/{service}.",
                    ing.name()
                ),
            ),
        };
        return vec![Hypothesis::new(86, Loop::Network, ing.objref(), format!("Ingress {} routes {host}{path} to Service {service}, which does not exist in {ns}{hint}", ing.name()))
            .rule(a.findings.rule_on("NW010", &ing.objref()).map(|f| &*f.rule))
            .fix(fix)];
    };
    if d.kind == crate::symptoms::Kind::IngressBackendMissing {
        let have: Vec<String> = svc
            .spec
            .as_ref()
            .and_then(|s| s.ports.as_ref())
            .into_iter()
            .flatten()
            .map(|p| {
                p.name
                    .clone()
                    .map(|n| format!("{n}/{}", p.port))
                    .unwrap_or_else(|| p.port.to_string())
            })
            .collect();
        return vec![Hypothesis::new(86, Loop::Network, ing.objref(), format!("Ingress {} routes {host}{path} to port {} of Service {service}, which only has {}", ing.name(), port.clone().unwrap_or_default(), have.join(", ")))
            .rule(a.findings.rule_on("NW010", &ing.objref()).map(|f| &*f.rule))
            .fix(ingress_port_fix(ing, svc, service))];
    }
    let Some(mut h) = resolve_service(a, svc, 0) else {
        return vec![];
    };
    h.score = h.score.saturating_sub(1);
    let timeouts: Vec<String> = [
        "nginx.ingress.kubernetes.io/proxy-read-timeout",
        "nginx.ingress.kubernetes.io/proxy-connect-timeout",
    ]
    .iter()
    .filter_map(|k| ing.annotation(k).map(|v| format!("{k}={v}")))
    .collect();
    let mut l = Link::new(
        Loop::Network,
        d.since,
        ing.objref(),
        format!(
            "Ingress {} sends {host}{path} to Service {service} with no ready endpoint: clients get 502/503 (ingress-nginx: \"Service {ns}/{service} does not have any active Endpoint\")",
            ing.name()
        ),
    );
    if !timeouts.is_empty() {
        l.evidence
            .push(format!("timeouts: {}", timeouts.join(", ")));
    }
    if let Some(f) = a.findings.rule_on("NW009", &ing.objref()) {
        l.evidence
            .push(format!("{} {}: {}", f.rule, f.name, f.message));
    }
    h.links.push(l);
    vec![h]
}
