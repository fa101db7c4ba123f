//! An attach that times out because the CSI controller's external-attacher
//! may not record it. Since v3 the attacher writes a VolumeAttachment's
//! `status` through its subresource, which RBAC grants apart from the
//! object (`volumeattachments/status`, `patch`, storage.k8s.io; the
//! attacher's `deploy/kubernetes/rbac.yaml`); a ClusterRole written for an
//! older attacher grants `volumeattachments` alone. The attacher's
//! `volumeattachments.storage.k8s.io "csi-…" is forbidden` goes to its own
//! log; the pod's events say only that the attach timed out. And an
//! attacher run in several replicas that elect no leader.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Loop, ObjRef, Res, Workload};
use k8s_openapi::api::core::v1::{Container, PersistentVolume};

/// The external-attacher sidecar of a controller workload.
fn attacher<'w>(w: &Workload<'w>) -> Option<&'w Container> {
    w.spec.containers.iter().find(|c| {
        c.name == "csi-attacher"
            || c.image
                .as_deref()
                .is_some_and(|i| i.contains("csi-attacher"))
    })
}

/// Whether a Kubernetes sidecar (csi-provisioner, csi-attacher, …) is run
/// to elect a leader: `--leader-election` (or `=true`); the
/// `--leader-election-namespace` beside it elects nothing by itself.
pub(super) fn elects_leader(c: &k8s_openapi::api::core::v1::Container) -> bool {
    c.args
        .iter()
        .flatten()
        .chain(c.command.iter().flatten())
        .any(|x| {
            matches!(
                x.trim_start_matches('-'),
                "leader-election" | "leader-election=true"
            )
        })
}

/// The major version of an image's tag (`…/csi-attacher:v3.1.0` → 3);
/// `None` for a digest or an unversioned tag.
fn major(image: &str) -> Option<u32> {
    let (_, tag) = image.rsplit_once(':')?;
    tag.trim_start_matches('v').split('.').next()?.parse().ok()
}

/// The workload that runs the external-attacher of `driver`: the one whose
/// containers name the driver, else the one named after a label of it
/// (`scaleway-csi-controller` for `csi.scaleway.com`), else the only one.
fn controller<'c>(a: &'c Analysis<'_>, driver: &str) -> Option<&'c Workload<'c>> {
    let all: Vec<&Workload<'_>> = a
        .workloads_all()
        .iter()
        .filter(|w| attacher(w).is_some())
        .collect();
    let labels: Vec<&str> = driver
        .split('.')
        .filter(|l| l.len() > 3 && !matches!(*l, "csi" | "k8s" | "io" | "com"))
        .collect();
    all.iter()
        .find(|w| crate::model::command_lines_name(w.spec, driver))
        .or_else(|| {
            all.iter()
                .find(|w| labels.iter().any(|l| w.name().contains(l)))
        })
        .or_else(|| (all.len() == 1).then(|| &all[0]))
        .copied()
}

/// The controller of `driver` when it runs more than one replica and its
/// external-attacher elects no leader (no `--leader-election`): each
/// replica attaches and detaches on its own, and they undo each other's
/// work, leaving attachments behind
/// (kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#516). With the
/// workload, its replicas.
pub fn racing(a: &Analysis<'_>, driver: &str) -> Option<(ObjRef, i32)> {
    let w = controller(a, driver)?;
    let replicas = w.replicas?;
    let sidecar = attacher(w)?;
    (replicas > 1 && !elects_leader(sidecar)).then(|| (w.objref(), replicas))
}

/// An attach of `pv` that times out, with the driver's attacher unable to
/// patch `volumeattachments/status`: the ClusterRole to extend.
pub fn cannot_record(a: &Analysis<'_>, pv: Option<&Res<PersistentVolume>>) -> Option<Hypothesis> {
    let pv = pv?;
    let driver = pv.spec.as_ref()?.csi.as_ref()?.driver.as_str();
    // An attachment already marked attached was recorded.
    let attached = a.cluster.stores.volume_attachments.iter().any(|va| {
        va.spec.source.persistent_volume_name.as_deref() == Some(pv.name())
            && va.status.as_ref().is_some_and(|s| s.attached)
    });
    if attached {
        return None;
    }
    let w = controller(a, driver)?;
    let sidecar = attacher(w)?;
    let image = sidecar.image.as_deref().unwrap_or("");
    if major(image).is_some_and(|m| m < 3) {
        return None;
    }
    let ns = w.namespace();
    let sa = day2_model::pod::service_account(w.spec);
    let roles = super::rbac::bound_cluster_roles(a.cluster, ns, sa)?;
    let allows = |verb: &str, resource: &str| {
        roles.iter().any(|r| {
            r.rules
                .iter()
                .flatten()
                .any(|x| day2_model::rbac::rule_allows(x, verb, "storage.k8s.io", resource))
        })
    };
    // Nothing bound that deals with attachments at all is another story
    // (no RBAC for the attacher), told by the API errors it logs.
    if !allows("patch", "volumeattachments") || allows("patch", "volumeattachments/status") {
        return None;
    }
    let role = roles
        .iter()
        .find(|r| {
            r.rules.iter().flatten().any(|x| {
                day2_model::rbac::rule_allows(x, "patch", "storage.k8s.io", "volumeattachments")
            })
        })
        .map(|r| r.objref())?;
    let obj = ObjRef::new(w.kind, Some(ns), w.name());
    Some(
        Hypothesis::new(
            82,
            Loop::Identity,
            role.clone(),
            format!(
                "attaching {} never completes: {driver}'s csi-attacher ({image}) in {obj} records each attach in the VolumeAttachment's status subresource, and ClusterRole {}, bound to its ServiceAccount {ns}/{sa}, grants patch on volumeattachments but not on volumeattachments/status, so an attach it performs is never marked attached",
                pv.name(),
                role.name
            ),
        )
        .fix(format!(
            "Add the rule the external-attacher ships (its `deploy/kubernetes/rbac.yaml`) to ClusterRole {}: `- apiGroups: [\"storage.k8s.io\"]` `resources: [\"volumeattachments/status\"]` `verbs: [\"patch\"]` (or upgrade the driver's chart to one whose RBAC matches its attacher image); `kubectl auth can-i patch volumeattachments/status --as=system:serviceaccount:{ns}:{sa}` must answer yes, and the attach/detach controller retries on its own.",
            role.name
        ))
        .link(Link::new(
            Loop::Storage,
            None,
            obj,
            format!("runs csi-attacher {image} as ServiceAccount {ns}/{sa}"),
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::major;

    #[test]
    fn attacher_versions() {
        assert_eq!(
            major("registry.k8s.io/sig-storage/csi-attacher:v3.1.0"),
            Some(3)
        );
        assert_eq!(major("quay.io/k8scsi/csi-attacher:v2.2.0"), Some(2));
        assert_eq!(major("csi-attacher@sha256:abc"), None);
        assert_eq!(major("localhost:5000/csi-attacher"), None);
    }
}
