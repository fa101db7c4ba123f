//! Why a pod is Pending: one analyser per hypothesis.
//!
//! Each reads the scheduler's own reasons (the parsed `0/N nodes are
//! available` histogram) and checks them against the model (free allocatable
//! per node, taints, labels, volume zones, the autoscaler's events) so the
//! diagnosis names the object to change and shows the numbers.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link, per_cloud};
use crate::messages::autoscaler::{parse_not_triggered, parse_triggered};
use crate::messages::scheduler::{Reason, parse_fit_error};
use crate::model::{self, fmt_res};
use crate::placement::{NodeVerdict, Rejection};
use crate::symptoms::{Detail, Detected, PendingDetail};
use day2_model::cloud::{is_regional_parameters, is_zonal_provisioner};
use day2_model::pod::Pod;
use day2_model::text::short_list;
use day2_model::{Cloud, Event, Loop, ObjRef, Res};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, PodSpec};
use k8s_openapi::api::storage::v1::StorageClass;
use std::collections::BTreeSet;

fn parts<'c, 'd>(d: &'d Detected<'c>) -> Option<(&'c Res<Pod>, &'c PodSpec, &'d PendingDetail)> {
    let pod = d.pod()?;
    let spec = pod.spec.as_ref()?;
    match &d.detail {
        Detail::Pending(p) => Some((pod, spec, p)),
        _ => None,
    }
}

fn said(p: &PendingDetail, f: impl Fn(&Reason) -> bool) -> u32 {
    p.fit.as_ref().map_or(0, |fit| fit.count(f))
}

/// The scheduler's distinct messages as compute links.
fn scheduler_links(d: &Detected<'_>) -> Vec<Link> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for e in d.events_with("FailedScheduling") {
        let msg = e.message_text();
        let what = match parse_fit_error(msg) {
            Some(f) => format!("scheduler cannot place the pod: {}", f.histogram()),
            None => format!("scheduler cannot place the pod: {msg}"),
        };
        if seen.insert(what.clone()) {
            out.push(Link::from_event(Loop::Compute, e, what));
        }
    }
    out
}

