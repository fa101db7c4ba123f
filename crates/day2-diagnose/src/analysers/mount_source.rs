//! A volume whose source is there but does not give what the pod asks:
//!
//! - a ConfigMap or Secret volume whose `items` name a key the object does
//!   not hold: the kubelet's `configmap references non-existent config key:
//!   K` and `references non-existent secret key: K`
//!   (`pkg/volume/configmap`, `pkg/volume/secret`);
//! - a Secrets Store CSI volume whose provider is refused by the cloud:
//!   `failed to mount secrets store objects for pod NS/NAME, err: …`
//!   (secrets-store-csi-driver's node server) with an authentication error
//!   after it. The SecretProviderClass the volume names says which identity
//!   the provider uses, so it is what to change.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::volume::parse_operation_error;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::k8s_openapi::api::core::v1::{KeyToPath, Volume};
use day2_model::{Loop, ObjRef};

pub fn source<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    if !matches!(d.detail, Detail::Volume { .. }) {
        return vec![];
    }
    let ns = pod.ns_or_default();
    let volumes = pod.spec.as_ref().and_then(|s| s.volumes.as_ref());
    for e in d
        .events_with("FailedMount")
        .collect::<Vec<_>>()
        .iter()
        .rev()
    {
        let Some((_, vol, err)) = parse_operation_error(e.message_text()) else {
            continue;
        };
        let link = Link::from_event(Loop::Storage, e, "volume mount failed");
        let v = volumes.and_then(|vs| vs.iter().find(|v| v.name == vol));
        if let Some(key) = missing_key(err) {
            let secret = err.contains("secret key");
            let (kind, name) = match v.and_then(|v| source_of(v, key, secret)) {
                Some((kind, name)) => (kind, Some(name)),
                None if secret => ("Secret", None),
                None => ("ConfigMap", None),
            };
            let name = name.unwrap_or_else(|| vol.to_owned());
            let held = match kind {
                "ConfigMap" => a
                    .references()
                    .config_maps
                    .get(&(ns, name.as_str()))
                    .map(|c| {
                        c.data
                            .iter()
                            .flatten()
                            .map(|(k, _)| k.clone())
                            .chain(c.binary_data.iter().flatten().map(|(k, _)| k.clone()))
                            .collect::<Vec<_>>()
                    }),
                _ => None,
            };
            let holds = match &held {
                Some(keys) if !keys.is_empty() => format!(" (it holds: {})", keys.join(", ")),
                Some(_) => " (it holds no keys)".to_owned(),
                None => String::new(),
            };
            let workload = model::workload_ref(a.cluster, pod);
            let loop_ = if kind == "Secret" {
                super::secret_loop::volume(a, pod, vol, &name)
            } else {
                Loop::Compute
            };
            return vec![
                Hypothesis::new(
                    88,
                    loop_,
                    ObjRef::new(kind, Some(ns), name.clone()),
                    format!("volume {vol} of {} projects key {key} of {kind} {ns}/{name}, which has no such key{holds}", pod.name()),
                )
                .fix(format!("Add key {key} to {kind} {ns}/{name}, or remove it from the `items` of volume {vol} in {workload} (an item may be marked `optional` only as a whole volume: `{}: {{optional: true}}`); the kubelet mounts on its next retry.", if kind == "Secret" { "secret" } else { "configMap" }))
                .link(link),
            ];
        }
        // secrets-store-csi-driver-provider-aws checks for a role before
        // any call: `An IAM role must be associated with service account
        // default (namespace: default)` (its issue 276).
        if err.contains("An IAM role must be associated with service account") {
            let sa = model::pod_service_account(pod);
            return vec![
                Hypothesis::new(
                    88,
                    Loop::Identity,
                    ObjRef::new("ServiceAccount", Some(ns), sa),
                    format!("volume {vol} of {} cannot fetch its secrets: the AWS Secrets Store provider finds no IAM role for ServiceAccount {ns}/{sa} (no `eks.amazonaws.com/role-arn` annotation and no Pod Identity), so it has no identity to ask AWS with", pod.name()),
                )
                .fix(format!("Give ServiceAccount {ns}/{sa} an IAM role (IRSA): `kubectl annotate serviceaccount -n {ns} {sa} eks.amazonaws.com/role-arn=arn:aws:iam::<account>:role/<role>` (or `eksctl create iamserviceaccount`), the role allowing secretsmanager:GetSecretValue on the secrets and trusting the cluster's OIDC provider for system:serviceaccount:{ns}:{sa}; or use an EKS Pod Identity association (`usePodIdentity: \"true\"` in the SecretProviderClass). Then recreate the pod."))
                .link(link),
            ];
        }
        if err.contains("failed to mount secrets store objects") && provider_refused(err) {
            let class = v
                .and_then(|v| v.csi.as_ref())
                .and_then(|c| c.volume_attributes.as_ref())
                .and_then(|a| a.get("secretProviderClass"))
                .cloned();
            let Some(class) = class else { continue };
            let azure =
                err.contains("azure") || err.contains("adal:") || err.contains("vault.azure.net");
            let fix = if azure {
                format!(
                    "The identity SecretProviderClass {ns}/{class} names is refused by Entra ID ({}). Use workload identity: set `clientID: <client id>` in its parameters (with `usePodIdentity: \"false\"` and `useVMManagedIdentity: \"false\"`), give the pod's ServiceAccount the `azure.workload.identity/client-id` annotation and a federated credential; or, to keep the node's identity, assign `userAssignedIdentityID` to the node pool's scale set (`az vmss identity assign`) and grant it access to the key vault.",
                    if err.contains("Identity not found") {
                        "`Identity not found`: the user-assigned identity is not assigned to the node"
                    } else {
                        "the token request fails"
                    }
                )
            } else {
                format!(
                    "The cloud identity the provider of SecretProviderClass {ns}/{class} uses is refused: check the identity its parameters name (AWS: the pod's ServiceAccount role, `eks.amazonaws.com/role-arn`, needs secretsmanager:GetSecretValue; GCP: the ServiceAccount's Google identity needs roles/secretmanager.secretAccessor) and its access to the secret."
                )
            };
            return vec![
                Hypothesis::new(
                    86,
                    Loop::Identity,
                    ObjRef::new("SecretProviderClass", Some(ns), class.clone()),
                    format!("volume {vol} of {} cannot fetch its secrets: the Secrets Store CSI provider of SecretProviderClass {ns}/{class} is refused by the cloud", pod.name()),
                )
                .fix(fix)
                .link(link),
            ];
        }
    }
    vec![]
}

