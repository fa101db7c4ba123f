//! A name outside the cluster under the cluster's own DNS domain. The
//! cluster DNS is authoritative for its domain (kube-dns's `--domain`,
//! CoreDNS's `kubernetes <domain>` zone): it answers NXDOMAIN for every
//! name there that is not a Service or pod record, and never asks the
//! upstream. A cluster created with a company's domain as its cluster
//! domain cannot resolve that company's other hosts (rancher/rancher#16454:
//! RKE's `cluster_domain: mycluster.com` with the Rancher server at
//! `rancher.mycluster.com`). The DNS workload's Corefile comes from its
//! caller, which reads it.

use super::*;

/// The cluster domain the DNS workload serves, when it is not the default.
fn served_domain(
    w: &Workload<'_>,
    corefile: Option<&Res<k8s_openapi::api::core::v1::ConfigMap>>,
) -> Option<String> {
    let from_args = w
        .spec
        .containers
        .iter()
        .flat_map(|c| c.command.iter().flatten().chain(c.args.iter().flatten()))
        .find_map(|x| x.strip_prefix("--domain="))
        .map(|d| d.trim_end_matches('.').to_owned());
    let from_corefile = || {
        corefile?.data.iter().flatten().find_map(|(_, text)| {
            text.lines().find_map(|l| {
                let mut words = l.split_whitespace();
                (words.next()? == "kubernetes")
                    .then(|| words.next())?
                    .map(|d| d.trim_end_matches('.').to_owned())
            })
        })
    };
    from_args
        .or_else(from_corefile)
        .filter(|d| !d.is_empty() && d != "cluster.local")
}

pub(super) fn shadowed(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    (w, corefile): (
        &Workload<'_>,
        Option<&Res<k8s_openapi::api::core::v1::ConfigMap>>,
    ),
    host: &str,
    what: &str,
) -> Option<Hypothesis> {
    let domain = served_domain(w, corefile)?;
    let host = host.trim_end_matches('.');
    let inside = host
        .strip_suffix(&domain)
        .and_then(|h| h.strip_suffix('.'))?;
    // A Service or pod record of the domain is the DNS's own.
    if inside.ends_with(".svc") || inside.ends_with(".pod") || inside == "svc" {
        return None;
    }
    let owner = model::workload_ref(a.cluster, pod);
    let dns = w.name();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            day2_model::ObjRef::new(w.kind, Some(w.namespace()), dns),
            format!("{what}: {host} lies under {domain}, the cluster's own DNS domain, for which {dns} answers itself (NXDOMAIN for every name that is not a Service or pod record) and never asks the upstream resolver"),
        )
        .fix(format!("Give the cluster a domain of its own (the default `cluster.local`; RKE's `cluster_domain`, kubeadm's `networking.dnsDomain`, the kubelet's `clusterDomain` and {dns}'s domain together, which means rebuilding the cluster), or, to keep it, resolve {host} for {owner} another way: a `hostAliases` entry, or a stub domain in the DNS configuration that forwards {host} to the company's resolver."))
        .missing(format!("the answer {dns} gives for {host} (`kubectl run dnscheck --rm -it --image=busybox:1.36 --restart=Never -- nslookup {host}`)")),
    )
}
