//! ID018: passwords, tokens and private keys written in plain text (env values, ConfigMaps).

use crate::reads::{self, K};
use crate::util::{containers, norm, static_credential_env};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::secret::classify_literal;
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID018",
    name: "plain-text-secret",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::ConfigMap, K::Secret]),
    severity: Severity::High,
    summary: "Password, token or private key written as a literal env value or in a ConfigMap",
    law: law::IDENTITY,
    rationale: "A password in an env `value` or a ConfigMap is in the Git history of every manifest, \
readable by anyone who can `get` the Deployment or ConfigMap (far more people than can read Secrets), \
printed by `kubectl describe`, and copied into every ReplicaSet revision; rotating it means a new \
rollout. Names that say what they carry (`DB_PASSWORD`, `API_TOKEN`, `client_secret`, `private_key`) \
with a literal value are reported, and a PEM private key anywhere in an env value or a ConfigMap. \
Values are never printed. References (`$(VAR)`, `${VAR}`), file paths, empty values and names that \
describe a secret rather than hold it (`…_SECRET_NAME`, `…_TOKEN_FILE`, `…_PASSWORD_PATH`, \
`…_TOKEN_TTL`) are not. Cloud keys are ID003's (critical).\n\n**Differs from peers.** KubeLinter \
`env-var-secret` matches the variable name alone (`SECRET_NAME: orders-db` fires there); day2 \
classifies the value. Checkov CKV_K8S_35 flags Secrets read into env; day2 treats `secretKeyRef` as \
the right way to pass them.",
    fix: Fix::generic(
        "Move the value into a Secret (or an external secret store synced by External Secrets / the Secrets Store CSI driver) and reference it with `valueFrom.secretKeyRef` or a mounted file; rotate the value, which is in the repository history.",
    ),
    sources: "Same on every source: literal env values of every pod template and the data of every ConfigMap in the input. Values are classified in memory and never printed.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID018/fire.yaml"),
        silent: include_str!("../../fixtures/ID018/silent.yaml"),
    },
    peers: &[
        "KubeLinter env-var-secret",
        "Polaris sensitiveContainerEnvVar, sensitiveConfigmapContent",
        "Checkov CKV_K8S_35 (partial: prefers Secret files to env)",
    ],
};

/// Words that name a secret value, matched against the name with separators removed.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "signingkey",
    "encryptionkey",
];

/// Name endings that describe a secret rather than hold it.
const DESCRIPTIVE_SUFFIXES: &[&str] = &[
    "name",
    "file",
    "path",
    "dir",
    "ttl",
    "expiry",
    "expiration",
    "timeout",
    "enabled",
    "length",
    "size",
    "type",
    "header",
    "ref",
    "namespace",
    "mount",
    "location",
    "url",
    "uri",
    "endpoint",
    "user",
    "username",
    "policy",
    "duration",
    "lifetime",
    "store",
    "provider",
    // Units and settings: `TOKEN_TTL_SECONDS`, `SESSION_TOKEN_MAX_AGE`, `JWT_SECRET_ALGORITHM`.
    "seconds",
    "secs",
    "minutes",
    "hours",
    "days",
    "millis",
    "maxage",
    "interval",
    "period",
    "limit",
    "prefix",
    "algorithm",
    "format",
    "version",
    "issuer",
    "audience",
];

/// Whether the name says its value is a secret.
fn secret_name(name: &str) -> bool {
    let n = norm(name);
    let Some(word) = SECRET_WORDS.iter().find(|w| n.contains(*w)) else {
        return false;
    };
    // `DB_PASSWORD_FILE`, `TOKEN_TTL`: the part after the secret word describes it.
    let tail = n.rsplit(word).next().unwrap_or("");
    // `TOKENIZER_MODEL`, `SECRETS_MANAGER_REGION`: another word that starts with a secret word.
    if ["izer", "smanager", "manager"]
        .iter()
        .any(|p| tail.starts_with(p))
    {
        return false;
    }
    // `MAX_TOKENS`, `minPasswordLength`: a count or a bound, not the value.
    if is_bound(name) {
        return false;
    }
    tail.is_empty() || !DESCRIPTIVE_SUFFIXES.iter().any(|s| tail.ends_with(s))
}

