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
        None => vec![
            Hypothesis::new(
                55,
                Loop::Network,
                workload.clone(),
                format!("GKE's load balancer calls backend {name} (Service {}/{}) UNHEALTHY while its pods are Ready and have no readiness probe: its health check asks / and passes only on 200, or never reaches the nodes", svc.ns_or_default(), svc.name()),
            )
            .fix(format!("Check the health check's path answers 200 (`curl -i http://<pod IP>:<port>/`; a readiness probe or a BackendConfig sets another path), and {firewall}."))
            .missing("the load balancer's health-check results and the VPC firewall rules (in Google Cloud, outside the cluster)".to_owned())
            .unexplained(),
        ],
    }
}
