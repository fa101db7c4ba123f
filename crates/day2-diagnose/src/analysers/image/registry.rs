//! What the registry itself answers (its rate limit, its outages), and the
//! cluster's own way of passing pull secrets.

use super::*;

/// `toomanyrequests`: the registry's rate limit.
pub fn rate_limit<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(p) = pull(d) else { return vec![] };
    if p.class != PullClass::RateLimit {
        return vec![];
    }
    let host = registry_of(p.image);
    let node = model::node_name(p.pod).unwrap_or("the node");
    // The limit is the registry's, counted per egress IP: nothing in the
    // cluster's objects holds it, so the cause is reported as outside.
    vec![Hypothesis::new(
        60,
        Loop::Network,
        puller_ref(a, p.pod),
        format!("{host} rate-limits the pulls (`toomanyrequests`): anonymous limits count per egress IP, and every node behind the NAT gateway shares one; the limit is the registry's, outside the cluster's objects"),
    )
    .fix(per_cloud(
        a.cloud,
        "Authenticate pulls (an imagePullSecret raises the limit) or mirror images into your own registry / a pull-through cache.",
        "Mirror through an ECR pull-through cache rule for Docker Hub (`aws ecr create-pull-through-cache-rule`) and point images at it, or authenticate pulls with an imagePullSecret.",
        "Import the images into ACR (`az acr import`) or use an ACR cache rule, or authenticate pulls.",
        "Use an Artifact Registry remote repository for Docker Hub, or authenticate pulls.",
    ))
    .missing(format!("the registry's remaining quota for the nodes' egress IP (the `ratelimit-remaining` header of a manifest request to {host} from {node})"))
    .link(error_link(d, &p, Loop::Network, format!("pull of {} rate-limited by {host}", p.image)))
    .unexplained()]
}

/// The registry answered with a server error (HTTP 5xx): its outage, which
/// nothing in the cluster holds.
pub fn server_error<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(p) = pull(d) else { return vec![] };
    if p.class != PullClass::ServerError {
        return vec![];
    }
    let host = registry_of(p.image);
    vec![Hypothesis::new(
        60,
        Loop::Network,
        puller_ref(a, p.pod),
        format!("{host} answers the pull of {} with a server error ({}): the registry itself is failing, outside the cluster", p.image, short_error(p.error)),
    )
    .fix(format!("Wait for {host} to recover (its status page) and the kubelet retries on its own; to stop depending on it, mirror the image into a registry you control (or a pull-through cache) and point the workload at the mirror."))
    .missing(format!("{host}'s own status (outside the cluster)"))
    .link(error_link(d, &p, Loop::Network, format!("pull of {} failed: {host} answered with a server error", p.image)))
    .unexplained()]
}

/// The runtime ran out of disk unpacking a layer (`failed to register
/// layer: … no space left on device`): the node's image file system (its
/// root volume, on most managed nodes) is too small for the images it
/// holds, or the kubelet's image garbage collection has not kept up. The
/// node is what to act on; other nodes pull the same image.
pub fn node_disk<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(p) = pull(d) else { return vec![] };
    if p.class != PullClass::NodeDisk {
        return vec![];
    }
    let (node, name) = model::pod_node_ref(a.cluster, p.pod);
    let pressure = a
        .cluster
        .node(name)
        .and_then(|n| model::node_condition(n, "DiskPressure"))
        .is_some_and(|c| c.status == "True");
    vec![Hypothesis::new(
        82,
        Loop::Compute,
        node,
        format!(
            "node {name} has no disk left to unpack {} (`no space left on device`){}: its image file system is too small for the images it holds, or the kubelet's image garbage collection has not kept up",
            p.image,
            if pressure { ", and it reports DiskPressure" } else { "" }
        ),
    )
    .fix(per_cloud(
        a.cloud,
        &format!("Free or grow node {name}'s disk: remove unused images (`crictl rmi --prune` on the node), lower the kubelet's `imageGCHighThresholdPercent`, or give the node pool a larger root volume (large images need more than 20 GB); the kubelet retries the pull on its own."),
        &format!("Free or grow node {name}'s disk: `crictl rmi --prune` on the node, and give the node group a larger root EBS volume (the launch template's or `eksctl`'s `volumeSize`, 20 GB by default on many node groups); the kubelet retries the pull."),
        &format!("Free or grow node {name}'s disk: `crictl rmi --prune` on the node, and create the node pool with a larger OS disk (`az aks nodepool add --node-osdisk-size`); the kubelet retries the pull."),
        &format!("Free or grow node {name}'s disk: `crictl rmi --prune` on the node, and create the node pool with a larger boot disk (`--disk-size`); the kubelet retries the pull."),
    ))
    .link(error_link(d, &p, Loop::Compute, format!("unpacking {} ran out of disk on {name}", p.image)))]
}

