//! Errors from the Kubernetes API and the objects error text names, followed
//! to the object that decides them: each case fires, and a sibling where the
//! cluster holds no such cause does not.

mod common;

use common::*;
use day2_model::Loop;

const NODE: &str = r#"
- {apiVersion: v1, kind: Node, metadata: {name: n1}, spec: {podCIDR: 10.244.1.0/24}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Namespace, metadata: {name: ops}}
"#;

/// A crash-looping pod in `ops` running as `sa`, its last words `message`.
fn crashing(sa: &str, message: &str, extra_spec: &str) -> String {
    format!(
        r#"
- apiVersion: v1
  kind: Pod
  metadata: {{name: ctl-0, namespace: ops, uid: u-ctl}}
  spec:
    serviceAccountName: {sa}
    nodeName: n1
    {extra_spec}
    containers: [{{name: ctl, image: "ctl:1"}}]
  status:
    phase: Running
    containerStatuses:
    - name: ctl
      image: "ctl:1"
      ready: false
      restartCount: 7
      state: {{waiting: {{reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container"}}}}
      lastState: {{terminated: {{exitCode: 1, reason: Error, message: {message:?}}}}}
"#
    )
}

fn cluster(items: &[&str]) -> day2_model::Cluster {
    load(&format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        items.concat().trim_start_matches('\n')
    ))
}

const SA: &str = r#"
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: ctl, namespace: ops}}
"#;

const FORBIDDEN: &str = r#"level=error err="pods is forbidden: User \"system:serviceaccount:ops:ctl\" cannot list resource \"pods\" in API group \"\" at the cluster scope""#;

#[test]
fn forbidden_without_a_binding_names_the_account_and_the_grant() {
    let crb = r#"
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: other}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}, subjects: [{kind: ServiceAccount, name: web, namespace: ops}]}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: ctl, namespace: ops}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}, subjects: [{kind: ServiceAccount, name: ctl}]}
"#;
    let out = diagnose(&cluster(&[NODE, SA, crb, &crashing("ctl", FORBIDDEN, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ServiceAccount", "ctl");
    assert!(
        d.fix.contains("kubectl create clusterrolebinding")
            && d.fix.contains("--serviceaccount=ops:ctl"),
        "{}",
        d.fix
    );
    // The RoleBinding in ops does not reach a cluster-scoped list.
    assert!(
        d.root_cause
            .summary
            .contains("grants only in its own namespace"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn forbidden_with_a_role_lacking_the_rule_names_the_role() {
    let rbac = r#"
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: ctl}, rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: ctl}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ctl}, subjects: [{kind: ServiceAccount, name: ctl, namespace: ops}]}
"#;
    let out = diagnose(&cluster(&[NODE, SA, rbac, &crashing("ctl", FORBIDDEN, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ClusterRole", "ctl");
    assert!(d.fix.contains("verbs [list]"), "{}", d.fix);
}

#[test]
fn a_crash_without_an_api_error_is_not_blamed_on_identity() {
    let out = diagnose(&cluster(&[
        NODE,
        SA,
        &crashing(
            "ctl",
            "panic: invalid configuration: missing field port",
            "",
        ),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
}

const NO_TOKEN: &str =
    "open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory";

#[test]
fn a_missing_token_is_traced_to_the_account_that_disables_automount() {
    let sa = r#"
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: ctl, namespace: ops}, automountServiceAccountToken: false}
- {apiVersion: kyverno.io/v1, kind: ClusterPolicy, metadata: {name: no-automount}, spec: {rules: [{name: r, match: {any: [{resources: {kinds: [ServiceAccount]}}]}, mutate: {patchStrategicMerge: {automountServiceAccountToken: false}}}]}}
"#;
    let out = diagnose(&cluster(&[NODE, sa, &crashing("ctl", NO_TOKEN, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ServiceAccount", "ctl");
    assert!(
        d.root_cause.summary.contains("no-automount"),
        "{}",
        d.root_cause.summary
    );
    assert!(
        d.fix.contains("automountServiceAccountToken: true"),
        "{}",
        d.fix
    );
    // The pod's own field wins over the ServiceAccount's: then the pod template is the cause.
    let out = diagnose(&cluster(&[
        NODE,
        SA,
        &crashing("ctl", NO_TOKEN, "automountServiceAccountToken: false"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "Pod", "ctl-0");
    // client-go's words when it then finds no kubeconfig either
    // (hashicorp/terraform-provider-kubernetes#424: external-dns).
    let empty = r#"time="2019-05-17T00:32:12Z" level=fatal msg="invalid configuration: no configuration has been provided""#;
    let out = diagnose(&cluster(&[
        NODE,
        SA,
        &crashing("ctl", empty, "automountServiceAccountToken: false"),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "Pod", "ctl-0");
    // With the token mounted, the same words are not the automount's.
    let out = diagnose(&cluster(&[NODE, SA, &crashing("ctl", empty, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert!(!d.fix.contains("automountServiceAccountToken"), "{}", d.fix);
}

#[test]
fn a_missing_token_with_automount_on_is_not_blamed_on_automount() {
    let out = diagnose(&cluster(&[NODE, SA, &crashing("ctl", NO_TOKEN, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert!(
        !d.fix.contains("automountServiceAccountToken"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_service_named_in_an_error_is_looked_up_in_every_namespace() {
    let svc = r#"
- {apiVersion: v1, kind: Service, metadata: {name: backend, namespace: ops}, spec: {selector: {app: backend}, ports: [{port: 80}]}}
"#;
    let msg = r#"F0216 main.go:121] no service with name default/backend found: services "backend" not found"#;
    let out = diagnose(&cluster(&[
        NODE,
        SA,
        svc,
        &crashing("ctl", msg, "").replace(
            "containers: [{name: ctl, image: \"ctl:1\"}]",
            "containers: [{name: ctl, image: \"ctl:1\", args: [\"--default-backend-service=default/backend\"]}]",
        ),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Network, "Service", "backend");
    assert!(
        d.fix.contains("--default-backend-service=default/backend")
            && d.fix.contains("ops/backend"),
        "{}",
        d.fix
    );
    // The Service exists where the message looks: not a cause.
    let here = svc.replace("namespace: ops", "namespace: default");
    let out = diagnose(&cluster(&[NODE, SA, &here, &crashing("ctl", msg, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_ne!(d.root_cause.object.kind, "Service", "{}", summary(&out));
}

#[test]
fn a_node_without_a_pod_cidr_is_the_cause_of_flannel_failing() {
    let msg = r#"E0613 main.go:326] Error registering network: failed to acquire lease: node "n1" pod cidr not assigned"#;
    let bare = NODE.replace("spec: {podCIDR: 10.244.1.0/24}, ", "");
    let out = diagnose(&cluster(&[&bare, SA, &crashing("ctl", msg, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(d.fix.contains("allocate-node-cidrs"), "{}", d.fix);
    // The node has its CIDR: the message is stale, the node is not blamed.
    let out = diagnose(&cluster(&[NODE, SA, &crashing("ctl", msg, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_ne!(d.root_cause.object.kind, "Node", "{}", summary(&out));
    // Antrea's words, on a node the range allocator had no block left for
    // (antrea-io/antrea#832): the cluster CIDR is what to widen.
    let antrea = "F0312 07:22:10.853819       1 main.go:58] Error running agent: error initializing agent: CIDR string is empty for node n1";
    let used_up = "- {apiVersion: v1, kind: Event, metadata: {name: n1.c, namespace: default}, involvedObject: {kind: Node, name: n1}, reason: CIDRNotAvailable, type: Normal, count: 1, firstTimestamp: \"2026-03-02T09:00:00Z\", lastTimestamp: \"2026-03-02T09:00:00Z\", source: {component: cidrAllocator}, message: \"Node n1 status is now: CIDRNotAvailable\"}\n";
    let out = diagnose(&cluster(&[
        &bare,
        SA,
        used_up,
        &crashing("ctl", antrea, ""),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Network, "Node", "n1");
    assert!(
        d.fix.contains("--cluster-cidr") && d.fix.contains("--node-cidr-mask-size"),
        "{}",
        d.fix
    );
}

#[test]
fn unauthorized_from_the_api_names_the_account_and_a_fresh_token() {
    let msg = "E0302 reflector.go:138] k8s.io/client-go/informers/factory.go:134: Failed to watch *v1.Pod: failed to list *v1.Pod: Unauthorized";
    let out = diagnose(&cluster(&[NODE, SA, &crashing("ctl", msg, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ServiceAccount", "ctl");
    assert!(d.fix.contains("fresh projected token"), "{}", d.fix);
    // An application's own 401 from another service: not the Kubernetes API.
    let msg = "POST https://payments.example.com/v1/charge: 401 Unauthorized";
    let out = diagnose(&cluster(&[NODE, SA, &crashing("ctl", msg, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_ne!(d.root_cause.loop_, Loop::Identity, "{}", summary(&out));
}

#[test]
fn refused_in_a_watched_namespace_names_the_rolebinding_missing_there() {
    // The operator in `ops` watches `apps`: its RoleBinding in `ops` reaches only `ops`.
    let msg = r#"level=error err="deployments.apps is forbidden: User \"system:serviceaccount:ops:ctl\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"apps\"""#;
    let rbac = r#"
- {apiVersion: v1, kind: Namespace, metadata: {name: apps}}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: ctl-global}, rules: [{apiGroups: [""], resources: [nodes], verbs: [get, list]}]}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: ctl-global}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ctl-global}, subjects: [{kind: ServiceAccount, name: ctl, namespace: ops}]}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: ctl-namespaced}, rules: [{apiGroups: [apps], resources: [deployments], verbs: [get, list, watch]}]}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: ctl, namespace: ops}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ctl-namespaced}, subjects: [{kind: ServiceAccount, name: ctl, namespace: ops}]}
"#;
    let out = diagnose(&cluster(&[NODE, SA, rbac, &crashing("ctl", msg, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "RoleBinding", "ctl");
    assert!(
        d.fix.contains("-n apps --clusterrole=ctl-namespaced"),
        "{}",
        d.fix
    );
    // Without the RoleBinding elsewhere, the cluster-wide role is named as before.
    let rbac = rbac.lines().take(5).collect::<Vec<_>>().join("\n");
    let out = diagnose(&cluster(&[NODE, SA, &rbac, &crashing("ctl", msg, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_ne!(d.root_cause.object.kind, "RoleBinding", "{}", d.fix);
}

#[test]
fn the_kubelets_refusal_is_the_accounts_rbac_on_the_nodes_subresource() {
    // kubernetes-sigs/node-feature-discovery#1098: configz through nodes/proxy.
    let msg = "F0327 15:25:37.787116       1 main.go:86] failed to get kubelet config from configz endpoint: Forbidden (user=system:serviceaccount:ops:ctl, verb=get, resource=nodes, subresource=proxy)";
    let rbac = |resources: &str| {
        format!(
            r#"
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {{name: ctl}}, rules: [{{apiGroups: [""], resources: [{resources}], verbs: [get, list]}}]}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: ctl}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ctl}}, subjects: [{{kind: ServiceAccount, name: ctl, namespace: ops}}]}}
"#
        )
    };
    let out = diagnose(&cluster(&[
        NODE,
        SA,
        &rbac("nodes"),
        &crashing("ctl", msg, ""),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ClusterRole", "ctl");
    assert!(d.fix.contains("nodes/proxy"), "{}", d.fix);
    // The role allows it: the rule is not what is missing.
    let out = diagnose(&cluster(&[
        NODE,
        SA,
        &rbac("nodes, nodes/proxy"),
        &crashing("ctl", msg, ""),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert!(!d.fix.contains("Add the rule"), "{}", d.fix);
}

/// A RoleBinding whose roleRef names a ClusterRole where a Role of that name
/// sits in its namespace (ucloud/redis-cluster-operator#81): the binding
/// grants nothing, whether ClusterRoles were captured or not, whether the
/// log says `forbidden` or nothing at all. With the right kind, no such
/// cause is given.
#[test]
fn a_role_binding_that_names_the_wrong_kind_of_role_is_the_binding() {
    const IN_NS: &str = r#"pods is forbidden: User \"system:serviceaccount:ops:ctl\" cannot list resource \"pods\" in API group \"\" in the namespace \"ops\""#;
    let role = r#"
- {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: ctl, namespace: ops}, rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]}
"#;
    let binding = |kind: &str| {
        format!(
            r#"
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {{name: ctl, namespace: ops}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {kind}, name: ctl}}, subjects: [{{kind: ServiceAccount, name: ctl, namespace: ops}}]}}
"#
        )
    };
    let other_cluster_role = r#"
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: view}, rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]}
"#;
    for (message, cluster_roles) in [
        (IN_NS, ""),
        (IN_NS, other_cluster_role),
        ("exit status 1", other_cluster_role),
    ] {
        let wrong = binding("ClusterRole");
        let out = diagnose(&cluster(&[
            NODE,
            SA,
            role,
            &wrong,
            cluster_roles,
            &crashing("ctl", message, ""),
        ]));
        let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
        assert_root(d, Loop::Identity, "RoleBinding", "ctl");
        assert!(d.fix.contains("kind: Role,"), "{}", d.fix);
    }
    let right = binding("Role");
    let out = diagnose(&cluster(&[
        NODE,
        SA,
        role,
        &right,
        other_cluster_role,
        &crashing("ctl", "exit status 1", ""),
    ]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_ne!(
        d.root_cause.object.kind, "RoleBinding",
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_refused_owner_reference_is_the_accounts_grant_on_the_owners_finalizers() {
    // knative/eventing#1129: the webhook registering its configuration on
    // OpenShift, its ClusterRole without `deployments/finalizers`.
    let refused = r#"{"level":"error","msg":"failed to register webhook","error":"failed to create a webhook: mutatingwebhookconfigurations.admissionregistration.k8s.io \"webhook.eventing.knative.dev\" is forbidden: cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: no RBAC policy matched, <nil>"}"#;
    let out = diagnose(&cluster(&[NODE, SA, &crashing("ctl", refused, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ServiceAccount", "ctl");
    assert!(
        d.fix.contains("finalizers") && d.fix.contains("update"),
        "{}",
        d.fix
    );
    // The same object refused by a quota is not the account's grant.
    let quota = r#"failed to create a webhook: mutatingwebhookconfigurations.admissionregistration.k8s.io \"webhook.eventing.knative.dev\" is forbidden: exceeded quota: objects, requested: count/mutatingwebhookconfigurations=1"#;
    let out = diagnose(&cluster(&[NODE, SA, &crashing("ctl", quota, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert!(!d.fix.contains("finalizers"), "{}", d.fix);
    assert!(
        !d.root_cause.summary.contains("owner reference"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn an_aws_refusal_that_names_no_principal_asks_which_one_the_sdk_used() {
    // distribution/distribution#3275: the registry's S3 driver predates
    // web identity and signs with the node's role, although the account
    // carries its own.
    let sa = r#"
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: ctl, namespace: ops, annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/registry-s3"}}}
"#;
    let unnamed = "panic: AccessDenied: Access Denied\n\tstatus code: 403, request id: 7E3A1C55D2B64F10, host id: x=\n";
    let out = diagnose(&cluster(&[NODE, sa, &crashing("ctl", unnamed, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ServiceAccount", "ctl");
    assert!(
        d.fix.contains("AWS_WEB_IDENTITY_TOKEN_FILE") && d.fix.contains("get-caller-identity"),
        "{}",
        d.fix
    );
    // A refusal naming the account's own role is that role's policy.
    let named = "AccessDenied: User: arn:aws:sts::111122223333:assumed-role/registry-s3/botocore-session-1 is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::images\n\tstatus code: 403";
    let out = diagnose(&cluster(&[NODE, sa, &crashing("ctl", named, "")]));
    let d = about(&out, "CrashLoopBackOff", "ops", "ctl-0");
    assert_root(d, Loop::Identity, "ServiceAccount", "ctl");
    assert!(!d.fix.contains("get-caller-identity"), "{}", d.fix);
    assert!(d.fix.contains("s3:ListBucket"), "{}", d.fix);
}
