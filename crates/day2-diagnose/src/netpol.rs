//! NetworkPolicy evaluation as the API defines it
//! (`k8s.io/api/networking/v1/types.go`, kubernetes/kubernetes
//! `pkg/apis/networking/types.go`):
//!
//! - a policy selects the pods of its own namespace that its `podSelector`
//!   matches (an empty selector: every pod of the namespace);
//! - `policyTypes` defaults to `Ingress`, plus `Egress` when the policy has
//!   egress rules;
//! - a pod selected by no policy of a direction is not isolated in it: all
//!   traffic is allowed; once one policy isolates it, traffic is allowed
//!   only if some rule of some selecting policy admits it (rules are ORed,
//!   policies are additive);
//! - a rule with no `from`/`to` admits every peer, with no `ports` every
//!   port; a peer with `podSelector` alone selects pods of the policy's
//!   namespace, with `namespaceSelector` alone every pod of the matching
//!   namespaces, with both the matching pods of the matching namespaces; an
//!   `ipBlock` admits addresses in `cidr` outside its `except` ranges (a
//!   pod's own address too, as Calico and most plugins read it, but not
//!   under Cilium, whose CIDR rules select no endpoint of the cluster);
//! - a port's protocol defaults to TCP; `endPort` makes a range; a named port
//!   is resolved against the destination pod's container ports.
//!
//! A namespace selector reads the Namespace's labels; when the input lacks
//! the Namespace object, its automatic `kubernetes.io/metadata.name` label is
//! still known.

use day2_model::pod::Pod;
use day2_model::selector::{Labels, label_selector_matches};
use day2_model::{Cluster, Res};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::net::IpAddr;

/// Which side of a pod a policy guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
}

/// The other end of a connection.
#[derive(Debug, Clone, Copy)]
pub enum Peer<'c> {
    /// A pod of the cluster.
    Pod(&'c Res<Pod>),
    /// An address that is not a pod's (a node, the API server, a VM).
    Ip(IpAddr),
    /// A host outside the cluster whose address the input does not hold.
    External,
}

/// A destination port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port<'a> {
    pub number: u16,
    /// The container port's name at the destination, when the destination is a pod.
    pub name: Option<&'a str>,
    pub protocol: &'a str,
}

impl Port<'_> {
    pub fn tcp(number: u16) -> Port<'static> {
        Port {
            number,
            name: None,
            protocol: "TCP",
        }
    }
    pub fn udp(number: u16) -> Port<'static> {
        Port {
            number,
            name: None,
            protocol: "UDP",
        }
    }
}

/// The policies that decide one direction of one connection.
#[derive(Debug, Default)]
pub struct Verdict<'c> {
    /// Policies that select the pod for this direction.
    pub isolating: Vec<&'c Res<NetworkPolicy>>,
    /// Those of them with a rule that admits the connection.
    pub allowing: Vec<&'c Res<NetworkPolicy>>,
}

impl<'c> Verdict<'c> {
    pub fn allowed(&self) -> bool {
        self.isolating.is_empty() || !self.allowing.is_empty()
    }

    /// The policy to name as the one that denies: one that isolates without
    /// admitting anything in this direction (a default deny) first, then one
    /// that selects the whole namespace, then by name.
    pub fn denier(&self, dir: Direction) -> Option<&'c Res<NetworkPolicy>> {
        self.isolating.iter().copied().min_by_key(|p| {
            (
                !rules_empty(p, dir),
                !p.spec
                    .as_ref()
                    .and_then(|s| s.pod_selector.as_ref())
                    .is_none_or(day2_model::selector::label_selector_is_empty),
                p.name().to_owned(),
            )
        })
    }
}

