//! A DNS failure followed: egress to the cluster DNS on port 53, the DNS
//! Service's endpoints and pods, the Corefile's upstream, and the Service an
//! in-cluster name should resolve to.

use super::resolver::{forward_line, outside_resolver, outside_upstreams, resolver_denied};
use super::*;

mod corefile;
pub(super) use corefile::corefile_refused;

/// The cluster's DNS: its Service, the pods behind it and their workload.
pub(super) struct ClusterDns<'a> {
    svc: Option<&'a Res<Service>>,
    pods: Vec<&'a Res<Pod>>,
    workload: Option<&'a Workload<'a>>,
}

pub(super) fn cluster_dns<'a>(a: &'a Analysis<'_>, server: Option<&str>) -> ClusterDns<'a> {
    let by_ip = server.and_then(|s| service_at(a, server_host(s)));
    let svc = by_ip.or_else(|| dns_service(a));
    let (pods, workload) = match svc {
        Some(s) => {
            let pods = selected_pods(a, s);
            let sel = s.spec.as_ref().and_then(|sp| sp.selector.as_ref());
            let workload = sel.and_then(|sel| {
                a.workloads_in(s.ns_or_default()).iter().find(|w| {
                    matches!(w.kind, "Deployment" | "DaemonSet" | "StatefulSet")
                        && day2_model::selector::map_selector_matches(sel, w.pod_labels())
                })
            });
            (pods, workload)
        }
        None => (Vec::new(), None),
    };
    ClusterDns {
        svc,
        pods,
        workload,
    }
}

/// The cluster DNS Service: kube-system's `kube-dns`, or the Service there
/// labelled `k8s-app: kube-dns` (what kubeadm, k3s and RKE2 label theirs,
/// whatever its name).
pub(crate) fn dns_service<'c>(a: &Analysis<'c>) -> Option<&'c Res<Service>> {
    a.cluster.services.iter().find(|s| {
        s.ns_or_default() == "kube-system"
            && (s.name() == "kube-dns"
                || s.labels().get("k8s-app").map(String::as_str) == Some("kube-dns"))
    })
}

