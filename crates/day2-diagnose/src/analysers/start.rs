//! Why a scheduled pod cannot start: the pod sandbox (the CNI plugin on the
//! node: IP address exhaustion, a CNI agent not running there), a container
//! configuration that refers to a missing Secret, ConfigMap or key, a CSI
//! driver not registered on the node, or a security context the image
//! cannot meet.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::runtime::{
    CNI_PLUGINS, ConfigError, SandboxError, classify_config, classify_sandbox,
};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

mod csi;
pub use csi::csi_driver;

/// The DaemonSet pods on a node, with their DaemonSet's name.
pub(crate) fn daemon_pods_on<'c>(a: &Analysis<'c>, node: &str) -> Vec<(&'c Res<Pod>, String)> {
    a.cluster
        .pods_on_node(node)
        .filter(|p| !model::is_terminal(p))
        .filter_map(|p| {
            let owner = a.cluster.owner_of(p)?;
            (owner.kind == "DaemonSet").then(|| (p, owner.name.clone()))
        })
        .collect()
}

/// Why a pod is not serving: its first waiting or unready container.
fn pod_trouble(p: &Pod) -> Option<String> {
    if model::is_ready(p) {
        return None;
    }
    let waiting = model::container_statuses(p).find_map(|s| {
        let w = s.state.as_ref()?.waiting.as_ref()?;
        Some(format!(
            "container {} is {} ({} restarts)",
            s.name,
            w.reason.as_deref().unwrap_or("waiting"),
            s.restart_count
        ))
    });
    Some(waiting.unwrap_or_else(|| format!("pod is {} and not Ready", model::phase(p))))
}