/// The one isolating policy with a rule for this very port whose peers
/// leave the destination out: the rule meant to admit the connection, and
/// the one to correct (a DNS rule to the kube-dns pods when the queries go
/// to a node-local address). `None` when no policy, or more than one, has
/// such a rule.
impl<'c> Verdict<'c> {
    pub fn meant(&self, dir: Direction, port: Port<'_>) -> Option<&'c Res<NetworkPolicy>> {
        let mut meant = self.isolating.iter().copied().filter(|p| {
            let Some(s) = p.spec.as_ref() else {
                return false;
            };
            let ports =
                |ports: Option<&Vec<k8s_openapi::api::networking::v1::NetworkPolicyPort>>| {
                    ports.is_some_and(|ps| {
                        ps.iter().any(|x| {
                            x.port.is_some()
                                && port_admits(x, i32::from(port.number), port.name, port.protocol)
                        })
                    })
                };
            match dir {
                Direction::Egress => s.egress.iter().flatten().any(|r| ports(r.ports.as_ref())),
                Direction::Ingress => s.ingress.iter().flatten().any(|r| ports(r.ports.as_ref())),
            }
        });
        let first = meant.next()?;
        meant.next().is_none().then_some(first)
    }
}

fn rules_empty(p: &NetworkPolicy, dir: Direction) -> bool {
    let Some(s) = p.spec.as_ref() else {
        return true;
    };
    match dir {
        Direction::Ingress => s.ingress.as_ref().is_none_or(Vec::is_empty),
        Direction::Egress => s.egress.as_ref().is_none_or(Vec::is_empty),
    }
}

use day2_model::netpol::{namespace_labels, policy_selects, policy_types, port_admits};

/// Whether the policy selects the pod.
pub fn selects(p: &Res<NetworkPolicy>, pod: &Res<Pod>) -> bool {
    if p.ns_or_default() != pod.ns_or_default() {
        return false;
    }
    policy_selects(p, pod.labels())
}

/// Evaluate one direction of a connection for `subject`, the pod the
/// policies would select: the source for egress, the destination for
/// ingress. `peer` is the other end; `port` the destination port.
pub fn evaluate<'c>(
    cluster: &'c Cluster,
    subject: &Res<Pod>,
    dir: Direction,
    peer: Peer<'_>,
    port: Port<'_>,
) -> Verdict<'c> {
    let mut v = Verdict::default();
    let pods_in_blocks = !cluster
        .daemon_sets
        .iter()
        .any(|d| d.name().starts_with("cilium"));
    // The peer pod's namespace labels, read once for every rule.
    let peer_ns = match peer {
        Peer::Pod(pod) => namespace_labels(cluster, pod.ns_or_default()),
        _ => Labels::default(),
    };
    for p in &cluster.network_policies {
        if !selects(p, subject) {
            continue;
        }
        let (ingress, egress) = policy_types(p);
        let Some(spec) = p.spec.as_ref() else {
            continue;
        };
        let admits = match dir {
            Direction::Ingress if ingress => {
                v.isolating.push(p);
                spec.ingress.iter().flatten().any(|r| {
                    rule_admits(
                        pods_in_blocks,
                        &peer_ns,
                        p.ns_or_default(),
                        r.from.as_deref(),
                        r.ports.as_deref(),
                        peer,
                        port,
                    )
                })
            }
            Direction::Egress if egress => {
                v.isolating.push(p);
                spec.egress.iter().flatten().any(|r| {
                    rule_admits(
                        pods_in_blocks,
                        &peer_ns,
                        p.ns_or_default(),
                        r.to.as_deref(),
                        r.ports.as_deref(),
                        peer,
                        port,
                    )
                })
            }
            _ => false,
        };
        if admits {
            v.allowing.push(p);
        }
    }
    v
}

fn rule_admits(
    pods_in_blocks: bool,
    peer_ns: &Labels,
    policy_ns: &str,
    peers: Option<&[NetworkPolicyPeer]>,
    ports: Option<&[NetworkPolicyPort]>,
    peer: Peer<'_>,
    port: Port<'_>,
) -> bool {
    let peer_ok = match peers {
        None | Some([]) => true,
        Some(ps) => ps
            .iter()
            .any(|p| peer_matches(peer_ns, policy_ns, p, peer, pods_in_blocks)),
    };
    let port_ok = match ports {
        None | Some([]) => true,
        Some(ps) => ps
            .iter()
            .any(|p| port_admits(p, i32::from(port.number), port.name, port.protocol)),
    };
    peer_ok && port_ok
}

