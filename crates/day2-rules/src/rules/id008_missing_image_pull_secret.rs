//! ID008: imagePullSecrets that name Secrets that do not exist.

use crate::reads::{self, K};
use crate::util::sees_whole_cluster;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use std::collections::{HashMap, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "ID008",
    name: "missing-image-pull-secret",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES.with(&[K::Secret, K::ServiceAccount]),
    severity: Severity::High,
    summary: "`imagePullSecrets` (of the pod or its ServiceAccount) names a Secret that does not exist or is not a registry credential",
    law: law::IDENTITY,
    rationale: "\"ImagePullBackOff: it's not the registry, it's IAM.\" The kubelet pulls with the credentials \
the pod's `imagePullSecrets` (and its ServiceAccount's) point to. A name that matches no Secret in the \
namespace is skipped with only a warning event, the pull goes out anonymously, and the registry answers \
401/403: the pod sits in ImagePullBackOff while the registry looks healthy. A Secret that exists but is \
not of type `kubernetes.io/dockerconfigjson` (or `dockercfg`) is ignored the same way.\n\n**Differs \
from peers.** KubeLinter `env-value-from` reports env references to Secrets and ConfigMaps missing \
from the input; this rule judges pull Secrets only.",
    fix: Fix {
        generic: "Create the pull Secret in the pod's namespace (`kubectl create secret docker-registry …`) or fix the name; better, let the node or a workload identity pull so no pull Secret is needed.",
        aws: Some(
            "For ECR, give the node role `AmazonEC2ContainerRegistryReadOnly` (or the ECR pull-through cache permissions) and drop the pull Secret; static ECR tokens expire after 12 hours anyway.",
        ),
        azure: Some(
            "For ACR, attach the registry to the cluster (`az aks update --attach-acr NAME`, which grants AcrPull to the kubelet identity) and drop the pull Secret.",
        ),
        gcp: Some(
            "For Artifact Registry, grant `roles/artifactregistry.reader` to the node pool's service account and drop the pull Secret.",
        ),
    },
    sources: "Snapshot/live: judged when the input carries Secrets at all (a live read without permission to list Secrets is not judged). Manifests: judged only in namespaces for which the input carries Secrets, SealedSecrets or ExternalSecrets (pull Secrets are often created outside the application's manifests); SealedSecret, ExternalSecret and similar objects count as the Secret they produce.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID008/fire.yaml"),
        silent: include_str!("../../fixtures/ID008/silent.yaml"),
    },
    peers: &["KubeLinter env-value-from (partial: env references only)"],
};

/// Objects that produce a Secret of the same (or a target) name.
fn produced_secret(o: &day2_model::DynObject) -> Option<String> {
    let name = o.metadata.name.clone()?;
    let spec = o.data.get("spec");
    let target = |ptr: &str| {
        spec.and_then(|s| s.pointer(ptr))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    match o.kind.as_str() {
        "SealedSecret" => Some(target("/template/metadata/name").unwrap_or(name)),
        "ExternalSecret" => Some(target("/target/name").unwrap_or(name)),
        "VaultStaticSecret" | "VaultDynamicSecret" => target("/destination/name"),
        "OnePasswordItem" => Some(name),
        _ => None,
    }
}

pub struct MissingImagePullSecret;

impl Rule for MissingImagePullSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        // (namespace, name) → Secret type (None: produced by another object, type unknown).
        let mut secrets: HashMap<(String, String), Option<String>> = HashMap::new();
        for s in &c.secrets {
            secrets.insert(
                (s.ns_or_default().to_owned(), s.name().to_owned()),
                Some(s.type_.clone().unwrap_or_else(|| "Opaque".into())),
            );
        }
        for o in &c.other {
            if let Some(n) = produced_secret(o) {
                secrets.insert((o.ns_or_default().to_owned(), n), None);
            }
        }
        let judged: HashSet<String> = secrets.keys().map(|(ns, _)| ns.clone()).collect();
        let can_judge = |ns: &str| {
            if sees_whole_cluster(c) {
                !secrets.is_empty()
            } else {
                judged.contains(ns)
            }
        };
        let problem = |ns: &str, name: &str| -> Option<String> {
            match secrets.get(&(ns.to_owned(), name.to_owned())) {
                None => Some(format!("Secret `{name}` does not exist in namespace {ns}")),
                Some(Some(t))
                    if t != "kubernetes.io/dockerconfigjson" && t != "kubernetes.io/dockercfg" =>
                {
                    Some(format!(
                        "Secret `{name}` is of type `{t}`, which the kubelet ignores for pulls"
                    ))
                }
                _ => None,
            }
        };
        for w in cx.workloads() {
            let ns = w.namespace();
            if !can_judge(ns) {
                continue;
            }
            for (i, r) in w.spec.image_pull_secrets.iter().flatten().enumerate() {
                if let Some(p) = problem(ns, &r.name) {
                    sink.report(
                        Target::workload(&w),
                        format!(
                            "imagePullSecrets[{i}]: {p}; image pulls go out without credentials"
                        ),
                        Some(&w.ptr(&format!("/imagePullSecrets/{i}"))),
                    );
                }
            }
        }
        for sa in &c.service_accounts {
            let ns = sa.ns_or_default();
            if !can_judge(ns) {
                continue;
            }
            for (i, r) in sa.image_pull_secrets.iter().flatten().enumerate() {
                if let Some(p) = problem(ns, &r.name) {
                    sink.report(
                        Target::of(sa),
                        format!(
                            "ServiceAccount {} imagePullSecrets[{i}]: {p}; pods using this ServiceAccount pull without credentials",
                            sa.name()
                        ),
                        Some(&format!("/imagePullSecrets/{i}")),
                    );
                }
            }
        }
    }
}
