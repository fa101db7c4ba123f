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

/// Public resolvers that answer from anywhere on the internet (Google,
/// Cloudflare, Quad9, OpenDNS): when none answers, the way out is blocked.
const PUBLIC_RESOLVERS: &[&str] = &[
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
    "149.112.112.112",
    "208.67.222.222",
    "208.67.220.220",
    "2001:4860:4860::8888",
    "2001:4860:4860::8844",
    "2606:4700:4700::1111",
    "2606:4700:4700::1001",
];

/// The upstreams of a `forward . A B …` line when every one is the node's
/// resolver (a resolv.conf file) or a public resolver: none of them is a
/// choice the cluster could get wrong, so no answer from them means the
/// path out is blocked. `None` when one is another address (a resolver the
/// Corefile picked, which may itself be down).
pub(super) fn outside_upstreams(forward: &str) -> Option<String> {
    let targets: Vec<&str> = forward.split_whitespace().skip(2).collect();
    let outside = |t: &str| {
        let host = t.trim_start_matches("dns://");
        let host = match host.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => h,
            _ => host,
        };
        host.starts_with('/') || PUBLIC_RESOLVERS.contains(&host)
    };
    (!targets.is_empty() && targets.iter().all(|t| outside(t))).then(|| targets.join(", "))
}

/// The Corefile's `forward` line in `cm`, without the block's `{`; the
/// `proxy` plugin's line where the Corefile predates `forward` (CoreDNS
/// before 1.5, as k3s and kubeadm shipped it: `proxy . 1.1.1.1`).
pub(super) fn forward_line(cm: &k8s_openapi::api::core::v1::ConfigMap) -> Option<String> {
    let lines = || {
        cm.data
            .as_ref()
            .and_then(|d| d.get("Corefile"))
            .into_iter()
            .flat_map(|c| c.lines())
            .map(str::trim)
    };
    lines()
        .find(|l| l.starts_with("forward "))
        .or_else(|| lines().find(|l| l.starts_with("proxy ")))
        .map(|l| l.trim_end_matches('{').trim().to_owned())
}

/// What to check when the cluster DNS forwards to the node's resolver
/// (kube-dns without `upstreamNameservers`, CoreDNS's `forward .
/// /etc/resolv.conf`): the file the kubelet hands the DNS pods
/// (`--resolv-conf`), which on nodes running systemd-resolved names its
/// stub 127.0.0.53, an address that inside the pod is the pod's own
/// loopback (kubernetes/kubernetes#45828: Ubuntu 17.04 and later).
pub(super) fn node_resolv_conf(
    a: &Analysis<'_>,
    w: &Workload<'_>,
    forward: Option<&str>,
) -> String {
    let kube_dns = w.spec.containers.iter().any(|c| c.name == "kubedns");
    let from_node = forward.is_none_or(|f| f.contains("/etc/resolv.conf"));
    if !(kube_dns || from_node) {
        return String::new();
    }
    let resolved = a.cluster.nodes.iter().any(|n| {
        n.status
            .as_ref()
            .and_then(|s| s.node_info.as_ref())
            .is_some_and(|i| {
                i.os_image
                    .strip_prefix("Ubuntu ")
                    .and_then(day2_model::text::major_minor)
                    .is_some_and(|v| v >= (17, 4))
            })
    });
    let upstream = if kube_dns {
        "kube-dns forwards what it does not serve to the node's resolv.conf, the kubelet's `--resolv-conf`, unless ConfigMap kube-system/kube-dns sets `upstreamNameservers`"
    } else {
        "`forward . /etc/resolv.conf` sends external names to the node's resolv.conf, the kubelet's `--resolv-conf`"
    };
    format!(
        " {upstream}{}: point the kubelet's `--resolv-conf` (`resolvConf` in its configuration) at /run/systemd/resolve/resolv.conf on nodes that run systemd-resolved, or name real upstream servers{}, then restart the DNS pods.",
        if resolved {
            "; these nodes run Ubuntu 17.04 or later, whose /etc/resolv.conf names systemd-resolved's stub 127.0.0.53, which inside the DNS pod is the pod's own loopback"
        } else {
            ""
        },
        if kube_dns {
            " (`upstreamNameservers: [\"8.8.8.8\"]` in ConfigMap kube-system/kube-dns)"
        } else {
            " in the `forward` line"
        }
    )
}

/// A Corefile with no `forward` (or `proxy`) in any server block: CoreDNS
/// answers the cluster's own names and SERVFAIL for every other
/// (fluxcd/flux2#4411: a hand edit dropped `forward . /etc/resolv.conf`).
pub(super) fn no_upstream(
    cm: &Res<k8s_openapi::api::core::v1::ConfigMap>,
    unforwarded: bool,
    what: &str,
) -> Option<Hypothesis> {
    let corefile = cm.data.as_ref()?.get("Corefile")?;
    if !unforwarded || corefile.trim().is_empty() {
        return None;
    }
    let (ns, name) = (cm.ns_or_default(), cm.name());
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            cm.objref(),
            format!("{what}: the Corefile in ConfigMap {ns}/{name} has no `forward` plugin, so CoreDNS has no upstream for names outside the cluster and answers them SERVFAIL (`server misbehaving`)"),
        )
        .fix(format!("Put the upstream back in the Corefile's `.:53` block: `forward . /etc/resolv.conf` (or the resolvers the cluster should use, `forward . 10.0.0.2`), with `kubectl -n {ns} edit configmap {name}`; CoreDNS's `reload` plugin picks it up within a minute, or restart the CoreDNS pods. If an addon manager or the platform owns the ConfigMap, change it there (a custom server block in `coredns-custom`), or it writes the old one back.")),
    )
}
