//! An ingress controller that stops because the Service it publishes has no
//! load-balancer address: ingress-nginx with `--publish-service=ns/name`
//! copies that Service's `status.loadBalancer.ingress` into every Ingress,
//! and older releases exit with `service ns/name does not (yet) have
//! ingress points` (`launch.go`) until there is one. A `NodePort` or
//! `ClusterIP` Service never gets one (kubernetes/ingress-nginx#348).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, ObjRef};

/// The Service `ns/name` the controller says has no ingress points.
fn without_points(text: &str) -> Option<(&str, &str)> {
    let (before, _) = text.split_once(" does not (yet) have ingress points")?;
    let (_, svc) = before.rsplit_once("service ")?;
    let svc = svc.trim();
    let (ns, name) = svc.split_once('/')?;
    (!ns.is_empty() && !name.is_empty() && !name.contains(' ')).then_some((ns, name))
}

pub fn no_ingress_points<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some((ns, name)) = texts.iter().find_map(|t| without_points(t)) else {
        return vec![];
    };
    let Some(svc) = a.service(ns, name) else {
        return vec![];
    };
    let kind = svc
        .spec
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("ClusterIP");
    let workload = model::workload_ref(a.cluster, pod);
    let target = ObjRef::new("Service", Some(ns), name);
    let (why, fix) = if kind == "LoadBalancer" {
        (
            format!("Service {ns}/{name} is of type LoadBalancer but has no address yet"),
            format!(
                "Find why Service {ns}/{name} gets no load-balancer address (its events: `kubectl describe service -n {ns} {name}`); until it has one, run {workload} without `--publish-service` or with `--publish-status-address=<address>`."
            ),
        )
    } else {
        (
            format!(
                "Service {ns}/{name} is of type {kind}, which never gets a load-balancer address"
            ),
            format!(
                "Remove `--publish-service={ns}/{name}` from {workload}'s arguments (or give it `--publish-status-address=<a node or external address>`), or change Service {ns}/{name} from {kind} to type LoadBalancer where the cluster has a load-balancer provider."
            ),
        )
    };
    vec![
        Hypothesis::new(
            85,
            Loop::Network,
            target.clone(),
            format!("container {container} exits because the Service it publishes (`--publish-service`) has no ingress points: {why}"),
        )
        .fix(fix)
        .link(Link::new(Loop::Network, None, target, why)),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_service_without_ingress_points() {
        assert_eq!(
            super::without_points(
                "F0621 19:12:31.369402       5 launch.go:148] service default/ingress-nginx does not (yet) have ingress points"
            ),
            Some(("default", "ingress-nginx"))
        );
        assert_eq!(super::without_points("service default/x is ready"), None);
    }
}
