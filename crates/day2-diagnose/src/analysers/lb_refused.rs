//! A cloud API that refuses a load balancer's request as invalid: HTTP 400
//! or 422 with a validation message (DigitalOcean's `POST …/load_balancers:
//! 422 … health check only supports TCP and HTTP`,
//! digitalocean/digitalocean-cloud-controller-manager#158). The request is
//! built from the Service (its ports, its protocol and the provider's
//! annotations), so the Service is what to change; the cloud controller
//! retries the same request until it is.

use crate::evidence::Hypothesis;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Service;

/// How a cloud API says the request itself is invalid.
const INVALID: [&str; 7] = [
    ": 422 ",
    ": 400 ",
    "status code: 400",
    "StatusCode: 400",
    "ValidationError",
    "InvalidParameterValue",
    "InvalidConfigurationRequest",
];

/// A refusal that is the account's state, not the request's shape.
const STATE: [&str; 6] = [
    "limit",
    "quota",
    "exceeded",
    "TooMany",
    "AccessDenied",
    "Unauthorized",
];

pub fn invalid(svc: &Res<Service>, m: &str) -> Option<Hypothesis> {
    if !INVALID.iter().any(|w| m.contains(w)) || STATE.iter().any(|w| m.contains(w)) {
        return None;
    }
    let (ns, name) = (svc.ns_or_default(), svc.name());
    // What the API said, after its status and request id.
    let said = m
        .rsplit_once(") ")
        .filter(|(head, _)| head.contains("request"))
        .map_or(m, |(_, tail)| tail)
        .trim();
    let annotations: Vec<String> = svc
        .metadata
        .annotations
        .iter()
        .flatten()
        .filter(|(k, _)| k.contains("load-balancer") || k.contains("loadbalancer"))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let health = said.contains("health check") || said.contains("healthcheck");
    let do_prefix = "service.beta.kubernetes.io/do-loadbalancer-";
    let hint = match (health, annotations.iter().any(|a| a.starts_with(do_prefix))) {
        (true, true) => format!(" The health check follows the forwarding protocol unless set: give it one the API takes (`{do_prefix}healthcheck-protocol: tcp`, or `http` with a path), or upgrade the cloud controller manager to a release that sets it for TLS passthrough."),
        (true, false) => " Set the health check's protocol through the provider's health-check annotation (TCP or HTTP) instead of letting it follow the forwarding protocol.".to_owned(),
        _ => String::new(),
    };
    Some(
        Hypothesis::new(
            82,
            Loop::Network,
            svc.objref(),
            format!(
                "the cloud API refuses the load balancer Service {ns}/{name} asks for as invalid: {}",
                day2_model::redact::excerpt(said, 200)
            ),
        )
        .fix(format!(
            "Change what Service {ns}/{name} asks of the load balancer so the cloud accepts it: its ports and protocols{}.{hint} The cloud controller manager retries on its own once the Service changes.",
            if annotations.is_empty() {
                String::new()
            } else {
                format!(" and its annotations ({})", annotations.join("; "))
            }
        )),
    )
}
