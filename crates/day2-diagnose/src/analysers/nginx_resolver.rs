//! nginx resolves the address of its `resolver` directive once, at start-up,
//! through the system resolver, and refuses to start when that fails:
//! `[emerg] host not found in resolver "NAME" in /etc/nginx/nginx.conf:25`
//! (`ngx_http_core_resolver`, "host not found in resolver \"%V\""). The
//! gateways of the Grafana charts (Loki, Mimir, Tempo) name the cluster DNS
//! Service there, `kube-dns.kube-system.svc.cluster.local`:
//!
//! - on a cluster whose DNS Service has another name (RKE2's
//!   `rke2-coredns-rke2-coredns`) the name resolves to nothing
//!   (grafana/mimir#1669);
//! - where the Service exists, nginx still asks the system resolver with the
//!   pod's search path, and a name without the final dot can fail there
//!   (grafana/tempo#2103: `global.clusterDomain: cluster.local.`);
//! - under a domain the cluster DNS does not serve, nothing resolves.

use super::crash::served_domains;
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::k8s_openapi::api::core::v1::Service;
use day2_model::{Loop, Res};

/// The name in nginx's `host not found in resolver "NAME"`.
fn resolver_name(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("host not found in resolver \"")?;
    let (name, _) = rest.split_once('"')?;
    (!name.is_empty()).then_some(name)
}

/// The cluster's DNS Service ([`super::follow::dns_service`]), else one of
/// kube-system named for CoreDNS or kube-dns.
fn cluster_dns<'c>(a: &Analysis<'c>) -> Option<&'c Res<Service>> {
    super::follow::dns_service(a).or_else(|| {
        a.cluster.services.iter().find(|s| {
            s.ns_or_default() == "kube-system"
                && (s.name().contains("kube-dns") || s.name().contains("coredns"))
        })
    })
}

pub fn unresolved<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some(name) = texts.iter().find_map(|t| resolver_name(t)) else {
        return vec![];
    };
    let name = name.to_owned();
    let ns = pod.ns_or_default();
    // The ConfigMap the pod mounts that holds the directive, else the workload.
    let directive = format!("resolver {name}");
    let holder = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref())
        .filter_map(|cm| a.references().config_maps.get(&(ns, cm.name.as_str())))
        .find(|cm| {
            cm.data
                .iter()
                .flatten()
                .any(|(_, v)| v.contains(&directive))
        });
    let workload = model::workload_ref(a.cluster, pod);
    let root = holder.map_or_else(|| workload.clone(), |cm| cm.objref());
    let held_in = holder.map_or_else(
        || format!("the nginx configuration of {workload}"),
        |cm| format!("ConfigMap {ns}/{}", cm.name()),
    );
    let bare = name.trim_end_matches('.');
    let labels: Vec<&str> = bare.split('.').collect();
    let (svc, svc_ns) = match labels.as_slice() {
        [s, n, "svc", ..] | [s, n] => (*s, *n),
        _ => ("", ""),
    };
    let domain = bare.split_once(".svc.").map(|(_, dom)| dom);
    let served = served_domains(a);
    let link = Link::new(
        Loop::Network,
        None,
        root.clone(),
        format!("nginx cannot resolve its resolver {name} at start-up"),
    );
    let said = format!(
        "nginx in container {container} of {} does not start: `host not found in resolver \"{name}\"`",
        pod.name()
    );
    // A domain the cluster DNS does not serve.
    if let (Some(dom), Some((cm, zones))) = (domain, served.as_ref())
        && !zones.iter().any(|z| z == dom)
    {
        let zones = zones.join(", ");
        return vec![
            Hypothesis::new(84, Loop::Network, root, format!("{said}: the cluster DNS serves {zones} (ConfigMap {}/{}), not {dom}", cm.ns_or_default(), cm.name()))
                .fix(format!("Name the resolver under the cluster's domain in {held_in}: `resolver {svc}.{svc_ns}.svc.{zones}.;` (the Grafana charts: `global.clusterDomain`)."))
                .link(link),
        ];
    }
    let in_input = |n: &str, s: &str| a.service(n, s).is_some();
    let namespace_held = a
        .cluster
        .services
        .iter()
        .any(|x| x.ns_or_default() == svc_ns);
    if !svc.is_empty() && namespace_held && !in_input(svc_ns, svc) {
        let there = cluster_dns(a).filter(|s| s.name() != svc);
        let (what, fix) = match there {
            Some(dns) => (
                format!(
                    "there is no Service {svc_ns}/{svc}; the cluster's DNS Service is {}/{}",
                    dns.ns_or_default(),
                    dns.name()
                ),
                format!(
                    "Point nginx's resolver at the DNS Service this cluster has, in {held_in}: `resolver {}.{}.svc.{}.;` (the Grafana charts: the gateway's `nginx.config.dnsService: {}` and `dnsNamespace: {}`), or at its ClusterIP{}.",
                    dns.name(),
                    dns.ns_or_default(),
                    domain.unwrap_or("cluster.local"),
                    dns.name(),
                    dns.ns_or_default(),
                    dns.spec
                        .as_ref()
                        .and_then(|s| s.cluster_ip.as_deref())
                        .map(|ip| format!(" ({ip})"))
                        .unwrap_or_default()
                ),
            ),
            None => (
                format!("there is no Service {svc_ns}/{svc}"),
                format!(
                    "Point nginx's resolver in {held_in} at the cluster's DNS Service (`kubectl get svc -n kube-system -l k8s-app=kube-dns`), by its fully qualified name with a final dot or by its ClusterIP."
                ),
            ),
        };
        let mut h = Hypothesis::new(86, Loop::Network, root, format!("{said}: {what}"))
            .fix(fix)
            .link(link);
        if let Some(dns) = there {
            h = h.link(Link::new(
                Loop::Network,
                None,
                dns.objref(),
                format!("the cluster DNS Service is {}", dns.name()),
            ));
        }
        return vec![h];
    }
    if in_input(svc_ns, svc) && !name.ends_with('.') {
        let ip = a
            .service(svc_ns, svc)
            .and_then(|s| s.spec.as_ref()?.cluster_ip.clone())
            .map(|ip| format!(" or its ClusterIP, {ip}"))
            .unwrap_or_default();
        return vec![
            Hypothesis::new(
                80,
                Loop::Network,
                root,
                format!("{said}: Service {svc_ns}/{svc} exists, but nginx asks the system resolver for the name as written, through the pod's search path, and a name without the final dot can fail there"),
            )
            .fix(format!("Write the resolver fully qualified with a final dot in {held_in}: `resolver {name}.;`{ip} (the Grafana charts: `global.clusterDomain: cluster.local.`, with the dot)."))
            .link(link),
        ];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nginx_words() {
        assert_eq!(
            resolver_name(
                "2022/04/10 07:38:01 [emerg] 1#1: host not found in resolver \"kube-dns.kube-system.svc.cluster.local\" in /etc/nginx/nginx.conf:25"
            ),
            Some("kube-dns.kube-system.svc.cluster.local")
        );
        assert_eq!(resolver_name("host not found in upstream \"api:80\""), None);
    }
}
