//! Two iptables back ends on one node. Distributions of 2019 on (Debian 10,
//! RHEL and CentOS 8, Fedora, Ubuntu 21.04 and later) run `iptables` over
//! nftables; an agent that writes its rules with the legacy back end puts
//! them in tables the kernel's nftables path does not consult the same
//! way, and pod traffic is dropped or never translated: probes and DNS
//! time out, CoreDNS never syncs. Calico before 3.8 knows only the legacy
//! back end (projectcalico/calico#2322: Calico 3.3 on Debian buster), and
//! `FELIX_IPTABLESBACKEND: Legacy` forces it on later releases;
//! kube-proxy's images before 1.17 ship legacy iptables alone
//! (kubernetes/kubernetes#71305).

use day2_model::{Loop, ObjRef};

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detail, Detected, Kind};

/// Whether an OS image runs iptables over nftables by default.
fn nft_default(os: &str) -> bool {
    let major = |prefix: &str| -> Option<u32> {
        let rest = os.split_once(prefix)?.1.trim_start();
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    major("Debian GNU/Linux ").is_some_and(|v| v >= 10)
        || major("Red Hat Enterprise Linux ").is_some_and(|v| v >= 8)
        || major("CentOS Linux ").is_some_and(|v| v >= 8)
        || major("Rocky Linux ").is_some_and(|v| v >= 8)
        || major("AlmaLinux ").is_some_and(|v| v >= 8)
        || major("Oracle Linux Server ").is_some_and(|v| v >= 8)
        || major("Fedora").is_some_and(|v| v >= 32)
        || major("Ubuntu ").is_some_and(|v| v >= 21)
        || os.starts_with("CentOS Stream")
}

use crate::messages::image::tag_version;

/// The agent that writes legacy rules on nodes whose iptables is nftables,
/// and why: `(workload, summary, fix)`.
fn legacy_writer(a: &Analysis<'_>) -> Option<(ObjRef, String, String)> {
    let nodes: Vec<(&str, &str)> = a
        .cluster
        .nodes
        .iter()
        .filter_map(|n| {
            Some((
                n.name(),
                n.status.as_ref()?.node_info.as_ref()?.os_image.as_str(),
            ))
        })
        .filter(|(_, os)| nft_default(os))
        .collect();
    let (_, os) = *nodes.first()?;
    let names: Vec<&str> = nodes.iter().map(|(n, _)| *n).collect();
    let on = format!(
        "node(s) {} run {os}, whose iptables is nftables",
        day2_model::text::short_list(&names, 4)
    );
    // The pod network's agent first: its rules carry every pod's traffic,
    // the Service proxy's only Service addresses.
    let containers = || {
        a.cluster.daemon_sets.iter().flat_map(|ds| {
            ds.spec
                .template
                .spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .map(move |c| (ds, c))
        })
    };
    for pass in [true, false] {
        for (ds, c) in containers() {
            let image = c.image.as_deref().unwrap_or("");
            if pass && image.contains("calico/node") {
                let backend = c
                    .env
                    .iter()
                    .flatten()
                    .find(|e| e.name == "FELIX_IPTABLESBACKEND")
                    .and_then(|e| e.value.as_deref());
                let old = tag_version(image).is_some_and(|v| v < (3, 8));
                let why = if old {
                    format!(
                        "calico-node {image} writes its rules with legacy iptables only (the nftables back end came in Calico 3.8)"
                    )
                } else if backend.is_some_and(|b| b.eq_ignore_ascii_case("legacy")) {
                    format!(
                        "calico-node is told `FELIX_IPTABLESBACKEND: {}`",
                        backend.unwrap_or_default()
                    )
                } else {
                    continue;
                };
                return Some((
                    ds.objref(),
                    format!("{on}, and {why}: pod traffic is dropped between the two rule sets"),
                    format!(
                        "Make {} write nftables rules: upgrade Calico to 3.8 or later and set `FELIX_IPTABLESBACKEND: NFT` on the calico-node container (Auto detects it on a clean node); or switch the nodes to legacy iptables (`update-alternatives --set iptables /usr/sbin/iptables-legacy`, and ip6tables, then reboot). Restart the calico-node pods afterwards.",
                        ds.objref()
                    ),
                ));
            }
            if !pass
                && (c.name == "kube-proxy" || image.contains("kube-proxy"))
                && tag_version(image).is_some_and(|v| v < (1, 17))
            {
                return Some((
                    ds.objref(),
                    format!(
                        "{on}, and kube-proxy {image} ships legacy iptables only (images before 1.17): the Service rules it writes are not the ones the node's traffic meets, so ClusterIPs time out"
                    ),
                    format!(
                        "Upgrade kube-proxy ({}) to 1.17 or later, whose image picks the node's iptables back end, or switch the nodes to legacy iptables (`update-alternatives --set iptables /usr/sbin/iptables-legacy`, and ip6tables, then reboot).",
                        ds.objref()
                    ),
                ));
            }
        }
    }
    None
}

/// Whether the symptom looks like dropped pod traffic: a network timeout
/// in what the container said, or a probe that times out or a CoreDNS that
/// answers 503 (its kubernetes plugin cannot reach the API).
fn looks_dropped<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> bool {
    let Some(pod) = d.pod() else { return false };
    let timeout = |t: &str| {
        let l = t.to_ascii_lowercase();
        l.contains("i/o timeout")
            || l.contains("connection timed out")
            || l.contains("no route to host")
            || l.contains("awaiting headers")
            || l.contains("context deadline exceeded")
    };
    let coredns = pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .any(|c| c.image.as_deref().is_some_and(|i| i.contains("coredns")))
    });
    let events = a.cluster.events_for_obj(pod);
    let probe = events.iter().any(|e| {
        e.reason == "Unhealthy"
            && (timeout(e.message_text())
                || (coredns && e.message_text().contains("statuscode: 503")))
    });
    let said = match &d.detail {
        Detail::Crash { container, .. } => super::follow::crash_texts(a, d, pod, container)
            .iter()
            .any(|t| timeout(t)),
        _ => false,
    };
    probe || said
}

