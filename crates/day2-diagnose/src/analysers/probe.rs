//! Why a probe fails, for `ProbeFailing` and for a `CrashLoopBackOff` or
//! `OOMKilled` container its liveness probe kills: the probe's port against
//! the container's declared ports, a start-up slower than the probe allows,
//! the application's HTTP answer, and the Service that loses the pod.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::probe::{
    ProbeFailure, ProbeKind, ProbeOutcome, outcome, parse_killing, parse_unhealthy, target,
};
use crate::model;
use crate::symptoms::{Detail, Detected, service};
use day2_model::{Event, Loop};
use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn probe_of(c: &Container, kind: ProbeKind) -> Option<&Probe> {
    match kind {
        ProbeKind::Readiness => c.readiness_probe.as_ref(),
        ProbeKind::Liveness => c.liveness_probe.as_ref(),
        ProbeKind::Startup => c.startup_probe.as_ref(),
    }
}

fn probe_port(p: &Probe) -> Option<&IntOrString> {
    p.http_get
        .as_ref()
        .map(|h| &h.port)
        .or_else(|| p.tcp_socket.as_ref().map(|t| &t.port))
}

fn port_text(p: &IntOrString) -> String {
    match p {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => format!("\"{s}\""),
    }
}

fn settings(p: Option<&Probe>) -> String {
    p.map(|p| {
        format!(
            "timeoutSeconds={}, periodSeconds={}, failureThreshold={}, initialDelaySeconds={}",
            p.timeout_seconds.unwrap_or(1),
            p.period_seconds.unwrap_or(10),
            p.failure_threshold.unwrap_or(3),
            p.initial_delay_seconds.unwrap_or(0)
        )
    })
    .unwrap_or_else(|| "probe settings not in the input".into())
}

/// Seconds a probe gives a container before it counts as failed.
fn budget(p: &Probe) -> i64 {
    i64::from(p.initial_delay_seconds.unwrap_or(0))
        + i64::from(p.period_seconds.unwrap_or(10)) * i64::from(p.failure_threshold.unwrap_or(3))
}

