//! Why a node is NotReady: the CNI, a lost kubelet, pressure, the runtime.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link, per_cloud};
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::Node;

/// A CNI network configuration list (`"plugins": [...]`) without
/// `cniVersion`, in the ConfigMap the CNI's DaemonSet installs it from:
/// libcni refuses to load such a list (kubelet 1.16 and later, which
/// vendor libcni 0.7.1), so the kubelet keeps `cni config uninitialized`
/// although the file is there (flannel-io/flannel#1178).
fn conflist_without_version(a: &Analysis<'_>) -> Option<Hypothesis> {
    a.cluster
        .config_maps
        .iter()
        .filter(|m| m.ns_or_default() == "kube-system" || m.name().contains("flannel") || m.name().contains("calico"))
        .find_map(|m| {
            // A list of plugins, or one plugin's configuration (kube-router's
            // `cni-conf.json`, kubernetes/kops#8695), which the kubelet
            // wraps in a list of the same version.
            let (key, _) = m.data.as_ref()?.iter().find(|(k, v)| {
                (k.ends_with(".conflist") || k.ends_with(".conf") || k.contains("cni"))
                    && !v.contains("\"cniVersion\"")
                    && serde_json::from_str::<serde_json::Value>(v).is_ok_and(|v| {
                        v.get("plugins").is_some_and(serde_json::Value::is_array)
                            || v.get("type").is_some_and(serde_json::Value::is_string)
                    })
            })?;
            let ns = m.ns_or_default();
            Some(
                Hypothesis::new(
                    86,
                    Loop::Network,
                    m.objref(),
                    format!("the CNI configuration in key {key} of ConfigMap {ns}/{} has no `cniVersion`, which libcni (kubelet 1.16 and later) requires of the list it loads: the kubelet does not load it and reports `cni config uninitialized`", m.name()),
                )
                .fix(format!("Add `\"cniVersion\": \"0.3.1\"` at the top of key {key} in ConfigMap {ns}/{} (current CNI manifests carry it), then restart the CNI DaemonSet's pods so they write the file again.", m.name())),
            )
        })
}

/// Whether the DaemonSet has a pod on the node.
fn has_pod_on(
    a: &Analysis<'_>,
    ds: &Res<k8s_openapi::api::apps::v1::DaemonSet>,
    node: &Res<Node>,
) -> bool {
    a.cluster
        .pods_on_node(node.name())
        .any(|p| of_daemon_set(a, p, ds))
}

/// The CNI DaemonSet has no pod on the node because the API server refuses
/// to create it: the refusal's cause, as for any controller, with the
/// missing pod in the chain (amazon-vpc-cni-k8s#695: a PodSecurityPolicy
/// grant lost in an upgrade keeps aws-node off every new node).
fn refused_here<'c>(
    a: &Analysis<'c>,
    ds: &'c Res<k8s_openapi::api::apps::v1::DaemonSet>,
    node: &Res<Node>,
) -> Option<Hypothesis> {
    if has_pod_on(a, ds, node) {
        return None;
    }
    let events = a.cluster.events_for_obj(ds);
    let failed = events.iter().rev().find(|e| e.reason == "FailedCreate")?;
    let mut create = Detected::new(
        crate::symptoms::Kind::PodCreateFailed,
        ds.objref(),
        Subject::Controller {
            meta: &ds.metadata,
            template: Some(&ds.spec.template),
        },
    );
    create.detail = crate::symptoms::Detail::Message(failed.message_text().to_owned());
    create.events = events.clone();
    let h = super::admission::failed_create(a, &create)
        .into_iter()
        .find(|h| !h.unexplained)?;
    Some(h.link(Link::from_event(
        Loop::Network,
        failed,
        format!(
            "DaemonSet {} has no pod on {}, so its pod network never starts: the API server refuses to create it",
            ds.name(),
            node.name()
        ),
    )))
}

