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

/// The provisioner the persistent volume controller waits for: quoted
/// `"X"` before Kubernetes 1.28, `'X'` since (`Waiting for a volume to be
/// created either by the external provisioner 'X' or manually by the system
/// administrator`).
pub fn waited_for(message: &str) -> Option<&str> {
    crate::messages::quoted_either_after(message, "external provisioner")
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
    // Provisioners an operator serves itself, not a CSI driver: Rook's
    // flex provisioner (`ceph.rook.io/block`, `rook.io/block`) in the
    // rook/ceph operator before Rook 1.x.
    let operator = |w: &&day2_model::Workload<'_>| {
        (driver.ends_with("rook.io/block") || driver.ends_with("rook.io/bucket"))
            && w.spec.containers.iter().any(|ct| {
                ct.image
                    .as_deref()
                    .is_some_and(|i| i.contains("rook/ceph:"))
            })
    };
    let controller = provisioner_workload(a, driver)
        .or_else(|| a.workloads_all().iter().find(operator))
        .or_else(|| {
            a.workloads_all().iter().find(|w| {
                w.spec.containers.iter().any(|ct| {
                    ct.image.as_deref().is_some_and(|i| {
                        i.contains(&format!("{short}-csi-driver"))
                            || i.contains(&format!("{short}-csi"))
                    })
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

/// The external-provisioner sidecar of a CSI controller, by its name or
/// its image.
pub(super) fn is_provisioner_sidecar(ct: &k8s_openapi::api::core::v1::Container) -> bool {
    ct.name == "csi-provisioner"
        || ct
            .image
            .as_deref()
            .is_some_and(|i| i.contains("csi-provisioner"))
}

/// The workload whose containers name the provisioner: in their arguments
/// (`--provisioner=`, `--driver-name`, the endpoint) or an environment value
/// (the external-storage provisioners' `PROVISIONER_NAME`). Of several (a
/// CSI driver's node plugin names it in its mount paths too), the one that
/// runs the `csi-provisioner` sidecar, then one that is not a DaemonSet.
pub(super) fn provisioner_workload<'a>(
    a: &'a Analysis<'_>,
    driver: &str,
) -> Option<&'a day2_model::Workload<'a>> {
    let names = |w: &day2_model::Workload<'_>| {
        crate::model::command_lines_name(w.spec, driver)
            || w.spec.containers.iter().any(|ct| {
                ct.env
                    .iter()
                    .flatten()
                    .any(|e| e.value.as_deref() == Some(driver))
            })
    };
    let sidecar =
        |w: &day2_model::Workload<'_>| w.spec.containers.iter().any(is_provisioner_sidecar);
    let short = driver.split('.').next().unwrap_or(driver);
    let image_names = |w: &day2_model::Workload<'_>| {
        w.spec.containers.iter().any(|ct| {
            ct.image
                .as_deref()
                .is_some_and(|i| i.contains(&format!("{short}-csi")))
        })
    };
    // A workload named after the driver (`csi-smb-controller` for
    // `smb.csi.k8s.io`), whose plugin image may not say `csi`
    // (`smbplugin`), unless it sets a driver name (then `names` read it,
    // and it is another: csi-driver-nfs installed as `nfs2.csi.k8s.io`).
    let named_after = |w: &day2_model::Workload<'_>| {
        let renamed = w.spec.containers.iter().any(|ct| {
            ct.args
                .iter()
                .flatten()
                .chain(ct.command.iter().flatten())
                .any(|x| {
                    x.to_ascii_lowercase()
                        .replace('-', "")
                        .contains("drivername")
                })
        });
        !renamed && w.name().split('-').any(|t| t == short) && w.name().contains("csi")
    };
    // A provisioner named after the path of its name (`rancher.io/local-path`
    // run by `local-path-provisioner`).
    let tail = driver
        .rsplit('/')
        .next()
        .filter(|t| *t != driver && t.len() >= 3);
    let named_provisioner = |w: &day2_model::Workload<'_>| {
        tail.is_some_and(|t| w.name().contains(t) && w.name().contains("provisioner"))
    };
    // `max_by_key` keeps the last of equals: reversed, the first in the input.
    a.workloads_all()
        .iter()
        .rev()
        .filter(|w| {
            names(w) || (sidecar(w) && (image_names(w) || named_after(w))) || named_provisioner(w)
        })
        .max_by_key(|w| (sidecar(w), w.kind != "DaemonSet"))
}

/// The provisioner's own pods crash-loop: their cause (found wherever it
/// lives: the controller's cloud identity, say) is why no volume comes.
fn provisioner_crash(a: &Analysis<'_>, w: &day2_model::Workload<'_>) -> Option<Hypothesis> {
    let key = format!("{}/{}/{}", w.kind, w.namespace(), w.name());
    a.provisioner_crash(key, || crash_cause(a, w))
}

/// [`provisioner_crash`], worked out.
fn crash_cause(a: &Analysis<'_>, w: &day2_model::Workload<'_>) -> Option<Hypothesis> {
    let pods = a.cluster.pods_of(w.kind, w.namespace(), w.name());
    pods.iter()
        .find_map(|p| {
            let events = a.cluster.events_for_obj(p);
            crate::symptoms::crash_loop::detect(a, p, &events)
                .into_iter()
                .map(|d| super::resolve(a, &d))
                .filter(|r| !r.unexplained && r.score >= 70)
                .max_by_key(|r| r.score)
        })
        .map(|r| r.as_upstream(0))
}

/// The claim waits for an external provisioner a workload of the cluster
/// runs, and it has made no volume: the provisioner is where to look. One
/// built on the retired kubernetes-incubator/external-storage library needs
/// `metadata.selfLink`, which Kubernetes 1.20 stopped setting.
pub fn provisioner_silent(a: &Analysis<'_>, claim: &ObjRef, e: &Event) -> Option<Hypothesis> {
    let driver = waited_for(e.message_text())?;
    let w = provisioner_workload(a, driver)?;
    let image = w
        .spec
        .containers
        .iter()
        .filter_map(|c| c.image.as_deref())
        .next()
        .unwrap_or("?");
    let retired = image.contains("external_storage/") || image.contains("external-storage");
    let version = a
        .cluster
        .nodes
        .iter()
        .filter_map(|n| {
            Some(
                n.status
                    .as_ref()?
                    .node_info
                    .as_ref()?
                    .kubelet_version
                    .clone(),
            )
        })
        .next();
    let obj = ObjRef::new(w.kind, Some(w.namespace()), w.name());
    if let Some(mut h) = provisioner_crash(a, w) {
        h.score = h.score.min(84);
        h.links.push(Link::from_event(
            Loop::Storage,
            e,
            format!(
                "claim {} waits for {driver}, whose provisioner {obj} crash-loops",
                claim.name
            ),
        ));
        return Some(h);
    }
    if !retired
        && let Some(h) = unelected(a, w, claim, e, driver)
            .or_else(|| super::provisioner_rbac::lockless(a, w, claim, e, driver))
            .or_else(|| super::provisioner_rbac::roleless(a, w, claim, e, driver))
    {
        return Some(h);
    }
    let (summary, fix) = if retired {
        (
            format!(
                "claim {} waits for {driver}, which {obj} runs from {image}: a provisioner of the retired kubernetes-incubator/external-storage project, whose library reads `metadata.selfLink`, gone since Kubernetes 1.20 (the RemoveSelfLink feature){}; it fails on every claim (`selfLink was empty, can't make reference`)",
                claim.name,
                version
                    .map(|v| format!(" (the nodes run {v})"))
                    .unwrap_or_default()
            ),
            format!(
                "Replace {obj} with the maintained successor (for nfs-client: nfs-subdir-external-provisioner, `helm install nfs-subdir-external-provisioner nfs-subdir-external-provisioner/nfs-subdir-external-provisioner --set nfs.server=… --set nfs.path=… --set storageClass.provisionerName={driver}`); the waiting claims are provisioned once it runs."
            ),
        )
    } else {
        (
            format!(
                "claim {} waits for {driver}, which {obj} runs, and it has created no volume for it",
                claim.name
            ),
            format!(
                "Read the provisioner's log (`kubectl logs -n {} deploy/{}`): it names why it does not provision (its credentials, the storage server, the class's parameters).{}",
                w.namespace(),
                w.name(),
                super::provisioner_rbac::unread_roles(a, w).unwrap_or_default()
            ),
        )
    };
    Some(
        Hypothesis::new(if retired { 84 } else { 60 }, Loop::Storage, obj, summary)
            .fix(fix)
            .link(Link::from_event(
                Loop::Storage,
                e,
                "waiting for the external provisioner",
            )),
    )
}

/// A provisioner whose pods run and are Ready, that elects a leader
/// (`--leader-election`) and has not begun on the claim (no `Provisioning`
/// event from it): its controller starts only once it holds its Lease, and
/// a ServiceAccount that may not get leases (coordination.k8s.io) never
/// does; csi-provisioner's `leases.coordination.k8s.io "…" is forbidden`
/// goes to its log alone. Found when nothing in the input binds the
/// account to a role: inferred, and weaker, when the input holds no
/// bindings at all.
fn unelected(
    a: &Analysis<'_>,
    w: &day2_model::Workload<'_>,
    claim: &ObjRef,
    e: &Event,
    driver: &str,
) -> Option<Hypothesis> {
    let sidecar = w
        .spec
        .containers
        .iter()
        .find(|ct| is_provisioner_sidecar(ct))?;
    if !super::csi_attacher::elects_leader(sidecar) || !super::provisioner_rbac::idle(a, w, claim) {
        return None;
    }
    let (ns, sa) = (w.namespace(), day2_model::pod::service_account(w.spec));
    let c = a.cluster;
    let bound = super::rbac::binding_of(c, ns, sa).is_some();
    if bound {
        return None;
    }
    let held = !c.cluster_role_bindings.is_empty() || !c.role_bindings.is_empty();
    let obj = ObjRef::new(w.kind, Some(ns), w.name());
    let seen = if held {
        format!("no RoleBinding or ClusterRoleBinding in the input names ServiceAccount {ns}/{sa}")
    } else {
        format!("the input holds no RBAC bindings to show what ServiceAccount {ns}/{sa} may do")
    };
    let summary = format!(
        "claim {} waits for {driver}; {obj} runs and is Ready but has not begun on the claim (no `Provisioning` event): its csi-provisioner elects a leader (`--leader-election`) and starts only once it holds its Lease, which its ServiceAccount {ns}/{sa} must be allowed to get, create and update (leases, coordination.k8s.io); {seen}",
        claim.name
    );
    let fix = format!(
        "Apply the driver's RBAC for ServiceAccount {ns}/{sa} (the chart's `rbac.create`, or the driver's `rbac-*.yaml`): a ClusterRole for persistentvolumes (get, list, watch, create, delete), persistentvolumeclaims, storageclasses and events, and get/watch/list/create/update/patch on leases in coordination.k8s.io in {ns}, bound to the account. `kubectl auth can-i get leases.coordination.k8s.io -n {ns} --as=system:serviceaccount:{ns}:{sa}` must answer yes; `kubectl logs -n {ns} {}/{} -c {}` shows the refusal (`leases.coordination.k8s.io ... is forbidden`).",
        w.kind.to_lowercase(),
        w.name(),
        sidecar.name
    );
    Some(
        Hypothesis::new(
            if held { 78 } else { 62 },
            Loop::Identity,
            ObjRef::new("ServiceAccount", Some(ns), sa),
            summary,
        )
        .fix(fix)
        .links(super::provisioner_rbac::idle_links(e, obj)),
    )
}

/// The driver answers CreateVolume with gRPC `Unimplemented`
/// (`rpc error: code = Unimplemented desc = …`): a claim with a
/// `dataSource` asks it to create the volume from a VolumeSnapshot or to
/// clone a claim, which a driver without the CSI capability for it
/// (`CREATE_DELETE_SNAPSHOT`, `CLONE_VOLUME`) refuses on every retry; a
/// claim without one asks a driver that provisions nothing dynamically.
pub fn unimplemented(
    pvc: &day2_model::Res<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
    class: Option<&day2_model::Res<k8s_openapi::api::storage::v1::StorageClass>>,
    provisioner: &str,
    msg: &str,
) -> Option<Hypothesis> {
    if !msg.contains("code = Unimplemented") {
        return None;
    }
    let ns = pvc.ns_or_default();
    let spec = pvc.spec.as_ref();
    let source = spec
        .and_then(|s| s.data_source_ref.as_ref())
        .map(|r| (r.kind.clone(), r.name.clone()))
        .or_else(|| {
            spec.and_then(|s| s.data_source.as_ref())
                .map(|r| (r.kind.clone(), r.name.clone()))
        });
    let class_name = class.map(|c| c.name().to_owned()).unwrap_or_default();
    let root = class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref());
    let (summary, fix) = match source {
        Some((kind, name)) => {
            let what = if kind == "PersistentVolumeClaim" {
                "clone a claim"
            } else {
                "create a volume from a snapshot"
            };
            (
                format!(
                    "claim {ns}/{} asks {provisioner} (StorageClass {class_name}) to {what} (`dataSource`: {kind} {name}), and the driver does not implement it: CreateVolume answers `Unimplemented`",
                    pvc.name()
                ),
                format!(
                    "Give the claim a StorageClass whose driver can {what} (the driver of the {kind}'s own volume, e.g. the class of its VolumeSnapshotClass's driver; for a backup tool's data mover, the class it uses for its backup claims, Velero's `backupPVC` storageClass), or drop the `dataSource` and restore the data another way; storageClassName and dataSource are immutable on a claim: recreate it."
                ),
            )
        }
        None => (
            format!(
                "{provisioner} answers CreateVolume for claim {ns}/{} with `Unimplemented`: the driver does not provision volumes dynamically",
                pvc.name()
            ),
            format!(
                "Create the PersistentVolume by hand for a driver that serves only static volumes (and bind the claim to it with `volumeName`), or point StorageClass {class_name} at a driver that provisions."
            ),
        ),
    };
    Some(Hypothesis::new(84, Loop::Storage, root, summary).fix(fix))
}

