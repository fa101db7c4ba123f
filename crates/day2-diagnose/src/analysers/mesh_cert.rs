//! A service-mesh sidecar that cannot talk to its control plane because a
//! certificate of the mesh's own trust chain expired: Go's
//! `x509: certificate has expired or is not yet valid: current time T is
//! after E` in the sidecar's log. Meshes issue workload certificates from a
//! root (or issuer) certificate they create once at install, often valid for
//! a year, and do not renew it on upgrade: a year on, every sidecar fails at
//! once (dapr/dapr#4560: `dapr-trust-bundle`, "issuer cert expiry" in
//! dapr-sentry's log). The root's Secret is what to renew.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// A mesh whose sidecar container has this name: its namespace, the
/// objects holding its trust chain (Secret or ConfigMap names), the
/// component that issues workload certificates, and how to renew.
struct Mesh {
    sidecar: &'static str,
    namespace: &'static str,
    bundles: &'static [&'static str],
    issuer: &'static str,
    renew: &'static str,
}

const MESHES: &[Mesh] = &[
    Mesh {
        sidecar: "daprd",
        namespace: "dapr-system",
        bundles: &["dapr-trust-bundle"],
        issuer: "dapr-sentry",
        renew: "`dapr mtls renew-certificate -k --valid-until <days> --restart` (or create a new root and issuer and store them in Secret dapr-trust-bundle), then restart the control plane and every Dapr-enabled workload so the sidecars get certificates from the new chain",
    },
    Mesh {
        sidecar: "istio-proxy",
        namespace: "istio-system",
        bundles: &["cacerts", "istio-ca-secret"],
        issuer: "istiod",
        renew: "plug in a new CA in Secret cacerts (or delete istio-ca-secret so istiod creates a new self-signed root), restart istiod, then restart the workloads so their proxies fetch new certificates",
    },
    Mesh {
        sidecar: "linkerd-proxy",
        namespace: "linkerd",
        bundles: &["linkerd-identity-issuer", "linkerd-identity-trust-roots"],
        issuer: "linkerd-identity",
        renew: "generate a new trust anchor and issuer (`step certificate create …`), install them with `linkerd upgrade --identity-trust-anchors-file … --identity-issuer-certificate-file … --identity-issuer-key-file …`, then restart the control plane and the meshed workloads",
    },
];

/// The time a certificate expired, from Go's wording.
fn expired_at(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once("x509: certificate has expired or is not yet valid")?;
    let (_, after) = rest.split_once(" is after ")?;
    let end = after
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\\')
        .unwrap_or(after.len());
    Some(&after[..end])
}

/// Container `container` of `pod` is a mesh's sidecar that reports the
/// expiry of a certificate in `line`: the mesh's trust chain.
pub fn expired(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    line: &str,
) -> Option<Hypothesis> {
    let when = expired_at(line)?;
    let mesh = MESHES.iter().find(|m| m.sidecar == container)?;
    let refs = a.references();
    let held = |name: &str| -> Option<ObjRef> {
        let key = (mesh.namespace, name);
        refs.secrets
            .get(&key)
            .map(|s| s.objref())
            .or_else(|| refs.config_maps.get(&key).map(|c| c.objref()))
    };
    let bundle = mesh.bundles.iter().find_map(|b| held(b));
    let issuer = a
        .workloads_in(mesh.namespace)
        .iter()
        .find(|w| w.name == mesh.issuer)
        .map(|w| ObjRef::new(w.kind, Some(mesh.namespace), w.name));
    let root = bundle
        .clone()
        .or_else(|| issuer.clone())
        .unwrap_or_else(|| ObjRef::new("Secret", Some(mesh.namespace), mesh.bundles[0]));
    let workload = model::workload_ref(a.cluster, pod);
    let mut h = Hypothesis::new(
        86,
        Loop::Identity,
        root.clone(),
        format!(
            "sidecar {container} of {workload} cannot reach its control plane: a certificate of the mesh's trust chain expired at {when} (the root or issuer in {}/{}, which {} signs workload certificates with, is not renewed by upgrades)",
            mesh.namespace, root.name, mesh.issuer
        ),
    )
    .fix(format!(
        "Renew the mesh's certificate: {}. Check the expiry first: {}'s log at start-up names it, or `kubectl get secret -n {} {} -o jsonpath='{{.data.issuer\\.crt}}' | base64 -d | openssl x509 -noout -enddate`.",
        mesh.renew, mesh.issuer, mesh.namespace, mesh.bundles[0]
    ))
    .link(Link::new(
        Loop::Identity,
        None,
        root,
        format!("a certificate of the mesh's trust chain expired at {when}"),
    ));
    if bundle.is_none() {
        h = h.missing(format!(
            "the mesh's trust bundle (`kubectl get secret -n {} {}`)",
            mesh.namespace, mesh.bundles[0]
        ));
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_expiry_words() {
        let l = "level=fatal msg=\"error loading configuration: rpc error: code = Unavailable desc = connection error: desc = \\\"transport: authentication handshake failed: x509: certificate has expired or is not yet valid: current time 2022-04-27T07:52:44Z is after 2022-04-09T13:22:12Z\\\"\"";
        assert_eq!(expired_at(l), Some("2022-04-09T13:22:12Z"));
        assert_eq!(
            expired_at("x509: certificate signed by unknown authority"),
            None
        );
    }
}
