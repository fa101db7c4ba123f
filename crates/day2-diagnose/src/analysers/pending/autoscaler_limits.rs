//! Pods the cluster-autoscaler will not add nodes for because of its limits.

use super::{autoscaler_links, parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, per_cloud};
use crate::messages::autoscaler::{parse_not_triggered, parse_triggered};
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};
use std::collections::BTreeSet;

/// The autoscaler refuses to add nodes because of its limits.
pub fn autoscaler_limits<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((_, spec, p)) = parts(d) else {
        return vec![];
    };
    if let Some(h) = informer_refused(a, d, p) {
        return vec![h];
    }
    // The node groups the pod's scale-ups asked for.
    let groups: BTreeSet<String> = d
        .events_with("TriggeredScaleUp")
        .flat_map(|e| parse_triggered(e.message_text()).unwrap_or_default())
        .map(|g| g.group)
        .collect();
    if let Some(h) = scale_up_failed(a, d, &groups) {
        return vec![h];
    }
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
    // `max node group size reached` does not name the group: it is the
    // group of the nodes the pod's own selection admits (the others are
    // counted apart, as not matching), when those are one group.
    let selected = a.selected_nodes(spec);
    let obj = match groups.iter().next() {
        Some(g) if groups.len() == 1 => ObjRef::new("NodeGroup", None, g.clone()),
        _ if !selected.is_empty() && selected.len() < a.cluster.nodes.len() => {
            model::node_pool_ref(selected.iter().copied())
        }
        _ => model::node_pool_ref(a.cluster.nodes.iter()),
    };
    let pool = if obj.kind == "NodeGroup" && !obj.name.starts_with('(') {
        obj.name.clone()
    } else {
        "POOL".to_owned()
    };
    let score = if capacity_bound { 84 } else { 55 };
    vec![Hypothesis::new(
        score,
        Loop::Compute,
        obj,
        format!(
            "cluster-autoscaler cannot add the node the pod needs: {}{}",
            limits.join(", "),
            if pool == "POOL" {
                String::new()
            } else {
                format!(" (the pod's node selection admits only node group {pool})")
            }
        ),
    )
    .fix(
        per_cloud(
            a.cloud,
            "Raise the maximum size of node group POOL (or the autoscaler's --max-nodes-total / --cores-total / --memory-total), or free capacity by right-sizing requests.",
            "Raise the max size of node group POOL (`aws eks update-nodegroup-config --nodegroup-name POOL --scaling-config maxSize=N` or the ASG's MaxSize) or the autoscaler's `--max-nodes-total`; or right-size requests so pods fit the existing nodes.",
            "Raise the maximum of node pool POOL (`az aks nodepool update --name POOL --update-cluster-autoscaler --max-count N`), or right-size requests.",
            "Raise the maximum of node pool POOL (`gcloud container clusters update --enable-autoscaling --max-nodes N --node-pool POOL`), or right-size requests.",
        )
        .replace("POOL", &pool),
    )
    .links(scheduler_links(d))
    .links(autoscaler_links(a, d, None))]
}

/// cluster-autoscaler 1.32 and later wait for a VolumeAttachment informer to
/// sync before their first scaling loop; a ClusterRole that grants no `list`
/// on `volumeattachments` (charts before 9.46.3, kubernetes/autoscaler#7904)
/// keeps the autoscaler Running and Ready but never scaling
/// (kubernetes/autoscaler#7663, #8678).
fn informer_refused(
    a: &Analysis<'_>,
    d: &Detected<'_>,
    p: &crate::symptoms::PendingDetail,
) -> Option<Hypothesis> {
    if said(p, |r| {
        matches!(r, Reason::Insufficient(_) | Reason::TooManyPods)
    }) == 0
        || a.cluster.cluster_roles.is_empty()
    {
        return None;
    }
    let (ca, image) = a.cluster.pods.iter().find_map(|pod| {
        let image = pod.spec.as_ref()?.containers.iter().find_map(|c| {
            c.image
                .as_deref()
                .filter(|i| i.contains("/cluster-autoscaler:"))
        })?;
        Some((pod, image))
    })?;
    let version = image
        .rsplit(':')
        .next()
        .and_then(day2_model::text::major_minor)?;
    if version < (1, 32) {
        return None;
    }
    let ns = ca.ns_or_default();
    let sa = day2_model::pod::service_account(ca.spec.as_ref()?);
    let bound: Vec<&str> = crate::analysers::rbac::cluster_bindings_of(a.cluster, ns, sa)
        .into_iter()
        .map(|b| b.role_ref.name.as_str())
        .collect();
    let roles: Vec<_> = a
        .cluster
        .cluster_roles
        .iter()
        .filter(|r| bound.contains(&r.name()))
        .collect();
    let allowed = roles
        .iter()
        .flat_map(|r| r.rules.iter().flatten())
        .any(|r| day2_model::rbac::rule_allows(r, "list", "storage.k8s.io", "volumeattachments"));
    let role = roles.first()?;
    if allowed {
        return None;
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            role.objref(),
            format!(
                "cluster-autoscaler {}.{} ({image}) waits for its VolumeAttachment informer to sync before its first scale-up, and ClusterRole {}, bound to ServiceAccount {ns}/{sa}, grants no `list`/`watch` on volumeattachments: the autoscaler runs Ready but never adds the node the pending pod needs",
                version.0,
                version.1,
                role.name()
            ),
        )
        .fix(format!(
            "Add the rule `{{apiGroups: [storage.k8s.io], resources: [volumeattachments], verbs: [get, list, watch]}}` to ClusterRole {} (the chart grants it from 9.46.3 on: upgrade the chart with the image), then restart the autoscaler (`kubectl -n {ns} rollout restart deployment/<cluster-autoscaler>`); its log shows `Failed to watch *v1.VolumeAttachment` until then.",
            role.name()
        ))
        .links(scheduler_links(d)),
    )
}

