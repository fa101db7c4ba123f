//! NW015: NetworkPolicy peers whose namespaceSelector matches no namespace.

use crate::reads::K;
use crate::util::{NamespaceLabels, sees_whole_cluster};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::netpol::NAME_LABEL;
use day2_model::selector::{
    describe_label_selector, label_selector_is_empty, label_selector_matches,
};
use day2_model::{KindSet, Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "NW015",
    name: "policy-peer-selects-no-namespace",
    loop_: Loop::Network,
    reads: KindSet::of(&[K::NetworkPolicy, K::Namespace, K::Node]),
    severity: Severity::Medium,
    summary: "A NetworkPolicy rule's namespaceSelector matches no namespace: the rule admits nothing",
    law: law::NETWORK,
    rationale: "\"Validate the entire path, not just the endpoint.\" A `from` or `to` peer with a \
`namespaceSelector` admits pods of the namespaces whose labels match it, and nothing else. A selector \
on a label no namespace carries (`name: monitoring`, where namespaces carry only the automatic \
`kubernetes.io/metadata.name`) admits nothing, and the traffic it was written for is dropped while every \
pod stays Ready: Prometheus's scrapes time out, a backend's database calls hang. Nothing in the \
cluster reports it; the policy looks right when read. Empty selectors (every namespace) are not \
judged.",
    fix: Fix::generic(
        "Select the namespace by the label every namespace carries since Kubernetes 1.21: `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}`, or label the namespace with what the policy asks (`kubectl label namespace monitoring name=monitoring`).",
    ),
    sources: "Snapshot/live: when the input holds the whole cluster's namespaces (`default` and `kube-system` among them), a selector that matches none of them admits nothing. When it holds only some, a selector is judged only against the namespace one of its values names (`name: monitoring` and namespace `monitoring` without that label). Manifests: silent (the namespaces the policy means are usually not in the files).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW015/fire.yaml"),
        silent: include_str!("../../fixtures/NW015/silent.yaml"),
    },
    peers: &[],
};

pub struct PolicyPeerSelectsNoNamespace;

impl Rule for PolicyPeerSelectsNoNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        if !sees_whole_cluster(c) || c.namespaces.is_empty() {
            return;
        }
        let labels = NamespaceLabels::new(c);
        let names: Vec<&str> = c.namespaces.iter().map(|n| n.name()).collect();
        // Every namespace is in the input when the system ones are (a
        // capture of the whole cluster, not of one application's).
        let whole = ["default", "kube-system"].iter().all(|n| names.contains(n));
        for np in &c.network_policies {
            if !cx.namespace_included(np.metadata.namespace.as_deref()) {
                continue;
            }
            let Some(spec) = np.spec.as_ref() else {
                continue;
            };
            let ingress = spec
                .ingress
                .iter()
                .flatten()
                .flat_map(|r| r.from.iter().flatten())
                .map(|p| ("from", p));
            let egress = spec
                .egress
                .iter()
                .flatten()
                .flat_map(|r| r.to.iter().flatten())
                .map(|p| ("to", p));
            for (dir, peer) in ingress.chain(egress) {
                let Some(sel) = peer.namespace_selector.as_ref() else {
                    continue;
                };
                if label_selector_is_empty(sel)
                    || names
                        .iter()
                        .any(|n| label_selector_matches(sel, &labels.get(n)))
                {
                    continue;
                }
                // A namespace named by a value of the selector: the label meant.
                let meant = sel
                    .match_labels
                    .iter()
                    .flatten()
                    .find_map(|(_, v)| names.iter().find(|n| **n == v.as_str()));
                // Without every namespace, only the one it names can be judged.
                if !whole && meant.is_none() {
                    continue;
                }
                let hint = meant
                    .map(|n| format!("; namespace {n} exists, select it with `{NAME_LABEL}: {n}`"))
                    .unwrap_or_default();
                let scope = if whole {
                    format!("none of the cluster's {} namespaces", names.len())
                } else {
                    "no namespace of the input".to_owned()
                };
                sink.report_with(
                    Target::of(np),
                    format!(
                        "the `{dir}` peer namespaceSelector {} of NetworkPolicy {} matches {scope}, so that rule admits nothing{hint}",
                        describe_label_selector(sel),
                        np.name(),
                    ),
                    None,
                    meant.map(|n| {
                        format!("Use `namespaceSelector: {{matchLabels: {{{NAME_LABEL}: {n}}}}}`.")
                    }),
                    None,
                );
            }
        }
    }
}
