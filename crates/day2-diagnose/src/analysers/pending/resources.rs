//! Pods too big for any node, blocked by fragmentation, or facing exhausted capacity.

use super::raised::raised_by_rollout;
use super::{autoscaler_links, parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link, per_cloud};
use crate::facts::{PoolStats, ResStats};
use crate::messages::scheduler::Reason;
use crate::model::{self, fmt_res};
use crate::placement::NodeVerdict;
use crate::symptoms::Detected;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::PodSpec;

/// Resources: too big for any node, fragmentation, or capacity exhausted.
pub fn resources<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| {
        matches!(r, Reason::Insufficient(_) | Reason::TooManyPods)
    });
    // Nodes a strict spread constraint rules out are no room for the pod:
    // when the nodes it leaves are full, the constraint is what keeps the
    // pod pending (not fragmentation, not the cluster's capacity).
    let spread = said(p, |r| *r == Reason::TopologySpread);
    let strict: Vec<String> = spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .filter(|t| t.when_unsatisfiable == "DoNotSchedule")
        .map(|t| format!("topologyKey {} maxSkew {}", t.topology_key, t.max_skew))
        .collect();
    let spread_binds = spread > 0 && !strict.is_empty();
    let verdicts = a.verdicts(pod);
    let model_says = verdicts.as_ref().is_some_and(|v| v.any_short);
    if told == 0 && (p.fit.is_some() || !model_says) {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let want = model::pod_requests(spec);
    let Some(verdicts) = verdicts.filter(|_| a.capacity().knows_nodes()) else {
        let why = if a.capacity().knows_nodes() {
            format!("{} could not judge the pod", a.placement_source())
        } else {
            "without Node objects the free capacity cannot be shown".to_owned()
        };
        return vec![Hypothesis::new(
            40,
            Loop::Compute,
            workload,
            format!("the scheduler reports insufficient resources on {told} node(s); {why}"),
        )
        .fix("Compare the pod's requests with each node's free allocatable (`kubectl describe nodes`, Allocated resources), and add the nodes to the snapshot (`kubectl get nodes -o json`).")
        .missing("no Node objects with status.allocatable or status.capacity in the input: free capacity per node is unknown")
        .links(scheduler_links(d))];
    };
    // Replicas of one template share the pool's numbers.
    let stats = a.pool_stats(pod, || pool_stats(a, spec, &verdicts));
    let pool_ref = stats.pool_ref.clone();
    let mut out = Vec::new();
    let (neighbours_cpu, neighbours_mem) = stats.neighbours;
    let neighbour_link = (neighbours_cpu + neighbours_mem > 0).then(|| {
        Link::new(
            Loop::Compute,
            d.since,
            pool_ref.clone(),
            format!(
                "on these nodes {neighbours_cpu} pod(s) request no cpu and {neighbours_mem} no memory: the scheduler budgets them at zero while they use real capacity, so free numbers overstate the room"
            ),
        )
    });
    for rs in &stats.res {
        let res = rs.res;
        let need = want.get(res).unwrap_or(0);
        if need <= 0 {
            continue;
        }
        let told_res = said(p, |r| matches!(r, Reason::Insufficient(x) if x == res));
        // The scheduler's own reasons outrank the numbers worked out here:
        // when it says why it placed the pod nowhere and this resource is
        // not among them, the nodes had room for it (the input's numbers
        // are off, or stale), whatever they add up to.
        if told_res == 0 && (!rs.short || p.fit.is_some()) {
            continue;
        }
        let (max_alloc, sum, max_free) = (rs.max_alloc, rs.sum, rs.max_free);
        let frees = &rs.frees;
        let detail = frees
            .iter()
            .take(6)
            .map(|(n, f)| format!("{n} {}", fmt_res(res, *f)))
            .collect::<Vec<_>>()
            .join(", ");
        let links = || {
            let mut l = scheduler_links(d);
            l.extend(autoscaler_links(a, d, None));
            l.extend(neighbour_link.clone());
            l
        };
        // Larger nodes the pod may not use (taints, affinity) are no room.
        let pool_alloc = rs
            .pool_max_alloc
            .filter(|m| *m < max_alloc && need > *m && need <= max_alloc);
        if let Some(pool_alloc) = pool_alloc {
            out.push(
                Hypothesis::new(
                    88,
                    Loop::Compute,
                    workload.clone(),
                    format!(
                        "{} requests {}, more than any node it may run on can offer (largest allocatable there {}); the larger nodes (up to {}) are ruled out by their taints or the pod's node selection",
                        pod.name(),
                        fmt_res(res, need),
                        fmt_res(res, pool_alloc),
                        fmt_res(res, max_alloc)
                    ),
                )
                .fix(format!(
                    "Lower the {res} requests of {workload} to what it uses (at most {} per node), or let it onto the larger nodes (a toleration for their taint, a matching node selector) if it is meant to run there.",
                    fmt_res(res, pool_alloc)
                ))
                .links(links()),
            );
        } else if need > max_alloc {
            let rule = a.findings.rule_on("CP004", &workload);
            out.push(
                Hypothesis::new(
                    90,
                    Loop::Compute,
                    workload.clone(),
                    format!(
                        "{} requests {}, more than any node can offer (largest allocatable {}): no node, empty or new of the same shape, can run it",
                        pod.name(),
                        fmt_res(res, need),
                        fmt_res(res, max_alloc)
                    ),
                )
                .rule(rule.map(|f| &*f.rule))
                .fix(format!(
                    "Lower the {res} request of {} to what it uses (at most {} per node), or add a node group with larger nodes.{}",
                    workload,
                    fmt_res(res, max_alloc),
                    rule.map(|f| format!(" {}", f.fix)).unwrap_or_default()
                ))
                .links(links()),
            );
        } else if let Some(r) = (!spread_binds && max_free < need)
            .then(|| raised_by_rollout(a, pod, res))
            .flatten()
        {
            // The earlier revision runs with less: the raise is the change
            // that no node has room for, whatever else is packed on them.
            let workload_name = &workload.name;
            out.push(
                Hypothesis::new(
                    88,
                    Loop::Compute,
                    workload.clone(),
                    format!(
                        "the rollout of {workload} raised the {res} request from {} to {}: the previous revision's pod {} runs with {}, while no node that could run {} has {} free (the most on one node is {}; {detail})",
                        fmt_res(res, r.before),
                        fmt_res(res, need),
                        r.running.name(),
                        fmt_res(res, r.before),
                        pod.name(),
                        fmt_res(res, need),
                        fmt_res(res, max_free),
                    ),
                )
                .fix(format!(
                    "Lower the {res} request of {workload} to at most {} (what one node has free) or to what the containers use, or roll the change back (`kubectl rollout undo deployment/{workload_name} -n {}`); to keep {}, free a node or add one with that much {res} unrequested.",
                    fmt_res(res, max_free),
                    pod.ns_or_default(),
                    fmt_res(res, need),
                ))
                .links(links()),
            );
        } else if spread_binds {
            out.push(
                Hypothesis::new(
                    86,
                    Loop::Compute,
                    workload.clone(),
                    format!(
                        "the pod's topology spread constraint ({}, whenUnsatisfiable: DoNotSchedule) rules out {spread} node(s), and the nodes it leaves for {} have {} free in total ({detail}); the pod needs {}: the constraint keeps it off the nodes with room",
                        strict.join("; "),
                        pod.name(),
                        fmt_res(res, sum),
                        fmt_res(res, need)
                    ),
                )
                .fix(format!(
                    "Give the domain the constraint must fill next (the one with the fewest matching pods) {res} capacity, or relax the constraint on {workload}: raise maxSkew, or set `whenUnsatisfiable: ScheduleAnyway` so the scheduler prefers the spread but does not require it."
                ))
                .links(links()),
            );
        } else if let Some(largest) = (max_free < need)
            .then(|| rs.pool_max_alloc.unwrap_or(max_alloc))
            .filter(|m| need * 100 >= m * 85)
        {
            // A request of nearly a whole node: only a node running nothing
            // else could take it, and the DaemonSets and system pods every
            // node runs see that none ever is.
            out.push(
                Hypothesis::new(
                    84,
                    Loop::Compute,
                    workload.clone(),
                    format!(
                        "{} requests {}, {}% of the most a node it may run on offers ({}): only a node running nothing else could take it, and every node runs its system pods (the most free on one is {}; {detail})",
                        pod.name(),
                        fmt_res(res, need),
                        need * 100 / largest.max(1),
                        fmt_res(res, largest),
                        fmt_res(res, max_free),
                    ),
                )
                .fix(format!(
                    "Lower the {res} request of {workload} to what it uses (well under {} per node), or run it on larger nodes: a node pool of a bigger size, with a node selector or affinity for it.",
                    fmt_res(res, largest)
                ))
                .links(links()),
            );
        } else if sum >= need && max_free < need && frees.len() >= 2 {
            out.push(
                Hypothesis::new(
                    86,
                    Loop::Compute,
                    pool_ref.clone(),
                    format!(
                        "fragmentation: the nodes that could run {} have {} free in total ({detail}) but the most on one node is {}; the pod needs {} on a single node",
                        pod.name(),
                        fmt_res(res, sum),
                        fmt_res(res, max_free),
                        fmt_res(res, need)
                    ),
                )
                .fix(format!(
                    "The cluster is not out of {res}, it is fragmented. Free one node: move or right-size the pods packed on it (set accurate requests; a descheduler with `LowNodeUtilization`/`HighNodeUtilization` rebalances), give this pod a higher PriorityClass so it may preempt, or add a node with at least {} free.",
                    fmt_res(res, need)
                ))
                .links(links()),
            );
        } else if let Some(lr) = limit_range_default(a, pod, res) {
            // The request the scheduler cannot place was written by the
            // namespace's LimitRange, not by the workload: that is the
            // field to change (or the template's own requests to set).
            out.push(
                Hypothesis::new(
                    80,
                    Loop::Compute,
                    lr.range.clone(),
                    format!(
                        "LimitRange {} gives {} container(s) of {workload} that set no {res} request a default request of {} each: the pod needs {} in all, and the nodes that could run {} have {} free in total ({detail})",
                        lr.range.name,
                        lr.containers,
                        fmt_res(res, lr.each),
                        fmt_res(res, need),
                        pod.name(),
                        fmt_res(res, sum),
                    ),
                )
                .fix(format!(
                    "The {res} requests come from LimitRange {ns}/{name} (`defaultRequest` {each} per container), not from {workload}: set requests on {workload}'s containers that match what they use, or lower the LimitRange's default (`kubectl edit limitrange -n {ns} {name}`); otherwise add capacity.",
                    ns = pod.ns_or_default(),
                    name = lr.range.name,
                    each = fmt_res(res, lr.each),
                ))
                .links(links())
                .link(Link::new(
                    Loop::Compute,
                    None,
                    lr.range.clone(),
                    format!(
                        "LimitRange {} sets a default {res} request of {} on containers that declare none",
                        lr.range.name,
                        fmt_res(res, lr.each)
                    ),
                )),
            );
        } else {
            let stale = frees
                .iter()
                .max_by_key(|(_, f)| *f)
                .filter(|_| max_free >= need);
            out.push(
                Hypothesis::new(
                    66,
                    Loop::Compute,
                    pool_ref.clone(),
                    match stale {
                        // The scheduler's `Insufficient` is older than the
                        // snapshot's numbers: room freed since its attempt,
                        // or pods the input does not hold take it.
                        Some((node, free)) => format!(
                            "out of {res} when the scheduler last tried: it found no node with {} free for {}, while the snapshot shows {node} with {} free now (capacity freed since that attempt, or pods the input does not hold request it); the nodes that could run it have {} free in total ({detail})",
                            fmt_res(res, need),
                            pod.name(),
                            fmt_res(res, *free),
                            fmt_res(res, sum),
                        ),
                        None => format!(
                            "out of {res}: the nodes that could run {} have {} free in total ({detail}); the pod needs {}",
                            pod.name(),
                            fmt_res(res, sum),
                            fmt_res(res, need)
                        ),
                    },
                )
                .fix(match daemon_set_of(a, pod) {
                    // A DaemonSet's pod is bound to its one node: more
                    // nodes do not help it (kubernetes-sigs/karpenter#671).
                    Some(ds) => format!(
                        "Pod {} of DaemonSet {ds} can run only on its own node, which the pods already there have filled: new nodes do not help it. Give DaemonSet {ds} a priority that preempts (`priorityClassName: system-node-critical` for a node agent, or a PriorityClass above the workloads') so the scheduler evicts a lower-priority pod for it, or lower its {res} request; node autoscalers (Karpenter, cluster-autoscaler) leave room only for DaemonSets that exist before they size a node.",
                        pod.name()
                    ),
                    None => format!(
                    "{}{}",
                    stale.map(|(node, _)| format!("The snapshot shows room on {node} that the scheduler did not find: if the pod stays Pending, read its newest FailedScheduling event and `kubectl describe node {node}` (Allocated resources lists pods the input may lack). Otherwise: ")).unwrap_or_else(|| format!("The nodes are out of {res}. ")),
                    per_cloud(
                        a.cloud,
                        "Add capacity (a node or a larger node group), or lower requests that exceed real usage.",
                        "Add capacity: check that cluster-autoscaler (or Karpenter) runs and covers this node group, raise the group's max size, or lower requests that exceed real usage.",
                        "Add capacity: enable the cluster autoscaler on the node pool (`az aks nodepool update --enable-cluster-autoscaler`) or raise its max count, or lower requests that exceed real usage.",
                        "Add capacity: enable node-pool autoscaling or node auto-provisioning, or lower requests that exceed real usage.",
                    )
                )})
                .links(links()),
            );
        }
    }
    if want.pods > 0 && said(p, |r| *r == Reason::TooManyPods) > 0 && out.is_empty() {
        out.push(
            Hypothesis::new(70, Loop::Compute, pool_ref.clone(), "nodes are at their pod limit (`Too many pods`): max pods per node, not cpu or memory, is the budget that ran out")
                .fix(per_cloud(
                    a.cloud,
                    "Raise the kubelet's maxPods where the CNI allows, or add nodes.",
                    "With the VPC CNI, max pods follows the instance's ENI/IP limits: enable prefix delegation (`ENABLE_PREFIX_DELEGATION=true`) and raise maxPods, or use larger instances.",
                    "Raise `--max-pods` on a new node pool (Azure CNI reserves IPs per pod), or add nodes.",
                    "Raise max pods per node on a new node pool, or add nodes.",
                ))
                .links(scheduler_links(d)),
        );
    }
    if out.is_empty() && told > 0 {
        // The scheduler saw a shortage the model's numbers do not show (requests changed, usage of extended resources).
        let res: Vec<String> = p
            .fit
            .iter()
            .flat_map(|f| f.reasons.iter())
            .filter(|(_, r)| r.starts_with("Insufficient "))
            .map(|(n, r)| format!("{n} {r}"))
            .collect();
        out.push(
            Hypothesis::new(45, Loop::Compute, pool_ref, format!("the scheduler reports {}; the model's free capacity does not show the shortage (extended resources or requests that changed since)", res.join(", ")))
                .fix("Compare `kubectl describe node` Allocated resources with the pod's requests.")
                .links(scheduler_links(d)),
        );
    }
    out
}