/// Whether a pod is one of the DaemonSet's (by kind, namespace and name:
/// a pod's owner reference does not say the owner's API version the way
/// the object's own reference does).
fn of_daemon_set(
    a: &Analysis<'_>,
    p: &Res<day2_model::pod::Pod>,
    ds: &Res<k8s_openapi::api::apps::v1::DaemonSet>,
) -> bool {
    let w = model::workload_ref(a.cluster, p);
    w.kind == "DaemonSet" && w.namespace.as_deref() == ds.namespace() && w.name == ds.name()
}

/// What a symptom of the CNI DaemonSet's pod on the node (found by
/// `detect`) traces to, as the cause of the node's pod network never
/// starting: `what` the pod does.
fn resolved_here<'c>(
    a: &Analysis<'c>,
    ds: &Res<k8s_openapi::api::apps::v1::DaemonSet>,
    node: &Res<Node>,
    detect: Detect<'c>,
    what: &str,
) -> Option<Hypothesis> {
    let pod = a
        .cluster
        .pods_on_node(node.name())
        .find(|p| of_daemon_set(a, p, ds))?;
    let events = a.cluster.events_for_obj(pod);
    let found = detect(a, pod, &events).into_iter().next()?;
    let h = super::resolve(a, &found).as_upstream(0);
    Some(h.link(Link::new(
        Loop::Network,
        found.since,
        pod.objref(),
        format!(
            "{} of DaemonSet {} {what}, so the pod network on {} never starts",
            pod.name(),
            ds.name(),
            node.name()
        ),
    )))
}

/// A pod symptom's detector.
type Detect<'c> = fn(
    &Analysis<'c>,
    &'c Res<day2_model::pod::Pod>,
    &[&'c day2_model::Event],
) -> Vec<crate::symptoms::Detected<'c>>;

/// The CNI DaemonSet's pod on the node cannot pull its image: the pull's
/// cause, as for any pod, is the node's (k0sproject/k0s#3713: quay.io
/// refusing kube-router's layer keeps a new worker NotReady).
fn unpulled_here<'c>(
    a: &Analysis<'c>,
    ds: &'c Res<k8s_openapi::api::apps::v1::DaemonSet>,
    node: &Res<Node>,
) -> Option<Hypothesis> {
    resolved_here(
        a,
        ds,
        node,
        crate::symptoms::image_pull::detect,
        "cannot pull its image",
    )
}

/// The CNI DaemonSet's pod on the node gets no sandbox (the node cannot
/// pull the pause image, kubernetes/kubeadm#1201): that cause, not the CNI's
/// configuration, is why its network never comes up.
fn sandboxless_here<'c>(
    a: &Analysis<'c>,
    ds: &'c Res<k8s_openapi::api::apps::v1::DaemonSet>,
    node: &Res<Node>,
) -> Option<Hypothesis> {
    resolved_here(
        a,
        ds,
        node,
        crate::symptoms::start::detect,
        "gets no sandbox",
    )
    .filter(|h| h.root.object.kind != "Node" || h.unexplained)
}

/// The CNI DaemonSet's pod on the node crash-loops (an install step that
/// fails, its agent exiting): the crash's own cause, wherever it lives, is
/// why the node's pod network never comes up. A cause that is the node's
/// readiness itself is no answer here.
fn crashing_here<'c>(
    a: &Analysis<'c>,
    ds: &'c Res<k8s_openapi::api::apps::v1::DaemonSet>,
    node: &Res<Node>,
) -> Option<Hypothesis> {
    resolved_here(
        a,
        ds,
        node,
        crate::symptoms::crash_loop::detect,
        "crash-loops",
    )
    .filter(|h| !matches!(&*h.root.object.kind, "Node" | "NodeGroup") && h.score >= 60)
}

/// Days from the node joining to its kubelet going silent, when that is just
/// past a year: the lifetime of the client certificate a kubelet gets when
/// it bootstraps (kube-controller-manager's `--cluster-signing-duration`,
/// 8760h by default), the end of a kubelet that does not rotate it.
fn year_old(node: &Res<Node>, ready: &k8s_openapi::api::core::v1::NodeCondition) -> Option<i64> {
    let joined = model::creation(&node.metadata)?;
    let silent = ready.last_transition_time.as_ref()?.0;
    let days = (silent.as_second() - joined.as_second()) / 86_400;
    (365..380).contains(&days).then_some(days)
}