/// The failing probes and the kubelet's kills of `name`, from the symptom's events.
fn failures<'c>(d: &Detected<'c>, name: &str) -> (Vec<(&'c Event, ProbeFailure)>, Vec<&'c Event>) {
    let field = format!("{{{name}}}");
    let fails = d
        .events
        .iter()
        .copied()
        .filter(|e| e.field_path.as_deref().is_none_or(|f| f.ends_with(&field)))
        .filter(|e| e.reason == "Unhealthy")
        .filter_map(|e| parse_unhealthy(e.message_text()).map(|p| (e, p)))
        .collect();
    let kills = d
        .events
        .iter()
        .copied()
        .filter(|e| {
            e.reason == "Killing"
                && (parse_killing(e.message_text()).is_some_and(|(c, _)| c == name)
                    || (e.message_text().contains("failed") && e.message_text().contains("probe")))
        })
        .collect();
    (fails, kills)
}

/// The probe failure that explains the symptom, and a cause for it.
pub fn cause<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let (name, crash) = match &d.detail {
        Detail::Crash { container, .. } => (container.as_str(), true),
        Detail::Probe { container } => (container.as_str(), false),
        _ => return vec![],
    };
    let (mut fails, kills) = failures(d, name);
    if crash {
        // Only probes that kill explain a crash loop.
        fails.retain(|(_, p)| matches!(p.kind, ProbeKind::Liveness | ProbeKind::Startup));
    }
    if fails.is_empty() && kills.is_empty() {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let spec = crate::model::spec_container(pod, name);
    // The most telling failure: a killing probe before a readiness one, the latest first.
    let chosen = fails
        .iter()
        .rev()
        .find(|(_, p)| p.kind != ProbeKind::Readiness)
        .or_else(|| fails.last());
    let kind = chosen.map(|(_, p)| p.kind).unwrap_or(ProbeKind::Liveness);
    let output = chosen.map(|(_, p)| p.output.as_str()).unwrap_or("");
    let probe = spec.and_then(|c| probe_of(c, kind));
    let seen = target(output);
    let out = outcome(output);
    let only_readiness = !fails.is_empty()
        && kills.is_empty()
        && fails.iter().all(|(_, p)| p.kind == ProbeKind::Readiness);

    let mut links = Vec::new();
    if let Some((e, _)) = chosen {
        links.push(Link::from_event(
            Loop::Compute,
            e,
            format!("{} probe failed on container {name}", kind.as_str()),
        ));
    }
    if let Some(e) = kills.first() {
        links.push(Link::from_event(
            Loop::Compute,
            e,
            format!("kubelet killed container {name} after failed probes"),
        ));
    }

    let declared = spec
        .map(super::probe_http::declared_ports)
        .unwrap_or_default();
    let declared_text = declared
        .iter()
        .map(|(n, nm)| match nm {
            Some(nm) => format!("{n} ({nm})"),
            None => n.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let spec_port = probe.and_then(probe_port);
    let port_num =
        super::probe_http::asked_port(&declared, spec_port, seen.as_ref().map(|t| t.port))
            .map(|(n, _)| n);
    let named_missing = matches!(spec_port, Some(IntOrString::String(s))
        if !declared.iter().any(|(_, nm)| *nm == Some(s.as_str())));
    let undeclared = port_num
        .is_some_and(|n| !declared.is_empty() && !declared.iter().any(|(p, _)| *p == n))
        && !spec.is_some_and(controller_runtime_health);
    let rule = a.findings.any_of(&["NW003"], &workload);

    let mut hs = Vec::new();
    // `no route to host`: the kubelet does not reach the pod at all (a host
    // firewall, the pod network), whatever port the probe asks.
    let unreachable = {
        let l = output.to_ascii_lowercase();
        l.contains("no route to host") || l.contains("network is unreachable")
    };
    if named_missing
        || (undeclared
            && !unreachable
            && matches!(out, ProbeOutcome::Refused | ProbeOutcome::Other))
    {
        let shown = spec_port
            .map(port_text)
            .or_else(|| port_num.map(|n| n.to_string()))
            .unwrap_or_else(|| "?".into());
        let wanted = declared
            .first()
            .map(|(n, nm)| {
                nm.map(|nm| format!("{n} (`port: {nm}`)"))
                    .unwrap_or_else(|| n.to_string())
            })
            .unwrap_or_default();
        // A container that exited on its own (not 137/143, no kill by the
        // kubelet) was not restarted by its probe: the undeclared port is
        // a suspect, not the cause (a port need not be declared to listen).
        let exited_itself = kills.is_empty()
            && matches!(&d.detail, Detail::Crash { exit_code: Some(c), .. } if !matches!(c, 137 | 143));
        let mut h = Hypothesis::new(
            if exited_itself { 58 } else { 90 },
            Loop::Compute,
            workload.clone(),
            format!(
                "the {} probe of container {name} targets port {shown}, but the container declares only port(s) {declared_text}: nothing answers the probe{}",
                kind.as_str(),
                if kind == ProbeKind::Readiness { "" } else { ", so the kubelet restarts it" }
            ),
        )
        .rule(rule.map(|f| &*f.rule))
        .fix(format!(
            "Point the probes of container {name} in the pod template of {workload} at port {wanted} instead of port {shown} (or make the application listen on port {shown} and declare it)."
        ));
        for l in links.iter().cloned() {
            h = h.link(l);
        }
        hs.push(h);
    }

    if unreachable
        && let Some(mut h) = super::probe_policy::host_rejects(a, pod, kind.as_str(), name, output)
    {
        for l in links.iter().cloned() {
            h = h.link(l);
        }
        hs.push(h);
    }
    if out == ProbeOutcome::Timeout
        && let Some(mut h) = super::probe_policy::node_denied(a, pod, port_num, kind.as_str(), name)
            .or_else(|| super::probe_policy::node_wide_timeouts(a, pod, kind.as_str(), name, 2))
    {
        for l in links.iter().cloned() {
            h = h.link(l);
        }
        hs.push(h);
    }
    let hinted = spec.and_then(|c| super::probe_http::hint(a, pod, c, kind, output, &workload));
    let (score, summary, fix) = if let Some(h) = hinted {
        (h.score, h.summary, h.fix)
    } else {
        match out {
        ProbeOutcome::HttpStatus(404) => {
            let path = probe
                .and_then(|p| p.http_get.as_ref())
                .and_then(|h| h.path.clone())
                .or_else(|| seen.as_ref().and_then(|t| t.path.clone()))
                .unwrap_or_else(|| "/".into());
            (
                84,
                format!(
                    "the {} probe of container {name} asks for path {path}, which the application does not serve (HTTP 404)",
                    kind.as_str()
                ),
                format!(
                    "Set `{}Probe.httpGet.path` of container {name} in {workload} to the health endpoint the application serves (not {path}){}, or probe its port with `tcpSocket` (a chart's custom probe value, e.g. `customLivenessProbe`), or serve {path}.",
                    kind.as_str(),
                    other_ports(&declared, port_num)
                        .map(|o| format!("; the container also declares port(s) {o}, where servers often answer health checks"))
                        .into_iter()
                        .chain(
                            spec.and_then(|c| c.image.as_deref())
                                .filter(|i| i.contains("ingress") && i.contains("nginx"))
                                .map(|_| "; the NGINX ingress controller answers `/healthz` on port 10254".to_owned()),
                        )
                        .collect::<String>()
                ),
            )
        }
        ProbeOutcome::HttpStatus(code @ (401 | 403)) => {
            let path = probe
                .and_then(|p| p.http_get.as_ref())
                .and_then(|h| h.path.clone())
                .or_else(|| seen.as_ref().and_then(|t| t.path.clone()))
                .unwrap_or_else(|| "/".into());
            // Servers built on k8s.io/apiserver (metrics-server, aggregated
            // APIs, webhooks) authorize every path but those listed.
            let apiserver_like = spec.into_iter().flat_map(model::command_line).any(|a| {
                a.starts_with("--secure-port") || a.starts_with("--authorization-")
            });
            let allow = if apiserver_like {
                format!("add `--authorization-always-allow-paths={path}` (with the other paths it already lists) to container {name}'s arguments, as servers built on k8s.io/apiserver authorize every other path; otherwise ")
            } else {
                String::new()
            };
            (
                80,
                format!(
                    "the application in container {name} refuses the {} probe's request for {path} (HTTP {code}): the kubelet's probe sends no credentials",
                    kind.as_str()
                ),
                format!(
                    "Let {path} through without credentials: {allow}probe an endpoint of {workload} that needs no authentication, or use a tcpSocket/exec probe."
                ),
            )
        }
        ProbeOutcome::HttpStatus(code) => (
            76,
            format!(
                "the application in container {name} answers its {} probe with HTTP {code}: it reports itself unhealthy ({})",
                kind.as_str(),
                settings(probe)
            ),
            format!(
                "{}Read the application's log (`kubectl logs -n {} {} -c {name}`) for why its health endpoint fails; if it checks dependencies, keep that in readiness, never liveness.",
                other_ports(&declared, port_num)
                    .map(|o| format!(
                        "The probe asks port {} and container {name} also serves port(s) {o}: if the health endpoint answers there, point the probe's port at it. ",
                        port_num.map(|n| n.to_string()).unwrap_or_else(|| "?".into())
                    ))
                    .unwrap_or_default(),
                pod.ns_or_default(),
                pod.name()
            ),
        ),
        ProbeOutcome::Timeout | ProbeOutcome::Refused => {
            let slow_start = kind != ProbeKind::Readiness
                && spec.is_some_and(|c| c.startup_probe.is_none())
                && probe.is_some_and(|p| started_late(d, name, p, chosen.map(|(e, _)| *e)));
            let why = if out == ProbeOutcome::Timeout {
                "the probe times out: the app answers slower than timeoutSeconds under load or at start-up"
            } else if declared.is_empty() && !slow_start {
                "nothing listens on the probed port (the container declares no ports): the app listens elsewhere or starts slower than the probe allows"
            } else {
                "nothing listens yet when the probe runs: the app starts slower than the probe allows"
            };
            (
                if slow_start { 82 } else { 72 },
                format!(
                    "the {} probe {} container {name}{} ({}): {why}{}",
                    kind.as_str(),
                    if kills.is_empty() {
                        "fails on"
                    } else {
                        "kills"
                    },
                    port_num
                        .map(|n| format!(" on port {n}"))
                        .unwrap_or_default(),
                    settings(probe),
                    if slow_start {
                        "; the container has no startupProbe"
                    } else {
                        ""
                    }
                ),
                format!(
                    "{}Tune the probe of {workload}: add a startupProbe for slow starts, raise timeoutSeconds/failureThreshold, and check the app listens on the probed port; keep liveness to \"the process is wedged\" — dependency checks belong in readiness, not liveness.{}",
                    // The field that gives a slow start its time, named.
                    probe
                        .filter(|_| slow_start)
                        .map(|p| format!(
                            "Container {name} needs longer to start than its {}Probe waits ({}s: initialDelaySeconds {} + failureThreshold × periodSeconds): give it a `startupProbe` (failureThreshold × periodSeconds above its start-up time), or raise `{}Probe.initialDelaySeconds`. ",
                            kind.as_str(),
                            budget(p),
                            p.initial_delay_seconds.unwrap_or(0),
                            kind.as_str()
                        ))
                        .unwrap_or_default(),
                    // A CPU limit throttles the process, and a throttled
                    // process answers its probes late.
                    spec.and_then(|c| c.resources.as_ref()?.limits.as_ref()?.get("cpu"))
                        .filter(|_| out == ProbeOutcome::Timeout)
                        .map(|cpu| format!(" Container {name} is limited to {} CPU, and a throttled process answers late: raise its resources.limits.cpu (or drop the limit).", cpu.0))
                        .unwrap_or_default()
                ),
            )
        }
        ProbeOutcome::Other => (
            if crash { 80 } else { 60 },
            format!(
                "the {} probe {}container {name} ({}): the probe fails",
                kind.as_str(),
                if kills.is_empty() {
                    "fails on "
                } else {
                    "kills "
                },
                settings(probe)
            ),
            format!(
                "Tune the probe of {workload}: add a startupProbe for slow starts, raise timeoutSeconds/failureThreshold, and keep liveness to \"the process is wedged\"."
            ),
        ),
    }
    };
    // Nothing listens because the process waits on a peer its configuration
    // names, which a NetworkPolicy keeps from it (a Strimzi operator whose
    // ZooKeeper admits only the cluster's own pods): the policy, not the
    // probe's timing.
    if matches!(out, ProbeOutcome::Timeout | ProbeOutcome::Refused)
        && kind != ProbeKind::Readiness
        && let Some(mut p) = super::follow::policy_on_configured_peers(a, pod, name)
    {
        p.score = p.score.max(score + 2);
        for l in links {
            p = p.link(l);
        }
        return vec![p];
    }
    // The cluster's own plumbing (its DNS, the pod network, kube-proxy)
    // failing its probes: its loop is down, as for its crash.
    let role = model::infra_role(a.cluster, pod);
    let loop_ = role.as_ref().map_or(Loop::Compute, |r| r.loop_);
    let fix = match &role {
        Some(r) => format!(
            "{fix} {} is part of {}: {}",
            workload,
            r.what,
            r.check
                .replace("{ns}", pod.ns_or_default())
                .replace("{pod}", pod.name())
        ),
        None => fix,
    };
    let mut h = Hypothesis::new(score, loop_, workload.clone(), summary).fix(fix);
    for l in links {
        h = h.link(l);
    }
    if only_readiness {
        // Readiness failing only: the pod stays out of its Services' endpoints.
        for svc in a
            .cluster
            .services
            .iter()
            .filter(|s| s.ns_or_default() == pod.ns_or_default())
        {
            if service::selected_pods(a, svc)
                .iter()
                .any(|p| p.name() == pod.name())
            {
                h = h.link(Link::new(
                    Loop::Network,
                    d.since,
                    svc.objref(),
                    format!("Service {} loses pod {} from its ready endpoints (see ServiceWithoutReadyEndpoints)", svc.name(), pod.name()),
                ));
            }
        }
    }
    hs.push(h);
    hs
}

/// Whether the container is killed while it starts: its last run lasted no
/// longer than the probe's budget (initialDelaySeconds + periodSeconds ×
/// failureThreshold, plus two periods of slack), or, without a finished run,
/// the first failure came within that budget of the pod's creation. Read from
/// the container's start and finish and the events' timestamps.
fn started_late(d: &Detected<'_>, name: &str, p: &Probe, first_fail: Option<&Event>) -> bool {
    let Some(pod) = d.pod() else { return false };
    let slack = budget(p) + 2 * i64::from(p.period_seconds.unwrap_or(10));
    let last_run = model::container_statuses(pod)
        .find(|s| s.name == name)
        .and_then(|cs| cs.last_state.as_ref())
        .and_then(|s| s.terminated.as_ref())
        .and_then(|t| Some((t.started_at.as_ref()?.0, t.finished_at.as_ref()?.0)));
    if let Some((start, end)) = last_run {
        let lasted = end.as_second() - start.as_second();
        return (0..=slack).contains(&lasted);
    }
    match (
        model::creation(&pod.metadata),
        first_fail.and_then(|e| e.first),
    ) {
        (Some(created), Some(fail)) => {
            (0..=slack + 60).contains(&(fail.as_second() - created.as_second()))
        }
        _ => false,
    }
}

/// The container's other declared ports, when the probe's port is one of
/// them: an HTTP error status is an answer, so something listens there,
/// and another port of the same container may be the one that serves the
/// health endpoint.
fn other_ports(declared: &[(i32, Option<&str>)], probed: Option<i32>) -> Option<String> {
    let probed = probed?;
    if !declared.iter().any(|(n, _)| *n == probed) {
        return None;
    }
    let mut seen = Vec::new();
    let others: Vec<String> = declared
        .iter()
        .filter(|(n, _)| *n != probed)
        .filter(|(n, _)| {
            let new = !seen.contains(n);
            seen.push(*n);
            new
        })
        .map(|(n, nm)| match nm {
            Some(nm) => format!("{n} ({nm})"),
            None => n.to_string(),
        })
        .collect();
    (!others.is_empty()).then(|| others.join(", "))
}

/// A controller built on controller-runtime serves `/healthz` and
/// `/readyz` on its health probe address (`:8081` in kubebuilder's
/// scaffold), a port its manifests rarely declare: probes there are
/// meant, and a refusal means the manager has not started serving yet
/// (kubeflow/training-operator#1841), not a probe at the wrong port.
fn controller_runtime_health(c: &k8s_openapi::api::core::v1::Container) -> bool {
    let path = |p: Option<&k8s_openapi::api::core::v1::Probe>| {
        p.and_then(|p| p.http_get.as_ref())
            .and_then(|h| h.path.as_deref())
            .map(|x| x.trim_end_matches('/').to_owned())
    };
    let flagged = c
        .args
        .iter()
        .flatten()
        .chain(c.command.iter().flatten())
        .any(|a| a.contains("health-probe-bind-address"));
    path(c.liveness_probe.as_ref()).as_deref() == Some("/healthz")
        && path(c.readiness_probe.as_ref()).as_deref() == Some("/readyz")
        && (flagged || c.command.iter().flatten().any(|x| x == "/manager"))
}
