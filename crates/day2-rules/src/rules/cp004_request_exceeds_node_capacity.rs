//! CP004: pods that request more than any node can offer.

use crate::reads::{self, K};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::resources::{format_amount, node_allocatable_amount, pod_request};
use day2_model::selector::{node_selection_admits, required_node_affinity};
use day2_model::{Loop, Res, Severity};
use k8s_openapi::api::core::v1::{Node, PodSpec};
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "CP004",
    name: "request-exceeds-node-capacity",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES.with(&[K::Node]),
    severity: Severity::High,
    summary: "Pod requests more CPU or memory than the allocatable of every node it may run on",
    law: law::COMPUTE,
    rationale: "The scheduler fits a pod on one node: its effective request (app containers plus restartable \
sidecars, or the largest init step if that is larger, plus RuntimeClass overhead — or the pod-level \
request when set) must fit in one node's allocatable. A pod larger than the largest eligible node stays \
Pending forever with `Insufficient cpu`/`Insufficient memory`, however empty the cluster looks; the \
cluster autoscaler helps only if a node group offers a larger shape. Nodes are filtered by the pod's \
`nodeSelector` and required node affinity first.",
    fix: Fix {
        generic: "Lower the request to what the process needs, split the work over more replicas, or add a node group whose instance type has more allocatable than the request (allocatable is capacity minus system and kubelet reservations).",
        aws: Some(
            "Add a managed node group (or a Karpenter NodePool requirement) with a larger instance type; remember allocatable on EKS subtracts kube-reserved, which grows with the instance's max pods.",
        ),
        azure: Some(
            "Add a user node pool with a larger VM size (`az aks nodepool add --node-vm-size …`); AKS reserves memory and CPU per node, so allocatable is well below the VM size.",
        ),
        gcp: Some(
            "Add a node pool with a larger machine type, or enable node auto-provisioning so GKE can create one.",
        ),
    },
    sources: "Needs nodes: judged on snapshots and live clusters (and on manifests that include Node objects). Without nodes the rule stays silent.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP004/fire.yaml"),
        silent: include_str!("../../fixtures/CP004/silent.yaml"),
    },
    peers: &[],
};

/// A node with its parsed allocatable CPU and memory.
struct Capacity<'a> {
    node: &'a Res<Node>,
    cpu: Option<i64>,
    memory: Option<i64>,
}

impl Capacity<'_> {
    fn of(&self, resource: &str) -> Option<i64> {
        if resource == "cpu" {
            self.cpu
        } else {
            self.memory
        }
    }
}

/// Whether the pod's nodeSelector and required node affinity admit a node.
fn admits(spec: &PodSpec, n: &Res<Node>) -> bool {
    node_selection_admits(spec, n.name(), n.labels())
}

/// The largest allocatable of `res` among the candidates, with its node's
/// name; `None` when a candidate does not give its allocatable (a Node
/// manifest without status): its size is unknown, so no request can be
/// called too large for every node.
fn largest<'a>(candidates: &[&Capacity<'a>], res: &str) -> Option<(i64, &'a str)> {
    let mut best = None;
    for n in candidates {
        best = best.max(Some((n.of(res)?, n.node.name())));
    }
    best
}

/// The nodes a workload may run on: how many, and the largest of them by
/// cpu and by memory.
struct Pool<'a> {
    eligible: usize,
    largest: [Option<(i64, &'a str)>; 2],
}

/// Whether the pod constrains its nodes at all.
fn constrained(spec: &PodSpec) -> bool {
    spec.node_selector.as_ref().is_some_and(|m| !m.is_empty())
        || required_node_affinity(spec).is_some()
}

pub struct RequestExceedsNodeCapacity;

impl Rule for RequestExceedsNodeCapacity {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let nodes: Vec<Capacity<'_>> = cx
            .cluster
            .nodes
            .iter()
            .map(|n| Capacity {
                node: n,
                cpu: node_allocatable_amount(n, "cpu"),
                memory: node_allocatable_amount(n, "memory"),
            })
            .collect();
        if nodes.is_empty() {
            return;
        }
        let all: Vec<&Capacity<'_>> = nodes.iter().collect();
        // The largest node of all, once: most workloads may run on any node.
        let largest_of_all = Pool {
            eligible: all.len(),
            largest: [largest(&all, "cpu"), largest(&all, "memory")],
        };
        // Workloads that narrow their nodes down the same way share one pool
        // (replicas of a template, a team's node group).
        let mut pools: HashMap<String, Pool<'_>> = HashMap::new();
        for w in cx.workloads() {
            let pool = if constrained(w.spec) {
                let key =
                    serde_json::to_string(&(&w.spec.node_selector, required_node_affinity(w.spec)))
                        .unwrap_or_default();
                pools.entry(key).or_insert_with(|| {
                    let candidates: Vec<&Capacity<'_>> =
                        nodes.iter().filter(|n| admits(w.spec, n.node)).collect();
                    Pool {
                        eligible: candidates.len(),
                        largest: [largest(&candidates, "cpu"), largest(&candidates, "memory")],
                    }
                })
            } else {
                &largest_of_all
            };
            let eligible = pool.eligible;
            if eligible == 0 {
                continue; // a placement problem, not a size problem
            }
            for (r, res) in ["cpu", "memory"].into_iter().enumerate() {
                let want = pod_request(w.spec, res);
                let best = pool.largest[r];
                let Some((best, node)) = best else {
                    continue;
                };
                if want <= best {
                    continue;
                }
                let show = |v: i64| format_amount(res, v);
                sink.report(
                    Target::workload(&w),
                    format!(
                        "pods request {} {res} but the largest of the {} eligible node(s) ({node}) has {} allocatable: they can never be scheduled (Insufficient {res})",
                        show(want),
                        eligible,
                        show(best)
                    ),
                    Some(&w.ptr("/containers")),
                );
            }
        }
    }
}
