//! A file operation refused to a pod OpenShift admitted under a restricted
//! SecurityContextConstraints: `restricted` and `restricted-v2` run every
//! container as an arbitrary user of the namespace's range
//! (`openshift.io/sa.scc.uid-range`, e.g. 1000080000), without CHOWN,
//! SETUID or SETGID, so an image built to start as root (a `chown` of its
//! data directory, a write into a directory of the image that root owns)
//! is refused (`chown: changing ownership of '/var/lib/x': Operation not
//! permitted`). The SCC a pod got is in its `openshift.io/scc` annotation;
//! which SCCs a pod may use is granted to its ServiceAccount (the `use`
//! verb on `securitycontextconstraints`), so the account is where to act.

use super::*;

/// The SCCs that give a pod an arbitrary user of the namespace's range.
const ARBITRARY_USER: [&str; 2] = ["restricted", "restricted-v2"];

pub(super) fn restricted(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
    on_volume: bool,
) -> Option<Hypothesis> {
    let scc = pod
        .metadata
        .annotations
        .as_ref()?
        .get("openshift.io/scc")?
        .as_str();
    if !ARBITRARY_USER.contains(&scc) {
        return None;
    }
    // A write refused on a volume is the volume's owner's; a chown is
    // refused wherever it is, and a write into the image's own directories.
    if !d.ownership && on_volume {
        return None;
    }
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let owner = model::workload_ref(a.cluster, pod);
    let user = pod
        .spec
        .as_ref()
        .and_then(|s| {
            let c = model::spec_container(pod, container)?;
            day2_model::security::EffectiveSecurityContext::of(s, c).run_as_user
        })
        .map(|u| format!(" (user {u})"))
        .unwrap_or_default();
    let what = if d.ownership {
        format!(
            "may not change the owner of {} (Operation not permitted)",
            d.path
        )
    } else {
        format!("may not write {}, which the image's root owns", d.path)
    };
    Some(
        Hypothesis::new(
            84,
            Loop::Identity,
            ObjRef::new("ServiceAccount", Some(ns), sa),
            format!(
                "container {container} of {owner} {what}: OpenShift admitted the pod under SecurityContextConstraints {scc}, which runs it as an arbitrary user of the namespace's range{user} without the CHOWN, SETUID and SETGID capabilities, and ServiceAccount {ns}/{sa} may use no SCC that lets the image run as the user it was built for"
            ),
        )
        .fix(format!(
            "Either let ServiceAccount {ns}/{sa} use an SCC that runs the image as it expects (`oc adm policy add-scc-to-user anyuid -z {sa} -n {ns}`, or `nonroot-v2` with a fixed `runAsUser` when the image needs a non-root user; the pods pick it up when recreated: `oc rollout restart` of {owner}), or build the image to run as any user (its directories owned by group 0 and group-writable, no chown at start)."
        ))
        .link(Link::new(
            Loop::Identity,
            None,
            pod.objref(),
            format!("admitted under SCC {scc} (annotation openshift.io/scc)"),
        )),
    )
}