pub(super) fn dns_cause(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    host: Option<&str>,
    server: Option<&str>,
    failure: DnsFailure,
) -> Option<Hypothesis> {
    let dns = cluster_dns(a, server);
    let ns = pod.ns_or_default();
    let what = format!(
        "pod {} cannot resolve {}",
        pod.name(),
        host.unwrap_or("names")
    );
    // 0. A hostNetwork pod under ClusterFirst asks the node's resolver,
    //    which does not know the cluster's names.
    let cluster_name = host.is_none_or(|h| {
        !h.contains('.') || in_cluster_name(a, h).is_some() || h.ends_with(".cluster.local")
    });
    if cluster_name
        && let Some(spec) = pod.spec.as_ref()
        && day2_model::pod::dns_uses_node_resolver(spec)
    {
        let owner = model::workload_ref(a.cluster, pod);
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                owner.clone(),
                format!("{what}: the pod runs with `hostNetwork: true` and dnsPolicy {}, so it uses the node's /etc/resolv.conf, which does not know the cluster's names", spec.dns_policy.as_deref().unwrap_or("ClusterFirst (the default)")),
            )
            .fix(format!("Set `dnsPolicy: ClusterFirstWithHostNet` in the pod template of {owner}: hostNetwork pods keep the cluster DNS only with that policy."))
            .link(Link::new(Loop::Network, None, owner, "hostNetwork: true with dnsPolicy ClusterFirst falls back to the node's resolver")),
        );
    }
    // 1. Egress on port 53: to the resolver the message names when that
    //    is no pod or Service of the cluster (a node-local cache, GKE's
    //    Cloud DNS), else to the DNS pods.
    if let Some(ip) = outside_resolver(a, server) {
        if let Some(h) = resolver_denied(a, pod, ip, &what) {
            return Some(h);
        }
    } else if let Some(h) = path_denied(a, pod, &dns, &what) {
        return Some(h);
    }
    let dns_name = dns
        .workload
        .map(|w| format!("{} {}/{}", w.kind, w.namespace(), w.name()))
        .unwrap_or_else(|| "the cluster DNS".to_owned());
    // 2. The DNS Deployment scaled to zero.
    if let Some(w) = dns.workload
        && w.replicas == Some(0)
    {
        return Some(
            Hypothesis::new(
                86,
                Loop::Network,
                w.objref(),
                format!("{what}: {dns_name} is scaled to 0 replicas, so the DNS Service has no endpoint and every lookup times out"),
            )
            .fix(format!(
                "Scale the cluster DNS back up: `kubectl scale {}/{} -n {} --replicas=2`, and find what scaled it down (an autoscaler, a GitOps tool, a manual edit).",
                w.kind.to_ascii_lowercase(),
                w.name(),
                w.namespace()
            ))
            .link(Link::new(Loop::Network, None, w.objref(), "DNS Deployment has 0 replicas")),
        );
    }
    // 3. The DNS Service without a ready endpoint: why its pods are down.
    if let Some(svc) = dns.svc {
        let state = endpoint_state(a, svc, &dns.pods);
        if state.ready == 0 {
            return Some(dns_pods_down(a, &dns, svc, &what, &dns_name));
        }
    }
    // 4. An in-cluster name that does not exist.
    if let Some(h) = host
        && let Some((sns, sname)) = in_cluster_name(a, h)
            .or_else(|| (!h.contains('.')).then(|| (ns.to_owned(), h.to_owned())))
        && a.service(&sns, &sname).is_none()
        && failure == DnsFailure::NotFound
    {
        // A Service only a custom resource's operator makes: why it has not.
        if let Some(o) = crate::analysers::operator::owner_of(a, &sns, &sname)
            && let Some(h) =
                crate::analysers::operator::down(a, o, &format!("Service {sns}/{sname}"), |p| {
                    cut_off(a, p)
                })
        {
            return Some(h.link(Link::new(
                Loop::Network,
                None,
                ObjRef::new("Service", Some(&sns), &sname),
                format!("{what}: no Service {sns}/{sname} exists, so the name has no record"),
            )));
        }
        return Some(
            Hypothesis::new(
                80,
                Loop::Network,
                ObjRef::new("Service", Some(&sns), &sname),
                format!("{what}: no Service {sns}/{sname} exists, so the name has no record"),
            )
            .fix(super::service_name::missing_service_fix(
                a, pod, h, &sns, &sname,
            ))
            .missing(format!("Service {sns}/{sname} (absent from the input)")),
        );
    }
    // 4b. A Service's `<name>.<namespace>` that exists, with a cluster DNS
    //     that answers: only the search list (`<ns>.svc.cluster.local`,
    //     `svc.cluster.local`, …) makes the short form a record, and the
    //     program's resolver did not walk it (a JVM or driver that resolves
    //     by itself, a dnsConfig without the search list). The full name
    //     needs no search list.
    if let Some(h) = host
        && failure == DnsFailure::NotFound
        && h.trim_end_matches('.').split('.').count() == 2
        && let Some((sns, sname)) = in_cluster_name(a, h)
        && a.service(&sns, &sname).is_some()
    {
        let owner = model::workload_ref(a.cluster, pod);
        let full = format!("{sname}.{sns}.svc.cluster.local");
        return Some(
            Hypothesis::new(
                78,
                Loop::Network,
                owner.clone(),
                format!("{what}: Service {sns}/{sname} exists, but `{h}` is its short form, a record only through the pod's DNS search list, which the program's resolver did not use"),
            )
            .fix(format!("Use the Service's full name (FQDN) {full} where {owner} names `{h}` (its URL or connection string), or end it with the search list's domain yourself; check the pod's dnsPolicy/dnsConfig keeps the cluster's search list."))
            .link(Link::new(Loop::Network, None, ObjRef::new("Service", Some(&sns), &sname), format!("Service {sns}/{sname} exists")))
        );
    }
    // 4c. One pod's name under a headless Service.
    if let Some(h) = host
        && failure == DnsFailure::NotFound
        && let Some(hyp) = super::pod_record::pod_record(a, pod, h, &what)
    {
        return Some(hyp);
    }
    if let (Some(h), Some(w)) = (host, dns.workload)
        && let Some(hyp) =
            super::domain::shadowed(a, pod, (w, corefile(a, w).0), h, &what).or_else(|| {
                (failure == DnsFailure::NotFound)
                    .then(|| super::domain::private_unrouted(a, pod, corefile(a, w).0, h, &what))
                    .flatten()
            })
    {
        return Some(hyp);
    }
    // 5. The DNS runs but an external name fails: its upstream.
    let external = host.is_some_and(|h| {
        h.contains('.') && in_cluster_name(a, h).is_none() && !h.ends_with(".cluster.local")
    });
    if external
        && failure != DnsFailure::NotFound
        && let Some(w) = dns.workload
    {
        let (cm, forward) = corefile(a, w);
        if let Some(h) = cm.and_then(|c| super::resolver::no_upstream(c, forward.is_none(), &what))
        {
            return Some(h);
        }
        // No answer at all from the node's resolver or public resolvers:
        // the path to them is outside what the cluster holds. Another
        // upstream is the Corefile's choice, and may be the one down.
        // CoreDNS answers SERVFAIL (Go's `server misbehaving`) when its
        // upstream does not answer it.
        if matches!(failure, DnsFailure::Timeout | DnsFailure::ServerFailure)
            && let Some(f) = forward.as_deref()
            && let Some(outside) = outside_upstreams(f)
        {
            return Some(unexplained(
                pod,
                format!(
                    "{what}: the cluster DNS answers in-cluster names, but its upstream resolvers ({outside}, from the Corefile's `{f}`) do not answer for external names"
                ),
                "the cluster DNS is up and its upstreams are outside the cluster",
                format!(
                    "Check that the nodes reach {outside} on port 53 (UDP and TCP): `dig @<upstream> {}` from a node; a firewall, security group or the hosting provider may block outbound DNS. If it does, forward to a resolver the nodes may reach (the provider's) in the Corefile's `forward` line.",
                    host.unwrap_or("example.com")
                ),
            ));
        }
        let target = cm.map(|c| c.objref()).unwrap_or_else(|| w.objref());
        let node_note = super::resolver::node_resolv_conf(a, w, forward.as_deref());
        let fwd = forward
            .as_ref()
            .map(|f| format!(" (its Corefile forwards to `{f}`)"))
            .unwrap_or_default();
        // kube-dns has no Corefile: its upstreams are the `kube-dns`
        // ConfigMap's `upstreamNameservers`, else the node's resolv.conf.
        let where_ = match cm {
            Some(c) if forward.is_some() => format!(
                "`kubectl -n {} get configmap {} -o yaml` (the `forward` line)",
                c.ns_or_default(),
                c.name()
            ),
            Some(c) => format!(
                "`kubectl -n {} get configmap {} -o yaml` (its upstream setting, `upstreamNameservers` for kube-dns; none means the node's /etc/resolv.conf)",
                c.ns_or_default(),
                c.name()
            ),
            None => format!(
                "the `{}` ConfigMap in {} (CoreDNS's Corefile `forward` line, kube-dns's `upstreamNameservers`; none means the node's /etc/resolv.conf)",
                w.name(),
                w.namespace()
            ),
        };
        return Some(
            Hypothesis::new(
                62,
                Loop::Network,
                target,
                format!("{what}: the cluster DNS answers in-cluster names but its upstream resolver does not answer for external names{fwd}"),
            )
            .fix(format!(
                "Check the upstream resolver {dns_name} forwards to: {where_}, test it from a node (`dig @<upstream> {}`), and point it at a resolver that answers; the DNS pods' logs show the SERVFAIL/timeouts.{}",
                host.unwrap_or("example.com"),
                node_note
            ))
            .missing("the CoreDNS logs (`kubectl logs -n kube-system -l k8s-app=kube-dns`)"),
        );
    }
    // 6. An outside name no DNS server knows, which the workload's own
    //    configuration names: the setting, or a name only the nodes know
    //    (their /etc/hosts, which pods do not read: rancher/rancher#18832).
    if let Some(h) = host
        && failure == DnsFailure::NotFound
        && external
        && let Some(setting) = configured_name(a, pod, h)
    {
        let owner = model::workload_ref(a.cluster, pod);
        return Some(
            Hypothesis::new(
                62,
                Loop::Network,
                owner.clone(),
                format!("{what}: no DNS server the cluster asks knows `{h}`, which {owner} names in {setting}"),
            )
            .fix(format!("Check the name in {setting} of {owner}. If it resolves only on the nodes (their /etc/hosts, which pods do not read), give the pods a way to it: `hostAliases` with its address in {owner}'s pod template, a `hosts` block for it in CoreDNS's Corefile, or a DNS record in the resolver the cluster forwards to.")),
        );
    }
    if failure == DnsFailure::Timeout
        && let Some(h) = super::node_path::broken(a, pod, &what)
            .or_else(|| super::vxlan_udp::lookups_across(a, pod, &dns.pods, &what))
    {
        return Some(h);
    }
    Some(unexplained(
        pod,
        what,
        "the cluster DNS has ready endpoints and no NetworkPolicy drops the queries",
        format!(
            "Query from the pod's namespace: `kubectl run -n {ns} dnscheck --rm -it --image=busybox:1.36 --restart=Never -- nslookup {}`; check the CoreDNS logs and the upstream resolver. When lookups fail from every pod while CoreDNS is Ready, look at the nodes: a host firewall (firewalld, ufw, a security agent's rules) that drops pod traffic to the DNS Service or CoreDNS's own calls to the API server (`firewall-cmd --list-all`; trust the pod and Service ranges).",
            host.unwrap_or("kubernetes.default")
        ),
    ))
}