/// A local-volume driver (LVM, ZFS, a node's disks) that finds too little
/// room on the node the scheduler chose for a `WaitForFirstConsumer` claim
/// (`volume.kubernetes.io/selected-node`): OpenEBS LVM's `Volume group
/// "lvmvg" has insufficient free space (7679 extents): 10240 required.`.
/// The choice sticks to the claim, so every retry asks the same full node
/// while others may have room; the scheduler chose it blind to capacity
/// unless the driver publishes CSIStorageCapacity.
pub fn selected_node_full(
    pvc: &day2_model::Res<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
    provisioner: &str,
    msg: &str,
) -> Option<Hypothesis> {
    let l = msg.to_ascii_lowercase();
    let full = [
        "insufficient free space",
        "not enough free space",
        "not enough space",
        "insufficient space",
        "insufficient capacity",
        "out of space",
    ]
    .iter()
    .any(|w| l.contains(w));
    // No storage of the driver's on that node at all: DirectPV's
    // `ResourceExhausted desc = no drive found for requested topology`
    // (minio/directpv#637), a provisioner's `… for requested topology`.
    let none = l.contains("no drive found")
        || (l.contains("resourceexhausted") && l.contains("requested topology"));
    let node = pvc.annotation("volume.kubernetes.io/selected-node")?;
    if none {
        return Some(selected_node_bare(pvc, provisioner, node, msg));
    }
    if !full {
        return None;
    }
    let ns = pvc.ns_or_default();
    let asked = day2_model::cluster::claim_size(pvc)
        .map(|q| format!(" of {q}"))
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            86,
            Loop::Storage,
            pvc.objref(),
            format!(
                "claim {ns}/{} is pinned to node {node} (the scheduler's `volume.kubernetes.io/selected-node`), where {provisioner} has too little free space for its volume{asked}: {}",
                pvc.name(),
                day2_model::redact::excerpt(msg, 200)
            ),
        )
        .fix(format!(
            "Free space on {node} (its volume group or pool), or let the scheduler choose again: `kubectl annotate pvc -n {ns} {} volume.kubernetes.io/selected-node-` (and delete the waiting pod so it reschedules). To keep the scheduler off full nodes, enable storage capacity tracking for the driver (CSIDriver `storageCapacity: true`, csi-provisioner `--enable-capacity`) so it publishes CSIStorageCapacity per node.",
            pvc.name()
        )),
    )
}

