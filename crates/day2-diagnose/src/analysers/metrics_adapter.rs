//! An HPA that cannot read its custom or external metrics: the HPA
//! controller asks the aggregated API (`custom.metrics.k8s.io`,
//! `external.metrics.k8s.io`), which an APIService hands to an adapter's
//! Service (KEDA, prometheus-adapter, a cloud's adapter). The APIService's
//! `Available` condition says why the API server cannot reach it
//! (kube-aggregator's `FailedDiscoveryCheck` message): a certificate that
//! does not name the Service called, or an endpoint that refuses, which a
//! Service selecting pods of another workload explains.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::object::DynObject;
use day2_model::{Loop, ObjRef, Res};

/// The aggregated metrics API an HPA message names, and its APIService.
fn api_service<'c>(a: &Analysis<'c>, message: &str) -> Option<&'c Res<DynObject>> {
    let group = if message.contains("external metric") || message.contains("external.metrics") {
        "external.metrics.k8s.io"
    } else if message.contains("custom metric") || message.contains("custom.metrics") {
        "custom.metrics.k8s.io"
    } else {
        return None;
    };
    a.cluster
        .other
        .iter()
        .filter(|o| o.obj.kind == "APIService")
        .find(|o| o.name().ends_with(&format!(".{group}")))
}

fn str_at<'v>(v: &'v serde_json::Value, path: &[&str]) -> Option<&'v str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

/// The APIService an HPA message names, and the Service it hands requests to.
fn backend<'c>(a: &Analysis<'c>, message: &str) -> Option<(&'c Res<DynObject>, &'c str, &'c str)> {
    let api = api_service(a, message)?;
    let spec = api.obj.data.get("spec")?;
    Some((
        api,
        str_at(spec, &["service", "namespace"])?,
        str_at(spec, &["service", "name"])?,
    ))
}

/// Why the HPA's custom or external metrics API does not answer.
pub fn unavailable(a: &Analysis<'_>, message: &str, link: Option<Link>) -> Option<Hypothesis> {
    let (api, sns, sname) = backend(a, message)?;
    let said = api
        .obj
        .data
        .get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(|c| c.as_array())
        .and_then(|c| {
            c.iter().find(|x| {
                str_at(x, &["type"]) == Some("Available") && str_at(x, &["status"]) != Some("True")
            })
        })
        .and_then(|c| str_at(c, &["message"]))?;
    let api_ref = api.objref();
    let evidence = Link::new(
        Loop::Observability,
        None,
        api_ref.clone(),
        format!(
            "APIService {} is not Available: {}",
            api.name(),
            day2_model::redact::excerpt(said, 240)
        ),
    );
    // `x509: certificate is valid for a, b, not c`: the Service the
    // APIService names is not one the serving certificate was made for.
    if let Some((_, rest)) = said.split_once("certificate is valid for ") {
        let valid: Vec<&str> = rest
            .split(", not ")
            .next()
            .unwrap_or(rest)
            .split(", ")
            .map(str::trim)
            .collect();
        // Of the Services the certificate names, the one that reaches the
        // same pods as the Service called (the adapter's own), if any.
        let selector = |s: &Res<k8s_openapi::api::core::v1::Service>| {
            s.spec.as_ref().and_then(|x| x.selector.clone())
        };
        let current = a.service(sns, sname).and_then(selector);
        let candidates: Vec<_> = a
            .cluster
            .services
            .iter()
            .filter(|s| s.ns_or_default() == sns && s.name() != sname)
            .filter(|s| valid.contains(&s.name()))
            .collect();
        let named = candidates
            .iter()
            .find(|s| current.is_some() && selector(s) == current)
            .or_else(|| candidates.first())
            .map(|s| s.name().to_owned());
        let instead = named
            .as_deref()
            .map(|n| format!(" Service {sns}/{n}, which the certificate names, is the one to call: set `spec.service.name: {n}` on APIService {} (`kubectl patch apiservice {} --type merge -p '{{\"spec\":{{\"service\":{{\"name\":\"{n}\"}}}}}}'`), and delete the leftover Service {sname} of the older install.", api.name(), api.name()))
            .unwrap_or_else(|| format!(" Point APIService {} at the Service the adapter's certificate names, or re-issue the certificate for {sname}.{sns}.svc.", api.name()));
        return Some(
            Hypothesis::new(
                86,
                Loop::Identity,
                api_ref,
                format!(
                    "APIService {} sends the HPA's metrics requests to Service {sns}/{sname}, but the adapter's serving certificate is valid only for {}: the API server refuses it, so the metrics API is unavailable",
                    api.name(),
                    day2_model::text::short_list(&valid, 6)
                ),
            )
            .fix(format!("The APIService names a Service the certificate was not made for (often one left by an older install of the adapter).{instead}"))
            .link(evidence)
            .links(link),
        );
    }
    // An endpoint refuses: the Service may send the API server to pods of
    // another workload that match its selector too.
    if said.contains("connection refused") {
        let svc = a.service(sns, sname)?;
        let pods = crate::symptoms::service::selected_pods(a, svc);
        let mut workloads: Vec<ObjRef> = pods
            .iter()
            .map(|p| model::workload_ref(a.cluster, p))
            .collect();
        workloads.sort_by(|x, y| x.name.cmp(&y.name));
        workloads.dedup();
        if workloads.len() >= 2 {
            let names: Vec<String> = workloads.iter().map(ToString::to_string).collect();
            let selector = svc
                .spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            return Some(
                Hypothesis::new(
                    86,
                    Loop::Network,
                    svc.objref(),
                    format!(
                        "Service {sns}/{sname}, behind APIService {}, selects {selector}, which matches the pods of {}: the API server reaches pods that do not serve the metrics API and is refused",
                        api.name(),
                        names.join(" and ")
                    ),
                )
                .fix(format!("Narrow the selector of Service {sns}/{sname} to a label only the metrics server's pods carry (`kubectl get pods -n {sns} --show-labels`); a label added to every object (kustomize `commonLabels`, a chart's common labels) can overwrite the one that told them apart."))
                .link(evidence)
                .links(link),
            );
        }
    }
    Some(
        Hypothesis::new(
            70,
            Loop::Observability,
            api_ref,
            format!(
                "the HPA's metrics API (APIService {}, Service {sns}/{sname}) is unavailable: {}",
                api.name(),
                day2_model::redact::excerpt(said, 200)
            ),
        )
        .fix(format!("Bring the adapter behind Service {sns}/{sname} back (`kubectl get apiservice {}` shows why it is not Available; the adapter's pods and log say the rest).", api.name()))
        .link(evidence)
        .links(link),
    )
}