/// The autoscaler asked the cloud for the nodes the pod triggered and the
/// cloud refused (`FailedToScaleUpGroup`, `Scale-up failed for group G:
/// …`, on its status ConfigMap): a subscription's core quota for the VM
/// family (kubernetes/autoscaler#2607, Azure's `OperationNotAllowed …
/// exceeding quota limit of standardDSv3Family Cores`), an instance type
/// out of capacity. The cloud's account holds the cause.
fn scale_up_failed(
    a: &Analysis<'_>,
    d: &Detected<'_>,
    groups: &BTreeSet<String>,
) -> Option<Hypothesis> {
    if groups.is_empty() {
        return None;
    }
    let failures = a.memo.scale_up_failures.get_or_init(|| {
        a.cluster
            .events
            .iter()
            .filter(|e| {
                e.is_warning() && matches!(&*e.reason, "FailedToScaleUpGroup" | "ScaleUpFailed")
            })
            .map(|e| &**e)
            .collect()
    });
    let (group, e) = failures.iter().rev().find_map(|&e| {
        let m = e.message_text();
        let g = groups.iter().find(|g| m.contains(g.as_str()))?;
        Some((g.clone(), e))
    })?;
    let msg = e.message_text();
    let lower = msg.to_ascii_lowercase();
    let quota = lower.contains("quota");
    let fix = if quota {
        per_cloud(
            a.cloud,
            "Raise the cloud quota the error names for node group GROUP (or use an instance size or family with quota left); the autoscaler retries the scale-up.",
            "Request a higher EC2 quota for the instance family the error names (Service Quotas: Running On-Demand instances, vCPUs), or give node group GROUP another instance type; the autoscaler retries.",
            "Request a higher vCPU quota for the VM family the error names (`az vm list-usage --location <region>`; portal: Subscriptions, Usage + quotas), or move node pool GROUP to a VM size of a family with quota left; the autoscaler retries the scale-up.",
            "Request a higher Compute Engine quota the error names (CPUS, the machine family's CPUs, in the region: `gcloud compute regions describe <region>`), or another machine type for node pool GROUP; the autoscaler retries.",
        )
    } else {
        "Read the cloud's error in the autoscaler's FailedToScaleUpGroup event for node group GROUP (capacity, permissions, a policy, a quota): fix it in the cloud account, or let the pods run in another node group; the autoscaler retries.".to_owned()
    }
    .replace("GROUP", &group);
    Some(
        Hypothesis::new(
            86,
            Loop::Compute,
            ObjRef::new("NodeGroup", None, group.clone()),
            format!(
                "cluster-autoscaler asks for the nodes the pod needs in node group {group}, and the cloud refuses the scale-up{}: {}",
                if quota { " for a quota" } else { "" },
                day2_model::redact::excerpt(msg, 240)
            ),
        )
        .fix(fix)
        .missing("the cloud account's side of the refusal (quotas, capacity)")
        .links(scheduler_links(d))
        .links(autoscaler_links(a, d, None))
        .link(crate::evidence::Link::from_event(Loop::Compute, e, "the cloud refuses the scale-up"))
        .unexplained(),
    )
}
