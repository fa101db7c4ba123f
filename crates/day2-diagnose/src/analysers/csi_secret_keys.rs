//! A CSI volume whose credentials Secret lacks the keys its driver reads:
//! Azure's blob and file drivers take the storage account from keys
//! `azurestorageaccountname` and `azurestorageaccountkey` of the Secret the
//! volume names; a Secret written for the FlexVolume driver (`accountname`,
//! `accountkey`) leaves blobfuse with no account
//! (kubernetes-sigs/blob-csi-driver#1030: `config error in azstorage
//! [account name not provided]`).

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

pub fn account_keys(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    if !no_account(message) {
        return None;
    }
    named_secrets(a, pod).into_iter().find_map(|(ns, name)| {
        let secret = a
            .cluster
            .secrets
            .iter()
            .find(|s| s.ns_or_default() == ns && s.name() == name)?;
        // No keys at all may be a capture without the Secret's data.
        if secret.keys.is_empty() || secret.keys.iter().any(|k| k.name == ACCOUNT_NAME) {
            return None;
        }
        let keys: Vec<&str> = secret.keys.iter().map(|k| k.name.as_str()).collect();
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
