//! ID002: a workload that calls cloud APIs has no workload identity.

use crate::reads::{self, K};
use crate::util::{cloud_secret_kinds, image_base, static_cloud_credentials};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Cloud, Loop, Severity, Workload};
use k8s_openapi::api::core::v1::{PodSpec, ServiceAccount};
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ID002",
    name: "cloud-api-without-workload-identity",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::Secret, K::ServiceAccount]),
    severity: Severity::High,
    summary: "Workload calls cloud APIs but its ServiceAccount has no IRSA, EKS Pod Identity, AKS or GKE Workload Identity binding",
    law: law::IDENTITY,
    rationale: "A pod that calls a cloud API (an SDK configured through `AWS_*`, `AZURE_*` or `GOOGLE_*` \
variables, or a controller such as external-dns, aws-load-balancer-controller, cluster-autoscaler, \
Karpenter, a CSI controller, external-secrets or Velero) gets its credentials from somewhere. Without a \
workload identity binding that somewhere is the node's role (every pod on the node shares it, nothing is \
scoped, the audit log shows the node) or a static key. When the node role lacks the permission the call \
fails with AccessDenied/403 and the symptom (a LoadBalancer that never gets an address, a volume that \
never provisions, DNS records that never appear) shows up in another loop.\n\n\
Bindings recognised: AWS IRSA (`eks.amazonaws.com/role-arn` on the ServiceAccount, or the injected \
`AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE`), EKS Pod Identity (the injected \
`AWS_CONTAINER_CREDENTIALS_FULL_URI` on running pods), AKS Workload Identity (`azure.workload.identity/client-id` \
on the ServiceAccount **and** the pod label `azure.workload.identity/use: \"true\"` — both are needed), GKE \
Workload Identity (`iam.gke.io/gcp-service-account`). Workloads that already receive static cloud keys are \
reported by ID004 instead.",
    fix: Fix {
        generic: "Bind the workload's ServiceAccount to a cloud identity that holds only the permissions it needs.",
        aws: Some(
            "Create an IAM role with a trust policy for `system:serviceaccount:NAMESPACE:SA` on the cluster's OIDC provider and annotate the ServiceAccount `eks.amazonaws.com/role-arn: arn:aws:iam::ACCOUNT:role/ROLE` (IRSA), or create an EKS Pod Identity association (`aws eks create-pod-identity-association --namespace NAMESPACE --service-account SA --role-arn …`); restart the pods.",
        ),
        azure: Some(
            "Create a user-assigned managed identity with a federated credential for `system:serviceaccount:NAMESPACE:SA`, annotate the ServiceAccount `azure.workload.identity/client-id: CLIENT_ID` and label the pod template `azure.workload.identity/use: \"true\"`; the cluster needs `--enable-oidc-issuer --enable-workload-identity`.",
        ),
        gcp: Some(
            "Enable Workload Identity on the cluster and node pool, annotate the ServiceAccount `iam.gke.io/gcp-service-account: GSA@PROJECT.iam.gserviceaccount.com` and grant `roles/iam.workloadIdentityUser` to `PROJECT.svc.id.goog[NAMESPACE/SA]` (or grant roles directly to the Kubernetes ServiceAccount principal).",
        ),
    },
    sources: "Manifests: judged from the ServiceAccount annotations and pod labels in the input; EKS Pod Identity associations and GKE direct principal grants live in the cloud API and cannot be seen, so AWS and GCP findings are medium there. Snapshot/live: running pods show the credentials the EKS webhooks injected, so an AWS workload whose pods carry neither IRSA nor Pod Identity variables is high. Controllers whose cloud follows the cluster (external-dns, cluster-autoscaler, Velero, external-secrets) are judged only when the cloud is known (detected or set in `.day2.yaml`). AKS-managed add-ons are skipped.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID002/fire.yaml"),
        silent: include_str!("../../fixtures/ID002/silent.yaml"),
    },
    peers: &[],
};

/// Controllers that call a cloud API, by image: (image base or path fragment, cloud or None = the cluster's).
const CONTROLLERS: &[(&str, Option<Cloud>)] = &[
    ("external-dns", None),
    ("aws-load-balancer-controller", Some(Cloud::Aws)),
    ("cluster-autoscaler", None),
    ("karpenter/controller", Some(Cloud::Aws)),
    ("aws-ebs-csi-driver", Some(Cloud::Aws)),
    ("aws-efs-csi-driver", Some(Cloud::Aws)),
    ("azuredisk-csi", Some(Cloud::Azure)),
    ("azurefile-csi", Some(Cloud::Azure)),
    ("gcp-compute-persistent-disk-csi-driver", Some(Cloud::Gcp)),
    ("gcp-filestore-csi-driver", Some(Cloud::Gcp)),
    ("external-secrets", None),
    ("velero", None),
];

