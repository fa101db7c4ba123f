//! A refused or timed-out connection followed: the Service the host or
//! address names (port, endpoints), then the NetworkPolicies on both ends.

use super::*;

/// What a host in a connection error names in the cluster.
pub(super) enum Target<'c> {
    Service(&'c Res<Service>),
    Pod(&'c Res<Pod>),
    Ip(IpAddr),
    External,
}

pub(super) fn resolve_host<'c>(a: &Analysis<'c>, ns: &str, host: &str) -> Target<'c> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        if let Some(s) = service_at(a, host) {
            return Target::Service(s);
        }
        // A pod address the endpoints name.
        for ep in &a.cluster.endpoints {
            for sub in ep.subsets.iter().flatten() {
                for addr in sub
                    .addresses
                    .iter()
                    .flatten()
                    .chain(sub.not_ready_addresses.iter().flatten())
                {
                    if addr.ip == host
                        && let Some(r) = &addr.target_ref
                        && r.kind.as_deref() == Some("Pod")
                        && let Some(p) = a.cluster.pods.iter().find(|p| {
                            Some(p.name()) == r.name.as_deref()
                                && Some(p.ns_or_default()) == r.namespace.as_deref()
                        })
                    {
                        return Target::Pod(p);
                    }
                }
            }
        }
        // A pod's own address, when no Endpoints name it (a pod no Service
        // selects, or an input without Endpoints); a host-network pod's is
        // its node's.
        if let Some(p) = a.cluster.pods.iter().find(|p| {
            p.status.as_ref().and_then(|s| s.pod_ip.as_deref()) == Some(host)
                && p.spec.as_ref().is_none_or(|s| s.host_network != Some(true))
                && !model::is_terminal(p)
        }) {
            return Target::Pod(p);
        }
        return Target::Ip(ip);
    }
    if let Some((sns, sname)) = in_cluster_name(a, host)
        && let Some(s) = a.service(&sns, &sname)
    {
        return Target::Service(s);
    }
    if !host.contains('.')
        && let Some(s) = a.service(ns, host)
    {
        return Target::Service(s);
    }
    Target::External
}

/// Keys whose value names a peer host, and the key naming its port.
const HOST_SUFFIXES: [&str; 11] = [
    "_HOST",
    "_HOSTNAME",
    "_ADDR",
    "_ADDRESS",
    "_SERVER",
    "_ENDPOINT",
    "_URL",
    // Lists of `host:port`: Kafka's bootstrap servers and brokers,
    // ZooKeeper's connect string (Strimzi's `STRIMZI_ZOOKEEPER_CONNECT`).
    "_SERVERS",
    "_BROKERS",
    "_CONNECT",
    "_HOSTS",
];

