//! ingress-nginx exposing a port from its `--tcp-services-configmap` or
//! `--udp-services-configmap` that nginx cannot bind (`bind() to
//! 0.0.0.0:53 failed`): each key of those ConfigMaps is a port nginx
//! listens on in the controller's pod, so a port the pod may not take (a
//! privileged port without the host's network or `NET_BIND_SERVICE`, one
//! the node already uses) fails the whole configuration and the controller
//! exits (kubernetes/ingress-nginx#3036: Kubespray's
//! `ingress_nginx_host_network: false` with DNS on 53 in udp-services).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// The port of nginx's `bind() to ADDR:PORT failed`.
fn bind_failed(line: &str) -> Option<u16> {
    let (_, rest) = line.split_once("bind() to ")?;
    let (addr, after) = rest.split_once(' ')?;
    if !after.starts_with("failed") {
        return None;
    }
    addr.rsplit_once(':')?.1.parse().ok()
}

pub fn unbindable<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some((line, port)) = texts
        .iter()
        .flat_map(|t| t.lines())
        .find_map(|l| bind_failed(l).map(|p| (l, p)))
    else {
        return vec![];
    };
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let found = ["udp-services-configmap", "tcp-services-configmap"]
        .into_iter()
        .flat_map(|flag| {
            model::flag_values(c, flag)
                .into_iter()
                .map(move |v| (flag, v))
        })
        .find_map(|(flag, value)| {
            let value = value.replace("$(POD_NAMESPACE)", ns);
            let (cm_ns, name) = value.split_once('/').unwrap_or((ns, value.as_str()));
            let cm = a
                .cluster
                .config_maps
                .iter()
                .find(|m| m.ns_or_default() == cm_ns && m.name() == name)?;
            let target = cm.data.as_ref()?.get(&port.to_string())?.clone();
            Some((flag, cm, target))
        });
    let Some((flag, cm, target)) = found else {
        return vec![];
    };
    let host_network = pod
        .spec
        .as_ref()
        .is_some_and(|s| s.host_network == Some(true));
    let workload = model::workload_ref(a.cluster, pod);
    let protocol = if flag.starts_with("udp") {
        "UDP"
    } else {
        "TCP"
    };
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            cm.objref(),
            format!(
                "ConfigMap {}/{} (`--{flag}`) asks {workload} to listen on {protocol} port {port} for {target}, and nginx cannot bind it (`{}`){}: the configuration fails and the controller exits",
                cm.ns_or_default(),
                cm.name(),
                day2_model::redact::excerpt(line.trim(), 160),
                if host_network { "" } else { " in a pod without the host's network" }
            ),
        )
        .fix(format!(
            "Remove key \"{port}\" from ConfigMap {}/{} (or map a port above 1024 and expose {port} through the controller's Service), or run the controller on the host's network (`hostNetwork: true`; Kubespray: `ingress_nginx_host_network: true`) where nothing else holds {port} on the node.",
            cm.ns_or_default(),
            cm.name()
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::bind_failed;

    #[test]
    fn the_port_nginx_cannot_bind() {
        assert_eq!(
            bind_failed(
                "nginx: [emerg] bind() to 0.0.0.0:53 failed (2: No such file or directory)"
            ),
            Some(53)
        );
        assert_eq!(
            bind_failed("bind() to [::]:8443 failed (98: Address in use)"),
            Some(8443)
        );
        assert_eq!(bind_failed("listen tcp :80: bind: permission denied"), None);
    }
}