/// cluster-autoscaler's events on the pod and the nodes that joined since the
/// pod went Pending; `zones` are the only zones the pod can run in, if any.
fn autoscaler_links(a: &Analysis<'_>, d: &Detected<'_>, zones: Option<&[String]>) -> Vec<Link> {
    let mut out = Vec::new();
    for e in d.events_with("TriggeredScaleUp") {
        let groups = parse_triggered(e.message_text()).unwrap_or_default();
        let what = if groups.is_empty() {
            "cluster-autoscaler triggered a scale-up".to_owned()
        } else {
            format!(
                "cluster-autoscaler scaled up {}",
                groups
                    .iter()
                    .map(|g| match (g.from, g.to) {
                        (Some(f), Some(t)) => format!("node group {} {f}->{t}", g.group),
                        _ => format!("node group {}", g.group),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(Link::from_event(Loop::Compute, e, what));
    }
    let mut seen = BTreeSet::new();
    for e in d.events_with("NotTriggerScaleUp") {
        let what = match parse_not_triggered(e.message_text()) {
            Some(n) if n.cluster_max => {
                "cluster-autoscaler will not add a node: max total nodes in cluster reached"
                    .to_owned()
            }
            Some(n) => format!(
                "cluster-autoscaler will not add a node: {}",
                n.reasons
                    .iter()
                    .map(|(c, r)| format!("{c} {r}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!(
                "cluster-autoscaler will not add a node: {}",
                e.message_text()
            ),
        };
        if seen.insert(what.clone()) {
            out.push(Link::from_event(Loop::Compute, e, what));
        }
    }
    // Nodes that joined after the pod went Pending (the autoscaler's answer).
    if let Some(since) = d.since
        && a.newest_node().is_some_and(|newest| newest >= since)
    {
        for j in a
            .node_joins()
            .iter()
            .filter(|j| j.created.is_some_and(|c| c >= since))
        {
            let n = j.node;
            let zone = j.zone.unwrap_or("unknown zone");
            let outside = zones.is_some_and(|zs| !zs.is_empty() && !zs.iter().any(|z| z == zone));
            let what = if outside {
                format!(
                    "node {} joined in {zone}, outside the volume's zone {}: it cannot run the pod",
                    n.name(),
                    zones.map(|z| z.join(", ")).unwrap_or_default()
                )
            } else {
                format!("node {} joined in {zone}", n.name())
            };
            out.push(
                Link::new(Loop::Compute, j.created, n.objref(), what)
                    .with_evidence(j.evidence.iter().cloned()),
            );
        }
    }
    out
}

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
    pv.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref())
        .filter(|s| !s.is_empty())
        .and_then(|n| a.cluster.storage_class(n))
        .or_else(|| a.cluster.class_of_claim(pvc))
}

/// Immediate binding with a zonal provisioner (what ST001 checks).
pub fn immediate_zonal(sc: &StorageClass) -> bool {
    is_zonal_provisioner(&sc.provisioner)
        && !is_regional_parameters(sc.parameters.as_ref())
        && sc.volume_binding_mode.as_deref().unwrap_or("Immediate") == "Immediate"
}

/// The class recreated with WaitForFirstConsumer, as YAML.
pub fn wffc_yaml(sc: &Res<StorageClass>) -> String {
    let mut y = format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {}\n",
        sc.name()
    );
    if let Some(v) = sc.annotation("storageclass.kubernetes.io/is-default-class") {
        y.push_str(&format!(
            "  annotations:\n    storageclass.kubernetes.io/is-default-class: \"{v}\"\n"
        ));
    }
    y.push_str(&format!("provisioner: {}\n", sc.provisioner));
    if let Some(p) = sc.parameters.as_ref().filter(|p| !p.is_empty()) {
        y.push_str("parameters:\n");
        for (k, v) in p {
            y.push_str(&format!("  {k}: \"{v}\"\n"));
        }
    }
    if let Some(r) = &sc.reclaim_policy {
        y.push_str(&format!("reclaimPolicy: {r}\n"));
    }
    if let Some(e) = sc.allow_volume_expansion {
        y.push_str(&format!("allowVolumeExpansion: {e}\n"));
    }
    y.push_str("volumeBindingMode: WaitForFirstConsumer\n");
    y
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

// ---------------------------------------------------------------- analysers

/// `schedulingGates` that were never removed.
pub fn gated<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, _)) = parts(d) else {
        return vec![];
    };
    let Some(gates) = spec.scheduling_gates.as_ref().filter(|g| !g.is_empty()) else {
        return vec![];
    };
    let names: Vec<&str> = gates.iter().map(|g| g.name.as_str()).collect();
    vec![Hypothesis::new(
        92,
        Loop::Compute,
        model::workload_ref(a.cluster, pod),
        format!("the pod carries scheduling gates that were never removed: {}", names.join(", ")),
    )
    .fix(format!("The controller that owns the gate ({}) must remove it; check that it runs. Removing `spec.schedulingGates` by hand releases the pod to the scheduler.", names.join(", ")))]
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
    let zone_text = if zones.is_empty() {
        "its node affinity".to_owned()
    } else {
        zones.join(", ")
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
        let zt = if z.is_empty() {
            "its node affinity".to_owned()
        } else {
            z.join(", ")
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
            (
                score,
                Hypothesis::new(score, Loop::Storage, sc.objref(), summary)
                    .rule(rule.map(|f| &*f.rule))
                    .fix(fix),
            )
        }
        None => {
            let (_, pv, _) = &vols[0];
            let summary = format!(
                "volume {} is pinned to {zone_text} and {zone_state}; the {others} node(s) in other zones cannot attach it",
                pv.name()
            );
            let fix = format!(
                "Now: {}; or {}. Zonal volumes need capacity in their zone: spread node groups per zone and keep headroom there.",
                zone_capacity_hint(a.cloud, &first_zone),
                snapshot_hint(a.cloud, &handle, &first_zone)
            );
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

/// The pod waits for a claim: missing, pending (its provisioning failed), or bound to a missing PV.
pub fn unbound_claims<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let fit = p.fit.as_ref();
    let unbound = fit
        .is_some_and(|f| f.prefilter_is("unbound") || f.prefilter_is("persistentvolumeclaim"))
        || said(p, |r| *r == Reason::MissingVolume) > 0
        || p.message
            .as_deref()
            .is_some_and(|m| m.contains("persistentvolumeclaim") && m.contains("not found"));
    if !unbound {
        return vec![];
    }
    let ns = pod.ns_or_default();
    let mut out = Vec::new();
    for c in model::claims(spec) {
        let claim_ref = ObjRef::new("PersistentVolumeClaim", Some(ns), c);
        match a.cluster.pvc(ns, c) {
            None if a.cluster.pvcs.is_empty() => out.push(
                Hypothesis::new(35, Loop::Storage, claim_ref, format!("the pod waits for claim {c}; no claims are in the input to say why"))
                    .fix(format!("Add the claims to the snapshot (`kubectl get pvc -A -o json`), or read `kubectl describe pvc -n {ns} {c}`."))
                    .missing("no PersistentVolumeClaims in the input")
                    .links(scheduler_links(d)),
            ),
            None => out.push(
                Hypothesis::new(88, Loop::Storage, claim_ref, format!("the pod mounts claim {ns}/{c}, which does not exist"))
                    .fix(format!("Create the claim {ns}/{c} (or fix `claimName` in the pod template); for StatefulSets the claim comes from `volumeClaimTemplates`."))
                    .links(scheduler_links(d)),
            ),
            Some(pvc) => {
                let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("");
                if phase == "Pending" {
                    if let Some(r) = a.claim_result(ns, c) {
                        let mut h = r.as_upstream(3);
                        h.links.extend(scheduler_links(d));
                        out.push(h);
                    } else {
                        out.push(
                            Hypothesis::new(55, Loop::Storage, pvc.objref(), format!("the pod waits for claim {ns}/{c}, which is still Pending"))
                                .fix(format!("See `kubectl describe pvc -n {ns} {c}`: the provisioner's events say why it is not bound."))
                                .links(scheduler_links(d)),
                        );
                    }
                } else if phase == "Bound" && a.cluster.pv_of_claim(pvc).is_none() && !a.cluster.pvs.is_empty() {
                    let vol = pvc.spec.as_ref().and_then(|s| s.volume_name.clone()).unwrap_or_default();
                    out.push(
                        Hypothesis::new(85, Loop::Storage, pvc.objref(), format!("claim {ns}/{c} is bound to PersistentVolume {vol}, which does not exist"))
                            .fix("Recreate the PV from the disk (same volumeHandle) or delete and recreate the claim; check whether the PV was deleted with reclaimPolicy Delete.")
                            .links(scheduler_links(d)),
                    );
                } else {
                    out.push(
                        Hypothesis::new(20, Loop::Storage, pvc.objref(), format!("the scheduler saw claim {ns}/{c} unbound; it is {phase} now, so that was transient"))
                            .fix("Nothing to change for the claim: the scheduler retries; if the pod stays Pending, its latest FailedScheduling event names the remaining reason.")
                            .links(scheduler_links(d)),
                    );
                }
            }
        }
    }
    out
}

/// The only nodes that could run the pod are cordoned.
pub fn cordoned<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| *r == Reason::Unschedulable);
    let Some(v) = a.verdicts(pod) else {
        return vec![];
    };
    if (told == 0 && p.fit.is_some()) || v.any_fits {
        return vec![];
    }
    // Nodes rejected only because they are cordoned.
    let only = v.cordoned_only();
    if only.is_empty() {
        return vec![];
    }
    let nodes: Vec<&Res<Node>> = only
        .iter()
        .filter_map(|&i| a.cluster.node(&v[i].name))
        .collect();
    let names: Vec<&str> = nodes.iter().map(|n| n.name()).collect();
    let obj = if nodes.len() == 1 {
        nodes[0].objref()
    } else {
        model::node_pool_ref(nodes.iter().copied())
    };
    vec![Hypothesis::new(
        80,
        Loop::Compute,
        obj,
        format!("the only node(s) that could run the pod are cordoned: {}", short_list(&names, 5)),
    )
    .fix(format!("`kubectl uncordon {}` once maintenance is done, or add capacity before draining; a PodDisruptionBudget and headroom keep drains from stranding pods.", names[0]))
    .links(scheduler_links(d))]
}

/// The autoscaler refuses to add nodes because of its limits.
pub fn autoscaler_limits<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((_, _, p)) = parts(d) else {
        return vec![];
    };
    let mut limits: Vec<String> = Vec::new();
    for e in d.events_with("NotTriggerScaleUp") {
        if let Some(n) = parse_not_triggered(e.message_text()) {
            for l in n.limits() {
                if !limits.contains(&l) {
                    limits.push(l);
                }
            }
        }
    }
    if limits.is_empty() {
        return vec![];
    }
    let capacity_bound = said(p, |r| {
        matches!(r, Reason::Insufficient(_) | Reason::TooManyPods)
    }) > 0;
    let groups: BTreeSet<String> = d
        .events_with("TriggeredScaleUp")
        .flat_map(|e| parse_triggered(e.message_text()).unwrap_or_default())
        .map(|g| g.group)
        .collect();
    let obj = match groups.iter().next() {
        Some(g) if groups.len() == 1 => ObjRef::new("NodeGroup", None, g.clone()),
        _ => model::node_pool_ref(a.cluster.nodes.iter()),
    };
    let score = if capacity_bound { 84 } else { 55 };
    vec![Hypothesis::new(
        score,
        Loop::Compute,
        obj,
        format!("cluster-autoscaler cannot add the node the pod needs: {}", limits.join(", ")),
    )
    .fix(per_cloud(
        a.cloud,
        "Raise the node group's maximum size (or the autoscaler's --max-nodes-total / --cores-total / --memory-total), or free capacity by right-sizing requests.",
        "Raise the node group's max size (`aws eks update-nodegroup-config --scaling-config maxSize=N` or the ASG's MaxSize) or the autoscaler's `--max-nodes-total`; or right-size requests so pods fit the existing nodes.",
        "Raise the node pool's maximum (`az aks nodepool update --update-cluster-autoscaler --max-count N`), or right-size requests.",
        "Raise the node pool's maximum (`gcloud container clusters update --enable-autoscaling --max-nodes N --node-pool POOL`), or right-size requests.",
    ))
    .links(scheduler_links(d))
    .links(autoscaler_links(a, d, None))]
}

