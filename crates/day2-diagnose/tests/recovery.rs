//! Trouble that is over is not an incident: a container that has run Ready
//! for a while since its last OOM or failing probe, by the input's own clock
//! (the nodes' heartbeats, the newest event, or the capture time), gets no
//! diagnosis; the same container within the last half hour does. An init
//! container that ran to its end has no probe to fail
//! (linkerd/linkerd2#2798: readiness 503s during a fresh install).

mod common;

use common::*;
use day2_model::Loop;

/// A node whose kubelet last reported at `heartbeat`, and one replica whose
/// container was OOMKilled at 03:40 on 27 February and has run Ready since.
fn old_oom(heartbeat: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "{heartbeat}"}}]}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: report-api-5d8f7c9b5-9a7af, namespace: reports, uid: u-r, labels: {{app: report-api, pod-template-hash: 5d8f7c9b5}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: report-api-5d8f7c9b5, uid: r, controller: true}}]}}
  spec: {{nodeName: w1, containers: [{{name: report-api, image: "reports/api:2.3.1", resources: {{requests: {{memory: 128Mi}}, limits: {{memory: 256Mi}}}}}}]}}
  status:
    phase: Running
    conditions: [{{type: Ready, status: "True"}}]
    containerStatuses:
    - {{name: report-api, ready: true, restartCount: 2, image: "reports/api:2.3.1", imageID: "", state: {{running: {{startedAt: "2026-02-27T03:40:02Z"}}}}, lastState: {{terminated: {{reason: OOMKilled, exitCode: 137, startedAt: "2026-02-27T03:10:00Z", finishedAt: "2026-02-27T03:40:00Z"}}}}}}
"#
    )
}

