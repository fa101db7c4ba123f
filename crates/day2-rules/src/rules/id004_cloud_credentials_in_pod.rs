//! ID004: pods that receive static cloud credentials from Secrets.

use crate::reads::{self, K};
use crate::util::{cloud_secret_kinds, static_cloud_credentials};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID004",
    name: "cloud-credentials-in-pod",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::Secret]),
    severity: Severity::Critical,
    summary: "Pod mounts, `envFrom`s or reads a Secret carrying static cloud credentials",
    law: law::IDENTITY,
    rationale: "\"Never put a cloud access key in a Pod.\" A key mounted into a pod is readable by every \
process in it and by anyone who can exec into it; it does not expire and the cloud cannot tell this \
workload from any other holder of the key. When the key is rotated, every pod holding it fails at once \
with 401/403. The rule follows each Secret the pod spec references (volumes, projected volumes, \
`envFrom`, `env[].valueFrom.secretKeyRef`) to its classification, and also recognises the variables \
that only ever carry static keys (`AWS_SECRET_ACCESS_KEY`, `AZURE_CLIENT_SECRET`, …) and \
`GOOGLE_APPLICATION_CREDENTIALS` pointing into a mounted Secret, even when the Secret itself is not in the \
input.\n\n**Differs from peers.** Checkov CKV_K8S_35 and KubeLinter `read-secret-from-env-var` flag \
any Secret read into env; this rule flags only Secrets that carry static cloud credentials.",
    fix: Fix {
        generic: "Stop passing the key to the pod: bind the ServiceAccount to a federated workload identity, remove the Secret reference, then revoke the key.",
        aws: Some(
            "Annotate the ServiceAccount with `eks.amazonaws.com/role-arn` (IRSA) or create an EKS Pod Identity association, remove `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` from the pod, and deactivate the IAM user's key.",
        ),
        azure: Some(
            "Use AKS Workload Identity (`azure.workload.identity/client-id` on the ServiceAccount, `azure.workload.identity/use: \"true\"` on the pods), remove `AZURE_CLIENT_SECRET`, and delete the secret from the app registration.",
        ),
        gcp: Some(
            "Use GKE Workload Identity (`iam.gke.io/gcp-service-account` on the ServiceAccount), remove `GOOGLE_APPLICATION_CREDENTIALS` and the key volume, and delete the key.",
        ),
    },
    sources: "Same on every source. When the referenced Secret is in the input its classification is used; when it is not, the rule still recognises static-key variable names and key files of mounted Secrets.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID004/fire.yaml"),
        silent: include_str!("../../fixtures/ID004/silent.yaml"),
    },
    peers: &[
        "Checkov CKV_K8S_35 (partial: any Secret as env)",
        "KubeLinter read-secret-from-env-var (partial: any Secret as env)",
    ],
};

pub struct CloudCredentialsInPod;

impl Rule for CloudCredentialsInPod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let secrets = cloud_secret_kinds(cx.cluster);
        for w in cx.workloads() {
            let ns = w.namespace();
            let lookup = |name: &str| secrets.get(&(ns.to_owned(), name.to_owned())).cloned();
            for (what, how, pointer) in static_cloud_credentials(w.spec, &lookup) {
                sink.report(
                    Target::workload(&w),
                    format!("pods receive {what} through {how}"),
                    Some(&w.ptr(&pointer)),
                );
            }
        }
    }
}