/// The CNI DaemonSet has no pod on the node because the node carries a
/// taint its template does not tolerate (kops instance groups with
/// `dedicated=…:NoSchedule`): the network never starts there. The taints
/// the DaemonSet controller tolerates by itself (`node.kubernetes.io/*`)
/// do not count.
fn untolerated_here<'c>(
    a: &Analysis<'c>,
    ds: &'c Res<k8s_openapi::api::apps::v1::DaemonSet>,
    node: &Res<Node>,
) -> Option<Hypothesis> {
    if has_pod_on(a, ds, node) {
        return None;
    }
    let spec = ds.spec.template.spec.as_ref()?;
    let taints: Vec<String> = model::untolerated_taints(spec, node)
        .into_iter()
        .filter(|t| !t.key.starts_with("node.kubernetes.io/"))
        .map(model::describe_taint)
        .collect();
    if taints.is_empty() {
        return None;
    }
    let list = taints.join(", ");
    Some(
        Hypothesis::new(
            88,
            Loop::Network,
            ds.objref(),
            format!(
                "DaemonSet {} has no pod on {}: the node's taint {list} is not tolerated by its template, so the pod network never starts there and the node stays NotReady",
                ds.name(),
                node.name()
            ),
        )
        .fix(format!(
            "Add tolerations for {list} to DaemonSet {}/{} (or `tolerations: [{{operator: Exists}}]`, as CNI DaemonSets usually carry, so every node gets the network whatever its taints).",
            ds.ns_or_default(),
            ds.name()
        )),
    )
}

/// CNI operators that install the network's DaemonSet only once told to by
/// a resource of theirs: the operator's name, that resource's kind, and
/// where its manifest is published.
const CNI_OPERATORS: &[(&str, &str, &str)] = &[(
    "tigera-operator",
    "Installation",
    "Calico's `custom-resources.yaml` (`kubectl create -f https://raw.githubusercontent.com/projectcalico/calico/<version>/manifests/custom-resources.yaml`, its pod CIDR set to the cluster's)",
)];

/// No CNI DaemonSet runs, and a CNI operator does, without the resource
/// that tells it to install the network (projectcalico: the tigera-operator
/// applied without an `Installation`): it waits, and every node stays
/// NotReady.
fn operator_without_install(a: &Analysis<'_>) -> Option<Hypothesis> {
    let (op, kind, manifest) = CNI_OPERATORS.iter().find_map(|(name, kind, manifest)| {
        let op = a.cluster.deployments.iter().find(|d| d.name() == *name)?;
        Some((op, *kind, *manifest))
    })?;
    if a.cluster.other.iter().any(|o| o.obj.kind == kind) {
        return None;
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            op.objref(),
            format!("no CNI DaemonSet runs: {} is installed but the cluster holds no {kind} resource, which is what tells it to install the pod network, so no node's network ever initialises", op.objref()),
        )
        .fix(format!("Create the {kind} resource the operator waits for: {manifest}; the operator then deploys the network's DaemonSet and the nodes become Ready.")),
    )
}

