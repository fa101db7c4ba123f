//! A program that exits because it may not write a kernel setting under
//! `/proc/sys` (`open /proc/sys/net/netfilter/nf_conntrack_max: permission
//! denied`): the node's `/proc/sys` is read-only to the container, as on a
//! node that is itself a container (kind, k3d) or in a pod that is not
//! privileged. kube-proxy sets the conntrack table's size and timeouts at
//! start unless its configuration's `conntrack` fields are zero
//! (kubernetes-sigs/kind#2240, fixed in kind by setting `maxPerCore: 0`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// The sysctl a line says may not be written, in dotted form.
fn denied_sysctl(line: &str) -> Option<String> {
    let l = line.to_ascii_lowercase();
    if !(l.contains("permission denied") || l.contains("read-only file system")) {
        return None;
    }
    let at = line.find("/proc/sys/")? + "/proc/sys/".len();
    let path: String = line[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.'))
        .collect();
    (!path.is_empty()).then(|| path.replace('/', "."))
}

/// kube-proxy's configuration field that makes it leave a conntrack
/// setting alone.
fn kube_proxy_field(sysctl: &str) -> Option<&'static str> {
    match sysctl.strip_prefix("net.netfilter.")? {
        "nf_conntrack_max" => Some("conntrack.maxPerCore: 0"),
        "nf_conntrack_tcp_timeout_established" => Some("conntrack.tcpEstablishedTimeout: 0s"),
        "nf_conntrack_tcp_timeout_close_wait" => Some("conntrack.tcpCloseWaitTimeout: 0s"),
        _ => None,
    }
}

/// The crash's words name a sysctl it may not write: the cause, for `pod`'s
/// `container` (kube-proxy's own configuration, for kube-proxy).
pub(crate) fn read_only(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    texts: &[String],
) -> Option<Hypothesis> {
    let (line, sysctl) = texts
        .iter()
        .flat_map(|t| t.lines())
        .find_map(|l| denied_sysctl(l).map(|s| (l, s)))?;
    let ns = pod.ns_or_default();
    let node = model::node_name(pod).unwrap_or("its node");
    let workload = model::workload_ref(a.cluster, pod);
    let said = day2_model::redact::excerpt(line.trim(), 200);
    let kube_proxy = model::infra_role(a.cluster, pod).is_some_and(|r| r.what == "kube-proxy");
    if kube_proxy && let Some(field) = kube_proxy_field(&sysctl) {
        let cm = a
            .cluster
            .config_maps
            .iter()
            .find(|c| c.ns_or_default() == ns && c.name() == "kube-proxy")
            .map_or_else(|| workload.clone(), |c| c.objref());
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                cm.clone(),
                format!(
                    "kube-proxy exits at start on node {node}: it sets {sysctl} and may not write it (`{said}`), because /proc/sys is read-only there (a node that runs in a container, such as kind's, on a newer kernel)"
                ),
            )
            .fix(format!(
                "Set `{field}` in kube-proxy's configuration ({cm}, key config.conf) so it leaves {sysctl} alone, then restart its pods (`kubectl -n {ns} rollout restart daemonset kube-proxy`); set the value on the host instead if it needs raising (`sysctl -w {sysctl}=<n>`). kind does this from v0.11."
            )),
        );
    }
    Some(
        Hypothesis::new(
            74,
            Loop::Compute,
            workload.clone(),
            format!(
                "container {container} of {} exits because it may not write kernel setting {sysctl} (`{said}`): /proc/sys is read-only to it on node {node}",
                pod.name()
            ),
        )
        .fix(format!(
            "Set {sysctl} on the node itself (`sysctl -w {sysctl}=<value>`, or the pod's `securityContext.sysctls` for a namespaced, allowed sysctl) and configure {workload} not to set it; a privileged container may write it where the node allows."
        ))
        .link(crate::evidence::Link::new(
            Loop::Compute,
            None,
            ObjRef::new("Node", None, node),
            format!("/proc/sys/{} is read-only to the container", sysctl.replace('.', "/")),
        )),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sysctl_a_line_may_not_write() {
        assert_eq!(
            super::denied_sysctl("F0511 08:18:55.244412 1 server.go:495] open /proc/sys/net/netfilter/nf_conntrack_max: permission denied").as_deref(),
            Some("net.netfilter.nf_conntrack_max")
        );
        assert_eq!(
            super::denied_sysctl("write /proc/sys/vm/max_map_count: read-only file system")
                .as_deref(),
            Some("vm.max_map_count")
        );
        assert_eq!(
            super::denied_sysctl("open /etc/app.conf: permission denied"),
            None
        );
    }
}