/// The peers a container's configuration names: its literal `env` values,
/// and the ConfigMap keys it reads (`envFrom`, `configMapKeyRef`); a
/// `…_HOST` key takes its port from the `…_PORT` beside it.
pub(super) fn peers_of(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Vec<(String, Option<u16>)> {
    let ns = pod.ns_or_default();
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    let vars: Vec<(String, String)> = a
        .references()
        .env(ns, c)
        .into_iter()
        .map(|e| (e.name, e.value))
        .collect();
    let mut out: Vec<(String, Option<u16>)> = Vec::new();
    for (k, v) in &vars {
        let key = k.to_ascii_uppercase();
        // Vault's injected agent carries its whole configuration, the
        // server's address in it, as base64 JSON (hashicorp/vault-k8s).
        if key == "VAULT_CONFIG"
            && let Some(address) = vault_address(v)
            && let Some((host, port)) = crate::messages::errors::endpoint(&address)
        {
            out.push((host, port));
            continue;
        }
        let Some(suffix) = HOST_SUFFIXES.iter().find(|s| key.ends_with(*s)) else {
            continue;
        };
        // The first of a comma-separated list stands for it.
        let first = v.split(',').next().unwrap_or(v).trim();
        let Some((host, mut port)) = crate::messages::errors::endpoint(first) else {
            continue;
        };
        if port.is_none() {
            let port_key = format!("{}_PORT", &key[..key.len() - suffix.len()]);
            port = vars
                .iter()
                .find(|(k, _)| k.to_ascii_uppercase() == port_key)
                .and_then(|(_, p)| p.trim().parse().ok());
        }
        if !out.iter().any(|(h, p)| *h == host && *p == port) {
            out.push((host, port));
        }
    }
    // Flags that name a peer: `--discoveryAddress istiod.istio-system.svc:15012`,
    // `--server=https://vault:8200`.
    let args: Vec<&str> = c.args.iter().flatten().map(String::as_str).collect();
    for (i, arg) in args.iter().enumerate() {
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
            continue;
        };
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n, v),
            None => match args.get(i + 1) {
                Some(v) if !v.starts_with('-') => (flag, *v),
                _ => continue,
            },
        };
        let upper = name.to_ascii_uppercase().replace('-', "_");
        let named = ["ADDRESS", "ADDR", "SERVER", "ENDPOINT", "HOST", "URL"]
            .iter()
            .any(|s| upper.ends_with(s));
        if !named || value.starts_with('$') {
            continue;
        }
        if let Some((host, port)) = crate::messages::errors::endpoint(value)
            && host.contains('.')
            && !out.iter().any(|(h, p)| *h == host && *p == port)
        {
            out.push((host, port));
        }
    }
    out
}

/// `vault.address` of the Vault agent's `VAULT_CONFIG` (base64 of its JSON
/// configuration, as the agent injector writes it).
fn vault_address(value: &str) -> Option<String> {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()?;
    let config: serde_json::Value = serde_json::from_slice(&raw).ok()?;
    config["vault"]["address"].as_str().map(str::to_owned)
}

/// The Services a container's configuration names as peers
/// ([`peers_of`]), with the port it names for each.
pub fn configured_services<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    container: &str,
) -> Vec<(&'c Res<Service>, Option<u16>)> {
    let ns = pod.ns_or_default();
    peers_of(a, pod, container)
        .into_iter()
        .filter_map(|(h, p)| match resolve_host(a, ns, &h) {
            Target::Service(s) => Some((s, p)),
            _ => None,
        })
        .collect()
}

/// A connection failure that names no peer, read against the peers the
/// container's configuration names: a cause in the cluster on the path to
/// one of them, else unexplained (what lies outside the cluster).
pub(super) fn configured_peers(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    failure: ConnectFailure,
) -> Option<Hypothesis> {
    let peers = peers_of(a, pod, container);
    if peers.is_empty() {
        return None;
    }
    let ns = pod.ns_or_default();
    let mut found: Vec<Hypothesis> = peers
        .iter()
        .filter_map(|(h, p)| connect_cause(a, pod, h, *p, failure))
        .filter(|h| !h.unexplained)
        .collect();
    found.sort_by_key(|h| std::cmp::Reverse(h.score));
    if let Some(h) = found.into_iter().next() {
        return Some(h);
    }
    let external: Vec<String> = peers
        .iter()
        .filter(|(h, _)| matches!(resolve_host(a, ns, h), Target::External | Target::Ip(_)))
        .map(|(h, p)| format!("{h}{}", p.map(|p| format!(":{p}")).unwrap_or_default()))
        .collect();
    if external.is_empty() {
        return None;
    }
    // A policy isolating the pod for egress may be what drops the packets:
    // without the peer's port the path cannot be evaluated, so say nothing.
    let isolated = a
        .cluster
        .network_policies
        .iter()
        .any(|p| netpol::selects(p, pod) && day2_model::netpol::policy_types(p).1);
    if isolated {
        return None;
    }
    Some(unexplained(
        pod,
        format!(
            "pod {} fails to connect ({}) without naming the peer; its configuration names {} outside the cluster",
            pod.name(),
            failure.as_str(),
            external.join(", ")
        ),
        "no NetworkPolicy isolates the pod for egress",
        format!(
            "The cause is outside the cluster: check that {} answer from a node of the cluster (`nc -vz <host> <port>`), and the path there (security groups, firewall rules, routes, NAT).",
            external.join(", ")
        ),
    ))
}