pub fn not_ready<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Node(node) = d.subject else {
        return vec![];
    };
    let Some(ready) = model::node_condition(node, "Ready") else {
        return vec![];
    };
    let msg = ready.message.as_deref().unwrap_or("");
    let reason = ready.reason.as_deref().unwrap_or("");
    let on_node: Vec<String> = a
        .cluster
        .pods_on_node(node.name())
        .filter(|p| !model::is_terminal(p))
        .map(|p| format!("{}/{}", p.ns_or_default(), p.name()))
        .collect();
    let pods = on_node.len();
    // The pods it takes down, by name: the first place an on-call looks.
    let named = match pods {
        0 => String::new(),
        _ => format!(" ({})", day2_model::text::short_list(&on_node, 3)),
    };
    let l = msg.to_ascii_lowercase();
    let cond_link = Link::new(
        Loop::Compute,
        d.since,
        node.objref(),
        format!("node {} Ready={} ({reason})", node.name(), ready.status),
    )
    .with_evidence([msg.to_owned()]);
    let pressure: Vec<&str> = ["MemoryPressure", "DiskPressure", "PIDPressure"]
        .into_iter()
        .filter(|t| model::node_condition(node, t).is_some_and(|c| c.status == "True"))
        .collect();
    let network_unavailable =
        model::node_condition(node, "NetworkUnavailable").is_some_and(|c| c.status == "True");
    if l.contains("networkpluginnotready")
        || l.contains("cni")
        || l.contains("network plugin")
        || network_unavailable
    {
        let ds = a
            .cluster
            .daemon_sets
            .iter()
            .find(|d| model::is_cni_daemon(d.name()));
        if let Some(h) = ds.and_then(|ds| {
            refused_here(a, ds, node)
                .or_else(|| unpulled_here(a, ds, node))
                .or_else(|| sandboxless_here(a, ds, node))
                .or_else(|| crashing_here(a, ds, node))
                .or_else(|| untolerated_here(a, ds, node))
        }) {
            return vec![h.link(cond_link)];
        }
        // libcni refuses a list without `cniVersion` from kubelet 1.16 on.
        let strict = node
            .status
            .as_ref()
            .and_then(|s| s.node_info.as_ref())
            .and_then(|i| day2_model::text::major_minor(&i.kubelet_version))
            .is_none_or(|v| v >= (1, 16));
        if l.contains("cni config uninitialized")
            && strict
            && let Some(h) = conflist_without_version(a)
        {
            return vec![h.link(cond_link)];
        }
        if ds.is_none()
            && let Some(h) = operator_without_install(a)
        {
            return vec![h.link(cond_link)];
        }
        let obj = ds.map(|d| d.objref()).unwrap_or_else(|| node.objref());
        return vec![Hypothesis::new(
            84,
            Loop::Network,
            obj,
            format!("the pod network on {} is not ready (the CNI plugin did not initialise): the kubelet reports NotReady and {pods} pod(s) there cannot start or serve{named}", node.name()),
        )
        .fix(format!("Check the CNI DaemonSet pod{} on this node (`kubectl -n kube-system get pods -o wide --field-selector spec.nodeName={}`) and its logs; on AWS VPC CNI common causes are IP exhaustion in the subnet and the aws-node role lacking `AmazonEKS_CNI_Policy`. A node reset with `kubeadm reset` and joined again without a reboot keeps the old network's state (/etc/cni/net.d, /var/lib/cni, its interfaces): remove it or reboot the node.", ds.map(|d| format!(" ({})", d.name())).unwrap_or_default(), node.name()))
        .link(cond_link)];
    }
    if reason == "NodeStatusUnknown" || l.contains("stopped posting node status") {
        if let Some(h) = group_lost(a, node) {
            return vec![h.link(cond_link)];
        }
        if let Some(days) = year_old(node, ready) {
            return vec![Hypothesis::new(
                66,
                Loop::Identity,
                node.objref(),
                format!("the kubelet on {} stopped reporting {days} days after the node joined: the kubelet's client certificate, issued for one year when it joined, has most likely expired without rotating, so the API server no longer accepts it; {pods} pod(s) there are unreachable{named}", node.name()),
            )
            .fix(format!("On {}, check the client certificate's end date (`openssl x509 -enddate -noout -in /var/lib/kubelet/pki/kubelet-client-current.pem`) and the kubelet's log (`journalctl -u kubelet | grep -i certificate`). Renew it: re-bootstrap the kubelet with a fresh bootstrap token (or `kubeadm certs renew` on control-plane nodes), restart the kubelet and approve its CSR (`kubectl get csr`); then make rotation work (`rotateCertificates: true` in the kubelet configuration and a CSR approver for the renewals).", node.name()))
            .missing("the kubelet's log and its client certificate on the node")
            .link(cond_link)];
        }
        return vec![Hypothesis::new(
            62,
            Loop::Compute,
            node.objref(),
            format!("the kubelet on {} stopped reporting (instance stopped or unreachable, kubelet down, or network partition); {pods} pod(s) there are unreachable{named}", node.name()),
        )
        .fix("Check the instance in the cloud console and the kubelet (`journalctl -u kubelet`); replace the node if it does not return; PodDisruptionBudgets and replicas across zones limit the blast radius.")
        .link(cond_link)];
    }
    if !pressure.is_empty() {
        let unreq = a.capacity().unrequested(node.name()).1;
        return vec![Hypothesis::new(
            72,
            Loop::Compute,
            node.objref(),
            format!("node {} is under {}; {unreq} pod(s) on it have no memory request, so the scheduler packed it past its real capacity", node.name(), pressure.join(", ")),
        )
        .fix("Set requests and limits on every workload from measured usage; reserve system resources (kubeReserved/systemReserved) and keep eviction thresholds.")
        .link(cond_link)];
    }
    if l.contains("pleg") || l.contains("container runtime") {
        return vec![
            Hypothesis::new(
                60,
                Loop::Compute,
                node.objref(),
                format!(
                    "the container runtime on {} is unhealthy: {msg}{}",
                    node.name(),
                    on_it(pods, &named)
                ),
            )
            .fix("Check containerd/CRI-O on the node; restart or replace the node.")
            .link(cond_link),
        ];
    }
    vec![
        Hypothesis::new(
            35,
            Loop::Compute,
            ObjRef::new("Node", None, node.name()),
            format!(
                "node {} is NotReady: {reason} {msg}{}",
                node.name(),
                on_it(pods, &named)
            ),
        )
        .fix("`kubectl describe node` and the kubelet's log on the node.")
        .link(cond_link),
    ]
}

