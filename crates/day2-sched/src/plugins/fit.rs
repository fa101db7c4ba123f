//! NodeResourcesFit: requests against allocatable minus what is bound.

use crate::filter::{Failure, Plugin, Rejection};
use crate::pod::Incoming;
use crate::state::State;
use day2_model::resources::format_amount;
use std::borrow::Cow;

pub const TOO_MANY_PODS: Rejection = Rejection::TooManyPods;

pub fn filter(st: &State<'_>, pod: &Incoming<'_, '_>, ni: usize) -> Option<Failure> {
    let node = &st.nodes[ni];
    let mine = pod.self_node == Some(ni);
    let mut reasons = smallvec::SmallVec::new();
    // Details only when wanted: verdicts for many pods skip the formatting.
    let mut details: Vec<String> = Vec::new();
    let mut unresolvable = false;
    let used_pods = node.pods.len() as i64 - i64::from(mine);
    if used_pods + 1 > node.max_pods {
        reasons.push(TOO_MANY_PODS);
        if pod.detailed {
            details.push(format!("{used_pods} of {} pod slots used", node.max_pods));
        }
    }
    // The node's usage without the pod itself, when it is bound there.
    let own;
    let requested = match pod.self_idx {
        Some(i) if mine => {
            let mut r = node.requested.clone();
            r.sub(&st.pod_requests[i as usize]);
            own = r;
            &own
        }
        _ => &node.requested,
    };
    // (resource, wanted, allocatable, requested): the three built-in
    // resources read field by field, extended ones by name.
    let (want, alloc, used) = (&pod.requests, &node.allocatable, requested);
    let amounts = [
        ("cpu", want.cpu, alloc.cpu, used.cpu),
        ("memory", want.memory, alloc.memory, used.memory),
        (
            "ephemeral-storage",
            want.ephemeral_storage,
            alloc.ephemeral_storage,
            used.ephemeral_storage,
        ),
    ]
    .into_iter()
    .chain(
        want.scalar
            .iter()
            .map(|(res, w)| (res.as_str(), *w, alloc.get(res), used.get(res))),
    );
    for (res, want, alloc, used) in amounts {
        if want <= 0 {
            continue;
        }
        let free = alloc - used;
        if want > free {
            reasons.push(Rejection::Insufficient(match res {
                "cpu" => Cow::Borrowed("cpu"),
                "memory" => Cow::Borrowed("memory"),
                "ephemeral-storage" => Cow::Borrowed("ephemeral-storage"),
                _ => Cow::Owned(res.to_owned()),
            }));
            if pod.detailed {
                details.push(format!(
                    "requests {} {res}, {} of {} free",
                    format_amount(res, want),
                    format_amount(res, free.max(0)),
                    format_amount(res, alloc)
                ));
            }
            unresolvable |= want > alloc;
        }
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Failure {
        plugin: Plugin::NodeResourcesFit,
        reasons,
        detail: if details.is_empty() {
            Cow::Borrowed("")
        } else {
            details.join("; ").into()
        },
        unresolvable,
    })
}
