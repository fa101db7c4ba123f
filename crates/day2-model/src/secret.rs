//! Secrets are kept as metadata plus a classification of each value.
//! Values are read once, to classify them, and never stored.

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// What kind of credential a value is. Never carries the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialKind {
    AwsAccessKeyId,
    AwsSecretAccessKey,
    AwsCredentialsFile,
    AzureClientSecret,
    AzureStorageKey,
    GcpServiceAccountKey,
    RegistryCredentials,
    PrivateKey,
    Password,
    Token,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::AwsAccessKeyId => "aws-access-key-id",
            CredentialKind::AwsSecretAccessKey => "aws-secret-access-key",
            CredentialKind::AwsCredentialsFile => "aws-credentials-file",
            CredentialKind::AzureClientSecret => "azure-client-secret",
            CredentialKind::AzureStorageKey => "azure-storage-key",
            CredentialKind::GcpServiceAccountKey => "gcp-service-account-key",
            CredentialKind::RegistryCredentials => "registry-credentials",
            CredentialKind::PrivateKey => "private-key",
            CredentialKind::Password => "password",
            CredentialKind::Token => "token",
        }
    }

    /// A long-lived cloud credential (the identity law forbids these in the cluster).
    pub fn is_cloud(self) -> bool {
        matches!(
            self,
            CredentialKind::AwsAccessKeyId
                | CredentialKind::AwsSecretAccessKey
                | CredentialKind::AwsCredentialsFile
                | CredentialKind::AzureClientSecret
                | CredentialKind::AzureStorageKey
                | CredentialKind::GcpServiceAccountKey
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            CredentialKind::AwsAccessKeyId => "AWS access key id",
            CredentialKind::AwsSecretAccessKey => "AWS secret access key",
            CredentialKind::AwsCredentialsFile => "AWS shared credentials file",
            CredentialKind::AzureClientSecret => "Azure service principal client secret",
            CredentialKind::AzureStorageKey => "Azure storage account key",
            CredentialKind::GcpServiceAccountKey => "GCP service-account JSON key",
            CredentialKind::RegistryCredentials => "container registry credentials",
            CredentialKind::PrivateKey => "private key",
            CredentialKind::Password => "password",
            CredentialKind::Token => "token",
        }
    }
}

/// One key of a Secret: its name, the classification of its value and its length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretKey {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub class: Option<CredentialKind>,
    pub len: usize,
}

/// A Secret without its values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub metadata: ObjectMeta,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub type_: Option<String>,
    pub keys: Vec<SecretKey>,
}

/// Annotations that may carry a Secret's values in clear text.
const VALUE_CARRYING_ANNOTATIONS: [&str; 1] = ["kubectl.kubernetes.io/last-applied-configuration"];

