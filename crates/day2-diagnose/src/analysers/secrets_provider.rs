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
    // The provider's DaemonSet, under a release's prefix too
    // (`aws-secrets-manager-secrets-store-csi-driver-provider-aws`).
    let installed = a.cluster.daemon_sets.iter().find(|ds| {
        ds.name() == daemonset
            || ds.name().ends_with(&format!("-{daemonset}"))
            || ds.name().contains(&format!("provider-{provider}"))
    });
    let host = a.cluster.node(node);
    if let Some(ds) = installed
        && let Some(n) = host
        && let Some(spec) = ds.spec.template.spec.as_ref()
    {
        let kept: Vec<String> = model::untolerated_taints(spec, n)
            .into_iter()
            .map(model::describe_taint)
            .collect();
        if !kept.is_empty() {
            return vec![
                Hypothesis::new(
                    86,
                    Loop::Storage,
                    ds.objref(),
                    format!("the SecretProviderClass of {} names provider \"{provider}\", whose DaemonSet {} has no pod on {node}: the node's taint {} is not among its tolerations, so the Secrets Store CSI driver there finds no provider", pod.name(), ds.name(), kept.join(", ")),
                )
                .fix(format!("Add tolerations for {} to DaemonSet {}/{} (the chart's `tolerations` value; `operator: Exists` tolerates every taint, as node plugins usually do), so the provider runs on every node that mounts such volumes.", kept.join(", "), ds.ns_or_default(), ds.name()))
                .link(link),
            ];
        }
    }
    let root = installed.map_or_else(
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

/// A SecretProviderClass the driver cannot find in the pod's namespace:
/// `failed to get secretproviderclass <ns>/<name>, error:
/// secretproviderclasses.secrets-store.csi.x-k8s.io "<name>" not found`.
/// The class is namespaced and read from the pod's namespace only; one of
/// that name in another namespace is the mistake
/// (Azure/secrets-store-csi-driver-provider-azure#216).
pub fn class_missing<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    const SAID: &str = "failed to get secretproviderclass ";
    let Some(pod) = d.pod() else { return vec![] };
    let Some(e) = d
        .events_with("FailedMount")
        .filter(|e| e.message_text().contains(SAID) && e.message_text().contains("not found"))
        .last()
    else {
        return vec![];
    };
    let msg = e.message_text();
    let Some(named) = msg[msg.find(SAID).map_or(0, |i| i + SAID.len())..]
        .split([',', ' '])
        .next()
    else {
        return vec![];
    };
    let (ns, name) = named
        .split_once('/')
        .unwrap_or((pod.ns_or_default(), named));
    let link = Link::from_event(
        Loop::Storage,
        e,
        format!("the Secrets Store CSI driver finds no SecretProviderClass {ns}/{name}"),
    );
    let workload = model::workload_ref(a.cluster, pod);
    let elsewhere =
        a.cluster.other.iter().find(|o| {
            o.kind == "SecretProviderClass" && o.name() == name && o.ns_or_default() != ns
        });
    let h = match elsewhere {
        Some(o) => Hypothesis::new(
            86,
            Loop::Storage,
            o.objref(),
            format!("{} mounts SecretProviderClass {name} from namespace {ns}, where it does not exist; a SecretProviderClass of that name is in namespace {}, and the driver reads only the pod's own namespace", pod.name(), o.ns_or_default()),
        )
        .fix(format!("Create SecretProviderClass {name} in namespace {ns} (a copy of {}/{name}), or run {workload} in namespace {}: the class must be in the pod's namespace.", o.ns_or_default(), o.ns_or_default())),
        None => Hypothesis::new(
            80,
            Loop::Storage,
            ObjRef::new("SecretProviderClass", Some(ns), name),
            format!("{} mounts SecretProviderClass {ns}/{name}, which does not exist", pod.name()),
        )
        .fix(format!("Create SecretProviderClass {name} in namespace {ns}, or fix `secretProviderClass` in the CSI volume of {workload}.")),
    };
    vec![h.link(link)]
}