fn pool_stats<'c>(a: &Analysis<'c>, spec: &PodSpec, verdicts: &[NodeVerdict]) -> PoolStats<'c> {
    let nodes = &a.cluster.nodes;
    let caps = a.node_capacity();
    let want = model::pod_requests(spec);
    // Nodes where only resources stand in the way (or that fit by the model's numbers).
    let candidates: Vec<(usize, &NodeVerdict)> = verdicts
        .iter()
        .enumerate()
        .filter(|(_, v)| v.fits || v.only_resources())
        .collect();
    // The pool, as indexes into the cluster's nodes.
    let pool: Vec<usize> = if candidates.is_empty() {
        (0..nodes.len())
            .filter(|&i| {
                !model::cordoned(&nodes[i]) && model::matches_node_selection(spec, &nodes[i])
            })
            .collect()
    } else {
        candidates
            .iter()
            .filter_map(|(i, v)| a.verdict_node(*i, v))
            .collect()
    };
    let mut neighbours = (0, 0);
    for &i in &pool {
        let (c, m) = caps[i].unrequested;
        neighbours.0 += c;
        neighbours.1 += m;
    }
    let res = ["cpu", "memory"]
        .into_iter()
        .map(|res| {
            let need = want.get(res).unwrap_or(0);
            let max_alloc = a.max_allocatable(res);
            // The nodes it may run on by their fixed traits (node
            // selection, taints), whatever is running there.
            let pool_max_alloc = nodes
                .iter()
                .filter(|n| {
                    !model::cordoned(n)
                        && model::matches_node_selection(spec, n)
                        && model::untolerated_taints(spec, n).is_empty()
                })
                .filter_map(|n| a.capacity().allocatable(n.name()).and_then(|x| x.get(res)))
                .max();
            let frees: Vec<(&'c str, i64)> = pool
                .iter()
                .filter_map(|&i| {
                    caps[i]
                        .free
                        .and_then(|f| f.get(res))
                        .map(|f| (nodes[i].name(), f.max(0)))
                })
                .collect();
            ResStats {
                res,
                max_alloc,
                pool_max_alloc,
                sum: frees.iter().map(|(_, f)| f).sum(),
                max_free: frees.iter().map(|(_, f)| *f).max().unwrap_or(0),
                short: frees.iter().any(|(_, f)| *f < need),
                frees,
            }
        })
        .collect();
    PoolStats {
        pool_ref: model::node_pool_ref(pool.iter().map(|&i| &nodes[i])),
        neighbours,
        res,
    }
}

