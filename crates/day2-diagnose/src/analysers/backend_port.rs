//! An Ingress backend whose Service sends its port to a target its Ready
//! pods do not serve ([`crate::symptoms::backend_port`]). The Service is
//! the object to change: when pods in the namespace that no Service selects
//! declare the target port (the pods the Service was written for), its
//! selector picks the wrong pods; otherwise its `targetPort` is wrong.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::backend_port::{declares, unserved};
use crate::symptoms::{Detail, Detected, Subject, service};
use day2_model::{Loop, Pod, Res};
use std::collections::BTreeMap;

fn labels(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Ingress, its backend Service, the Service's name, the backend port,
/// host and path of an Ingress symptom.
pub type Backend<'a, 'c> = (
    &'c Res<k8s_openapi::api::networking::v1::Ingress>,
    &'c Res<k8s_openapi::api::core::v1::Service>,
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a str,
);

pub fn backend<'a, 'c>(a: &Analysis<'c>, d: &'a Detected<'c>) -> Option<Backend<'a, 'c>> {
    let (
        Subject::Ingress(ing),
        Detail::Ingress {
            service,
            port,
            host,
            path,
        },
    ) = (&d.subject, &d.detail)
    else {
        return None;
    };
    let svc = a.service(ing.ns_or_default(), service)?;
    Some((ing, svc, service, port.as_deref(), host, path))
}

pub fn unserved_port<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((ing, svc, name, port, host, path)) = backend(a, d) else {
        return vec![];
    };
    let ns = ing.ns_or_default();
    let Some(u) = unserved(a, svc, port) else {
        return vec![];
    };
    let Some(selector) = service::selector(svc) else {
        return vec![];
    };
    let serving = crate::model::workload_ref(a.cluster, u.pods[0]);
    let declared: Vec<String> = u.declared.iter().map(i32::to_string).collect();
    let selected_by_any = |p: &Res<Pod>| {
        let Some(l) = p.metadata.labels.as_ref() else {
            return false;
        };
        a.cluster.services.iter().any(|s| {
            s.ns_or_default() == ns
                && service::selector(s)
                    .is_some_and(|sel| sel.iter().all(|(k, v)| l.get(k) == Some(v)))
        })
    };
    // Pods that serve the target and no Service reaches, those whose labels
    // carry the Service's name first.
    let mut meant: Vec<&Res<Pod>> = a
        .cluster
        .pods_in_namespace(ns)
        .filter(|p| crate::model::is_ready(p) && declares(p, u.target) && !selected_by_any(p))
        .collect();
    meant.sort_by_key(|p| {
        !p.metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.values().any(|v| v == name))
    });
    let link = Link::new(
        Loop::Network,
        d.since,
        ing.objref(),
        format!(
            "Ingress {} sends {host}{path} to Service {name}, whose endpoints ({}) do not serve target port {}: the controller's connections are refused (502)",
            ing.name(),
            serving,
            u.target
        ),
    );
    let h = match meant.first() {
        Some(p) => {
            let owner = crate::model::workload_ref(a.cluster, p);
            let own = |(k, _): &(&String, &String)| k.as_str() != "pod-template-hash";
            let all = p.metadata.labels.iter().flatten().filter(own);
            let mut want: BTreeMap<String, String> = all
                .clone()
                .filter(|(k, v)| *v == name || k.as_str() == "app" || k.ends_with("/name"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if want.is_empty() {
                want = all.map(|(k, v)| (k.clone(), v.clone())).collect();
            }
            Hypothesis::new(
                87,
                Loop::Network,
                svc.objref(),
                format!(
                    "Service {ns}/{name} selects {{{}}}, the pods of {serving}, which declare only {}; the pods that serve port {} ({owner}) are selected by no Service",
                    labels(selector),
                    declared.join(", "),
                    u.target
                ),
            )
            .fix(format!(
                "Correct the selector of Service {ns}/{name} to the pods of {owner}: `selector: {{{}}}` (kubectl -n {ns} edit service {name}); its endpoints then list the pods serving port {}.",
                labels(&want),
                u.target
            ))
        }
        None => Hypothesis::new(
            80,
            Loop::Network,
            svc.objref(),
            format!(
                "Service {ns}/{name} sends to target port {}, which its pods ({serving}) do not declare: they declare {}",
                u.target,
                declared.join(", ")
            ),
        )
        .fix(format!(
            "Set the targetPort of Service {ns}/{name} to the port its pods listen on ({}), or make the pods of {serving} serve {}; check with `kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={name} -o wide`.",
            declared.join(" or "),
            u.target
        )),
    };
    vec![h.link(link)]
}

/// The backend Service port's `targetPort` names no port of its pods
/// ([`crate::symptoms::backend_port::unnamed`]): the Service is fixed, to
/// the name or number its pods declare.
pub fn unnamed_port<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((ing, svc, name, port, ..)) = backend(a, d) else {
        return vec![];
    };
    let ns = ing.ns_or_default();
    let Some(u) = crate::symptoms::backend_port::unnamed(a, svc, port) else {
        return vec![];
    };
    let owner = crate::model::workload_ref(a.cluster, u.pods[0]);
    // The declared port numbered like the Service port, else the first.
    let number =
        crate::symptoms::backend_port::service_port(svc, port).map(|sp| sp.port.to_string());
    let to = u
        .declared
        .iter()
        .find(|d| d.rsplit('/').next() == number.as_deref())
        .or(u.declared.first())
        .map(|d| d.split('/').next().unwrap_or(d).to_owned());
    vec![
        Hypothesis::new(
            88,
            Loop::Network,
            svc.objref(),
            format!(
                "Service {ns}/{name} sends port {} to targetPort `{}`, which no container of {owner} declares (they declare {}): the endpoints controller leaves its pods out of that port",
                port.unwrap_or("(its first)"),
                u.name,
                if u.declared.is_empty() { "no port".to_owned() } else { u.declared.join(", ") }
            ),
        )
        .fix(match to {
            Some(to) => format!(
                "Set `targetPort: {to}` on that port of Service {ns}/{name} (the name its pods declare), or name the container port `{}` in {owner}; `kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={name}` then lists the port.",
                u.name
            ),
            None => format!(
                "Declare the container port `{}` in {owner} (`ports: [{{name: {}, containerPort: N}}]`), or give Service {ns}/{name} a numeric targetPort.",
                u.name, u.name
            ),
        }),
    ]
}

