//! Known servers Running but not Ready, by what their readiness says:
//! CoreDNS's 503, metrics-server's 500, Elasticsearch's wait for green.
//!
//! CoreDNS Running but not Ready, its readiness endpoint answering 503:
//! CoreDNS's `ready` plugin answers 503 while any plugin is not ready, and
//! the `kubernetes` plugin is not ready until it has listed Services and
//! Endpoints from the API server (`plugin/ready`, `plugin/kubernetes`'s
//! `HasSynced`). So CoreDNS cannot read the API: its ServiceAccount is not
//! bound to a role that lets it list, or the path from its nodes to the
//! API server's address is cut (kubernetes/kubernetes#86762: CoreDNS on a
//! subnet that cannot reach the control plane's).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::{Event, Loop, ObjRef, Pod, Res};

/// CoreDNS by its image, as kubeadm labels it (`k8s-app: kube-dns`) or as
/// its own chart does (`k8s-app: coredns`, `app.kubernetes.io/name`).
fn is_coredns(pod: &Pod) -> bool {
    pod.metadata.labels.as_ref().is_some_and(|l| {
        l.get("k8s-app")
            .is_some_and(|v| v == "kube-dns" || v == "coredns")
            || l.get("app.kubernetes.io/name")
                .is_some_and(|v| v == "coredns")
    }) && pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .any(|c| c.image.as_deref().is_some_and(|i| i.contains("coredns")))
    })
}

/// The cause when `pod` is CoreDNS and its readiness probe got 503.
fn not_synced(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    output: &str,
    failed: &Event,
) -> Option<Hypothesis> {
    if !is_coredns(pod) || !output.contains("statuscode: 503") {
        return None;
    }
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
    let bound = a.cluster.cluster_role_bindings.iter().any(|b| {
        b.subjects.iter().flatten().any(|s| {
            s.kind == "ServiceAccount" && s.name == sa && s.namespace.as_deref() == Some(ns)
        })
    });
    let workload = model::workload_ref(a.cluster, pod);
    let seen = Link::from_event(
        Loop::Network,
        failed,
        format!(
            "{} answers its readiness probe with 503: a CoreDNS plugin is not ready",
            pod.name()
        ),
    );
    let logs = format!(
        "`kubectl logs -n {ns} {} | grep -E 'plugin/(kubernetes|ready)'`",
        pod.name()
    );
    // Its account's name bound in another namespace (a chart rendered with
    // `helm template` and no `--namespace` binds `default`'s).
    if !bound && let Some((b, other)) = super::rbac::cluster_binding_elsewhere(a.cluster, ns, sa) {
        return Some(
            Hypothesis::new(
                82,
                Loop::Identity,
                b.objref(),
                format!("CoreDNS ({workload}) never becomes Ready: its kubernetes plugin cannot list Services and Endpoints, because ClusterRoleBinding {} binds ServiceAccount {other}/{sa}, not {ns}/{sa}, which CoreDNS runs as", b.name()),
            )
            .fix(format!("Set the subject's namespace of ClusterRoleBinding {} to `{ns}` (a chart rendered with `helm template` needs `--namespace {ns}`); {logs} shows the refusal.", b.name()))
            .link(seen),
        );
    }
    if !bound && !a.cluster.cluster_role_bindings.is_empty() {
        return Some(
            Hypothesis::new(
                76,
                Loop::Identity,
                ObjRef::new("ServiceAccount", Some(ns), sa),
                format!("CoreDNS ({workload}) never becomes Ready: its kubernetes plugin cannot list Services and Endpoints, and no ClusterRoleBinding binds its ServiceAccount {ns}/{sa} (kubeadm's system:coredns)"),
            )
            .fix(format!("Bind ServiceAccount {ns}/{sa} to ClusterRole system:coredns (list and watch endpoints, services, pods, namespaces, endpointslices): `kubectl create clusterrolebinding system:coredns --clusterrole=system:coredns --serviceaccount={ns}:{sa}`; {logs} shows the refusal."))
            .link(seen),
        );
    }
    if bound && let Some(h) = list_ungranted(a, pod, &workload, &logs) {
        return Some(h.link(seen));
    }
    Some(
        Hypothesis::new(
            58,
            Loop::Network,
            workload.clone(),
            format!("CoreDNS ({workload}) runs but never becomes Ready: its ready plugin answers 503 while the kubernetes plugin has not listed Services and Endpoints, so CoreDNS cannot reach the API server from its nodes; the path between them is outside the cluster's objects"),
        )
        .fix(format!("{logs} shows `Failed to list … dial tcp <kubernetes Service IP>:443: i/o timeout` when the API server is out of reach. Check the route and firewall between the subnet of CoreDNS's nodes and the API server (and the upstream resolvers), kube-proxy on those nodes, and the CNI's routes; running CoreDNS on nodes that reach the control plane works around it."))
        .missing(format!("the logs of {} (the plugin that is not ready, and why)", pod.name()))
        .link(seen)
        .unexplained(),
    )
}