/// The ConfigMap holding the DNS workload's Corefile and its `forward` target.
pub(super) fn corefile<'c>(
    a: &Analysis<'c>,
    w: &Workload<'_>,
) -> (
    Option<&'c Res<k8s_openapi::api::core::v1::ConfigMap>>,
    Option<String>,
) {
    let names: Vec<&str> = w
        .spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref().map(|c| c.name.as_str()))
        .collect();
    let cm = a.cluster.config_maps.iter().find(|c| {
        c.ns_or_default() == w.namespace()
            && (names.contains(&c.name()) || (names.is_empty() && c.name() == "coredns"))
    });
    (cm, cm.and_then(|c| forward_line(c)))
}

/// The DNS Service has no ready endpoint: the DNS pods' own errors say why.
pub(super) fn dns_pods_down(
    a: &Analysis<'_>,
    dns: &ClusterDns<'_>,
    svc: &Res<Service>,
    what: &str,
    dns_name: &str,
) -> Hypothesis {
    let svc_link = Link::new(
        Loop::Network,
        None,
        svc.objref(),
        format!("DNS Service {} has no ready endpoint", svc.name()),
    );
    let messages: Vec<&str> = dns
        .pods
        .iter()
        .flat_map(|p| model::container_statuses(p))
        .filter_map(|cs| {
            cs.last_state
                .as_ref()
                .or(cs.state.as_ref())
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.message.as_deref())
        })
        .collect();
    for m in &messages {
        for c in classify(m) {
            if let Some(r) = refused(&c.class) {
                let mut h = apierr::rbac(a, &r);
                h.root.summary = format!("{what}: {dns_name} exits because {}", h.root.summary);
                return h.link(svc_link).link(
                    Link::new(
                        Loop::Identity,
                        None,
                        svc.objref(),
                        "the DNS pods are refused by the API server",
                    )
                    .with_evidence([day2_model::redact::excerpt(&c.line, EXCERPT)]),
                );
            }
        }
    }
    let target = dns
        .workload
        .map(|w| w.objref())
        .unwrap_or_else(|| svc.objref());
    if let Some(line) = messages
        .iter()
        .flat_map(|m| m.lines())
        .find(|l| crate::messages::errors::forwarding_loop(l))
    {
        let cm = dns.workload.and_then(|w| corefile(a, w).0);
        return Hypothesis::new(
            86,
            Loop::Network,
            cm.map(|c| c.objref()).unwrap_or(target),
            format!("{what}: CoreDNS exits on a forwarding loop (its `loop` plugin): the Corefile forwards to the node's resolv.conf, which points back at a local resolver"),
        )
        .fix("Break the loop: on nodes with systemd-resolved set the kubelet's `resolvConf: /run/systemd/resolve/resolv.conf` (not the 127.0.0.53 stub), or point CoreDNS's `forward . /etc/resolv.conf` at a real upstream resolver in the coredns ConfigMap; then restart the coredns pods (https://coredns.io/plugins/loop#troubleshooting).")
        .link(svc_link)
        .link(Link::new(Loop::Network, None, target_of(dns, svc), "CoreDNS detects a forwarding loop and exits").with_evidence([day2_model::redact::excerpt(line, EXCERPT)]));
    }
    // Running but not Ready: what their readiness answers says why.
    if let Some(mut h) = dns.pods.iter().find_map(|p| {
        a.cluster
            .events_for_obj(p)
            .into_iter()
            .filter(|e| e.message_text().starts_with("Readiness probe failed"))
            .find_map(|e| crate::analysers::coredns_ready::known(a, p, e.message_text(), e))
            .filter(|h| !h.unexplained)
    }) {
        h.root.summary = format!("{what}: {}", h.root.summary);
        return h.link(svc_link);
    }
    let states: Vec<String> = dns
        .pods
        .iter()
        .map(|p| format!("{} {}", p.name(), model::phase(p)))
        .collect();
    Hypothesis::new(
        80,
        Loop::Network,
        target,
        format!(
            "{what}: the DNS Service {} has no ready endpoint ({})",
            svc.name(),
            if states.is_empty() {
                "no DNS pod runs".to_owned()
            } else {
                day2_model::text::short_list(&states, 3)
            }
        ),
    )
    .fix(format!(
        "Bring {dns_name} back: `kubectl -n {} get pods -l k8s-app=kube-dns`, `kubectl -n {} logs -l k8s-app=kube-dns --previous`; every workload's lookups wait on it.",
        svc.ns_or_default(),
        svc.ns_or_default()
    ))
    .link(svc_link)
}

