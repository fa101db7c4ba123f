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
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use rustc_hash::FxHashMap;

/// The fix when the volume `pvc` selects exists without its class.
pub fn selector_fix(a: &Analysis<'_>, pvc: &Res<PersistentVolumeClaim>) -> Option<String> {
    let spec = pvc.spec.as_ref()?;
    let selector = spec.selector.as_ref()?;
    let class = spec
        .storage_class_name
        .as_deref()
        .filter(|c| !c.is_empty())?;
    let default = a.cluster.storage_class(class).filter(|c| {
        c.annotations()
            .iter()
            .any(|(k, v)| k.ends_with("kubernetes.io/is-default-class") && v == "true")
    })?;
    // The candidates by one label the selector requires, from an index of
    // the unbound volumes built once: many such claims do not each walk
    // every volume.
    let (key, value) = selector.match_labels.as_ref()?.iter().next()?;
    let index = a.memo.unbound_by_label.get_or_init(|| {
        let mut m: FxHashMap<(&str, &str), Vec<&Res<PersistentVolume>>> = FxHashMap::default();
        let unbound =
            |pv: &&Res<PersistentVolume>| pv.spec.as_ref().is_none_or(|s| s.claim_ref.is_none());
        for pv in a.cluster.pvs.iter().filter(unbound) {
            for (k, v) in day2_model::selector::labels_of(&pv.metadata.labels) {
                m.entry((k.as_str(), v.as_str())).or_default().push(pv);
            }
        }
        m
    });
    let pv = index
        .get(&(key.as_str(), value.as_str()))?
        .iter()
        .copied()
        .find(|pv| {
            let pv_class = pv
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.as_deref())
                .unwrap_or("");
            pv_class != class
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
