//! Replicas of one workload that never become ready while a NetworkPolicy
//! that isolates them for ingress admits, on a port their containers
//! declare, none of their own kind: the port the replicas talk to each other
//! on (Kafka's replication listener, a database's cluster port) is shut
//! between them, so none of them finds its peers and none passes its
//! readiness check (strimzi/strimzi-kafka-operator#2380: the operator's
//! policy without the brokers' replication port 9091).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::netpol::{self, Direction, Peer, Port};
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;

pub fn shut<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let owner = match d.subject {
        Subject::StatefulSet(s) => s.objref(),
        Subject::Pod(p) => model::workload_ref(a.cluster, p),
        _ => return vec![],
    };
    let ns = owner.namespace.as_deref().unwrap_or("default");
    let pods = a.cluster.pods_of(&owner.kind, ns, &owner.name);
    // Peers that are up and all unready: a readiness that waits on the others.
    if pods.len() < 2
        || pods
            .iter()
            .any(|p| model::is_ready(p) || model::phase(p) != "Running")
    {
        return vec![];
    }
    let (dst, src) = (pods[0], pods[1]);
    let declared = dst
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten());
    for p in declared {
        let protocol = p.protocol.as_deref().unwrap_or("TCP");
        let Ok(number) = u16::try_from(p.container_port) else {
            continue;
        };
        let port = Port {
            number,
            name: p.name.as_deref(),
            protocol,
        };
        let v = netpol::evaluate(a.cluster, dst, Direction::Ingress, Peer::Pod(src), port);
        if v.allowed() {
            continue;
        }
        let Some(policy) = v.denier(Direction::Ingress) else {
            continue;
        };
        let named = p
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        return vec![
            Hypothesis::new(
                72,
                Loop::Network,
                policy.objref(),
                format!(
                    "the {} pods of {} run and none becomes ready, and NetworkPolicy {ns}/{} isolates them for ingress without admitting port {number}/{protocol}{named}, which their containers declare, from one another: {} cannot reach {} there",
                    pods.len(),
                    owner.display(),
                    policy.name(),
                    src.name(),
                    dst.name()
                ),
            )
            .fix(format!(
                "Add an ingress rule to NetworkPolicy {ns}/{} for port {number}/{protocol}{named} from the pods of {} themselves (a `podSelector` with their labels), or from where else that port is used; an operator that owns the policy takes the port from its own resource (upgrade it, or set the listener there).",
                policy.name(),
                owner.display()
            )),
        ];
    }
    vec![]
}