pub(super) fn target_of(dns: &ClusterDns<'_>, svc: &Res<Service>) -> ObjRef {
    dns.workload
        .map(|w| w.objref())
        .unwrap_or_else(|| svc.objref())
}

/// CoreDNS exits with `plugin/forward: no nameservers found`: its
/// `forward` reads a resolv.conf without a `nameserver` line. With
/// `forward . /etc/resolv.conf` and `dnsPolicy: Default` that file is the
/// node's (the kubelet's `resolvConf`), so the node's resolver settings are
/// at fault; a file of its own, or an empty list, is the Corefile's.
pub(super) fn forward_without_nameservers(a: &Analysis<'_>, pod: &Res<Pod>) -> Hypothesis {
    let ns = pod.ns_or_default();
    let spec = pod.spec.as_ref();
    let (cm, forward) = mounted_corefile(a, pod);
    let node_resolv = forward
        .as_deref()
        .is_some_and(|f| f.split_whitespace().any(|t| t == "/etc/resolv.conf"));
    let inherits_node = spec
        .and_then(|s| s.dns_policy.as_deref())
        .is_some_and(|p| p == "Default");
    let node = model::node_name(pod);
    let workload = model::workload_ref(a.cluster, pod);
    let fwd = forward
        .as_deref()
        .map(|f| format!("`{f}`"))
        .unwrap_or_else(|| "its `forward`".to_owned());
    match node {
        Some(node) if node_resolv && inherits_node => Hypothesis::new(
            84,
            Loop::Network,
            ObjRef::new("Node", None, node),
            format!(
                "CoreDNS exits at start-up: its Corefile says {fwd} and, with `dnsPolicy: Default`, that is node {node}'s resolv.conf (the kubelet's `resolvConf`), which lists no nameserver, so there is no upstream to forward to"
            ),
        )
        .fix(format!(
            "Give node {node} (and every node CoreDNS may run on) a resolv.conf with a `nameserver` line (NetworkManager/systemd-resolved writing /etc/resolv.conf, or the kubelet's `resolvConf` pointing at a file that has one, e.g. /run/systemd/resolve/resolv.conf), or make the Corefile forward to an upstream resolver's address instead (`forward . 192.0.2.53` in ConfigMap {ns}/coredns); then restart the coredns pods."
        )),
        _ => Hypothesis::new(
            80,
            Loop::Network,
            cm.map(|c| c.objref()).unwrap_or(workload),
            format!(
                "CoreDNS exits at start-up: {fwd} in its Corefile yields no nameserver to forward to"
            ),
        )
        .fix(
            "Point the Corefile's `forward` at resolvers that exist (addresses, or a resolv.conf with `nameserver` lines), then restart the coredns pods.",
        ),
    }
}

