//! A claim that selects a PersistentVolume by labels and was given the
//! default StorageClass: the volume it selects is there and classless, but
//! the DefaultStorageClass admission plugin filled in the default class's
//! name when the claim was created, so the claim asks that class's
//! provisioner instead of binding, and the provisioner refuses a selector
//! (NetApp/trident#156: Trident's installer claim captured by a default
//! GlusterFS class).

use crate::analysis::Analysis;
use day2_model::Res;
use day2_model::selector::label_selector_matches;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

/// The fix when the volume `pvc` selects exists without its class.
pub fn selector_fix(a: &Analysis<'_>, pvc: &Res<PersistentVolumeClaim>) -> Option<String> {
    let spec = pvc.spec.as_ref()?;
    let selector = spec.selector.as_ref()?;
    let class = spec
        .storage_class_name
        .as_deref()
        .filter(|c| !c.is_empty())?;
    let default = a.cluster.storage_classes.iter().find(|c| {
        c.name() == class
            && c.annotations()
                .iter()
                .any(|(k, v)| k.ends_with("kubernetes.io/is-default-class") && v == "true")
    })?;
    let pv = a.cluster.pvs.iter().find(|pv| {
        let pv_class = pv
            .spec
            .as_ref()
            .and_then(|s| s.storage_class_name.as_deref())
            .unwrap_or("");
        pv_class != class
            && pv.spec.as_ref().is_none_or(|s| s.claim_ref.is_none())
            && label_selector_matches(
                selector,
                day2_model::selector::labels_of(&pv.metadata.labels),
            )
    })?;
    Some(format!(
        "PersistentVolume {} carries the labels claim {}/{} selects but no class, and the claim was given the default StorageClass {} (annotation `storageclass.kubernetes.io/is-default-class`), so it waits on that class's provisioner instead of binding: recreate the claim with `storageClassName: \"\"` (immutable on a claim), or unset the default class while the installer runs.",
        pv.name(),
        pvc.ns_or_default(),
        pvc.name(),
        default.name()
    ))
}
