//! A provisioner that refuses a claim for something the cluster holds: a
//! size outside the driver's bounds (`Invalid size (8GB) - Must be between
//! 10GB and 10000GB`, vultr/vultr-csi#86), or the helper pod a host-path
//! provisioner starts refused by Pod Security admission in its own
//! namespace (`pods "helper-pod-create-pvc-…" is forbidden: violates
//! PodSecurity "baseline:latest": hostPath volumes`, siderolabs/talos#10817),
//! or a node-local provisioner asked before a pod chose a node, or a CSI
//! driver refusing the access mode a claim asks (`Volume capabilities not
//! supported`, the EBS driver asked for ReadWriteMany), or a Rook pool
//! asking more replicas than there are failure domains to hold them (its
//! placement groups never turn active, and ceph-csi's call times out:
//! rook/rook#10294).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

pub fn refused(
    a: &Analysis<'_>,
    pvc: &Res<PersistentVolumeClaim>,
    provisioner: &str,
    msg: &str,
) -> Option<Hypothesis> {
    helper_refused(a, provisioner, msg)
        .or_else(|| size_refused(pvc, provisioner, msg))
        .or_else(|| capabilities_refused(pvc, provisioner, msg))
        .or_else(|| no_node(a, pvc, provisioner, msg))
        .or_else(|| undersized(a, pvc, provisioner, msg))
        .or_else(|| nodes_uninitialized(a, provisioner, msg))
        .or_else(|| replicas_on_one_node(a, pvc, msg))
        .or_else(|| super::snapshot_api::unserved(a, provisioner, msg))
}

/// A replicated volume that must spread its replicas over several nodes'
/// pools, asked through a class that waits for the first consumer: the
/// scheduler picks the pod's node first (`volume.kubernetes.io/selected-node`)
/// and the provisioner may then only use what that node holds, one pool for
/// three replicas (`Not enough pools to provision replica: expected replica
/// count 3 actual count 1`, openebs/openebs#2862).
fn replicas_on_one_node(
    a: &Analysis<'_>,
    pvc: &Res<PersistentVolumeClaim>,
    msg: &str,
) -> Option<Hypothesis> {
    let (_, rest) = msg.split_once("expected replica count ")?;
    let expected: u32 = rest
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let actual: u32 = rest
        .split_once("actual count ")?
        .1
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let node = pvc.annotation("volume.kubernetes.io/selected-node")?;
    let class = a.cluster.class_of_claim(pvc)?;
    if class.volume_binding_mode.as_deref() != Some("WaitForFirstConsumer") || actual >= expected {
        return None;
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            class.objref(),
            format!("StorageClass {} waits for the first consumer, so the scheduler chose node {node} for claim {}/{} before provisioning, and the provisioner may place the volume's {expected} replicas only where that node allows: it finds {actual}", class.name(), pvc.ns_or_default(), pvc.name()),
        )
        .fix(format!("Give StorageClass {} `volumeBindingMode: Immediate` (the field is immutable: create a new class and point the claim at it), so the provisioner spreads the {expected} replicas over the pools first and the scheduler follows the volume; or lower the class's replica count to what one node holds.", class.name())),
    )
}