/// CoreDNS in `pod` exits on a forwarding loop (its `loop` plugin): the
/// Corefile's `forward` reaches CoreDNS again. With `dnsPolicy: Default`
/// and `forward . /etc/resolv.conf`, that file is the node's, and a local
/// stub resolver there (systemd-resolved's 127.0.0.53) sends the query back.
pub(super) fn forwarding_loop(a: &Analysis<'_>, pod: &Res<Pod>, line: &str) -> Hypothesis {
    let ns = pod.ns_or_default();
    let spec = pod.spec.as_ref();
    let (cm, forward) = mounted_corefile(a, pod);
    let fwd = forward
        .as_deref()
        .map(|f| format!("`{f}`"))
        .unwrap_or_else(|| "its `forward` (or `proxy`)".to_owned());
    let node_file = spec
        .and_then(|s| s.dns_policy.as_deref())
        .is_some_and(|p| p == "Default");
    let through = if node_file {
        " with `dnsPolicy: Default`, /etc/resolv.conf is the node's (the kubelet's `resolvConf`), and a local stub resolver there (systemd-resolved's 127.0.0.53) hands the query back"
    } else {
        ""
    };
    let workload = model::workload_ref(a.cluster, pod);
    Hypothesis::new(
        86,
        Loop::Network,
        cm.map(|c| c.objref()).unwrap_or(workload.clone()),
        format!("CoreDNS exits on a forwarding loop (its `loop` plugin): the Corefile forwards with {fwd}, which leads back to CoreDNS itself{}", if through.is_empty() { String::new() } else { format!(":{through}") }),
    )
    .fix(format!("Break the loop: set the kubelet's `resolvConf: /run/systemd/resolve/resolv.conf` (`--resolv-conf`) on nodes running systemd-resolved instead of the 127.0.0.53 stub, or make the Corefile in ConfigMap {ns}/{} forward to a real upstream resolver's address; then restart the coredns pods (https://coredns.io/plugins/loop#troubleshooting).", cm.map_or("coredns", |c| c.name())))
    .link(Link::new(Loop::Network, None, workload, "CoreDNS detects a forwarding loop and exits").with_evidence([day2_model::redact::excerpt(line, EXCERPT)]))
}

