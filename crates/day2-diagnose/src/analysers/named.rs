//! Objects an error names, looked up in the cluster: what is wrong with the
//! object is the evidence.
//!
//! - `<resource> "<name>" not found` ([`crate::messages::apiserver`]): the
//!   object is missing where the message looks (the namespace a `ns/name`
//!   in the line gives, else the pod's); the same name in another namespace
//!   and the container argument that holds the reference are named.
//! - `node "<name>" pod cidr not assigned`: the Node without `spec.podCIDR`,
//!   which the controller manager assigns only with `--allocate-node-cidrs`
//!   and `--cluster-cidr`.
//! - Container arguments naming a Service as `namespace/name`
//!   (`--default-backend-service=ns/name`, `--publish-service=ns/name`):
//!   a Service that does not exist.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::{Detail, Detected};
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// The loop an object of this kind belongs to.
fn loop_of(kind: &str) -> Loop {
    match kind {
        "Service" | "IngressClass" => Loop::Network,
        "ServiceAccount" => Loop::Identity,
        "PersistentVolumeClaim" => Loop::Storage,
        _ => Loop::Compute,
    }
}

/// The namespaces holding an object of `kind` named `name`; `None` when
/// the input holds no object of that kind at all (absence proves nothing).
fn namespaces_of(a: &Analysis<'_>, kind: &str, name: &str) -> Option<Vec<String>> {
    fn find<T: day2_model::K8sObject>(v: &[Res<T>], name: &str) -> Option<Vec<String>> {
        (!v.is_empty()).then(|| {
            v.iter()
                .filter(|o| o.name() == name)
                .map(|o| o.ns_or_default().to_owned())
                .collect()
        })
    }
    let c = a.cluster;
    match kind {
        "Service" => find(&c.services, name),
        "ConfigMap" => find(&c.config_maps, name),
        "Secret" => find(&c.secrets, name),
        "ServiceAccount" => find(&c.service_accounts, name),
        "PersistentVolumeClaim" => find(&c.pvcs, name),
        "Deployment" => find(&c.deployments, name),
        "StatefulSet" => find(&c.stateful_sets, name),
        // Cluster-scoped: present or not.
        "Node" => find(&c.nodes, name),
        "Namespace" => find(&c.namespaces, name),
        "IngressClass" => find(&c.ingress_classes, name),
        _ => None,
    }
}

/// The container argument or command word of the pod that carries `needle`.
fn argument_with<'p>(pod: &'p Res<Pod>, needle: &str) -> Option<&'p str> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| c.args.iter().flatten().chain(c.command.iter().flatten()))
        .map(String::as_str)
        .find(|a| a.contains(needle))
}

/// An object the error says is not found, looked up.
pub fn not_found(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    kind: &'static str,
    namespace: Option<&str>,
    name: &str,
) -> Option<Hypothesis> {
    let cluster_scoped = matches!(kind, "Node" | "Namespace" | "IngressClass");
    let ns = if cluster_scoped {
        None
    } else {
        Some(namespace.unwrap_or(pod.ns_or_default()))
    };
    let held = namespaces_of(a, kind, name)?;
    if held
        .iter()
        .any(|h| cluster_scoped || Some(h.as_str()) == ns)
    {
        return None;
    }
    let at = ns.map(|n| format!("{n}/")).unwrap_or_default();
    let missing = ObjRef::new(kind, ns, name);
    let arg = argument_with(pod, &format!("{at}{name}"));
    let via = arg
        .map(|x| format!(" (container argument `{x}`)"))
        .unwrap_or_default();
    let other = held.first().map(|o| format!("{o}/{name}"));
    let what = format!(
        "pod {} refers to {kind} {at}{name}{via}, which does not exist{}",
        pod.name(),
        other
            .as_ref()
            .map(|o| format!("; a {kind} of that name exists in another namespace: {o}"))
            .unwrap_or_default()
    );
    let fix = match (&other, arg) {
        (Some(o), Some(x)) => format!(
            "Point the reference at the {kind} that exists: change `{x}` to name {o} (the namespace part of the reference is wrong), or create {kind} {at}{name}."
        ),
        (Some(o), None) => format!(
            "The {kind} is in another namespace: reference it as {o}, or create {kind} {at}{name}."
        ),
        (None, Some(x)) => format!(
            "Create {kind} {at}{name}, or correct `{x}` to name one that exists (`kubectl get {} -A`).",
            kind.to_ascii_lowercase()
        ),
        (None, None) => format!(
            "Create {kind} {at}{name}, or correct the reference to it (`kubectl get {} -A`).",
            kind.to_ascii_lowercase()
        ),
    };
    Some(
        Hypothesis::new(82, loop_of(kind), missing.clone(), what)
            .fix(fix)
            .link(Link::new(
                loop_of(kind),
                None,
                missing,
                format!("{kind} {at}{name} does not exist"),
            )),
    )
}