/// [`selected_node_full`] when the chosen node has none of the driver's
/// storage: no drive, volume group or pool to carve the volume from.
fn selected_node_bare(
    pvc: &day2_model::Res<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
    provisioner: &str,
    node: &str,
    msg: &str,
) -> Hypothesis {
    let ns = pvc.ns_or_default();
    Hypothesis::new(
        86,
        Loop::Storage,
        pvc.objref(),
        format!(
            "claim {ns}/{} is pinned to node {node} (the scheduler's `volume.kubernetes.io/selected-node`), where {provisioner} has no drive or pool to make its volume from: {}",
            pvc.name(),
            day2_model::redact::excerpt(msg, 200)
        ),
    )
    .fix(format!(
        "Give {node} storage the driver manages (add and initialise a drive or pool there), or keep the workload on the nodes that have it (a nodeSelector or node affinity on them) and let the scheduler choose again: `kubectl annotate pvc -n {ns} {} volume.kubernetes.io/selected-node-`, then delete the waiting pod. With storage capacity tracking (CSIDriver `storageCapacity: true`) the scheduler skips nodes without it.",
        pvc.name()
    ))
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
            "Nothing provisions {driver}: {}. The claims bind once its controller runs.{}",
            install_hint(driver),
            served_instead(a, driver)
                .map(|(c, p)| format!(" Or give the class the provisioner this cluster runs: {p}, as StorageClass {c} (the default) has it (a class's provisioner cannot change: recreate it)."))
                .unwrap_or_default()
        ))
        .link(Link::from_event(
            Loop::Storage,
            e,
            "waiting for the external provisioner",
        ))
        .link(Link::new(Loop::Storage, None, driver_ref, seen.join(", "))),
    )
}

