//! A controller that calls its cloud's API and times out, in a cluster
//! whose way out is an HTTP proxy: the other components that call out
//! carry `HTTPS_PROXY` in their environment, and this one does not, so its
//! calls go straight for an address the network drops
//! (kubernetes-csi/external-provisioner#678: kops's `egressProxy` set for
//! its own components, not for the EBS CSI controller; `CreateVolume`
//! ends in DeadlineExceeded). The proxy is read as `follow::proxy` reads it
//! for a pod that times out to the outside: its own environment, or a
//! ConfigMap it loads.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::{Loop, ObjRef};

/// The provisioner's controller, unproxied among proxied components.
pub(super) fn unproxied(a: &Analysis<'_>, provisioner: &str, what: &str) -> Option<Hypothesis> {
    let w = super::csi::provisioner_workload(a, provisioner)?;
    let (ns, name) = (w.namespace(), w.name());
    let spec = w.spec;
    if super::follow::takes_proxy(
        a,
        ns,
        spec.containers
            .iter()
            .chain(spec.init_containers.iter().flatten()),
    ) {
        return None;
    }
    // The other workloads that go out through a proxy (three named), and
    // the proxy of the first that says which.
    let own = ObjRef::new(w.kind, Some(ns), name);
    let mut others: Vec<ObjRef> = Vec::new();
    let mut proxy: Option<String> = None;
    for p in super::follow::proxied_pods(a) {
        let o = crate::model::workload_ref(a.cluster, p);
        if o == own || others.contains(&o) {
            continue;
        }
        if proxy.is_none() {
            proxy = super::follow::proxy_url(a, p);
        }
        others.push(o);
        if others.len() == 3 {
            break;
        }
    }
    let proxy = proxy?;
    let others: Vec<String> = others
        .iter()
        .map(|o| {
            format!(
                "{} {}/{}",
                o.kind,
                o.namespace.as_deref().unwrap_or_default(),
                o.name
            )
        })
        .collect();
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
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            own,
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
