//! Why a pod is Pending: one analyser per hypothesis.
//!
//! Each reads the scheduler's own reasons (the parsed `0/N nodes are
//! available` histogram) and checks them against the model (free allocatable
//! per node, taints, labels, volume zones, the autoscaler's events) so the
//! diagnosis names the object to change and shows the numbers.

mod autoscaler_limits;
mod constraints;
mod cordoned;
mod gated;
mod host_ports;
mod karpenter;
mod node_selection;
mod raised;
mod resources;
mod service_affinity;
mod static_volumes;
mod stuck;
mod taints;
mod unadvertised;
mod unbound_claims;
mod virtual_node;
mod volume_limits;
mod volume_zone;

pub use autoscaler_limits::autoscaler_limits;
pub use constraints::constraints;
pub use cordoned::cordoned;
pub use gated::gated;
pub use host_ports::host_ports_held;
pub use karpenter::karpenter_pool;
pub use node_selection::node_selection;
pub use resources::resources;
pub use service_affinity::service_affinity;
pub use static_volumes::static_volumes;
pub use stuck::held_by_terminating;
pub use taints::taints;
pub use unadvertised::unadvertised;
pub use unbound_claims::unbound_claims;
pub use virtual_node::virtual_node;
pub use volume_limits::volume_limits;
pub use volume_zone::volume_zone;

use crate::analysis::Analysis;
use crate::evidence::Link;
use crate::messages::autoscaler::{parse_not_triggered, parse_triggered};
use crate::messages::scheduler::{Reason, parse_fit_error};
use crate::symptoms::{Detail, Detected, PendingDetail};
use day2_model::cloud::{is_regional_parameters, is_zonal_provisioner};
use day2_model::pod::Pod;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::PodSpec;
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
    // Nodes that joined after the pod went Pending (the autoscaler's answer):
    // each that joined outside the zones the pod can use (at most
    // JOINED_SHOWN), the first others one by one, and the rest counted.
    if let Some(since) = d.since
        && a.newest_node().is_some_and(|newest| newest >= since)
    {
        let outside =
            |zone: &str| zones.is_some_and(|zs| !zs.is_empty() && !zs.iter().any(|z| z == zone));
        let mut joined: Vec<&crate::analysis::NodeJoin<'_>> = a
            .node_joins()
            .iter()
            .filter(|j| j.created.is_some_and(|c| c >= since))
            .collect();
        // Outside the pod's zones first, then by time, then by name.
        joined.sort_by_key(|j| {
            (
                !outside(j.zone.unwrap_or("unknown zone")),
                j.created,
                j.node.name(),
            )
        });
        let rest = joined.split_off(joined.len().min(JOINED_SHOWN));
        if let (Some(first), Some(last)) = (rest.first(), rest.last()) {
            let mut in_zones: Vec<&str> = rest
                .iter()
                .map(|j| j.zone.unwrap_or("unknown zone"))
                .collect();
            in_zones.sort_unstable();
            in_zones.dedup();
            let to = rest.iter().filter_map(|j| j.created).max().or(last.created);
            out.push(Link::new(
                Loop::Compute,
                to,
                first.node.objref(),
                format!(
                    "{} more node(s) joined since, in {}",
                    rest.len(),
                    in_zones.join(", ")
                ),
            ));
        }
        for j in joined {
            let n = j.node;
            let zone = j.zone.unwrap_or("unknown zone");
            let outside = outside(zone);
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

/// Nodes that joined while a pod was Pending shown one by one in its chain.
const JOINED_SHOWN: usize = 5;

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
            obj: sc.into(),
            origin: Default::default(),
        });
        assert!(y.contains("volumeBindingMode: WaitForFirstConsumer"), "{y}");
        assert!(y.contains("provisioner: ebs.csi.aws.com"));
        assert!(y.contains("type: \"gp3\""));
        assert!(y.contains("is-default-class: \"true\""));
    }
}
