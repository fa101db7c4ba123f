//! ID001: long-lived cloud credentials stored in Secrets.

use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID001",
    name: "static-cloud-credentials",
    loop_: Loop::Identity,
    severity: Severity::Critical,
    summary: "Secret holds long-lived cloud credentials (access keys, client secrets, service-account keys)",
    law: law::IDENTITY,
    rationale: "A cloud access key in a Secret never expires, is readable by anyone who can read Secrets in \
the namespace (and by every pod that mounts it), and cannot be tied to one workload in the cloud's audit \
log. When it is rotated or revoked, pulls and API calls fail with 401/403 and the symptom shows up far \
from the cause (ImagePullBackOff, CSI provisioning failures). Workload identity federation gives each \
ServiceAccount short-lived, scoped credentials instead.",
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
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID001/fire.yaml"),
        silent: include_str!("../../fixtures/ID001/silent.yaml"),
    },
    peers: &["Checkov CKV_SECRET_2 (AWS access key, by value in any file)"],
};

pub struct StaticCloudCredentials;

impl Rule for StaticCloudCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for s in &cx.cluster.secrets {
            let found: Vec<String> = s
                .keys
                .iter()
                .filter_map(|k| {
                    k.class
                        .filter(|c| c.is_cloud())
                        .map(|c| format!("{} (key `{}`)", c.describe(), k.name))
                })
                .collect();
            if found.is_empty() {
                continue;
            }
            let pods = cx
                .cluster
                .workloads()
                .iter()
                .filter(|w| {
                    w.namespace() == s.ns_or_default() && crate::util::uses_secret(w.spec, s.name())
                })
                .map(|w| format!("{}/{}", w.kind, w.name()))
                .collect::<Vec<_>>();
            let used = if pods.is_empty() {
                String::new()
            } else {
                format!("; used by {}", pods.join(", "))
            };
            sink.report(
                Target::of(s),
                format!("Secret {} holds {}{used}", s.name(), found.join(", ")),
                Some("/data"),
            );
        }
    }
}