/// The image of the pod's first container whose image names `what`.
fn image_with<'p>(pod: &'p Pod, what: &str) -> Option<&'p str> {
    pod.spec
        .as_ref()?
        .containers
        .iter()
        .find_map(|c| c.image.as_deref().filter(|i| i.contains(what)))
}

/// The roles bound to CoreDNS's account, all held, and none lets it list
/// what its kubernetes plugin watches: Services, and EndpointSlices from
/// CoreDNS 1.8.1 on (Endpoints before). An add-on upgraded past the role
/// it was installed with (coredns/coredns#5495: 1.8.4 on EKS's
/// `system:coredns` without `endpointslices`).
fn list_ungranted(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    workload: &ObjRef,
    logs: &str,
) -> Option<Hypothesis> {
    let image = image_with(pod, "coredns")?;
    let tag = image.rsplit_once(':')?.1;
    let (major, minor, patch) = day2_model::text::release(tag)?;
    let version = (major, minor, patch?);
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let roles = super::rbac::bound_cluster_roles(a.cluster, ns, sa)?;
    let role = roles.first()?;
    let slices = version >= (1, 8, 1);
    let needed: [(&str, &str); 2] = if slices {
        [("", "services"), ("discovery.k8s.io", "endpointslices")]
    } else {
        [("", "services"), ("", "endpoints")]
    };
    let (group, resource) = needed
        .into_iter()
        .find(|(group, resource)| !super::rbac::roles_allow(&roles, "list", group, resource))?;
    let group_text = if group.is_empty() { "\"\"" } else { group };
    Some(
        Hypothesis::new(
            84,
            Loop::Identity,
            role.objref(),
            format!(
                "CoreDNS ({workload}, {tag}) never becomes Ready: its kubernetes plugin lists {resource}{}, and ClusterRole {} bound to ServiceAccount {ns}/{sa} does not grant `list` on them, so the plugin never syncs",
                if slices { " (CoreDNS 1.8.1 and later watch EndpointSlices)" } else { "" },
                role.name()
            ),
        )
        .fix(format!(
            "Add `{{apiGroups: [{group_text}], resources: [\"{resource}\"], verbs: [\"list\", \"watch\"]}}` to ClusterRole {} (the role CoreDNS {tag}'s own manifest ships), or go back to the CoreDNS version the role was written for; {logs} shows the refusal.",
            role.name()
        )),
    )
}

/// metrics-server Running but not Ready, its readiness endpoint answering
/// 500: `/readyz` fails until it has scraped the kubelets once. On
/// self-managed clusters that is the kubelets' self-signed serving
/// certificates, which carry no IP SANs (`x509: cannot validate certificate
/// for <node IP> because it doesn't contain any IP SANs`,
/// kubernetes-sigs/metrics-server#917), else node names it cannot resolve.
fn metrics_server_unscraped(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    output: &str,
    failed: &Event,
) -> Option<Hypothesis> {
    let is_metrics_server = pod.spec.as_ref().is_some_and(|s| {
        s.containers.iter().any(|c| {
            c.image
                .as_deref()
                .is_some_and(|i| i.contains("metrics-server"))
        })
    });
    if !is_metrics_server || !output.contains("statuscode: 500") {
        return None;
    }
    let workload = model::workload_ref(a.cluster, pod);
    if let Some(h) = kubelet_scrape_ungranted(a, pod, &workload) {
        return Some(h.link(Link::from_event(
            Loop::Network,
            failed,
            format!("{} answers its readiness probe with 500", pod.name()),
        )));
    }
    Some(
        Hypothesis::new(
            78,
            Loop::Identity,
            workload.clone(),
            format!("metrics-server ({workload}) runs but never becomes Ready: its readiness endpoint answers 500 until it has scraped the kubelets, and it cannot, most often because their serving certificates are self-signed without IP SANs"),
        )
        .fix(format!("Read its log (`kubectl logs -n {} {}`). For `doesn't contain any IP SANs`, give the kubelets signed serving certificates (`serverTLSBootstrap: true` in the kubelet configuration, then approve the kubelet-serving CSRs) or, on a test cluster, add `--kubelet-insecure-tls` to metrics-server's arguments; for `no such host` on node names, `--kubelet-preferred-address-types=InternalIP`.", pod.ns_or_default(), pod.name()))
        .link(Link::from_event(Loop::Network, failed, format!("{} answers its readiness probe with 500", pod.name()))),
    )
}

