//! A server told to listen on IPv4's wildcard, `0.0.0.0`, in a pod whose
//! address is IPv6 (an IPv6 cluster: EKS with `ipFamily: ipv6`, or a
//! dual-stack cluster with IPv6 first): the kubelet's probes, Services and
//! peers connect to the IPv6 address, where nothing listens, and every
//! connection is refused (fluent/helm-charts#355: Fluent Bit's
//! `HTTP_Listen 0.0.0.0`). Listening on `::` takes both families on Linux.
//! And memberlist finding no private address on the pod to advertise.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

pub fn ipv4_wildcard<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let container = match &d.detail {
        Detail::Crash { container, .. } | Detail::Probe { container } => container.as_str(),
        _ => return vec![],
    };
    let Some(ip) = pod
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.as_deref())
        .filter(|ip| ip.contains(':'))
    else {
        return vec![];
    };
    let refused = a
        .cluster
        .events_for_obj(pod)
        .iter()
        .any(|e| &*e.reason == "Unhealthy" && e.message_text().contains("connection refused"));
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    if !refused {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    // The setting: a mounted configuration line, an environment variable or
    // a flag that names 0.0.0.0.
    let in_config = super::probe_listen::mounted_config_maps(a, pod, c)
        .into_iter()
        .find_map(|cm| {
            cm.data.iter().flatten().find_map(|(file, text)| {
                text.lines()
                    .map(str::trim)
                    .find(|l| l.contains("0.0.0.0") && !l.starts_with('#'))
                    .map(|l| (cm, file.clone(), l.to_owned()))
            })
        });
    let in_spec = c
        .env
        .iter()
        .flatten()
        .filter_map(|e| Some((e.name.as_str(), e.value.as_deref()?)))
        .find(|(_, v)| v.contains("0.0.0.0"))
        .map(|(n, v)| format!("{n}={v}"))
        .or_else(|| {
            model::command_line(c)
                .find(|x| x.contains("0.0.0.0"))
                .cloned()
        });
    let (root, setting) = match (&in_config, &in_spec) {
        (Some((cm, file, line)), _) => (
            cm.objref(),
            format!(
                "`{line}` in {file} of ConfigMap {}/{}",
                cm.ns_or_default(),
                cm.name()
            ),
        ),
        (None, Some(s)) => (workload.clone(), format!("`{s}` in {workload}")),
        (None, None) => return vec![],
    };
    vec![
        Hypothesis::new(
            90,
            Loop::Network,
            root,
            format!("container {container} of {} listens on 0.0.0.0, IPv4 only ({setting}), but the pod's address is IPv6 ({ip}): the kubelet's probes and every peer connect over IPv6 and are refused", pod.name()),
        )
        .fix(format!("Listen on `::` instead of 0.0.0.0 in {setting} (for Fluent Bit `HTTP_Listen ::`): on Linux `::` accepts IPv6 and IPv4 alike, so the same setting serves IPv6 and dual-stack clusters; then restart the pods.")),
    ]
}

/// hashicorp/memberlist's refusal to guess an address to advertise when the
/// pod's interface has none in the private ranges it knows (RFC 1918): a
/// pod network in the shared range (100.64.0.0/10: EKS custom networking,
/// GKE's and Calico's non-RFC 1918 pools) or public addresses
/// (grafana/mimir#4848). Mimir, Loki, Tempo and Cortex gossip their ring
/// through memberlist and exit at start-up.
const NO_PRIVATE: &str = "no private IP address found, and explicit IP not provided";

pub fn no_private_address<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    if !texts.iter().any(|t| t.contains(NO_PRIVATE)) {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let ip = pod
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.as_deref())
        .map(|ip| format!(" {ip}"))
        .unwrap_or_default();
    vec![
        Hypothesis::new(
            86,
            Loop::Network,
            workload.clone(),
            format!("container {container} of {} cannot join its memberlist ring: the pod's address{ip} is in none of the private ranges memberlist picks an advertise address from, and none is set, so it exits at start-up", pod.name()),
        )
        .fix(format!("Give memberlist the pod's address explicitly in {workload}: an env var `POD_IP` from `fieldRef: status.podIP` and `-memberlist.advertise-addr=$(POD_IP)` (Mimir, Cortex), `memberlist.advertise_addr` / `common.instance_addr` (Loki, Tempo), or the chart's `memberlist.bind_addr`; or use a pod network in a private (RFC 1918) range.")),
    ]
}
