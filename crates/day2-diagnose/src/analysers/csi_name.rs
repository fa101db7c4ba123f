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
