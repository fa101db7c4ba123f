//! Secret references of a pod spec and static credentials, classified.

use day2_model::Cluster;
use day2_model::references::{ConfigKind, Via, config_refs, containers};
use k8s_openapi::api::core::v1::PodSpec;
use std::collections::{HashMap, HashSet};

/// How a pod spec reads a Secret.
#[derive(Debug, Clone)]
pub struct SecretRef<'a> {
    pub name: &'a str,
    /// `volume`, `envFrom` or `env NAME`.
    pub how: String,
    /// JSON pointer relative to the pod spec.
    pub pointer: String,
}

/// Every Secret a pod spec mounts, projects or reads into env.
pub fn secret_refs(spec: &PodSpec) -> Vec<SecretRef<'_>> {
    config_refs(spec)
        .into_iter()
        .filter(|r| r.kind == ConfigKind::Secret)
        .map(|r| SecretRef {
            name: r.name,
            how: match r.via {
                Via::Volume {
                    volume,
                    projected: false,
                } => format!("volume `{volume}`"),
                Via::Volume {
                    volume,
                    projected: true,
                } => format!("projected volume `{volume}`"),
                Via::EnvFrom { container, role } => format!("envFrom in {role} `{container}`"),
                Via::Env {
                    container,
                    role,
                    var,
                } => format!("env `{var}` of {role} `{container}`"),
            },
            pointer: r.pointer,
        })
        .collect()
}

/// Secret names used as volumes (volume name → Secret name).
pub fn secret_volumes(spec: &PodSpec) -> HashMap<&str, &str> {
    config_refs(spec)
        .into_iter()
        .filter(|r| r.kind == ConfigKind::Secret)
        .filter_map(|r| match r.via {
            Via::Volume { volume, .. } => Some((volume, r.name)),
            _ => None,
        })
        .collect()
}

/// Normalised identifier: lowercase alphanumerics only (`AWS_SECRET_ACCESS_KEY` → `awssecretaccesskey`).
pub fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Environment variable names that only ever carry static cloud credentials.
pub fn static_credential_env(name: &str) -> Option<day2_model::secret::CredentialKind> {
    use day2_model::secret::CredentialKind as K;
    match norm(name).as_str() {
        "awsaccesskeyid" => Some(K::AwsAccessKeyId),
        "awssecretaccesskey" | "awssessiontoken" => Some(K::AwsSecretAccessKey),
        "azureclientsecret" | "armclientsecret" | "aadclientsecret" => Some(K::AzureClientSecret),
        "azurestorageaccountkey" | "azurestoragekey" | "azurestorageaccesskey" => {
            Some(K::AzureStorageKey)
        }
        "gcpserviceaccountkey"
        | "googlecredentialsjson"
        | "gcpcredentialsjson"
        | "googleapplicationcredentialsjson" => Some(K::GcpServiceAccountKey),
        _ => None,
    }
}

/// Cloud credentials a pod spec receives from Secrets (or from files of
/// mounted Secrets named by `GOOGLE_APPLICATION_CREDENTIALS` /
/// `AWS_SHARED_CREDENTIALS_FILE`): (what, how, pointer). `secret_kinds`
/// gives the classified cloud credentials of Secrets in the input.
pub fn static_cloud_credentials<'a>(
    spec: &'a PodSpec,
    secret_kinds: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for r in secret_refs(spec) {
        if let Some(kinds) = secret_kinds(r.name)
            && seen.insert((r.name.to_owned(), r.how.clone()))
        {
            out.push((
                format!("Secret `{}` ({kinds})", r.name),
                r.how.clone(),
                r.pointer.clone(),
            ));
        }
    }
    let vols = secret_volumes(spec);
    for c in containers(spec) {
        for (j, e) in c.c.env.iter().flatten().enumerate() {
            let from_secret = e
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref());
            if let (Some(k), Some(kind)) = (from_secret, static_credential_env(&e.name)) {
                if secret_kinds(&k.name).is_some() {
                    continue; // already reported with the Secret's classification
                }
                out.push((
                    format!("{} from Secret `{}`", kind.describe(), k.name),
                    format!("env `{}` of {} `{}`", e.name, c.role(), c.c.name),
                    format!("{}/env/{j}", c.pointer),
                ));
            }
            let file_var = matches!(
                e.name.as_str(),
                "GOOGLE_APPLICATION_CREDENTIALS" | "AWS_SHARED_CREDENTIALS_FILE"
            );
            if let (true, Some(path)) = (file_var, e.value.as_deref()) {
                for m in c.c.volume_mounts.iter().flatten() {
                    let Some(secret) = vols.get(m.name.as_str()) else {
                        continue;
                    };
                    if path.starts_with(m.mount_path.trim_end_matches('/'))
                        && secret_kinds(secret).is_none()
                    {
                        let what = if e.name.starts_with("GOOGLE") {
                            "GCP service-account JSON key"
                        } else {
                            "AWS shared credentials file"
                        };
                        out.push((
                            format!("{what} file from Secret `{secret}`"),
                            format!("env `{}` of {} `{}`", e.name, c.role(), c.c.name),
                            format!("{}/env/{j}", c.pointer),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Classified cloud credentials of every Secret, by (namespace, name).
pub fn cloud_secret_kinds(cluster: &Cluster) -> HashMap<(String, String), String> {
    cluster
        .secrets
        .iter()
        .filter_map(|s| {
            let kinds: Vec<&str> = s
                .credential_kinds()
                .into_iter()
                .filter(|k| k.is_cloud())
                .map(|k| k.describe())
                .collect();
            (!kinds.is_empty()).then(|| {
                (
                    (s.ns_or_default().to_owned(), s.name().to_owned()),
                    kinds.join(", "),
                )
            })
        })
        .collect()
}