/// A pull without any imagePullSecret in a cluster whose ServiceAccounts
/// carry pull secrets (`imagePullSecrets` on a ServiceAccount is given to
/// every pod that runs as it): the pod's own ServiceAccount lacks the
/// secret the others have (vmware-tanzu/sonobuoy#1038, a test namespace's
/// `default` account).
pub(super) fn sa_convention(a: &Analysis<'_>, p: &Pull<'_>, host: &str) -> Option<Hypothesis> {
    let ns = p.pod.ns_or_default();
    let sa = crate::model::pod_service_account(p.pod);
    // An account whose pods pull from the same registry.
    let pulls_here = |s: &Res<k8s_openapi::api::core::v1::ServiceAccount>| {
        a.cluster.pods_in_namespace(s.ns_or_default()).any(|o| {
            o.spec.as_ref().is_some_and(|x| {
                day2_model::pod::service_account(x) == s.name()
                    && x.containers
                        .iter()
                        .filter_map(|c| c.image.as_deref())
                        .any(|i| registry_of(i) == host)
            })
        })
    };
    let (other, secret) = a.cluster.service_accounts.iter().find_map(|s| {
        let secret = s.image_pull_secrets.iter().flatten().next()?;
        ((s.ns_or_default() != ns || s.name() != sa) && pulls_here(s))
            .then(|| (s, secret.name.clone()))
    })?;
    let here = a
        .cluster
        .secrets
        .iter()
        .any(|x| x.ns_or_default() == ns && x.name() == secret);
    let copy = if here {
        String::new()
    } else {
        format!(
            " (copy Secret {}/{secret} into namespace {ns} first: a pod reads pull secrets from its own namespace)",
            other.ns_or_default()
        )
    };
    Some(
        Hypothesis::new(
            82,
            Loop::Identity,
            ObjRef::new("ServiceAccount", Some(ns), sa),
            format!("{host} requires credentials for {}, and pod {} runs as ServiceAccount {ns}/{sa}, which carries no imagePullSecrets, while ServiceAccount {}/{} passes Secret {secret} to its pods: this account was left out", p.image, p.pod.name(), other.ns_or_default(), other.name()),
        )
        .fix(format!("Add the pull secret to ServiceAccount {ns}/{sa}: `kubectl patch serviceaccount {sa} -n {ns} -p '{{\"imagePullSecrets\": [{{\"name\": \"{secret}\"}}]}}'`{copy}; new pods get it (delete the failing ones).")),
    )
}

/// A `docker.io/bitnami/<name>:<tag>` that is not found, once Bitnami
/// withdrew its versioned public images (from 28 August 2025 the
/// `docker.io/bitnami` catalog keeps a few hardened `latest` images; the
/// versioned tags moved to `docker.io/bitnamilegacy`, bitnami/containers#83267).
/// The tag was right when the chart was written: the registry changed.
pub(super) fn bitnami_withdrawn(d: &Detected<'_>, p: &Pull<'_>) -> Option<Hypothesis> {
    let rest = p
        .image
        .strip_prefix("docker.io/bitnami/")
        .or_else(|| p.image.strip_prefix("bitnami/"))
        .or_else(|| p.image.strip_prefix("registry-1.docker.io/bitnami/"))?;
    let (name, tag) = rest.split_once(':')?;
    // Before the withdrawal a missing tag is a wrong reference.
    let cutoff = jiff::Timestamp::from_second(1_756_339_200).ok()?; // 2025-08-28
    if d.since.is_some_and(|t| t < cutoff) || tag == "latest" {
        return None;
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Compute,
            p.pod.objref(),
            format!("{} is not found because Bitnami withdrew its versioned public images: since 28 August 2025 `docker.io/bitnami` keeps only a few hardened `latest` images, and tags such as {tag} moved to `docker.io/bitnamilegacy`", p.image),
        )
        .fix(format!("Pull `docker.io/bitnamilegacy/{name}:{tag}` for now (a chart's `image.repository: bitnamilegacy/{name}`, with `global.security.allowInsecureImages: true` on Bitnami charts), and move to images that are still maintained (Bitnami Secure Images, or the project's own); mirror what you depend on into a registry you control."))
        .missing("the registry's catalog, outside the cluster (bitnami/containers#83267)")
        .unexplained(),
    )
}