/// A cloud's CSI driver that finds no machine behind the nodes, on a
/// cluster whose nodes carry no `spec.providerID`: the cloud provider
/// interface never initialized them, and the driver maps nodes to VMs by
/// that ID (`Empty List of Node VMs returned from VC`, vSphere CSI with no
/// CPI: kubernetes-sigs/vsphere-csi-driver).
fn nodes_uninitialized(a: &Analysis<'_>, provisioner: &str, msg: &str) -> Option<Hypothesis> {
    const CLOUD_DRIVERS: &[&str] = &[
        "csi.vsphere.vmware.com",
        "ebs.csi.aws.com",
        "pd.csi.storage.gke.io",
        "disk.csi.azure.com",
        "file.csi.azure.com",
        "csi.hetzner.cloud",
    ];
    let l = msg.to_ascii_lowercase();
    if !CLOUD_DRIVERS.contains(&provisioner)
        || !(l.contains("node vms")
            || l.contains("no nodes")
            || l.contains("node not found")
            || l.contains("instance not found"))
    {
        return None;
    }
    let nodes = &a.cluster.nodes;
    let bare = nodes
        .iter()
        .filter(|n| model::provider_id(n).is_none())
        .count();
    if nodes.is_empty() || bare < nodes.len() {
        return None;
    }
    let first = nodes.first()?;
    Some(
        Hypothesis::new(
            82,
            Loop::Storage,
            first.objref(),
            format!("{provisioner} finds no machine behind the cluster's nodes, and none of the {} node(s) has a `spec.providerID`: the cloud provider interface never initialized them, and the driver finds each node's VM by that ID", nodes.len()),
        )
        .fix(format!("Run the cloud provider interface (CPI, the cloud-controller-manager for this cloud) so it sets each node's providerID (with the kubelet's `--cloud-provider=external`, nodes wait with the `node.cloudprovider.kubernetes.io/uninitialized` taint until it does), then restart the {provisioner} controller; `kubectl get nodes -o custom-columns=NAME:.metadata.name,ID:.spec.providerID` shows the IDs.")),
    )
}

/// A Ceph pool (a CephBlockPool, or a CephFilesystem's metadata and data
/// pools) whose `replicated.size` is more than its `failureDomain` has
/// members (hosts with an OSD by default, OSDs with `failureDomain: osd`):
/// Ceph keeps its placement groups `undersized+peered`, never active, and
/// every volume call on the pool waits until ceph-csi gives up
/// (`DeadlineExceeded`, then `Aborted` for the retries).
fn undersized(
    a: &Analysis<'_>,
    pvc: &Res<PersistentVolumeClaim>,
    provisioner: &str,
    msg: &str,
) -> Option<Hypothesis> {
    // The retries of a call that timed out find it still in flight
    // (`Aborted desc = an operation with the given Volume ID … already exists`).
    let timed_out = msg.contains("DeadlineExceeded")
        || (msg.contains("code = Aborted") && msg.contains("already exists"));
    if !provisioner.contains(".csi.ceph.com") || !timed_out {
        return None;
    }
    let class = a.cluster.class_of_claim(pvc)?;
    let params = class.parameters.as_ref()?;
    let ns = params.get("clusterID").map_or("rook-ceph", String::as_str);
    let (kind, name) = match params.get("fsName") {
        Some(fs) => ("CephFilesystem", fs.as_str()),
        None => ("CephBlockPool", params.get("pool")?.as_str()),
    };
    let cr = a
        .cluster
        .other
        .iter()
        .find(|o| o.kind == kind && o.ns_or_default() == ns && o.name() == name)?;
    let spec = cr.obj.data.get("spec")?;
    // Every pool the object declares, with its size and failure domain.
    let pools: Vec<&serde_json::Value> = if kind == "CephFilesystem" {
        spec.get("metadataPool")
            .into_iter()
            .chain(
                spec.get("dataPools")
                    .and_then(|p| p.as_array())
                    .into_iter()
                    .flatten(),
            )
            .collect()
    } else {
        vec![spec]
    };
    let osds: Vec<_> = a
        .cluster
        .pods
        .iter()
        .filter(|p| {
            p.ns_or_default() == ns
                && p.labels().get("app").map(String::as_str) == Some("rook-ceph-osd")
                && crate::model::is_ready(p)
        })
        .collect();
    if osds.is_empty() {
        return None;
    }
    let mut hosts: Vec<&str> = osds
        .iter()
        .filter_map(|p| crate::model::node_name(p))
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    let (size, domain, members) = pools.iter().find_map(|p| {
        let size = p.get("replicated")?.get("size")?.as_u64()?;
        let domain = p
            .get("failureDomain")
            .and_then(|d| d.as_str())
            .unwrap_or("host");
        let members = match domain {
            "osd" => osds.len(),
            "host" => hosts.len(),
            _ => return None,
        };
        (size as usize > members).then_some((size, domain, members))
    })?;
    Some(
        Hypothesis::new(
            82,
            Loop::Storage,
            cr.objref(),
            format!(
                "{kind} {ns}/{name} asks {size} replicas with failureDomain {domain}, and the Ceph cluster has {members} {domain}{} with a ready OSD ({} OSD pod{}): its placement groups cannot turn active, so {provisioner} times out creating claim {}/{}",
                if members == 1 { "" } else { "s" },
                osds.len(),
                if osds.len() == 1 { "" } else { "s" },
                pvc.ns_or_default(),
                pvc.name()
            ),
        )
        .fix(format!(
            "Give the pool as many failure domains as replicas (add OSDs on {} more {domain}{}), or lower `replicated.size` of {kind} {ns}/{name}'s pools to {members} (a test cluster: `size: 1` with `requireSafeReplicaSize: false`), or set `failureDomain: osd` when the OSDs share a host; `ceph health detail` in the toolbox names the undersized placement groups.",
            size as usize - members,
            if size as usize - members == 1 { "" } else { "s" },
        )),
    )
}

