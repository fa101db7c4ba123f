//! What an Ingress's backends are.

use k8s_openapi::api::networking::v1::{Ingress, IngressServiceBackend};

/// Whether a backend is an AWS Load Balancer Controller action rather than
/// a Service: its port is `use-annotation` and the Ingress carries the
/// `alb.ingress.kubernetes.io/actions.<name>` annotation that defines it (a
/// redirect, a fixed response, a weighted forward). The controller reads the
/// action from the annotation; no Service of that name is meant to exist.
pub fn is_alb_action(ing: &Ingress, backend: &IngressServiceBackend) -> bool {
    let by_annotation =
        backend.port.as_ref().and_then(|p| p.name.as_deref()) == Some("use-annotation");
    by_annotation
        && ing.metadata.annotations.as_ref().is_some_and(|a| {
            a.contains_key(&format!(
                "alb.ingress.kubernetes.io/actions.{}",
                backend.name
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingress(annotations: serde_json::Value, port: serde_json::Value) -> Ingress {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "annotations": annotations},
            "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "ssl-redirect", "port": port}}}]}}]}
        }))
        .unwrap()
    }

    fn first(ing: &Ingress) -> &IngressServiceBackend {
        ing.spec.as_ref().unwrap().rules.as_ref().unwrap()[0]
            .http
            .as_ref()
            .unwrap()
            .paths[0]
            .backend
            .service
            .as_ref()
            .unwrap()
    }

    #[test]
    fn a_use_annotation_backend_with_its_action_is_not_a_service() {
        let action = serde_json::json!({"alb.ingress.kubernetes.io/actions.ssl-redirect":
            "{\"Type\": \"redirect\", \"RedirectConfig\": {\"Protocol\": \"HTTPS\", \"Port\": \"443\", \"StatusCode\": \"HTTP_301\"}}"});
        let ing = ingress(
            action.clone(),
            serde_json::json!({"name": "use-annotation"}),
        );
        assert!(is_alb_action(&ing, first(&ing)));
        // Without the annotation, or on a real port, it is a Service.
        let ing = ingress(
            serde_json::json!({}),
            serde_json::json!({"name": "use-annotation"}),
        );
        assert!(!is_alb_action(&ing, first(&ing)));
        let ing = ingress(action, serde_json::json!({"number": 80}));
        assert!(!is_alb_action(&ing, first(&ing)));
    }
}