pub(super) fn connect_cause(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    host: &str,
    port: Option<u16>,
    failure: ConnectFailure,
) -> Option<Hypothesis> {
    if matches!(host, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0") {
        return None;
    }
    let ns = pod.ns_or_default();
    let hp = format!(
        "{host}{}",
        port.map(|p| format!(":{p}")).unwrap_or_default()
    );
    let what = format!(
        "pod {} cannot connect to {hp} ({})",
        pod.name(),
        failure.as_str()
    );
    match resolve_host(a, ns, host) {
        Target::Service(svc) => service_cause(a, pod, svc, port, failure, &what),
        // The pod's own address: its own process, not a dependency.
        Target::Pod(p) if p.name() == pod.name() && p.ns_or_default() == ns => None,
        Target::Pod(p) => {
            let port = port?;
            let name = netpol::port_name(p, port, "TCP");
            let dst = Port {
                number: port,
                name,
                protocol: "TCP",
            };
            path_policies(
                a,
                pod,
                Peer::Pod(p),
                &format!("pod {}/{}", p.ns_or_default(), p.name()),
                dst,
                &what,
            )
            .or_else(|| {
                Some(unexplained(
                    pod,
                    what,
                    "no NetworkPolicy on either end denies the path",
                    format!(
                        "Check pod {}/{} listens on {port}.",
                        p.ns_or_default(),
                        p.name()
                    ),
                ))
            })
        }
        Target::Ip(ip) => {
            let port = port?;
            path_policies(a, pod, Peer::Ip(ip), &format!("{ip}"), Port::tcp(port), &what)
                .or_else(|| super::cilium::fqdn_unlearned(a, pod, port))
                .or_else(|| super::off_cloud::metadata_off_cloud(a, pod, ip, &what))
                .or_else(|| {
                    (failure == ConnectFailure::Timeout)
                        .then(|| super::node_path::broken(a, pod, &what))
                        .flatten()
                })
                .or_else(|| {
                    (failure == ConnectFailure::Timeout
                        && matches!(ip, IpAddr::V4(v) if !(v.is_private() || v.is_loopback() || v.is_link_local())))
                        .then(|| super::proxy::bypassed(a, pod, host, &what))
                        .flatten()
                })
                .or_else(|| {
                Some(unexplained(
                    pod,
                    what.clone(),
                    "the address is no Service or pod of the input and no NetworkPolicy denies egress to it",
                    format!(
                        "Check what answers at {hp} from the node (`nc -vz {ip} {port}`): a firewall, security group or route outside the cluster.{}",
                        super::overlay::vmware_vxlan_note(a).unwrap_or_default()
                    ),
                ))
            })
        }
        Target::External => {
            let port = port?;
            path_policies(a, pod, Peer::External, host, Port::tcp(port), &what)
                .or_else(|| super::cilium::fqdn_unlearned(a, pod, port))
                .or_else(|| {
                    (failure == ConnectFailure::Timeout)
                        .then(|| super::proxy::bypassed(a, pod, host, &what))
                        .flatten()
                })
                .or_else(|| {
                Some(unexplained(
                    pod,
                    what.clone(),
                    "the host is outside the cluster and no NetworkPolicy denies egress to it",
                    {
                        // An HTTP(S) port is probed with curl, any other with a TCP connect.
                        let probe = match port {
                            443 => format!("curl -v https://{host}"),
                            80 => format!("curl -v http://{host}"),
                            _ => format!("nc -vz {host} {port}"),
                        };
                        format!("The cause is outside the cluster: check that {hp} answers from a node (`{probe}`) and that the service behind it is up (a managed database's status, storage and connection limits), and the egress path (NAT gateway, firewall, proxy, security groups).")
                    },
                ))
            })
        }
    }
}