/// Resources: too big for any node, fragmentation, or capacity exhausted.
pub fn resources<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| {
        matches!(r, Reason::Insufficient(_) | Reason::TooManyPods)
    });
    let verdicts = a.verdicts(pod);
    let model_says = verdicts.as_ref().is_some_and(|v| v.any_short);
    if told == 0 && (p.fit.is_some() || !model_says) {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let want = model::pod_requests(spec);
    let Some(verdicts) = verdicts.filter(|_| a.capacity().knows_nodes()) else {
        let why = if a.capacity().knows_nodes() {
            format!("{} could not judge the pod", a.placement_source())
        } else {
            "without Node objects the free capacity cannot be shown".to_owned()
        };
        return vec![Hypothesis::new(
            40,
            Loop::Compute,
            workload,
            format!("the scheduler reports insufficient resources on {told} node(s); {why}"),
        )
        .fix("Compare the pod's requests with each node's free allocatable (`kubectl describe nodes`, Allocated resources), and add the nodes to the snapshot (`kubectl get nodes -o json`).")
        .missing("no Node objects with status.allocatable or status.capacity in the input: free capacity per node is unknown")
        .links(scheduler_links(d))];
    };
    // Replicas of one template share the pool's numbers.
    let stats = a.pool_stats(pod, || pool_stats(a, spec, &verdicts));
    let pool_ref = stats.pool_ref.clone();
    let mut out = Vec::new();
    let (neighbours_cpu, neighbours_mem) = stats.neighbours;
    let neighbour_link = (neighbours_cpu + neighbours_mem > 0).then(|| {
        Link::new(
            Loop::Compute,
            d.since,
            pool_ref.clone(),
            format!(
                "on these nodes {neighbours_cpu} pod(s) request no cpu and {neighbours_mem} no memory: the scheduler budgets them at zero while they use real capacity, so free numbers overstate the room"
            ),
        )
    });
    for rs in &stats.res {
        let res = rs.res;
        let need = want.get(res).unwrap_or(0);
        if need <= 0 {
            continue;
        }
        let told_res = said(p, |r| matches!(r, Reason::Insufficient(x) if x == res));
        if !rs.short && told_res == 0 {
            continue;
        }
        let (max_alloc, sum, max_free) = (rs.max_alloc, rs.sum, rs.max_free);
        let frees = &rs.frees;
        let detail = frees
            .iter()
            .take(6)
            .map(|(n, f)| format!("{n} {}", fmt_res(res, *f)))
            .collect::<Vec<_>>()
            .join(", ");
        let links = || {
            let mut l = scheduler_links(d);
            l.extend(autoscaler_links(a, d, None));
            l.extend(neighbour_link.clone());
            l
        };
        if need > max_alloc {
            let rule = a.findings.rule_on("CP004", &workload);
            out.push(
                Hypothesis::new(
                    90,
                    Loop::Compute,
                    workload.clone(),
                    format!(
                        "{} requests {}, more than any node can offer (largest allocatable {}): no node, empty or new of the same shape, can run it",
                        pod.name(),
                        fmt_res(res, need),
                        fmt_res(res, max_alloc)
                    ),
                )
                .rule(rule.map(|f| &*f.rule))
                .fix(format!(
                    "Lower the {res} request of {} to what it uses (at most {} per node), or add a node group with larger nodes.{}",
                    workload,
                    fmt_res(res, max_alloc),
                    rule.map(|f| format!(" {}", f.fix)).unwrap_or_default()
                ))
                .links(links()),
            );
        } else if sum >= need && max_free < need && frees.len() >= 2 {
            out.push(
                Hypothesis::new(
                    86,
                    Loop::Compute,
                    pool_ref.clone(),
                    format!(
                        "fragmentation: the nodes that could run {} have {} free in total ({detail}) but the most on one node is {}; the pod needs {} on a single node",
                        pod.name(),
                        fmt_res(res, sum),
                        fmt_res(res, max_free),
                        fmt_res(res, need)
                    ),
                )
                .fix(format!(
                    "The cluster is not out of {res}, it is fragmented. Free one node: move or right-size the pods packed on it (set accurate requests; a descheduler with `LowNodeUtilization`/`HighNodeUtilization` rebalances), give this pod a higher PriorityClass so it may preempt, or add a node with at least {} free.",
                    fmt_res(res, need)
                ))
                .links(links()),
            );
        } else {
            out.push(
                Hypothesis::new(
                    66,
                    Loop::Compute,
                    pool_ref.clone(),
                    format!(
                        "out of {res}: the nodes that could run {} have {} free in total ({detail}); the pod needs {}",
                        pod.name(),
                        fmt_res(res, sum),
                        fmt_res(res, need)
                    ),
                )
                .fix(per_cloud(
                    a.cloud,
                    "Add capacity (a node or a larger node group), or lower requests that exceed real usage.",
                    "Add capacity: check that cluster-autoscaler (or Karpenter) runs and covers this node group, raise the group's max size, or lower requests that exceed real usage.",
                    "Add capacity: enable the cluster autoscaler on the node pool (`az aks nodepool update --enable-cluster-autoscaler`) or raise its max count, or lower requests that exceed real usage.",
                    "Add capacity: enable node-pool autoscaling or node auto-provisioning, or lower requests that exceed real usage.",
                ))
                .links(links()),
            );
        }
    }
    if want.pods > 0 && said(p, |r| *r == Reason::TooManyPods) > 0 && out.is_empty() {
        out.push(
            Hypothesis::new(70, Loop::Compute, pool_ref.clone(), "nodes are at their pod limit (`Too many pods`): max pods per node, not cpu or memory, is the budget that ran out")
                .fix(per_cloud(
                    a.cloud,
                    "Raise the kubelet's maxPods where the CNI allows, or add nodes.",
                    "With the VPC CNI, max pods follows the instance's ENI/IP limits: enable prefix delegation (`ENABLE_PREFIX_DELEGATION=true`) and raise maxPods, or use larger instances.",
                    "Raise `--max-pods` on a new node pool (Azure CNI reserves IPs per pod), or add nodes.",
                    "Raise max pods per node on a new node pool, or add nodes.",
                ))
                .links(scheduler_links(d)),
        );
    }
    if out.is_empty() && told > 0 {
        // The scheduler saw a shortage the model's numbers do not show (requests changed, usage of extended resources).
        let res: Vec<String> = p
            .fit
            .iter()
            .flat_map(|f| f.reasons.iter())
            .filter(|(_, r)| r.starts_with("Insufficient "))
            .map(|(n, r)| format!("{n} {r}"))
            .collect();
        out.push(
            Hypothesis::new(45, Loop::Compute, pool_ref, format!("the scheduler reports {}; the model's free capacity does not show the shortage (extended resources or requests that changed since)", res.join(", ")))
                .fix("Compare `kubectl describe node` Allocated resources with the pod's requests.")
                .links(scheduler_links(d)),
        );
    }
    out
}

