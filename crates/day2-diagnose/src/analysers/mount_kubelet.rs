//! Mounts no CSI driver serves: the kubelet's own volumes (ConfigMaps,
//! Secrets, projected tokens, emptyDir) that time out with every source
//! present, and FlexVolume scripts whose answer is not the JSON the kubelet
//! reads. Both point at the node, outside the cluster's objects.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

/// A mount that times out on volumes the kubelet serves itself (ConfigMaps,
/// Secrets, projected tokens, downward API, emptyDir) whose sources exist:
/// no driver is involved, so the kubelet's volume manager on that node is
/// what stalls (kubelet 1.3.0 to 1.3.3 lost such mounts:
/// kubernetes/kubernetes#29297, #31305). Its version is in the fix.
pub(super) fn kubelet_own(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    let wait = crate::messages::volume::parse_mount_wait(message)?;
    let spec = pod.spec.as_ref()?;
    let ns = pod.ns_or_default();
    let named: Vec<&str> = wait
        .unmounted
        .iter()
        .map(String::as_str)
        .filter(|v| !v.starts_with("kube-api-access") && !v.ends_with("-token"))
        .collect();
    if named.is_empty() {
        return None;
    }
    let own = named.iter().all(|n| {
        spec.volumes
            .iter()
            .flatten()
            .find(|v| v.name == *n)
            .is_some_and(|v| match (&v.config_map, &v.secret) {
                (Some(cm), _) => a
                    .cluster
                    .config_maps
                    .iter()
                    .any(|c| c.ns_or_default() == ns && c.name() == cm.name),
                (_, Some(s)) => s.secret_name.as_deref().is_some_and(|sn| {
                    a.cluster
                        .secrets
                        .iter()
                        .any(|x| x.ns_or_default() == ns && x.name() == sn)
                }),
                _ => v.empty_dir.is_some() || v.downward_api.is_some() || v.projected.is_some(),
            })
    });
    if !own {
        return None;
    }
    let (node_ref, node) = model::pod_node_ref(a.cluster, pod);
    let version = a
        .cluster
        .node(node)
        .and_then(|n| model::node_info(n))
        .map(|i| i.kubelet_version.clone())
        .filter(|v| !v.is_empty());
    let runs = version
        .as_deref()
        .map(|v| format!(" (it runs kubelet {v})"))
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            60,
            Loop::Storage,
            node_ref,
            format!(
                "the kubelet on node {node}{runs} does not mount volume(s) {} of pod {}, which it serves itself from objects that exist (no driver is involved): its volume manager stalls",
                named.join(", "),
                pod.name()
            ),
        )
        .fix(format!(
            "Read the kubelet's log on node {node} (`journalctl -u kubelet`) for the volume manager's errors and restart it (`systemctl restart kubelet`) or move the pod to another node; upgrade the kubelet to the latest patch release of its minor version{}, as kubelets have shipped volume-manager bugs that lose such mounts (1.3.0 to 1.3.3).",
            version.as_deref().map(|v| format!(" (now {v})")).unwrap_or_default()
        ))
        .missing(format!("the kubelet's log on node {node}")),
    )
}

/// A FlexVolume driver whose answer is not the JSON status the kubelet
/// reads (`invalid character '/' looking for beginning of value`): the
/// driver, a script on the node, failed before printing it, most often for
/// a tool it calls that the node lacks (jq, mount.cifs:
/// Azure/kubernetes-volume-drivers#14). The node's own files, outside the
/// cluster's objects.
pub(super) fn flex_garbled(pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    if !message.contains("looking for beginning of value") {
        return None;
    }
    let vol = message.split_once("for volume \"")?.1.split('"').next()?;
    let flex = pod
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == vol)?
        .flex_volume
        .as_ref()?;
    let driver = flex.driver.as_str();
    let dir = driver.replacen('/', "~", 1);
    let name = driver.rsplit('/').next().unwrap_or(driver);
    let node = model::node_name(pod).unwrap_or("its node");
    Some(
        Hypothesis::new(
            55,
            Loop::Storage,
            pod.objref(),
            format!(
                "FlexVolume driver {driver} answers the kubelet on node {node} with something that is not its JSON status ({}): the driver's script failed before printing it",
                day2_model::redact::excerpt(message, 120)
            ),
        )
        .fix(format!(
            "Run the driver by hand on node {node} (`/usr/libexec/kubernetes/kubelet-plugins/volume/exec/{dir}/{name} init`) to see what it prints: a tool the script calls is missing on the node (jq, mount.cifs, curl); install it on every node that may mount the volume, and the kubelet's next retry mounts."
        ))
        .missing(format!("the driver script's output on node {node}"))
        .unexplained(),
    )
}