pub fn sandbox<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Message(message) = &d.detail else {
        return vec![];
    };
    let Some(node) = model::node_name(pod) else {
        return vec![];
    };
    let link = d
        .events_with("FailedCreatePodSandBox")
        .chain(d.events_with("FailedSync"))
        .filter(|e| crate::symptoms::start::sandbox_failure(e))
        .last()
        .map(|e| {
            Link::from_event(
                Loop::Network,
                e,
                "the runtime cannot set up the pod's network",
            )
        });
    if let Some(h) = super::cni_bin::incompatible_version(node, message) {
        return vec![h.links(link)];
    }
    let daemons = daemon_pods_on(a, node);
    if let Some((binary, dir)) = crate::messages::runtime::missing_plugin(message)
        && let Some(h) = super::cni_bin::installed_elsewhere(a, binary, dir)
    {
        return vec![h.links(link)];
    }
    // The CNI plugin asks the API server (Multus reads the pod, Calico its
    // IPAM blocks) as its ServiceAccount and is refused: its grants.
    if let Some(h) = super::apierr::forbidden_in(a, message) {
        return vec![h.links(link)];
    }
    match classify_sandbox(message) {
        SandboxError::IpExhausted => super::ip_exhausted::ip_exhausted(a, node, message, &daemons, link),
        SandboxError::CniNotReady { plugin } => {
            let ds_name = plugin.and_then(|w| CNI_PLUGINS.iter().find(|(p, _)| *p == w).map(|(_, n)| *n));
            // Older manifests name a DaemonSet per architecture
            // (`kube-flannel-ds-amd64`).
            let is = |ds: &str, n: &str| {
                ds == n || ds.strip_prefix(n).is_some_and(|rest| rest.starts_with('-'))
            };
            let known = |ds: &str| {
                ds_name.map_or_else(|| CNI_PLUGINS.iter().any(|(_, n)| is(ds, n)), |n| is(ds, n))
            };
            let cni_pod = daemons.iter().find(|(_, ds)| known(ds));
            match cni_pod {
                Some((p, ds)) => match pod_trouble(p) {
                    // Failing on every node: not the node's trouble but the
                    // DaemonSet's, or of what all its pods read.
                    Some(trouble) if let Some(h) = cni_down_everywhere(a, p, ds, &trouble) => {
                        vec![h.links(link)]
                    }
                    Some(trouble) => vec![Hypothesis::new(
                        90,
                        Loop::Network,
                        p.objref(),
                        format!("the CNI agent on node {node}, {ds} pod {}, is not running: {trouble}; pods there get no network", p.name()),
                    )
                    .fix(format!("Fix {ds} on {node} first: `kubectl logs -n {} {} --all-containers --previous` says why it fails; pods on the node start once the CNI agent is Ready.", p.ns_or_default(), p.name()))
                    .link(Link::new(Loop::Network, None, p.objref(), format!("{ds} on {node}: {trouble}")))
                    .links(link)],
                    // The add-on's own binary is not on the node while its
                    // pod runs: its manifest does not install it there.
                    None if let Some((binary, dir)) = crate::messages::runtime::missing_plugin(message) => {
                        let obj = a.cluster.daemon_sets.iter().find(|d| d.name() == ds && d.ns_or_default() == p.ns_or_default()).map_or_else(|| p.objref(), |d| d.objref());
                        vec![Hypothesis::new(
                            84,
                            Loop::Network,
                            obj,
                            format!("{ds} pod {} runs on node {node}, but the node has no `{binary}` CNI binary in {dir}: the DaemonSet does not install the plugin binary the CNI configuration calls", p.name()),
                        )
                        .fix(format!("Install the `{binary}` binary into {dir} on every node: apply a {ds} manifest whose init container copies it there (flannel's manifest of today: the `install-cni-plugin` init container), or install it with the node image; pods there start on the next sandbox retry."))
                        .links(link)]
                    }
                    // flannel writes /run/flannel/subnet.env once it leases the
                    // node's pod CIDR: without one, it never does.
                    None if message.contains("subnet.env")
                        && let Some(h) = super::named::pod_cidr(a, node) =>
                    {
                        vec![h.links(link)]
                    }
                    None => vec![Hypothesis::new(
                        55,
                        Loop::Network,
                        p.objref(),
                        format!("the CNI plugin on node {node} reports it is not set up although {ds} pod {} is Ready", p.name()),
                    )
                    .fix(format!("Read the logs of {} and the CNI configuration in /etc/cni/net.d on {node}; restarting the CNI pod re-writes it.", p.name()))
                    .links(link)],
                },
                None => {
                    let ds = ds_name.map(str::to_owned).or_else(|| {
                        a.cluster.daemon_sets.iter().map(|d| d.name().to_owned()).find(|n| known(n))
                    });
                    // Another network add-on runs on the node and the one
                    // the configuration calls is not installed at all: a
                    // configuration file the removed add-on left in
                    // /etc/cni/net.d comes first (the runtime takes the
                    // lowest-named file) and calls a binary that is gone.
                    let other = daemons.iter().find(|(_, d)| CNI_PLUGINS.iter().any(|(_, n)| is(d, n)) && !known(d));
                    let installed = |ds: &str| a.cluster.daemon_sets.iter().any(|d| is(d.name(), ds));
                    if let (Some(gone), Some((_, running)), Some((binary, dir))) = (ds.as_deref(), other, crate::messages::runtime::missing_plugin(message))
                        && !a.cluster.daemon_sets.is_empty()
                        && !installed(gone)
                    {
                        return vec![Hypothesis::new(
                            84,
                            Loop::Network,
                            ObjRef::new("Node", None, node),
                            format!("node {node}'s CNI configuration calls `{binary}`, a plugin of {gone}, which the cluster does not run (no DaemonSet {gone}), while {running} does: a configuration file {gone} left in /etc/cni/net.d comes before {running}'s, and its binary is gone from {dir}"),
                        )
                        .fix(format!("On node {node}, remove {gone}'s configuration from /etc/cni/net.d (e.g. `05-{gone}.conf`, `05-{gone}.conflist`; the lowest-named file wins) so {running}'s is used, then restart the {running} pod there; uninstalling {gone} with its own cleanup removes it on every node."))
                        .links(link)];
                    }
                    match ds {
                        Some(ds) => {
                            let obj = a.cluster.daemon_sets.iter().find(|d| d.name() == ds).map_or_else(|| ObjRef::new("DaemonSet", Some("kube-system"), ds.clone()), |d| d.objref());
                            vec![Hypothesis::new(
                                80,
                                Loop::Network,
                                obj,
                                format!("the CNI DaemonSet {ds} has no pod on node {node}, so the node's pods get no network"),
                            )
                            .fix(format!("Make {ds} run on {node}: its nodeSelector, affinity and tolerations must admit the node (`kubectl get ds -n kube-system {ds} -o yaml`)."))
                            .links(link)]
                        }
                        None => vec![Hypothesis::new(
                            40,
                            Loop::Network,
                            ObjRef::new("Node", None, node),
                            format!("no CNI plugin is set up on node {node}"),
                        )
                        .fix("Install the cluster's CNI plugin (its DaemonSet) so it runs on every node.")
                        .missing("the CNI DaemonSet (none of the known ones is in the input)")
                        .links(link)
                        .unexplained()],
                    }
                }
            }
        }
        SandboxError::StaleBridge { bridge, wanted } => {
            let cidr = a
                .cluster
                .node(node)
                .and_then(|n| n.spec.as_ref()?.pod_cidr.clone())
                .map(|c| format!(" (its podCIDR is {c})"))
                .unwrap_or_default();
            vec![Hypothesis::new(
                86,
                Loop::Network,
                ObjRef::new("Node", None, node),
                format!("bridge {bridge} on node {node} keeps an address other than the gateway {wanted} the CNI's bridge plugin sets up for the node's pod range{cidr}: it was left by an earlier pod CIDR or network plugin, and the plugin refuses to reuse it"),
            )
            .fix(format!("On node {node}, delete the stale bridge so the plugin recreates it with the right address: `ip link set {bridge} down && ip link delete {bridge}` (with flannel also `ip link delete flannel.1`), then restart the CNI pod on the node (or the kubelet); pods there start on the next sandbox retry."))
            .links(link)]
        }
        SandboxError::ReferencePluginMissing { binary, dir } => {
            vec![Hypothesis::new(
                86,
                Loop::Network,
                ObjRef::new("Node", None, node),
                format!("node {node} lacks the CNI plugin binary `{binary}` in {dir}: the network add-on's configuration chains the reference CNI plugins (loopback, portmap, …), which the node's CNI package installs, not the add-on's DaemonSet"),
            )
            .fix(format!("Install the containernetworking CNI plugins on node {node} so {dir}/{binary} exists (the `kubernetes-cni` / `containernetworking-plugins` package, or the release tarball of github.com/containernetworking/plugins unpacked into {dir}), as on the other nodes; pods there start on the next sandbox retry."))
            .links(link)]
        }
        SandboxError::RuntimeMissing { runtime, binary } => vec![super::runtime_handler::runtime_missing(a, d, pod, node, &runtime, binary.as_deref())],
        SandboxError::CniUnauthorized { plugin } => vec![cni_unauthorized(a, node, plugin, &daemons).links(link)],
        SandboxError::Other if let Some(h) = super::runtime_handler::memory_too_small(pod, message) => vec![h.links(link)],
        SandboxError::Other if let Some(h) = super::multus::refused(a, pod, message) => vec![h.links(link)],
        SandboxError::Other if let Some(h) = sandbox_image(node, message) => vec![h.links(link)],
        SandboxError::Other if let Some(h) = super::runtime_handler::layer_mount(node, message) => vec![h.links(link)],
        SandboxError::Other if let Some(h) = cni_agent_down(a, node, message, &daemons) => vec![h.links(link)],
        SandboxError::Other if let Some(h) = super::runtime_handler::cgroup_driver(node, message) => vec![h.links(link)],
        SandboxError::Other if let Some(h) = super::ip_exhausted::calico_block_limit(a, node, message) => vec![h.links(link)],
        SandboxError::Other => vec![Hypothesis::new(
            25,
            Loop::Network,
            ObjRef::new("Node", None, node),
            format!("the container runtime on {node} cannot create the pod sandbox: {}", day2_model::redact::excerpt(message, 200)),
        )
        .fix(format!("Read the kubelet and container runtime logs on {node} (`journalctl -u kubelet -u containerd`). A message that says no more often hides the sandbox (pause) image failing to pull: a node that reaches registries through a proxy or firewall needs it set for the runtime (HTTP_PROXY/HTTPS_PROXY/NO_PROXY in the containerd or docker service), or a pause image mirrored in a registry it reaches.{}", super::overlay_ports::sandbox_wait_note(a, message).unwrap_or_default()))
        .missing("the runtime's log on the node")
        .links(link)
        .unexplained()],
    }
}

