//! CP014: containers that bind a port on the node.

use crate::reads;
use crate::util::containers;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP014",
    name: "host-port",
    loop_: Loop::Compute,
    reads: reads::WORKLOADS,
    severity: Severity::Low,
    summary: "Container declares a `hostPort`",
    law: law::COMPUTE,
    rationale: "A `hostPort` binds the port on the node itself: only one such pod fits per node and port, so \
the scheduler silently spreads (or strands) replicas — a third replica on a two-node pool stays Pending \
with `didn't have free ports for the requested pod ports`, at any utilisation. It also exposes the pod on \
the node's address, outside Services and most NetworkPolicy implementations. Placed in compute: it is a \
scheduling constraint first (see the placement note in docs/rules.md). Host-network pods are reported \
by ID014.",
    fix: Fix::generic(
        "Remove `hostPort` and expose the pod through a Service (NodePort or LoadBalancer if it must be reachable from outside).",
    ),
    sources: "Same on every source (pod templates of every workload).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP014/fire.yaml"),
        silent: include_str!("../../fixtures/CP014/silent.yaml"),
    },
    peers: &[
        "Polaris hostPortSet",
        "Checkov CKV_K8S_26",
        "Kubescape C-0044",
    ],
};

pub struct HostPort;

impl Rule for HostPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            if w.spec.host_network == Some(true) {
                continue;
            }
            for c in containers(w.spec) {
                for (j, p) in c.c.ports.iter().flatten().enumerate() {
                    let Some(hp) = p.host_port.filter(|h| *h > 0) else {
                        continue;
                    };
                    sink.report(
                        Target::workload(&w),
                        format!(
                            "{} `{}` binds host port {hp}: one such pod per node",
                            c.role(),
                            c.c.name
                        ),
                        Some(&w.ptr(&format!("{}/ports/{j}/hostPort", c.pointer))),
                    );
                }
            }
        }
    }
}
