//! An object a custom resource's operator should have made, missing because
//! the operator cannot work: the consumer fails on a Service or Secret that
//! only the operator creates (a RedisFailover's `rfs-<name>` Service, an
//! Azure Service Operator resource's `operatorSpec.secrets`), and the cause
//! is the operator's own.
//!
//! The operator is found the way the API server would let it work: the
//! ClusterRoles that grant the resource's group and plural, their bindings'
//! ServiceAccounts, and the workloads that run as them; else a workload
//! outside the resource's namespace named after the group's domain
//! (`azureserviceoperator-…` for `storage.azure.com`). Its trouble is then
//! read:
//!
//! - the binding names the account in another namespace than the one the
//!   operator runs in (a chart installed elsewhere than its manifests say:
//!   spotahome/redis-operator#381): no call it makes is allowed;
//! - the NetworkPolicies cut its pods off from the cluster DNS (its
//!   chart's egress policy without port 53: Azure/azure-service-operator#3259);
//! - its pods are not ready.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::cluster::Workload;
use day2_model::object::DynObject;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// Words of an API group's domain that name no one project.
const GENERIC: [&str; 8] = [
    "k8s",
    "x-k8s",
    "io",
    "com",
    "sh",
    "dev",
    "org",
    "kubernetes",
];

/// How the operator was found, for the sentences.
enum Found<'c> {
    /// Bound by `binding` to `role`.
    Bound(&'c str, &'c str),
    /// Named after the group's domain word.
    Named(&'c str),
}

/// The resource's group and plural (`databases.spotahome.com`, `redisfailovers`).
fn group_plural(o: &DynObject) -> (&str, String) {
    let group = o.api_version.split_once('/').map_or("", |(g, _)| g);
    (group, format!("{}s", o.kind.to_ascii_lowercase()))
}

/// The operator's workloads, and how each was found; a binding whose
/// account runs nowhere in its namespace but elsewhere is returned as the
/// trouble itself.
fn operators<'c>(
    a: &Analysis<'c>,
    o: &'c Res<DynObject>,
) -> Result<Vec<(Workload<'c>, Found<'c>)>, Box<Hypothesis>> {
    let c = a.cluster;
    let (group, plural) = group_plural(o);
    if group.is_empty() {
        return Ok(vec![]);
    }
    let grants = |role: &k8s_openapi::api::rbac::v1::ClusterRole| {
        role.rules.iter().flatten().any(|r| {
            r.api_groups
                .iter()
                .flatten()
                .any(|g| g == group || g == "*")
                && r.resources
                    .iter()
                    .flatten()
                    .any(|x| *x == plural || x == "*")
        })
    };
    let mut out = Vec::new();
    for role in c.cluster_roles.iter().filter(|r| grants(r)) {
        for b in c
            .cluster_role_bindings
            .iter()
            .filter(|b| b.role_ref.kind == "ClusterRole" && b.role_ref.name == role.name())
        {
            for s in b
                .subjects
                .iter()
                .flatten()
                .filter(|s| s.kind == "ServiceAccount")
            {
                let sns = s.namespace.as_deref().unwrap_or("default");
                let runs_as = |w: &&Workload<'c>| {
                    w.spec.service_account_name.as_deref().unwrap_or("default") == s.name
                };
                let all: Vec<&Workload<'c>> = a.workloads_all().iter().filter(runs_as).collect();
                if let Some(w) = all.iter().find(|w| w.namespace() == sns) {
                    out.push((**w, Found::Bound(b.name(), role.name())));
                } else if let Some(w) = all.first().filter(|w| {
                    // Another binding may grant the account it runs as.
                    super::rbac::may(c, w.namespace(), &s.name, "list", group, &plural)
                        != Some(true)
                }) {
                    let wns = w.namespace();
                    let name = &s.name;
                    return Err(Box::new(Hypothesis::new(
                        86,
                        Loop::Identity,
                        b.objref(),
                        format!(
                            "ClusterRoleBinding {} grants ClusterRole {} to ServiceAccount {sns}/{name}, but {} runs as {wns}/{name}, which it does not name: the operator of {} {}/{} may not read its resources, so it creates nothing for them",
                            b.name(),
                            role.name(),
                            w.objref(),
                            o.kind,
                            o.ns_or_default(),
                            o.name()
                        ),
                    )
                    .fix(format!(
                        "Point the binding at the account the operator runs as: set the subject of ClusterRoleBinding {} to `{{kind: ServiceAccount, name: {name}, namespace: {wns}}}` (a chart installed in another namespace than its manifests name: set the release's namespace in the binding), then restart {}.",
                        b.name(),
                        w.objref()
                    ))
                    .link(Link::new(
                        Loop::Identity,
                        None,
                        ObjRef::new("ServiceAccount", Some(wns), name.as_str()),
                        format!("ServiceAccount {wns}/{name}, which the operator runs as, is bound to no role for {plural}"),
                    ))));
                }
            }
        }
    }
    if out.is_empty() {
        // The group's own word (`azure` of `storage.azure.com`).
        let words: Vec<&str> = group
            .split('.')
            .rev()
            .skip(1)
            .filter(|w| w.len() >= 4 && !GENERIC.contains(w))
            .take(1)
            .collect();
        for w in a.workloads_all() {
            if w.namespace() == o.ns_or_default() || w.kind == "Pod" {
                continue;
            }
            if let Some(word) = words
                .iter()
                .find(|x| w.name().contains(*x) || w.namespace().contains(*x))
            {
                out.push((*w, Found::Named(word)));
            }
        }
    }
    Ok(out)
}

