//! Multi-Attach: a ReadWriteOnce disk wanted on two nodes at once, and who
//! holds it (a pod on a lost node, a stale VolumeAttachment, another
//! workload's pod, the rollout of the same workload).

use super::storage::{claim_of, users};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::volume::parse_multi_attach;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::pod::Pod;
use day2_model::text::short_list;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use std::collections::BTreeSet;

/// Multi-Attach: an RWO disk wanted on two nodes at once.
pub fn multi_attach<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Volume { message } = &d.detail else {
        return vec![];
    };
    let Some(m) = parse_multi_attach(message) else {
        return vec![];
    };
    explain(a, d, pod, &m)
}

/// An attach or mount that fails (not the controller's `Multi-Attach`: an
/// in-tree plugin's or the cloud's own words, Azure's
/// `AttachDiskWhileBeingDetached`, GCE's `is already being used by`,
/// kubernetes/kubernetes#48968) for a ReadWriteOnce claim that a running
/// pod on another node mounts: the disk is attached there, whatever the
/// message says, and the analysis is the Multi-Attach one.
pub fn held_elsewhere<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Volume { message } = &d.detail else {
        return vec![];
    };
    if parse_multi_attach(message).is_some() {
        return vec![];
    }
    let l = message.to_ascii_lowercase();
    if !(l.contains("attach") || l.contains("unmounted volumes")) {
        return vec![];
    }
    let Some(node) = model::node_name(pod) else {
        return vec![];
    };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let held = model::claims(spec).find_map(|claim| {
        let pvc = a.cluster.pvc(ns, claim)?;
        if !model::single_node_claim(pvc) {
            return None;
        }
        let other = users(a, pvc).into_iter().find(|p| {
            p.name() != pod.name()
                && model::phase(p) == "Running"
                && model::node_name(p).is_some_and(|n| n != node)
        })?;
        Some((pvc, other))
    });
    let Some((pvc, other)) = held else {
        return vec![];
    };
    let m = crate::messages::volume::MultiAttach {
        volume: pvc.name().to_owned(),
        used_by: vec![other.name().to_owned()],
        exclusively_attached: false,
    };
    explain(a, d, pod, &m)
        .into_iter()
        .map(|mut h| {
            h.score = h.score.min(80);
            h
        })
        .collect()
}