/// The kubelet endpoint metrics-server scrapes needs a grant on a node
/// subresource: `nodes/stats` (`/stats/summary`) before v0.6, `nodes/metrics`
/// (`/metrics/resource`) from v0.6. Bound ClusterRoles without it make
/// every scrape a 403, so it never becomes Ready (kubespray#9289).
fn kubelet_scrape_ungranted(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    workload: &day2_model::ObjRef,
) -> Option<Hypothesis> {
    let image = image_with(pod, "metrics-server")?;
    let tag = image
        .rsplit_once(':')
        .map(|(_, t)| t.trim_start_matches('v'))?;
    let (major, minor) = day2_model::text::major_minor(tag)?;
    let needed = if (major, minor) < (0, 6) {
        "nodes/stats"
    } else {
        "nodes/metrics"
    };
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let roles = super::rbac::bound_cluster_roles(a.cluster, ns, sa)?;
    // The role that grants `nodes`: the one meant to grant its subresources.
    let role = roles.iter().find(|r| {
        r.rules
            .iter()
            .flatten()
            .any(|rule| day2_model::rbac::rule_allows(rule, "get", "", "nodes"))
    })?;
    if super::rbac::roles_allow(&roles, "get", "", needed) {
        return None;
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Identity,
            role.objref(),
            format!("metrics-server ({workload}, {tag}) scrapes the kubelets' {} endpoint, which needs `get` on {needed}, and ClusterRole {} bound to ServiceAccount {ns}/{sa} does not grant it: every scrape is refused (403) and it never becomes Ready", if needed == "nodes/stats" { "/stats/summary" } else { "/metrics/resource" }, role.name()),
        )
        .fix(format!("Add `{needed}` to the resources of the `nodes` rule of ClusterRole {} (`{{apiGroups: [\"\"], resources: [\"nodes\", \"{needed}\"], verbs: [\"get\", \"list\", \"watch\"]}}`), as the metrics-server release's own manifest has it.", role.name())),
    )
}

/// Elastic's chart probes `_cluster/health?wait_for_status=green`: a
/// cluster of one node never turns green while its indices ask for a
/// replica (it cannot sit beside its primary), so the node stays yellow
/// and never Ready (elastic/helm-charts#783).
fn elasticsearch_yellow(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    output: &str,
    failed: &Event,
) -> Option<Hypothesis> {
    if !output.contains("wait_for_status=green") {
        return None;
    }
    let workload = model::workload_ref(a.cluster, pod);
    let replicas = a
        .cluster
        .stateful_sets
        .iter()
        .find(|s| {
            workload.kind == "StatefulSet"
                && s.name() == workload.name
                && Some(s.ns_or_default()) == workload.namespace.as_deref()
        })
        .map(|s| s.spec.replicas.unwrap_or(1))?;
    if replicas > 1 {
        return None;
    }
    Some(
        Hypothesis::new(
            80,
            Loop::Compute,
            workload.clone(),
            format!("{} waits in its readiness probe for cluster health green, and a one-node Elasticsearch cluster stays yellow while its indices ask for a replica, which cannot be placed beside its primary: {workload} never becomes Ready", pod.name()),
        )
        .fix(format!("For one node, let the probe accept yellow: the chart's `clusterHealthCheckParams: \"wait_for_status=yellow&timeout=1s\"`; or set `number_of_replicas: 0` on the indices (and their templates), or run three replicas of {workload}."))
        .link(Link::from_event(Loop::Network, failed, format!("{} waits for status green", pod.name()))),
    )
}

