//! NodePorts: host ports already taken on the node.

use crate::filter::{Failure, Plugin, Rejection};
use crate::pod::Incoming;
use crate::state::State;

pub const REASON: Rejection = Rejection::HostPorts;

pub fn filter(st: &State<'_>, pod: &Incoming<'_, '_>, ni: usize) -> Option<Failure> {
    if pod.ports.is_empty() {
        return None;
    }
    let node = &st.nodes[ni];
    let clash = if pod.self_node == Some(ni) {
        // The pod is already bound here: its own ports are not a conflict.
        let mut in_use: Vec<_> = node.ports.iter().collect();
        for p in &pod.ports {
            if let Some(i) = in_use.iter().position(|x| *x == p) {
                in_use.swap_remove(i);
            }
        }
        pod.ports
            .iter()
            .find(|p| in_use.iter().any(|u| u.conflicts(p)))
    } else {
        // Judged for every node, for every pending pod: nothing copied.
        pod.ports
            .iter()
            .find(|p| node.distinct_ports.iter().any(|u| u.conflicts(p)))
    }?;
    Some(Failure::new(
        Plugin::NodePorts,
        REASON,
        pod.say(|| format!("hostPort {}/{} is taken", clash.port, clash.protocol)),
    ))
}