/// Untolerated taints.
pub fn taints<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| matches!(r, Reason::Taint(_)));
    let nodes = &a.cluster.nodes;
    let by_key = a.untolerated(spec);
    if told == 0
        && (p.fit.is_some() || by_key.is_empty() || a.verdicts(pod).is_some_and(|v| v.any_fits))
    {
        return vec![];
    }
    let total = p
        .fit
        .as_ref()
        .and_then(|f| f.total)
        .unwrap_or(nodes.len() as u32);
    let Some((taint, tainted)) = by_key.iter().max_by_key(|(_, v)| v.len()) else {
        return vec![Hypothesis::new(40, Loop::Compute, model::workload_ref(a.cluster, pod), format!("the scheduler reports {told} node(s) with taints the pod does not tolerate; the nodes are not in the input"))
            .fix("List the taints (`kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints`) and add a matching toleration or untainted capacity.")
            .missing("no Node objects (spec.taints) in the input")
            .links(scheduler_links(d))];
    };
    let key = taint.split([':', '=']).next().unwrap_or("");
    let names: Vec<&str> = tainted.iter().map(|n| n.name()).collect();
    let node_obj = if tainted.len() == 1 {
        tainted[0].objref()
    } else {
        model::node_pool_ref(tainted.iter().copied())
    };
    let covers_all = told >= total || tainted.len() as u32 >= total;
    let base = if covers_all { 80 } else { 50 };
    let links = scheduler_links(d);
    let h = match key {
        "node.kubernetes.io/not-ready" | "node.kubernetes.io/unreachable" => {
            let ev: Vec<String> = tainted
                .iter()
                .filter_map(|n| model::node_condition(n, "Ready").map(|c| format!("{} Ready={} ({}): {}", n.name(), c.status, c.reason.as_deref().unwrap_or(""), c.message.as_deref().unwrap_or(""))))
                .take(3)
                .collect();
            Hypothesis::new(base - 5, Loop::Compute, node_obj.clone(), format!("node(s) {} are NotReady and carry the {key} taint", short_list(&names, 4)))
                .fix("Find why the nodes are NotReady (kubelet, container runtime, CNI): `kubectl describe node`; replace nodes that do not come back.")
                .link(Link::new(Loop::Compute, d.since, node_obj, format!("nodes carry {taint}")).with_evidence(ev))
        }
        "node.kubernetes.io/memory-pressure" | "node.kubernetes.io/disk-pressure" | "node.kubernetes.io/pid-pressure" => {
            let unreq: u32 = tainted.iter().map(|n| a.capacity().unrequested(n.name()).1).sum();
            Hypothesis::new(
                base,
                Loop::Compute,
                node_obj.clone(),
                format!("node(s) {} are under pressure ({key}); {unreq} pod(s) on them have no memory request, so the scheduler packed them past what the nodes hold", short_list(&names, 4)),
            )
            .fix("Give every container memory requests and limits (requests close to real usage) so the scheduler's budget matches reality; the kubelet evicts BestEffort pods first under pressure.")
        }
        "node.kubernetes.io/unschedulable" => Hypothesis::new(base, Loop::Compute, node_obj, format!("node(s) {} are cordoned", short_list(&names, 4)))
            .fix(format!("`kubectl uncordon {}` once maintenance is done, or add capacity.", names[0])),
        "node.kubernetes.io/network-unavailable" => Hypothesis::new(base, Loop::Network, node_obj, format!("node(s) {} have no pod network yet ({key}): the CNI has not configured them", short_list(&names, 4)))
            .fix("Check the CNI DaemonSet pods on these nodes (aws-node, azure-cni, cilium, calico-node) and their logs."),
        "node.cloudprovider.kubernetes.io/uninitialized" => Hypothesis::new(base, Loop::Compute, node_obj, format!("node(s) {} were never initialised by the cloud controller manager", short_list(&names, 4)))
            .fix("Check the cloud-controller-manager's logs and its cloud credentials."),
        _ => {
            let workload = model::workload_ref(a.cluster, pod);
            // The pod's nodeSelector/affinity picks nodes, and every one it
            // picks carries a taint it does not tolerate: that pair is the cause.
            let selected = a.selected_nodes(spec);
            let selected_all_tainted = !selected.is_empty()
                && (selected.len() as u32) < total
                && selected
                    .iter()
                    .all(|n| !model::untolerated_taints(spec, n).is_empty());
            let summary = if selected_all_tainted {
                let sel: Vec<&str> = selected.iter().map(|n| n.name()).collect();
                format!(
                    "the only node(s) {} selects ({}) carry the taint {taint}, which it does not tolerate; the other {} node(s) do not match its node selection",
                    pod.name(),
                    short_list(&sel, 4),
                    total as usize - selected.len()
                )
            } else {
                format!("{} of {total} node(s) carry the taint {taint} and {} has no toleration for it", tainted.len(), pod.name())
            };
            Hypothesis::new(
                if selected_all_tainted { 82 } else { base },
                Loop::Compute,
                workload.clone(),
                summary,
            )
            .fix(format!(
                "If {workload} belongs on those nodes, add `tolerations: [{{key: \"{key}\", operator: \"Exists\", effect: \"{}\"}}]` (with a matching nodeSelector); otherwise give it untainted capacity.",
                taint.rsplit(':').next().unwrap_or("NoSchedule")
            ))
        }
    };
    vec![h.links(links).links(autoscaler_links(a, d, None))]
}