/// The adapter answers, with an error of its own that the API server passes
/// on to the HPA: its cloud identity failing (the web-identity token it
/// cannot read), or every request arriving as `system:anonymous`.
pub fn adapter_error(a: &Analysis<'_>, message: &str, link: Option<Link>) -> Option<Hypothesis> {
    let (api, sns, sname) = backend(a, message)?;
    let svc = a.service(sns, sname)?;
    let pods = crate::symptoms::service::selected_pods(a, svc);
    let pod = pods.first()?;
    if let Some(h) = super::irsa::token_unreadable(a, pod, message) {
        return Some(h.links(link));
    }
    if message.contains("is forbidden: User \"system:anonymous\"") {
        return front_proxy_unverified(a, api.name(), pod, link);
    }
    if message.contains("could not find the metric") {
        return super::adapter_url::dangling(a, pod, link);
    }
    None
}

/// Requests the API server forwards to an aggregated API carry its
/// front-proxy client certificate; the adapter verifies them with the CA in
/// ConfigMap `kube-system/extension-apiserver-authentication`. An adapter
/// that may not read that ConfigMap cannot, and treats every request as
/// `system:anonymous`, which it then refuses (awslabs/k8s-cloudwatch-adapter#44).
fn front_proxy_unverified(
    a: &Analysis<'_>,
    api: &str,
    pod: &Res<day2_model::pod::Pod>,
    link: Option<Link>,
) -> Option<Hypothesis> {
    use day2_model::rbac::{rule_allows, subject_is};
    if a.cluster.cluster_role_bindings.is_empty() || a.cluster.cluster_roles.is_empty() {
        return None;
    }
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    // Listing the ConfigMaps of kube-system, not one of them by name: the
    // upstream Role `extension-apiserver-authentication-reader` grants that
    // ConfigMap by name only, which adapters built on older apiserver
    // libraries (an informer over the namespace) cannot list.
    let lists = |rules: Option<&Vec<k8s_openapi::api::rbac::v1::PolicyRule>>| {
        rules.into_iter().flatten().any(|r| {
            rule_allows(r, "list", "", "configmaps")
                && r.resource_names.as_ref().is_none_or(Vec::is_empty)
        })
    };
    let cluster_roles: Vec<_> = super::rbac::cluster_bindings_of(a.cluster, ns, sa)
        .into_iter()
        .filter_map(|b| {
            a.cluster
                .cluster_roles
                .iter()
                .find(|r| r.name() == b.role_ref.name)
        })
        .collect();
    let bindings: Vec<_> = a
        .cluster
        .role_bindings
        .iter()
        .filter(|b| {
            b.ns_or_default() == "kube-system"
                && b.subjects
                    .iter()
                    .flatten()
                    .any(|s| subject_is(s, Some("kube-system"), ns, sa))
        })
        .collect();
    let in_kube_system = bindings.iter().any(|b| {
        let rules = if b.role_ref.kind == "ClusterRole" {
            a.cluster
                .cluster_roles
                .iter()
                .find(|r| r.name() == b.role_ref.name)
                .and_then(|r| r.rules.as_ref())
        } else {
            a.cluster
                .roles
                .iter()
                .find(|r| r.ns_or_default() == "kube-system" && r.name() == b.role_ref.name)
                .and_then(|r| r.rules.as_ref())
        };
        lists(rules)
    });
    if in_kube_system || cluster_roles.iter().any(|r| lists(r.rules.as_ref())) {
        return None;
    }
    let by_name = bindings
        .iter()
        .find(|b| b.role_ref.name == "extension-apiserver-authentication-reader")
        .map(|b| {
            format!(
                " (RoleBinding kube-system/{} grants it by name only, which does not let it list)",
                b.name()
            )
        })
        .unwrap_or_default();
    // The bound ClusterRole that already reads core objects is where the
    // rule fits; else the account itself.
    let role = cluster_roles.iter().find(|r| {
        r.rules
            .iter()
            .flatten()
            .any(|x| x.api_groups.iter().flatten().any(|g| g.is_empty()))
    });
    let root = role.map_or_else(
        || ObjRef::new("ServiceAccount", Some(ns), sa),
        |r| r.objref(),
    );
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            root,
            format!("the metrics adapter behind APIService {api} ({workload}, ServiceAccount {ns}/{sa}) may not list the ConfigMaps of kube-system{by_name}, so it cannot load ConfigMap extension-apiserver-authentication to verify the API server's front-proxy certificate: every request reaches it as system:anonymous and is refused"),
        )
        .fix(match role {
            Some(r) => format!("Add `configmaps` (get, list, watch) to ClusterRole {}, which ServiceAccount {ns}/{sa} is bound to, then restart the adapter; `kubectl auth can-i list configmaps -n kube-system --as=system:serviceaccount:{ns}:{sa}` must answer yes.", r.name()),
            None => format!("Let ServiceAccount {ns}/{sa} list ConfigMaps in kube-system (a Role with `configmaps` get, list, watch and a RoleBinding to it, or the upstream `extension-apiserver-authentication-reader` for adapters that read it by name: `kubectl create rolebinding -n kube-system {sa}-auth-reader --role=extension-apiserver-authentication-reader --serviceaccount={ns}:{sa}`), then restart the adapter."),
        })
        .links(link),
    )
}

