//! ST004: replicated stateful workloads not spread across zones.

use crate::reads::{self, K};
use crate::util::{
    StatefulSets, database_container, has_persistent_storage, pinned_to_one_zone,
    spreads_across_zones, wname,
};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ST004",
    name: "stateful-without-zone-spread",
    loop_: Loop::Storage,
    reads: reads::TEMPLATES.with(&[K::Node]),
    severity: Severity::Medium,
    summary: "Replicated stateful workload has no zone topology spread (or zone anti-affinity)",
    law: law::STORAGE,
    rationale: "\"topologySpreadConstraints: spread pods across zones before they bind storage.\" With \
`WaitForFirstConsumer`, a replica's disk is created in the zone its pod first lands in — and stays \
there. Without a zone spread the scheduler may place every replica (and so every disk) in one zone: \
one zone outage takes the whole database, and the replicas can never be moved apart afterwards without \
moving data. A `topologySpreadConstraints` entry on `topology.kubernetes.io/zone` (or a zone \
pod anti-affinity) decides it before the disks exist. Stateful means: a StatefulSet with claim \
templates, or any workload with persistent claims or a database image, with two or more \
replicas.\n\n**Differs from peers.** Polaris `topologySpreadConstraint` passes any spread and \
kube-score `pod-topology-spread-constraints` only validates the constraints; a spread over hostnames \
alone fires here.",
    fix: Fix::generic(
        "Add `topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: …}}]` to the pod template (use `ScheduleAnyway` if a zone may be missing), and keep the StorageClass on `WaitForFirstConsumer`.",
    ),
    sources: "Manifests: every replicated stateful workload is judged. Snapshot/live: judged only when the nodes span more than one zone (a single-zone cluster cannot spread); workloads pinned to one zone on purpose are skipped.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST004/fire.yaml"),
        silent: include_str!("../../fixtures/ST004/silent.yaml"),
    },
    peers: &[
        "Polaris topologySpreadConstraint (partial: any spread, not storage-aware)",
        "kube-score pod-topology-spread-constraints (partial: validity only)",
    ],
};

pub struct StatefulWithoutZoneSpread;

impl Rule for StatefulWithoutZoneSpread {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        if !c.nodes.is_empty() && c.zones().len() < 2 {
            return;
        }
        let sets = StatefulSets::new(&c.stateful_sets);
        for w in cx.workloads() {
            if matches!(w.kind, "DaemonSet" | "Job" | "CronJob" | "Pod") {
                continue;
            }
            let Some(n) = w.replicas.filter(|n| *n > 1) else {
                continue;
            };
            let stateful =
                has_persistent_storage(&sets, &w) || database_container(w.spec).is_some();
            if !stateful || spreads_across_zones(w.spec) || pinned_to_one_zone(w.spec) {
                continue;
            }
            sink.report(
                Target::workload(&w),
                format!(
                    "{} keeps state in {n} replicas with no zone spread: the scheduler may put every replica and its disk in one zone",
                    wname(&w)
                ),
                Some(&w.ptr("/topologySpreadConstraints")),
            );
        }
    }
}