/// nodeSelector / required node affinity that no (or too few) node satisfies.
pub fn node_selection<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| *r == Reason::NodeAffinity);
    let nodes = &a.cluster.nodes;
    let matching = a.selected_nodes(spec).len();
    if told == 0 && (p.fit.is_some() || matching > 0 || nodes.is_empty()) {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let total = p
        .fit
        .as_ref()
        .and_then(|f| f.total)
        .unwrap_or(nodes.len() as u32);
    let mut unmatched = Vec::new();
    for (k, v) in spec.node_selector.iter().flatten() {
        let have = nodes
            .iter()
            .filter(|n| n.labels().get(k) == Some(v))
            .count();
        if have == 0 {
            let values: BTreeSet<&str> = nodes
                .iter()
                .filter_map(|n| n.labels().get(k).map(String::as_str))
                .collect();
            unmatched.push(if values.is_empty() {
                format!("no node has the label {k} (wanted {k}={v})")
            } else {
                format!(
                    "no node has {k}={v} (nodes carry {k}: {})",
                    values.into_iter().collect::<Vec<_>>().join(", ")
                )
            });
        }
    }
    let has_affinity = day2_model::selector::required_node_affinity(spec).is_some();
    if unmatched.is_empty() && has_affinity && matching == 0 && !nodes.is_empty() {
        unmatched.push("the required node affinity matches no node".to_owned());
    }
    if nodes.is_empty() {
        return vec![Hypothesis::new(40, Loop::Compute, workload, format!("the scheduler reports {told} node(s) that do not match the pod's node selector/affinity; the nodes are not in the input"))
            .fix("Compare the pod's nodeSelector/affinity with the nodes' labels (`kubectl get nodes --show-labels`).")
            .missing("no Node objects (labels) in the input")
            .links(scheduler_links(d))];
    }
    let (score, summary) = if matching == 0 {
        (
            84,
            format!(
                "{}'s node selection matches none of the {total} node(s): {}",
                pod.name(),
                if unmatched.is_empty() {
                    "no node satisfies all terms".to_owned()
                } else {
                    unmatched.join("; ")
                }
            ),
        )
    } else if told >= total.saturating_sub(1) && told > 0 {
        (
            55,
            format!(
                "{}'s node selection leaves {matching} of {total} node(s), and those cannot take it",
                pod.name()
            ),
        )
    } else {
        return vec![];
    };
    vec![Hypothesis::new(score, Loop::Compute, workload.clone(), summary)
        .fix(format!("Fix the nodeSelector/affinity of {workload} to labels nodes carry, or label a node pool to match (`kubectl label node <node> key=value`; for autoscaled groups put the label in the node group template so new nodes get it)."))
        .links(scheduler_links(d))
        .links(autoscaler_links(a, d, None))]
}