/// What holds the volume a pod cannot attach, and why.
fn explain<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    pod: &'c Res<Pod>,
    m: &crate::messages::volume::MultiAttach,
) -> Vec<Hypothesis> {
    let ev = d.events_with("FailedAttachVolume").last();
    let link = ev.map(|e| {
        Link::from_event(
            Loop::Storage,
            e,
            "attach refused: the volume is attached to another node",
        )
    });
    let Some(pvc) = claim_of(a, pod, &m.volume) else {
        return vec![
            Hypothesis::new(
                45,
                Loop::Storage,
                pod.objref(),
                format!(
                    "volume {} is attached to another node; its claim is not in the input",
                    m.volume
                ),
            )
            .missing("the PersistentVolume/claim of the volume")
            .links(link),
        ];
    };
    let rwo = model::single_node_claim(pvc);
    let holders = users(a, pvc);
    let owners: BTreeSet<ObjRef> = holders
        .iter()
        .map(|p| model::workload_ref(a.cluster, p))
        .collect();
    let nodes: BTreeSet<&str> = holders.iter().filter_map(|p| model::node_name(p)).collect();
    let names: Vec<&str> = holders.iter().map(|p| p.name()).collect();
    let usage = Link::new(
        Loop::Storage,
        d.since,
        pvc.objref(),
        format!(
            "claim {} ({}) is mounted by {} pod(s) on {} node(s): {}",
            pvc.name(),
            if rwo {
                "ReadWriteOnce"
            } else {
                "shared access"
            },
            holders.len(),
            nodes.len(),
            short_list(&names, 4)
        ),
    );
    // The pod holding the volume is on a node that is not Ready: the old pod
    // cannot be stopped there, so the volume stays attached whatever the
    // rollout strategy says. The node is the cause.
    let stranded = holders
        .iter()
        .filter(|p| p.name() != pod.name())
        .find_map(|p| {
            let n = a.cluster.node(model::node_name(p)?)?;
            (model::node_ready(n) != Some(true)).then_some((*p, n))
        });
    if let Some((holder, node)) = stranded {
        let mut h = match a.node_result_of(holder) {
            Some(r) => r.as_upstream(0),
            None => Hypothesis::new(
                70,
                Loop::Compute,
                node.objref(),
                format!("node {} is not Ready", node.name()),
            ),
        };
        h.score = h.score.max(80);
        // A node that is merely gone holds the volume: what blocks the pod
        // is the attachment it keeps (storage); a node brought down by
        // something else keeps that cause.
        if h.root.object == node.objref() && h.root.loop_ == Loop::Compute {
            h.root.loop_ = Loop::Storage;
        }
        h.root.summary = format!(
            "{}; pod {} there still holds ReadWriteOnce claim {} and cannot be stopped, so the volume stays attached to that node",
            h.root.summary,
            holder.name(),
            pvc.name()
        );
        h.fix = format!(
            "Confirm {node} is down, then release what it holds: `kubectl taint node {node} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute` (non-graceful node shutdown) or force-delete pod {holder} (`kubectl delete pod -n {ns} {holder} --grace-period=0 --force`); the attach/detach controller then detaches the volume and {pod} starts. {}",
            h.fix,
            node = node.name(),
            holder = holder.name(),
            ns = pod.ns_or_default(),
            pod = pod.name(),
        );
        return vec![h.link(usage).links(link)];
    }
    // No pod holds the volume elsewhere, yet an attachment does: a
    // VolumeAttachment of the volume to a Ready node where no pod uses the
    // claim is stale (its pod was deleted, the detach never finished). That
    // attachment, not the claim, is what to delete.
    if m.exclusively_attached
        && let Some((va, node)) = stale_attachment(a, pvc, &m.volume, &holders, pod)
    {
        let ns = pod.ns_or_default();
        // An attachment to a node that is gone needs no race to explain it.
        if a.cluster.node(node).is_some()
            && let Some((controller, replicas)) = super::csi_attacher::racing(a, &va.spec.attacher)
        {
            return vec![Hypothesis::new(
                84,
                Loop::Storage,
                controller.clone(),
                format!("{controller} runs {replicas} replicas of {}'s csi-attacher without `--leader-election`: each acts on the same VolumeAttachments, and VolumeAttachment {} is left attaching the volume to {node}, so {} cannot attach it", va.spec.attacher, va.name(), pod.name()),
            )
            .fix(format!("Run one active attacher: add `--leader-election` (and `--leader-election-namespace`) to the csi-attacher, csi-provisioner and csi-resizer containers of {controller}, or set its replicas to 1; then delete the stale VolumeAttachment (`kubectl delete volumeattachment {}`) so pod {ns}/{} can attach the volume.", va.name(), pod.name()))
            .link(usage)
            .links(link)];
        }
        // The detach was tried and the storage backend refuses it: its own
        // record of the disk, which the input does not hold, is what to fix
        // (vsphere-csi-driver#365: Storage DRS moved and renamed the disk).
        if let Some(err) = va
            .status
            .as_ref()
            .and_then(|s| s.detach_error.as_ref())
            .and_then(|e| e.message.as_deref())
            .filter(|e| !e.is_empty())
        {
            return vec![
                Hypothesis::new(
                    80,
                    Loop::Storage,
                    va.objref(),
                    format!(
                        "VolumeAttachment {} still attaches the volume to node {node}, and detaching it fails in the storage backend ({}): {} cannot attach it on {} until the backend lets it go",
                        va.name(),
                        day2_model::redact::excerpt(err, 200),
                        pod.name(),
                        model::node_name(pod).unwrap_or("its node"),
                    ),
                )
                .fix(format!(
                    "Fix the disk's record in the storage backend, where the detach error points{}, then let the attacher ({}) retry the detach; deleting VolumeAttachment {} without that leaves the disk attached to {node}'s machine.",
                    if va.spec.attacher == "csi.vsphere.vmware.com" {
                        " (vSphere CNS: a first-class disk moved or renamed by Storage DRS or a storage vMotion is no longer found; keep Storage DRS off for datastores with CNS volumes and have the disk re-registered)"
                    } else {
                        " (the disk deleted, moved or renamed outside the cluster, or the machine gone)"
                    },
                    va.spec.attacher,
                    va.name()
                ))
                .missing("the storage backend's record of the disk and the machine it is attached to")
                .link(usage)
                .links(link)
                .unexplained(),
            ];
        }
        return vec![
            Hypothesis::new(
                80,
                Loop::Storage,
                va.objref(),
                format!(
                    "VolumeAttachment {} still attaches volume {} to node {node}, {}: the attachment is stale, so {} cannot attach it on {}",
                    va.name(),
                    va.spec.source.persistent_volume_name.as_deref().unwrap_or(&m.volume),
                    if a.cluster.node(node).is_some() {
                        format!("where no pod uses claim {}", pvc.name())
                    } else {
                        "a node no longer in the cluster (deleted before its volumes were detached)".to_owned()
                    },
                    pod.name(),
                    model::node_name(pod).unwrap_or("its node"),
                ),
            )
            .fix(format!(
                "Confirm nothing on {node} still mounts the volume, then delete the stale VolumeAttachment (`kubectl delete volumeattachment {}`; if it hangs on its finalizer, detach the disk in the storage backend first); the attach/detach controller then attaches it to the new node and pod {ns}/{} starts. If it comes back, check the CSI driver's attacher ({}) on {node}; drain a node (`kubectl drain`) and wait for its VolumeAttachments to go before deleting it.",
                va.name(),
                pod.name(),
                va.spec.attacher
            ))
            .link(usage)
            .links(link)
            .link(Link::new(
                Loop::Storage,
                model::creation(&va.metadata),
                va.objref(),
                format!("VolumeAttachment {} attaches the volume to {node}, where no pod of the claim runs", va.name()),
            )),
        ];
    }
    // The other holder is a node that went away.
    if m.exclusively_attached && holders.len() <= 1 {
        let gone: Vec<&Res<k8s_openapi::api::core::v1::Node>> = a
            .cluster
            .nodes
            .iter()
            .filter(|n| model::node_ready(n) == Some(false))
            .collect();
        let obj = gone
            .first()
            .map(|n| n.objref())
            .unwrap_or_else(|| pvc.objref());
        return vec![Hypothesis::new(
            if gone.is_empty() { 55 } else { 78 },
            Loop::Storage,
            obj,
            format!("volume {} is still attached to a previous node{}: the attach/detach controller waits (up to 6 minutes) before force-detaching", m.volume, gone.first().map(|n| format!(" ({}, NotReady)", n.name())).unwrap_or_default()),
        )
        .fix("Wait for the force-detach, or confirm the old node is gone and delete its VolumeAttachment (`kubectl get volumeattachment | grep <pv>`); apply the `node.kubernetes.io/out-of-service` taint to a dead node to release its volumes at once.")
        .link(usage)
        .links(link)];
    }
    // Pods of several workloads share the claim: the one to act on is the
    // holder (the pod the kubelet names, else the one on another node), not
    // the shared claim. A bare pod is deleted; a workload co-located or
    // given its own claim.
    let mine = model::workload_ref(a.cluster, pod);
    let others: BTreeSet<ObjRef> = holders
        .iter()
        .filter(|p| p.name() != pod.name())
        .filter(|p| {
            m.used_by.is_empty()
                && model::node_name(p).is_some()
                && model::node_name(p) != model::node_name(pod)
                || m.used_by.iter().any(|u| u == p.name())
        })
        .map(|p| model::workload_ref(a.cluster, p))
        .filter(|o| *o != mine)
        .collect();
    if owners.len() > 1
        && rwo
        && let Some(holder) = others.iter().next().filter(|_| others.len() == 1)
    {
        let ns = pvc.ns_or_default();
        let bare = holder.kind == "Pod";
        let fix = if bare {
            format!(
                "Pod {ns}/{name} belongs to no controller and keeps ReadWriteOnce claim {claim} attached to its node: delete it when its work is done (`kubectl delete pod -n {ns} {name}`), and run one-off work as a Job that ends, so {mine} can attach the claim. For data both really share, use a ReadWriteMany class.",
                name = holder.name,
                claim = pvc.name(),
            )
        } else {
            format!(
                "{holder} keeps ReadWriteOnce claim {claim} attached to its node while {mine} wants it on another: scale {holder} down while {mine} runs, run both on the same node (pod affinity), give each its own claim, or use a ReadWriteMany class (EFS / Azure Files / Filestore) for data that is really shared.",
                claim = pvc.name(),
            )
        };
        return vec![
            Hypothesis::new(
                74,
                Loop::Storage,
                holder.clone(),
                format!(
                    "{holder} holds ReadWriteOnce claim {} on another node, so {} of {mine} cannot attach it",
                    pvc.name(),
                    pod.name()
                ),
            )
            .fix(fix)
            .link(usage)
            .links(link),
        ];
    }
    let Some(owner) = owners.iter().next().cloned().filter(|_| owners.len() == 1) else {
        return vec![Hypothesis::new(70, Loop::Storage, pvc.objref(), format!("ReadWriteOnce claim {} is mounted by pods of {} different workloads", pvc.name(), owners.len()))
            .fix("Give each workload its own claim, or use a ReadWriteMany class (EFS / Azure Files / Filestore) for data that is really shared.")
            .link(usage)
            .links(link)];
    };
    let deployment = owner.kind == "Deployment";
    let replicas = if deployment {
        a.cluster
            .deployments
            .iter()
            .find(|x| x.ns_or_default() == pvc.ns_or_default() && x.name() == owner.name)
            .map(|x| {
                (
                    x.spec.replicas.unwrap_or(1),
                    model::deployment_strategy(&x.spec).to_owned(),
                )
            })
    } else {
        None
    };
    let rs: BTreeSet<&str> = holders
        .iter()
        .filter_map(|p| {
            p.metadata
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.controller == Some(true))
                .map(|o| o.name.as_str())
        })
        .collect();
    let db_rule = a.findings.any_of(&["ST003", "ST002"], &owner);
    let (summary, fix) = match replicas {
        Some((n, _)) if n > 1 => (
            format!("{owner} runs {n} replicas that all mount ReadWriteOnce claim {}: only one node can attach the disk, the other replicas wait forever", pvc.name()),
            format!("A shared RWO disk cannot serve replicas. Run the workload as a StatefulSet with `volumeClaimTemplates` (one disk per replica), keep replicas: 1, or use a ReadWriteMany class for shared data.{}", db_rule.map(|f| format!(" {}", f.fix)).unwrap_or_default()),
        ),
        Some((_, strategy)) if strategy == "RollingUpdate" || rs.len() > 1 => (
            format!("{owner} rolls out with strategy RollingUpdate: the new pod starts (maxSurge) while the old one still holds ReadWriteOnce claim {} on another node", pvc.name()),
            format!("Set `spec.strategy: {{type: Recreate}}` on {owner} so the old pod releases the disk first, or run it as a StatefulSet (one disk per replica, ordered replacement).{}", db_rule.map(|f| format!(" {}", f.fix)).unwrap_or_default()),
        ),
        _ => (
            format!("pods of {owner} on different nodes want ReadWriteOnce claim {} at the same time", pvc.name()),
            "Keep one pod per RWO claim: StatefulSet with volumeClaimTemplates, or a ReadWriteMany class for shared data.".to_owned(),
        ),
    };
    vec![
        Hypothesis::new(84, Loop::Storage, owner, summary)
            .rule(db_rule.map(|f| &*f.rule))
            .fix(fix)
            .link(usage)
            .links(link),
    ]
}

/// A VolumeAttachment of the claim's volume to a Ready node other than the
/// waiting pod's, where no pod of the claim runs.
fn stale_attachment<'c>(
    a: &Analysis<'c>,
    pvc: &Res<PersistentVolumeClaim>,
    volume: &str,
    holders: &[&Res<Pod>],
    pod: &Res<Pod>,
) -> Option<(
    &'c Res<k8s_openapi::api::storage::v1::VolumeAttachment>,
    &'c str,
)> {
    let pv = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .unwrap_or(volume);
    let here = model::node_name(pod);
    let mut found = a.cluster.stores.volume_attachments.iter().filter(|va| {
        let node = va.spec.node_name.as_str();
        va.spec.source.persistent_volume_name.as_deref() == Some(pv)
            && Some(node) != here
            && !holders.iter().any(|p| model::node_name(p) == Some(node))
            && match a.cluster.node(node) {
                Some(n) => model::node_ready(n) == Some(true),
                // A node deleted before its volumes detached: nothing
                // will ever report the detach (a capture that holds
                // nodes holds every node).
                None => !a.cluster.nodes.is_empty(),
            }
    });
    let va = found.next()?;
    found
        .next()
        .is_none()
        .then_some((va, va.spec.node_name.as_str()))
}
