//! A volume whose backend runs in the cluster and is down: storage systems
//! that serve each volume from pods of their own (OpenEBS Jiva and cStor
//! controllers and replicas, and the like) name those pods after the
//! volume. When they crash or are not ready, a mount of the volume fails
//! whatever the node does: the backend is the cause.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

pub fn backend_down<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    for claim in model::claims(spec) {
        let Some(pvc) = a.cluster.pvc(ns, claim) else {
            continue;
        };
        let Some(volume) = pvc.spec.as_ref().and_then(|s| s.volume_name.as_deref()) else {
            continue;
        };
        let backend = a.volume_pods(volume);
        let down: Vec<(&Res<Pod>, String)> = backend
            .iter()
            .filter(|p| !model::is_terminal(p) && !model::is_ready(p))
            .filter_map(|p| trouble(p).map(|t| (*p, t)))
            .collect();
        let Some((first, why)) = down.first() else {
            continue;
        };
        let owner = a
            .cluster
            .owner_of(first)
            .map_or_else(|| first.objref(), |w| w.objref());
        let names: Vec<&str> = down.iter().map(|(p, _)| p.name()).collect();
        return vec![
            Hypothesis::new(
                84,
                Loop::Storage,
                owner,
                format!(
                    "volume {volume} of claim {ns}/{claim} is served by {} pod(s) in the cluster, and {} of them are down ({}): {why}; with its backend down the volume cannot be mounted, whatever the node does",
                    backend.len(),
                    down.len(),
                    day2_model::text::short_list(&names, 3),
                ),
            )
            .fix(format!(
                "Bring the volume's backend back before the mount can succeed: `kubectl logs -n {} {} --previous` says why it stops ({why}). Follow the storage system's recovery for that state (its replicas and controller for {volume}); the kubelet retries the mount once the backend serves.",
                first.ns_or_default(),
                first.name(),
            ))
            .links(d.events_with("FailedMount").last().map(|e| {
                Link::from_event(Loop::Storage, e, format!("mounting {volume} fails"))
            }))
            .link(Link::new(
                Loop::Storage,
                None,
                first.objref(),
                format!("backend pod {} of volume {volume} is down", first.name()),
            )),
        ];
    }
    vec![]
}

