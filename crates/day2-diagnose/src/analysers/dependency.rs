//! A container that crash-loops while a Service it names has no ready
//! endpoint: the dependency's failure is the first suspect, and its own cause
//! (found wherever it lives) goes into the dependant's chain.
//!
//! Dependencies are read from what the pod says: environment values and the
//! ConfigMap keys it loads (URLs, `*_HOST`, DSNs, `svc.cluster.local` names)
//! and its init containers' commands (`until nslookup mydb; …`). Error text
//! naming a host is followed by `follow::errors` and scores higher; this
//! covers the crash whose log says nothing the input holds.

use super::network::{dependencies, resolve_service};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::service::{endpoint_state, selected_pods};
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;

pub fn down<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Pod(pod) = d.subject else {
        return vec![];
    };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    let mut out = Vec::new();
    for (dep, var) in dependencies(a, ns, spec) {
        let dep_pods = selected_pods(a, dep);
        // A Service of the pod's own is down because the pod is.
        if dep_pods
            .iter()
            .any(|p| model::workload_ref(a.cluster, p) == workload)
        {
            continue;
        }
        if endpoint_state(a, dep, &dep_pods).ready > 0 {
            continue;
        }
        let Some(mut h) = resolve_service(a, dep, 1) else {
            continue;
        };
        // Below error text that names the failure; above a bare exit code.
        h.score = h.score.saturating_sub(20).clamp(40, 58);
        h.links.push(Link::new(
            Loop::Network,
            d.since,
            workload.clone(),
            format!(
                "{} crash-loops while its dependency Service {}/{} ({var}) has no ready endpoint",
                pod.name(),
                dep.ns_or_default(),
                dep.name()
            ),
        ));
        if !h.fix.is_empty() {
            h.fix.push(' ');
        }
        h.fix.push_str(&format!(
            "Then check that {workload} starts once {} answers (`kubectl logs -n {ns} {} --previous`).",
            dep.name(),
            pod.name()
        ));
        out.push(h);
    }
    out
}
