//! ID001: long-lived cloud credentials stored in Secrets.

use crate::reads::{self, K};
use crate::util::{secret_refs, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use std::collections::{HashMap, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "ID001",
    name: "static-cloud-credentials",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::Secret]),
    severity: Severity::Critical,
    summary: "Secret holds long-lived cloud credentials (access keys, client secrets, service-account keys)",
    law: law::IDENTITY,
    rationale: "A cloud access key in a Secret never expires, is readable by anyone who can read Secrets in \
the namespace (and by every pod that mounts it), and cannot be tied to one workload in the cloud's audit \
log. When it is rotated or revoked, pulls and API calls fail with 401/403 and the symptom shows up far \
from the cause (ImagePullBackOff, CSI provisioning failures). Workload identity federation gives each \
ServiceAccount short-lived, scoped credentials instead.\n\n\
Values are recognised by key name (`AWS_SECRET_ACCESS_KEY`, `AZURE_CLIENT_SECRET`, `key.json`, …) and by \
shape (`AKIA…` key ids, Entra ID client secrets, service-account JSON with a private key, shared \
credentials files, storage connection strings). The finding names the kind of credential and the key, \
never the value.",
    fix: Fix {
        generic: "Delete the Secret and the key it holds (revoke it in the cloud), and give the workload's ServiceAccount a federated workload identity.",
        aws: Some(
            "Use IRSA (annotate the ServiceAccount with `eks.amazonaws.com/role-arn`) or an EKS Pod Identity association for the ServiceAccount; deactivate and delete the IAM user's access key.",
        ),
        azure: Some(
            "Enable AKS Workload Identity: annotate the ServiceAccount with `azure.workload.identity/client-id`, label the pods `azure.workload.identity/use: \"true\"`, add a federated credential to the managed identity; delete the service principal secret.",
        ),
        gcp: Some(
            "Use GKE Workload Identity: annotate the ServiceAccount with `iam.gke.io/gcp-service-account` and grant `roles/iam.workloadIdentityUser`; delete the service-account key (`gcloud iam service-accounts keys delete`).",
        ),
    },
    sources: "Same on every source: each Secret in the input is classified when it is read (values are read once and never stored, printed or written to snapshots). On a live cluster this needs permission to list Secrets; without it the rule has nothing to judge.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID001/fire.yaml"),
        silent: include_str!("../../fixtures/ID001/silent.yaml"),
    },
    peers: &[
        "Checkov CKV_SECRET_2 (AWS key ids by value, secrets framework)",
        "Kubescape C-0012 (partial: ConfigMaps and env, not Secrets)",
    ],
};

pub struct StaticCloudCredentials;

impl Rule for StaticCloudCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        // Secrets holding cloud credentials, and what each holds.
        let holding: Vec<_> = cx
            .cluster
            .secrets
            .iter()
            .filter_map(|s| {
                let found: Vec<String> = s
                    .keys
                    .iter()
                    .filter_map(|k| {
                        k.class
                            .filter(|c| c.is_cloud())
                            .map(|c| format!("{} (key `{}`)", c.describe(), k.name))
                    })
                    .collect();
                (!found.is_empty()).then_some((s, found))
            })
            .collect();
        if holding.is_empty() {
            return;
        }
        // Which workloads use those Secrets, computed once.
        let wanted: HashSet<(&str, &str)> = holding
            .iter()
            .map(|(s, _)| (s.ns_or_default(), s.name()))
            .collect();
        let workloads = cx.workloads();
        let mut users: HashMap<(&str, &str), Vec<String>> = HashMap::new();
        for w in &workloads {
            let mut names: Vec<&str> = secret_refs(w.spec).iter().map(|r| r.name).collect();
            names.sort_unstable();
            names.dedup();
            for n in names {
                if wanted.contains(&(w.namespace(), n)) {
                    users.entry((w.namespace(), n)).or_default().push(wname(w));
                }
            }
        }
        for (s, found) in holding {
            let used = match users.get(&(s.ns_or_default(), s.name())) {
                Some(u) => format!("; used by {}", day2_model::text::short_list(u, 5)),
                None => String::new(),
            };
            sink.report(
                Target::of(s),
                format!("Secret {} holds {}{used}", s.name(), found.join(", ")),
                Some("/data"),
            );
        }
    }
}
