//! Pods pinned by a zonal volume to a zone where no node can take them.

use super::{autoscaler_links, immediate_zonal, parts, said, scheduler_links, wffc_yaml};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link, per_cloud};
use crate::messages::scheduler::{Reason, parse_fit_error};
use crate::model::{self, fmt_res};
use crate::placement::{NodeVerdict, Rejection};
use crate::symptoms::Detected;
use day2_model::{Cloud, Event, Loop, ObjRef, Res};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, PodSpec};
use k8s_openapi::api::storage::v1::StorageClass;

fn first_event_with(d: &Detected<'_>, f: impl Fn(&Event) -> bool) -> Option<Timestamp> {
    d.events_with("FailedScheduling")
        .find(|e| f(e))
        .and_then(|e| e.first)
}

/// Why a node rejects the pod, in words, with the numbers for resources.
fn node_story(
    a: &Analysis<'_>,
    spec: &PodSpec,
    node: &Res<Node>,
    verdict: Option<&NodeVerdict>,
    skip_volume: bool,
) -> String {
    let want = model::pod_requests(spec);
    let free = a.capacity().free(node.name());
    let mut parts: Vec<String> = Vec::new();
    let reasons: &[Rejection] = match verdict {
        Some(v) => &v.reasons,
        None => &[],
    };
    for r in reasons {
        if skip_volume && *r == Rejection::VolumeNodeAffinity {
            continue;
        }
        match (r, free) {
            (Rejection::Insufficient(res), Some(f)) if f.get(res).is_some() => parts.push(format!(
                "only {} free, the pod requests {}",
                fmt_res(res, f.get(res).unwrap_or(0).max(0)),
                fmt_res(res, want.get(res).unwrap_or(0))
            )),
            (Rejection::Unschedulable, _) => parts.push("cordoned (spec.unschedulable)".into()),
            _ => parts.push(r.to_string()),
        }
    }
    if parts.is_empty() {
        "fits by the model's numbers".into()
    } else {
        parts.join("; ")
    }
}

/// The StorageClass of a bound volume (the PV's own, else the claim's).
fn class_of<'c>(
    a: &Analysis<'c>,
    pvc: &'c Res<PersistentVolumeClaim>,
    pv: &'c Res<PersistentVolume>,
) -> Option<&'c Res<StorageClass>> {
    day2_model::cluster::volume_class_name(pv)
        .filter(|s| !s.is_empty())
        .and_then(|n| a.cluster.storage_class(n))
        .or_else(|| a.cluster.class_of_claim(pvc))
}

fn snapshot_hint(cloud: Cloud, handle: &str, zone: &str) -> String {
    per_cloud(
        cloud,
        &format!(
            "snapshot volume {handle} and restore it into a new claim in a zone with capacity"
        ),
        &format!(
            "snapshot {handle} (`aws ec2 create-snapshot --volume-id {handle}`) and restore it into a new PV/claim in a zone with capacity (a VolumeSnapshot with the EBS CSI snapshotter does the same in-cluster)"
        ),
        &format!(
            "snapshot the disk (`az snapshot create --source {handle}`) and restore it in a zone with capacity, or move to a ZRS disk (`skuName: Premium_ZRS`) that any zone can attach"
        ),
        &format!(
            "snapshot the disk (`gcloud compute snapshots create --source-disk {handle}`) and restore it in a zone with capacity, or use a regional PD (`replication-type: regional-pd`); {zone} is the disk's zone today"
        ),
    )
}

fn zone_capacity_hint(cloud: Cloud, zone: &str) -> String {
    per_cloud(
        cloud,
        &format!(
            "give {zone} room: add a node in {zone} (a node group pinned to {zone} lets the autoscaler pick the zone)"
        ),
        &format!(
            "give {zone} room: scale a node group whose subnets are only in {zone} (cluster-autoscaler cannot choose the zone of a multi-AZ group; run one group per zone with `--balance-similar-node-groups`, or a Karpenter NodePool that honours the volume's zone)"
        ),
        &format!(
            "give {zone} room: scale a node pool pinned to zone {zone} (`az aks nodepool add --zones <n>`; one pool per zone with the autoscaler's `balance-similar-node-groups`)"
        ),
        &format!(
            "give {zone} room: scale a node pool with a location in {zone} (`gcloud container node-pools update --node-locations {zone}`)"
        ),
    )
}