/// A node-local provisioner (OpenEBS Local PV, Rancher's local-path) asked
/// for a volume before any pod chose a node: it can only make a volume on
/// the node the scheduler picked, which an `Immediate` class never tells
/// it (`configuration error, no node was specified`,
/// openebs/dynamic-localpv-provisioner#186).
fn no_node(
    a: &Analysis<'_>,
    pvc: &Res<PersistentVolumeClaim>,
    provisioner: &str,
    msg: &str,
) -> Option<Hypothesis> {
    if !msg.contains("no node was specified") {
        return None;
    }
    let class = a.cluster.class_of_claim(pvc)?;
    if class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer") {
        return None;
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Storage,
            class.objref(),
            format!(
                "{provisioner} makes a volume on the node its pod runs on, and StorageClass {} binds claims immediately (volumeBindingMode {}), before any pod has a node: it refuses claim {}/{} (`no node was specified`)",
                class.name(),
                class.volume_binding_mode.as_deref().unwrap_or("Immediate, the default"),
                pvc.ns_or_default(),
                pvc.name()
            ),
        )
        .fix(format!(
            "Create the class with `volumeBindingMode: WaitForFirstConsumer` (the field cannot change: `kubectl get sc {} -o yaml`, edit, delete and apply it again), then delete and recreate claim {}/{} so it is bound once its pod is scheduled.",
            class.name(),
            pvc.ns_or_default(),
            pvc.name()
        )),
    )
}