/// The ConfigMap holding the Corefile a CoreDNS pod mounts, and its
/// `forward` line.
fn mounted_corefile<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
) -> (
    Option<&'c Res<k8s_openapi::api::core::v1::ConfigMap>>,
    Option<String>,
) {
    let ns = pod.ns_or_default();
    let mounted: Vec<&str> = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref().map(|c| c.name.as_str()))
        .collect();
    let cm = a.cluster.config_maps.iter().find(|c| {
        c.ns_or_default() == ns
            && mounted.contains(&c.name())
            && c.data.as_ref().is_some_and(|d| d.contains_key("Corefile"))
    });
    (cm, cm.and_then(|c| forward_line(c)))
}

/// Queries from `pod` to the cluster DNS on UDP 53 denied by the
/// NetworkPolicies on the path: those that isolate the pod for egress, or
/// those that isolate the DNS pods for ingress. The policy that denies.
fn path_denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    dns: &ClusterDns<'_>,
    what: &str,
) -> Option<Hypothesis> {
    let peer = match (dns.pods.first(), dns.svc) {
        (Some(p), _) => Peer::Pod(p),
        (None, Some(s)) => s
            .spec
            .as_ref()
            .and_then(|sp| sp.cluster_ip.as_deref())
            .and_then(|ip| ip.parse::<IpAddr>().ok())
            .map(Peer::Ip)?,
        (None, None) => return None,
    };
    // Policies see the port the DNS pods listen on, after the Service's
    // translation (the kube-dns Service's 53 may be the pods' 8053).
    let target = match peer {
        Peer::Pod(p) => dns.svc.and_then(|s| dns_target_port(s, p)).unwrap_or(53),
        _ => 53,
    };
    let port = Port::udp(target);
    let ports =
        format!("ports: [{{protocol: UDP, port: {target}}}, {{protocol: TCP, port: {target}}}]");
    let translated = if target == 53 {
        String::new()
    } else {
        format!(
            "\n(the DNS Service sends port 53 to the pods' port {target}: a policy matches the pod's port, not the Service's)"
        )
    };
    if let Peer::Pod(d) = peer
        && let Some((cnp, admitted)) = super::cilium::dns_denied(a, pod, d, target)
    {
        let admitted: Vec<String> = admitted.iter().map(u16::to_string).collect();
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                cnp.objref(),
                format!(
                    "{what}: CiliumNetworkPolicy {}/{} isolates the pod's egress, and no rule of it admits the DNS pods on port {target}{}",
                    cnp.ns_or_default(),
                    cnp.name(),
                    if admitted.is_empty() { String::new() } else { format!(" (its DNS rule names port {}; Cilium matches the port the pods listen on, after the Service's translation)", admitted.join(", ")) }
                ),
            )
            .fix(format!("Admit port {target} to the DNS pods in CiliumNetworkPolicy {}/{}: `toPorts: [{{ports: [{{port: \"{target}\", protocol: ANY}}]}}]` in the rule whose `toEndpoints` select `k8s-app: kube-dns` (keep 53 too if other DNS servers listen there).", cnp.ns_or_default(), cnp.name())),
        );
    }
    let v = netpol::evaluate(a.cluster, pod, Direction::Egress, peer, port);
    if let Peer::Pod(d) = peer
        && let Some(h) =
            super::calico_policy::dns_denied(a, pod, d, target, !v.allowing.is_empty(), what)
    {
        return Some(h);
    }
    if !v.allowed() {
        return Some(policy_hypothesis(
            pod,
            Direction::Egress,
            &v,
            "the cluster DNS (kube-dns)",
            port,
            &format!(
                "to: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: kube-system}}}}, podSelector: {{matchLabels: {{k8s-app: kube-dns}}}}}}]\n  {ports}{translated}"
            ),
            what,
        ));
    }
    // The other end: policies that select the DNS pods for ingress and
    // admit no query from the pod (every DNS pod refuses it).
    let refusals: Vec<_> = dns
        .pods
        .iter()
        .map(|d| netpol::evaluate(a.cluster, d, Direction::Ingress, Peer::Pod(pod), port))
        .collect();
    let first = dns.pods.first()?;
    let v = refusals.first()?;
    (refusals.iter().all(|v| !v.allowed())).then(|| {
        policy_hypothesis(
            first,
            Direction::Ingress,
            v,
            &format!("pod {}/{}", pod.ns_or_default(), pod.name()),
            port,
            &format!("from: [{{namespaceSelector: {{}}}}]\n  {ports}\n(every namespace may ask the cluster DNS){translated}"),
            what,
        )
    })
}

