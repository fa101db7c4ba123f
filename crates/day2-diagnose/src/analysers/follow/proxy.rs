//! A connection to the outside that times out from a pod with no HTTP
//! proxy, in a cluster whose other workloads go out through one: the
//! network lets out only the proxy (a corporate egress through Squid, a
//! private VPC without a NAT gateway), and the workload was not given the
//! settings the others carry (the `proxy-environment-variables` ConfigMap
//! of the EKS guide; kubernetes/autoscaler#5487, cluster-autoscaler's STS
//! call timing out while aws-node, set up with the proxy, reached AWS).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Container;

const NAMES: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/// Where a container's proxy comes from: `Some(Some(cm))` from ConfigMap
/// `cm` (its `NO_PROXY` with it), `Some(None)` from its own env.
fn proxy_source<'c>(
    a: &Analysis<'c>,
    ns: &str,
    c: &Container,
) -> Option<Option<&'c Res<k8s_openapi::api::core::v1::ConfigMap>>> {
    if c.env.iter().flatten().any(|e| {
        NAMES.contains(&e.name.as_str()) && e.value.as_deref().is_some_and(|v| !v.is_empty())
    }) {
        return Some(None);
    }
    let maps = a.memo.proxy_maps.get_or_init(|| {
        a.cluster
            .config_maps
            .iter()
            .filter(|cm| {
                cm.data.as_ref().is_some_and(|d| {
                    NAMES
                        .iter()
                        .any(|n| d.get(*n).is_some_and(|v| !v.is_empty()))
                })
            })
            .map(|cm| ((cm.ns_or_default(), cm.name()), cm))
            .collect()
    });
    c.env_from.iter().flatten().find_map(|f| {
        let name = f.config_map_ref.as_ref()?.name.as_str();
        maps.get(&(ns, name)).map(|cm| Some(*cm))
    })
}

/// Whether any of `containers`, of a pod in `ns`, goes out through a proxy.
pub(crate) fn takes_proxy<'a>(
    a: &Analysis<'_>,
    ns: &str,
    mut containers: impl Iterator<Item = &'a Container>,
) -> bool {
    containers.any(|c| proxy_source(a, ns, c).is_some())
}

/// The pods whose containers go out through a proxy, found once per run.
pub(crate) fn proxied_pods<'a, 'c>(a: &'a Analysis<'c>) -> &'a [&'c Res<Pod>] {
    a.memo.proxied.get_or_init(|| {
        a.cluster
            .pods
            .iter()
            .filter(|p| takes_proxy(a, p.ns_or_default(), containers(p)))
            .collect()
    })
}

/// The proxy a pod's containers use: the first of `HTTPS_PROXY`,
/// `https_proxy`, `HTTP_PROXY`, `http_proxy` that is set, in their own
/// environment or in the ConfigMap they read it from.
pub(crate) fn proxy_url(a: &Analysis<'_>, pod: &Res<Pod>) -> Option<String> {
    let ns = pod.ns_or_default();
    containers(pod).find_map(|c| {
        let set = |v: Option<&String>| v.filter(|v| !v.is_empty()).cloned();
        match proxy_source(a, ns, c)? {
            None => NAMES.iter().find_map(|n| {
                set(c
                    .env
                    .iter()
                    .flatten()
                    .find(|e| e.name == *n)?
                    .value
                    .as_ref())
            }),
            Some(cm) => NAMES.iter().find_map(|n| set(cm.data.as_ref()?.get(*n))),
        }
    })
}

fn containers(p: &Pod) -> impl Iterator<Item = &Container> {
    p.spec.iter().flat_map(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
    })
}

/// `pod` timed out connecting to `host` outside the cluster and sets no
/// proxy, while another workload's proxy (whose `NO_PROXY` does not spare
/// `host`) says the way out is through it.
pub(super) fn bypassed(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    host: &str,
    what: &str,
) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    if takes_proxy(a, ns, containers(pod)) {
        return None;
    }
    let owner = model::workload_ref(a.cluster, pod);
    let (other, source) = proxied_pods(a).iter().find_map(|&p| {
        if model::workload_ref(a.cluster, p) == owner {
            return None;
        }
        let source = containers(p).find_map(|c| proxy_source(a, p.ns_or_default(), c))?;
        let no_proxy = source
            .and_then(|cm| cm.data.as_ref())
            .and_then(|d| d.get("NO_PROXY").or_else(|| d.get("no_proxy")));
        if no_proxy.is_some_and(|n| model::no_proxy_spares(n, host)) {
            return None;
        }
        Some((p, source))
    })?;
    let other_owner = model::workload_ref(a.cluster, other);
    let how = match source {
        Some(cm) => format!(
            "`envFrom: [{{configMapRef: {{name: {}}}}}]` as {} has{}",
            cm.name(),
            other_owner.display(),
            if cm.ns_or_default() == ns {
                String::new()
            } else {
                format!(
                    " (a copy of ConfigMap {}/{} in namespace {ns})",
                    cm.ns_or_default(),
                    cm.name()
                )
            }
        ),
        None => format!(
            "the HTTP_PROXY, HTTPS_PROXY and NO_PROXY variables {} sets",
            other_owner.display()
        ),
    };
    Some(
        Hypothesis::new(
            74,
            Loop::Network,
            owner.clone(),
            format!(
                "{what}: {} sets no HTTP proxy, while {} goes out through one{}: the network lets the cluster out only through the proxy",
                owner.display(),
                other_owner.display(),
                source.map(|cm| format!(" (ConfigMap {}/{})", cm.ns_or_default(), cm.name())).unwrap_or_default()
            ),
        )
        .fix(format!(
            "Give the containers of {} the cluster's proxy settings: {how}. Keep NO_PROXY covering the cluster's Service and pod ranges, `.svc`, `.cluster.local` and the metadata address 169.254.169.254, then restart the pods.",
            owner.display()
        )),
    )
}
