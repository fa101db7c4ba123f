//! A controller that calls its cloud's API and times out, in a cluster
//! whose way out is an HTTP proxy: the other components that call out
//! carry `HTTPS_PROXY` in their environment, and this one does not, so its
//! calls go straight for an address the network drops
//! (kubernetes-csi/external-provisioner#678: kops's `egressProxy` set for
//! its own components, not for the EBS CSI controller; `CreateVolume`
//! ends in DeadlineExceeded).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::{Loop, Workload};

/// The proxy a container's environment names (`HTTPS_PROXY`, `https_proxy`,
/// else `HTTP_PROXY`).
fn proxy_of(w: &Workload<'_>) -> Option<String> {
    let env = || {
        w.spec
            .containers
            .iter()
            .flat_map(|c| c.env.iter().flatten())
    };
    let named = |k: &str| {
        env()
            .find(|e| e.name.eq_ignore_ascii_case(k))
            .and_then(|e| e.value.clone())
            .filter(|v| !v.is_empty())
    };
    named("HTTPS_PROXY").or_else(|| named("HTTP_PROXY"))
}

/// The provisioner's controller, unproxied among proxied components.
pub(super) fn unproxied(a: &Analysis<'_>, provisioner: &str, what: &str) -> Option<Hypothesis> {
    let w = super::csi::provisioner_workload(a, provisioner)?;
    if proxy_of(w).is_some() {
        return None;
    }
    let proxied: Vec<(&Workload<'_>, String)> = a
        .workloads_all()
        .iter()
        .filter(|o| !matches!(o.kind, "ReplicaSet" | "Pod"))
        .filter_map(|o| proxy_of(o).map(|p| (o, p)))
        .collect();
    let (_, proxy) = proxied.first()?;
    // A proxy's credentials (`http://user:pass@proxy:3128`) stay out of the report.
    let proxy = match proxy.split_once("://") {
        Some((scheme, rest)) => format!(
            "{scheme}://{}",
            rest.rsplit_once('@').map_or(rest, |(_, host)| host)
        ),
        None => proxy
            .rsplit_once('@')
            .map_or(proxy.as_str(), |(_, host)| host)
            .to_owned(),
    };
    let others: Vec<String> = proxied
        .iter()
        .take(3)
        .map(|(o, _)| format!("{} {}/{}", o.kind, o.namespace(), o.name()))
        .collect();
    let (ns, name) = (w.namespace(), w.name());
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            day2_model::ObjRef::new(w.kind, Some(ns), name),
            format!(
                "{what}: the cluster reaches out through an HTTP proxy ({} carry `HTTPS_PROXY`), and the containers of {} {ns}/{name}, which call the cloud's API for {provisioner}, carry none, so their calls go straight out and time out",
                others.join(", "),
                w.kind
            ),
        )
        .fix(format!(
            "Give the containers of {} {ns}/{name} the proxy the other components use: `env: [{{name: HTTPS_PROXY, value: {proxy}}}, {{name: HTTP_PROXY, value: {proxy}}}, {{name: NO_PROXY, value: <the same list as the others, with the instance metadata address 169.254.169.254 and the cluster's own domains>}}]` (the driver's chart has a `proxy` setting for it), then restart its pods; the provisioner retries on its own.",
            w.kind
        )),
    )
}
