//! The cluster DNS killed for memory seconds after it starts, while its
//! Corefile forwards to the node's `/etc/resolv.conf`: when that file names
//! a stub resolver on the node's loopback (systemd-resolved's 127.0.0.53),
//! CoreDNS forwards to itself and its memory grows until the kernel kills
//! it. CoreDNS 1.3 and later stop at once and log `plugin/loop: Loop …
//! detected` ([`crate::messages::errors`] reads that); older ones, or a
//! Corefile without `loop`, just run out of memory (coredns/coredns#1986).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::{Loop, ObjRef, Pod, Res};

/// Seconds a forwarding loop takes to fill a DNS pod's memory: the loop
/// multiplies every query, so the kill comes within a minute of the start.
const QUICK: i64 = 60;

pub fn forwarding_loop(a: &Analysis<'_>, pod: &Res<Pod>, container: &str) -> Option<Hypothesis> {
    let role = model::infra_role(a.cluster, pod)?;
    if role.what != "the cluster DNS" {
        return None;
    }
    let quick = model::container_statuses(pod)
        .filter(|s| s.name == container)
        .filter_map(|s| s.last_state.as_deref()?.terminated.as_ref())
        .any(|t| {
            matches!((&t.started_at, &t.finished_at), (Some(s), Some(f)) if f.0.as_second() - s.0.as_second() < QUICK)
        });
    if !quick {
        return None;
    }
    // The Corefile of the pod's own ConfigMap volume, else `coredns`.
    let ns = pod.ns_or_default();
    let mounted = pod
        .spec
        .as_ref()
        .into_iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .find_map(|v| v.config_map.as_ref().map(|c| c.name.clone()));
    let cm = a
        .cluster
        .config_maps
        .iter()
        .filter(|m| m.ns_or_default() == ns)
        .find(|m| {
            Some(m.name()) == mounted.as_deref() || (mounted.is_none() && m.name() == "coredns")
        })?;
    let corefile = cm.data.as_ref()?.get("Corefile")?;
    let forwards = corefile.lines().map(str::trim).any(|l| {
        (l.starts_with("forward ") || l.starts_with("proxy "))
            && l.split_whitespace().any(|w| w == "/etc/resolv.conf")
    });
    if !forwards {
        return None;
    }
    let has_loop = corefile.lines().any(|l| l.trim() == "loop");
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            ObjRef::new("ConfigMap", Some(ns), cm.name()),
            format!(
                "{} is killed for memory within a minute of starting, and its Corefile (ConfigMap {ns}/{}) forwards to the node's /etc/resolv.conf: when that names a resolver on the node's loopback (127.0.0.53 of systemd-resolved), CoreDNS forwards to itself and the looping queries fill its memory{}",
                pod.name(),
                cm.name(),
                if has_loop { "" } else { " (the Corefile has no `loop` plugin to stop it)" }
            ),
        )
        .fix(format!(
            "Give CoreDNS real upstream servers: point the kubelet's `resolvConf` at `/run/systemd/resolve/resolv.conf` (the upstreams systemd-resolved uses) on every node and restart the kubelet, or replace `/etc/resolv.conf` in the `forward` line of ConfigMap {ns}/{} with the upstream addresses (`forward . 10.0.0.2 1.1.1.1`); add the `loop` plugin so a loop stops CoreDNS with a clear message instead of an OOM kill.",
            cm.name()
        )),
    )
}