pub fn mismatched<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    if !matches!(d.kind, Kind::CrashLoopBackOff | Kind::ProbeFailing) {
        return vec![];
    }
    // The cluster's agents and nodes first, read once per run: most
    // clusters have no such agent, and then no symptom is read further.
    let Some((obj, summary, fix)) = a
        .memo
        .legacy_iptables
        .get_or_init(|| legacy_writer(a))
        .clone()
    else {
        return vec![];
    };
    if !looks_dropped(a, d) {
        return vec![];
    }
    let what = d
        .pod()
        .map(|p| format!("{} cannot reach what it needs", p.name()))
        .unwrap_or_default();
    vec![Hypothesis::new(80, Loop::Network, obj, format!("{what}: {summary}")).fix(fix)]
}

#[cfg(test)]
mod tests {
    #[test]
    fn nftables_by_default_and_image_versions() {
        assert!(super::nft_default("Debian GNU/Linux 10 (buster)"));
        assert!(!super::nft_default("Debian GNU/Linux 9 (stretch)"));
        assert!(super::nft_default("Red Hat Enterprise Linux 8.8 (Ootpa)"));
        assert!(!super::nft_default("Ubuntu 20.04.6 LTS"));
        assert!(super::nft_default("Ubuntu 22.04.3 LTS"));
        assert_eq!(
            super::tag_version("quay.io/calico/node:v3.3.2"),
            Some((3, 3))
        );
        assert_eq!(
            super::tag_version("k8s.gcr.io/kube-proxy:v1.16.3"),
            Some((1, 16))
        );
        assert_eq!(super::tag_version("calico/node"), None);
    }
}