/// A LimitRange default that wrote a pod's request for `res`.
struct Defaulted {
    range: ObjRef,
    /// The default request per container.
    each: i64,
    /// Containers of the template that set neither request nor limit.
    containers: usize,
}

/// The namespace's LimitRange whose default `res` request the pod carries
/// because its controller's template sets none: at least one container of
/// the template declares neither request nor limit for `res`, and those
/// containers' requests in the pod equal the default. `None` for a bare pod
/// (no template to compare), or when the template sets its own requests.
fn limit_range_default(a: &Analysis<'_>, pod: &Res<Pod>, res: &str) -> Option<Defaulted> {
    let ns = pod.ns_or_default();
    let (range, each) = a.cluster.limit_ranges.iter().find_map(|l| {
        if l.ns_or_default() != ns {
            return None;
        }
        l.spec.as_ref()?.limits.iter().find_map(|item| {
            if item.type_ != "Container" {
                return None;
            }
            let q = item
                .default_request
                .as_ref()
                .and_then(|m| m.get(res))
                .or_else(|| item.default.as_ref().and_then(|m| m.get(res)))?;
            day2_model::resources::amount(res, &q.0).map(|v| (l, v))
        })
    })?;
    if each <= 0 {
        return None;
    }
    let wref = model::workload_ref(a.cluster, pod);
    if wref.kind == "Pod" {
        return None;
    }
    let template = a
        .workloads_in(ns)
        .iter()
        .find(|w| w.kind == wref.kind && w.name == wref.name)?;
    let declares = |c: &k8s_openapi::api::core::v1::Container| {
        c.resources.as_ref().is_some_and(|r| {
            r.requests.as_ref().is_some_and(|m| m.contains_key(res))
                || r.limits.as_ref().is_some_and(|m| m.contains_key(res))
        })
    };
    let unset: Vec<&str> = template
        .spec
        .containers
        .iter()
        .filter(|c| !declares(c))
        .map(|c| c.name.as_str())
        .collect();
    let spec = pod.spec.as_ref()?;
    let carries = unset.iter().all(|n| {
        spec.containers
            .iter()
            .find(|c| c.name == *n)
            .and_then(|c| c.resources.as_ref()?.requests.as_ref()?.get(res))
            .and_then(|q| day2_model::resources::amount(res, &q.0))
            == Some(each)
    });
    (!unset.is_empty() && carries).then(|| Defaulted {
        range: range.objref(),
        each,
        containers: unset.len(),
    })
}

/// The DaemonSet that owns `pod`, as `namespace/name`.
fn daemon_set_of(a: &Analysis<'_>, pod: &day2_model::Res<day2_model::pod::Pod>) -> Option<String> {
    let o = a.cluster.owner_of(pod)?;
    (o.kind == "DaemonSet").then(|| format!("{}/{}", pod.ns_or_default(), o.name))
}
