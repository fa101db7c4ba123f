//! A metrics adapter whose backend URL names an in-cluster Service that
//! does not exist (`--prometheus-url=http://prometheus.default.svc:9090`
//! while the chart's Service is `prometheus-server`:
//! kubernetes-sigs/prometheus-adapter#337). The adapter starts and serves
//! its API, but finds no series behind it, so every custom metric the HPA
//! asks for is "not found": the URL, not the HPA or the metric, is what to
//! change.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

pub(super) fn dangling(a: &Analysis<'_>, pod: &Res<Pod>, link: Option<Link>) -> Option<Hypothesis> {
    let spec = pod.spec.as_ref()?;
    let workload = crate::model::workload_ref(a.cluster, pod);
    for c in &spec.containers {
        for arg in c.args.iter().flatten().chain(c.command.iter().flatten()) {
            let Some((flag, url)) = arg
                .split_once('=')
                .filter(|(f, v)| f.starts_with("--") && v.contains("://"))
            else {
                continue;
            };
            let Some((host, port)) = crate::messages::errors::endpoint(url) else {
                continue;
            };
            let Some((ns, name)) = super::follow::in_cluster_name(a, &host) else {
                continue;
            };
            let (ns, name) = (ns.as_str(), name.as_str());
            if a.service(ns, name).is_some() {
                continue;
            }
            // A Service of the namespace whose name begins with the one
            // asked for (`prometheus-server` for `prometheus`).
            let near: Vec<&str> = a
                .cluster
                .services
                .iter()
                .filter(|s| s.ns_or_default() == ns && s.name().starts_with(name))
                .map(|s| s.name())
                .collect();
            let instead = match near.as_slice() {
                [one] => format!(
                    ": `{flag}=http://{one}.{ns}.svc{}`",
                    port.map(|p| format!(":{p}")).unwrap_or_default()
                ),
                _ => " (`kubectl get svc -n {ns}` lists them)".replace("{ns}", ns),
            };
            return Some(
                Hypothesis::new(
                    84,
                    Loop::Network,
                    workload.clone(),
                    format!(
                        "container {} of {workload} reads its metrics from `{flag}={url}`, and no Service {ns}/{name} exists: the adapter serves its API but finds no series, so the metrics the HPA asks for are not found",
                        c.name
                    ),
                )
                .fix(format!(
                    "Point `{flag}` of {workload} at the Service that serves the metrics{instead} (the chart's `prometheus.url` and `prometheus.port` values render it); the HPA reads the metric once the adapter's next relist finds it."
                ))
                .links(link),
            );
        }
    }
    None
}
