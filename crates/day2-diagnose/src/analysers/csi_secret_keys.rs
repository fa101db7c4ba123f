//! A CSI volume whose credentials Secret lacks the keys its driver reads:
//! Azure's blob and file drivers take the storage account from keys
//! `azurestorageaccountname` and `azurestorageaccountkey` of the Secret the
//! volume names; a Secret written for the FlexVolume driver (`accountname`,
//! `accountkey`) leaves blobfuse with no account
//! (kubernetes-sigs/blob-csi-driver#1030: `config error in azstorage
//! [account name not provided]`). Any driver that names the key it misses
//! (ceph-csi's `missing ID field 'userID' in secrets`, ceph/ceph-csi#543 and
//! #4467) is read the same way, against the keys of every Secret the
//! volume's PersistentVolume or StorageClass names.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

const ACCOUNT_NAME: &str = "azurestorageaccountname";

/// The driver's words for a Secret without the account's name.
fn no_account(message: &str) -> bool {
    message.contains("account name not provided")
        || message.contains("could not find accountname or azurestorageaccountname")
        || message.contains("could not find azurestorageaccountname")
}

/// The Secrets the pod's Azure storage volumes name, inline or through
/// their PersistentVolume: (namespace, name).
fn named_secrets(a: &Analysis<'_>, pod: &Res<Pod>) -> Vec<(String, String)> {
    let ns = pod.ns_or_default();
    let azure = |d: &str| d == "blob.csi.azure.com" || d == "file.csi.azure.com";
    // The drivers' own volume attributes: `secretName`, `secretNamespace`.
    let by_attributes = |attrs: Option<&std::collections::BTreeMap<String, String>>| {
        let attrs = attrs?;
        let name = attrs.get("secretName")?;
        let sns = attrs.get("secretNamespace").map_or(ns, String::as_str);
        Some((sns.to_owned(), name.clone()))
    };
    let mut out = Vec::new();
    for v in pod.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
        if let Some(c) = v.csi.as_ref().filter(|c| azure(&c.driver)) {
            out.extend(by_attributes(c.volume_attributes.as_ref()));
            if let Some(r) = c.node_publish_secret_ref.as_ref() {
                out.push((ns.to_owned(), r.name.clone()));
            }
        }
        let claim = v
            .persistent_volume_claim
            .as_ref()
            .map(|c| c.claim_name.as_str());
        if let Some(csi) = claim
            .and_then(|c| a.cluster.pvc(ns, c))
            .and_then(|c| a.cluster.pv_of_claim(c))
            .and_then(|pv| pv.spec.as_ref()?.csi.as_ref())
            .filter(|c| azure(&c.driver))
        {
            if let Some(r) = csi.node_stage_secret_ref.as_ref()
                && let Some(name) = r.name.clone()
            {
                out.push((r.namespace.clone().unwrap_or_else(|| ns.to_owned()), name));
            }
            out.extend(by_attributes(csi.volume_attributes.as_ref()));
        }
    }
    out
}

/// Secret `ns/name` and its keys, when the input holds its keys and `key`
/// is not one of them (no keys at all may be a capture without the
/// Secret's data).
fn lacking<'c>(
    a: &Analysis<'c>,
    ns: &str,
    name: &str,
    key: &str,
) -> Option<(&'c Res<day2_model::secret::SecretInfo>, Vec<&'c str>)> {
    let secret = a
        .cluster
        .secrets
        .iter()
        .find(|s| s.ns_or_default() == ns && s.name() == name)?;
    if secret.keys.is_empty() || secret.keys.iter().any(|k| k.name == key) {
        return None;
    }
    Some((
        secret,
        secret.keys.iter().map(|k| k.name.as_str()).collect(),
    ))
}