#[test]
fn an_oom_days_before_the_nodes_last_heartbeat_on_a_container_ready_since_is_history() {
    let out = diagnose(&load(&old_oom("2026-03-02T14:30:00Z")));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

#[test]
fn an_oom_ten_minutes_before_the_heartbeat_is_still_an_incident() {
    let out = diagnose(&load(&old_oom("2026-02-27T03:50:00Z")));
    let d = about(&out, "OOMKilled", "reports", "report-api-5d8f7c9b5-9a7af");
    assert_root(d, Loop::Compute, "Deployment", "report-api");
}

#[test]
fn without_any_clock_in_the_input_an_old_oom_is_still_reported() {
    // No heartbeat, no event, no capture time: the age of the OOM is unknown.
    let text = old_oom("2026-03-02T14:30:00Z")
        .replace(r#", lastHeartbeatTime: "2026-03-02T14:30:00Z""#, "");
    let out = diagnose(&load(&text));
    about(&out, "OOMKilled", "reports", "report-api-5d8f7c9b5-9a7af");
}

#[test]
fn a_capture_time_decides_over_the_heartbeats() {
    let mut cluster = load(&old_oom("2026-03-02T14:30:00Z"));
    cluster.captured_at = Some("2026-02-27T03:45:00Z".parse().unwrap());
    let out = diagnose(&cluster);
    about(&out, "OOMKilled", "reports", "report-api-5d8f7c9b5-9a7af");
}

#[test]
fn a_container_in_back_off_is_an_incident_however_old_its_last_oom() {
    let text = old_oom("2026-03-02T14:30:00Z")
        .replace(
            r#"ready: true, restartCount: 2"#,
            r#"ready: false, restartCount: 2"#,
        )
        .replace(
            r#"state: {running: {startedAt: "2026-02-27T03:40:02Z"}}"#,
            r#"state: {waiting: {reason: CrashLoopBackOff}}"#,
        );
    let out = diagnose(&load(&text));
    about(&out, "OOMKilled", "reports", "report-api-5d8f7c9b5-9a7af");
}

/// Three nodes that rebooted at 23:03 and report Ready at `heartbeat`; the
/// calico-node readiness probe failed until 23:06:07 and the pod is Ready
/// since (the shape of projectcalico/calico#7556 after a planned reboot).
fn probe_after_reboot(heartbeat: &str, ready: bool) -> String {
    let nodes: String = ["n1", "n2", "n3"]
        .iter()
        .map(|n| format!(
            "- {{apiVersion: v1, kind: Node, metadata: {{name: {n}}}, status: {{allocatable: {{cpu: \"4\", memory: 16Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\", lastHeartbeatTime: \"{heartbeat}\"}}]}}}}\n"
        ))
        .collect();
    format!(
        r#"
apiVersion: v1
kind: List
items:
{nodes}- apiVersion: v1
  kind: Pod
  metadata: {{name: calico-node-5rrf9, namespace: calico-system, uid: u-c, labels: {{k8s-app: calico-node}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: calico-node, uid: d, controller: true}}]}}
  spec: {{nodeName: n1, containers: [{{name: calico-node, image: "calico/node:v3.27.0", readinessProbe: {{exec: {{command: [/bin/calico-node, -bird-ready, -felix-ready]}}, periodSeconds: 30, timeoutSeconds: 10}}}}]}}
  status:
    phase: Running
    conditions: [{{type: Ready, status: "{ready_s}"}}]
    containerStatuses:
    - {{name: calico-node, ready: {ready}, restartCount: 1, image: "calico/node:v3.27.0", imageID: "", state: {{running: {{startedAt: "2024-01-10T23:05:00Z"}}}}, lastState: {{terminated: {{reason: Unknown, exitCode: 255, startedAt: "2023-12-01T00:01:00Z", finishedAt: "2024-01-10T23:02:30Z"}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: c.1, namespace: calico-system}}, involvedObject: {{kind: Pod, namespace: calico-system, name: calico-node-5rrf9, uid: u-c, fieldPath: "spec.containers{{calico-node}}"}}, reason: Unhealthy, message: "Readiness probe failed: calico/node is not ready: BIRD is not ready: BGP not established with 10.0.0.12", type: Warning, source: {{component: kubelet}}, firstTimestamp: "2024-01-10T23:05:07Z", lastTimestamp: "2024-01-10T23:06:07Z", count: 3}}
"#,
        ready_s = if ready { "True" } else { "False" },
    )
}

#[test]
fn probe_failures_that_stopped_forty_minutes_before_the_heartbeats_are_history() {
    let out = diagnose(&load(&probe_after_reboot("2024-01-10T23:48:00Z", true)));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

#[test]
fn probe_failures_on_a_container_not_ready_now_are_an_incident_whatever_the_clock() {
    let out = diagnose(&load(&probe_after_reboot("2024-01-10T23:48:00Z", false)));
    about(&out, "ProbeFailing", "calico-system", "calico-node-5rrf9");
}

#[test]
fn probe_failures_five_minutes_before_the_heartbeats_are_an_incident() {
    let out = diagnose(&load(&probe_after_reboot("2024-01-10T23:11:00Z", true)));
    about(&out, "ProbeFailing", "calico-system", "calico-node-5rrf9");
}

/// Node `w1`, last heard from at 14:30, whose DiskPressure went `pressure`
/// at `cleared`; a ReplicaSet pod evicted from it for that pressure, and its
/// replacement on `w2`, Ready as `ready`.
fn evicted_for_disk(pressure: &str, cleared: &str, ready: &str) -> String {
    let owner = "ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-5d8f7c9b5, uid: r, controller: true}]";
    format!(
        r#"
apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2026-03-02T14:30:00Z"}}, {{type: DiskPressure, status: "{pressure}", lastHeartbeatTime: "2026-03-02T14:30:00Z", lastTransitionTime: "{cleared}"}}]}}}}
- {{apiVersion: v1, kind: Node, metadata: {{name: w2}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2026-03-02T14:30:00Z"}}, {{type: DiskPressure, status: "False", lastTransitionTime: "2026-02-01T00:00:00Z"}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: api, namespace: app, uid: d}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: api}}}}, template: {{metadata: {{labels: {{app: api}}}}, spec: {{containers: [{{name: api, image: "api:1"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: api-5d8f7c9b5, namespace: app, uid: r, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: api, uid: d, controller: true}}]}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: api}}}}, template: {{metadata: {{labels: {{app: api}}}}, spec: {{containers: [{{name: api, image: "api:1"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: api-5d8f7c9b5-old, namespace: app, uid: u-o, labels: {{app: api}}, {owner}}}, spec: {{nodeName: w1, containers: [{{name: api, image: "api:1"}}]}}, status: {{phase: Failed, reason: Evicted, message: "The node was low on resource: ephemeral-storage. "}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: api-5d8f7c9b5-new, namespace: app, uid: u-n, labels: {{app: api}}, {owner}}}, spec: {{nodeName: w2, containers: [{{name: api, image: "api:1"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "{ready}"}}], containerStatuses: [{{name: api, ready: {ready_bool}, restartCount: 0, image: "api:1", imageID: "", state: {{running: {{startedAt: "2026-03-01T10:00:00Z"}}}}}}]}}}}
"#,
        ready_bool = ready == "True"
    )
}

#[test]
fn an_eviction_whose_pressure_cleared_hours_ago_and_whose_pod_was_replaced_is_history() {
    let out = diagnose(&load(&evicted_for_disk(
        "False",
        "2026-03-01T09:55:00Z",
        "True",
    )));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

#[test]
fn an_eviction_is_an_incident_while_the_pressure_lasts_or_just_cleared_or_nothing_replaced_it() {
    for (pressure, cleared, ready) in [
        ("True", "2026-03-01T09:55:00Z", "True"),
        ("False", "2026-03-02T14:20:00Z", "True"),
        ("False", "2026-03-01T09:55:00Z", "False"),
    ] {
        let out = diagnose(&load(&evicted_for_disk(pressure, cleared, ready)));
        assert!(
            out.diagnoses.iter().any(|d| d.symptom.kind == "Evicted"),
            "{pressure} {cleared} {ready}: {}",
            summary(&out)
        );
    }
}

#[test]
fn an_eviction_after_the_node_last_changed_its_pressure_condition_is_an_incident() {
    // The kubelet evicted at 14:00, yet the condition reads False since
    // 09:55 the day before: the node never reported this pressure ending.
    let text = evicted_for_disk("False", "2026-03-01T09:55:00Z", "True").replace(
        "status: {phase: Failed, reason: Evicted,",
        "status: {containerStatuses: [{name: api, ready: false, restartCount: 0, image: \"api:1\", imageID: \"\", state: {terminated: {reason: Evicted, exitCode: 137, finishedAt: \"2026-03-02T14:00:00Z\"}}}], phase: Failed, reason: Evicted,",
    );
    let out = diagnose(&load(&text));
    assert!(
        out.diagnoses.iter().any(|d| d.symptom.kind == "Evicted"),
        "{}",
        summary(&out)
    );
}

#[test]
fn an_unrecorded_one_off_eviction_older_than_its_event_is_a_leftover_unless_it_repeats() {
    // Evicted at 12:00, the condition False since the day before, the
    // replacement Ready, the input at 14:30: the Evicted event has expired
    // (the API server keeps events an hour) and the Failed pod is left over.
    let at = |t: &str| {
        evicted_for_disk("False", "2026-03-01T09:55:00Z", "True").replace(
            "status: {phase: Failed, reason: Evicted,",
            &format!("status: {{containerStatuses: [{{name: api, ready: false, restartCount: 0, image: \"api:1\", imageID: \"\", state: {{terminated: {{reason: Evicted, exitCode: 137, finishedAt: \"{t}\"}}}}}}], phase: Failed, reason: Evicted,"),
        )
    };
    let out = diagnose(&load(&at("2026-03-02T12:00:00Z")));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    // The same controller's pods evicted again: a pressure that returns.
    let once = at("2026-03-02T12:00:00Z");
    let second: String = once
        .lines()
        .filter(|l| l.contains("api-5d8f7c9b5-old"))
        .map(|l| {
            l.replace("api-5d8f7c9b5-old", "api-5d8f7c9b5-old2")
                .replace("u-o", "u-o2")
        })
        .collect();
    let twice = format!("{once}{second}\n");
    let out = diagnose(&load(&twice));
    assert!(
        out.diagnoses.iter().any(|d| d.symptom.kind == "Evicted"),
        "{}",
        summary(&out)
    );
}

/// A CronJob's run that failed on 14 June, and the runs after it; `later`
/// says whether the later runs completed.
fn cron_runs(later_complete: bool) -> String {
    let later = if later_complete {
        r#"conditions: [{type: Complete, status: "True", lastTransitionTime: "2026-06-28T20:31:00Z"}], succeeded: 1"#
    } else {
        r#"conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded, lastTransitionTime: "2026-06-28T20:35:00Z"}], failed: 3"#
    };
    format!(
        r#"
apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{allocatable: {{cpu: "4", memory: 16Gi, pods: "110"}}, conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2026-06-29T17:05:00Z"}}]}}}}
- {{apiVersion: batch/v1, kind: CronJob, metadata: {{name: curator, namespace: logging, uid: cj}}, spec: {{schedule: "30 20 * * *", jobTemplate: {{spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: curator, image: "curator:5.8"}}]}}}}}}}}}}}}
- apiVersion: batch/v1
  kind: Job
  metadata: {{name: curator-1592150400, namespace: logging, uid: j1, ownerReferences: [{{apiVersion: batch/v1, kind: CronJob, name: curator, uid: cj, controller: true}}]}}
  spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: curator, image: "curator:5.8"}}]}}}}}}
  status: {{startTime: "2026-06-14T17:30:00Z", failed: 3, conditions: [{{type: Failed, status: "True", reason: BackoffLimitExceeded, message: "Job has reached the specified backoff limit", lastTransitionTime: "2026-06-14T17:35:00Z"}}]}}