/// A CSI driver refusing the volume capabilities of a claim that asks to be
/// shared (`rpc error: code = InvalidArgument desc = Volume capabilities not
/// supported`, the EBS driver asked for ReadWriteMany, apache/airflow#48243):
/// block storage attaches to one node at a time.
fn capabilities_refused(
    pvc: &Res<PersistentVolumeClaim>,
    provisioner: &str,
    msg: &str,
) -> Option<Hypothesis> {
    let l = msg.to_ascii_lowercase();
    // The cloud refusing the multi-writer flag the driver sets for a shared
    // claim on a disk type that takes an access mode instead (Hyperdisk:
    // `Cannot specify the multi writer field for 'hyperdisk-balanced' disks,
    // please use access mode instead`, gcp-compute-persistent-disk-csi-driver#1863,
    // fixed by its #1919).
    let multi_writer = l.contains("multi writer field") || l.contains("multiwriter");
    if !(l.contains("volume capabilities not supported")
        || l.contains("volume capability not supported")
        || multi_writer)
    {
        return None;
    }
    let modes: Vec<&str> = pvc
        .spec
        .as_ref()?
        .access_modes
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|m| matches!(*m, "ReadWriteMany" | "ReadOnlyMany"))
        .collect();
    if modes.is_empty() {
        return None;
    }
    let ns = pvc.ns_or_default();
    let asked = modes.join(", ");
    if multi_writer {
        return Some(
            Hypothesis::new(
                84,
                Loop::Storage,
                pvc.objref(),
                format!("claim {ns}/{} asks for {asked}, which {provisioner} turns into the disk's multi-writer flag, and the cloud refuses that flag for this disk type: it takes an access mode instead", pvc.name()),
            )
            .fix(format!("Upgrade the CSI driver ({provisioner}) to a release that passes the disk's access mode for this disk type instead of the multi-writer flag, or ask for ReadWriteOnce in claim {ns}/{} if one node at a time is enough (accessModes are immutable on a claim: recreate it).", pvc.name())),
        );
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            pvc.objref(),
            format!("claim {ns}/{} asks for {asked}, and {provisioner} refuses the volume capabilities: its volumes attach to one node at a time", pvc.name()),
        )
        .fix(format!("Ask for ReadWriteOnce in claim {ns}/{} if one node at a time is enough, or set its storageClassName to a class whose driver serves {asked} (shared file storage: EFS, NFS, Azure Files, Filestore); accessModes and storageClassName are immutable on a claim: recreate it.", pvc.name())),
    )
}

fn size_refused(
    pvc: &Res<PersistentVolumeClaim>,
    provisioner: &str,
    msg: &str,
) -> Option<Hypothesis> {
    let l = msg.to_ascii_lowercase();
    let about_size = l.contains("size") || l.contains("capacity");
    let bounds = [
        "must be between",
        "minimum",
        "at least",
        "too small",
        "too large",
        "exceeds the maximum",
        "out of range",
        "multiple of",
    ];
    if !about_size || !bounds.iter().any(|b| l.contains(b)) {
        return None;
    }
    let ns = pvc.ns_or_default();
    let asked = day2_model::cluster::claim_size(pvc)
        .map(|q| format!(" asks for {q}, which"))
        .unwrap_or_else(|| "'s size".to_owned());
    Some(
        Hypothesis::new(
            86,
            Loop::Storage,
            pvc.objref(),
            format!(
                "claim {ns}/{}{asked} {provisioner} refuses: {}",
                pvc.name(),
                day2_model::redact::excerpt(msg, 200)
            ),
        )
        .fix(format!(
            "Request a size within the driver's bounds (its error states them) in claim {ns}/{} (a StatefulSet's volumeClaimTemplates or a chart's `persistence.size`); a Pending claim cannot be resized, so delete it and let the workload create it again with the new size.",
            pvc.name()
        )),
    )
}

fn helper_refused(a: &Analysis<'_>, provisioner: &str, msg: &str) -> Option<Hypothesis> {
    let level = msg
        .split_once("violates PodSecurity \"")?
        .1
        .split('"')
        .next()?;
    if !msg.contains("is forbidden") {
        return None;
    }
    // The provisioner's own namespace, where it starts its helper pods.
    let short = provisioner.rsplit('/').next().unwrap_or(provisioner);
    let w = a.workloads_all().iter().find(|w| {
        w.name().contains(short)
            || (w.name().contains("provisioner")
                && crate::model::command_lines_name(w.spec, provisioner))
    })?;
    let ns = w.namespace();
    let label = "pod-security.kubernetes.io/enforce=privileged";
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            ObjRef::new("Namespace", None, ns),
            format!(
                "{provisioner} starts a helper pod in namespace {ns} for each volume, and Pod Security admission refuses it there (\"{level}\": {})",
                msg.rsplit_once(&format!("{level}\": ")).map_or("", |(_, r)| r).trim()
            ),
        )
        .fix(format!(
            "Let namespace {ns} run the provisioner's privileged helper pods: `kubectl label namespace {ns} {label} --overwrite` (with the matching `audit` and `warn` labels), the level its hostPath helpers need; the provisioner retries the claim on its own."
        )),
    )
}
