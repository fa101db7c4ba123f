//! A DNS failure whose resolver is no pod or Service of the cluster: the
//! pod's egress policies must admit it by address.

use super::*;

/// The resolver a lookup went to (`lookup H on 169.254.169.254:53`), when
/// it is no Service's cluster IP and no pod can hold it: NodeLocal
/// DNSCache's link-local address, GKE's Cloud DNS at the metadata address,
/// a node's own address.
pub(super) fn outside_resolver(a: &Analysis<'_>, server: Option<&str>) -> Option<IpAddr> {
    let ip: IpAddr = server_host(server?).parse().ok()?;
    let text = ip.to_string();
    let a_service = service_at(a, &text).is_some();
    // Pod IPs are not kept; the addresses no pod has are the link-local
    // ones and the nodes' own.
    let link_local = match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    };
    let a_node = a.cluster.nodes.iter().any(|n| {
        n.status
            .as_ref()
            .and_then(|st| st.addresses.as_ref())
            .is_some_and(|ads| ads.iter().any(|ad| ad.address == text))
    });
    (!a_service && (link_local || a_node)).then_some(ip)
}

/// The pod's egress policies admit no DNS query to `ip`, an address no pod
/// or namespace selector can match: only an `ipBlock` lets it through.
pub(super) fn resolver_denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    ip: IpAddr,
    what: &str,
) -> Option<Hypothesis> {
    let port = Port::udp(53);
    let v = netpol::evaluate(a.cluster, pod, Direction::Egress, Peer::Ip(ip), port);
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    (!v.allowed()).then(|| {
        policy_hypothesis(
            pod,
            Direction::Egress,
            &v,
            &format!("the resolver {ip} its lookups go to"),
            port,
            &format!(
                "to: [{{ipBlock: {{cidr: {ip}/{bits}}}}}]\n  ports: [{{protocol: UDP, port: 53}}, {{protocol: TCP, port: 53}}]\n(the pod's resolver {ip} is not a pod: NodeLocal DNSCache and GKE's Cloud DNS answer at a link-local address, which pod and namespace selectors never match)"
            ),
            what,
        )
    })
}