/// The port DNS pod `pod` serves for the DNS Service's UDP port 53.
fn dns_target_port(svc: &Service, pod: &Pod) -> Option<u16> {
    let sp = svc
        .spec
        .as_ref()?
        .ports
        .as_ref()?
        .iter()
        .find(|p| p.port == 53 && p.protocol.as_deref().unwrap_or("TCP") == "UDP")?;
    model::target_port(sp, pod)
}

/// A pod that crash-loops or fails its probes while the NetworkPolicies
/// that select it admit no DNS query to the cluster DNS: it resolves no
/// name, whatever its log or probe says, so the policy is the root. Only
/// for a pod some policy of its namespace isolates for egress.
pub(super) fn cut_off(a: &Analysis<'_>, pod: &Res<Pod>) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    let isolated = a.cluster.network_policies.iter().any(|p| {
        p.ns_or_default() == ns && day2_model::netpol::policy_types(p).1 && netpol::selects(p, pod)
    });
    if !isolated {
        return None;
    }
    let dns = cluster_dns(a, None);
    let what = format!("pod {} cannot reach the cluster DNS", pod.name());
    path_denied(a, pod, &dns, &what)
}

/// The setting of `pod`'s containers that names `host`: an environment
/// variable (`CATTLE_SERVER`) or an argument.
fn configured_name(a: &Analysis<'_>, pod: &Res<Pod>, host: &str) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let names = |v: &str| {
        v.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .any(|t| t.eq_ignore_ascii_case(host.trim_end_matches('.')))
    };
    spec.containers.iter().find_map(|c| {
        a.references()
            .env(pod.ns_or_default(), c)
            .into_iter()
            .find(|e| names(&e.value))
            .map(|e| format!("environment variable {} of container {}", e.name, c.name))
            .or_else(|| {
                c.args
                    .iter()
                    .flatten()
                    .chain(c.command.iter().flatten())
                    .find(|x| names(x))
                    .map(|x| format!("argument `{x}` of container {}", c.name))
            })
    })
}
