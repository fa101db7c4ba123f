//! `IngressBackendMissing` (the backend Service or its port does not exist)
//! and `IngressBackendUnavailable` (the backend Service has no ready
//! endpoint: ingress-nginx logs `Service "<ns>/<name>" does not have any active
//! Endpoint.` and answers 503; cloud load balancers answer 502/503).

use super::{Detail, Detected, Kind, Subject, service};
use crate::analysis::Analysis;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::networking::v1::{Ingress, IngressServiceBackend};

/// Every Service backend of an Ingress with the host and path routing to it.
pub fn backends(ing: &Ingress) -> Vec<(&IngressServiceBackend, String, String)> {
    let mut out = Vec::new();
    let Some(spec) = ing.spec.as_ref() else {
        return out;
    };
    if let Some(b) = spec
        .default_backend
        .as_ref()
        .and_then(|b| b.service.as_ref())
    {
        out.push((b, "*".to_owned(), "(default backend)".to_owned()));
    }
    for r in spec.rules.iter().flatten() {
        let host = r.host.clone().unwrap_or_else(|| "*".into());
        for p in r.http.iter().flat_map(|h| h.paths.iter()) {
            if let Some(b) = p.backend.service.as_ref() {
                out.push((
                    b,
                    host.clone(),
                    p.path.clone().unwrap_or_else(|| "/".into()),
                ));
            }
        }
    }
    out
}

pub fn port_text(b: &IngressServiceBackend) -> Option<String> {
    let p = b.port.as_ref()?;
    p.name.clone().or_else(|| p.number.map(|n| n.to_string()))
}

pub fn detect<'c>(a: &Analysis<'c>, ing: &'c Res<Ingress>) -> Option<Detected<'c>> {
    let ns = ing.ns_or_default();
    let mut missing: Option<(Kind, String, Option<String>, String, String, String)> = None;
    let mut since = None;
    for (b, host, path) in backends(ing) {
        let port = port_text(b);
        let svc = a.service(ns, &b.name);
        let problem = match svc {
            None if !a.cluster.services.is_empty() || a.cluster.source != SourceKind::Manifests => {
                Some((
                    Kind::IngressBackendMissing,
                    format!("backend Service {ns}/{} does not exist", b.name),
                ))
            }
            None => None,
            Some(s) => {
                let ports = s.spec.as_ref().and_then(|sp| sp.ports.as_ref());
                let port_ok = match b.port.as_ref() {
                    None => true,
                    Some(p) => ports.into_iter().flatten().any(|sp| {
                        p.number.is_some_and(|n| n == sp.port)
                            || p.name
                                .as_deref()
                                .is_some_and(|n| sp.name.as_deref() == Some(n))
                    }),
                };
                if !port_ok {
                    Some((
                        Kind::IngressBackendMissing,
                        format!(
                            "backend Service {ns}/{} has no port {}",
                            b.name,
                            port.clone().unwrap_or_default()
                        ),
                    ))
                } else if a.cluster.source != SourceKind::Manifests
                    && service::selector(s).is_some()
                {
                    let pods = service::selected_pods(a, s);
                    let st = service::endpoint_state(a, s, &pods);
                    let broken = st.ready == 0
                        && !(pods.is_empty() && a.cluster.pods_in_namespace(ns).next().is_none());
                    if broken {
                        since = service::unready_since(a, &pods);
                    }
                    broken.then(|| {
                            (
                                Kind::IngressBackendUnavailable,
                                format!(
                                    "backend Service {ns}/{} has no ready endpoint ({} not ready, {}): requests to {host}{path} get 502/503",
                                    b.name, st.not_ready, st.source
                                ),
                            )
                        })
                } else {
                    None
                }
            }
        };
        if let Some((kind, text)) = problem {
            // A missing backend outranks an unavailable one.
            if missing.as_ref().is_none_or(|m| {
                m.0 == Kind::IngressBackendUnavailable && kind == Kind::IngressBackendMissing
            }) {
                missing = Some((kind, text, port, b.name.clone(), host, path));
            }
        }
    }
    let (kind, text, port, service, host, path) = missing?;
    let mut d = Detected::new(kind, ing.objref(), Subject::Ingress(ing));
    d.evidence.push(text);
    d.since = if kind == Kind::IngressBackendUnavailable {
        since
    } else {
        None
    }
    .or_else(|| crate::model::creation(&ing.metadata));
    d.events = a.cluster.events_for_obj(ing);
    d.detail = Detail::Ingress {
        service,
        port,
        host,
        path,
    };
    Some(d)
}