/// A zonal volume pins the pod to a zone where no node can take it.
pub fn volume_zone<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| {
        matches!(r, Reason::VolumeNodeAffinity | Reason::VolumeZone)
    });
    let ns = pod.ns_or_default();
    let mut missing = Vec::new();
    let mut vols: Vec<(
        &Res<PersistentVolumeClaim>,
        &Res<PersistentVolume>,
        Vec<String>,
    )> = Vec::new();
    for c in model::claims(spec) {
        let Some(pvc) = a.cluster.pvc(ns, c) else {
            if a.cluster.pvcs.is_empty() {
                missing.push(
                    "no PersistentVolumeClaims in the input: the pod's volumes cannot be traced"
                        .to_owned(),
                );
            }
            continue;
        };
        match a.cluster.pv_of_claim(pvc) {
            Some(pv) => {
                let has_affinity = pv.spec.as_ref().and_then(|s| s.node_affinity.as_ref()).is_some();
                let z = model::pv_zones(pv);
                if !z.is_empty() || has_affinity {
                    vols.push((pvc, pv, z));
                }
            }
            None if a.cluster.pvs.is_empty() => missing.push(
                "no PersistentVolumes in the input: the volume's zone is unknown (add `kubectl get pv -o json` to the snapshot)".to_owned(),
            ),
            None => {}
        }
    }
    if vols.is_empty() {
        if told == 0 {
            return vec![];
        }
        let obj = model::claims(spec)
            .next()
            .map(|c| ObjRef::new("PersistentVolumeClaim", Some(ns), c))
            .unwrap_or_else(|| pod.objref());
        let mut h = Hypothesis::new(
            50,
            Loop::Storage,
            obj,
            format!("the scheduler reports {told} node(s) with a volume node affinity conflict: the pod's volume is pinned to a zone where it cannot be placed; the PersistentVolume is not in the input, so its zone and class cannot be shown"),
        )
        .fix("Compare the PV's `spec.nodeAffinity` zone with the zones of schedulable nodes (`kubectl get pv -o wide; kubectl get nodes -L topology.kubernetes.io/zone`); add capacity in the volume's zone, and use `volumeBindingMode: WaitForFirstConsumer` for zonal disks.")
        .links(scheduler_links(d));
        h.missing = missing;
        return vec![h];
    }
    // A label the driver's node plugin never set on the only nodes allowed.
    if let Some(h) = vols
        .iter()
        .find_map(|(_, pv, _)| crate::analysers::csi_registration::label_never_set(a, spec, pv))
    {
        return vec![h.links(scheduler_links(d))];
    }
    let verdicts = a.verdicts(pod);
    let verdict_of = |name: &str| {
        verdicts
            .as_ref()
            .and_then(|v| v.iter().find(|x| *x.name == *name))
    };
    if told == 0 {
        // Without the scheduler saying so, the model must show it.
        let Some(v) = &verdicts else { return vec![] };
        let conflict = v
            .iter()
            .any(|x| x.reasons.contains(&Rejection::VolumeNodeAffinity));
        if p.fit.is_some() || v.any_fits || !conflict {
            return vec![];
        }
    }
    let mut zones: Vec<String> = vols.iter().flat_map(|(_, _, z)| z.clone()).collect();
    zones.sort();
    zones.dedup();
    // A driver whose topology key is not a zone label (Hetzner's
    // `csi.hetzner.cloud/location`): the affinity in words.
    let affinity: Vec<String> = vols
        .iter()
        .filter(|(_, _, z)| z.is_empty())
        .filter_map(|(_, pv, _)| day2_model::topology::pv_affinity_text(pv))
        .collect();
    let zone_text = if !zones.is_empty() {
        zones.join(", ")
    } else if let Some(t) = affinity.first() {
        t.clone()
    } else {
        "its node affinity".to_owned()
    };
    let allowed: Vec<&Res<Node>> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| vols.iter().all(|(_, pv, _)| model::pv_allows_node(pv, n)))
        .collect();
    let conflict_at = first_event_with(d, |e| {
        parse_fit_error(e.message_text()).is_some_and(|f| {
            f.has(|r| matches!(r, Reason::VolumeNodeAffinity | Reason::VolumeZone))
        })
    })
    .or(d.since);
    let mut links = Vec::new();
    let mut handles = Vec::new();
    let mut immediate: Option<&Res<StorageClass>> = None;
    for (pvc, pv, z) in &vols {
        let sc = class_of(a, pvc, pv);
        let imm = sc.filter(|s| immediate_zonal(s));
        if immediate.is_none() {
            immediate = imm;
        }
        if let Some(h) = model::volume_handle(pv) {
            handles.push(h.to_owned());
        }
        let zt = match day2_model::topology::pv_affinity_text(pv) {
            _ if !z.is_empty() => z.join(", "),
            Some(t) => t,
            None => "its node affinity".to_owned(),
        };
        let provisioned = a
            .cluster
            .events_for_obj(*pvc)
            .into_iter()
            .rfind(|e| e.reason == "ProvisioningSucceeded");
        let mut pv_ev = vec![format!(
            "PersistentVolume {}: nodeAffinity zone {zt}{}",
            pv.name(),
            model::volume_handle(pv)
                .map(|h| format!(", volumeHandle {h}"))
                .unwrap_or_default()
        )];
        let what = match (provisioned, imm) {
            (_, Some(s)) => format!(
                "{} provisioned volume {} for claim {} in {zt} with Immediate binding (StorageClass {}), before any node was chosen for the pod",
                s.provisioner,
                pv.name(),
                pvc.name(),
                s.name()
            ),
            _ => format!(
                "volume {} of claim {} is pinned to {zt}",
                pv.name(),
                pvc.name()
            ),
        };
        let at = provisioned
            .and_then(|e| e.first)
            .or_else(|| model::creation(&pv.metadata));
        if let Some(e) = provisioned {
            pv_ev.insert(0, e.evidence());
        }
        links.push(Link::new(Loop::Storage, at, pv.objref(), what).with_evidence(pv_ev));
    }
    if allowed.is_empty() {
        links.push(Link::new(
            Loop::Compute,
            conflict_at,
            pod.objref(),
            format!("no node in {zone_text}: every node is in another zone than the volume"),
        ));
    }
    let mut stories = Vec::new();
    for n in allowed.iter().take(5) {
        let story = node_story(a, spec, n, verdict_of(n.name()), true);
        stories.push(format!("{}: {story}", n.name()));
        links.push(Link::new(
            Loop::Compute,
            conflict_at,
            n.objref(),
            format!(
                "node {} is in the volume's zone {} but cannot take the pod: {story}",
                n.name(),
                model::node_zone(n).unwrap_or("?")
            ),
        ));
    }
    links.extend(scheduler_links(d));
    links.extend(autoscaler_links(a, d, Some(&zones)));
    let others = a.cluster.nodes.len().saturating_sub(allowed.len());
    let first_zone = zones
        .first()
        .cloned()
        .or_else(|| affinity.first().cloned())
        .unwrap_or_else(|| "the volume's zone".into());
    let handle = handles
        .first()
        .cloned()
        .unwrap_or_else(|| "the volume".into());
    let zone_state = if allowed.is_empty() {
        format!("there is no node in {zone_text}")
    } else {
        format!("no node there can take it ({})", stories.join("; "))
    };
    let cordoned: Vec<&&Res<Node>> = allowed.iter().filter(|n| model::cordoned(n)).collect();
    if !allowed.is_empty() && cordoned.len() == allowed.len() {
        let names: Vec<&str> = cordoned.iter().map(|n| n.name()).collect();
        let obj = if names.len() == 1 {
            cordoned[0].objref()
        } else {
            model::node_pool_ref(cordoned.iter().map(|n| **n))
        };
        let mut h = Hypothesis::new(
            85,
            Loop::Compute,
            obj,
            format!(
                "the only node(s) in {zone_text}, where the pod's volume lives, are cordoned ({}); {others} node(s) in other zones cannot attach the volume",
                names.join(", ")
            ),
        )
        .fix(format!(
            "Uncordon a node in {zone_text} when its maintenance is done (`kubectl uncordon {}`), or add a node there before draining; for the future, use `volumeBindingMode: WaitForFirstConsumer` and drain one zone's nodes only when another node in that zone has room.",
            names[0]
        ))
        .links(links);
        h.missing = missing;
        return vec![h];
    }
    // A volume made long before this pod (it held an earlier pod's data)
    // was not placed by this incident: the class's binding mode is how it
    // came to be in that zone, not what now blocks the pod. The root is the
    // pinned volume, whose zone must get room; the class is the recurrence.
    let predates = vols.iter().all(|(pvc, pv, _)| {
        let made = a
            .cluster
            .events_for_obj(*pvc)
            .into_iter()
            .rfind(|e| e.reason == "ProvisioningSucceeded")
            .and_then(|e| e.first)
            .or_else(|| model::creation(&pv.metadata));
        match (made, model::creation(&pod.metadata)) {
            (Some(m), Some(p)) => p.duration_since(m) > jiff::SignedDuration::from_hours(24),
            _ => false,
        }
    });
    let (score, mut h) = match immediate {
        Some(sc) => {
            let rule = a.findings.rule_on("ST001", &sc.objref());
            let summary = format!(
                "StorageClass {} binds zonal disks immediately (volumeBindingMode: Immediate, {}): the disk for {} was created in {zone_text} before {} was scheduled, and {zone_state}; the {others} node(s) in other zones cannot attach it",
                sc.name(),
                sc.provisioner,
                vols.iter()
                    .map(|(c, _, _)| format!("{}/{}", ns, c.name()))
                    .collect::<Vec<_>>()
                    .join(", "),
                pod.name(),
            );
            let mut fix = format!(
                "Now: {}; or {}.\nThen stop it recurring: recreate StorageClass {} with `volumeBindingMode: WaitForFirstConsumer` so the disk follows the pod's node (the field is immutable: `kubectl get sc {} -o yaml > sc.yaml`, edit, `kubectl delete sc {}`, `kubectl apply -f sc.yaml`; existing volumes keep their zone):\n{}",
                zone_capacity_hint(a.cloud, &first_zone),
                snapshot_hint(a.cloud, &handle, &first_zone),
                sc.name(),
                sc.name(),
                sc.name(),
                wffc_yaml(sc)
            );
            if let Some(f) = rule {
                fix.push_str(&format!("\n{} ({}): {}", f.rule, f.name, f.fix));
            }
            links.push(
                Link::new(
                    Loop::Storage,
                    model::creation(&sc.metadata),
                    sc.objref(),
                    format!("StorageClass {} provisions zonal disks ({}) with volumeBindingMode Immediate", sc.name(), sc.provisioner),
                )
                .with_evidence(rule.map(|f| format!("{} {}: {}", f.rule, f.name, f.message))),
            );
            let score = if told > 0 { 92 } else { 75 };
            let (obj, summary) = match vols.first() {
                Some((_, pv, _)) if predates => (
                    pv.objref(),
                    format!(
                        "volume {} was made before {} existed and is pinned to {zone_text}, where {zone_state}; the {others} node(s) in other zones cannot attach it (StorageClass {} binds zonal disks immediately, volumeBindingMode: Immediate, {})",
                        pv.name(),
                        pod.name(),
                        sc.name(),
                        sc.provisioner
                    ),
                ),
                _ => (sc.objref(), summary),
            };
            (
                score,
                Hypothesis::new(score, Loop::Storage, obj, summary)
                    .rule(rule.map(|f| &*f.rule))
                    .fix(fix),
            )
        }
        None => {
            let (pvc, pv, _) = &vols[0];
            let summary = format!(
                "volume {} is pinned to {zone_text} and {zone_state}; the {others} node(s) in other zones cannot attach it",
                pv.name()
            );
            // A class that binds at once placed the volume before the pod,
            // blind to the pod's own constraints (anti-affinity, selectors).
            let immediate = class_of(a, pvc, pv)
                .filter(|c| c.volume_binding_mode.as_deref().is_none_or(|m| m == "Immediate"))
                .map(|c| format!(" StorageClass {} binds volumes at once (volumeBindingMode: Immediate), so they are placed before their pods and without their constraints (several replicas' volumes on one node, for instance): recreate it with `volumeBindingMode: WaitForFirstConsumer` so each volume goes where its pod is scheduled.", c.name()))
                .unwrap_or_default();
            let fix = match pinned_host(a, pod, pv) {
                Some(fix) => format!("{fix}{immediate}"),
                None => format!(
                    "Now: {}; or {}. Zonal volumes need capacity in their zone: spread node groups per zone and keep headroom there.{immediate}",
                    zone_capacity_hint(a.cloud, &first_zone),
                    snapshot_hint(a.cloud, &handle, &first_zone)
                ),
            };
            let score = if told > 0 { 82 } else { 65 };
            (
                score,
                Hypothesis::new(score, Loop::Storage, pv.objref(), summary).fix(fix),
            )
        }
    };
    h.score = score;
    h.links = links;
    h.missing = missing;
    vec![h]
}

