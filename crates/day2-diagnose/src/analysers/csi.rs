//! Whether a CSI driver is installed, from what the cluster holds: its
//! CSIDriver object, the CSINodes that register it (the node plugin), and
//! the controller workload that runs its `csi-provisioner`.
//!
//! A claim Pending with the persistent volume controller's
//! `waiting for a volume to be created, either by external provisioner "X"
//! or manually created by system administrator`
//! (`pkg/controller/volume/persistentvolume/pv_controller.go`) names the
//! provisioner after CSI migration (`kubernetes.io/aws-ebs` →
//! `ebs.csi.aws.com`): when nothing in the cluster serves that name, the
//! driver is not installed.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Event, Loop, ObjRef};

/// How to install the drivers of the managed clouds.
fn install_hint(driver: &str) -> &'static str {
    match driver {
        "ebs.csi.aws.com" => {
            "install the Amazon EBS CSI driver (the EKS add-on aws-ebs-csi-driver: `eksctl create addon --name aws-ebs-csi-driver --cluster <cluster> --service-account-role-arn <role with AmazonEBSCSIDriverPolicy>`); since Kubernetes 1.23 in-tree `kubernetes.io/aws-ebs` classes are served by it"
        }
        "efs.csi.aws.com" => {
            "install the Amazon EFS CSI driver (the EKS add-on aws-efs-csi-driver)"
        }
        "pd.csi.storage.gke.io" => {
            "enable the Compute Engine persistent disk CSI driver (`gcloud container clusters update <cluster> --update-addons=GcePersistentDiskCsiDriver=ENABLED`)"
        }
        "disk.csi.azure.com" | "file.csi.azure.com" => {
            "enable the Azure Disk/File CSI drivers (`az aks update --enable-disk-driver --enable-file-driver`)"
        }
        _ => "install the CSI driver that serves it (its controller Deployment and node DaemonSet)",
    }
}

/// The provisioner the persistent volume controller waits for.
pub fn waited_for(message: &str) -> Option<&str> {
    crate::messages::quoted_after(message, "external provisioner")
}

/// What the cluster holds of a driver: `None` when it holds none of the
/// three kinds of evidence (then absence proves nothing).
fn installed(a: &Analysis<'_>, driver: &str) -> Option<(bool, Vec<String>)> {
    let c = a.cluster;
    let mut seen = Vec::new();
    let mut judged = false;
    let mut present = false;
    if !c.csi_drivers.is_empty() {
        judged = true;
        let has = c.csi_drivers.iter().any(|d| d.name() == driver);
        present |= has;
        seen.push(if has {
            format!("CSIDriver {driver} exists")
        } else {
            format!("no CSIDriver {driver}")
        });
    }
    if !c.csi_nodes.is_empty() {
        judged = true;
        let n = c
            .csi_nodes
            .iter()
            .filter(|n| n.spec.drivers.iter().any(|d| d.name == driver))
            .count();
        present |= n > 0;
        seen.push(format!(
            "{n} of {} CSINode(s) register {driver}",
            c.csi_nodes.len()
        ));
    }
    // The controller: a pod template whose containers name the driver
    // (`--driver-name`, its endpoint, its image).
    let short = driver.split('.').next().unwrap_or(driver);
    let controller = a.workloads_all().iter().find(|w| {
        w.spec.containers.iter().any(|ct| {
            ct.args
                .iter()
                .flatten()
                .chain(ct.command.iter().flatten())
                .any(|x| x.contains(driver))
                || ct.image.as_deref().is_some_and(|i| {
                    i.contains(&format!("{short}-csi-driver"))
                        || i.contains(&format!("{short}-csi"))
                })
        })
    });
    if let Some(w) = controller {
        present = true;
        seen.push(format!("{} {}/{} runs it", w.kind, w.namespace(), w.name()));
    } else if !c.deployments.is_empty() {
        judged = true;
        seen.push(format!("no workload runs a {driver} controller"));
    }
    judged.then_some((present, seen))
}

/// The claim waits for a provisioner nothing in the cluster serves.
pub fn not_installed(
    a: &Analysis<'_>,
    claim: &ObjRef,
    class: Option<ObjRef>,
    e: &Event,
) -> Option<Hypothesis> {
    let driver = waited_for(e.message_text())?;
    let (present, seen) = installed(a, driver)?;
    if present {
        return None;
    }
    // The root is the existing object whose field names what nothing
    // serves: the claim's StorageClass, when its own `provisioner` is the
    // one waited for. A class of an in-tree plugin migrated to CSI
    // (`kubernetes.io/aws-ebs` → `ebs.csi.aws.com`) is not wrong: the
    // missing driver is, and a CSIDriver of that name is what is missing.
    let driver_ref = ObjRef::new("CSIDriver", None, driver);
    let obj = class
        .clone()
        .filter(|c| {
            a.cluster
                .storage_class(&c.name)
                .is_some_and(|s| s.provisioner == driver)
        })
        .unwrap_or_else(|| driver_ref.clone());
    let via = class
        .as_ref()
        .map(|c| format!(" (StorageClass {})", c.name))
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            obj.clone(),
            format!(
                "claim {} waits for the external provisioner {driver}{via}, and the CSI driver is not installed: {}",
                claim.name,
                seen.join(", ")
            ),
        )
        .fix(format!(
            "Nothing provisions {driver}: {}. The claims bind once its controller runs.",
            install_hint(driver)
        ))
        .link(Link::from_event(
            Loop::Storage,
            e,
            "waiting for the external provisioner",
        ))
        .link(Link::new(Loop::Storage, None, driver_ref, seen.join(", "))),
    )
}