/// A connection to a Service: its port, its endpoints, the policies on the path.
pub(super) fn service_cause(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    svc: &Res<Service>,
    port: Option<u16>,
    failure: ConnectFailure,
    what: &str,
) -> Option<Hypothesis> {
    let sns = svc.ns_or_default();
    if let Some(h) = api_service_ip(a, pod, svc, failure, what) {
        return Some(h);
    }
    let ports = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or(&[]);
    let sp = match port {
        Some(n) => ports.iter().find(|p| i64::from(p.port) == i64::from(n)),
        None => ports.first(),
    };
    if let Some(n) = port
        && sp.is_none()
        && !ports.is_empty()
    {
        let have: Vec<String> = ports.iter().map(|p| p.port.to_string()).collect();
        return Some(
            Hypothesis::new(
                80,
                Loop::Network,
                svc.objref(),
                format!("{what}: Service {sns}/{} has no port {n} (it serves {})", svc.name(), have.join(", ")),
            )
            .fix(format!("Point the client at one of Service {}'s ports ({}), or add port {n} to the Service.", svc.name(), have.join(", "))),
        );
    }
    let has_selector = svc
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .is_some_and(|s| !s.is_empty());
    let backends = selected_pods(a, svc);
    if has_selector && endpoint_state(a, svc, &backends).ready == 0 {
        let mut h = crate::analysers::network::resolve_service(a, svc, 1)?;
        h.score = h.score.saturating_sub(3).max(60);
        h.links.push(Link::new(
            Loop::Network,
            None,
            svc.objref(),
            format!("Service {sns}/{} has no ready endpoint", svc.name()),
        ));
        return Some(h);
    }
    let number = sp.map_or_else(
        || port.unwrap_or(0),
        |p| match &p.target_port {
            Some(IntOrString::Int(n)) => u16::try_from(*n).unwrap_or(0),
            Some(IntOrString::String(_)) => 0,
            None => u16::try_from(p.port).unwrap_or(0),
        },
    );
    let target_name = sp.and_then(|p| match &p.target_port {
        Some(IntOrString::String(s)) => Some(s.as_str()),
        _ => None,
    });
    let protocol = sp.and_then(|p| p.protocol.as_deref()).unwrap_or("TCP");
    let desc = format!("Service {sns}/{}", svc.name());
    if has_selector {
        for b in &backends {
            let number = match (target_name, sp) {
                (Some(_), Some(sp)) => model::target_port(sp, b).unwrap_or(0),
                _ => number,
            };
            let dst = Port {
                number,
                name: target_name.or_else(|| netpol::port_name(b, number, protocol)),
                protocol,
            };
            if let Some(h) = path_policies(
                a,
                pod,
                Peer::Pod(b),
                &format!("{desc} (pod {})", b.name()),
                dst,
                what,
            ) {
                return Some(h);
            }
            // Both ends meshed by Linkerd: the client's proxy connects to
            // the server's proxy on its inbound port, 4143, so that is the
            // port a policy at the server must admit (linkerd/linkerd2#12382).
            if linkerd_meshed(pod) && linkerd_meshed(b) {
                let proxy = Port {
                    number: LINKERD_INBOUND,
                    name: None,
                    protocol: "TCP",
                };
                if let Some(mut h) = path_policies(
                    a,
                    pod,
                    Peer::Pod(b),
                    &format!("{desc} (pod {}, its Linkerd proxy)", b.name()),
                    proxy,
                    what,
                ) {
                    h.fix = format!(
                        "{} Both pods run Linkerd's proxy: the connection reaches {} on the proxy's inbound port {LINKERD_INBOUND}, not {number}, so the NetworkPolicy must admit port {LINKERD_INBOUND} too.",
                        h.fix,
                        b.name()
                    );
                    return Some(h);
                }
            }
        }
    } else {
        // Endpoints kept by hand or by the API server (`kubernetes`).
        if let Some(ep) = a.endpoints_of(sns, svc.name()) {
            for sub in ep.subsets.iter().flatten() {
                let n = sub
                    .ports
                    .iter()
                    .flatten()
                    .next()
                    .and_then(|p| u16::try_from(p.port).ok())
                    .unwrap_or(number);
                for addr in sub.addresses.iter().flatten() {
                    if let Ok(ip) = addr.ip.parse::<IpAddr>()
                        && let Some(h) = path_policies(
                            a,
                            pod,
                            Peer::Ip(ip),
                            &format!("{desc} ({ip}:{n})"),
                            Port::tcp(n),
                            what,
                        )
                    {
                        return Some(h);
                    }
                }
            }
        }
        let ip = svc
            .spec
            .as_ref()
            .and_then(|s| s.cluster_ip.as_deref())
            .and_then(|ip| ip.parse::<IpAddr>().ok());
        if let Some(ip) = ip
            && let Some(h) = path_policies(a, pod, Peer::Ip(ip), &desc, Port::tcp(number), what)
        {
            return Some(h);
        }
    }
    if failure == ConnectFailure::Timeout
        && let Some(h) = super::node_path::broken(a, pod, what)
            .or_else(|| super::node_path::between_nodes(a, pod, &backends, &desc, what))
    {
        return Some(h);
    }
    Some(unexplained(
        pod,
        what.to_owned(),
        &format!("{desc} has ready endpoints and no NetworkPolicy on either end denies the path"),
        format!(
            "Check that the pods behind {desc} listen on the target port and answer (`kubectl -n {sns} get endpointslices -l kubernetes.io/service-name={}`), and the app's logs; {}.",
            svc.name(),
            match failure {
                ConnectFailure::Refused =>
                    "a refusal means the address answers but nothing listens on the port",
                // An ICMP host-prohibited reject reads as EHOSTUNREACH: the
                // default reject rule of firewalld and of distribution
                // iptables rule sets (kubernetes/minikube#4350).
                ConnectFailure::Unreachable =>
                    "`no route to host` with no policy in the way is a host firewall rejecting the packet (firewalld's or iptables' reject with icmp-host-prohibited) on the pod's node or the peer's: check `firewall-cmd --state` and `iptables -S | grep REJECT` there, and stop firewalld or open the pod and service ranges",
                // The API server's own Service: kube-proxy sends it on to a
                // control-plane host, whose firewall may drop the pod
                // network's traffic (metallb/metallb#888).
                ConnectFailure::Timeout if sns == "default" && svc.name() == "kubernetes" =>
                    "a timeout to the API server's Service with no policy in the way is the path from the pod network to the control plane's address behind it: a host firewall on the control-plane nodes (firewalld, ufw, iptables rules dropping forwarded traffic from the pod CIDR) or a security group that does not admit the pods' addresses on the API server's port, or kube-proxy missing on the pod's node",
                _ => "a timeout with no policy in the way points at the node network or the CNI",
            }
        ),
    ))
}