impl SecretInfo {
    /// Classify every value of `secret` and drop the values.
    pub fn from_secret(secret: Secret) -> SecretInfo {
        let mut metadata = secret.metadata;
        if let Some(ann) = metadata.annotations.as_mut() {
            for a in VALUE_CARRYING_ANNOTATIONS {
                ann.remove(a);
            }
        }
        // managedFields never carry values, but they are noise.
        metadata.managed_fields = None;
        let type_ = secret.type_;
        let mut keys: Vec<SecretKey> = Vec::new();
        let mut push = |name: &str, value: &[u8]| {
            keys.push(SecretKey {
                name: name.to_owned(),
                class: classify(name, value, type_.as_deref()),
                len: value.len(),
            })
        };
        if let Some(data) = &secret.data {
            for (k, v) in data {
                push(k, &v.0);
            }
        }
        if let Some(data) = &secret.string_data {
            for (k, v) in data {
                push(k, v.as_bytes());
            }
        }
        // An AWS secret access key is only recognisable by shape next to its key id.
        if keys
            .iter()
            .any(|k| k.class == Some(CredentialKind::AwsAccessKeyId))
        {
            let values: Vec<(&String, &[u8])> = secret
                .data
                .iter()
                .flatten()
                .map(|(k, v)| (k, v.0.as_slice()))
                .chain(
                    secret
                        .string_data
                        .iter()
                        .flatten()
                        .map(|(k, v)| (k, v.as_bytes())),
                )
                .collect();
            for key in keys
                .iter_mut()
                .filter(|k| k.class.is_none() || k.class == Some(CredentialKind::Password))
            {
                if let Some((_, v)) = values.iter().find(|(n, _)| **n == key.name)
                    && looks_like_aws_secret_key(v)
                {
                    key.class = Some(CredentialKind::AwsSecretAccessKey);
                }
            }
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        SecretInfo {
            metadata,
            type_,
            keys,
        }
    }

    pub fn credential_kinds(&self) -> Vec<CredentialKind> {
        let mut v: Vec<_> = self.keys.iter().filter_map(|k| k.class).collect();
        v.sort();
        v.dedup();
        v
    }
}

fn norm_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_aws_key_id(v: &str) -> bool {
    let v = v.trim();
    v.len() == 20
        && [
            "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA", "ABIA", "ACCA",
        ]
        .iter()
        .any(|p| v.starts_with(p))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn looks_like_aws_secret_key(v: &[u8]) -> bool {
    let v = trim_ascii(v);
    v.len() == 40
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'/' || *b == b'+')
}

fn looks_like_azure_client_secret(v: &str) -> bool {
    // Current Entra ID client secrets: 3 chars, "8Q~", then 31–34 chars of [A-Za-z0-9_~.-].
    let v = v.trim();
    v.len() >= 37
        && v.len() <= 40
        && v.get(3..6)
            .is_some_and(|m| m.len() == 3 && m.as_bytes()[0].is_ascii_digit() && &m[1..] == "Q~")
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_~.-".contains(&b))
}

fn trim_ascii(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &v[start..end]
}

/// Classify one key/value pair. `secret_type` is the Secret's `type`, if any.
pub fn classify(name: &str, value: &[u8], secret_type: Option<&str>) -> Option<CredentialKind> {
    let text = std::str::from_utf8(value).unwrap_or("");
    let key = norm_key(name);
    if text.contains("\"type\"") && text.contains("service_account") && text.contains("private_key")
    {
        return Some(CredentialKind::GcpServiceAccountKey);
    }
    if text.contains("aws_access_key_id") && text.contains("aws_secret_access_key") {
        return Some(CredentialKind::AwsCredentialsFile);
    }
    if is_aws_key_id(text) {
        return Some(CredentialKind::AwsAccessKeyId);
    }
    if text.contains("aadClientSecret") || looks_like_azure_client_secret(text) {
        return Some(CredentialKind::AzureClientSecret);
    }
    if text.contains("AccountKey=") && text.contains("AccountName=") {
        return Some(CredentialKind::AzureStorageKey);
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") {
        return Some(CredentialKind::PrivateKey);
    }
    classify_by_name(&key, secret_type)
}

fn classify_by_name(key: &str, secret_type: Option<&str>) -> Option<CredentialKind> {
    match key {
        "awsaccesskeyid" | "accesskeyid" | "awsaccesskey" | "accesskey" => {
            Some(CredentialKind::AwsAccessKeyId)
        }
        "awssecretaccesskey" | "secretaccesskey" | "awssecretkey" | "secretkey" => {
            Some(CredentialKind::AwsSecretAccessKey)
        }
        "credentials" if secret_type != Some("kubernetes.io/dockerconfigjson") => None,
        "azureclientsecret" | "clientsecret" | "aadclientsecret" | "armclientsecret" => {
            Some(CredentialKind::AzureClientSecret)
        }
        "azurestorageaccountkey" | "azurestorageaccesskey" | "accountkey" => {
            Some(CredentialKind::AzureStorageKey)
        }
        "googleapplicationcredentials"
        | "serviceaccountjson"
        | "gcpcredentials"
        | "keyjson"
        | "credentialsjson"
        | "gcpserviceaccountkey" => Some(CredentialKind::GcpServiceAccountKey),
        "dockerconfigjson" | "dockercfg" => Some(CredentialKind::RegistryCredentials),
        "tlskey" | "sshprivatekey" => Some(CredentialKind::PrivateKey),
        k if k.ends_with("password") || k == "passwd" || k == "pwd" => {
            Some(CredentialKind::Password)
        }
        k if k.ends_with("token") || k.ends_with("apikey") => Some(CredentialKind::Token),
        _ => None,
    }
}

/// Classify a literal environment variable (`env[].value`): by value shape first,
/// then by variable name. Only returns cloud credentials and secrets that should
/// never be literal.
pub fn classify_literal(name: &str, value: &str) -> Option<CredentialKind> {
    if value.is_empty() {
        return None;
    }
    let key = norm_key(name);
    let by_value = classify(name, value.as_bytes(), None);
    match by_value {
        Some(k) if k != CredentialKind::Password && k != CredentialKind::Token => Some(k),
        _ => match key.as_str() {
            "awssecretaccesskey" if looks_like_aws_secret_key(value.as_bytes()) => {
                Some(CredentialKind::AwsSecretAccessKey)
            }
            "awssessiontoken" => Some(CredentialKind::AwsSecretAccessKey),
            "azureclientsecret" | "armclientsecret" => Some(CredentialKind::AzureClientSecret),
            "azurestoragekey" | "azurestorageaccountkey" => Some(CredentialKind::AzureStorageKey),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::ByteString;
    use std::collections::BTreeMap;

    fn secret(pairs: &[(&str, &str)]) -> Secret {
        Secret {
            metadata: ObjectMeta {
                name: Some("s".into()),
                annotations: Some(BTreeMap::from([(
                    "kubectl.kubernetes.io/last-applied-configuration".to_string(),
                    "{\"data\":{\"k\":\"c2VjcmV0\"}}".to_string(),
                )])),
                ..Default::default()
            },
            data: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn classifies_aws_pair_and_drops_values() {
        let info = SecretInfo::from_secret(secret(&[
            ("id", "AKIAIOSFODNN7EXAMPLE"),
            ("key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ("note", "hello"),
        ]));
        assert_eq!(
            info.credential_kinds(),
            vec![
                CredentialKind::AwsAccessKeyId,
                CredentialKind::AwsSecretAccessKey
            ]
        );
        let json = serde_json::to_string(&info).unwrap();
        assert!(!json.contains("AKIAIOSFODNN7EXAMPLE"));
        assert!(!json.contains("wJalrXUtnFEMI"));
        assert!(
            !json.contains("c2VjcmV0"),
            "last-applied-configuration must be stripped"
        );
    }

    #[test]
    fn classifies_gcp_and_azure() {
        let gcp = r#"{"type": "service_account", "project_id": "p", "private_key": "-----BEGIN PRIVATE KEY-----\n"}"#;
        assert_eq!(
            classify("key.json", gcp.as_bytes(), None),
            Some(CredentialKind::GcpServiceAccountKey)
        );
        assert_eq!(
            classify("x", b"abc8Q~abcdefghijklmnopqrstuvwxyz0123456", None),
            Some(CredentialKind::AzureClientSecret)
        );
        assert_eq!(
            classify("AZURE_CLIENT_SECRET", b"whatever", None),
            Some(CredentialKind::AzureClientSecret)
        );
        assert_eq!(
            classify("db-password", b"x", None),
            Some(CredentialKind::Password)
        );
        assert_eq!(classify("config", b"plain", None), None);
    }

    #[test]
    fn literal_env() {
        assert_eq!(
            classify_literal("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            Some(CredentialKind::AwsAccessKeyId)
        );
        assert_eq!(
            classify_literal(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            ),
            Some(CredentialKind::AwsSecretAccessKey)
        );
        assert_eq!(classify_literal("AWS_REGION", "us-east-1"), None);
        assert_eq!(classify_literal("DB_PASSWORD", "x"), None);
    }
}