/// Why the operator of `o` makes nothing: the moved binding, its pods cut
/// off from DNS (`dns_cut_off`, the DNS reading's own check), or its pods
/// not ready. `what` says what it should have made (`Service
/// cart/rfs-redisfailover`).
pub(crate) fn down<'c>(
    a: &Analysis<'c>,
    o: &'c Res<DynObject>,
    what: &str,
    dns_cut_off: impl Fn(&Res<Pod>) -> Option<Hypothesis>,
) -> Option<Hypothesis> {
    let found = match operators(a, o) {
        Err(h) => return Some(*h),
        Ok(f) => f,
    };
    let made_by = format!(
        "{what} is made by the operator of {} {}/{}",
        o.kind,
        o.ns_or_default(),
        o.name()
    );
    for (w, how) in found {
        let pods = a.cluster.pods_of(w.kind, w.namespace(), w.name());
        let how = match how {
            Found::Bound(b, r) => format!("bound to ClusterRole {r} by {b}"),
            Found::Named(word) => format!("named for the group's `{word}`"),
        };
        if let Some(h) = pods.iter().find_map(|p| dns_cut_off(p)) {
            return Some(h.link(Link::new(
                Loop::Network,
                None,
                w.objref(),
                format!(
                    "{made_by}, {} ({how}), whose pods resolve no name: it cannot reach its API",
                    w.objref()
                ),
            )));
        }
        let down: Vec<&str> = pods
            .iter()
            .filter(|p| !crate::model::is_ready(p))
            .map(|p| p.name())
            .collect();
        if !pods.is_empty() && down.len() == pods.len() {
            return Some(
                Hypothesis::new(
                    70,
                    Loop::Compute,
                    w.objref(),
                    format!("{made_by}, {} ({how}), and none of its pods is ready ({})", w.objref(), down.join(", ")),
                )
                .fix(format!(
                    "Bring {} back (`kubectl -n {} describe pod {}` and its logs); it creates {what} once it runs.",
                    w.objref(),
                    w.namespace(),
                    down[0]
                )),
            );
        }
    }
    None
}

/// The custom resource in `ns` whose name the operator's object `name`
/// is made from (`rfs-redisfailover` of RedisFailover `redisfailover`),
/// or that names `name` in its spec (`operatorSpec.secrets.*.name`).
pub(crate) fn owner_of<'c>(a: &Analysis<'c>, ns: &str, name: &str) -> Option<&'c Res<DynObject>> {
    fn names(v: &serde_json::Value, name: &str) -> bool {
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .any(|(k, v)| (k == "name" && v.as_str() == Some(name)) || names(v, name)),
            serde_json::Value::Array(xs) => xs.iter().any(|x| names(x, name)),
            _ => false,
        }
    }
    a.cluster.other.iter().find(|o| {
        o.ns_or_default() == ns
            && o.api_version.contains('/')
            && !o.api_version.starts_with("v1")
            && ((o.name().len() >= 4
                && name != o.name()
                && (name.ends_with(&format!("-{}", o.name()))
                    || name.starts_with(&format!("{}-", o.name()))))
                || o.data.get("spec").is_some_and(|s| names(s, name)))
    })
}
