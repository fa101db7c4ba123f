//! A Job that runs past its deadline because its pod never ends: the work
//! is done (its container exited 0) while a sidecar the mesh injected keeps
//! running, and a pod ends only when all its containers have
//! (istio/istio#11045: `istio-proxy` after a CronJob's export).

use day2_model::{Loop, ObjRef};

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;

/// The pod of `template` (the Job, or the CronJob that makes it) whose
/// work is done while another of its containers still runs.
pub(super) fn lingering(
    a: &Analysis<'_>,
    job: &day2_model::Res<k8s_openapi::api::batch::v1::Job>,
    template: &ObjRef,
) -> Option<Hypothesis> {
    let ns = job.ns_or_default();
    let mut pods = crate::model::job_pods(a.cluster, job);
    if template.kind == "CronJob" {
        pods.extend(a.cluster.pods_of("CronJob", ns, &template.name));
    }
    pods.iter().find_map(|p| {
        let statuses = p.status.as_ref()?.container_statuses.as_ref()?;
        let done = statuses.iter().find(|s| {
            s.state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .is_some_and(|t| t.exit_code == 0)
        })?;
        let running = statuses
            .iter()
            .find(|s| s.state.as_ref().is_some_and(|s| s.running.is_some()))?;
        let finished = done
            .state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
            .map(|t| format!(" at {}", t.0))
            .unwrap_or_default();
        let istio = running.name == "istio-proxy";
        let how = if istio {
            "annotate the pod template `sidecar.istio.io/inject: \"false\"` if the job needs no mesh, or end the proxy when the work is done (`curl -fsS -X POST http://localhost:15020/quitquitquit` as the job's last step)".to_owned()
        } else {
            format!("leave {} out of the Job's pods, or have the job end it when the work is done (a shutdown endpoint, or a shared file it watches)", running.name)
        };
        Some(
            Hypothesis::new(
                84,
                Loop::Compute,
                template.clone(),
                format!(
                    "the pods of {template} do their work but never end: in pod {}, container {} exited 0{finished} while sidecar container {} keeps running, so the Job never completes and runs into its activeDeadlineSeconds ({}s)",
                    p.name(),
                    done.name,
                    running.name,
                    job.spec.as_ref().and_then(|s| s.active_deadline_seconds).unwrap_or(0)
                ),
            )
            .fix(format!(
                "A Job's pod ends only when all its containers have: {how}. On Kubernetes 1.28 and later a native sidecar (an init container with `restartPolicy: Always`) ends with the pod's work."
            )),
        )
    })
}
