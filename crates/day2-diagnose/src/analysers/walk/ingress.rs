//! Ingress → its IngressClass, its TLS Secrets and its backend Services
//! (and on from each Service, see [`super::service`]). A class or Secret
//! that does not exist where the input holds that kind, and a backend
//! Service or port that resolves to nothing (rule NW010's finding), are
//! evidence.

use super::service;
use super::{Anomaly, Walked};
use crate::analysis::Analysis;
use crate::symptoms::ingress::backends;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::networking::v1::Ingress;

pub(super) fn walk<'c>(a: &Analysis<'c>, ing: &'c Res<Ingress>, w: &mut Walked) {
    let ns = ing.ns_or_default();
    let name = ing.name();
    let Some(spec) = ing.spec.as_ref() else {
        return;
    };
    if let Some(class) = spec.ingress_class_name.as_deref() {
        let classes = &a.cluster.ingress_classes;
        if classes.is_empty() {
            w.unchecked(
                "IngressClass",
                None,
                class,
                &format!("Ingress {name} names its class"),
            );
        } else if !classes.iter().any(|c| c.name() == class) {
            let have: Vec<&str> = classes.iter().map(|c| c.name()).collect();
            w.push(Anomaly {
                score: 45,
                loop_: Loop::Network,
                object: ing.objref(),
                what: format!("Ingress {ns}/{name} names IngressClass {class}, which does not exist (classes: {}): no controller serves it", have.join(", ")),
                fix: format!("Set `spec.ingressClassName` of Ingress {ns}/{name} to one of {}.", have.join(", ")),
            });
        }
    }
    let secrets = &a.cluster.secrets;
    let secrets_held = secrets.iter().any(|x| x.ns_or_default() == ns);
    for tls in spec.tls.iter().flatten() {
        let Some(secret) = tls.secret_name.as_deref() else {
            continue;
        };
        if secrets
            .iter()
            .any(|x| x.ns_or_default() == ns && x.name() == secret)
        {
            continue;
        }
        if secrets_held {
            w.push(Anomaly {
                score: 40,
                loop_: Loop::Identity,
                object: ObjRef::new("Secret", Some(ns), secret),
                what: format!("Secret {ns}/{secret}, the TLS certificate of Ingress {name}, does not exist: the controller serves its default certificate"),
                fix: format!("Create TLS Secret {ns}/{secret} (or the cert-manager Certificate that writes it) or correct `spec.tls[].secretName` of Ingress {name}."),
            });
        } else {
            w.unchecked(
                "Secret",
                Some(ns),
                secret,
                &format!("the TLS certificate of Ingress {name}"),
            );
        }
    }
    // Backends that resolve to nothing: rule NW010's finding.
    if let Some(f) = a.findings.rule_on("NW010", &ing.objref()) {
        w.push_rule(
            Anomaly {
                score: 45,
                loop_: Loop::Network,
                object: ing.objref(),
                what: f.message.clone(),
                fix: f.fix.to_string(),
            },
            Some("NW010"),
        );
    }
    let services_held = a.cluster.services.iter().any(|s| s.ns_or_default() == ns);
    let mut walked: Vec<&str> = Vec::new();
    for (b, host, path) in backends(ing) {
        match a.service(ns, &b.name) {
            None if !services_held => w.unchecked(
                "Service",
                Some(ns),
                &b.name,
                &format!("Ingress {name} routes {host}{path} to it"),
            ),
            None => {}
            Some(svc) if !walked.contains(&b.name.as_str()) => {
                walked.push(&b.name);
                service::walk(a, svc, w);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::testing::{analysis, cluster, findings, walked};
    use crate::symptoms::{Kind, Subject};

    const SVC: &str = "- {apiVersion: v1, kind: Service, metadata: {name: web, namespace: shop}, spec: {ports: [{port: 80, name: http}]}}\n- {apiVersion: v1, kind: Secret, metadata: {name: other, namespace: shop}, type: Opaque}\n- {apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: {name: nginx}, spec: {controller: k8s.io/ingress-nginx}}\n";

    fn ing(spec: &str) -> String {
        format!(
            "- {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: web, namespace: shop}}, spec: {{{spec}}}}}\n"
        )
    }

    const RULE: &str = "rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]";

    fn first(items: &str) -> Option<String> {
        let c = cluster(items);
        let ws = c.workloads();
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let i = &c.ingresses[0];
        walked(&a, Kind::IngressBackendUnavailable, Subject::Ingress(i))
            .into_iter()
            .next()
            .map(|h| h.root.summary)
    }

    #[test]
    fn an_ingress_whose_class_secret_and_backend_exist_is_fine() {
        let items = format!(
            "{SVC}{}",
            ing(&format!(
                "ingressClassName: nginx, tls: [{{hosts: [shop.example.com], secretName: other}}], {RULE}"
            ))
        );
        assert_eq!(first(&items), None);
    }

    #[test]
    fn a_class_that_does_not_exist() {
        let items = format!(
            "{SVC}{}",
            ing(&format!("ingressClassName: traefik, {RULE}"))
        );
        assert!(
            first(&items)
                .unwrap()
                .contains("IngressClass traefik, which does not exist")
        );
    }

    #[test]
    fn a_tls_secret_that_does_not_exist() {
        let items = format!(
            "{SVC}{}",
            ing(&format!(
                "tls: [{{hosts: [shop.example.com], secretName: shop-tls}}], {RULE}"
            ))
        );
        assert!(first(&items).unwrap().contains("Secret shop/shop-tls"));
    }

    #[test]
    fn a_backend_port_the_service_lacks() {
        let items = format!("{SVC}{}", ing(&RULE.replace("number: 80", "number: 8080")));
        assert!(
            first(&items)
                .unwrap()
                .contains("port 8080 of Service `web`")
        );
    }
}
