//! NW010: Ingress backends that do not exist.

use crate::reads::K;
use crate::util::{namespace_has_operator_objects, sees_whole_cluster};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::IngressServiceBackend;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "NW010",
    name: "ingress-backend-missing",
    loop_: Loop::Network,
    reads: KindSet::of(&[
        K::Other,
        K::ClusterRoleBinding,
        K::Ingress,
        K::LimitRange,
        K::Namespace,
        K::NetworkPolicy,
        K::RoleBinding,
        K::Service,
    ]),
    severity: Severity::High,
    summary: "Ingress routes to a Service (or Service port) that does not exist",
    law: law::NETWORK,
    rationale: "An Ingress path whose backend Service does not exist in the Ingress's namespace, or whose \
`port.number`/`port.name` is not a port of that Service (the Service's `port`, not its `targetPort`), \
is answered by the controller with 503 (ingress-nginx's default backend, ALB's fixed response). The \
Ingress itself is accepted and looks healthy; only the path is broken.",
    fix: Fix::generic(
        "Point the backend at an existing Service in the Ingress's namespace and at one of its `ports[].port` (or `ports[].name`); Ingresses cannot reference Services in other namespaces (use an ExternalName Service or Gateway API with a ReferenceGrant).",
    ),
    sources: "Snapshot/live: a missing Service is high. Manifests: a Service missing from the input is medium (it may be defined in other files) and not reported in namespaces where the input holds custom resources that may create Services; a port that does not match a Service in the input is high everywhere.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW010/fire.yaml"),
        silent: include_str!("../../fixtures/NW010/silent.yaml"),
    },
    peers: &[
        "kube-score ingress-targets-service",
        "KubeLinter dangling-ingress",
        "Kubescape C-0298",
    ],
};

pub struct IngressBackendMissing;

impl Rule for IngressBackendMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let whole = sees_whole_cluster(c);
        let services: HashMap<(&str, &str), &Service> = c
            .services
            .iter()
            .map(|s| ((s.ns_or_default(), s.name()), &*s.obj))
            .collect();
        for ing in &c.ingresses {
            let ns = ing.ns_or_default();
            let Some(spec) = ing.spec.as_ref() else {
                continue;
            };
            let mut backends: Vec<(String, &IngressServiceBackend)> = Vec::new();
            if let Some(b) = spec
                .default_backend
                .as_ref()
                .and_then(|b| b.service.as_ref())
            {
                backends.push(("/spec/defaultBackend".into(), b));
            }
            for (ri, r) in spec.rules.iter().flatten().enumerate() {
                for (pi, p) in r.http.iter().flat_map(|h| &h.paths).enumerate() {
                    if let Some(b) = &p.backend.service {
                        backends.push((format!("/spec/rules/{ri}/http/paths/{pi}/backend"), b));
                    }
                }
            }
            for (pointer, b) in backends {
                if day2_model::ingress::is_alb_action(ing, b) {
                    continue;
                }
                let (message, severity) = match services.get(&(ns, b.name.as_str())) {
                    None => {
                        if !whole && namespace_has_operator_objects(c, ns) {
                            continue;
                        }
                        (
                            format!(
                                "Ingress {} routes to Service `{}`, which does not exist in namespace {ns}{}: the path answers 503",
                                ing.name(),
                                b.name,
                                if whole { "" } else { " in the input" }
                            ),
                            if whole {
                                Severity::High
                            } else {
                                Severity::Medium
                            },
                        )
                    }
                    Some(svc) => {
                        let ports: Vec<_> = svc
                            .spec
                            .iter()
                            .flat_map(|s| s.ports.iter().flatten())
                            .collect();
                        let Some(want) = &b.port else { continue };
                        let ok = match (&want.number, &want.name) {
                            (Some(n), _) => ports.iter().any(|p| p.port == *n),
                            (None, Some(name)) => ports
                                .iter()
                                .any(|p| p.name.as_deref() == Some(name.as_str())),
                            (None, None) => true,
                        };
                        if ok
                            || svc.spec.as_ref().and_then(|s| s.type_.as_deref())
                                == Some("ExternalName")
                        {
                            continue;
                        }
                        let have: Vec<String> = ports
                            .iter()
                            .map(|p| match &p.name {
                                Some(n) => format!("{} ({n})", p.port),
                                None => p.port.to_string(),
                            })
                            .collect();
                        (
                            format!(
                                "Ingress {} routes to port {} of Service `{}`, which exposes {}: the path answers 503",
                                ing.name(),
                                want.number
                                    .map(|n| n.to_string())
                                    .or_else(|| want.name.clone())
                                    .unwrap_or_default(),
                                b.name,
                                if have.is_empty() {
                                    "no ports".to_owned()
                                } else {
                                    have.join(", ")
                                }
                            ),
                            Severity::High,
                        )
                    }
                };
                sink.report_with(
                    Target::of(ing),
                    message,
                    Some(&pointer),
                    None,
                    Some(severity),
                );
            }
        }
    }
}
