//! NodeResourcesFit: requests against allocatable minus what is bound.

use crate::amounts::format;
use crate::filter::{Failure, Plugin};
use crate::pod::Incoming;
use crate::state::State;
use std::borrow::Cow;

pub const TOO_MANY_PODS: &str = "Too many pods";

pub fn filter(st: &State<'_>, pod: &Incoming<'_, '_>, ni: usize) -> Option<Failure> {
    let node = &st.nodes[ni];
    let mine = pod.self_node == Some(ni);
    let mut reasons = smallvec::SmallVec::new();
    let mut details = Vec::new();
    let mut unresolvable = false;
    let used_pods = node.pods.len() as i64 - i64::from(mine);
    if used_pods + 1 > node.max_pods {
        reasons.push(Cow::Borrowed(TOO_MANY_PODS));
        details.push(pod.say(|| format!("{used_pods} of {} pod slots used", node.max_pods)));
    }
    let mut requested = node.requested.clone();
    if mine && let Some(i) = pod.self_idx {
        requested.sub(&st.pod_requests[i as usize]);
    }
    for (res, want) in pod.requests.iter() {
        if want <= 0 {
            continue;
        }
        let alloc = node.allocatable.get(res);
        let free = alloc - requested.get(res);
        if want > free {
            reasons.push(match res {
                "cpu" => Cow::Borrowed("Insufficient cpu"),
                "memory" => Cow::Borrowed("Insufficient memory"),
                "ephemeral-storage" => Cow::Borrowed("Insufficient ephemeral-storage"),
                _ => Cow::Owned(format!("Insufficient {res}")),
            });
            details.push(pod.say(|| {
                format!(
                    "requests {} {res}, {} of {} free",
                    format(res, want),
                    format(res, free.max(0)),
                    format(res, alloc)
                )
            }));
            unresolvable |= want > alloc;
        }
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Failure {
        plugin: Plugin::NodeResourcesFit,
        reasons,
        detail: details.join("; ").into(),
        unresolvable,
    })
}