pub fn account_keys(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    if message.contains("due to a lack of credentials") {
        return key_vault_only(a, pod, message);
    }
    if !no_account(message) {
        return None;
    }
    named_secrets(a, pod).into_iter().find_map(|(ns, name)| {
        let (secret, keys) = lacking(a, &ns, &name, ACCOUNT_NAME)?;
        Some(
            Hypothesis::new(
                86,
                Loop::Storage,
                secret.objref(),
                format!(
                    "the Azure storage driver finds no storage account in Secret {ns}/{name}, which the volume of {} names: the driver reads keys `{ACCOUNT_NAME}` and `azurestorageaccountkey`, and the Secret has `{}`",
                    pod.name(),
                    keys.join("`, `")
                ),
            )
            .fix(format!(
                "Recreate Secret {ns}/{name} with the keys the CSI driver reads: `kubectl create secret generic {name} -n {ns} --from-literal {ACCOUNT_NAME}=<account> --from-literal azurestorageaccountkey=<key>` (a Secret made for the FlexVolume driver names them `accountname`/`accountkey`); the kubelet retries the mount."
            )),
        )
    })
}

/// blobfuse started without credentials (`Unable to start blobfuse due to
/// a lack of credentials`) for a PersistentVolume that names no Secret and
/// takes its key or SAS token from Azure Key Vault (`keyVaultURL`,
/// `keyVaultSecretName`): the driver did not hand what it read there to
/// blobfuse (kubernetes-sigs/blob-csi-driver#450, fixed in #461).
fn key_vault_only(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    let pv = crate::model::claimed_volumes(a.cluster, pod)
        .into_iter()
        .find(|pv| {
            pv.spec
                .as_ref()
                .and_then(|s| s.csi.as_ref())
                .is_some_and(|c| {
                    c.driver == "blob.csi.azure.com"
                        && c.node_stage_secret_ref.is_none()
                        && c.volume_attributes.as_ref().is_some_and(|v| {
                            v.contains_key("keyVaultURL") && !v.contains_key("secretName")
                        })
                })
        })?;
    let attrs = pv.spec.as_ref()?.csi.as_ref()?.volume_attributes.as_ref()?;
    let secret = attrs
        .get("keyVaultSecretName")
        .map_or("its secret", String::as_str);
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            pv.objref(),
            format!(
                "blobfuse starts without credentials for PersistentVolume {} of {}/{}: the volume names no Kubernetes Secret and takes its key from Key Vault ({secret} in {}), which the driver did not pass to blobfuse ({})",
                pv.name(),
                ns,
                pod.name(),
                attrs.get("keyVaultURL").map_or("?", String::as_str),
                day2_model::redact::excerpt(message, 120)
            ),
        )
        .fix(format!(
            "Put the storage account's SAS token (key `azurestorageaccountsastoken`, with `azurestorageaccountname`) or its key in a Kubernetes Secret and reference it from PersistentVolume {} (`nodeStageSecretRef`, or the `secretName`/`secretNamespace` attributes), or upgrade the Blob CSI driver to a release that passes Key Vault credentials to blobfuse; the kubelet retries the mount.",
            pv.name()
        )),
    )
}

/// The key a driver says its Secret lacks: ceph-csi's `missing ID field
/// 'userID' in secrets` and `missing key field 'userKey' in secrets`, and
/// the like (`key "x" not found in secret`).
fn missing_key_name(message: &str) -> Option<&str> {
    let l = message.to_ascii_lowercase();
    let at = l
        .find(" in secret")
        .or_else(|| l.find("not found in secret"))?;
    let head = &message[..at];
    let quoted = head.trim_end().trim_end_matches(" not found");
    let q = quoted.chars().last().filter(|c| *c == '\'' || *c == '"')?;
    let body = &quoted[..quoted.len() - 1];
    let start = body.rfind(q)? + 1;
    let key = &body[start..];
    let named = head[..start].to_ascii_lowercase();
    (!key.is_empty()
        && key.len() <= 64
        && !key.contains(char::is_whitespace)
        && (named.contains("missing") || named.contains("key") || named.contains("field")))
    .then_some(key)
}

