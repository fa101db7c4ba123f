//! ID009: images from a cloud's private registry with no visible way to authenticate the pull.

use crate::reads::{self, K};
use crate::util::{containers, image_registry, sees_whole_cluster};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::pod::service_account;
use day2_model::{Cloud, Loop, Severity};
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ID009",
    name: "private-registry-without-pull-identity",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::Node, K::ServiceAccount]),
    severity: Severity::High,
    summary: "Image from ECR, ACR or Artifact Registry/GCR with no visible pull identity (no imagePullSecrets and not on that cloud)",
    law: law::IDENTITY,
    rationale: "Private cloud registries authenticate the kubelet with the cloud's identity: the EKS node \
role for ECR, the AKS kubelet identity (`--attach-acr`) for ACR, the node service account for \
Artifact Registry. That path exists only on the registry's own cloud. An ECR image on an AKS, GKE or \
on-premises cluster (or the reverse) has no identity to pull with unless the pod or its ServiceAccount \
carries `imagePullSecrets` (or the nodes run a kubelet credential provider). The symptom is \
ImagePullBackOff with 401/403 or `no basic auth credentials`, and teams blame the registry.\n\n\
Public repositories on these hosts (`public.ecr.aws`, `mcr.microsoft.com`, well-known public GCR projects) \
are not reported.",
    fix: Fix {
        generic: "Give the pull an identity: add `imagePullSecrets` refreshed by a credential helper, configure a kubelet credential provider on the nodes, or mirror the image into the cluster's own cloud registry.",
        aws: Some(
            "Mirror the image into ECR in the cluster's account (or use an ECR pull-through cache rule) and give the node role `AmazonEC2ContainerRegistryReadOnly`.",
        ),
        azure: Some(
            "Import the image into the cluster's ACR (`az acr import`) and attach it (`az aks update --attach-acr`).",
        ),
        gcp: Some(
            "Copy the image into Artifact Registry in the cluster's project (or a remote repository) and grant `roles/artifactregistry.reader` to the node service account.",
        ),
    },
    sources: "Judged when the cluster's cloud is known (detected from node provider IDs, StorageClasses and workload identity annotations, or set with `cloud:` in `.day2.yaml`): an image from another cloud's private registry without imagePullSecrets is reported. On a snapshot or live cluster whose nodes belong to no cloud, every such image is reported. On manifests of unknown cloud the rule stays silent. Kubelet credential providers configured on nodes are not visible.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID009/fire.yaml"),
        silent: include_str!("../../fixtures/ID009/silent.yaml"),
    },
    peers: &[],
};

/// Public projects hosted on gcr.io / pkg.dev.
const PUBLIC_GCP_PROJECTS: &[&str] = &[
    "distroless",
    "google-containers",
    "google_containers",
    "google-samples",
    "kaniko-project",
    "cloud-builders",
    "gke-release",
    "cadvisor",
    "knative-releases",
    "tekton-releases",
    "istio-release",
    "ml-pipeline",
    "datadoghq",
    "spiffe-io",
    "k8s-artifacts-prod",
    "etcd-development",
    "heptio-images",
    "cloudsql-docker",
    "cloud-sql-connectors",
    "stackdriver-agents",
    "linkerd-io",
    "paketo-buildpacks",
    "google.com",
    "cloudrun",
];

/// The cloud whose private registry hosts an image.
fn registry_cloud(image: &str) -> Option<(Cloud, &'static str)> {
    let host = image_registry(image)?;
    let host = host.split(':').next().unwrap_or(host);
    if host.contains(".dkr.ecr.") {
        return Some((Cloud::Aws, "ECR"));
    }
    if host.ends_with(".azurecr.io")
        || host.ends_with(".azurecr.cn")
        || host.ends_with(".azurecr.us")
    {
        return Some((Cloud::Azure, "ACR"));
    }
    let gar = host.ends_with("-docker.pkg.dev");
    let gcr = host == "gcr.io" || host.ends_with(".gcr.io");
    if gar || gcr {
        let project = image.split('/').nth(1).unwrap_or("");
        if PUBLIC_GCP_PROJECTS.contains(&project) || project.starts_with("k8s-") {
            return None;
        }
        return Some((Cloud::Gcp, if gar { "Artifact Registry" } else { "GCR" }));
    }
    None
}

fn cloud_name(c: Cloud) -> &'static str {
    match c {
        Cloud::Aws => "AWS",
        Cloud::Azure => "Azure",
        Cloud::Gcp => "GCP",
        Cloud::Generic => "no known cloud",
    }
}

pub struct PrivateRegistryWithoutPullIdentity;

impl Rule for PrivateRegistryWithoutPullIdentity {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let cluster_cloud = cx.cloud;
        let nodes_seen = sees_whole_cluster(cx.cluster) && !cx.cluster.nodes.is_empty();
        if cluster_cloud == Cloud::Generic && !nodes_seen {
            return;
        }
        let sa_pull: HashMap<(&str, &str), bool> = cx
            .cluster
            .service_accounts
            .iter()
            .map(|s| {
                (
                    (s.ns_or_default(), s.name()),
                    s.image_pull_secrets.as_ref().is_some_and(|v| !v.is_empty()),
                )
            })
            .collect();
        for w in cx.workloads() {
            let has_secret = w
                .spec
                .image_pull_secrets
                .as_ref()
                .is_some_and(|v| !v.is_empty())
                || sa_pull
                    .get(&(w.namespace(), service_account(w.spec)))
                    .copied()
                    .unwrap_or(false);
            if has_secret {
                continue;
            }
            for c in containers(w.spec) {
                let Some(image) = c.c.image.as_deref() else {
                    continue;
                };
                let Some((cloud, registry)) = registry_cloud(image) else {
                    continue;
                };
                if cloud == cluster_cloud {
                    continue;
                }
                sink.report(
                    Target::workload(&w),
                    format!(
                        "container `{}` pulls `{image}` from {registry} ({}) on a cluster on {}, with no imagePullSecrets on the pod or its ServiceAccount: the kubelet has no identity for that registry",
                        c.c.name,
                        cloud_name(cloud),
                        cloud_name(cluster_cloud)
                    ),
                    Some(&w.ptr(&format!("{}/image", c.pointer))),
                );
            }
        }
    }
}