/// The default StorageClass's provisioner, when it is another than
/// `driver`: what the cluster provisions with (Docker Desktop's `docker.io/hostpath` where
/// a chart names minikube's, Yolean/kubernetes-kafka#126).
fn served_instead<'c>(a: &Analysis<'c>, driver: &str) -> Option<(&'c str, &'c str)> {
    let default = a.cluster.default_storage_classes().into_iter().next()?;
    (default.provisioner != driver).then_some((default.name(), default.provisioner.as_str()))
}

/// An attach whose CSI call finds no driver behind the attacher's socket
/// (`transport: Error while dialing: dial unix /run/csi/socket: connect: no
/// such file or directory`): the controller's driver container is not
/// running, and why it crash-loops is why nothing attaches
/// (hetznercloud/csi-driver#457).
pub fn attacher_without_driver(
    a: &Analysis<'_>,
    pv: Option<&day2_model::Res<k8s_openapi::api::core::v1::PersistentVolume>>,
    err: &str,
) -> Option<Hypothesis> {
    if !(err.contains("dial unix")
        && (err.contains("no such file or directory") || err.contains("connection refused")))
    {
        return None;
    }
    let driver = pv?.spec.as_ref()?.csi.as_ref()?.driver.as_str();
    let w = provisioner_workload(a, driver)?;
    let mut h = provisioner_crash(a, w)?;
    h.score = h.score.min(84);
    h.links.push(Link::new(
        Loop::Storage,
        None,
        ObjRef::new(w.kind, Some(w.namespace()), w.name()),
        format!("the attach reaches no {driver} driver: its controller's driver container is down"),
    ));
    Some(h)
}