/// Topology spread, pod (anti-)affinity, host ports, volume binding of static volumes.
pub fn constraints<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, p)) = parts(d) else {
        return vec![];
    };
    let Some(fit) = &p.fit else { return vec![] };
    let total = fit.total.unwrap_or(0).max(1);
    let workload = model::workload_ref(a.cluster, pod);
    let mut out = Vec::new();
    let mut add = |reason: fn(&Reason) -> bool, loop_: Loop, obj: ObjRef, what: &str, fix: &str| {
        let n = fit.count(reason);
        if n > 0 {
            let score = if n >= total { 75 } else { 40 };
            out.push(
                Hypothesis::new(score, loop_, obj, format!("{n} of {total} node(s): {what}"))
                    .fix(fix)
                    .links(scheduler_links(d)),
            );
        }
    };
    add(
        |r| *r == Reason::TopologySpread,
        Loop::Compute,
        workload.clone(),
        "the pod's topologySpreadConstraints cannot be met (whenUnsatisfiable: DoNotSchedule)",
        "Add capacity in the under-filled zones, raise maxSkew, or use `whenUnsatisfiable: ScheduleAnyway`.",
    );
    add(
        |r| matches!(r, Reason::PodAntiAffinity | Reason::ExistingAntiAffinity),
        Loop::Compute,
        workload.clone(),
        "pod anti-affinity rules exclude the node",
        "More replicas than failure domains with required anti-affinity cannot all run: add nodes/zones or use preferred anti-affinity.",
    );
    add(
        |r| *r == Reason::PodAffinity,
        Loop::Compute,
        workload.clone(),
        "the pod's required pod affinity finds no matching pod on the node",
        "Check that the pods it must be co-located with exist and run; use preferred affinity when co-location is an optimisation.",
    );
    add(
        |r| *r == Reason::HostPorts,
        Loop::Compute,
        workload.clone(),
        "the requested hostPort is taken",
        "Drop hostPort (use a Service), or run one replica per node (DaemonSet).",
    );
    add(
        |r| *r == Reason::VolumeBind,
        Loop::Storage,
        workload.clone(),
        "no available PersistentVolume to bind (static or local volumes)",
        "Create PersistentVolumes that match the claim (size, access mode, class, node) or use a dynamic StorageClass.",
    );
    add(
        |r| *r == Reason::StorageCapacity,
        Loop::Storage,
        workload.clone(),
        "the node's storage capacity is too small for the claim",
        "Free space on the node's storage pool or add nodes with storage.",
    );
    add(
        |r| *r == Reason::VolumeLimits,
        Loop::Compute,
        workload.clone(),
        "the node has reached its maximum attached volumes",
        "Use instance types with more volume attachments or spread volume-heavy pods.",
    );
    add(
        |r| *r == Reason::NodeName,
        Loop::Compute,
        workload,
        "the pod names a node (spec.nodeName/hostname affinity) that does not fit",
        "Remove the hard node pin or make room on that node.",
    );
    out
}

