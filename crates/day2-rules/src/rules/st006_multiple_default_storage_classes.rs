//! ST006: more than one default StorageClass.

use crate::reads::K;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ST006",
    name: "multiple-default-storage-classes",
    loop_: Loop::Storage,
    reads: KindSet::of(&[K::StorageClass]),
    severity: Severity::Medium,
    summary: "More than one StorageClass is marked as the default",
    law: law::STORAGE,
    rationale: "A claim without `storageClassName` gets the default class. With two defaults, Kubernetes \
1.26+ silently picks the most recently created one (older versions reject the claim), so which disk \
type — and which binding mode and zone behaviour — a new database gets depends on the order classes were \
created. Typically an add-on installs its own default next to the cloud's (`gp2` and `gp3`, `default` and \
`managed-csi`), and half the claims end up on the old class with `Immediate` binding.",
    fix: Fix {
        generic: "Keep exactly one class annotated `storageclass.kubernetes.io/is-default-class: \"true\"` (a WaitForFirstConsumer one) and set it to \"false\" on the others; name classes explicitly in database claims.",
        aws: Some(
            "On EKS remove the default annotation from the legacy in-tree `gp2` class (`kubectl annotate sc gp2 storageclass.kubernetes.io/is-default-class=false --overwrite`) and make an `ebs.csi.aws.com` gp3 class the default.",
        ),
        azure: Some("On AKS keep `managed-csi` (or your own CSI class) as the only default."),
        gcp: Some(
            "On GKE keep `standard-rwo` (pd-balanced, WaitForFirstConsumer) as the only default.",
        ),
    },
    sources: "Fires wherever two defaults are visible: on a snapshot or live cluster that is the whole cluster; on manifests it only sees the classes the files define (so it fires only when the files themselves declare two defaults).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST006/fire.yaml"),
        silent: include_str!("../../fixtures/ST006/silent.yaml"),
    },
    peers: &[],
};

pub struct MultipleDefaultStorageClasses;

impl Rule for MultipleDefaultStorageClasses {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let defaults = cx.cluster.default_storage_classes();
        if defaults.len() < 2 {
            return;
        }
        let names: Vec<&str> = defaults.iter().map(|s| s.name()).collect();
        for sc in &defaults {
            sink.report(
                Target::of(*sc),
                format!(
                    "StorageClass {} is one of {} default classes ({}): claims without a class get whichever was created last",
                    sc.name(),
                    defaults.len(),
                    names.join(", ")
                ),
                Some("/metadata/annotations"),
            );
        }
    }
}
