//! NW011: `externalTrafficPolicy`/`internalTrafficPolicy: Local` that drops traffic or is rejected.

use crate::reads::{self, K};
use crate::util::wname;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "NW011",
    name: "traffic-policy-mismatch",
    loop_: Loop::Network,
    reads: reads::TEMPLATES.with(&[K::Service]),
    severity: Severity::Medium,
    summary: "Traffic policy `Local` on a Service whose pods are not on every node, a health-check override that hides it, or a policy the API server rejects",
    law: law::NETWORK,
    rationale: "With `Local`, kube-proxy only forwards to pods on the node the traffic arrived at, and drops \
it where there are none. That is safe behind a cloud load balancer that health-checks each node's \
`healthCheckNodePort`, and for DaemonSets (a pod on every node). Elsewhere it produces the \"asymmetric \
failures\" of the method: `internalTrafficPolicy: Local` in front of a Deployment fails for clients on \
nodes without a replica; `externalTrafficPolicy: Local` on a NodePort Service (no load-balancer health \
check) fails for clients that hit the wrong node; on AWS, overriding the load balancer's health-check \
port on a `Local` Service makes it check the traffic port instead of kube-proxy's per-node endpoint \
count, so nodes whose pod is terminating keep receiving traffic during rollouts (low). \
`externalTrafficPolicy` on a Service that is not NodePort/LoadBalancer (or ClusterIP with \
`externalIPs`), and `healthCheckNodePort` without `type: LoadBalancer` + `externalTrafficPolicy: Local`, \
are rejected by the API server (high).",
    fix: Fix::generic(
        "Use `Local` only for DaemonSet backends or behind a load balancer that health-checks `healthCheckNodePort`; otherwise use `Cluster` (and preserve client IPs with the proxy protocol or `X-Forwarded-For`). Remove traffic-policy fields from Services that are not externally reachable.",
    ),
    sources: "Same on every source: Services in the input and the workloads their selectors match. Pod placement is inferred from the workload kind (a DaemonSet runs everywhere), not from the nodes pods currently run on.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW011/fire.yaml"),
        silent: include_str!("../../fixtures/NW011/silent.yaml"),
    },
    peers: &[],
};

pub struct TrafficPolicyMismatch;

impl Rule for TrafficPolicyMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let index = cx.workload_index();
        let services = cx.service_index();
        let lookup: std::collections::HashMap<(&str, &str), &Vec<usize>> = services
            .services
            .iter()
            .map(|(s, m)| ((s.ns_or_default(), s.name()), m))
            .collect();
        for s in &cx.cluster.services {
            let Some(spec) = s.spec.as_ref() else {
                continue;
            };
            let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
            let external = matches!(ty, "NodePort" | "LoadBalancer")
                || (ty == "ClusterIP" && spec.external_ips.as_ref().is_some_and(|v| !v.is_empty()));
            let etp = spec.external_traffic_policy.as_deref();
            let itp = spec.internal_traffic_policy.as_deref();
            let mut report = |msg: String, ptr: &str, sev: Severity| {
                sink.report_with(Target::of(s), msg, Some(ptr), None, Some(sev));
            };
            if let Some(p) = etp
                && !external
                && ty != "ExternalName"
            {
                report(
                    format!(
                        "Service {} ({ty}) sets externalTrafficPolicy: {p}, which may only be set for externally-accessible Services: the API server rejects it",
                        s.name()
                    ),
                    "/spec/externalTrafficPolicy",
                    Severity::High,
                );
            }
            if spec.health_check_node_port.is_some_and(|p| p != 0)
                && !(ty == "LoadBalancer" && etp == Some("Local"))
            {
                report(
                    format!(
                        "Service {} sets healthCheckNodePort, which is only valid with type LoadBalancer and externalTrafficPolicy: Local: the API server rejects it",
                        s.name()
                    ),
                    "/spec/healthCheckNodePort",
                    Severity::High,
                );
            }
            let backends: Vec<_> = lookup
                .get(&(s.ns_or_default(), s.name()))
                .into_iter()
                .flat_map(|m| m.iter())
                .map(|i| &index.all[*i])
                .collect();
            let not_everywhere: Vec<String> = backends
                .iter()
                .filter(|w| w.kind != "DaemonSet")
                .map(|w| wname(w))
                .collect();
            if itp == Some("Local") && !not_everywhere.is_empty() {
                report(
                    format!(
                        "Service {} has internalTrafficPolicy: Local but its backends ({}) do not run on every node: in-cluster clients on nodes without a local pod have their connections dropped",
                        s.name(),
                        not_everywhere.join(", ")
                    ),
                    "/spec/internalTrafficPolicy",
                    Severity::Medium,
                );
            }
            if etp == Some("Local")
                && external
                && ty != "LoadBalancer"
                && !not_everywhere.is_empty()
            {
                report(
                    format!(
                        "Service {} ({ty}) has externalTrafficPolicy: Local but its backends ({}) do not run on every node and no load balancer health-checks the nodes: clients reaching a node without a local pod are dropped",
                        s.name(),
                        not_everywhere.join(", ")
                    ),
                    "/spec/externalTrafficPolicy",
                    Severity::Medium,
                );
            }
            if etp == Some("Local") && ty == "LoadBalancer" {
                let hc =
                    s.annotation("service.beta.kubernetes.io/aws-load-balancer-healthcheck-port");
                let hcnp = spec.health_check_node_port.map(|p| p.to_string());
                if let Some(port) = hc
                    && Some(port.to_owned()) != hcnp
                {
                    report(
                        format!(
                            "Service {} has externalTrafficPolicy: Local but the AWS load balancer health check is pinned to `{port}` instead of kube-proxy's healthCheckNodePort: nodes whose pod is terminating keep receiving traffic",
                            s.name()
                        ),
                        "/metadata/annotations",
                        Severity::Low,
                    );
                }
            }
        }
    }
}
