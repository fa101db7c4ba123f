//! A pod whose containers are ready while a readiness gate it waits on is
//! not: the AWS Load Balancer Controller's `target-health.elbv2.k8s.aws/…`
//! gate stays False until the target group's health checks pass. Behind a
//! mesh whose PeerAuthentication is `STRICT`, the load balancer's plain
//! HTTP health checks (and requests) to the pod's sidecar are refused:
//! only mTLS from inside the mesh is accepted (istio/istio#43056: an ALB in
//! IP mode in front of a mesh-wide STRICT policy).

use day2_model::{Loop, ObjRef, Res, pod::Pod};

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};

/// The namespace Istio reads mesh-wide policies from.
const ISTIO_ROOT: &str = "istio-system";

pub(super) fn failing(a: &Analysis<'_>, pod: &Res<Pod>, workload: &ObjRef) -> Option<Hypothesis> {
    let gates = pod.spec.as_ref()?.readiness_gates.as_ref()?;
    let condition = pod
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.status == "False" && gates.iter().any(|g| g.condition_type == c.type_))?;
    let said = [condition.reason.as_deref(), condition.message.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(": ");
    let gate = &condition.type_;
    let link = Link::new(
        Loop::Network,
        None,
        pod.objref(),
        format!("readiness gate {gate} of {} is False ({said})", pod.name()),
    );
    let ns = pod.ns_or_default();
    let sidecar = pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
            .any(|c| c.name == "istio-proxy")
    });
    if gate.starts_with("target-health.elbv2.k8s.aws/") {
        if sidecar && let Some(pa) = strict_policy(a, pod) {
            return Some(
                Hypothesis::new(
                    84,
                    Loop::Network,
                    pa.objref(),
                    format!("the load balancer's health checks of {} fail ({said}): the pod's Istio sidecar accepts only mutual TLS, as PeerAuthentication {}/{} sets mode STRICT, and the load balancer sends plain HTTP from outside the mesh", pod.name(), pa.ns_or_default(), pa.name()),
                )
                .fix(format!("Let the load balancer in: a PeerAuthentication for {workload}'s pods (a `selector` on their labels, in namespace {ns}) with `portLevelMtls` PERMISSIVE on the container port the target group uses, or mode PERMISSIVE there; or send the load balancer to an Istio ingress gateway instead of the pods (target the gateway's Service)."))
                .link(link),
            );
        }
        return Some(
            Hypothesis::new(
                60,
                Loop::Network,
                workload.clone(),
                format!("the load balancer's health checks of {} fail ({said}), so the AWS Load Balancer Controller keeps its readiness gate False and the pod out of the Service", pod.name()),
            )
            .fix(format!("Check the target group's health check (`alb.ingress.kubernetes.io/healthcheck-path` and `-port` on the Ingress or Service) against what {workload} answers on its target port, and that the nodes' or pods' security group admits the load balancer's security group on that port; `aws elbv2 describe-target-health` gives the reason per target."))
            .missing("the target group's health check results (`aws elbv2 describe-target-health`)")
            .link(link),
        );
    }
    Some(
        Hypothesis::new(
            50,
            Loop::Network,
            workload.clone(),
            format!("{} runs with its containers ready but readiness gate {gate} is False ({said}): the controller that owns the gate has not passed it", pod.name()),
        )
        .fix(format!("Read the controller that sets condition {gate} (its domain names it) and why it holds it False: `kubectl get pod -n {ns} {} -o jsonpath='{{.status.conditions}}'`.", pod.name()))
        .link(link),
    )
}

/// A STRICT PeerAuthentication that applies to the pod: one of its
/// namespace (selecting it or all), else the mesh-wide one, unless it
/// lets some port through with `portLevelMtls`.
fn strict_policy<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
) -> Option<&'c day2_model::Res<day2_model::DynObject>> {
    let ns = pod.ns_or_default();
    let policies: Vec<_> = a
        .cluster
        .other
        .iter()
        .filter(|o| {
            o.obj.kind == "PeerAuthentication"
                && o.obj.api_version.starts_with("security.istio.io/")
        })
        .collect();
    let applies = |o: &&&day2_model::Res<day2_model::DynObject>| {
        let sel = o
            .obj
            .data
            .get("spec")
            .and_then(|s| s.get("selector"))
            .and_then(|s| s.get("matchLabels"))
            .and_then(|m| m.as_object());
        sel.is_none_or(|m| {
            m.iter()
                .all(|(k, v)| pod.labels().get(k).map(String::as_str) == v.as_str())
        })
    };
    let chosen = policies
        .iter()
        .filter(|o| o.ns_or_default() == ns)
        .find(applies)
        .or_else(|| {
            policies
                .iter()
                .filter(|o| o.ns_or_default() == ISTIO_ROOT)
                .find(applies)
        })?;
    let spec = chosen.obj.data.get("spec")?;
    let strict = spec
        .get("mtls")
        .and_then(|m| m.get("mode"))
        .and_then(|m| m.as_str())
        == Some("STRICT");
    let opened = spec
        .get("portLevelMtls")
        .and_then(|p| p.as_object())
        .is_some_and(|p| !p.is_empty());
    (strict && !opened).then_some(*chosen)
}
