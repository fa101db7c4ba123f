//! ID003: cloud credentials written in plain text (env values, arguments, ConfigMaps).

use crate::reads::{self, K};
use crate::util::{containers, norm};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::secret::{CredentialKind, classify, classify_literal};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID003",
    name: "cloud-credentials-in-plain-text",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::ConfigMap, K::Secret]),
    severity: Severity::Critical,
    summary: "Cloud credential written in a literal env value, a command argument or a ConfigMap",
    law: law::IDENTITY,
    rationale: "A key in an env `value`, in `args` or in a ConfigMap is worse than one in a Secret: it is in \
the Git history of every manifest, readable by anyone who can `get` the Deployment or ConfigMap, printed \
by `kubectl describe`, and copied into every ReplicaSet revision. It never expires and cannot be tied to \
one workload. The finding names the kind of credential (AWS access key id, Entra ID client secret, GCP \
service-account key, storage key) and where it is, never the value.",
    fix: Fix {
        generic: "Revoke the key now (it is in the repository history), remove it from the manifest, and give the workload a federated workload identity instead of a key.",
        aws: Some(
            "Deactivate the IAM access key (`aws iam update-access-key --status Inactive`), then use IRSA or EKS Pod Identity for the ServiceAccount; the AWS SDKs pick the role up with no code change.",
        ),
        azure: Some(
            "Delete the client secret from the app registration, then use AKS Workload Identity (`azure.workload.identity/client-id` on the ServiceAccount, `azure.workload.identity/use: \"true\"` on the pods); `DefaultAzureCredential` picks it up.",
        ),
        gcp: Some(
            "Delete the service-account key (`gcloud iam service-accounts keys delete`), then use GKE Workload Identity; Application Default Credentials pick it up.",
        ),
    },
    sources: "Same on every source: literal env values and arguments of every pod template, and the data of every ConfigMap in the input. Values are classified in memory and never printed.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID003/fire.yaml"),
        silent: include_str!("../../fixtures/ID003/silent.yaml"),
    },
    peers: &[
        "KubeLinter env-var-secret",
        "Polaris sensitiveContainerEnvVar, sensitiveConfigmapContent",
        "Kubescape C-0012",
    ],
};

/// Cloud credentials only: the identity law is about these.
fn cloud(k: Option<CredentialKind>) -> Option<CredentialKind> {
    k.filter(|k| k.is_cloud())
}

/// A credential recognised in one command-line token (`--key=AKIA…` or `AKIA…`), by shape only.
fn in_argument(token: &str) -> Option<CredentialKind> {
    let value = token.rsplit_once('=').map_or(token, |(_, v)| v);
    cloud(classify("", value.as_bytes(), None))
}

/// A ConfigMap entry: by shape, or by an unambiguous cloud key name.
fn in_config(key: &str, value: &str) -> Option<CredentialKind> {
    if value.trim().is_empty() {
        return None;
    }
    if let Some(k) = cloud(classify("", value.as_bytes(), None)) {
        return Some(k);
    }
    let n = norm(key);
    if !points_elsewhere(value)
        && (n.contains("aws") || n.contains("azure") || n.contains("gcp") || n.contains("google"))
    {
        return cloud(classify(key, value.as_bytes(), None));
    }
    None
}

/// A literal env value classified as a credential: by its shape, and by the
/// variable's name only when the value is not a reference to the credential.
fn literal(name: &str, value: &str) -> Option<CredentialKind> {
    if points_elsewhere(value) {
        classify_literal("", value)
    } else {
        classify_literal(name, value)
    }
}

/// Whether a value names where the credential is rather than holding it: a
/// `$(VAR)` reference to another variable, or a file path
/// (`GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/gcp/key.json`). An AWS
/// secret key may start with `/`: 40 characters of `[A-Za-z0-9+/]` are not a path.
fn points_elsewhere(value: &str) -> bool {
    let v = value.trim();
    let aws_secret_shape = v.len() == 40
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    (v.starts_with("$(") && v.ends_with(')') && !v.contains(char::is_whitespace))
        || ((v.starts_with('/') || v.starts_with("./"))
            && !v.contains(char::is_whitespace)
            && !aws_secret_shape)
}

pub struct CloudCredentialsInPlainText;

impl Rule for CloudCredentialsInPlainText {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for c in containers(w.spec) {
                let role = c.role();
                for (j, e) in c.c.env.iter().flatten().enumerate() {
                    let Some(v) = e.value.as_deref() else {
                        continue;
                    };
                    if let Some(k) = cloud(literal(&e.name, v)) {
                        sink.report(
                            Target::workload(&w),
                            format!(
                                "{role} `{}` has a literal {} in env `{}`",
                                c.c.name,
                                k.describe(),
                                e.name
                            ),
                            Some(&w.ptr(&format!("{}/env/{j}/value", c.pointer))),
                        );
                    }
                }
                for (field, list) in [("command", &c.c.command), ("args", &c.c.args)] {
                    for (j, a) in list.iter().flatten().enumerate() {
                        if let Some(k) = in_argument(a) {
                            sink.report(
                                Target::workload(&w),
                                format!(
                                    "{role} `{}` passes a literal {} in `{field}[{j}]`",
                                    c.c.name,
                                    k.describe()
                                ),
                                Some(&w.ptr(&format!("{}/{field}/{j}", c.pointer))),
                            );
                        }
                    }
                }
            }
        }
        for cm in &cx.cluster.config_maps {
            let found: Vec<String> = cm
                .data
                .iter()
                .flatten()
                .filter_map(|(k, v)| {
                    in_config(k, v).map(|kind| format!("{} (key `{k}`)", kind.describe()))
                })
                .collect();
            if !found.is_empty() {
                sink.report(
                    Target::of(cm),
                    format!(
                        "ConfigMap {} holds {} in plain text",
                        cm.name(),
                        found.join(", ")
                    ),
                    Some("/data"),
                );
            }
        }
    }
}