fn peer_matches(
    peer_ns: &Labels,
    policy_ns: &str,
    p: &NetworkPolicyPeer,
    peer: Peer<'_>,
    pods_in_blocks: bool,
) -> bool {
    if let Some(block) = &p.ip_block {
        return match peer {
            Peer::Ip(ip) => ip_block_contains(block, ip),
            Peer::External => ip_block_admits_any_public(block),
            // Whether a pod's own address falls under an ipBlock is the
            // plugin's choice: Calico matches it, Cilium by default does not
            // (its CIDR rules select no endpoint of the cluster).
            Peer::Pod(_) if !pods_in_blocks => false,
            Peer::Pod(pod) => pod
                .status
                .as_ref()
                .and_then(|s| s.pod_ip.as_deref())
                .and_then(|ip| ip.parse().ok())
                .is_some_and(|ip| ip_block_contains(block, ip)),
        };
    }
    let Peer::Pod(pod) = peer else {
        return false;
    };
    let ns = pod.ns_or_default();
    let ns_ok = match &p.namespace_selector {
        Some(sel) => label_selector_matches(sel, peer_ns),
        None => ns == policy_ns,
    };
    let pod_ok = p
        .pod_selector
        .as_ref()
        .is_none_or(|sel: &LabelSelector| label_selector_matches(sel, pod.labels()));
    ns_ok && pod_ok
}

/// `(address, prefix length)` of a CIDR.
fn parse_cidr(cidr: &str) -> Option<(IpAddr, u8)> {
    let (ip, len) = cidr.trim().split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((ip, len))
}

