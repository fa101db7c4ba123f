//! ST007: claims that name a StorageClass that does not exist (or rely on a default that does not exist).

use crate::reads::{self, K};
use crate::util::{StatefulSets, sees_whole_cluster, stateful_set_of, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

pub static META: RuleMeta = RuleMeta {
    code: "ST007",
    name: "storage-class-missing",
    loop_: Loop::Storage,
    reads: reads::TEMPLATES.with(&[K::PersistentVolumeClaim, K::StorageClass]),
    severity: Severity::High,
    summary: "PVC, volumeClaimTemplate or ephemeral volume names a StorageClass that does not exist, or names none where there is no default",
    law: law::STORAGE,
    rationale: "A claim for a class that does not exist stays Pending forever (`storageclass.storage.k8s.io \
\"x\" not found`), and so does its pod; a StatefulSet stops at the first replica that needs a new claim. \
The same happens to a claim without `storageClassName` on a cluster without a default class. Classes \
are cluster-wide and differ between clouds and clusters (`gp3` on one, `managed-csi` on another), so a \
chart copied from elsewhere is the usual cause. Claims already bound to a volume and claims with \
`storageClassName: \"\"` (static provisioning) are not reported.",
    fix: Fix::generic(
        "Name a StorageClass that exists on the target cluster (`kubectl get storageclass`), or create it; make one WaitForFirstConsumer class the default for claims that name none.",
    ),
    sources: "Snapshot/live: every unbound claim and every claim template is checked against the cluster's classes (high). Manifests: judged only when the files define StorageClasses, and the cloud's built-in class names (`gp2`, `managed-csi`, `standard-rwo`, …) are assumed to exist (medium); a claim naming no class is not judged on manifests.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST007/fire.yaml"),
        silent: include_str!("../../fixtures/ST007/silent.yaml"),
    },
    peers: &[],
};

/// Classes the managed clusters create themselves.
const BUILT_IN: &[&str] = &[
    "gp2",
    "default",
    "managed",
    "managed-csi",
    "managed-csi-premium",
    "managed-premium",
    "azurefile",
    "azurefile-csi",
    "azurefile-csi-premium",
    "azurefile-premium",
    "standard",
    "standard-rwo",
    "premium-rwo",
    "standard-rwx",
    "premium-rwx",
];

pub struct StorageClassMissing;

impl Rule for StorageClassMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let whole = sees_whole_cluster(c);
        if !whole && c.storage_classes.is_empty() {
            return;
        }
        let severity = if whole {
            Severity::High
        } else {
            Severity::Medium
        };
        let has_default = !c.default_storage_classes().is_empty();
        let problem = |pvc: &PersistentVolumeClaim| -> Option<String> {
            let spec = pvc.spec.as_ref()?;
            match day2_model::cluster::claim_class_name(pvc) {
                Some("") => None,
                Some(name) => (c.storage_class(name).is_none()
                    && (whole || !BUILT_IN.contains(&name)))
                .then(|| {
                    format!(
                        "StorageClass `{name}` does not exist{}",
                        if whole { "" } else { " in the input" }
                    )
                }),
                None => (whole && !has_default && spec.volume_name.is_none()).then(|| {
                    "it names no StorageClass and the cluster has no default class".to_owned()
                }),
            }
        };
        for pvc in &c.pvcs {
            let bound = pvc.spec.as_ref().is_some_and(|s| s.volume_name.is_some())
                || pvc.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
            if bound {
                continue;
            }
            if let Some(p) = problem(pvc) {
                sink.report_with(
                    Target::of(pvc),
                    format!(
                        "PersistentVolumeClaim {}: {p}; it stays Pending",
                        pvc.name()
                    ),
                    Some("/spec/storageClassName"),
                    None,
                    Some(severity),
                );
            }
        }
        let sets = StatefulSets::new(&c.stateful_sets);
        for w in cx.workloads() {
            if let Some(sts) = stateful_set_of(&sets, &w) {
                for (i, t) in sts.spec.volume_claim_templates.iter().flatten().enumerate() {
                    if let Some(p) = problem(t) {
                        sink.report_with(
                            Target::workload(&w),
                            format!(
                                "volumeClaimTemplate `{}` of {}: {p}; new replicas stay Pending",
                                t.metadata.name.as_deref().unwrap_or(""),
                                wname(&w)
                            ),
                            Some(&format!(
                                "/spec/volumeClaimTemplates/{i}/spec/storageClassName"
                            )),
                            None,
                            Some(severity),
                        );
                    }
                }
            }
            for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
                let Some(t) = v
                    .ephemeral
                    .as_ref()
                    .and_then(|e| e.volume_claim_template.as_ref())
                else {
                    continue;
                };
                let pvc = PersistentVolumeClaim {
                    spec: Some(t.spec.clone()),
                    ..Default::default()
                };
                if let Some(p) = problem(&pvc) {
                    sink.report_with(
                        Target::workload(&w),
                        format!("ephemeral volume `{}`: {p}; the pods stay Pending", v.name),
                        Some(&w.ptr(&format!("/volumes/{i}/ephemeral"))),
                        None,
                        Some(severity),
                    );
                }
            }
        }
    }
}
