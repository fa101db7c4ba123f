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

/// Why the HPA's custom or external metrics API does not answer.
pub fn unavailable(a: &Analysis<'_>, message: &str, link: Option<Link>) -> Option<Hypothesis> {
    let api = api_service(a, message)?;
    let spec = api.obj.data.get("spec")?;
    let (sns, sname) = (
        str_at(spec, &["service", "namespace"])?,
        str_at(spec, &["service", "name"])?,
    );
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
