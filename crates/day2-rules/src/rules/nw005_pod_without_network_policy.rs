//! NW005: workloads no NetworkPolicy selects for ingress.

use crate::reads;
use crate::util::{Isolation, synthetic_target, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::text::short_list;
use day2_model::{Loop, Severity, Workload};
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    code: "NW005",
    name: "pod-without-network-policy",
    loop_: Loop::Network,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "No NetworkPolicy selects the workload's pods for ingress: every pod in the cluster can connect to it",
    law: law::NETWORK,
    rationale: "A pod is isolated for ingress only when at least one NetworkPolicy of its namespace with \
`Ingress` in its policy types selects it (an empty `podSelector` selects every pod; `matchLabels` and \
`matchExpressions` are ANDed). Until then any pod anywhere in the cluster — a compromised frontend, a \
debugging pod, a job in another team's namespace — can open connections to it. Host-network pods \
(policies do not apply to them), Jobs and CronJobs are not reported.\n\n**Differs from peers.** \
Polaris `missingNetworkPolicy` wants a policy for both ingress and egress; an ingress policy \
satisfies this rule. kube-score `pod-networkpolicy` also reports CronJobs; batch pods accept no \
connections, so they are left out here.",
    fix: Fix::generic(
        "Add a NetworkPolicy selecting the workload's pods that admits only its clients (by pod and namespace labels) on its serving ports — or a namespace-wide default deny plus such allow policies.",
    ),
    sources: "Manifests: judged from the policies in the input; a namespace of the input with no policy at all and no Namespace object (NW004 cannot judge it) is reported once, naming its workloads. Snapshot/live: namespaces without any NetworkPolicy are reported once by NW004 instead; in namespaces that have some policies, the workloads none of them selects are reported here. Namespaces with Calico/Cilium policies (or any cluster-wide CNI policy in the input) are not judged.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW005/fire.yaml"),
        silent: include_str!("../../fixtures/NW005/silent.yaml"),
    },
    peers: &[
        "kube-score pod-networkpolicy",
        "KubeLinter non-isolated-pod",
        "Polaris missingNetworkPolicy",
        "Checkov CKV2_K8S_6",
        "Kubescape C-0260",
    ],
};

pub struct PodWithoutNetworkPolicy;

impl Rule for PodWithoutNetworkPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let index = cx.workload_index();
        let iso = Isolation::new(cx.cluster, index);
        // Namespaces without any policy in the input, reported once each.
        let mut bare: BTreeMap<&str, Vec<&Workload<'_>>> = BTreeMap::new();
        for w in &index.all {
            let ns = w.namespace();
            if matches!(w.kind, "Job" | "CronJob")
                || w.spec.host_network == Some(true)
                || iso.opaque(ns)
            {
                continue;
            }
            let none_in_ns = iso.policies_in(ns).is_empty();
            if none_in_ns && iso.is_judged(ns) {
                continue; // NW004 reports the namespace once
            }
            if none_in_ns {
                bare.entry(ns).or_default().push(w);
                continue;
            }
            if !iso.ingress_policies_for(ns, w.pod_labels()).is_empty() {
                continue;
            }
            sink.report(
                Target::workload(w),
                format!(
                    "no NetworkPolicy of namespace {ns} selects the pods of {} for ingress: every pod in the cluster can connect to them",
                    wname(w)
                ),
                None,
            );
        }
        for (ns, workloads) in bare {
            let [first, ..] = workloads.as_slice() else {
                continue;
            };
            let target = if let [only] = workloads.as_slice() {
                Target::workload(only)
            } else {
                synthetic_target(first.origin, "Namespace", None, ns)
            };
            let names: Vec<String> = workloads.iter().map(|w| wname(w)).collect();
            sink.report(
                target,
                format!(
                    "no NetworkPolicy in the input for namespace {ns} selects {} for ingress: every pod in the cluster can connect to them",
                    if names.len() == 1 {
                        format!("the pods of {}", names[0])
                    } else {
                        format!("any of its {} workloads ({})", names.len(), short_list(&names, 5))
                    }
                ),
                None,
            );
        }
    }
}