/// CoreDNS probed on the `ready` plugin's port (8181) while its Corefile
/// loads no `ready` plugin: nothing listens there, so every probe is
/// refused and the pods are never Ready (coredns/coredns#3403).
fn no_ready_plugin(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    output: &str,
    failed: &Event,
) -> Option<Hypothesis> {
    if !is_coredns(pod) || !output.contains(":8181") || !output.contains("connection refused") {
        return None;
    }
    let ns = pod.ns_or_default();
    let cm = pod.spec.as_ref()?.volumes.iter().flatten().find_map(|v| {
        let name = &v.config_map.as_ref()?.name;
        a.cluster
            .config_maps
            .iter()
            .find(|c| c.ns_or_default() == ns && c.name() == name)
    })?;
    let corefile = cm.data.as_ref()?.get("Corefile")?;
    let has_ready = corefile
        .lines()
        .any(|l| l.trim() == "ready" || l.trim().starts_with("ready "));
    if has_ready {
        return None;
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            cm.objref(),
            format!("CoreDNS's readiness probe asks port 8181, the `ready` plugin's, and the Corefile in ConfigMap {ns}/{} loads no `ready` plugin: nothing listens there, so the pods are never Ready", cm.name()),
        )
        .fix(format!("Add a line `ready` to the server block of the Corefile in ConfigMap {ns}/{} (CoreDNS 1.5 and later serve readiness on :8181 from it), or point the readiness probe at the `health` plugin's :8080/health; the `reload` plugin picks the change up.", cm.name()))
        .link(Link::from_event(Loop::Network, failed, format!("{} refuses its readiness probe on 8181", pod.name()))),
    )
}

/// The cause of a known server's readiness failure: CoreDNS's 503,
/// metrics-server's 500, Elasticsearch's wait for green.
/// A server that keeps its own serving CA in a Secret it names
/// (`--dynamic-serving-ca-secret-name=cert-manager-webhook-ca`) and says the
/// CA has expired (`CA certificate has expired`): it cannot issue itself a
/// serving certificate, so it answers its probes with errors. cert-manager
/// 1.15.0 to 1.15.2 did not renew the webhook's CA after its year
/// (cert-manager/cert-manager#7138).
fn own_ca_expired(pod: &Res<Pod>, failed: &Event) -> Option<Hypothesis> {
    let said = model::container_statuses(pod).any(|cs| {
        [cs.last_state.as_deref(), cs.state.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|st| st.terminated.as_ref()?.message.as_deref())
            .any(|m| m.contains("CA certificate has expired"))
    });
    if !said {
        return None;
    }
    let secret = pod.spec.as_ref()?.containers.iter().find_map(|c| {
        c.args
            .iter()
            .flatten()
            .find_map(|x| x.split_once("-ca-secret-name=").map(|(_, v)| v.to_owned()))
    })?;
    let ns = pod.ns_or_default();
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            ObjRef::new("Secret", Some(ns), &secret),
            format!("{} keeps its own serving CA in Secret {ns}/{secret}, and that CA has expired (`CA certificate has expired`): it cannot issue itself a serving certificate, so its probes fail", pod.name()),
        )
        .fix(format!("Delete Secret {ns}/{secret} (`kubectl delete secret -n {ns} {secret}`): the server creates a new CA and serving certificate on its next start; then upgrade to a release that renews the CA before it expires (cert-manager 1.15.3 or later)."))
        .link(Link::from_event(Loop::Identity, failed, format!("{} fails its probe", pod.name()))),
    )
}

pub(crate) fn known(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    output: &str,
    failed: &Event,
) -> Option<Hypothesis> {
    not_synced(a, pod, output, failed)
        .or_else(|| own_ca_expired(pod, failed))
        .or_else(|| no_ready_plugin(a, pod, output, failed))
        .or_else(|| metrics_server_unscraped(a, pod, output, failed))
        .or_else(|| elasticsearch_yellow(a, pod, output, failed))
}