/// `; N pod(s) on it (a, b, c)`, or nothing for an empty node.
fn on_it(pods: usize, named: &str) -> String {
    match pods {
        0 => String::new(),
        n => format!("; {n} pod(s) on it{named}"),
    }
}

/// Every node of the node's group (two or more, in more than one zone)
/// stopped reporting within ten minutes of each other: not one instance
/// failing but something they share, outside the cluster's objects: their
/// cloud identity (the instance role or profile and its mapping to a
/// Kubernetes user), their route to the API server, or a change rolled to
/// all of them. The zone analyser takes the outage of one zone.
fn group_lost(a: &Analysis<'_>, node: &Res<Node>) -> Option<Hypothesis> {
    let group = model::node_group(node);
    let members = a.group_nodes(group);
    if members.len() < 2 || !members.iter().all(|n| super::zone::lost(n)) {
        return None;
    }
    let mut zones: Vec<&str> = members.iter().filter_map(|n| model::node_zone(n)).collect();
    zones.sort_unstable();
    zones.dedup();
    if zones.len() < 2 {
        return None;
    }
    let times: Vec<jiff::Timestamp> = members
        .iter()
        .filter_map(|n| {
            model::node_condition(n, "Ready")?
                .last_transition_time
                .as_ref()
        })
        .map(|t| t.0)
        .collect();
    let (first, last) = (times.iter().min()?, times.iter().max()?);
    if times.len() != members.len() || last.duration_since(*first).as_secs() > 600 {
        return None;
    }
    let pool = model::node_pool_ref(members.iter().copied());
    let names: Vec<&str> = members.iter().map(|n| n.name()).collect();
    Some(
        Hypothesis::new(
            70,
            Loop::Compute,
            pool.clone(),
            format!(
                "all {} nodes of {pool} ({}) in {} zones stopped reporting {}: not one instance failing but something they share outside the cluster (their cloud identity, their route to the API server, or a change rolled to all of them)",
                members.len(),
                day2_model::text::short_list(&names, 3),
                zones.len(),
                within(last.duration_since(*first).as_secs()),
            ),
        )
        .fix(per_cloud(
            a.cloud,
            "Read a node's kubelet log (`journalctl -u kubelet`): an Unauthorized or certificate error points at the nodes' credentials, a timeout at the network to the API server (firewall, load balancer, endpoint). Check what changed for the whole group at that time.",
            "Read a node's kubelet log (`journalctl -u kubelet`). `Unauthorized` means the API server no longer maps the nodes' IAM role: check the instance profile attached to the instances (`aws ec2 describe-iam-instance-profile-associations`; an account-wide tool that manages instance profiles may have replaced it) and that the node role is in aws-auth or an access entry. A timeout points at the cluster security group, NAT or the endpoint's access settings.",
            "Read a node's kubelet log (`journalctl -u kubelet`): `Unauthorized` points at the kubelet identity or its certificates, a timeout at the NSG, route table, firewall or the API server's authorized IP ranges. Check the activity log for changes to the node pool's VM scale set at that time.",
            "Read a node's kubelet log (`journalctl -u kubelet`): `Unauthorized` points at the node service account or its certificates, a timeout at the firewall rules or the control plane's authorized networks. Check the audit log for changes to the node pool at that time.",
        ))
        .missing("the nodes' kubelet logs and the cloud account's changes at the time")
        .unexplained(),
    )
}

