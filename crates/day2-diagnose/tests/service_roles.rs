//! A replicated database's follower Service with no followers is empty by
//! design (CrunchyData/postgres-operator#2736: `<cluster>-replicas` of a
//! single-instance cluster); the same Service with a follower that is not
//! Ready, or a selector typo, is an incident.

mod common;

use common::*;

/// A Patroni-style cluster: one pod per `roles` entry (role label, Ready),
/// and a Service selecting `cluster=stars` plus `selector_role`.
fn cluster(roles: &[(&str, bool)], selector_role: &str) -> String {
    let mut items = String::from(
        r#"
- {apiVersion: v1, kind: Node, metadata: {name: w1}, status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, conditions: [{type: Ready, status: "True", lastHeartbeatTime: "2026-06-20T10:00:00Z"}]}}
"#,
    );
    for (i, (role, ready)) in roles.iter().enumerate() {
        let r = if *ready { "True" } else { "False" };
        items.push_str(&format!(
            r#"- apiVersion: v1
  kind: Pod
  metadata: {{name: stars-{i}, namespace: db, labels: {{cluster: stars, postgres-operator.crunchydata.com/role: {role}}}}}
  spec: {{nodeName: w1, containers: [{{name: database, image: "postgres:16", ports: [{{name: postgres, containerPort: 5432}}]}}]}}
  status: {{phase: Running, conditions: [{{type: Ready, status: "{r}"}}], containerStatuses: [{{name: database, ready: {ready}, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}
"#
        ));
    }
    items.push_str(&format!(
        "- {{apiVersion: v1, kind: Service, metadata: {{name: stars-replicas, namespace: db}}, spec: {{selector: {{cluster: stars, postgres-operator.crunchydata.com/role: {selector_role}}}, ports: [{{port: 5432, targetPort: postgres}}]}}}}\n"
    ));
    format!("apiVersion: v1\nkind: List\nitems:{items}")
}

fn flagged(text: &str) -> bool {
    diagnose(&load(text))
        .diagnoses
        .iter()
        .any(|d| d.symptom.kind == "ServiceWithoutReadyEndpoints")
}

#[test]
fn a_replicas_service_of_a_single_instance_cluster_is_idle() {
    assert!(!flagged(&cluster(&[("master", true)], "replica")));
}

#[test]
fn a_follower_not_ready_or_a_typo_is_an_incident() {
    assert!(flagged(&cluster(
        &[("master", true), ("replica", false)],
        "replica"
    )));
    // Not a follower role: a leader Service that nothing holds.
    assert!(flagged(&cluster(&[("replica", true)], "master")));
    // A value that is no role at all.
    assert!(flagged(&cluster(&[("master", true)], "mastr")));
}