/// A sandbox the runtime cannot create on a node whose CNI agent (the
/// network plugin's DaemonSet pod there) is not Ready: whatever the plugin's
/// own words, the neighbour that wires the pod's network is down.
///
/// Not an agent on the host's network that cannot get a sandbox either: such
/// a sandbox needs no CNI, so the runtime itself fails there and the agent
/// is one more of its victims.
fn cni_agent_down(
    a: &Analysis<'_>,
    node: &str,
    message: &str,
    daemons: &[(&Res<Pod>, String)],
) -> Option<Hypothesis> {
    let lower = message.to_ascii_lowercase();
    let victim = |p: &Res<Pod>| {
        p.spec.as_ref().and_then(|s| s.host_network) == Some(true)
            && a.cluster
                .events_for("Pod", Some(p.ns_or_default()), p.name(), None)
                .iter()
                .any(|e| crate::symptoms::start::sandbox_failure(e))
    };
    let (p, ds, trouble) = daemons
        .iter()
        .filter(|(p, _)| !victim(p))
        .find_map(|(p, ds)| {
            let cni = CNI_PLUGINS.iter().any(|(word, name)| {
                ds == name
                    || ds.starts_with(&format!("{name}-"))
                    || (lower.contains(word) && ds.contains(word))
            });
            if !cni {
                return None;
            }
            Some((p, ds, pod_trouble(p)?))
        })?;
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            p.objref(),
            format!("the CNI agent on node {node}, {ds} pod {}, is not Ready ({trouble}) while the runtime fails to set up pod networks there: {}", p.name(), day2_model::redact::excerpt(message, 160)),
        )
        .fix(format!("Bring the CNI agent {ds} on {node} back: `kubectl logs -n {} {}` and its probe events say why the agent does not answer; delete the pod so {ds} recreates it (or restart the agent), and the node's pods get their sandboxes on the next retry.", p.ns_or_default(), p.name()))
        .link(Link::new(Loop::Network, None, p.objref(), format!("{ds} on {node}: {trouble}"))),
    )
}