/// Why a backend pod is down: its container's last exit message, else its
/// waiting reason.
fn trouble(p: &Pod) -> Option<String> {
    model::container_statuses(p).find_map(|s| {
        let exit = s
            .last_state
            .as_ref()
            .and_then(|st| st.terminated.as_ref())
            .and_then(|t| t.message.as_deref())
            .filter(|m| !m.trim().is_empty())
            .map(|m| day2_model::redact::excerpt(m.trim(), 200));
        let waiting = s
            .state
            .as_ref()
            .and_then(|st| st.waiting.as_ref())
            .and_then(|w| w.reason.clone());
        exit.or(waiting.map(|w| format!("container {} is {w}", s.name)))
    })
}
/// An attach refused for where the disk or its replicas are: Longhorn's
/// `volume <v> not scheduled` (it could not place the replicas the volume
/// asks for: each on its own node with a schedulable disk unless replica
/// soft anti-affinity allows two on one, longhorn/longhorn#1632), and
/// Azure's `cannot be attached to the VM because it is not in zone '<z>'`
/// (a disk of one zone, or of none, bound to a pod on a node of another:
/// StatCan/aaw#1046).
pub(crate) fn placement_refused(
    pv: Option<&Res<k8s_openapi::api::core::v1::PersistentVolume>>,
    pod: &Res<Pod>,
    err: &str,
) -> Option<Hypothesis> {
    let pv = pv?;
    let node = model::node_name(pod).unwrap_or("its node");
    if err.contains(&format!("volume {} not scheduled", pv.name())) {
        let replicas = pv.spec.as_ref().and_then(|s| {
            s.csi
                .as_ref()?
                .volume_attributes
                .as_ref()?
                .get("numberOfReplicas")
                .cloned()
        });
        let asks = replicas
            .map(|n| format!(" ({n} replicas)"))
            .unwrap_or_default();
        return Some(
            Hypothesis::new(
                80,
                Loop::Storage,
                pv.objref(),
                format!("Longhorn cannot attach {} to {node}: it could not schedule the volume's replicas{asks}, so the volume has none to serve from", pv.name()),
            )
            .fix("Give every replica a place: a node per replica with a schedulable disk that has the free space Longhorn's `storage-minimal-available-percentage` asks (Longhorn UI → Node), or allow two replicas on one node (setting `replica-soft-anti-affinity: true`), or lower `numberOfReplicas` in the StorageClass to the nodes you have."),
        );
    }
    let zone = err
        .split_once("because it is not in zone '")?
        .1
        .split('\'')
        .next()?;
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            pv.objref(),
            format!("Azure refuses to attach disk {} to {node}: the disk is not in zone {zone}, the node's; the PersistentVolume's nodeAffinity does not keep the pod in the disk's own zone (a restored or hand-made disk, zonal or not, under a zonal PV)", pv.name()),
        )
        .fix(format!("Keep the pod in the disk's zone: correct the PersistentVolume's nodeAffinity (`topology.disk.csi.azure.com/zone`) to the zone the disk is in (empty for a non-zonal disk, which only nodes without a zone take), or a nodeSelector on the workload; or snapshot the disk into zone {zone}.")),
    )
}
/// A mount refused because the volume is still attached for another pod,
/// in a driver's own words (Longhorn's flexvolume: `mount command failed,
/// status: Failure, reason: <volume> is existed and is attached`), for a
/// Deployment that rolls out with RollingUpdate over a ReadWriteOnce claim:
/// the new pod starts while the old one holds the disk (longhorn/longhorn#30).
pub(crate) fn held_in_rollout(a: &Analysis<'_>, pod: &Res<Pod>, msg: &str) -> Option<Hypothesis> {
    if !(msg.contains("is existed and is attached") || msg.contains("is already attached")) {
        return None;
    }
    let owner = crate::model::workload_ref(a.cluster, pod);
    if owner.kind != "Deployment" {
        return None;
    }
    let ns = pod.ns_or_default();
    let dep = a
        .cluster
        .deployments
        .iter()
        .find(|x| x.ns_or_default() == ns && x.name() == owner.name)?;
    if model::deployment_strategy(&dep.spec) != "RollingUpdate" {
        return None;
    }
    let claim = pod.spec.as_ref()?.volumes.iter().flatten().find_map(|v| {
        let name = &v.persistent_volume_claim.as_ref()?.claim_name;
        a.cluster
            .pvcs
            .iter()
            .find(|c| c.ns_or_default() == ns && c.name() == name && model::single_node_claim(c))
    })?;
    Some(
        Hypothesis::new(
            82,
            Loop::Storage,
            owner.clone(),
            format!("{owner} rolls out with strategy RollingUpdate over ReadWriteOnce claim {}: the new pod {} starts while the old one still holds the volume, and the driver refuses a second attachment ({})", claim.name(), pod.name(), day2_model::redact::excerpt(msg, 160)),
        )
        .fix(format!("Set `spec.strategy: {{type: Recreate}}` on {owner} so the old pod releases the volume before the new one mounts it, or run it as a StatefulSet (one volume per replica, ordered replacement).")),
    )
}
/// Ceph RBD refusing to map an image another node still has mapped:
/// ceph-csi's `rbd image <pool>/<image> is still being used` (the image
/// has a watcher), after a pod moved while the old node never unmapped it
/// (rook/rook#10603).
pub(crate) fn image_in_use(a: &Analysis<'_>, pod: &Res<Pod>, msg: &str) -> Option<Hypothesis> {
    let (_, rest) = msg.split_once("rbd image ")?;
    let image = rest
        .strip_suffix("is still being used")
        .or_else(|| rest.split_once(" is still being used").map(|(i, _)| i))?
        .trim();
    let vol = crate::messages::quoted_after(msg, "for volume ");
    let pv = vol.and_then(|v| a.cluster.pvs.iter().find(|p| p.name() == v));
    let root = pv.map_or_else(|| pod.objref(), |p| p.objref());
    let node = model::node_name(pod).unwrap_or("its node");
    Some(
        Hypothesis::new(
            82,
            Loop::Storage,
            root,
            format!("Ceph will not map RBD image {image} on {node} for {}: it is still being used (it has a watcher), mapped on another node that never released it", pod.name()),
        )
        .fix(format!("Find the node that holds it (`rbd status {image}` lists the watcher's address), unmap it there (`rbd unmap` in that node's csi-rbdplugin container, or restart that pod), or, if the node is gone, blocklist the watcher (`ceph osd blocklist add <addr>`); the mount then succeeds on its next retry.")),
    )
}
/// A Longhorn volume whose class asks more replicas than the cluster has
/// nodes to put them on: without replica soft anti-affinity each replica
/// needs a node of its own, so the volume is never scheduled and its attach
/// times out (longhorn/longhorn#1848: `numberOfReplicas: "3"` on one node;
/// the class's parameter wins over the UI's default).
pub(crate) fn replicas_unplaceable(
    a: &Analysis<'_>,
    pv: Option<&Res<k8s_openapi::api::core::v1::PersistentVolume>>,
) -> Option<Hypothesis> {
    let pv = pv?;
    let spec = pv.spec.as_ref()?;
    if spec.csi.as_ref()?.driver != "driver.longhorn.io" {
        return None;
    }
    let class = a
        .cluster
        .storage_classes
        .iter()
        .find(|c| Some(c.name()) == day2_model::cluster::volume_class_name(pv))?;
    let asked: usize = class
        .parameters
        .as_ref()?
        .get("numberOfReplicas")?
        .parse()
        .ok()?;
    let nodes = a
        .cluster
        .nodes
        .iter()
        .filter(|n| model::node_ready(n) == Some(true) && !model::cordoned(n))
        .count();
    if nodes == 0 || asked <= nodes {
        return None;
    }
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            class.objref(),
            format!("StorageClass {} asks Longhorn for {asked} replicas of each volume and the cluster has {nodes} schedulable node(s): each replica needs a node of its own, so volume {} is never fully scheduled and its attach times out", class.name(), pv.name()),
        )
        .fix(format!("Set `numberOfReplicas` in StorageClass {} to at most {nodes} (parameters are immutable: create the class again and recreate the claim; for existing volumes lower the replica count in Longhorn's UI), or allow replicas to share a node (setting `replica-soft-anti-affinity: true`), or add nodes.", class.name())),
    )
}