/// A volume pinned to one node by hostname (a local or hostPath volume):
/// its data lives on that node, so the way out is to let the pod run there
/// or to move the data, not a node in a zone. Names the pod's nodeSelector
/// labels the node lacks.
fn pinned_host(
    a: &Analysis<'_>,
    pod: &Res<day2_model::pod::Pod>,
    pv: &Res<PersistentVolume>,
) -> Option<String> {
    let hosts = day2_model::topology::pv_hosts(pv);
    let [host] = hosts.as_slice() else {
        return None;
    };
    let node = a.cluster.node(host);
    // The node is gone (the input holds nodes, not this one): so is the
    // data on it; the claim must be let go for the pod to get a new one.
    if node.is_none() && !a.cluster.nodes.is_empty() {
        let claim = pv
            .spec
            .as_ref()
            .and_then(|s| s.claim_ref.as_ref())
            .map(|c| {
                format!(
                    "`kubectl -n {} delete pvc {}` (its controller or the StatefulSet recreates it, and the provisioner puts the new volume on a node that exists)",
                    c.namespace.as_deref().unwrap_or("default"),
                    c.name.as_deref().unwrap_or("<claim>")
                )
            })
            .unwrap_or_else(|| "delete the claim".to_owned());
        return Some(format!(
            "Node {host}, which held the volume's data (its nodeAffinity pins it by hostname), is no longer in the cluster, and the data went with it unless the disk comes back: restore the node under the same name, or let the volume go: {claim}, then delete PersistentVolume {} if it stays (`kubectl delete pv {}`), and restore the data from a backup or the application's replicas.",
            pv.name(),
            pv.name()
        ));
    }
    let lacks: Vec<String> = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref())
        .into_iter()
        .flatten()
        .filter(|(k, v)| node.is_none_or(|n| n.labels().get(*k) != Some(*v)))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let selector = if lacks.is_empty() {
        String::new()
    } else {
        format!(
            " (the pod's nodeSelector asks for {}, which node {host} lacks: label the node or change the selector)",
            lacks.join(", ")
        )
    };
    Some(format!(
        "The volume's data lives on node {host} (its nodeAffinity pins it by hostname): let the pod run on {host}{selector}, or move the data and recreate the PersistentVolume with a nodeAffinity for a node the pod may use; a node added elsewhere cannot reach it."
    ))
}
