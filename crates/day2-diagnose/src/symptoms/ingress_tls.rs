//! An Ingress whose TLS Secret is not in its namespace. An Ingress reads
//! `spec.tls[].secretName` from its own namespace only; without it the
//! controller serves its default certificate (ingress-nginx: `Kubernetes
//! Ingress Controller Fake Certificate`), and HTTPS clients refuse the
//! host. Judged only when the input holds Secrets of the Ingress's
//! namespace, or a Secret of that name in another one (created where the
//! Ingress cannot read it).

use crate::analysis::Analysis;
use day2_model::secret::SecretInfo as Secret;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::networking::v1::Ingress;

pub struct MissingTls<'c> {
    pub secret: &'c str,
    /// The hosts the certificate was meant for.
    pub hosts: Vec<&'c str>,
    /// Secrets of that name in other namespaces.
    pub elsewhere: Vec<&'c Res<Secret>>,
}

pub fn missing<'c>(a: &Analysis<'c>, ing: &'c Res<Ingress>) -> Option<MissingTls<'c>> {
    if a.cluster.source == SourceKind::Manifests || a.cluster.secrets.is_empty() {
        return None;
    }
    let ns = ing.ns_or_default();
    let held = a.cluster.secrets.iter().any(|s| s.ns_or_default() == ns);
    ing.spec.as_ref()?.tls.iter().flatten().find_map(|tls| {
        let secret = tls.secret_name.as_deref()?;
        let secrets = a.cluster.secrets.iter().filter(|s| s.name() == secret);
        if secrets.clone().any(|s| s.ns_or_default() == ns) {
            return None;
        }
        let elsewhere: Vec<&Res<Secret>> = secrets.collect();
        (held || !elsewhere.is_empty()).then(|| MissingTls {
            secret,
            hosts: tls.hosts.iter().flatten().map(String::as_str).collect(),
            elsewhere,
        })
    })
}