/// A claim that waits for a Rook provisioner whose Ceph cluster never came
/// up (`CephCluster` status `Creating` or `Error`): the operator runs and
/// answers, but it has no cluster to carve the volume from, and why the
/// cluster's daemons do not form one (monitors out of quorum, most often
/// the nodes' firewalls between the monitors' ports:
/// rook/rook#3114, firewalld on CentOS) is not in the input.
pub fn ceph_cluster_down(
    a: &Analysis<'_>,
    claim: &day2_model::ObjRef,
    provisioner: &str,
    e: &day2_model::Event,
) -> Option<Hypothesis> {
    if !(provisioner.contains("rook") || provisioner.contains("ceph")) {
        return None;
    }
    let &(cluster, state, message) = a
        .memo
        .ceph_down
        .get_or_init(|| {
            a.cluster.other.iter().find_map(|o| {
                if o.kind != "CephCluster" {
                    return None;
                }
                let status = o.data.get("status")?;
                let state = status
                    .get("state")
                    .or_else(|| status.get("phase"))
                    .and_then(serde_json::Value::as_str)?;
                let message = status
                    .get("message")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("");
                matches!(state, "Creating" | "Error" | "Progressing" | "Failure")
                    .then_some((o, state, message))
            })
        })
        .as_ref()?;
    let ns = cluster.ns_or_default();
    Some(
        Hypothesis::new(
            70,
            Loop::Storage,
            cluster.objref(),
            format!(
                "claim {} waits for {provisioner}, and CephCluster {ns}/{} it provisions from is still `{state}`{}: the Ceph daemons have not formed a working cluster, and the input holds no reason",
                claim.name,
                cluster.name(),
                if message.is_empty() { String::new() } else { format!(" ({message})") }
            ),
        )
        .fix(format!(
            "Read why the Ceph cluster does not come up: the operator's log (`kubectl logs -n {ns} deploy/rook-ceph-operator`) and `ceph status` from the toolbox. Monitors out of quorum mostly mean the nodes cannot reach each other on the monitor ports (6789 and 3300) or the OSD ports (6800-7300): open them in the hosts' firewalls (firewalld, security groups); the claims bind once the cluster is healthy."
        ))
        .missing("the Ceph cluster's own state (`ceph status`, the monitors' logs) and the hosts' firewalls")
        .link(Link::from_event(Loop::Storage, e, "waiting for the external provisioner"))
        .unexplained(),
    )
}

/// A claim bound by name (`spec.volumeName`) to a volume whose own
/// provisioning failed, in the volume's events (`ProvisioningFailed` on the
/// PersistentVolume, as the alpha dynamic provisioner of Kubernetes 1.2
/// reported it: kubernetes/kubernetes#23517, `googleapi: Error 403:
/// Insufficient Permission`): the cloud refused the controller's request,
/// and the permission it lacks is the cloud account's.
pub fn named_volume_refused(
    a: &Analysis<'_>,
    pvc: &Res<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
) -> Option<Hypothesis> {
    let name = pvc.spec.as_ref()?.volume_name.as_deref()?;
    let pv = a.cluster.pv(name)?;
    let e = a
        .cluster
        .events_for_obj(pv)
        .into_iter()
        .rev()
        .find(|e| e.is_warning() && e.reason == "ProvisioningFailed")?;
    let msg = e.message_text();
    let lower = msg.to_ascii_lowercase();
    let refused = lower.contains("403")
        || lower.contains("permission")
        || lower.contains("accessdenied")
        || lower.contains("unauthorized");
    let ns = pvc.ns_or_default();
    let h = Hypothesis::new(
        60,
        Loop::Storage,
        pv.objref(),
        format!(
            "claim {ns}/{} waits for PersistentVolume {name}, whose provisioning failed: {}",
            pvc.name(),
            day2_model::redact::excerpt(msg, 200)
        ),
    )
    .link(Link::from_event(
        Loop::Storage,
        e,
        "the volume's provisioning failed",
    ));
    Some(if refused {
        h.fix("The cloud refuses the provisioning controller's request for lack of permission: grant the identity the control plane provisions disks with the right to create them (on GKE the cluster's service account and its access scopes, `https://www.googleapis.com/auth/compute`; on AWS the controller's IAM role; on Azure the cluster identity's role), then recreate the claim.")
            .missing("the cloud identity's permissions (in the cloud account)")
            .unexplained()
    } else {
        h.fix(format!(
            "Read the PersistentVolume's events (`kubectl describe pv {name}`): they name what the provisioner could not do; fix it and recreate the claim."
        ))
    })
}
