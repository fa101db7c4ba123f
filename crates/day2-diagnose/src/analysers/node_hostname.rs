//! A component that reaches the kubelets by the nodes' `Hostname`
//! addresses, where one of them is a name no DNS server knows: metrics-server
//! scrapes `https://k8s-worker-3:10250` and the lookup answers `no such
//! host`, so its readiness (`last tick wasn't healthy`) never passes
//! (kubernetes-sigs/metrics-server#687: a node whose hostname differs from
//! its EC2 DNS name).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, Pod, Res};

/// The host a failed lookup names: `lookup k8s-worker-3 on 172.20.0.10:53: no such host`.
fn unresolved(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("lookup ")?;
    let host = rest.split([' ', ':', '"', '\\']).next()?;
    let after = &rest[host.len()..];
    let line_end = after.find('\n').unwrap_or(after.len());
    after[..line_end].contains("no such host").then_some(host)
}

fn said(pod: &Pod) -> impl Iterator<Item = &str> {
    model::container_statuses(pod).flat_map(|cs| {
        [cs.state.as_deref(), cs.last_state.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|s| s.terminated.as_ref()?.message.as_deref())
    })
}

pub fn by_hostname<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let pods: Vec<&Res<Pod>> = match d.subject {
        Subject::Pod(p) => vec![p],
        Subject::Service(s) => crate::symptoms::service::selected_pods(a, s),
        _ => return vec![],
    };
    for pod in pods {
        let Some(host) = said(pod).flat_map(str::lines).find_map(unresolved) else {
            continue;
        };
        // A node known by that Hostname address, under another name.
        let Some(node) = a.cluster.nodes.iter().find(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.addresses.as_deref())
                .is_some_and(|xs| {
                    xs.iter()
                        .any(|x| x.type_ == "Hostname" && x.address == host)
                })
        }) else {
            continue;
        };
        let workload = model::workload_ref(a.cluster, pod);
        let metrics = pod.spec.as_ref().is_some_and(|s| {
            s.containers.iter().any(|c| {
                c.image
                    .as_deref()
                    .is_some_and(|i| i.contains("metrics-server"))
            })
        });
        let flag = if metrics {
            format!(
                "start metrics-server with `--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname` in {workload}'s arguments, so it scrapes the kubelets by address"
            )
        } else {
            format!("have {workload} reach the nodes by their InternalIP")
        };
        let n = node.name();
        return vec![
            Hypothesis::new(
                82,
                Loop::Network,
                workload.clone(),
                format!("{workload} reaches node {n}'s kubelet by its Hostname address {host}, which DNS does not resolve (`lookup {host}: no such host`), so it cannot read that node"),
            )
            .fix(format!("Either {flag}, or make the hostname resolvable (a DNS record for {host}, or the node registered under the name DNS knows: the kubelet's `--hostname-override`)."))
            .link(Link::new(Loop::Network, None, node.objref(), format!("node {n} has Hostname address {host}"))),
        ];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_a_lookup_fails_for() {
        assert_eq!(
            unresolved(
                "err=\"Get \\\"https://k8s-worker-3:10250/stats/summary\\\": dial tcp: lookup k8s-worker-3 on 172.20.0.10:53: no such host\" node=\"x\""
            ),
            Some("k8s-worker-3")
        );
        assert_eq!(
            unresolved("lookup db on 10.0.0.10:53: server misbehaving"),
            None
        );
    }
}