pub fn config_error<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Message(message) = &d.detail else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    let link = d.events_with("Failed").last().map(|e| {
        Link::from_event(
            Loop::Compute,
            e,
            "the kubelet cannot build the container's configuration",
        )
    });
    if let Some(h) = super::host_path::volume_on_other_node(a, pod, message) {
        return vec![h.links(link)];
    }
    match classify_config(message) {
        ConfigError::MissingKey { kind, name, key } => {
            let keys: Option<Vec<String>> = match kind {
                "Secret" => a
                    .cluster
                    .secrets
                    .iter()
                    .find(|s| s.ns_or_default() == ns && s.name() == name)
                    .map(|s| s.obj.keys.iter().map(|k| k.name.clone()).collect()),
                _ => a
                    .cluster
                    .config_maps
                    .iter()
                    .find(|c| c.ns_or_default() == ns && c.name() == name)
                    .map(|c| c.data.iter().flatten().map(|(k, _)| k.clone()).collect()),
            };
            let has = keys
                .as_ref()
                .map(|k| format!(" (it holds: {})", if k.is_empty() { "no keys".to_owned() } else { k.join(", ") }))
                .unwrap_or_default();
            vec![Hypothesis::new(
                if keys.is_some() { 90 } else { 80 },
                // Read through env: the pod's configuration, for a Secret too
                // (`secret_loop`).
                super::secret_loop::env(a, pod),
                ObjRef::new(kind, Some(ns), name.clone()),
                format!("{kind} {ns}/{name} has no key {key}{has}, which {} reads", workload),
            )
            .fix(format!("Add key {key} to {kind} {ns}/{name} (or fix the key name in {workload}'s env/volume reference; mark the reference optional: true if it may be absent)."))
            .links(link)]
        }
        ConfigError::MissingObject { kind, name }
            if kind == "Secret"
                && let Some(h) = super::producer::failing(a, ns, &name, link.clone()) =>
        {
            vec![h]
        }
        ConfigError::MissingObject { kind, name }
            if let Some(o) = super::operator::owner_of(a, ns, &name)
                && let Some(h) = super::operator::down(a, o, &format!("{kind} {ns}/{name}"), |p| super::follow::dns_cut_off_of(a, p)) =>
        {
            vec![h.links(link)]
        }
        ConfigError::MissingObject { kind, name } => {
            // One of that name elsewhere: written into the wrong namespace
            // (a chart rendered without its namespace lands in `default`).
            let elsewhere: Vec<&str> = match kind {
                "Secret" => a.cluster.secrets.iter().filter(|s| s.name() == name).map(|s| s.ns_or_default()).collect(),
                _ => a.cluster.config_maps.iter().filter(|c| c.name() == name).map(|c| c.ns_or_default()).collect(),
            };
            let (also, move_it) = match elsewhere.first() {
                Some(other) => (
                    format!("; a {kind} of that name exists in namespace {other}, not in {ns}"),
                    format!("It was created in namespace {other}: create it in {ns} instead (a manifest or chart rendered without `--namespace`/`metadata.namespace` lands in the wrong one), or "),
                ),
                None => (String::new(), String::new()),
            };
            vec![Hypothesis::new(
                88,
                // Read through env: the pod's configuration, for a Secret too
                // (`secret_loop`).
                super::secret_loop::env(a, pod),
                ObjRef::new(kind, Some(ns), name.clone()),
                format!("{kind} {ns}/{name} does not exist, and {workload} reads it{also}"),
            )
            .fix(format!("{}reate {kind} {ns}/{name} (`kubectl create {} -n {ns} {name} …`) or fix its name in {workload}'s pod template; if another controller produces it (a Helm chart, external-secrets, cert-manager), check that one.", if move_it.is_empty() { "C".to_owned() } else { format!("{move_it}c") }, kind.to_lowercase()))
            .links(link)]
        }
        // The kubelet checks the image's user against the pod's security
        // context when it creates the container: the node's loop.
        ConfigError::RunAsRoot => vec![Hypothesis::new(
            85,
            Loop::Compute,
            workload.clone(),
            format!("{workload} sets runAsNonRoot: true but its image runs as root (or as a non-numeric user the kubelet cannot check)"),
        )
        .fix(format!("Set securityContext.runAsUser to a non-zero UID in {workload}'s pod template (or build the image with a numeric non-root USER)."))
        .links(link)],
        ConfigError::Other => vec![Hypothesis::new(
            30,
            Loop::Compute,
            workload,
            format!("the kubelet cannot configure a container: {}", day2_model::redact::excerpt(message, 200)),
        )
        .fix("Read the message of the `Failed` event and compare with the pod template's env, envFrom and volumes.")
        .links(link)
        .unexplained()],
    }
}

