//! ST005: database volumes whose disk is deleted with the claim.

use crate::reads::{self, K};
use crate::util::{StatefulSets, claim_volumes, database_container, stateful_set_of, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Cluster, Loop, Res, Severity};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

pub static META: RuleMeta = RuleMeta {
    code: "ST005",
    name: "database-volume-deleted-with-claim",
    loop_: Loop::Storage,
    reads: reads::TEMPLATES.with(&[
        K::PersistentVolume,
        K::PersistentVolumeClaim,
        K::StorageClass,
    ]),
    severity: Severity::Medium,
    summary: "Database data sits on volumes with `reclaimPolicy: Delete`, or on claims the StatefulSet deletes with itself",
    law: law::STORAGE,
    rationale: "\"Data has mass\" — and `Delete` makes it weightless. With the default `reclaimPolicy: Delete` \
(the policy of every cloud's built-in classes), deleting the claim deletes the disk: a `helm uninstall`, \
a namespace cleanup, a renamed `volumeClaimTemplate` or an Argo CD prune destroys the database with no \
undo. A StatefulSet with `persistentVolumeClaimRetentionPolicy.whenDeleted: Delete` deletes the claims \
(and so the disks) when the StatefulSet itself is deleted. On snapshots the bound PersistentVolume's own \
`persistentVolumeReclaimPolicy` decides (it may have been patched to Retain); otherwise the claim's \
StorageClass does.",
    fix: Fix {
        generic: "Use a StorageClass with `reclaimPolicy: Retain` for database claims (and patch existing PVs: `kubectl patch pv PV -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Retain\"}}'`), keep `whenDeleted: Retain`, and take volume snapshots on a schedule.",
        aws: Some(
            "Create an `ebs.csi.aws.com` class with `reclaimPolicy: Retain` for databases and schedule EBS snapshots (AWS Backup or VolumeSnapshots with the EBS CSI snapshotter).",
        ),
        azure: Some(
            "Create a `disk.csi.azure.com` class with `reclaimPolicy: Retain` and protect disks with Azure Backup for AKS or VolumeSnapshots.",
        ),
        gcp: Some(
            "Create a `pd.csi.storage.gke.io` class with `reclaimPolicy: Retain` and use Backup for GKE or scheduled VolumeSnapshots.",
        ),
    },
    sources: "Needs the policy: snapshot/live use the bound PersistentVolumes (or the class); manifests use the StorageClass named by the claim (or the default class) when it is in the input, and stay silent when it is not.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST005/fire.yaml"),
        silent: include_str!("../../fixtures/ST005/silent.yaml"),
    },
    peers: &[],
};

/// The reclaim policy that applies to a claim: its bound PV's, else its class's (default Delete).
fn reclaim_policy(c: &Cluster, pvc: &Res<PersistentVolumeClaim>) -> Option<String> {
    if let Some(pv) = c.pv_of_claim(pvc) {
        return Some(
            pv.spec
                .as_ref()
                .and_then(|s| s.persistent_volume_reclaim_policy.clone())
                .unwrap_or_else(|| "Delete".into()),
        );
    }
    class_policy(c, pvc)
}

fn class_policy(c: &Cluster, pvc: &PersistentVolumeClaim) -> Option<String> {
    c.class_of_claim(pvc)
        .map(|sc| sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()))
}

pub struct DatabaseVolumeDeletedWithClaim;

impl Rule for DatabaseVolumeDeletedWithClaim {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let sets = StatefulSets::new(&c.stateful_sets);
        for w in cx.workloads() {
            let Some((_, _, db)) = database_container(w.spec) else {
                continue;
            };
            let ns = w.namespace();
            let mut problems: Vec<String> = Vec::new();
            for (_, _, claim) in claim_volumes(w.spec) {
                if let Some(pvc) = c.pvc(ns, claim)
                    && reclaim_policy(c, pvc).as_deref() == Some("Delete")
                {
                    problems.push(format!("claim `{claim}` is on a Delete volume"));
                }
            }
            if let Some(sts) = stateful_set_of(&sets, &w) {
                for t in sts.spec.volume_claim_templates.iter().flatten() {
                    let tname = t.metadata.name.as_deref().unwrap_or("");
                    let prefix = format!("{tname}-{}-", sts.name());
                    let claims: Vec<_> = c
                        .pvcs
                        .iter()
                        .filter(|p| {
                            p.ns_or_default() == ns
                                && p.name()
                                    .strip_prefix(&prefix)
                                    .is_some_and(|o| o.parse::<u32>().is_ok())
                        })
                        .collect();
                    let policy = if claims.is_empty() {
                        class_policy(c, t)
                    } else if claims
                        .iter()
                        .any(|p| reclaim_policy(c, p).as_deref() == Some("Delete"))
                    {
                        Some("Delete".into())
                    } else {
                        None
                    };
                    if policy.as_deref() == Some("Delete") {
                        problems.push(format!(
                            "volumeClaimTemplate `{tname}` provisions Delete volumes{}",
                            c.class_of_claim(t)
                                .map(|sc| format!(" (StorageClass {})", sc.name()))
                                .unwrap_or_default()
                        ));
                    }
                }
                if sts
                    .spec
                    .persistent_volume_claim_retention_policy
                    .as_ref()
                    .and_then(|p| p.when_deleted.as_deref())
                    == Some("Delete")
                {
                    problems.push(
                        "persistentVolumeClaimRetentionPolicy.whenDeleted is Delete: deleting the StatefulSet deletes the data".into(),
                    );
                }
            }
            if problems.is_empty() {
                continue;
            }
            sink.report(
                Target::workload(&w),
                format!(
                    "{} data of {}: {}",
                    db.engine,
                    wname(&w),
                    problems.join("; ")
                ),
                None,
            );
        }
    }
}
