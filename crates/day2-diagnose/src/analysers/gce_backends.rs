//! Why GKE's load balancer calls a backend UNHEALTHY
//! ([`crate::symptoms::gce_backends`]) while its pods are Ready. The load
//! balancer's health check is derived from the serving container's HTTP
//! readiness probe (its path and port, when the Ingress was created after
//! the pods), else it asks `/`; unlike the kubelet, which takes any status
//! from 200 to 399, it passes only on 200 (weaviate/weaviate#1039: a
//! readiness endpoint answering 204). With nothing in the cluster to blame,
//! the health checkers' addresses (130.211.0.0/22, 35.191.0.0/16) may not
//! reach the nodes (kubernetes/kubernetes#20555), which is the VPC's
//! firewall, outside the cluster.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::gce_backends::unhealthy;
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;

pub fn unhealthy_backend<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Ingress(ing) = d.subject else {
        return vec![];
    };
    let bad = unhealthy(a, ing);
    let Some((name, svc)) = bad.first() else {
        return vec![];
    };
    let firewall = "allow the load balancer's health checkers (130.211.0.0/22 and 35.191.0.0/16) to the nodes on the node ports (or the pods' ports with NEGs) in the VPC firewall (`gcloud compute firewall-rules create … --source-ranges=130.211.0.0/22,35.191.0.0/16`)";
    let Some((svc, _)) = svc else {
        return vec![
            Hypothesis::new(
                45,
                Loop::Network,
                ing.objref(),
                format!("GKE's load balancer calls backend {name} of Ingress {}/{} UNHEALTHY, and no Service of the input has its node port", ing.ns_or_default(), ing.name()),
            )
            .fix(format!("Find the backend's Service (`kubectl get svc -A -o wide | grep <node port>`) and check that its pods answer the health check with 200; {firewall}."))
            .unexplained(),
        ];
    };
    let pods = crate::symptoms::service::selected_pods(a, svc);
    let ready: Vec<_> = pods.iter().filter(|p| model::is_ready(p)).collect();
    let Some(pod) = ready.first() else {
        // Not Ready pods: the Service's own symptom says why.
        return vec![];
    };
    let workload = model::workload_ref(a.cluster, pod);
    let probe = pod.spec.as_ref().and_then(|s| {
        s.containers.iter().find_map(|c| {
            let g = c.readiness_probe.as_ref()?.http_get.as_ref()?;
            Some(g.path.clone().unwrap_or_else(|| "/".to_owned()))
        })
    });
    match probe {
        Some(path) => vec![
            Hypothesis::new(
                72,
                Loop::Network,
                workload.clone(),
                format!("GKE's load balancer calls backend {name} (Service {}/{}) UNHEALTHY while its pods are Ready: its health check asks the readiness probe's path {path} and passes only on HTTP 200, where the kubelet takes any 2xx or 3xx", svc.ns_or_default(), svc.name()),
            )
            .fix(format!("Make {path} answer 200 (not 204 or a redirect), or point the health check at a path that does: a BackendConfig with `healthCheck: {{type: HTTP, requestPath: <path>}}` named in Service {}'s `cloud.google.com/backend-config` annotation; `curl -i http://<pod IP>:<port>{path}` shows the status. Otherwise {firewall}.", svc.name())),
        ],
        // No readiness probe, and another backend of the same load
        // balancer healthy (its checkers do reach the nodes): the health
        // check asks `/`, which many web applications answer with a
        // redirect or a 404 (apache/superset#14213); the probe is the
        // cluster's lever.
        None if healthy_sibling(ing) && !glbc_without_firewall(a) => vec![
            Hypothesis::new(
                62,
                Loop::Network,
                workload.clone(),
                format!("GKE's load balancer calls backend {name} (Service {}/{}) UNHEALTHY while its pods are Ready: they have no readiness probe, so its health check asks / and passes only on HTTP 200, which an application that redirects / (to a login page) never answers", svc.ns_or_default(), svc.name()),
            )
            .fix(format!("Give the serving container of {workload} a readiness probe (`httpGet` on a path that answers 200, such as its /health) and recreate the Ingress so GKE derives the health check from it, or set the path in a BackendConfig (`healthCheck: {{type: HTTP, requestPath: /health}}`) named in Service {}'s `cloud.google.com/backend-config` annotation; if / does answer 200 (`curl -i http://<pod IP>:<port>/`), {firewall}.", svc.name()))
            .missing("the load balancer's health-check results (in Google Cloud, outside the cluster)".to_owned()),
        ],
        None => vec![
            Hypothesis::new(
                55,
                Loop::Network,
                workload.clone(),
                format!("GKE's load balancer calls every backend of Ingress {}/{} UNHEALTHY, {name} (Service {}/{}) among them, while its pods are Ready and have no readiness probe: its health check asks / and passes only on 200, or never reaches the nodes", ing.ns_or_default(), ing.name(), svc.ns_or_default(), svc.name()),
            )
            .fix(format!("With no backend healthy, first {firewall}; then check the health check's path answers 200 (`curl -i http://<pod IP>:<port>/`; a readiness probe or a BackendConfig sets another path)."))
            .missing("the load balancer's health-check results and the VPC firewall rules (in Google Cloud, outside the cluster)".to_owned())
            .unexplained(),
        ],
    }
}

/// Whether the load balancer calls another of the Ingress's backends
/// HEALTHY: its health checkers reach the nodes.
fn healthy_sibling(ing: &k8s_openapi::api::networking::v1::Ingress) -> bool {
    ing.metadata
        .annotations
        .as_ref()
        .and_then(|m| m.get(crate::symptoms::gce_backends::BACKENDS))
        .and_then(|t| serde_json::from_str::<std::collections::BTreeMap<String, String>>(t).ok())
        .is_some_and(|m| m.values().any(|h| h.eq_ignore_ascii_case("HEALTHY")))
}

/// Whether the nodes run Kubernetes before 1.3, whose GCE ingress
/// controller (GLBC up to 0.6, shipped with 1.2) created no firewall rule
/// for the health checkers: the user's own rule decided which node ports
/// they reached (kubernetes/website#212, kubernetes-retired/contrib#257).
fn glbc_without_firewall(a: &Analysis<'_>) -> bool {
    a.cluster.nodes.iter().any(|n| {
        model::node_info(n)
            .and_then(|i| day2_model::text::major_minor(&i.kubelet_version))
            .is_some_and(|(major, minor)| major == 1 && minor < 3)
    })
}