/// The CNI plugin's credentials are refused: the agent on the node writes
/// them (Calico: `calico-node` writes the plugin's kubeconfig with a
/// ServiceAccount token into /etc/cni/net.d), so the agent there is the cause.
pub(crate) fn cni_unauthorized(
    a: &Analysis<'_>,
    node: &str,
    plugin: Option<&'static str>,
    daemons: &[(&Res<Pod>, String)],
) -> Hypothesis {
    let ds_name = plugin.and_then(|w| CNI_PLUGINS.iter().find(|(p, _)| *p == w).map(|(_, n)| *n));
    let known =
        |ds: &str| ds_name.map_or_else(|| CNI_PLUGINS.iter().any(|(_, n)| *n == ds), |n| n == ds);
    let fix_for = |ds: &str, restart: &str| {
        format!(
            "The CNI plugin on {node} presents a token the API server refuses (expired, or issued for a ServiceAccount that was recreated): {restart} so the agent writes a fresh token into the plugin's kubeconfig (Calico: /etc/cni/net.d/calico-kubeconfig); check that its ServiceAccount ({ds}, calico-cni-plugin) exists and that the node's clock is right."
        )
    };
    match daemons.iter().find(|(_, ds)| known(ds)) {
        Some((p, ds)) => Hypothesis::new(
            82,
            Loop::Network,
            p.objref(),
            format!("the CNI plugin on node {node} is refused by the API server (Unauthorized): its credentials come from {ds} pod {} there", p.name()),
        )
        .fix(fix_for(ds, &format!("restart it (`kubectl delete pod -n {} {}`)", p.ns_or_default(), p.name())))
        .link(Link::new(Loop::Identity, None, p.objref(), format!("{ds} on {node} writes the CNI plugin's credentials"))),
        None => {
            let ds = a.cluster.daemon_sets.iter().find(|d| known(d.name()));
            let obj = ds.map(|d| d.objref()).unwrap_or_else(|| ObjRef::new("Node", None, node));
            let name = ds.map(|d| d.name().to_owned()).or(ds_name.map(str::to_owned)).unwrap_or_else(|| "the CNI agent".to_owned());
            Hypothesis::new(
                70,
                Loop::Network,
                obj,
                format!("the CNI plugin on node {node} is refused by the API server (Unauthorized), and {name} has no pod there to renew its credentials"),
            )
            .fix(fix_for(&name, &format!("run or restart {name} on {node}")))
        }
    }
}

