//! Admission webhook configurations → the Services the API server calls.
//! A webhook that intercepts pod creation with `failurePolicy: Fail` refuses
//! every pod while its Service does not exist, lacks the port it is called
//! on, or has no ready endpoint. Only webhooks whose `namespaceSelector`
//! and `objectSelector` admit the pods count.

use super::{Anomaly, Walked};
use crate::analysers::admission::{webhook_service, webhooks};
use crate::analysis::Analysis;
use crate::symptoms::service::{endpoint_state, selected_pods, selector};
use day2_model::selector::{Labels, label_selector_matches};
use day2_model::{Loop, ObjRef};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

/// Whether a webhook's rules send pod creations to it.
fn intercepts_pod_creation(h: &Value) -> bool {
    let has = |v: Option<&Value>, want: &[&str]| {
        v.and_then(Value::as_array).is_some_and(|xs| {
            xs.iter()
                .filter_map(Value::as_str)
                .any(|x| want.contains(&x))
        })
    };
    h.get("rules")
        .and_then(Value::as_array)
        .is_some_and(|rules| {
            rules.iter().any(|r| {
                has(r.get("operations"), &["CREATE", "*"])
                    && has(r.get("resources"), &["pods", "*", "*/*"])
            })
        })
}

pub(super) fn walk(a: &Analysis<'_>, ns: &str, pod_labels: &Labels, w: &mut Walked) {
    let ns_labels = day2_model::netpol::namespace_labels(a.cluster, ns);
    for (o, h) in webhooks(a) {
        let config = ObjRef::new(o.obj.kind.clone(), None, o.name());
        let hook = h.get("name").and_then(Value::as_str).unwrap_or("");
        // admissionregistration.k8s.io/v1 defaults failurePolicy to Fail.
        let policy = h
            .get("failurePolicy")
            .and_then(Value::as_str)
            .unwrap_or("Fail");
        if policy != "Fail" || !intercepts_pod_creation(h) {
            continue;
        }
        let selects = |field: &str, labels: &Labels| {
            h.get(field)
                .and_then(|s| serde_json::from_value::<LabelSelector>(s.clone()).ok())
                .is_none_or(|s| label_selector_matches(&s, labels))
        };
        if !selects("namespaceSelector", &ns_labels) || !selects("objectSelector", pod_labels) {
            continue;
        }
        let Some((sns, sname)) = webhook_service(h) else {
            continue;
        };
        let s = h.get("clientConfig").and_then(|c| c.get("service"));
        let port = s
            .and_then(|s| s.get("port"))
            .and_then(Value::as_i64)
            .and_then(|p| i32::try_from(p).ok())
            .unwrap_or(443);
        let svc_ref = ObjRef::new("Service", Some(sns), sname);
        let via = format!("admission webhook \"{hook}\" ({config}, failurePolicy Fail)");
        let Some(svc) = a.service(sns, sname) else {
            if a.cluster.services.iter().any(|x| x.ns_or_default() == sns) {
                w.push(Anomaly {
                    score: 45,
                    loop_: Loop::Network,
                    object: svc_ref,
                    what: format!("Service {sns}/{sname}, which {via} calls on every pod creation, does not exist: the API server refuses the pods"),
                    fix: format!("Reinstall the webhook's backend (Service {sns}/{sname}), or delete {config} if its operator was removed."),
                });
            } else {
                w.unchecked("Service", Some(sns), sname, &format!("{via} calls it"));
            }
            continue;
        };
        let ports = svc.spec.iter().flat_map(|sp| sp.ports.iter().flatten());
        if !ports.clone().any(|p| p.port == port) {
            let have: Vec<String> = ports.map(|p| p.port.to_string()).collect();
            w.push(Anomaly {
                score: 45,
                loop_: Loop::Network,
                object: svc_ref,
                what: format!("{via} calls Service {sns}/{sname} on port {port}, which it does not have (ports: {})", have.join(", ")),
                fix: format!("Set `clientConfig.service.port` of webhook \"{hook}\" to one of Service {sns}/{sname}'s ports."),
            });
            continue;
        }
        if selector(svc).is_some() {
            let pods = selected_pods(a, svc);
            let st = endpoint_state(a, svc, &pods);
            if st.ready == 0 {
                w.push(Anomaly {
                    score: 40,
                    loop_: Loop::Network,
                    object: svc_ref,
                    what: format!("Service {sns}/{sname}, which {via} calls, has no ready endpoint ({} pod(s) selected, {} not ready)", pods.len(), st.not_ready),
                    fix: format!("Bring the webhook's pods behind {sns}/{sname} back to Ready, or set failurePolicy: Ignore on webhook \"{hook}\" while it is down."),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::testing::{analysis, cluster, findings};
    use crate::symptoms::{Detected, Kind, Subject};

    const RS: &str = "- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: web, namespace: shop}, spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x:1}]}}}}\n";

    fn hook(extra: &str, port: u16) -> String {
        format!(
            "- {{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {{name: policy}}, webhooks: [{{name: pods.policy.io, {extra}clientConfig: {{service: {{namespace: policy, name: policy-webhook, port: {port}}}}}, rules: [{{apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}}]}}]}}\n"
        )
    }

    const SVC: &str = "- {apiVersion: v1, kind: Service, metadata: {name: policy-webhook, namespace: policy}, spec: {selector: {app: policy}, ports: [{port: 443, targetPort: 9443}]}}\n";
    const POD: &str = "- {apiVersion: v1, kind: Pod, metadata: {name: policy-1, namespace: policy, uid: u1, labels: {app: policy}}, spec: {containers: [{name: c, image: x:1}]}, status: {phase: Running, conditions: [{type: Ready, status: \"READY\"}]}}\n";
    const OTHER: &str = "- {apiVersion: v1, kind: Service, metadata: {name: other, namespace: policy}, spec: {selector: {app: other}, ports: [{port: 80}]}}\n";

    fn first(items: &str) -> Option<String> {
        let c = cluster(items);
        let ws = c.workloads();
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let rs = &c.replica_sets[0];
        let d = Detected::new(
            Kind::PodCreateFailed,
            rs.objref(),
            Subject::Controller {
                meta: &rs.metadata,
                template: rs.spec.template.as_ref(),
            },
        );
        super::super::graph::references(&a, &d)
            .into_iter()
            .next()
            .map(|h| h.root.summary)
    }

    #[test]
    fn a_served_webhook_is_fine() {
        assert_eq!(
            first(&format!(
                "{RS}{}{SVC}{}",
                hook("", 443),
                POD.replace("READY", "True")
            )),
            None
        );
    }

    #[test]
    fn a_webhook_whose_service_is_gone_or_unready_or_on_another_port() {
        let s = first(&format!("{RS}{}{OTHER}", hook("", 443))).unwrap();
        assert!(s.contains("does not exist"), "{s}");
        let s = first(&format!(
            "{RS}{}{SVC}{}",
            hook("", 443),
            POD.replace("READY", "False")
        ))
        .unwrap();
        assert!(s.contains("no ready endpoint"), "{s}");
        let s = first(&format!(
            "{RS}{}{SVC}{}",
            hook("", 8443),
            POD.replace("READY", "True")
        ))
        .unwrap();
        assert!(s.contains("port 8443"), "{s}");
    }

    #[test]
    fn a_webhook_that_ignores_failures_or_other_namespaces_is_not_evidence() {
        assert_eq!(
            first(&format!(
                "{RS}{}{OTHER}",
                hook("failurePolicy: Ignore, ", 443)
            )),
            None
        );
        let other_ns = "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: prod}}, ";
        assert_eq!(first(&format!("{RS}{}{OTHER}", hook(other_ns, 443))), None);
        let other_pods = "objectSelector: {matchLabels: {app: db}}, ";
        assert_eq!(
            first(&format!("{RS}{}{OTHER}", hook(other_pods, 443))),
            None
        );
    }
}