/// Images whose CSI node plugins run as DaemonSets and need no API identity of their own.
fn is_csi(fragment: &str) -> bool {
    fragment.contains("csi")
}

/// The cloud named by a controller's flags (`--provider=aws`, `--cloud-provider=gce`).
fn cloud_from_args(args: &[String]) -> Option<Cloud> {
    args.iter().find_map(|a| {
        let v = a
            .strip_prefix("--provider=")
            .or_else(|| a.strip_prefix("--cloud-provider="))?;
        match v {
            "aws" | "aws-sd" => Some(Cloud::Aws),
            "azure" | "azure-private-dns" => Some(Cloud::Azure),
            "google" | "gce" | "gcp" => Some(Cloud::Gcp),
            _ => None,
        }
    })
}

/// The cloud an environment variable belongs to, for SDK configuration.
fn cloud_of_env(n: &str) -> Option<Cloud> {
    if is_identity_env(n) {
        // Variables the identity webhooks inject are evidence of a binding, not of a call.
        return None;
    }
    if n.starts_with("AWS_") {
        Some(Cloud::Aws)
    } else if n.starts_with("AZURE_") {
        Some(Cloud::Azure)
    } else if matches!(
        n,
        "GOOGLE_CLOUD_PROJECT"
            | "GCLOUD_PROJECT"
            | "GCP_PROJECT"
            | "CLOUDSDK_CORE_PROJECT"
            | "GOOGLE_APPLICATION_CREDENTIALS"
    ) {
        Some(Cloud::Gcp)
    } else {
        None
    }
}

/// The cloud a workload calls, why we think so, and whether the cloud is
/// explicit (flags or SDK variables) rather than assumed from the cluster.
fn cloud_calls(w: &Workload<'_>, cluster_cloud: Cloud) -> Option<(Cloud, String, bool)> {
    for c in &w.spec.containers {
        let image = c.image.as_deref().unwrap_or("");
        let base = image_base(image);
        for (frag, cloud) in CONTROLLERS {
            let hit = if frag.contains('/') {
                image.contains(frag)
            } else {
                base == *frag || base.starts_with(&format!("{frag}-"))
            };
            if !hit || (w.kind == "DaemonSet" && is_csi(frag)) {
                continue;
            }
            let flags: Vec<String> = c
                .command
                .iter()
                .flatten()
                .chain(c.args.iter().flatten())
                .cloned()
                .collect();
            let from_env = c.env.iter().flatten().find_map(|e| cloud_of_env(&e.name));
            let (cloud, explicit) = match (cloud, cloud_from_args(&flags).or(from_env)) {
                (Some(c), _) => (*c, true),
                (None, Some(c)) => (c, true),
                (None, None) if cluster_cloud != Cloud::Generic => (cluster_cloud, false),
                (None, None) => continue,
            };
            return Some((cloud, format!("runs {base}"), explicit));
        }
        for e in c.env.iter().flatten() {
            if let Some(cloud) = cloud_of_env(&e.name) {
                return Some((
                    cloud,
                    format!("container `{}` sets `{}`", c.name, e.name),
                    true,
                ));
            }
        }
    }
    None
}

fn is_identity_env(n: &str) -> bool {
    matches!(
        n,
        "AWS_ROLE_ARN"
            | "AWS_WEB_IDENTITY_TOKEN_FILE"
            | "AWS_CONTAINER_CREDENTIALS_FULL_URI"
            | "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
            | "AWS_STS_REGIONAL_ENDPOINTS"
            | "AZURE_FEDERATED_TOKEN_FILE"
            | "AZURE_AUTHORITY_HOST"
    )
}

fn spec_has_env(spec: &PodSpec, names: &[&str]) -> bool {
    spec.containers
        .iter()
        .flat_map(|c| c.env.iter().flatten())
        .any(|e| names.contains(&e.name.as_str()))
}

pub struct CloudApiWithoutWorkloadIdentity;

