//! Why a StatefulSet rollout is stuck: the pod it waits for, and that pod's cause.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::probe::parse_unhealthy;
use crate::model;
use crate::symptoms::{Detail, Detected, Kind, Subject};
use day2_model::Loop;

pub fn statefulset<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::StatefulSet(sts) = d.subject else {
        return vec![];
    };
    let ns = sts.ns_or_default();
    let want = sts.spec.replicas.unwrap_or(1).max(0) as u32;
    let pods = a.cluster.pods_of("StatefulSet", ns, sts.name());
    let status = sts.status.as_ref();
    let update_rev = status.and_then(|s| s.update_revision.as_deref());
    let rolling = status.is_some_and(|s| s.current_revision.as_deref() != update_rev);
    let ordered = crate::model::ordered_ready(sts);
    let trap = if rolling && ordered {
        " With OrderedReady + RollingUpdate, reverting the template does not replace a broken pod on the update revision: delete that pod after fixing (kubernetes/kubernetes#67250)."
    } else {
        ""
    };
    for ordinal in 0..want {
        let name = format!("{}-{ordinal}", sts.name());
        let pod = pods.iter().find(|p| p.name() == name);
        let Some(pod) = pod else {
            let failed = d.events_with("FailedCreate").last();
            // The API server's refusal, classified as for any controller.
            if let Some(e) = failed {
                let mut create = Detected::new(
                    Kind::PodCreateFailed,
                    sts.objref(),
                    Subject::Controller {
                        meta: &sts.metadata,
                        template: Some(&sts.spec.template),
                    },
                );
                create.events = d.events.clone();
                create.detail = Detail::Message(e.message_text().to_owned());
                let hs = super::admission::failed_create(a, &create);
                if let Some(mut h) = hs.into_iter().find(|h| !h.unexplained) {
                    h.links.push(Link::from_event(
                        Loop::Compute,
                        e,
                        format!("StatefulSet could not create {name}"),
                    ));
                    return vec![h];
                }
            }
            if let Some(e) = failed
                && let Some(h) = super::invalid_spec::statefulset(sts, &name, e)
            {
                return vec![h];
            }
            let (obj, loop_, summary) = match failed {
                Some(e) => (
                    sts.objref(),
                    Loop::Storage,
                    format!("pod {name} cannot be created: {}", e.message_text()),
                ),
                None => (
                    sts.objref(),
                    Loop::Storage,
                    format!("pod {name} does not exist and the StatefulSet waits for it"),
                ),
            };
            let mut h = Hypothesis::new(
                if failed.is_some() { 75 } else { 35 },
                loop_,
                obj,
                summary,
            )
            .fix(format!(
                "Read `kubectl describe statefulset -n {ns} {}` for FailedCreate events.{trap}",
                sts.name()
            ));
            if let Some(e) = failed {
                h = h.link(Link::from_event(
                    Loop::Storage,
                    e,
                    format!("StatefulSet could not create {name}"),
                ));
            } else {
                h = h.missing(crate::evidence::events_absent("FailedCreate"));
            }
            return vec![h];
        };
        if model::is_ready(pod) {
            continue;
        }
        let wait = Link::new(
            Loop::Storage,
            d.since,
            sts.objref(),
            format!(
                "StatefulSet {} waits for {name} to become Ready before it goes on{}",
                sts.name(),
                if ordered { " (OrderedReady)" } else { "" }
            ),
        );
        // A pod that only fails its probes is the rollout's readiness wait, said below.
        if let Some(r) = a
            .pod_result(ns, &name)
            .filter(|r| r.kind != Kind::ProbeFailing)
        {
            let mut h = r.as_upstream(2);
            h.links.push(wait);
            if !trap.is_empty() {
                h.fix.push_str(trap);
            }
            return vec![h];
        }
        // Its node is lost or not Ready: that is why, whatever the pod says.
        if let Some(r) = a.node_result_of(pod) {
            let mut h = r.as_upstream(2);
            h.links.push(wait);
            return vec![h];
        }
        let unhealthy = a
            .cluster
            .events_for_obj(pod)
            .into_iter()
            .rev()
            .find(|e| parse_unhealthy(e.message_text()).is_some());
        if unhealthy.is_none()
            && let Some(mut h) = super::node::stale_ready(a, pod)
        {
            h.links.push(wait);
            return vec![h];
        }
        // A server whose readiness failure says why (CoreDNS, metrics-server,
        // Elasticsearch).
        if let Some(e) = unhealthy
            && let Some(mut h) = super::coredns_ready::known(a, pod, e.message_text(), e)
        {
            h.links.push(wait);
            return vec![h];
        }
        let workload = sts.objref();
        let mut h = Hypothesis::new(
            if unhealthy.is_some() { 65 } else { 40 },
            Loop::Network,
            workload,
            match unhealthy {
                Some(e) => format!(
                    "{name} runs but never passes its readiness probe: {}",
                    e.message_text()
                ),
                None => format!("{name} runs but is not Ready"),
            },
        )
        .fix(format!(
            "Fix what the readiness probe of {name} checks (or the probe itself).{trap}"
        ))
        .link(wait);
        if let Some(e) = unhealthy {
            h = h.link(Link::from_event(
                Loop::Network,
                e,
                format!("{name} fails its readiness probe"),
            ));
        } else {
            h = h.missing(crate::evidence::events_absent("Unhealthy"));
        }
        return vec![h];
    }
    vec![]
}
