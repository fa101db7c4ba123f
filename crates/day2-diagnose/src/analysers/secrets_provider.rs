//! A Secrets Store CSI volume whose provider plugin does not run: the
//! driver connects to the provider's socket under
//! `/etc/kubernetes/secrets-store-csi-providers/<provider>.sock` and says
//! `error connecting to provider "gcp": provider not found: provider "gcp"`
//! (secrets-store-csi-driver's `pkg/secrets-store`). The provider is its own
//! DaemonSet (provider-gcp-plugin, csi-secrets-store-provider-azure,
//! secrets-store-csi-driver-provider-aws, vault-csi-provider), installed
//! apart from the driver (GoogleCloudPlatform/secrets-store-csi-driver-provider-gcp#165).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

/// The provider's DaemonSet as its project names it, and its install.
fn install(provider: &str) -> (String, String) {
    match provider {
        "gcp" => (
            "csi-secrets-store-provider-gcp".to_owned(),
            "`kubectl apply -f https://raw.githubusercontent.com/GoogleCloudPlatform/secrets-store-csi-driver-provider-gcp/main/deploy/provider-gcp-plugin.yaml`".to_owned(),
        ),
        "azure" => (
            "csi-secrets-store-provider-azure".to_owned(),
            "`helm install csi csi-secrets-store-provider-azure/csi-secrets-store-provider-azure -n kube-system` (on AKS the add-on `az aks enable-addons --addons azure-keyvault-secrets-provider`)".to_owned(),
        ),
        "aws" => (
            "secrets-store-csi-driver-provider-aws".to_owned(),
            "`helm install secrets-provider-aws aws-secrets-manager/secrets-store-csi-driver-provider-aws -n kube-system`".to_owned(),
        ),
        "vault" => (
            "vault-csi-provider".to_owned(),
            "the Vault Helm chart with `csi.enabled=true`".to_owned(),
        ),
        other => (format!("csi-secrets-store-provider-{other}"), format!("the {other} provider's manifest or chart")),
    }
}

pub fn missing<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(e) = d
        .events_with("FailedMount")
        .filter(|e| e.message_text().contains("provider not found"))
        .last()
    else {
        return vec![];
    };
    let msg = e.message_text();
    let Some(provider) = crate::messages::quoted_after(msg, "error connecting to provider ")
        .or_else(|| crate::messages::quoted_after(msg, "provider not found: provider "))
    else {
        return vec![];
    };
    let node = model::node_name(pod).unwrap_or("its node");
    let (daemonset, how) = install(provider);
    // A provider pod that runs, on this node or elsewhere.
    let running = a
        .cluster
        .pods
        .iter()
        .filter(|p| {
            p.name().contains(&format!("provider-{provider}")) || p.name().starts_with(&daemonset)
        })
        .find(|p| model::node_name(p) == Some(node));
    let link = Link::from_event(
        Loop::Storage,
        e,
        format!("the Secrets Store CSI driver on {node} finds no provider \"{provider}\""),
    );
    if let Some(p) = running {
        return vec![
            Hypothesis::new(
                60,
                Loop::Storage,
                model::workload_ref(a.cluster, p),
                format!("provider \"{provider}\" runs on {node} ({}) but the Secrets Store CSI driver does not find its socket: the two disagree on the providers directory", p.name()),
            )
            .fix("Give the driver and the provider the same providers directory (the driver's `--providers-dir`, default /var/run/secrets-store-csi-providers or /etc/kubernetes/secrets-store-csi-providers, and the provider's hostPath mount).")
            .link(link),
        ];
    }
    let root = a
        .cluster
        .daemon_sets
        .iter()
        .find(|ds| ds.name() == daemonset)
        .map_or_else(
            || ObjRef::new("DaemonSet", Some("kube-system"), daemonset.clone()),
            |ds| ds.objref(),
        );
    vec![
        Hypothesis::new(
            82,
            Loop::Storage,
            root,
            format!("the SecretProviderClass of {} names provider \"{provider}\", and no pod of that provider ({daemonset}) runs on {node}: the Secrets Store CSI driver was installed without its {provider} provider plugin", pod.name()),
        )
        .fix(format!("Install the {provider} provider plugin beside the driver: {how}; it must run on every node that mounts such volumes (tolerations for tainted pools)."))
        .link(link),
    ]
}