/// The Secrets a pod's CSI volumes hand their driver, whatever the driver:
/// the PersistentVolume's stage, publish and expand references, the
/// StorageClass's `csi.storage.k8s.io/*-secret-name` parameters, and an
/// inline volume's publish reference: (namespace, name, who names it).
fn volume_secrets(a: &Analysis<'_>, pod: &Res<Pod>) -> Vec<(String, String, String)> {
    let ns = pod.ns_or_default();
    let mut out = Vec::new();
    for v in pod.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
        if let Some(r) = v
            .csi
            .as_ref()
            .and_then(|c| c.node_publish_secret_ref.as_ref())
        {
            out.push((ns.to_owned(), r.name.clone(), format!("volume {}", v.name)));
        }
        let Some(claim) = v
            .persistent_volume_claim
            .as_ref()
            .and_then(|c| a.cluster.pvc(ns, &c.claim_name))
        else {
            continue;
        };
        if let Some(pv) = a.cluster.pv_of_claim(claim)
            && let Some(csi) = pv.spec.as_ref().and_then(|s| s.csi.as_ref())
        {
            let refs = [
                csi.node_stage_secret_ref.as_ref(),
                csi.node_publish_secret_ref.as_ref(),
                csi.controller_publish_secret_ref.as_ref(),
            ];
            for r in refs.into_iter().flatten() {
                if let Some(name) = r.name.clone() {
                    let sns = r.namespace.clone().unwrap_or_else(|| ns.to_owned());
                    out.push((sns, name, format!("PersistentVolume {}", pv.name())));
                }
            }
        }
        if let Some(class) = a.cluster.class_of_claim(claim) {
            for (k, name) in class.parameters.iter().flatten() {
                if let Some(role) = k
                    .strip_prefix("csi.storage.k8s.io/")
                    .and_then(|r| r.strip_suffix("-secret-name"))
                {
                    let sns = class
                        .parameters
                        .iter()
                        .flatten()
                        .find(|(k, _)| *k == &format!("csi.storage.k8s.io/{role}-secret-namespace"))
                        .map_or(ns, |(_, v)| v.as_str());
                    out.push((
                        sns.to_owned(),
                        name.clone(),
                        format!("StorageClass {}", class.name()),
                    ));
                }
            }
        }
    }
    out
}

/// A CSI driver that names the key it does not find in the volume's Secret,
/// and a Secret the volume names whose keys do not hold it.
pub fn missing_key(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    let key = missing_key_name(message)?;
    volume_secrets(a, pod).into_iter().find_map(|(ns, name, by)| {
        let (secret, keys) = lacking(a, &ns, &name, key)?;
        Some(
            Hypothesis::new(
                86,
                Loop::Storage,
                secret.objref(),
                format!(
                    "the CSI driver finds no `{key}` in Secret {ns}/{name}, which {by} hands it for the volume of {}: the Secret holds `{}` ({})",
                    pod.name(),
                    keys.join("`, `"),
                    day2_model::redact::excerpt(message, 160)
                ),
            )
            .fix(format!(
                "Add key `{key}` to Secret {ns}/{name}, or point the secret reference of {by} at a Secret that has it{}; the kubelet retries the mount.",
                if key.starts_with("user") {
                    " (ceph-csi's node operations read `userID` and `userKey`; `adminID` and `adminKey` are for its provisioner)"
                } else {
                    ""
                }
            )),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::missing_key_name;

    #[test]
    fn the_key_a_driver_names() {
        assert_eq!(
            missing_key_name(
                "rpc error: code = Internal desc = missing ID field 'userID' in secrets"
            ),
            Some("userID")
        );
        assert_eq!(
            missing_key_name(
                "failed to get user credentials from node stage secrets: missing key field 'userKey' in secrets"
            ),
            Some("userKey")
        );
        assert_eq!(
            missing_key_name("key \"password\" not found in secret"),
            Some("password")
        );
        assert_eq!(missing_key_name("secret 'ns/creds' not found"), None);
        assert_eq!(missing_key_name("failed to mount: permission denied"), None);
    }
}