/// The inbound port of Linkerd's proxy (`LINKERD2_PROXY_INBOUND_LISTEN_ADDR`).
const LINKERD_INBOUND: u16 = 4143;

/// Whether a pod runs Linkerd's proxy beside its containers.
/// A host-network agent (a CNI agent's init or main container) timing out
/// on the `kubernetes` Service's ClusterIP: on the host network that
/// address exists only once kube-proxy (or a CNI that replaces it) has
/// written the node's rules, and the CNI agent starts before either on a
/// new node, so it must be given the API server's own address
/// (cilium/cilium#29094, #28823: `Unable to contact k8s api-server …
/// dial tcp 10.96.0.1:443: i/o timeout`).
fn api_service_ip(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    svc: &Res<Service>,
    failure: ConnectFailure,
    what: &str,
) -> Option<Hypothesis> {
    let host_network = pod
        .spec
        .as_ref()
        .is_some_and(|s| s.host_network == Some(true));
    if svc.ns_or_default() != "default"
        || svc.name() != "kubernetes"
        || !host_network
        || !matches!(failure, ConnectFailure::Timeout)
    {
        return None;
    }
    let owner = crate::model::workload_ref(a.cluster, pod);
    // The control plane's own address, as the Service's endpoints name it.
    let server = a.endpoints_of("default", "kubernetes").and_then(|e| {
        let subset = e.subsets.as_ref()?.first()?;
        let ip = &subset.addresses.as_ref()?.first()?.ip;
        let port = subset.ports.as_ref()?.first()?.port;
        Some(format!("{ip}:{port}"))
    });
    let (host, port) = server
        .as_deref()
        .and_then(|s| s.rsplit_once(':'))
        .unwrap_or(("<API server address>", "<port>"));
    let setting = if owner.name.contains("cilium") {
        format!(
            "Cilium's Helm values `k8sServiceHost={host}` and `k8sServicePort={port}` (with kube-proxy absent, `kubeProxyReplacement=true` as well)"
        )
    } else if owner.name.contains("calico") {
        format!(
            "the `kubernetes-services-endpoint` ConfigMap in calico-node's namespace with `KUBERNETES_SERVICE_HOST: \"{host}\"` and `KUBERNETES_SERVICE_PORT: \"{port}\"`"
        )
    } else {
        format!(
            "the container's `KUBERNETES_SERVICE_HOST={host}` and `KUBERNETES_SERVICE_PORT={port}` environment"
        )
    };
    Some(
        Hypothesis::new(
            80,
            Loop::Network,
            owner.clone(),
            format!(
                "{what}: that is the `kubernetes` Service's ClusterIP, which a host-network pod reaches only through the rules kube-proxy (or a CNI that replaces it) writes on the node, and {owner} runs before them{}",
                server.as_deref().map(|s| format!("; the API server itself is at {s}")).unwrap_or_default()
            ),
        )
        .fix(format!(
            "Give {owner} the API server's own address instead of the Service's: {setting}; then check that kube-proxy (or the replacement) runs on the node (`kubectl -n kube-system get pods -o wide --field-selector spec.nodeName=<node>`)."
        )),
    )
}