impl Rule for CloudApiWithoutWorkloadIdentity {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let sas: HashMap<(&str, &str), &ServiceAccount> = cx
            .cluster
            .service_accounts
            .iter()
            .map(|s| ((s.ns_or_default(), s.name()), &*s.obj))
            .collect();
        let secrets = cloud_secret_kinds(cx.cluster);
        for w in cx.workloads() {
            if w.meta.labels.as_ref().is_some_and(|l| {
                l.get("kubernetes.azure.com/managedby")
                    .is_some_and(|v| v == "aks")
                    || l.contains_key("addonmanager.kubernetes.io/mode")
            }) {
                continue;
            }
            let Some((cloud, why, explicit)) = cloud_calls(&w, cx.cloud) else {
                continue;
            };
            let ns = w.namespace();
            let lookup = |name: &str| secrets.get(&(ns.to_owned(), name.to_owned())).cloned();
            if !static_cloud_credentials(w.spec, &lookup).is_empty() {
                continue; // ID004 reports the static keys
            }
            let sa_name = day2_model::pod::service_account(w.spec);
            let ann = sas
                .get(&(ns, sa_name))
                .and_then(|s| s.metadata.annotations.as_ref());
            let annotated = |k: &str| ann.and_then(|a| a.get(k)).is_some_and(|v| !v.is_empty());
            // A cloud assumed from the cluster accepts any cloud's binding.
            if !explicit
                && [
                    "eks.amazonaws.com/role-arn",
                    "azure.workload.identity/client-id",
                    "iam.gke.io/gcp-service-account",
                ]
                .iter()
                .any(|k| annotated(k))
            {
                continue;
            }
            let pods = cx.cluster.pods_of(w.kind, ns, w.name());
            let (message, severity) = match cloud {
                Cloud::Aws => {
                    let injected = |spec: &PodSpec| {
                        spec_has_env(
                            spec,
                            &[
                                "AWS_WEB_IDENTITY_TOKEN_FILE",
                                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                            ],
                        )
                    };
                    if annotated(day2_model::cloud::AWS_ROLE_ANNOTATION)
                        || injected(w.spec)
                        || pods.iter().any(|p| p.spec.as_deref().is_some_and(injected))
                    {
                        continue;
                    }
                    let seen_pods = !pods.is_empty();
                    (
                        format!(
                            "{why} (AWS) but ServiceAccount `{sa_name}` has no IRSA role (`eks.amazonaws.com/role-arn`){}: it falls back to the node's instance role",
                            if seen_pods {
                                " and its running pods carry no Pod Identity credentials"
                            } else {
                                " (an EKS Pod Identity association is not visible in manifests)"
                            }
                        ),
                        if seen_pods {
                            Severity::High
                        } else {
                            Severity::Medium
                        },
                    )
                }
                Cloud::Azure => {
                    let label = w
                        .pod_labels()
                        .get("azure.workload.identity/use")
                        .is_some_and(|v| v == "true");
                    let client = annotated(day2_model::cloud::AZURE_CLIENT_ANNOTATION);
                    match (client, label) {
                        (true, true) => continue,
                        (true, false) => (
                            format!(
                                "{why} (Azure); ServiceAccount `{sa_name}` has `azure.workload.identity/client-id` but the pod template lacks the label `azure.workload.identity/use: \"true\"`, so the webhook injects no token"
                            ),
                            Severity::High,
                        ),
                        (false, true) => (
                            format!(
                                "{why} (Azure); the pods ask for Workload Identity but ServiceAccount `{sa_name}` has no `azure.workload.identity/client-id`"
                            ),
                            Severity::High,
                        ),
                        (false, false) => (
                            format!(
                                "{why} (Azure) but ServiceAccount `{sa_name}` has no AKS Workload Identity (`azure.workload.identity/client-id` + pod label `azure.workload.identity/use`)"
                            ),
                            Severity::High,
                        ),
                    }
                }
                Cloud::Gcp => {
                    if annotated(day2_model::cloud::GKE_GSA_ANNOTATION) {
                        continue;
                    }
                    (
                        format!(
                            "{why} (GCP) but ServiceAccount `{sa_name}` has no GKE Workload Identity annotation (`iam.gke.io/gcp-service-account`); unless IAM grants roles to the Kubernetes ServiceAccount directly, it uses the node's service account"
                        ),
                        Severity::Medium,
                    )
                }
                Cloud::Generic => continue,
            };
            sink.report_with(
                Target::workload(&w),
                message,
                Some(&w.ptr("/serviceAccountName")),
                None,
                Some(severity),
            );
        }
    }
}
