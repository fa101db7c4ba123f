//! An inline CSI volume whose driver name has no CSIDriver object: the
//! kubelet refuses it at set-up (`volume mode "Ephemeral" not supported by
//! driver X (no CSIDriver object)`, `pkg/volume/csi`). When a CSIDriver of
//! a near name is installed (a chart's prefixed driver name,
//! kubernetes-sigs/secrets-store-csi-driver#1135), the two names are to be
//! made one; otherwise the driver is not installed.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

pub fn unnamed<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(e) = d
        .events_with("FailedMount")
        .filter(|e| e.message_text().contains("(no CSIDriver object)"))
        .last()
    else {
        return vec![];
    };
    let msg = e.message_text();
    let Some(driver) = msg
        .split_once("not supported by driver ")
        .and_then(|(_, r)| r.split_whitespace().next())
    else {
        return vec![];
    };
    let link = Link::from_event(
        Loop::Storage,
        e,
        format!("the kubelet finds no CSIDriver object named {driver}"),
    );
    let workload = model::workload_ref(a.cluster, pod);
    let near =
        a.cluster.csi_drivers.iter().find(|c| {
            c.name() != driver && (c.name().ends_with(driver) || driver.ends_with(c.name()))
        });
    match near {
        Some(c) => vec![
            Hypothesis::new(
                84,
                Loop::Storage,
                c.objref(),
                format!("pod {} names CSI driver {driver}, and the driver is installed as {} (a CSIDriver of another name): the kubelet finds no driver of the name the volume asks for", pod.name(), c.name()),
            )
            .fix(format!("Make the names one: set `csi.driver: {}` in the volumes of {workload}, or install the driver under its default name {driver} (the chart's driver-name value, the node plugin's `--drivername`)", c.name()))
            .link(link),
        ],
        None => vec![
            Hypothesis::new(
                72,
                Loop::Storage,
                ObjRef::new("CSIDriver", None, driver),
                format!("pod {} mounts an inline volume of CSI driver {driver}, and the cluster has no CSIDriver object of that name: the driver is not installed (or under another name)", pod.name()),
            )
            .fix(format!("Install CSI driver {driver} (its chart creates the CSIDriver object and the node plugin), or correct `csi.driver` in the volumes of {workload}; `kubectl get csidrivers` lists what is installed."))
            .link(link),
        ],
    }
}

/// A claim waits for a provisioner no CSIDriver names, and the driver is
/// installed under another first label (csi-driver-nfs's chart with
/// `driver.name: nfs2.csi.k8s.io` while the class says `nfs.csi.k8s.io`,
/// kubernetes-csi/csi-driver-nfs#682): the class and the driver are to agree.
pub fn renamed(
    a: &Analysis<'_>,
    pvc: &day2_model::Res<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
    class: Option<&day2_model::Res<k8s_openapi::api::storage::v1::StorageClass>>,
    waiting: &day2_model::Event,
) -> Option<Hypothesis> {
    let provisioner = class?.provisioner.as_str();
    if a.cluster
        .csi_drivers
        .iter()
        .any(|c| c.name() == provisioner)
    {
        return None;
    }
    let held = a
        .cluster
        .csi_drivers
        .iter()
        .map(|c| c.name())
        .find(|held| renamed_driver(provisioner, held))?;
    let ns = pvc.ns_or_default();
    let cname = class.map(|c| c.name()).unwrap_or_default();
    Some(
        Hypothesis::new(84, Loop::Storage, class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref()), format!("claim {ns}/{} waits for provisioner {provisioner}, which is not installed; the CSI driver installed registers as {held} (CSIDriver {held}), so nothing answers StorageClass {cname}", pvc.name()))
            .fix(format!("Make the names agree: set `provisioner: {held}` in a StorageClass for this driver (a class's provisioner is immutable: create the class anew and recreate the claim), or reinstall the driver under the name the class uses (the chart's `driver.name`)."))
            .link(Link::from_event(Loop::Storage, waiting, "waiting for the external provisioner")),
    )
}

/// `held` is `wanted` under another first label that extends or shortens
/// it: `nfs2.csi.k8s.io` for `nfs.csi.k8s.io`, `smb2.csi.k8s.io` for
/// `smb.csi.k8s.io`.
fn renamed_driver(wanted: &str, held: &str) -> bool {
    let (Some((wh, wr)), Some((hh, hr))) = (wanted.split_once('.'), held.split_once('.')) else {
        return false;
    };
    wr == hr
        && wh != hh
        && wh.len() >= 2
        && hh.len() >= 2
        && (hh.starts_with(wh) || wh.starts_with(hh))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_driver_renamed_by_its_first_label_is_found() {
        assert!(super::renamed_driver("nfs.csi.k8s.io", "nfs2.csi.k8s.io"));
        assert!(super::renamed_driver("smb2.csi.k8s.io", "smb.csi.k8s.io"));
        assert!(!super::renamed_driver("nfs.csi.k8s.io", "nfs.csi.k8s.io"));
        assert!(!super::renamed_driver("ebs.csi.aws.com", "efs.csi.aws.com"));
        assert!(!super::renamed_driver(
            "nfs.csi.k8s.io",
            "nfs2.csi.example.com"
        ));
    }
}