/// The nodes a pod could use were it not for resources, and their numbers.
pub struct PoolStats<'c> {
    pub pool_ref: ObjRef,
    /// Pods on the pool's nodes without a cpu / memory request.
    pub neighbours: (u32, u32),
    pub res: Vec<ResStats<'c>>,
}

pub struct ResStats<'c> {
    pub res: &'static str,
    /// Largest allocatable of any node.
    pub max_alloc: i64,
    /// Free amount per pool node.
    pub frees: Vec<(&'c str, i64)>,
    pub sum: i64,
    pub max_free: i64,
    /// Some pool node has less free than the pod requests.
    pub short: bool,
}

fn pool_stats<'c>(a: &Analysis<'c>, spec: &PodSpec, verdicts: &[NodeVerdict]) -> PoolStats<'c> {
    let nodes = &a.cluster.nodes;
    let caps = a.node_capacity();
    let want = model::pod_requests(spec);
    // Nodes where only resources stand in the way (or that fit by the model's numbers).
    let candidates: Vec<(usize, &NodeVerdict)> = verdicts
        .iter()
        .enumerate()
        .filter(|(_, v)| v.fits || v.only_resources())
        .collect();
    // The pool, as indexes into the cluster's nodes.
    let pool: Vec<usize> = if candidates.is_empty() {
        (0..nodes.len())
            .filter(|&i| {
                !model::cordoned(&nodes[i]) && model::matches_node_selection(spec, &nodes[i])
            })
            .collect()
    } else {
        candidates
            .iter()
            .filter_map(|(i, v)| a.verdict_node(*i, v))
            .collect()
    };
    let mut neighbours = (0, 0);
    for &i in &pool {
        let (c, m) = caps[i].unrequested;
        neighbours.0 += c;
        neighbours.1 += m;
    }
    let res = ["cpu", "memory"]
        .into_iter()
        .map(|res| {
            let need = want.get(res).unwrap_or(0);
            let max_alloc = a.max_allocatable(res);
            let frees: Vec<(&'c str, i64)> = pool
                .iter()
                .filter_map(|&i| {
                    caps[i]
                        .free
                        .and_then(|f| f.get(res))
                        .map(|f| (nodes[i].name(), f.max(0)))
                })
                .collect();
            ResStats {
                res,
                max_alloc,
                sum: frees.iter().map(|(_, f)| f).sum(),
                max_free: frees.iter().map(|(_, f)| *f).max().unwrap_or(0),
                short: frees.iter().any(|(_, f)| *f < need),
                frees,
            }
        })
        .collect();
    PoolStats {
        pool_ref: model::node_pool_ref(pool.iter().map(|&i| &nodes[i])),
        neighbours,
        res,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wffc_yaml_keeps_provisioner_and_parameters() {
        let sc: StorageClass = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "gp3", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp3"}, "volumeBindingMode": "Immediate"
        }))
        .unwrap();
        let y = wffc_yaml(&Res {
            obj: sc,
            origin: Default::default(),
        });
        assert!(y.contains("volumeBindingMode: WaitForFirstConsumer"), "{y}");
        assert!(y.contains("provisioner: ebs.csi.aws.com"));
        assert!(y.contains("type: \"gp3\""));
        assert!(y.contains("is-default-class: \"true\""));
    }
}
