//! A ServiceAccount refused because the RoleBinding a Kyverno generate
//! policy makes for its namespace was never created: the policy engine's
//! own refusal, in its failed UpdateRequest, is the cause
//! (kyverno/kyverno#11358). The sibling's request is for another namespace.

mod common;

use common::*;
use day2_model::Loop;

fn cluster(target: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: "kyverno:background-controller"}}, rules: [{{apiGroups: [""], resources: [configmaps], verbs: [create, update]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: "kyverno:background-controller"}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "kyverno:background-controller"}}, subjects: [{{kind: ServiceAccount, name: kyverno-background-controller, namespace: kyverno}}]}}
- {{apiVersion: kyverno.io/v2, kind: UpdateRequest, metadata: {{name: ur-1, namespace: kyverno}}, spec: {{requestType: generate, policy: team-bindings, resource: {{apiVersion: v1, kind: Namespace, name: {target}}}}}, status: {{state: Failed, message: 'failed to generate resource: rolebindings.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:kyverno:kyverno-background-controller" cannot create resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "{target}"'}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: runner-1, namespace: team-a}}, spec: {{nodeName: n1, serviceAccountName: runner, containers: [{{name: runner, image: "runner:1"}}]}}, status: {{phase: Running, containerStatuses: [{{name: runner, ready: false, restartCount: 5, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: 'level=fatal msg="cannot watch build pods" error="pods is forbidden: User \"system:serviceaccount:team-a:runner\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-a\""'}}}}}}]}}}}
"#
    )
}

#[test]
fn a_binding_the_policy_engine_failed_to_generate_is_the_engines_refusal() {
    let out = diagnose(&load(&cluster("team-a")));
    let d = about(&out, "CrashLoopBackOff", "team-a", "runner-1");
    assert_root(
        d,
        Loop::Identity,
        "ClusterRole",
        "kyverno:background-controller",
    );
    assert!(d.fix.contains("rolebindings"), "{}", d.fix);
    let out = diagnose(&load(&cluster("team-b")));
    let d = about(&out, "CrashLoopBackOff", "team-a", "runner-1");
    assert_root(d, Loop::Identity, "ServiceAccount", "runner");
}
