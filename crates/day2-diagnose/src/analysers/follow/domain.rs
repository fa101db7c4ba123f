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

/// Top-level domains that only a private resolver serves: Consul's DNS
/// interface (`<service>.service.consul`, `<node>.node.consul`).
const PRIVATE_TLDS: [&str; 1] = ["consul"];

/// A name of a private domain (Consul's `.consul`, or the domain the
/// nodes' own names are under, when it is not a public one) that no
/// server block of the Corefile sends to the resolver serving it: CoreDNS
/// forwards it with every other outside name to the nodes' resolvers
/// (`forward . /etc/resolv.conf`), which pick an upstream at random among
/// several, and a public one answers NXDOMAIN (coredns/coredns#2830: the
/// nodes' resolv.conf listing Consul's resolver and 1.1.1.1).
pub(super) fn private_unrouted(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    corefile: Option<&Res<k8s_openapi::api::core::v1::ConfigMap>>,
    host: &str,
    what: &str,
) -> Option<Hypothesis> {
    let host = host.trim_end_matches('.');
    let tld = host.rsplit('.').next()?;
    let nodes_under = || {
        let shared = *a.memo.nodes_tld.get_or_init(|| {
            let mut tlds = a.cluster.nodes.iter().map(|n| {
                n.name()
                    .contains('.')
                    .then(|| n.name().rsplit('.').next())
                    .flatten()
            });
            let first = tlds.next()??;
            tlds.all(|t| t == Some(first)).then_some(first)
        });
        shared == Some(tld) && !PUBLIC_TLDS.contains(&tld) && !RESOLVER_TLDS.contains(&tld)
    };
    if !(PRIVATE_TLDS.contains(&tld) || nodes_under()) {
        return None;
    }
    let cm = corefile?;
    let text = cm.data.as_ref()?.values().find(|t| t.contains("forward"))?;
    // A server block for the domain (`consul:53 {`, `service.consul {`).
    let routed = text.lines().any(|l| {
        let l = l.trim();
        l.ends_with('{')
            && l.split_whitespace()
                .next()
                .map(|z| {
                    z.trim_end_matches(['{', ' '])
                        .split(':')
                        .next()
                        .unwrap_or("")
                })
                .is_some_and(|z| {
                    let z = z.trim_end_matches('.');
                    z != "." && !z.is_empty() && (host == z || host.ends_with(&format!(".{z}")))
                })
    });
    if routed {
        return None;
    }
    let forward = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("forward ") || l.starts_with("proxy "))?;
    let owner = model::workload_ref(a.cluster, pod);
    let ns = cm.ns_or_default();
    Some(
        Hypothesis::new(
            80,
            Loop::Network,
            cm.objref(),
            format!("{what}: {host} is under `{tld}`, a private domain only its own resolver serves, and the Corefile in ConfigMap {ns}/{} has no server block for it: CoreDNS sends it with every other outside name to `{forward}`, where an upstream that does not know the domain answers NXDOMAIN (several upstreams are tried at random, so lookups fail some of the time or all of it)", cm.name()),
        )
        .fix(format!("Add a stub domain to the Corefile in ConfigMap {ns}/{} that sends `{tld}` to the resolver serving it (`{tld}:53 {{ errors\\n cache 30\\n forward . <{tld} DNS address> }}`, for Consul its DNS service or agents on port 8600 or 53), or forward only to that resolver (`policy sequential` with it first); CoreDNS reloads the Corefile within a minute. {owner} then resolves {host}.", cm.name()))
        .missing("the upstreams the nodes' /etc/resolv.conf lists (`cat /etc/resolv.conf` on a node)"),
    )
}

/// Domains the nodes' own resolver serves (a cloud's VPC resolver answers
/// `ec2.internal`, `c.<project>.internal`; `local` is mDNS's).
const RESOLVER_TLDS: [&str; 5] = ["internal", "local", "localdomain", "lan", "home"];

/// Public top-level domains a company's node names often end in.
const PUBLIC_TLDS: [&str; 12] = [
    "com", "net", "org", "io", "dev", "app", "cloud", "de", "uk", "eu", "co", "info",
];