/// The CNI (flannel, Antrea) finds no subnet for the node's pods: the node
/// has no `spec.podCIDR`.
pub fn pod_cidr(a: &Analysis<'_>, node: &str) -> Option<Hypothesis> {
    let n = a.cluster.node(node)?;
    if n.spec
        .as_ref()
        .and_then(|s| s.pod_cidr.as_deref())
        .is_some_and(|c| !c.is_empty())
    {
        return None;
    }
    let cm = a.cluster.pods.iter().find(|p| {
        p.ns_or_default() == "kube-system" && p.name().starts_with("kube-controller-manager")
    });
    let flags = cm.and_then(|p| p.spec.as_ref()).map(|s| {
        s.containers
            .iter()
            .flat_map(|c| c.command.iter().flatten().chain(c.args.iter().flatten()))
            .any(|x| x.starts_with("--allocate-node-cidrs=true"))
    });
    if let Some(h) = cidr_exhausted(a, cm, n) {
        return Some(h);
    }
    // The range allocator said it has no block left for the node.
    let used_up = crate::model::node_events(a.cluster, n)
        .iter()
        .any(|e| &*e.reason == "CIDRNotAvailable");
    let cause = match flags {
        Some(false) => " and kube-controller-manager runs without `--allocate-node-cidrs=true`",
        _ if used_up => {
            " and the controller manager reported CIDRNotAvailable: its `--cluster-cidr` has no block of `--node-cidr-mask-size` left for it"
        }
        _ => "",
    };
    let fix = if used_up && flags != Some(false) {
        format!(
            "Widen the pod network so every node gets a block: a `--cluster-cidr` (kubeadm `networking.podSubnet`, a managed cluster's pod CIDR setting) with more blocks of `--node-cidr-mask-size` than nodes (a /16 holds 256 /24s), or a larger node mask, matching the CNI's own pool; the controller manager then gives node {node} its podCIDR and the CNI agent there starts."
        )
    } else {
        format!(
            "Have the controller manager allocate pod CIDRs: `kubeadm init --pod-network-cidr=10.244.0.0/16` (flannel's default), or add `--allocate-node-cidrs=true --cluster-cidr=10.244.0.0/16` to /etc/kubernetes/manifests/kube-controller-manager.yaml; for one node, `kubectl patch node {node} -p '{{\"spec\":{{\"podCIDR\":\"10.244.0.0/24\"}}}}'`."
        )
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            n.objref(),
            format!("node {node} has no pod CIDR (`spec.podCIDR` is empty){cause}, so the CNI cannot give it a subnet and no pod there gets a network"),
        )
        .fix(fix)
        .link(Link::new(Loop::Network, None, n.objref(), "node has no spec.podCIDR")),
    )
}

