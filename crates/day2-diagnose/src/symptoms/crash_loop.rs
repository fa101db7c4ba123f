//! `CrashLoopBackOff` and `OOMKilled`.
//!
//! The kubelet's back-off (kubernetes/kubernetes
//! `pkg/kubelet/kuberuntime/kuberuntime_manager.go`): container waiting reason
//! `CrashLoopBackOff`, message `back-off 5m0s restarting failed container=<c> pod=<name>_<ns>(<uid>)`,
//! event `BackOff` `Back-off restarting failed container <c> in pod <pod>` (older:
//! `Back-off restarting failed container`). `OOMKilled` is the runtime's
//! `lastState.terminated.reason` (usually exit code 137); kernel OOM on the
//! node is the kubelet's `SystemOOM` event on the Node.

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, Res};

pub fn detect<'c>(a: &Analysis<'c>, pod: &'c Res<Pod>, events: &[&'c Event]) -> Vec<Detected<'c>> {
    let mut out = Vec::new();
    for cs in model::container_statuses(pod) {
        let waiting = cs.state.as_ref().and_then(|s| s.waiting.as_ref());
        let last = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
        let now = cs.state.as_ref().and_then(|s| s.terminated.as_ref());
        // Caught between two restarts (`Init:Error`, `Error` in `kubectl
        // get pods`): failed again after restarts, the kubelet backing off,
        // the pod not finished.
        let between = now.is_some_and(|t| t.exit_code != 0)
            && cs.restart_count > 0
            && matches!(model::phase(pod), "Pending" | "Running")
            && events.iter().any(|e| {
                e.reason == "BackOff"
                    && e.field_path
                        .as_deref()
                        .is_none_or(|f| f.ends_with(&format!("{{{}}}", cs.name)))
            });
        let crash =
            between || waiting.is_some_and(|w| w.reason.as_deref() == Some("CrashLoopBackOff"));
        let oom = [last, now]
            .iter()
            .flatten()
            .any(|t| t.reason.as_deref() == Some("OOMKilled"));
        if !crash && !oom {
            continue;
        }
        let kind = if oom {
            Kind::OomKilled
        } else {
            Kind::CrashLoopBackOff
        };
        let term = now.or(last);
        let field = format!("{{{}}}", cs.name);
        let mine: Vec<&Event> = events
            .iter()
            .copied()
            .filter(|e| e.field_path.as_deref().is_none_or(|f| f.ends_with(&field)))
            .filter(|e| {
                matches!(
                    &*e.reason,
                    "BackOff" | "Unhealthy" | "Killing" | "Failed" | "Started"
                ) && !e.message_text().contains("pulling image")
            })
            .collect();
        if !crash
            && super::recovered(a, pod, cs, &mine)
            && vpa_over_limit(a, pod, &cs.name).is_none()
        {
            // An OOM days ago on a container that has run Ready since is history.
            continue;
        }
        let mut d = Detected::new(kind, pod.objref(), Subject::Pod(pod));
        d.since = mine
            .iter()
            .find(|e| e.reason == "BackOff" || e.reason == "Unhealthy" || e.reason == "Killing")
            .and_then(|e| e.first)
            .or_else(|| term.and_then(|t| t.finished_at.as_ref().map(|f| f.0)))
            .or_else(|| model::creation(&pod.metadata));
        d.evidence = evidence_of(&mine, 3);
        if let Some(t) = term {
            d.evidence.push(format!(
                "container {} last terminated: reason {}, exit code {}{}",
                cs.name,
                t.reason.as_deref().unwrap_or("?"),
                t.exit_code,
                t.finished_at
                    .as_ref()
                    .map(|f| format!(", finished {}", f.0))
                    .unwrap_or_default()
            ));
        }
        if let Some(w) = waiting.and_then(|w| w.message.as_deref()) {
            d.evidence
                .push(format!("container {} waiting: {w}", cs.name));
        }
        d.events = mine;
        d.detail = Detail::Crash {
            container: cs.name.clone(),
            exit_code: term.map(|t| t.exit_code),
            reason: term.and_then(|t| t.reason.clone()),
            restarts: cs.restart_count,
            finished: term.and_then(|t| t.finished_at.as_ref().map(|f| f.0)),
        };
        out.push(d);
    }
    out
}

/// A VerticalPodAutoscaler of the pod's workload recommends more memory for
/// the container than its limit allows: the OOM kill will come back, so it
/// is not history however long the container has run since. (target,
/// limit) in bytes.
pub(crate) fn vpa_over_limit(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Option<(i64, i64)> {
    let limit = model::spec_container(pod, container)
        .and_then(|c| day2_model::resources::container_limit(c, "memory"))?;
    let workload = model::workload_ref(a.cluster, pod);
    let str_at = |v: &serde_json::Value, path: &[&str]| -> Option<String> {
        Some(
            path.iter()
                .try_fold(v, |v, k| v.get(k))?
                .as_str()?
                .to_owned(),
        )
    };
    a.cluster
        .other
        .iter()
        .filter(|o| {
            o.obj.kind == "VerticalPodAutoscaler" && o.ns_or_default() == pod.ns_or_default()
        })
        .filter(|o| {
            o.obj.data.get("spec").is_some_and(|s| {
                str_at(s, &["targetRef", "kind"]).as_deref() == Some(workload.kind.as_str())
                    && str_at(s, &["targetRef", "name"]).as_deref() == Some(workload.name.as_str())
            })
        })
        .find_map(|o| {
            let recs = o
                .obj
                .data
                .get("status")?
                .get("recommendation")?
                .get("containerRecommendations")?
                .as_array()?;
            let target = recs
                .iter()
                .find(|r| str_at(r, &["containerName"]).as_deref() == Some(container))
                .and_then(|r| str_at(r, &["target", "memory"]))
                .and_then(|m| day2_model::resources::amount("memory", &m))?;
            (target > limit).then_some((target, limit))
        })
}