/// The object a volume projects `key` from: its own ConfigMap or Secret, or
/// the projected volume's source whose `items` name the key.
fn source_of(v: &Volume, key: &str, secret: bool) -> Option<(&'static str, String)> {
    let names =
        |items: Option<&Vec<KeyToPath>>| items.is_some_and(|i| i.iter().any(|k| k.key == key));
    if secret {
        if let Some(s) = &v.secret {
            return Some(("Secret", s.secret_name.clone()?));
        }
    } else if let Some(c) = &v.config_map {
        return Some(("ConfigMap", c.name.clone()));
    }
    let sources = v.projected.as_ref()?.sources.as_ref()?;
    sources
        .iter()
        .find_map(|s| match (secret, &s.secret, &s.config_map) {
            (true, Some(x), _) if names(x.items.as_ref()) => Some(("Secret", x.name.clone())),
            (false, _, Some(x)) if names(x.items.as_ref()) => Some(("ConfigMap", x.name.clone())),
            _ => None,
        })
}

/// The key of `configmap references non-existent config key: K` or
/// `references non-existent secret key: K`.
fn missing_key(err: &str) -> Option<&str> {
    ["non-existent config key: ", "non-existent secret key: "]
        .iter()
        .find_map(|m| err.split_once(m))
        .map(|(_, k)| {
            k.split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches(['.', ','])
        })
        .filter(|k| !k.is_empty())
}

/// The provider's error is an identity refused, not a secret missing.
fn provider_refused(err: &str) -> bool {
    [
        "Identity not found",
        "Failed to refresh the Token",
        "AADSTS",
        "adal: Refresh request failed",
        "AccessDenied",
        "WebIdentityErr",
        "PermissionDenied",
        "PERMISSION_DENIED",
        "StatusCode=401",
        "StatusCode=403",
    ]
    .iter()
    .any(|w| err.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_the_kubelet_names() {
        assert_eq!(
            missing_key("configmap references non-existent config key: REPLICAS"),
            Some("REPLICAS")
        );
        assert_eq!(
            missing_key("references non-existent secret key: tls.crt"),
            Some("tls.crt")
        );
        assert_eq!(missing_key("configmap \"x\" not found"), None);
    }
}