/// Whether the name starts with the word `max`, `min` or `num` (`MAX_TOKENS`,
/// `maxTokens`; not `MINIO_SECRET_KEY`).
fn is_bound(name: &str) -> bool {
    ["max", "min", "num"].iter().any(|p| {
        let (Some(head), Some(next)) = (
            name.get(..p.len()),
            name.get(p.len()..).and_then(|r| r.chars().next()),
        ) else {
            return false;
        };
        head.eq_ignore_ascii_case(p)
            && (matches!(next, '_' | '-' | '.') || (head == *p && next.is_ascii_uppercase()))
    })
}

/// Whether a literal value is plausibly the secret itself.
fn secret_value(v: &str) -> bool {
    let v = v.trim();
    !(v.is_empty()
        || v.starts_with("$(")
        || v.starts_with("${")
        || v.starts_with('/')
        || v.contains('\n')
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none" | "null" | "disabled" | "enabled"
        ))
}

fn has_private_key(v: &str) -> bool {
    v.contains("-----BEGIN") && v.contains("PRIVATE KEY-----")
}

/// Whether ID003 reports this entry as a cloud credential.
fn cloud_credential(name: &str, value: &str) -> bool {
    static_credential_env(name).is_some()
        || classify_literal(name, value).is_some_and(|k| k.is_cloud())
}

pub struct PlainTextSecret;

impl Rule for PlainTextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for c in containers(w.spec) {
                for (j, e) in c.c.env.iter().flatten().enumerate() {
                    let Some(v) = e.value.as_deref() else {
                        continue;
                    };
                    if cloud_credential(&e.name, v) {
                        continue;
                    }
                    let what = if has_private_key(v) {
                        "a private key"
                    } else if secret_name(&e.name) && secret_value(v) {
                        "a literal secret value"
                    } else {
                        continue;
                    };
                    sink.report(
                        Target::workload(&w),
                        format!(
                            "{} `{}` has {what} in env `{}`: anyone who can read the {} reads it",
                            c.role(),
                            c.c.name,
                            e.name,
                            w.kind
                        ),
                        Some(&w.ptr(&format!("{}/env/{j}/value", c.pointer))),
                    );
                }
            }
        }
        for cm in &cx.cluster.config_maps {
            let found: Vec<String> = cm
                .data
                .iter()
                .flatten()
                .filter(|(k, v)| !cloud_credential(k, v))
                .filter_map(|(k, v)| {
                    if has_private_key(v) {
                        Some(format!("a private key (key `{k}`)"))
                    } else if secret_name(k) && secret_value(v) {
                        Some(format!("a secret value (key `{k}`)"))
                    } else {
                        None
                    }
                })
                .collect();
            if !found.is_empty() {
                sink.report(
                    Target::of(cm),
                    format!(
                        "ConfigMap {} holds {} in plain text: ConfigMaps are readable by anyone with read access to the namespace",
                        cm.name(),
                        found.join(", ")
                    ),
                    Some("/data"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_hold_a_secret_and_names_that_describe_one() {
        for n in [
            "DB_PASSWORD",
            "apiToken",
            "CLIENT_SECRET",
            "private_key",
            "SECRET_KEY",
            "PASSWORD_ADMIN",
            "TOKEN_ACCOUNT",
            "MINIO_SECRET_KEY",
            "API_TOKENS",
        ] {
            assert!(secret_name(n), "{n} should name a secret");
        }
        // Names are input: no panic on non-ASCII.
        assert!(!secret_name("aaé_LIMIT"));
        assert!(secret_name("aaé_TOKEN"));
        for n in [
            "DB_PASSWORD_FILE",
            "TOKEN_TTL",
            "SECRET_NAME",
            "JWT_SECRET_KEY_PATH",
            "LOG_LEVEL",
            "ARGOCD_SERVER_TOKEN_EXPIRATION",
            "TOKEN_TTL_SECONDS",
            "SESSION_TOKEN_MAX_AGE",
            "PASSWORD_RESET_INTERVAL",
            "JWT_SECRET_ALGORITHM",
            "OIDC_TOKEN_ISSUER",
            "MAX_TOKENS",
            "maxNewTokens",
            "TOKENIZER_MODEL",
            "SECRETS_MANAGER_REGION",
        ] {
            assert!(!secret_name(n), "{n} describes, not holds");
        }
        assert!(!secret_value("$(DB_PASSWORD)"));
        assert!(!secret_value("/etc/secret/token"));
        assert!(secret_value("hunter2"));
    }
}