/// `at the same moment`, `within 40 s of each other`, `within 6 min …`.
fn within(secs: i64) -> String {
    match secs {
        ..=0 => "at the same moment".to_owned(),
        1..120 => format!("within {secs} s of each other"),
        _ => format!("within {} min of each other", secs / 60),
    }
}

/// A running pod whose containers are all ready (`ContainersReady` True)
/// and that waits on no readiness gate, yet whose `Ready` condition is
/// False: Ready is ContainersReady and the gates, so only a stale status
/// says otherwise. The node controller marks a NotReady node's pods not
/// Ready, and a kubelet with the status regression of 1.15 to 1.17
/// (kubernetes/kubernetes#84931, fixed by #84951; 1.15.8 carries it as
/// #86195) never writes Ready back once its node returns
/// (Azure/AKS#1472): the Service keeps the pod out of its endpoints.
pub fn stale_ready(a: &Analysis<'_>, pod: &Res<day2_model::pod::Pod>) -> Option<Hypothesis> {
    let status = |t: &str| model::condition(pod, t).map(|c| c.status.as_str());
    let gated = pod
        .spec
        .as_ref()
        .is_some_and(|s| s.readiness_gates.as_ref().is_some_and(|g| !g.is_empty()));
    if gated
        || model::phase(pod) != "Running"
        || model::is_deleting(pod)
        || status("Ready") != Some("False")
        || status("ContainersReady") != Some("True")
    {
        return None;
    }
    let node_name = model::node_name(pod)?;
    let node = a.cluster.node(node_name);
    let version = node
        .and_then(|n| n.status.as_ref()?.node_info.as_ref())
        .map(|i| i.kubelet_version.as_str())
        .unwrap_or("");
    let regressed = matches!(day2_model::text::release(version), Some((1, 15, Some(p))) if p < 8);
    let upgrade = if regressed {
        format!(
            " The kubelet there is {version}, which has the regression: upgrade the node pool to 1.15.8 or later (kubernetes#86195)."
        )
    } else {
        " If it recurs, upgrade the kubelet to a release with kubernetes#84951 (the ready-status regression of 1.15 to 1.17).".to_owned()
    };
    Some(
        Hypothesis::new(
            74,
            Loop::Compute,
            ObjRef::new("Node", None, node_name),
            format!("{} is Running with every container ready (ContainersReady True) and no readiness gate, yet its Ready condition is False: a status the kubelet on {node_name} did not write back after the node controller marked the pod not Ready (the node lost contact), so the Service leaves it out", pod.name()),
        )
        .fix(format!("Restart the kubelet on {node_name} or delete the pod (its replacement reports Ready).{upgrade}")),
    )
}
