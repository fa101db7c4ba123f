//! ST001: a zonal disk provisioned before the pod is scheduled.

use crate::reads::K;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::cloud::{is_regional_parameters, is_zonal_provisioner};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ST001",
    name: "immediate-binding-zonal-storage",
    loop_: Loop::Storage,
    reads: KindSet::of(&[
        K::Other,
        K::ClusterRoleBinding,
        K::LimitRange,
        K::Namespace,
        K::NetworkPolicy,
        K::PersistentVolume,
        K::PersistentVolumeClaim,
        K::RoleBinding,
        K::StorageClass,
    ]),
    severity: Severity::Critical,
    summary: "StorageClass provisions zonal disks with `volumeBindingMode: Immediate`",
    law: law::STORAGE,
    rationale: "With `Immediate` binding the disk is created as soon as the claim exists, in a zone the \
provisioner picks before the scheduler has chosen a node. The pod is then pinned to that zone: when \
that zone has no room (or the autoscaler adds a node elsewhere) the pod stays Pending with `volume node \
affinity conflict`, StatefulSets stop rolling, and replicas that do start talk across zones. \
`WaitForFirstConsumer` lets the scheduler pick the node first and the disk follows it. This is the \
single most important StorageClass setting.",
    fix: Fix {
        generic: "Set `volumeBindingMode: WaitForFirstConsumer` on the StorageClass (the field is immutable: create a new class, move claims to it, then make it the default).",
        aws: Some(
            "Recreate the class with `provisioner: ebs.csi.aws.com` and `volumeBindingMode: WaitForFirstConsumer`; existing EBS volumes stay in their zone, so migrate data with a snapshot restored in the target zone.",
        ),
        azure: Some(
            "Recreate the class with `provisioner: disk.csi.azure.com` and `volumeBindingMode: WaitForFirstConsumer` (the built-in `managed-csi` class already does this), or use a ZRS SKU (`skuName: Premium_ZRS`) for zone-redundant disks.",
        ),
        gcp: Some(
            "Recreate the class with `provisioner: pd.csi.storage.gke.io` and `volumeBindingMode: WaitForFirstConsumer` (as GKE's `standard-rwo`), or use `replication-type: regional-pd` for disks that survive a zone.",
        ),
    },
    sources: "Same on every source: every StorageClass in the input (on manifests, only the classes the files define; the cluster's built-in classes are judged on snapshots and live clusters). Regional/zone-redundant parameters (GKE `replication-type: regional-pd`, Azure `*_ZRS` SKUs) and classes restricted to a single zone by `allowedTopologies` pass.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST001/fire.yaml"),
        silent: include_str!("../../fixtures/ST001/silent.yaml"),
    },
    peers: &[],
};

pub struct ImmediateBindingZonalStorage;

impl Rule for ImmediateBindingZonalStorage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for sc in &cx.cluster.storage_classes {
            if !is_zonal_provisioner(&sc.provisioner)
                || is_regional_parameters(sc.parameters.as_ref())
            {
                continue;
            }
            let mode = sc.volume_binding_mode.as_deref().unwrap_or("Immediate");
            if mode != "Immediate" {
                continue;
            }
            // Immediate binding restricted to a single zone cannot pick the wrong zone.
            let single_zone = sc.allowed_topologies.iter().flatten().all(|t| {
                t.match_label_expressions
                    .iter()
                    .flatten()
                    .all(|e| e.values.len() == 1)
            }) && sc
                .allowed_topologies
                .as_ref()
                .is_some_and(|t| !t.is_empty());
            if single_zone {
                continue;
            }
            let explicit = if sc.volume_binding_mode.is_some() {
                ""
            } else {
                " (the default when volumeBindingMode is unset)"
            };
            let users = cx
                .cluster
                .pvcs
                .iter()
                .filter(|p| {
                    cx.cluster
                        .class_of_claim(p)
                        .is_some_and(|c| c.name() == sc.name())
                })
                .count();
            let users = if users > 0 {
                format!("; {users} claim(s) use it")
            } else {
                String::new()
            };
            sink.report(
                Target::of(sc),
                format!(
                    "StorageClass {} provisions zonal disks ({}) with Immediate binding{explicit}: disks are created before the pod is scheduled and pin it to one zone{users}",
                    sc.name(),
                    sc.provisioner
                ),
                Some(if sc.volume_binding_mode.is_some() { "/volumeBindingMode" } else { "/provisioner" }),
            );
        }
    }
}