/// The CNI DaemonSet whose pods fail on every node they run on (at least
/// two): the same configuration, image or cluster object fails them all,
/// so the DaemonSet is where the fix goes, not the node.
fn cni_down_everywhere(
    a: &Analysis<'_>,
    agent: &Res<Pod>,
    ds: &str,
    trouble: &str,
) -> Option<Hypothesis> {
    let ns = agent.ns_or_default();
    let owner = a.cluster.owner_of(agent)?;
    if owner.kind != "DaemonSet" {
        return None;
    }
    let pods = a.cluster.pods_of("DaemonSet", ns, &owner.name);
    if pods.len() < 2 || pods.iter().any(|p| pod_trouble(p).is_none()) {
        return None;
    }
    let obj = owner.objref();
    if let Some(h) = super::forward_policy::proxy_kubeconfig(a, &obj) {
        return Some(h);
    }
    // What the agents' crashes say, followed as any crash's words are.
    let crashed = model::container_statuses(agent)
        .find(|s| {
            s.last_state
                .as_ref()
                .is_some_and(|l| l.terminated.is_some())
        })
        .map(|s| s.name.clone());
    if let Some(c) = crashed
        && let Some(mut h) = super::follow::job_message(a, &pods, &c)
            .filter(|h| !h.unexplained && h.root.object == obj)
    {
        h.score = h.score.max(91);
        return Some(h.link(Link::new(
            Loop::Network,
            None,
            agent.objref(),
            format!("{ds} fails on every node: {trouble}"),
        )));
    }
    Some(
        Hypothesis::new(
            90,
            Loop::Network,
            obj.clone(),
            format!("the CNI agent {ds} fails on every node it runs on ({} of {} pods, e.g. {} on {}: {trouble}); pods get no network anywhere, so the cause is common to all of them, not a node's", pods.len(), pods.len(), agent.name(), model::node_name(agent).unwrap_or("its node")),
        )
        .fix(format!("Read why {ds} exits (`kubectl logs -n {ns} {} --all-containers --previous`). A failure on every node follows a change they all share: {obj}'s image or settings (roll back a recent upgrade: `kubectl rollout undo -n {ns} daemonset/{}`), or what every {ds} pod reads at start (its CRDs and their versions, its ConfigMap, its datastore): bring those to the version the image expects.", agent.name(), owner.name))
        .link(Link::new(Loop::Network, None, agent.objref(), format!("{ds}: {trouble}"))),
    )
}

/// The runtime cannot pull its own sandbox ("pause") image, so no pod of
/// the node gets a sandbox: containerd's `failed to get sandbox image
/// "docker.io/rancher/pause:3.1": failed to pull image …`. The registry is
/// out of the node's reach (its DNS, a proxy the runtime does not use, a
/// firewall), outside the cluster (k3d-io/k3d#184).
fn sandbox_image(node: &str, message: &str) -> Option<Hypothesis> {
    // containerd's `failed to get sandbox image "…"`; dockershim's
    // `failed pulling image "k8s.gcr.io/pause:3.1"` (kubernetes/kubeadm#1201).
    let image =
        crate::messages::quoted_after(message, "failed to get sandbox image").or_else(|| {
            crate::messages::quoted_after(message, "failed pulling image")
                .filter(|i| i.contains("pause"))
        })?;
    let why = if message.contains("dial tcp: lookup") || message.contains("no such host") {
        "the registry's name does not resolve from the node"
    } else if message.contains("i/o timeout")
        || message.contains("connection refused")
        || message.contains("TLS handshake timeout")
    {
        "the registry does not answer the node"
    } else {
        "the pull fails"
    };
    Some(
        Hypothesis::new(
            78,
            Loop::Network,
            ObjRef::new("Node", None, node),
            format!("the container runtime on {node} cannot pull its sandbox image {image} ({why}), so no pod there gets a sandbox: {}", day2_model::redact::excerpt(message, 200)),
        )
        .fix(format!("Let node {node} reach the registry of {image}: its DNS resolver, and behind a corporate proxy the runtime's own proxy settings (HTTP_PROXY/HTTPS_PROXY/NO_PROXY in containerd's service environment; k3s/k3d pass them from the host); or pull the image into the node beforehand, or point the runtime's `sandbox_image` (k3s `--pause-image`) at a registry it reaches."))
        .missing("the node's DNS and proxy settings, and the runtime's log (`journalctl -u containerd`)")
        .unexplained(),
    )
}