- apiVersion: batch/v1
  kind: Job
  metadata: {{name: curator-1593363600, namespace: logging, uid: j2, ownerReferences: [{{apiVersion: batch/v1, kind: CronJob, name: curator, uid: cj, controller: true}}]}}
  spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: curator, image: "curator:5.8"}}]}}}}}}
  status: {{startTime: "2026-06-28T20:30:00Z", {later}}}
"#
    )
}

#[test]
fn a_cronjob_run_that_failed_before_a_later_run_completed_is_history() {
    let out = diagnose(&load(&cron_runs(true)));
    assert!(
        out.diagnoses.is_empty(),
        "the schedule recovered: {}",
        summary(&out)
    );
}

#[test]
fn a_cronjob_whose_later_runs_fail_too_is_still_an_incident() {
    let out = diagnose(&load(&cron_runs(false)));
    let s = summary(&out);
    assert!(s.contains("curator-1592150400"), "{s}");
    assert!(s.contains("curator-1593363600"), "{s}");
}

/// A meshed pod whose `linkerd-init` completed, its readiness failed three
/// times while the control plane came up (events without a field path),
/// then `ready` for its containers.
fn meshed(ready: bool) -> String {
    let r = if ready { "true" } else { "false" };
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True", lastHeartbeatTime: "2019-05-06T10:14:00Z"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: grafana-1, namespace: linkerd, uid: p1}}, spec: {{nodeName: w1, initContainers: [{{name: linkerd-init, image: "gcr.io/linkerd-io/proxy-init:v1.0.0"}}], containers: [{{name: grafana, image: "grafana:6", readinessProbe: {{httpGet: {{path: /api/health, port: 3000}}}}}}, {{name: linkerd-proxy, image: "gcr.io/linkerd-io/proxy:stable-2.3.0", readinessProbe: {{httpGet: {{path: /ready, port: 4191}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "{r}"}}], initContainerStatuses: [{{name: linkerd-init, ready: false, restartCount: 0, image: "", imageID: "", state: {{terminated: {{exitCode: 0, reason: Completed, finishedAt: "2019-05-06T10:12:29Z"}}}}}}], containerStatuses: [{{name: grafana, ready: {r}, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2019-05-06T10:12:31Z"}}}}}}, {{name: linkerd-proxy, ready: {r}, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2019-05-06T10:12:32Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: linkerd}}, involvedObject: {{kind: Pod, namespace: linkerd, name: grafana-1, uid: p1}}, reason: Unhealthy, type: Warning, count: 3, firstTimestamp: "2019-05-06T10:12:44Z", lastTimestamp: "2019-05-06T10:13:24Z", source: {{component: kubelet, host: w1}}, message: "Readiness probe failed: HTTP probe failed with statuscode: 503"}}
"#
    )
}

#[test]
fn a_completed_init_container_has_no_probe_to_fail() {
    let out = diagnose(&load(&meshed(true)));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    // Its containers still not ready: the readiness failures are the symptom.
    let out = diagnose(&load(&meshed(false)));
    let d = about(&out, "ProbeFailing", "linkerd", "grafana-1");
    assert!(
        !d.root_cause.summary.contains("linkerd-init"),
        "{}",
        summary(&out)
    );
}
