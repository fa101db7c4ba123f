//! A program killed by SIGBUS (exit code 135, `Bus error`) on a node that
//! has huge pages, in a pod that requests none: PostgreSQL's default
//! `huge_pages = try` sees the node's huge pages and maps its shared memory
//! from them, but the pod's cgroup allows it no hugetlb pages, so the first
//! touch of that memory faults (cloudnative-pg/cloudnative-pg#428: initdb's
//! bootstrap dies with `Bus error (core dumped)`; kubernetes/kubernetes#71233).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, Pod, Res};

/// Huge page sizes a node offers (`hugepages-2Mi: 2Gi`).
fn node_huge_pages(node: &k8s_openapi::api::core::v1::Node) -> Vec<String> {
    node.status
        .as_ref()
        .and_then(|s| s.capacity.as_ref())
        .into_iter()
        .flatten()
        .filter(|(k, v)| k.starts_with("hugepages-") && v.0 != "0")
        .map(|(k, v)| format!("{k}: {}", v.0))
        .collect()
}

fn requests_huge_pages(pod: &Pod) -> bool {
    pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
            .any(|c| {
                c.resources.as_ref().is_some_and(|r| {
                    r.limits
                        .iter()
                        .chain(r.requests.iter())
                        .flatten()
                        .any(|(k, _)| k.starts_with("hugepages-"))
                })
            })
    })
}

/// Whether a container of the pod died of SIGBUS.
fn bus_error(pod: &Pod) -> Option<String> {
    model::container_statuses(pod).find_map(|cs| {
        [cs.state.as_deref(), cs.last_state.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|s| s.terminated.as_ref())
            .find_map(|t| {
                let said = t.message.as_deref().unwrap_or_default();
                let line = said.lines().find(|l| l.contains("Bus error"));
                match (t.exit_code, line) {
                    (_, Some(l)) => Some(format!("container {}: {}", cs.name, l.trim())),
                    (135, None) => Some(format!(
                        "container {} exited with code 135 (SIGBUS)",
                        cs.name
                    )),
                    _ => None,
                }
            })
    })
}

pub fn sigbus<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let pods: Vec<&Res<Pod>> = match d.subject {
        Subject::Pod(p) => vec![p],
        Subject::Job(job) => model::job_pods(a.cluster, job),
        _ => return vec![],
    };
    for pod in pods {
        let Some(what) = bus_error(pod) else { continue };
        if requests_huge_pages(pod) {
            continue;
        }
        let Some(node) = model::node_name(pod).and_then(|n| a.cluster.node(n)) else {
            continue;
        };
        let pages = node_huge_pages(node);
        if pages.is_empty() {
            continue;
        }
        let workload = model::workload_ref(a.cluster, pod);
        let n = node.name();
        return vec![
            Hypothesis::new(
                80,
                Loop::Compute,
                workload.clone(),
                format!("{} dies of SIGBUS ({}) on node {n}, which has huge pages ({}) that the pod does not request: a program that maps huge pages when the node has them (PostgreSQL's `huge_pages = try`) faults on the first touch, as the pod's cgroup allows it none", pod.name(), day2_model::redact::excerpt(&what, 160), pages.join(", ")),
            )
            .fix(format!("Either turn huge pages off in the program (PostgreSQL `huge_pages = off`; CloudNativePG `spec.postgresql.parameters.huge_pages: \"off\"`), or request them in {workload}'s pod template (`resources.limits.hugepages-2Mi`, with memory, equal requests), or run it on nodes without huge pages."))
            .link(Link::new(Loop::Compute, None, node.objref(), format!("node {n} has {}", pages.join(", ")))),
        ];
    }
    vec![]
}