/// Whether `cidr` (IPv4 or IPv6, `a.b.c.d/n`) contains `ip`; false for a
/// CIDR that does not parse.
pub(crate) fn cidr_contains(cidr: &str, ip: IpAddr) -> bool {
    let Some((net, len)) = parse_cidr(cidr) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

fn ip_block_contains(b: &IPBlock, ip: IpAddr) -> bool {
    cidr_contains(&b.cidr, ip) && !b.except.iter().flatten().any(|e| cidr_contains(e, ip))
}

/// Whether an ipBlock admits a public address the input does not name: it
/// spans the whole address space and excepts only private ranges.
fn ip_block_admits_any_public(b: &IPBlock) -> bool {
    let whole = parse_cidr(&b.cidr).is_some_and(|(_, len)| len == 0);
    let private_only = b.except.iter().flatten().all(|e| {
        parse_cidr(e).is_some_and(|(ip, _)| match ip {
            IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
            IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
        })
    });
    whole && private_only
}

/// A destination pod's container port with this number, to resolve named policy ports.
pub fn port_name<'p>(pod: &'p Pod, number: u16, protocol: &str) -> Option<&'p str> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .flat_map(|c| c.ports.iter().flatten())
        .find(|p| {
            i64::from(p.container_port) == i64::from(number)
                && p.protocol
                    .as_deref()
                    .unwrap_or("TCP")
                    .eq_ignore_ascii_case(protocol)
        })
        .and_then(|p| p.name.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::SourceKind;

    fn cluster(items: &str) -> Cluster {
        let text = format!(r#"{{"apiVersion":"v1","kind":"List","items":[{items}]}}"#);
        match day2_sources::testing::cluster_from_yaml(&text, SourceKind::Snapshot) {
            Ok(c) => c,
            Err(e) => panic!("test cluster does not load: {e}"),
        }
    }

    fn pod<'c>(c: &'c Cluster, ns: &str, name: &str) -> &'c Res<Pod> {
        match c
            .pods
            .iter()
            .find(|p| p.ns_or_default() == ns && p.name() == name)
        {
            Some(p) => p,
            None => panic!("no pod {ns}/{name}"),
        }
    }

    const PODS: &str = r#"
      {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","labels":{"team":"shop"}}},
      {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ops"}},
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]}},
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"worker","namespace":"shop","labels":{"app":"worker"}},"spec":{"containers":[{"name":"c","image":"i"}]}},
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"redis","namespace":"shop","labels":{"app":"redis"}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"name":"redis","containerPort":6379}]}]}},
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"prom","namespace":"ops","labels":{"app":"prom"}},"spec":{"containers":[{"name":"c","image":"i"}]}}
    "#;

    fn with(policies: &str) -> Cluster {
        cluster(&format!("{PODS},{policies}"))
    }

    #[test]
    fn an_unselected_pod_is_not_isolated() {
        let c = with(
            r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"redis-only","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"redis"}},"ingress":[]}}"#,
        );
        let web = pod(&c, "shop", "web");
        let redis = pod(&c, "shop", "redis");
        let v = evaluate(&c, web, Direction::Ingress, Peer::Pod(redis), Port::tcp(80));
        assert!(v.allowed() && v.isolating.is_empty());
        // The policy has no egress rules and no policyTypes: it isolates ingress only.
        let v = evaluate(&c, redis, Direction::Egress, Peer::External, Port::tcp(443));
        assert!(v.allowed());
        let v = evaluate(
            &c,
            redis,
            Direction::Ingress,
            Peer::Pod(web),
            Port::tcp(6379),
        );
        assert!(!v.allowed());
        assert_eq!(
            v.denier(Direction::Ingress).map(|p| p.name()),
            Some("redis-only")
        );
    }

    #[test]
    fn default_deny_egress_blocks_dns_until_an_allow_rule_admits_it() {
        let deny = r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"default-deny","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}"#;
        let c = cluster(&format!(
            r#"{PODS},{deny},
            {{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"coredns","namespace":"kube-system","labels":{{"k8s-app":"kube-dns"}}}},"spec":{{"containers":[{{"name":"c","image":"i"}}]}}}}"#
        ));
        let web = pod(&c, "shop", "web");
        let dns = pod(&c, "kube-system", "coredns");
        let v = evaluate(&c, web, Direction::Egress, Peer::Pod(dns), Port::udp(53));
        assert!(!v.allowed());
        assert_eq!(
            v.denier(Direction::Egress).map(|p| p.name()),
            Some("default-deny")
        );

        let allow = r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"allow-dns","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}},"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}}],"ports":[{"protocol":"UDP","port":53}]}]}}"#;
        let c = cluster(&format!(
            r#"{PODS},{deny},{allow},
            {{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"coredns","namespace":"kube-system","labels":{{"k8s-app":"kube-dns"}}}},"spec":{{"containers":[{{"name":"c","image":"i"}}]}}}}"#
        ));
        let web = pod(&c, "shop", "web");
        let dns = pod(&c, "kube-system", "coredns");
        assert!(evaluate(&c, web, Direction::Egress, Peer::Pod(dns), Port::udp(53)).allowed());
        // UDP only: DNS over TCP and other ports stay denied.
        assert!(!evaluate(&c, web, Direction::Egress, Peer::Pod(dns), Port::tcp(53)).allowed());
        let v = evaluate(&c, web, Direction::Egress, Peer::External, Port::tcp(443));
        assert!(!v.allowed());
        // The deny-all is named, not the allow-list that merely does not cover 443.
        assert_eq!(
            v.denier(Direction::Egress).map(|p| p.name()),
            Some("default-deny")
        );
    }

    #[test]
    fn pod_and_namespace_selectors_combine_as_upstream_documents() {
        // Both in one peer: pods labelled app=prom in namespaces labelled team=shop.
        let c = with(
            r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"redis","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"redis"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}},{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ops"}},"podSelector":{"matchLabels":{"app":"prom"}}}],"ports":[{"port":"redis"}]}]}}"#,
        );
        let redis = pod(&c, "shop", "redis");
        let port = Port {
            number: 6379,
            name: port_name(redis, 6379, "TCP"),
            protocol: "TCP",
        };
        assert_eq!(port.name, Some("redis"));
        let from = |ns: &str, name: &str| {
            evaluate(
                &c,
                redis,
                Direction::Ingress,
                Peer::Pod(pod(&c, ns, name)),
                port,
            )
            .allowed()
        };
        assert!(from("shop", "web"), "podSelector alone: same namespace");
        assert!(!from("shop", "worker"), "another app of the namespace");
        assert!(from("ops", "prom"), "namespace by its automatic name label");
        // A named port matches only the destination's port of that name.
        let other = Port::tcp(6380);
        assert!(
            !evaluate(
                &c,
                redis,
                Direction::Ingress,
                Peer::Pod(pod(&c, "shop", "web")),
                other
            )
            .allowed()
        );
    }

    #[test]
    fn ip_blocks_ranges_and_exceptions() {
        let c = with(
            r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"egress","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"worker"}},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/16","except":["10.0.5.0/24"]}}],"ports":[{"protocol":"TCP","port":8000,"endPort":8100}]}]}}"#,
        );
        let worker = pod(&c, "shop", "worker");
        let ip = |s: &str| match s.parse::<IpAddr>() {
            Ok(ip) => Peer::Ip(ip),
            Err(e) => panic!("{e}"),
        };
        let ok = |peer, port| evaluate(&c, worker, Direction::Egress, peer, port).allowed();
        assert!(ok(ip("10.0.1.7"), Port::tcp(8050)));
        assert!(!ok(ip("10.0.5.7"), Port::tcp(8050)), "excepted range");
        assert!(!ok(ip("10.1.0.1"), Port::tcp(8050)), "outside the cidr");
        assert!(!ok(ip("10.0.1.7"), Port::tcp(8101)), "past endPort");
        assert!(
            !ok(Peer::External, Port::tcp(8050)),
            "a public host is not in 10.0.0.0/16"
        );

        let c = with(
            r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"egress","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"0.0.0.0/0","except":["10.0.0.0/8"]}}]}]}}"#,
        );
        let worker = pod(&c, "shop", "worker");
        assert!(
            evaluate(
                &c,
                worker,
                Direction::Egress,
                Peer::External,
                Port::tcp(443)
            )
            .allowed()
        );
    }

    #[test]
    fn an_ip_block_holds_a_pods_address_unless_cilium_reads_it() {
        let policy = r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"open","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"worker"}},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"0.0.0.0/0","except":["169.254.169.254/32"]}}]}]}}"#;
        let dns = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dns","namespace":"ops","labels":{"app":"dns"}},"spec":{"containers":[{"name":"c","image":"i"}]},"status":{"podIP":"10.244.1.5"}}"#;
        let admits = |c: &Cluster| {
            evaluate(
                c,
                pod(c, "shop", "worker"),
                Direction::Egress,
                Peer::Pod(pod(c, "ops", "dns")),
                Port::udp(53),
            )
            .allowed()
        };
        // Calico and most plugins match a pod's address against the block.
        assert!(admits(&with(&format!("{policy},{dns}"))));
        // Cilium's CIDR rules select no endpoint of the cluster.
        let cilium = r#"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"cilium","namespace":"kube-system"},"spec":{"selector":{"matchLabels":{"k8s-app":"cilium"}},"template":{"metadata":{"labels":{"k8s-app":"cilium"}},"spec":{"containers":[{"name":"cilium-agent","image":"quay.io/cilium/cilium:v1.14.0"}]}}}}"#;
        assert!(!admits(&with(&format!("{policy},{dns},{cilium}"))));
        // The excepted address stays shut whatever the plugin.
        let c = with(&format!("{policy},{dns}"));
        let metadata = Peer::Ip(IpAddr::from([169, 254, 169, 254]));
        assert!(
            !evaluate(
                &c,
                pod(&c, "shop", "worker"),
                Direction::Egress,
                metadata,
                Port::tcp(80)
            )
            .allowed()
        );
    }
}
