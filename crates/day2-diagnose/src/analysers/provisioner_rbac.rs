//! An external provisioner that runs, Ready, and never begins on a claim
//! because its ServiceAccount may not hold the leader lock it elects with:
//! provisioners built on sig-storage-lib-external-provisioner elect a
//! leader before they provision, with an Endpoints lock in their namespace
//! (Leases in later releases), and the RBAC a manifest ships for it is a
//! Role of its own (`leader-locking-nfs-client-provisioner`) that is easy
//! to leave out (kubernetes-sigs/nfs-subdir-external-provisioner#16:
//! `endpoints "…" is forbidden`). Read only when the input holds every role
//! bound to the account and none of them allows either lock. And one whose
//! account is bound only to a ClusterRole that does not exist: a binding
//! grants nothing until its role is there (`RBAC: clusterrole… not found`,
//! k3s-io/k3s#963).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Event, Loop, ObjRef};

pub fn lockless(
    a: &Analysis<'_>,
    w: &day2_model::Workload<'_>,
    claim: &ObjRef,
    e: &Event,
    driver: &str,
) -> Option<Hypothesis> {
    if !idle(a, w, claim) {
        return None;
    }
    let (ns, sa) = (w.namespace(), day2_model::pod::service_account(w.spec));
    let c = a.cluster;
    let may = |verb: &str, group: &str, resource: &str| {
        super::rbac::may(c, ns, sa, verb, group, resource)
    };
    // The account's roles are all in the input, and it may make volumes:
    // the grant for them was written, the lock's was not.
    if may("create", "", "persistentvolumes") != Some(true) {
        return None;
    }
    let endpoints = may("update", "", "endpoints");
    let leases = may("update", "coordination.k8s.io", "leases");
    if endpoints != Some(false) || leases != Some(false) {
        return None;
    }
    let obj = ObjRef::new(w.kind, Some(ns), w.name());
    Some(
        Hypothesis::new(
            76,
            Loop::Identity,
            ObjRef::new("ServiceAccount", Some(ns), sa),
            format!(
                "claim {} waits for {driver}; {obj} runs and is Ready but has not begun on it (no `Provisioning` event): it elects a leader before it provisions, and ServiceAccount {ns}/{sa} may create PersistentVolumes but update neither endpoints nor leases in {ns}, so it never holds the lock",
                claim.name
            ),
        )
        .fix(format!(
            "Grant ServiceAccount {ns}/{sa} the leader lock in {ns}: a Role with get, list, watch, create, update and patch on `endpoints` (and on `leases` in coordination.k8s.io, for newer releases), bound by a RoleBinding (the upstream manifest's `leader-locking-nfs-client-provisioner` Role and RoleBinding in `rbac.yaml`). `kubectl auth can-i update endpoints -n {ns} --as=system:serviceaccount:{ns}:{sa}` must answer yes; `kubectl logs -n {ns} {}/{}` shows the refusal (`endpoints … is forbidden`).",
            w.kind.to_lowercase(),
            w.name()
        ))
        .links(idle_links(e, obj)),
    )
}

/// An [`idle`] provisioner whose account may not create volumes because
/// every ClusterRole its bindings name is absent while the input holds
/// others (an input without any ClusterRole was captured without them).
pub fn roleless(
    a: &Analysis<'_>,
    w: &day2_model::Workload<'_>,
    claim: &ObjRef,
    e: &Event,
    driver: &str,
) -> Option<Hypothesis> {
    let (ns, sa) = (w.namespace(), day2_model::pod::service_account(w.spec));
    let c = a.cluster;
    let bindings = super::rbac::cluster_bindings_of(c, ns, sa);
    if bindings.is_empty()
        || c.cluster_roles.is_empty()
        || !idle(a, w, claim)
        || bindings
            .iter()
            .any(|b| c.cluster_roles.iter().any(|r| r.name() == b.role_ref.name))
        || super::rbac::may(c, ns, sa, "create", "", "persistentvolumes") == Some(true)
    {
        return None;
    }
    let named: Vec<String> = bindings
        .iter()
        .map(|b| {
            format!(
                "ClusterRoleBinding {} → ClusterRole {}",
                b.name(),
                b.role_ref.name
            )
        })
        .collect();
    let roles: Vec<&str> = bindings.iter().map(|b| b.role_ref.name.as_str()).collect();
    let obj = ObjRef::new(w.kind, Some(ns), w.name());
    Some(Hypothesis::new(
        80,
        Loop::Identity,
        ObjRef::new("ClusterRole", None, *roles.first()?),
        format!(
            "claim {} waits for {driver}; {obj} runs and is Ready but has not begun on it: ServiceAccount {ns}/{sa} is bound only to ClusterRoles that do not exist ({}), and a binding grants nothing without its role, so the provisioner may not watch claims or create volumes",
            claim.name,
            named.join("; ")
        ),
    )
    .fix(format!(
        "Create ClusterRole {} with the rules the provisioner's manifest ships (get, list, watch on persistentvolumeclaims, nodes, storageclasses; create and delete on persistentvolumes; create and patch on events), e.g. by re-applying that manifest; `kubectl auth can-i create persistentvolumes --as=system:serviceaccount:{ns}:{sa}` must answer yes, and `kubectl logs -n {ns} {}/{}` shows the refusal (`RBAC: clusterrole… not found`).",
        roles.join(", "),
        w.kind.to_lowercase(),
        w.name()
    ))
    .links(idle_links(e, obj)))
}

/// The roles bound to the provisioner's ServiceAccount that the input does
/// not hold, as a check for its fix: what it may do cannot be read, and a
/// role that does not exist grants nothing.
pub fn unread_roles(a: &Analysis<'_>, w: &day2_model::Workload<'_>) -> Option<String> {
    let (ns, sa) = (w.namespace(), day2_model::pod::service_account(w.spec));
    let c = a.cluster;
    let unread: Vec<String> = super::rbac::cluster_bindings_of(c, ns, sa)
        .into_iter()
        .filter(|b| !c.cluster_roles.iter().any(|r| r.name() == b.role_ref.name))
        .map(|b| {
            format!(
                "ClusterRoleBinding {} names ClusterRole {}",
                b.name(),
                b.role_ref.name
            )
        })
        .collect();
    (!unread.is_empty()).then(|| {
        format!(
            " Its ServiceAccount {ns}/{sa} gets its rights from roles the input does not hold ({}): `kubectl get clusterrole` must list them, and `kubectl auth can-i create persistentvolumes --as=system:serviceaccount:{ns}:{sa}` answer yes (RBAC).",
            unread.join("; ")
        )
    })
}

/// The provisioner's pods all run Ready, and it has not begun on the claim
/// (no `Provisioning` event).
pub(super) fn idle(a: &Analysis<'_>, w: &day2_model::Workload<'_>, claim: &ObjRef) -> bool {
    let pods = a.cluster.pods_of(w.kind, w.namespace(), w.name());
    !pods.is_empty()
        && pods.iter().all(|p| crate::model::is_ready(p))
        && !a
            .cluster
            .events_for(&claim.kind, claim.namespace.as_deref(), &claim.name, None)
            .iter()
            .any(|x| x.reason.starts_with("Provisioning"))
}

/// The chain of an [`idle`] provisioner: the claim waiting for it, and it
/// running Ready without having begun.
pub(super) fn idle_links(e: &Event, provisioner: ObjRef) -> Vec<Link> {
    vec![
        Link::from_event(Loop::Storage, e, "waiting for the external provisioner"),
        Link::new(
            Loop::Compute,
            None,
            provisioner,
            "runs and is Ready, and has not begun on the claim",
        ),
    ]
}