/// A claim waiting for an external provisioner no reading above explains:
/// the driver is not installed (no CSIDriver of its name among those the
/// input holds), or its controller does not answer.
pub fn unanswered(
    a: &Analysis<'_>,
    pvc: &day2_model::Res<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
    class: Option<&day2_model::Res<k8s_openapi::api::storage::v1::StorageClass>>,
    e: &Event,
) -> Hypothesis {
    let ns = pvc.ns_or_default();
    let provisioner = class.map(|c| c.provisioner.clone()).unwrap_or_default();
    let driver = a
        .cluster
        .csi_drivers
        .iter()
        .any(|c| c.name() == provisioner);
    let summary = if !a.cluster.csi_drivers.is_empty() && !driver {
        format!(
            "claim {ns}/{} waits for {provisioner}, which is not installed (no CSIDriver {provisioner})",
            pvc.name()
        )
    } else {
        format!(
            "claim {ns}/{} waits for {provisioner}, which does not answer (its controller is not running or not elected)",
            pvc.name()
        )
    };
    Hypothesis::new(
        65,
        Loop::Storage,
        class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref()),
        summary,
    )
    .fix(format!(
        "Install or repair the CSI driver for {provisioner} (its controller Deployment in kube-system, e.g. the EBS CSI add-on)."
    ))
    .link(Link::from_event(
        Loop::Storage,
        e,
        "waiting for the external provisioner",
    ))
}
