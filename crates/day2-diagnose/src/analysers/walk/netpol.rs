//! NetworkPolicy → the pods it selects and the peers it admits. For a pod
//! that crash-loops or fails a probe: a policy that isolates it for egress
//! while no policy admits any egress (it reaches nothing, not even DNS),
//! and a rule whose peers select nothing (a `namespaceSelector` no
//! namespace carries, a `podSelector` no pod matches) are evidence.

use super::{Anomaly, Walked};
use crate::analysis::Analysis;
use day2_model::netpol::{NamespaceLabels, policy_selects, policy_types};
use day2_model::pod::Pod;
use day2_model::selector::{describe_label_selector, label_selector_matches};
use day2_model::{Loop, Res};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer};

/// What a peer admits when it selects nothing; `None` when it selects
/// something or the input cannot tell.
fn selects_nothing(
    a: &Analysis<'_>,
    ns: &str,
    labels: Option<&NamespaceLabels>,
    names: &[&str],
    peer: &NetworkPolicyPeer,
) -> Option<String> {
    if peer.ip_block.is_some() {
        return None;
    }
    let namespaces: Vec<&str> = match &peer.namespace_selector {
        None => vec![ns],
        Some(sel) => {
            // Only where the input holds the Namespace objects and their labels.
            let labels = labels?;
            let matched: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| label_selector_matches(sel, &labels.get(n)))
                .collect();
            if matched.is_empty() {
                return Some(format!(
                    "namespaceSelector {}, which no namespace carries",
                    describe_label_selector(sel)
                ));
            }
            matched
        }
    };
    let sel = peer.pod_selector.as_ref()?;
    let none = namespaces
        .iter()
        .all(|n| a.cluster.pods_matching(n, sel).is_empty());
    (none
        && namespaces
            .iter()
            .any(|n| a.cluster.pods_in_namespace(n).next().is_some()))
    .then(|| {
        format!(
            "podSelector {} in {}, which matches no pod",
            describe_label_selector(sel),
            namespaces.join(", ")
        )
    })
}

pub(super) fn walk(a: &Analysis<'_>, pod: &Res<Pod>, w: &mut Walked) {
    let ns = pod.ns_or_default();
    let policies: Vec<&Res<NetworkPolicy>> = a
        .cluster
        .network_policies
        .iter()
        .filter(|p| p.ns_or_default() == ns && policy_selects(p, pod.labels()))
        .collect();
    if policies.is_empty() {
        return;
    }
    // Egress isolation with nothing admitted.
    let isolating: Vec<&&Res<NetworkPolicy>> =
        policies.iter().filter(|p| policy_types(p).1).collect();
    let admits_any = isolating.iter().any(|p| {
        p.spec
            .as_ref()
            .and_then(|s| s.egress.as_ref())
            .is_some_and(|e| !e.is_empty())
    });
    if let Some(p) = isolating.first()
        && !admits_any
    {
        w.push(Anomaly {
            score: 35,
            loop_: Loop::Network,
            object: p.objref(),
            what: format!(
                "NetworkPolicy {ns}/{} isolates pod {} for egress and no policy admits any egress: the pod reaches nothing, not even DNS",
                p.name(),
                pod.name()
            ),
            fix: format!(
                "Add an egress rule for what the pod needs (DNS on port 53 to kube-system, its dependencies) to a policy selecting it, or drop Egress from `policyTypes` of {ns}/{}.",
                p.name()
            ),
        });
    }
    // Rules whose peers select nothing. Namespace labels are indexed only
    // when a peer has a namespaceSelector, and only from the Namespace
    // objects: without them the input cannot tell.
    let namespaced = policies.iter().any(|p| {
        p.spec.iter().any(|s| {
            let ingress = s
                .ingress
                .iter()
                .flatten()
                .flat_map(|r| r.from.iter().flatten());
            let egress = s
                .egress
                .iter()
                .flatten()
                .flat_map(|r| r.to.iter().flatten());
            ingress
                .chain(egress)
                .any(|x| x.namespace_selector.is_some())
        })
    });
    let labels =
        (namespaced && !a.cluster.namespaces.is_empty()).then(|| NamespaceLabels::new(a.cluster));
    let names = labels
        .as_ref()
        .map(|l| l.names(std::iter::empty()))
        .unwrap_or_default();
    for p in &policies {
        let Some(spec) = p.spec.as_ref() else {
            continue;
        };
        let ingress = spec
            .ingress
            .iter()
            .flatten()
            .flat_map(|r| r.from.iter().flatten().map(|x| ("ingress from", x)));
        let egress = spec
            .egress
            .iter()
            .flatten()
            .flat_map(|r| r.to.iter().flatten().map(|x| ("egress to", x)));
        for (dir, peer) in ingress.chain(egress) {
            if let Some(what) = selects_nothing(a, ns, labels.as_ref(), &names, peer) {
                w.push(Anomaly {
                    score: 35,
                    loop_: Loop::Network,
                    object: p.objref(),
                    what: format!(
                        "NetworkPolicy {ns}/{}, which selects pod {}, admits {dir} {what}: the rule admits nothing",
                        p.name(),
                        pod.name()
                    ),
                    fix: format!(
                        "Correct the selector in NetworkPolicy {ns}/{} (namespaces carry `kubernetes.io/metadata.name: <name>`; `kubectl get ns --show-labels`, `kubectl get pods -A --show-labels`).",
                        p.name()
                    ),
                });
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::testing::{analysis, cluster, findings, walked};
    use crate::symptoms::{Kind, Subject};

    const BASE: &str = "- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: kube-system}}\n- {apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: shop, uid: u1, labels: {app: api}}, spec: {containers: [{name: c, image: x:1}]}, status: {phase: Running}}\n- {apiVersion: v1, kind: Pod, metadata: {name: db-1, namespace: shop, uid: u2, labels: {app: db}}, spec: {containers: [{name: c, image: x:1}]}, status: {phase: Running}}\n";

    fn policy(spec: &str) -> String {
        format!(
            "- {{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: api, namespace: shop}}, spec: {{podSelector: {{matchLabels: {{app: api}}}}, {spec}}}}}\n"
        )
    }

    fn first(items: &str) -> Option<String> {
        let c = cluster(items);
        let ws = c.workloads();
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let p = c.pods.iter().find(|p| p.name() == "api-1").unwrap();
        walked(&a, Kind::CrashLoopBackOff, Subject::Pod(p))
            .into_iter()
            .next()
            .map(|h| h.root.summary)
    }

    #[test]
    fn a_policy_whose_peers_exist_is_fine() {
        let items = format!(
            "{BASE}{}",
            policy(
                "policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: db}}}, {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]}]"
            )
        );
        assert_eq!(first(&items), None);
    }

    #[test]
    fn egress_isolation_that_admits_nothing() {
        let items = format!("{BASE}{}", policy("policyTypes: [Egress]"));
        assert!(first(&items).unwrap().contains("reaches nothing"));
    }

    #[test]
    fn peers_that_select_nothing() {
        let items = format!(
            "{BASE}{}",
            policy(
                "policyTypes: [Egress], egress: [{to: [{namespaceSelector: {matchLabels: {name: kube-system}}}]}]"
            )
        );
        assert!(
            first(&items)
                .unwrap()
                .contains("which no namespace carries")
        );
        let items = format!(
            "{BASE}{}",
            policy("ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]")
        );
        assert!(first(&items).unwrap().contains("matches no pod"));
    }
}