/// An ALB Ingress registering Fargate pods as instance targets
/// ([`crate::symptoms::ingress::fargate_instance`]): the Ingress's
/// target type is the setting to change.
pub fn fargate_instance<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((ing, svc, name, _, host, path)) = backend(a, d) else {
        return vec![];
    };
    let pods = service::selected_pods(a, svc);
    let Some(n) = crate::symptoms::ingress::fargate_instance(a, ing, svc, &pods) else {
        return vec![];
    };
    let (ns, ing_name) = (ing.ns_or_default(), ing.name());
    vec![
        Hypothesis::new(
            88,
            Loop::Network,
            ing.objref(),
            format!(
                "Ingress {ns}/{ing_name} leaves the ALB's target type at instance: the AWS Load Balancer Controller registers Service {name}'s node port on the nodes, and all {n} of its pods run on EKS Fargate, which has no node ports, so {host}{path} has no healthy target (503)"
            ),
        )
        .fix(format!(
            "Register the pods themselves: annotate Ingress {ns}/{ing_name} (or Service {name}) with `alb.ingress.kubernetes.io/target-type: ip` (`kubectl annotate ingress -n {ns} {ing_name} alb.ingress.kubernetes.io/target-type=ip`), which Fargate requires; the controller then replaces the TargetGroupBinding's instance targets with the pods' IPs."
        ))
        .link(Link::new(
            Loop::Network,
            d.since,
            svc.objref(),
            format!("the pods of Service {name} run on Fargate nodes (eks.amazonaws.com/compute-type: fargate)"),
        )),
    ]
}