fn linkerd_meshed(pod: &Pod) -> bool {
    pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
            .any(|c| c.name == "linkerd-proxy")
    })
}

/// The NetworkPolicies on a path: egress from `pod`, ingress at the peer pod.
pub(super) fn path_policies(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    peer: Peer<'_>,
    peer_desc: &str,
    port: Port<'_>,
    what: &str,
) -> Option<Hypothesis> {
    let v = netpol::evaluate(a.cluster, pod, Direction::Egress, peer, port);
    if !v.allowed() {
        let to = match peer {
            Peer::Pod(p) => format!(
                "to: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: {}}}}}, podSelector: {{matchLabels: {{{}}}}}}}]",
                p.ns_or_default(),
                identity_labels(p)
            ),
            Peer::Ip(ip) => format!("to: [{{ipBlock: {{cidr: {ip}/{}}}}}]", if ip.is_ipv4() { 32 } else { 128 }),
            Peer::External => "to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}}]".to_owned(),
        };
        let rule = format!(
            "{to}\n  ports: [{{protocol: {}, port: {}}}]",
            port.protocol, port.number
        );
        return Some(policy_hypothesis(
            pod,
            Direction::Egress,
            &v,
            peer_desc,
            port,
            &rule,
            what,
        ));
    }
    if let Peer::Pod(dst) = peer {
        let v = netpol::evaluate(a.cluster, dst, Direction::Ingress, Peer::Pod(pod), port);
        if !v.allowed() {
            let rule = format!(
                "from: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: {}}}}}, podSelector: {{matchLabels: {{{}}}}}}}]\n  ports: [{{protocol: {}, port: {}}}]",
                pod.ns_or_default(),
                identity_labels(pod),
                port.protocol,
                port.number
            );
            let mut h = policy_hypothesis(
                dst,
                Direction::Ingress,
                &v,
                &format!("pod {}/{}", pod.ns_or_default(), pod.name()),
                port,
                &rule,
                what,
            );
            h.root.summary = format!(
                "{what}: {} (the destination, pod {}/{})",
                h.root
                    .summary
                    .split_once(": ")
                    .map_or(h.root.summary.as_str(), |(_, r)| r),
                dst.ns_or_default(),
                dst.name()
            );
            return Some(h);
        }
    }
    None
}
