//! A restore from a VolumeSnapshot that the provisioner cannot read: the
//! csi-provisioner sidecar asks the API server for the VolumeSnapshot API
//! version it was built with, and a cluster whose snapshot CRDs serve
//! another answers `the server could not find the requested resource`.
//! csi-provisioner before 1.5 reads `v1alpha1`, 1.5 to 2.x `v1beta1`, and
//! 3.0 on `v1` (kubernetes-csi/external-snapshotter#313: csi-provisioner
//! 1.4.0 against v1beta1 CRDs).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::Loop;

/// The VolumeSnapshot API version a csi-provisioner release reads.
fn reads(version: (u32, u32)) -> &'static str {
    match version {
        (0, _) | (1, 0..=4) => "v1alpha1",
        (1, _) | (2, _) => "v1beta1",
        _ => "v1",
    }
}

/// Releases that read `api`, for the fix.
fn releases_for(api: &str) -> &'static str {
    match api {
        "v1alpha1" => "1.0 to 1.4",
        "v1beta1" => "1.5 to 2.x",
        _ => "3.0 or later",
    }
}

pub(super) fn unserved(a: &Analysis<'_>, provisioner: &str, msg: &str) -> Option<Hypothesis> {
    if !(msg.contains("could not find the requested resource") && msg.contains("volumesnapshot")) {
        return None;
    }
    let w = super::csi::provisioner_workload(a, provisioner)?;
    let sidecar = w
        .spec
        .containers
        .iter()
        .find(|c| super::csi::is_provisioner_sidecar(c))?;
    let image = sidecar.image.as_deref()?;
    let wants = reads(crate::messages::image::tag_version(image)?);
    // What the cluster's VolumeSnapshot CRD serves, when the input holds it.
    let served: Vec<String> = a
        .cluster
        .other
        .iter()
        .filter(|o| {
            o.kind == "CustomResourceDefinition"
                && o.name() == "volumesnapshots.snapshot.storage.k8s.io"
        })
        .filter_map(|o| o.data.get("spec")?.get("versions")?.as_array().cloned())
        .flatten()
        .filter(|v| v.get("served").and_then(serde_json::Value::as_bool) != Some(false))
        .filter_map(|v| v.get("name")?.as_str().map(str::to_owned))
        .collect();
    if served.iter().any(|s| s == wants) {
        return None;
    }
    let (ns, name) = (w.namespace(), w.name());
    let serves = if served.is_empty() {
        String::new()
    } else {
        format!(
            ", while the cluster's VolumeSnapshot CRD serves {}",
            served.join(", ")
        )
    };
    let target = served
        .iter()
        .find(|s| s.as_str() == "v1")
        .or_else(|| served.first())
        .map(String::as_str)
        .unwrap_or("v1");
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            day2_model::ObjRef::new(w.kind, Some(ns), name),
            format!(
                "{provisioner} cannot read the VolumeSnapshot a claim restores from: the csi-provisioner sidecar of {} {ns}/{name} ({image}) reads the snapshot API {wants}{serves}, so the API server finds no such resource",
                w.kind
            ),
        )
        .fix(format!(
            "Run a csi-provisioner that reads the cluster's snapshot API ({target}: csi-provisioner {}) in {} {ns}/{name}, with the csi-snapshotter sidecar and snapshot-controller of the same generation (the driver's release notes pair them); the claim provisions on the next retry.",
            releases_for(target),
            w.kind
        )),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot_api_of_each_release() {
        assert_eq!(super::reads((1, 4)), "v1alpha1");
        assert_eq!(super::reads((1, 5)), "v1beta1");
        assert_eq!(super::reads((2, 2)), "v1beta1");
        assert_eq!(super::reads((3, 0)), "v1");
    }
}
