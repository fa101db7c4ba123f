//! An aggregated API (metrics-server's `v1beta1.metrics.k8s.io`, a metrics
//! adapter's) the API server cannot reach: the pods behind the APIService's
//! Service are isolated for ingress by a NetworkPolicy that admits only what
//! a selector names, and the API server, which proxies every request to
//! them, is not a pod (rancher/rke2#745: the CIS profile's
//! `default-network-policy` admitting only pods of its namespace).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::service::selected_pods;
use day2_model::object::DynObject;
use day2_model::{Loop, Res};

/// The Service the APIService proxies to (`spec.service`): its namespace,
/// name and port (443 unless set).
fn backend(api: &Res<DynObject>) -> Option<(&str, &str, i64)> {
    let backend = api.obj.data.get("spec")?.get("service")?;
    let ns = backend.get("namespace")?.as_str()?;
    let name = backend.get("name")?.as_str()?;
    let port = backend.get("port").and_then(|p| p.as_i64()).unwrap_or(443);
    Some((ns, name, port))
}

pub fn policy_in_front(a: &Analysis<'_>, api: &Res<DynObject>) -> Option<Hypothesis> {
    let (ns, name, port) = backend(api)?;
    let svc = a.service(ns, name)?;
    let ports = svc.spec.as_ref()?.ports.as_ref()?;
    let sp = ports
        .iter()
        .find(|p| i64::from(p.port) == port)
        .or(ports.first())?;
    let pods = selected_pods(a, svc);
    let pod = pods
        .iter()
        .find(|p| crate::model::is_ready(p))
        .or(pods.first())?;
    let target = crate::model::target_port(sp, pod)?;
    let policy = super::webhook_path::control_plane_denier(a, pod, target)?;
    Some(
        Hypothesis::new(
            87,
            Loop::Network,
            policy.objref(),
            format!(
                "the API server cannot reach APIService {} (Service {ns}/{name}, port {target} of pod {}): NetworkPolicy {} isolates those pods for ingress and admits only what a selector names, and the API server, which proxies every request of the API to them, is not a pod",
                api.name(),
                pod.name(),
                policy.name()
            ),
        )
        .fix(format!(
            "Let the control plane in: add an ingress rule on port {target} to NetworkPolicy {}/{} (or a policy of its own selecting the pods behind Service {ns}/{name}) with an `ipBlock` of the control plane's addresses (or no `from`, for any source); `kubectl get apiservice {}` turns Available once the API server reaches them.",
            policy.ns_or_default(),
            policy.name(),
            api.name()
        )),
    )
}

/// The APIService's discovery check times out on the way to its pods
/// (`failing or missing response from https://10.0.2.118:4443/apis/…:
/// context deadline exceeded`, the aggregator's `Available=False`), and no
/// NetworkPolicy stands in front of them: the path from the control plane
/// to the nodes on that port is closed (a managed control plane reaches the
/// nodes only on the ports its security group or firewall opens;
/// kubernetes-sigs/metrics-server#1064 on EKS with `--secure-port=4443`).
pub fn discovery_times_out(a: &Analysis<'_>, api: &Res<DynObject>) -> Option<Hypothesis> {
    let message = api
        .obj
        .data
        .get("status")?
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| {
            c.get("type").and_then(|t| t.as_str()) == Some("Available")
                && c.get("status").and_then(|t| t.as_str()) == Some("False")
        })?
        .get("message")?
        .as_str()?;
    let timed_out = message.contains("context deadline exceeded")
        || message.contains("Client.Timeout exceeded")
        || message.contains("i/o timeout");
    if !timed_out {
        return None;
    }
    // The address it could not reach: `https://10.0.2.118:4443/apis/…`.
    let (_, rest) = message.split_once("https://")?;
    let authority = rest.split('/').next()?;
    let port = authority.rsplit_once(':').map(|(_, p)| p)?;
    let (ns, name, _) = backend(api)?;
    let svc = a.service(ns, name)?;
    let pods = selected_pods(a, svc);
    let workload = pods.first().map_or_else(
        || svc.objref(),
        |p| crate::model::workload_ref(a.cluster, p),
    );
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            workload.clone(),
            format!(
                "the API server cannot reach APIService {} at {authority} (its discovery check times out: `{}`): no NetworkPolicy stands in front of port {port} of the pods behind Service {ns}/{name}, so the path from the control plane to the nodes on that port is closed",
                api.name(),
                day2_model::redact::excerpt(message, 160)
            ),
        )
        .fix(format!(
            "Serve on a port the control plane reaches, or open this one: run {workload} with `--secure-port=443` (and its container port and Service `targetPort` to match), or allow TCP {port} from the control plane to the nodes (EKS: the cluster security group to the node security group; private GKE: a firewall rule from the master range; AKS: the NSG); `kubectl get apiservice {}` turns Available once it is reached.",
            api.name()
        ))
        .missing(format!("the cloud firewall between the control plane and the nodes on port {port}")),
    )
}
