//! A program that cannot read the private key or certificate it was given
//! ([`crate::messages::keys`]), followed to the Secret its container mounts
//! that holds key material and, when cert-manager writes that Secret (its
//! `cert-manager.io/certificate-name` annotation), to the Certificate whose
//! `spec.privateKey.encoding` decides how the key is written.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::keys::{Encoding, Unreadable};
use day2_model::references::{ConfigKind, Via};
use day2_model::secret::{CredentialKind, SecretInfo};
use day2_model::{Loop, ObjRef, Pod, Res};

const CERTIFICATE_NAME: &str = "cert-manager.io/certificate-name";

/// Whether a file's name is a certificate's or a key's (`tls.crt`,
/// `ca.pem`, `server.key`).
pub(crate) fn key_file(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    [".crt", ".key", ".pem", ".cer"]
        .iter()
        .any(|e| base.ends_with(e))
}

/// Whether a Secret holds a key pair or a certificate: its type says so,
/// a key is named like one, or a value was read as a private key.
pub(crate) fn holds_keys(s: &SecretInfo) -> bool {
    s.type_.as_deref() == Some("kubernetes.io/tls")
        || s.metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(CERTIFICATE_NAME))
        || s.keys.iter().any(|k| {
            k.class == Some(CredentialKind::PrivateKey)
                || k.name.ends_with(".key")
                || k.name.ends_with(".pem")
                || k.name.ends_with(".crt")
        })
}

/// The Secrets of key material the container mounts (any container's,
/// when it mounts none), in the spec's order.
fn mounted<'c>(a: &Analysis<'c>, pod: &Res<Pod>, container: &str) -> Vec<&'c Res<SecretInfo>> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let ns = pod.ns_or_default();
    let mounts: Vec<&str> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter(|c| c.name == container)
        .flat_map(|c| c.volume_mounts.iter().flatten().map(|m| m.name.as_str()))
        .collect();
    let refs = day2_model::references::config_refs(spec);
    let secrets = |own: bool| {
        refs.iter()
            .filter(|r| r.kind == ConfigKind::Secret)
            .filter(|r| match r.via {
                Via::Volume { volume, .. } => !own || mounts.contains(&volume),
                _ => false,
            })
            .filter_map(|r| {
                a.cluster
                    .secrets
                    .iter()
                    .find(|s| s.ns_or_default() == ns && s.name() == r.name)
            })
            .filter(|s| holds_keys(s))
            .collect::<Vec<_>>()
    };
    let own = secrets(true);
    if own.is_empty() { secrets(false) } else { own }
}

fn encoding_check(secret: &str, ns: &str) -> String {
    format!(
        "`kubectl get secret -n {ns} {secret} -o jsonpath='{{.data.tls\\.key}}' | base64 -d | head -1` prints `-----BEGIN RSA PRIVATE KEY-----` (or `EC PRIVATE KEY`) for PKCS1 and `-----BEGIN PRIVATE KEY-----` for PKCS8"
    )
}

/// The key or certificate `container` could not read, rooted at the
/// Certificate that writes it or the Secret that holds it.
pub(crate) fn unreadable(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    what: Unreadable,
) -> Option<Hypothesis> {
    let found = mounted(a, pod, container);
    let secret = *found.first()?;
    let ns = secret.ns_or_default();
    let name = secret.name();
    let held = Link::new(
        Loop::Identity,
        None,
        secret.objref(),
        format!(
            "Secret {ns}/{name}, mounted by container {container}, holds its key material ({})",
            secret
                .keys
                .iter()
                .map(|k| k.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let certificate = secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|m| m.get(CERTIFICATE_NAME));
    if let Some(cert) = certificate {
        let found = a
            .cluster
            .other
            .iter()
            .find(|o| o.kind == "Certificate" && o.ns_or_default() == ns && o.name() == cert);
        let root = found.map_or_else(
            || ObjRef::new("Certificate", Some(ns), cert.as_str()),
            |c| c.objref(),
        );
        let fix = match what {
            Unreadable::Encoding(e) => format!(
                "Set `spec.privateKey.encoding: {}` on cert-manager Certificate {ns}/{cert} (and `rotationPolicy: Always` when the key already exists), then delete Secret {ns}/{name} so cert-manager issues it again in that encoding; {}. cert-manager writes PKCS1 unless told otherwise; some releases' controllers wrote PKCS8.",
                e.as_str(),
                encoding_check(name, ns)
            ),
            _ => format!(
                "Have cert-manager issue Certificate {ns}/{cert} again (`cmctl renew -n {ns} {cert}`, or delete Secret {ns}/{name}) and check `kubectl describe certificate -n {ns} {cert}`: the Secret's tls.key and tls.crt must be one PEM pair."
            ),
        };
        return Some(
            Hypothesis::new(
                76,
                Loop::Identity,
                root,
                format!(
                    "container {container} cannot read the key cert-manager Certificate {ns}/{cert} wrote into Secret {name}: {}",
                    what.describe()
                ),
            )
            .fix(fix)
            .link(held),
        );
    }
    let fix = match what {
        Unreadable::Encoding(Encoding::Pkcs1) => format!(
            "Store the key PKCS1-encoded: `openssl rsa -in tls.key -traditional -out tls-pkcs1.key` (EC: `openssl ec -in tls.key -out tls-sec1.key`), then `kubectl create secret tls {name} -n {ns} --cert=tls.crt --key=tls-pkcs1.key --dry-run=client -o yaml | kubectl apply -f -`; {}.",
            encoding_check(name, ns)
        ),
        Unreadable::Encoding(Encoding::Pkcs8) => format!(
            "Store the key PKCS8-encoded: `openssl pkcs8 -topk8 -nocrypt -in tls.key -out tls-pkcs8.key`, then `kubectl create secret tls {name} -n {ns} --cert=tls.crt --key=tls-pkcs8.key --dry-run=client -o yaml | kubectl apply -f -`; {}.",
            encoding_check(name, ns)
        ),
        Unreadable::Mismatch => format!(
            "Put the certificate and its own key into Secret {ns}/{name}: `openssl x509 -noout -pubkey -in tls.crt` and `openssl pkey -pubout -in tls.key` must print the same key."
        ),
        Unreadable::NoPem | Unreadable::Unparsable => format!(
            "Put a PEM certificate and key into Secret {ns}/{name} (`kubectl create secret tls {name} -n {ns} --cert=tls.crt --key=tls.key`); each file must start with a `-----BEGIN` line."
        ),
    };
    Some(
        Hypothesis::new(
            70,
            Loop::Identity,
            secret.objref(),
            format!(
                "container {container} cannot read the key material of Secret {ns}/{name}: {}",
                what.describe()
            ),
        )
        .fix(fix)
        .link(held),
    )
}
