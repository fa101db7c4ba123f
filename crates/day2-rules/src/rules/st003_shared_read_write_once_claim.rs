//! ST003: ReadWriteOnce claims mounted by pods that can land on different nodes.

use crate::reads::{self, K};
use crate::util::{
    claim_volumes, hpas_by_target, ios, max_replicas, scaled, single_node_modes, wname,
};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub static META: RuleMeta = RuleMeta {
    code: "ST003",
    name: "shared-read-write-once-claim",
    loop_: Loop::Storage,
    reads: reads::TEMPLATES.with(&[K::HorizontalPodAutoscaler, K::PersistentVolumeClaim]),
    severity: Severity::High,
    summary: "A ReadWriteOnce claim is mounted by more than one replica, by a DaemonSet, or by a Deployment whose rolling update surges",
    law: law::STORAGE,
    rationale: "A ReadWriteOnce volume attaches to one node at a time (ReadWriteOncePod to one pod). A second \
replica scheduled elsewhere — or the surge pod a RollingUpdate starts before stopping the old one \
(`maxSurge` defaults to 25%, which rounds up to one pod) — waits in ContainerCreating with `Multi-Attach \
error for volume … Volume is already used by pod(s)`; the rollout never finishes and the autoscaler may \
add nodes for a pod that cannot start. Data that belongs to one replica belongs in a StatefulSet's \
`volumeClaimTemplates`; a single-replica Deployment with such a claim needs `strategy: Recreate` (or \
`maxSurge: 0`).",
    fix: Fix::generic(
        "Give each replica its own claim (a StatefulSet with `volumeClaimTemplates`), or use a ReadWriteMany class (EFS, Azure Files, Filestore) for shared data; for a single-replica Deployment set `strategy: {type: Recreate}`.",
    ),
    sources: "Needs the claim: judged when the PersistentVolumeClaim is in the input (its access modes decide). Replica counts come from the workload and its HPA's `maxReplicas`.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST003/fire.yaml"),
        silent: include_str!("../../fixtures/ST003/silent.yaml"),
    },
    peers: &[],
};

pub struct SharedReadWriteOnceClaim;

impl Rule for SharedReadWriteOnceClaim {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let hpas = hpas_by_target(c);
        let deployments = crate::util::ByName::new(&c.deployments);
        for w in cx.workloads() {
            if matches!(w.kind, "Job" | "CronJob" | "Pod") {
                continue;
            }
            let replicas = max_replicas(&w, &hpas);
            let surge = if w.kind == "Deployment" {
                deployments.get(w.namespace(), w.name()).and_then(|d| {
                    let st = d.spec.strategy.as_ref();
                    if st.and_then(|s| s.type_.as_deref()) == Some("Recreate") {
                        return None;
                    }
                    let ms = st
                        .and_then(|s| s.rolling_update.as_ref())
                        .and_then(|r| r.max_surge.clone())
                        .unwrap_or(IntOrString::String("25%".into()));
                    let n = scaled(&ms, replicas.unwrap_or(1).max(1), true)?;
                    (n > 0).then(|| ios(&ms))
                })
            } else {
                None
            };
            for (vi, vol, claim) in claim_volumes(w.spec) {
                let Some(pvc) = c.pvc(w.namespace(), claim) else {
                    continue;
                };
                let Some(mode) =
                    single_node_modes(pvc.spec.as_ref().and_then(|s| s.access_modes.as_ref()))
                else {
                    continue;
                };
                let why = if w.kind == "DaemonSet" {
                    "a DaemonSet runs a pod on every node".to_owned()
                } else if let Some(n) = replicas.filter(|n| *n > 1) {
                    format!("{} runs up to {n} replicas", wname(&w))
                } else if let Some(ms) = &surge {
                    format!(
                        "its RollingUpdate (maxSurge {ms}) starts the new pod before the old one stops"
                    )
                } else {
                    continue;
                };
                sink.report(
                    Target::workload(&w),
                    format!(
                        "volume `{vol}` mounts {mode} claim `{claim}` but {why}: the extra pod stays in ContainerCreating with a Multi-Attach error"
                    ),
                    Some(&w.ptr(&format!("/volumes/{vi}"))),
                );
            }
        }
    }
}