/// kube-controller-manager's range allocator gives each node a
/// `--node-cidr-mask-size` block of `--cluster-cidr` (defaults /24 for
/// IPv4): a cluster CIDR of prefix P holds 2^(mask − P) blocks, and nodes
/// beyond that get none (`CIDRNotAvailable`). kubeadm's
/// `--pod-network-cidr=10.244.0.0/24` leaves one block, for the first node.
fn cidr_exhausted(
    a: &Analysis<'_>,
    cm: Option<&Res<Pod>>,
    n: &Res<k8s_openapi::api::core::v1::Node>,
) -> Option<Hypothesis> {
    let cm = cm?;
    let flag = |name: &str| {
        cm.spec.as_ref()?.containers.iter().find_map(|c| {
            c.command
                .iter()
                .flatten()
                .chain(c.args.iter().flatten())
                .find_map(|x| x.strip_prefix(name)?.strip_prefix('=').map(str::to_owned))
        })
    };
    let cluster = flag("--cluster-cidr")?;
    // The IPv4 range of a dual-stack list.
    let v4 = cluster
        .split(',')
        .find(|c| !c.contains(':'))?
        .trim()
        .to_owned();
    let prefix: u32 = v4.split_once('/')?.1.parse().ok()?;
    let mask: u32 = flag("--node-cidr-mask-size-ipv4")
        .or_else(|| flag("--node-cidr-mask-size"))
        .and_then(|m| m.parse().ok())
        .unwrap_or(24);
    if mask < prefix || mask > 32 {
        return None;
    }
    let blocks = 1u64 << (mask - prefix).min(32);
    let nodes = a.cluster.nodes.len() as u64;
    if nodes <= blocks {
        return None;
    }
    let node = n.name();
    Some(
        Hypothesis::new(
            88,
            Loop::Network,
            cm.objref(),
            format!("kube-controller-manager gives each node a /{mask} of `--cluster-cidr={cluster}`, which holds {blocks} such block(s) for {nodes} nodes: node {node} got none (`spec.podCIDR` is empty, CIDRNotAvailable), so its CNI has no subnet for pods"),
        )
        .fix(
            "Give the cluster a pod network with a block per node: a `--cluster-cidr` (kubeadm `networking.podSubnet`, `--pod-network-cidr`) wider than the node mask, e.g. 10.244.0.0/16 with `--node-cidr-mask-size=24` (256 nodes), in /etc/kubernetes/manifests/kube-controller-manager.yaml and the kubeadm-config ConfigMap, matching the CNI's own network (flannel's net-conf.json); the nodes then get their podCIDR (nodes already given one keep it)."
        )
        .link(Link::new(
            Loop::Network,
            None,
            n.objref(),
            format!("node {node} has no spec.podCIDR"),
        )),
    )
}

/// Flags naming a Service as `namespace/name` (nginx-ingress, external-dns
/// and most controllers spell them `--*-service=ns/name`).
pub fn service_args<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { .. } = &d.detail else {
        return vec![];
    };
    if a.cluster.services.is_empty() {
        return vec![];
    }
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let mut out = Vec::new();
    // `$(POD_NAMESPACE)/name` is the pod's own namespace by the time the
    // program reads it: the kubelet expands the reference.
    for arg in spec.containers.iter().flat_map(|c| {
        c.args
            .iter()
            .flatten()
            .chain(c.command.iter().flatten())
            .map(move |a| day2_model::pod::expand_arg(pod, c, a))
    }) {
        let Some((flag, value)) = arg.split_once('=') else {
            continue;
        };
        if !flag.starts_with("--") || !flag.ends_with("-service") {
            continue;
        }
        let Some((ns, name)) = value.split_once('/') else {
            continue;
        };
        if ns.is_empty() || name.is_empty() || a.service(ns, name).is_some() {
            continue;
        }
        if let Some(mut h) = not_found(a, pod, "Service", Some(ns), name) {
            // Read from the spec, not from an error: below an error's word.
            h.score = 60;
            out.push(h);
        }
    }
    out.truncate(1);
    out
}

/// The one name among `held` that is `wanted` with a `-`-separated affix
/// added or removed (`app` and `app-conf`, `app-config` and `app`): the
/// object a reference most likely meant. None when no name, or more than
/// one, is that close.
pub(super) fn sibling_name<'h>(wanted: &str, held: &[&'h str]) -> Option<&'h str> {
    let close = |a: &str, b: &str| {
        a.len() > b.len()
            && (a.strip_prefix(b).is_some_and(|r| r.starts_with('-'))
                || a.strip_suffix(b).is_some_and(|r| r.ends_with('-')))
    };
    let mut found = held
        .iter()
        .copied()
        .filter(|h| *h != wanted && (close(h, wanted) || close(wanted, h)));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}