/// Two KEDA ScaledObjects that scale one workload: KEDA keeps one HPA per
/// target and its metrics adapter answers every query for it with
/// `Exactly one scaled object should match label deploymentName=…`, so the
/// HPA computes nothing (kedacore/keda#897; later KEDA refuses the second
/// ScaledObject outright, #3755).
pub fn scaled_twice(a: &Analysis<'_>, target: &ObjRef, link: Option<Link>) -> Option<Hypothesis> {
    let ns = target.namespace.as_deref().unwrap_or("default");
    let mut objects: Vec<&Res<DynObject>> = a
        .cluster
        .other
        .iter()
        .filter(|o| o.kind == "ScaledObject" && o.ns_or_default() == ns)
        .filter(|o| {
            let spec = o.obj.data.get("spec");
            let named = spec
                .and_then(|s| str_at(s, &["scaleTargetRef", "name"]))
                .or_else(|| spec.and_then(|s| str_at(s, &["scaleTargetRef", "deploymentName"])));
            let kind = spec
                .and_then(|s| str_at(s, &["scaleTargetRef", "kind"]))
                .unwrap_or("Deployment");
            named == Some(target.name.as_str()) && kind == target.kind
        })
        .collect();
    if objects.len() < 2 {
        return None;
    }
    objects.sort_by_key(|o| o.name());
    let names: Vec<&str> = objects.iter().map(|o| o.name()).collect();
    Some(
        Hypothesis::new(
            86,
            Loop::Compute,
            objects[0].objref(),
            format!(
                "ScaledObjects {} all scale {target}: KEDA keeps one HPA per target, and its metrics adapter refuses to answer for a target more than one ScaledObject claims, so the HPA gets no metric and never scales",
                names.join(", ")
            ),
        )
        .fix(format!(
            "Keep one ScaledObject for {target}: move every trigger into the `triggers:` list of one of them (KEDA scales on the highest) and delete the others (`kubectl delete scaledobject -n {ns} {}`).",
            names[1..].join(" ")
        ))
        .links(link),
    )
}
