//! NW004: namespaces without an ingress default-deny NetworkPolicy.

use crate::reads;
use crate::util::{Isolation, NamespaceLabels, synthetic_target};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Origin, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "NW004",
    name: "namespace-without-default-deny",
    loop_: Loop::Network,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Namespace has no default-deny ingress NetworkPolicy",
    law: law::NETWORK,
    rationale: "\"NetworkPolicy: default deny — frontend should never reach billing database directly.\" \
Kubernetes allows every pod to connect to every pod until a NetworkPolicy selects it. A default deny — a \
policy with an empty `podSelector` (which selects every pod of the namespace) and `Ingress` in its \
policy types, whose rules admit neither every pod nor every address — makes every new workload closed \
until someone writes down who may reach it. Without it, each workload is open until someone remembers. \
`kube-system`, `kube-public` and `kube-node-lease` are not judged.\n\n**Differs from peers.** \
Kubescape C-0206 passes a namespace with any NetworkPolicy; day2 asks for one that denies ingress to \
every pod of the namespace.",
    fix: Fix::generic(
        "Add to the namespace: `apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny-ingress}, spec: {podSelector: {}, policyTypes: [Ingress]}`, then one allow policy per workload naming its clients (and the ingress controller's namespace for exposed ones). Check that the CNI enforces NetworkPolicy (AWS VPC CNI: enable network policy; AKS: Azure/Cilium/Calico network policy; GKE: Dataplane V2).",
    ),
    sources: "Cluster-level. Snapshot/live: every namespace that runs workloads is judged. Manifests: only namespaces the input declares with a Namespace object (an application's manifests usually deploy into a namespace whose policies are managed elsewhere); otherwise silent, and NW005 judges the workloads instead. Namespaces with Calico or Cilium namespaced policies, and every namespace when the input holds cluster-wide CNI policies (GlobalNetworkPolicy, CiliumClusterwideNetworkPolicy, AdminNetworkPolicy), are not judged: day2 does not evaluate those.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW004/fire.yaml"),
        silent: include_str!("../../fixtures/NW004/silent.yaml"),
    },
    peers: &["Kubescape C-0206 (partial: any NetworkPolicy in the namespace)"],
};

pub struct NamespaceWithoutDefaultDeny;

impl Rule for NamespaceWithoutDefaultDeny {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let index = cx.workload_index();
        let iso = Isolation::new(c, index);
        let ns_labels = NamespaceLabels::new(c);
        let known = ns_labels.names(index.namespaces());
        let origin = Origin::default();
        let namespaces: std::collections::HashMap<&str, _> =
            c.namespaces.iter().map(|n| (n.name(), n)).collect();
        for ns in &iso.judged {
            if !cx.namespace_included(Some(ns)) || iso.has_default_deny(ns, &ns_labels, &known) {
                continue;
            }
            let workloads = index.in_namespace(ns).count();
            let existing = iso.policies_in(ns).len();
            let message = format!(
                "namespace {ns} has no default-deny ingress policy{}: {}",
                if existing > 0 {
                    format!(" ({existing} other NetworkPolicy object(s) select only some pods)")
                } else {
                    String::new()
                },
                if workloads > 0 {
                    format!(
                        "its {workloads} workload(s) accept connections from any pod unless a policy selects them"
                    )
                } else {
                    "any workload deployed there accepts connections from every pod".to_owned()
                }
            );
            let target = match namespaces.get(ns.as_str()) {
                Some(n) => Target::of(*n),
                None => synthetic_target(&origin, "Namespace", None, ns),
            };
            sink.report(target, message, None);
        }
    }
}
