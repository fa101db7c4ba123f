//! Causes the twenty-sixth set's round follows: a PodSecurityPolicy grant
//! lost in an upgrade, which keeps the CNI off a new node
//! (aws/amazon-vpc-cni-k8s#695); a load balancer controller started without
//! a cluster name (kubernetes-sigs/aws-load-balancer-controller#3051); a
//! container killed on a rhythm (lsst-it/k8s-cookbook#1308); CoreDNS that
//! never syncs with the API server (kubernetes/kubernetes#86762); a load
//! balancer controller named for another cluster
//! (kubernetes-sigs/aws-load-balancer-controller#1693); and an AKS
//! service principal whose password expired (Azure/AKS#339).

mod common;

use common::*;
use day2_model::Loop;

const NODE_READY: &str = r#"- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {conditions: [{type: Ready, status: "True", lastHeartbeatTime: "2026-06-20T10:00:00Z"}]}}
"#;

fn psp_cluster(binding: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: ip-10-0-3-158.ec2.internal}}, status: {{conditions: [{{type: Ready, status: "False", reason: KubeletNotReady, message: "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized"}}]}}}}
- {{apiVersion: policy/v1beta1, kind: PodSecurityPolicy, metadata: {{name: eks.privileged}}, spec: {{privileged: true, hostNetwork: true}}}}
- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: aws-node, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{k8s-app: aws-node}}}}, template: {{metadata: {{labels: {{k8s-app: aws-node}}}}, spec: {{serviceAccountName: aws-node, hostNetwork: true, containers: [{{name: aws-node, image: "amazon-k8s-cni:v1.5.3", securityContext: {{privileged: true}}}}]}}}}}}, status: {{desiredNumberScheduled: 1, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: aws-node.1, namespace: kube-system}}, involvedObject: {{kind: DaemonSet, name: aws-node, namespace: kube-system}}, reason: FailedCreate, type: Warning, count: 40, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T10:00:00Z", message: 'Error creating: pods "aws-node-" is forbidden: unable to validate against any pod security policy: []'}}
{binding}"#
    )
}

#[test]
fn no_policy_to_try_is_the_grant_and_it_keeps_the_cni_off_the_node() {
    let out = diagnose(&load(&psp_cluster("")));
    let d = about(&out, "PodCreateFailed", "kube-system", "aws-node");
    assert_root(d, Loop::Identity, "PodSecurityPolicy", "eks.privileged");
    assert!(
        d.fix.contains("eks:podsecuritypolicy:authenticated"),
        "{}",
        d.fix
    );
    let n = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.kind == "NodeNotReady")
        .unwrap_or_else(|| panic!("no NodeNotReady: {}", summary(&out)));
    assert_root(n, Loop::Identity, "PodSecurityPolicy", "eks.privileged");
    // The grant in place: the refusal is not explained by a missing one.
    let bound = r#"- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: "eks:podsecuritypolicy:privileged"}, rules: [{apiGroups: [policy], resources: [podsecuritypolicies], resourceNames: [eks.privileged], verbs: [use]}]}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: "eks:podsecuritypolicy:authenticated"}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "eks:podsecuritypolicy:privileged"}, subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]}
"#;
    let out = diagnose(&load(&psp_cluster(bound)));
    let d = about(&out, "PodCreateFailed", "kube-system", "aws-node");
    let said = &d.root_cause.summary;
    assert!(said.contains("bound to a role that grants"), "{said}");
}

fn alb(args: &str, message: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: {{name: alb}}, spec: {{controller: ingress.k8s.aws/alb}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: aws-load-balancer-controller-1, namespace: kube-system}}, spec: {{nodeName: n1, containers: [{{name: c, image: "aws-load-balancer-controller:v2.4.6", args: [{args}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: c, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: app-1, namespace: default, labels: {{app: app}}}}, spec: {{nodeName: n1, containers: [{{name: c, image: "app:1", ports: [{{containerPort: 80}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: c, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: app, namespace: default}}, spec: {{type: NodePort, selector: {{app: app}}, ports: [{{port: 80}}]}}}}
- {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: app, namespace: default, creationTimestamp: "2026-06-20T09:00:00Z"}}, spec: {{ingressClassName: alb, rules: [{{http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: app, port: {{number: 80}}}}}}}}]}}}}]}}, status: {{loadBalancer: {{}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: app.1, namespace: default}}, involvedObject: {{kind: Ingress, name: app, namespace: default}}, reason: FailedBuildModel, type: Warning, count: 9, firstTimestamp: "2026-06-20T09:01:00Z", lastTimestamp: "2026-06-20T09:50:00Z", message: "{message}"}}
"#
    )
}

#[test]
fn an_ingress_without_its_load_balancer_is_the_controllers_setting() {
    let subnets = "Failed build model due to couldn't auto-discover subnets: unable to discover at least one subnet";
    let out = diagnose(&load(&alb(
        "\"--cluster-name=\", \"--ingress-class=alb\"",
        subnets,
    )));
    let d = about(&out, "LoadBalancerPending", "default", "app");
    assert_root(d, Loop::Network, "Pod", "aws-load-balancer-controller-1");
    assert!(d.fix.contains("clusterName"), "{}", d.fix);
    // Named, the cluster's subnets are what the controller cannot find.
    let out = diagnose(&load(&alb(
        "\"--cluster-name=prod\", \"--ingress-class=alb\"",
        subnets,
    )));
    let d = about(&out, "LoadBalancerPending", "default", "app");
    assert_root(d, Loop::Network, "Ingress", "app");
    assert!(d.fix.contains("kubernetes.io/role/elb"), "{}", d.fix);
}

/// aws-load-balancer-controller#1693: the controller's `--cluster-name` is
/// not the cluster's (eksctl labels its nodes with the real one), so it
/// finds no subnet tagged for it; the Ingress's HTTPS redirect
/// (`ssl-redirect`, port `use-annotation`) is an action, not a Service.
#[test]
fn an_alb_controller_named_for_another_cluster_finds_no_subnet() {
    let subnets = "Failed build model due to cannot find at least two subnets from different Availability Zones, discovered subnetIDs: []";
    let text = alb("\"--cluster-name=prod\", \"--ingress-class=alb\"", subnets)
        .replace(
            "metadata: {name: n1}",
            "metadata: {name: n1, labels: {alpha.eksctl.io/cluster-name: eks-prod}}",
        )
        .replace(
            "metadata: {name: app, namespace: default, creationTimestamp",
            "metadata: {name: app, namespace: default, annotations: {alb.ingress.kubernetes.io/actions.ssl-redirect: '{\"Type\": \"redirect\"}'}, creationTimestamp",
        )
        .replace(
            "paths: [{path: /, pathType: Prefix,",
            "paths: [{path: /, pathType: Prefix, backend: {service: {name: ssl-redirect, port: {name: use-annotation}}}}, {path: /, pathType: Prefix,",
        );
    let out = diagnose(&load(&text));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| d.symptom.kind != "IngressBackendMissing"),
        "{}",
        summary(&out)
    );
    let d = about(&out, "LoadBalancerPending", "default", "app");
    assert_root(d, Loop::Network, "Pod", "aws-load-balancer-controller-1");
    assert!(d.fix.contains("--cluster-name=eks-prod"), "{}", d.fix);
    // The nodes in the controller's cluster: the subnets' tags, as before.
    let out = diagnose(&load(
        &text.replace("cluster-name: eks-prod", "cluster-name: prod"),
    ));
    let d = about(&out, "LoadBalancerPending", "default", "app");
    assert_root(d, Loop::Network, "Ingress", "app");
    // Without its action annotation, `ssl-redirect` is a missing Service.
    let out = diagnose(&load(
        &text.replace("alb.ingress.kubernetes.io/actions.ssl-redirect", "note"),
    ));
    about(&out, "IngressBackendMissing", "default", "app");
}

#[test]
fn an_alb_with_instance_targets_needs_a_node_port() {
    let port = "Failed deploy model due to InvalidParameter: 1 validation error(s) found. - minimum field value of 1, CreateTargetGroupInput.Port.";
    let text = alb("\"--cluster-name=prod\", \"--ingress-class=alb\"", port)
        .replace("type: NodePort", "type: ClusterIP");
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "default", "app");
    assert_root(d, Loop::Network, "Service", "app");
    assert!(
        d.fix.contains("target-type: ip") && d.fix.contains("NodePort"),
        "{}",
        d.fix
    );
    // Registered by IP, the pods need no node port: not this cause.
    let text = text.replace(
        "metadata: {name: app, namespace: default, creationTimestamp",
        "metadata: {name: app, namespace: default, annotations: {alb.ingress.kubernetes.io/target-type: ip}, creationTimestamp",
    );
    let out = diagnose(&load(&text));
    assert!(
        out.diagnoses
            .iter()
            .all(|d| d.root_cause.object.kind != "Service"),
        "{}",
        summary(&out)
    );
}

fn memcached(restarts: u32, created: &str, killed: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: v1, kind: Pod, metadata: {{name: cache-0, namespace: loki, creationTimestamp: "{created}"}}, spec: {{nodeName: n1, containers: [{{name: memcached, image: "memcached:1.6", resources: {{limits: {{memory: 1Gi}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: memcached, ready: true, restartCount: {restarts}, image: "", imageID: "", state: {{running: {{startedAt: "{killed}"}}}}, lastState: {{terminated: {{exitCode: 137, reason: OOMKilled, finishedAt: "{killed}"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_container_killed_every_hour_has_not_recovered_in_forty_five_minutes() {
    let out = diagnose(&load(&memcached(
        1255,
        "2026-05-05T09:00:00Z",
        "2026-06-20T09:14:59Z",
    )));
    let d = about(&out, "OOMKilled", "loki", "cache-0");
    assert_root(d, Loop::Compute, "Pod", "cache-0");
    // Killed once, 45 minutes ago: the load that reached the limit comes
    // round again, so a kill at the memory limit is an incident for a day.
    let out = diagnose(&load(&memcached(
        1,
        "2026-05-05T09:00:00Z",
        "2026-06-20T09:14:59Z",
    )));
    about(&out, "OOMKilled", "loki", "cache-0");
    // Killed once, two days ago, and quiet since: history.
    let out = diagnose(&load(&memcached(
        1,
        "2026-05-05T09:00:00Z",
        "2026-06-18T09:14:59Z",
    )));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

#[test]
fn coredns_that_answers_503_cannot_read_the_api() {
    let text = format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: v1, kind: Pod, metadata: {{name: coredns-1, namespace: kube-system, labels: {{k8s-app: kube-dns}}}}, spec: {{nodeName: n1, serviceAccountName: coredns, containers: [{{name: coredns, image: "k8s.gcr.io/coredns:1.6.2", readinessProbe: {{httpGet: {{path: /ready, port: 8181}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: coredns, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T09:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: kube-dns, namespace: kube-system}}, spec: {{selector: {{k8s-app: kube-dns}}, ports: [{{name: dns, port: 53, protocol: UDP}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: coredns-1.1, namespace: kube-system}}, involvedObject: {{kind: Pod, name: coredns-1, namespace: kube-system}}, reason: Unhealthy, type: Warning, count: 300, firstTimestamp: "2026-06-20T09:01:00Z", lastTimestamp: "2026-06-20T10:00:00Z", message: "Readiness probe failed: HTTP probe failed with statuscode: 503"}}
- {{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {{name: "system:coredns"}}, roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}}, subjects: [{{kind: ServiceAccount, name: coredns, namespace: kube-system}}]}}
"#
    );
    let out = diagnose(&load(&text));
    let d = about(
        &out,
        "ServiceWithoutReadyEndpoints",
        "kube-system",
        "kube-dns",
    );
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("firewall"), "{}", d.fix);
}

fn node_local_dns(holder_port: u16) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: node-local-dns, namespace: kube-system, uid: nld}}, spec: {{selector: {{matchLabels: {{k8s-app: node-local-dns}}}}, template: {{metadata: {{labels: {{k8s-app: node-local-dns}}}}, spec: {{hostNetwork: true, containers: [{{name: node-cache, image: "k8s-dns-node-cache:1.15.10"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: node-local-dns-1, namespace: kube-system, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: node-local-dns, uid: nld, controller: true}}]}}, spec: {{nodeName: n1, hostNetwork: true, containers: [{{name: node-cache, image: "k8s-dns-node-cache:1.15.10"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: node-cache, ready: false, restartCount: 12, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "listen tcp 169.254.20.10:8080: bind: address already in use"}}}}}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-apiserver-n1, namespace: kube-system}}, spec: {{nodeName: n1, hostNetwork: true, containers: [{{name: healthcheck, image: "kube-apiserver-healthcheck:1.18", ports: [{{containerPort: {holder_port}, hostPort: {holder_port}}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: healthcheck, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_host_port_taken_names_the_pod_that_holds_it() {
    let out = diagnose(&load(&node_local_dns(8080)));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "node-local-dns-1");
    assert_root(d, Loop::Network, "DaemonSet", "node-local-dns");
    assert!(
        d.root_cause.summary.contains("kube-apiserver-n1"),
        "{}",
        d.root_cause.summary
    );
    // Nobody in the cluster declares the port: a process of the node's own,
    // and the workload's port is what the cluster can move.
    let out = diagnose(&load(&node_local_dns(3990)));
    let d = about(&out, "CrashLoopBackOff", "kube-system", "node-local-dns-1");
    assert_root(d, Loop::Network, "DaemonSet", "node-local-dns");
    assert!(
        d.root_cause.summary.contains("a process of the node's own"),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("ss -ltnup"), "{}", d.fix);
}

#[test]
fn a_taint_even_the_system_pods_do_not_tolerate_is_the_nodes() {
    let text = r#"apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: k3s-master}, spec: {taints: [{key: k3s-controlplane, value: "true", effect: NoExecute}]}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}, conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: coredns-1, namespace: kube-system, labels: {k8s-app: kube-dns}}, spec: {containers: [{name: coredns, image: "coredns:1.6.3"}], tolerations: [{key: CriticalAddonsOnly, operator: Exists}]}, status: {phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 node(s) had taints that the pod didn't tolerate."}]}}
"#;
    let out = diagnose(&load(text));
    let d = about(&out, "PodPending", "kube-system", "coredns-1");
    assert_root(d, Loop::Compute, "Node", "k3s-master");
    assert!(
        d.fix
            .contains("kubectl taint nodes --all k3s-controlplane-"),
        "{}",
        d.fix
    );
}

#[test]
fn a_registry_secret_nobody_names_is_the_missing_reference() {
    let text = format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: v1, kind: Secret, metadata: {{name: mysecretkey, namespace: default}}, type: kubernetes.io/dockerconfigjson, data: {{.dockerconfigjson: e30=}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: front-1, namespace: default}}, spec: {{nodeName: n1, containers: [{{name: front, image: "myregistry.azurecr.io/front:1"}}]}}, status: {{phase: Pending, containerStatuses: [{{name: front, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ImagePullBackOff, message: "Back-off pulling image \"myregistry.azurecr.io/front:1\""}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: front-1.1, namespace: default}}, involvedObject: {{kind: Pod, name: front-1, namespace: default}}, reason: Failed, type: Warning, count: 4, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:10:00Z", message: 'Failed to pull image "myregistry.azurecr.io/front:1": rpc error: code = Unknown desc = Error response from daemon: Get https://myregistry.azurecr.io/v2/front/manifests/1: unauthorized: authentication required'}}
"#
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "ImagePullBackOff", "default", "front-1");
    assert_root(d, Loop::Identity, "Pod", "front-1");
    assert!(
        d.fix.contains("imagePullSecrets: [{name: mysecretkey}]"),
        "{}",
        d.fix
    );
}

#[test]
fn a_webhook_service_without_a_selector_refuses_every_call() {
    let text = format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: gatekeeper}}, webhooks: [{{name: mutation.styra.com, clientConfig: {{service: {{name: gatekeeper-svc, namespace: gatekeeper-system, path: /v1/admit}}}}, admissionReviewVersions: [v1], sideEffects: None}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: gatekeeper-svc, namespace: gatekeeper-system}}, spec: {{clusterIP: 10.0.69.83, ports: [{{port: 443, targetPort: 443}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: gatekeeper-1, namespace: gatekeeper-system, labels: {{control-plane: controller-manager}}}}, spec: {{nodeName: n1, containers: [{{name: manager, image: "gatekeeper:3.1", ports: [{{containerPort: 443}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: manager, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: web-5c7588df, namespace: default, uid: rs1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: web}}}}, template: {{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: "nginx:1.25"}}]}}}}}}, status: {{replicas: 0}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: web.1, namespace: default}}, involvedObject: {{kind: ReplicaSet, name: web-5c7588df, namespace: default}}, reason: FailedCreate, type: Warning, count: 14, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:30:00Z", message: 'Error creating: Internal error occurred: failed calling webhook "mutation.styra.com": Post https://gatekeeper-svc.gatekeeper-system.svc:443/v1/admit?timeout=30s: dial tcp 10.0.69.83:443: connect: connection refused'}}
"#
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "PodCreateFailed", "default", "web-5c7588df");
    assert_root(d, Loop::Network, "Service", "gatekeeper-svc");
    assert!(
        d.fix.contains("control-plane: controller-manager"),
        "{}",
        d.fix
    );
}

fn grafana(keys: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: grafana, namespace: mon}}, data: {{{keys}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: grafana-0, namespace: mon}}, spec: {{nodeName: n1, volumes: [{{name: config, configMap: {{name: grafana}}}}], containers: [{{name: grafana, image: "grafana/grafana:7.0.1", volumeMounts: [{{name: config, mountPath: /etc/grafana/provisioning/datasources/datasources.yaml, subPath: datasources.yaml}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: grafana, ready: false, restartCount: 9, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, finishedAt: "2026-06-20T09:58:00Z", message: "Datasource provisioning error: read /etc/grafana/provisioning/datasources/datasources.yaml: is a directory"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_sub_path_of_a_key_the_config_map_lacks_is_an_empty_directory() {
    let out = diagnose(&load(&grafana("\"0\": \"name: Loki\"")));
    let d = about(&out, "CrashLoopBackOff", "mon", "grafana-0");
    assert_root(d, Loop::Compute, "ConfigMap", "grafana");
    assert!(d.fix.contains("datasources.yaml"), "{}", d.fix);
    // With the key there, the mount is a file: not this cause.
    let out = diagnose(&load(&grafana("datasources.yaml: \"apiVersion: 1\"")));
    let d = about(&out, "CrashLoopBackOff", "mon", "grafana-0");
    assert!(d.root_cause.object.kind != "ConfigMap", "{}", summary(&out));
}

fn cluster_domain(domain: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
{NODE_READY}- {{apiVersion: v1, kind: Service, metadata: {{name: kube-dns, namespace: kube-system, labels: {{k8s-app: kube-dns}}}}, spec: {{clusterIP: 10.43.0.10, selector: {{k8s-app: kube-dns}}, ports: [{{name: dns, port: 53, protocol: UDP}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: kube-dns, namespace: kube-system}}, spec: {{replicas: 1, selector: {{matchLabels: {{k8s-app: kube-dns}}}}, template: {{metadata: {{labels: {{k8s-app: kube-dns}}}}, spec: {{containers: [{{name: kubedns, image: "k8s-dns-kube-dns:1.14", args: ["--domain={domain}.", "--dns-port=10053"]}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: kube-dns-1, namespace: kube-system, labels: {{k8s-app: kube-dns}}}}, spec: {{nodeName: n1, containers: [{{name: kubedns, image: "k8s-dns-kube-dns:1.14", args: ["--domain={domain}.", "--dns-port=10053"]}}]}}, status: {{phase: Running, podIP: 10.42.0.5, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: kubedns, ready: true, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: kube-dns, namespace: kube-system}}, subsets: [{{addresses: [{{ip: 10.42.0.5}}], ports: [{{name: dns, port: 53, protocol: UDP}}]}}]}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: agent-1, namespace: cattle-system}}, spec: {{nodeName: n1, containers: [{{name: agent, image: "rancher/agent:v2.1"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: agent, ready: false, restartCount: 7, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, finishedAt: "2026-06-20T09:58:00Z", message: "ERROR: https://rancher.example.com/ping is not accessible (Could not resolve host: rancher.example.com)"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_host_under_the_clusters_own_dns_domain_never_resolves() {
    let out = diagnose(&load(&cluster_domain("example.com")));
    let d = about(&out, "CrashLoopBackOff", "cattle-system", "agent-1");
    assert_root(d, Loop::Network, "Deployment", "kube-dns");
    assert!(d.fix.contains("cluster_domain"), "{}", d.fix);
    // The default domain shadows nobody's hosts.
    let out = diagnose(&load(&cluster_domain("cluster.local")));
    let d = about(&out, "CrashLoopBackOff", "cattle-system", "agent-1");
    assert!(d.root_cause.object.name != "kube-dns", "{}", summary(&out));
}

fn lb_refused(message: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: aks-1}}, spec: {{providerID: "azure:///subscriptions/s/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachines/aks-1"}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: frontend, namespace: default, uid: s1, creationTimestamp: "2018-05-02T09:00:00Z"}}, spec: {{type: LoadBalancer, selector: {{app: frontend}}, ports: [{{port: 80}}]}}, status: {{loadBalancer: {{}}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: frontend.1, namespace: default}}, involvedObject: {{kind: Service, name: frontend, namespace: default, uid: s1}}, reason: CreatingLoadBalancerFailed, type: Warning, count: 30, firstTimestamp: "2018-05-02T09:01:00Z", lastTimestamp: "2018-05-02T10:00:00Z", source: {{component: service-controller}}, message: "{message}"}}
"#
    )
}

/// Azure/AKS#339: Azure AD refuses the cluster's service principal a token
/// (its password expired), so no load balancer is made.
#[test]
fn a_load_balancer_the_cloud_refuses_for_an_expired_service_principal() {
    let out = diagnose(&load(&lb_refused(
        "Error creating load balancer (will retry): Error getting LB for service default/frontend: azure.BearerAuthorizer#WithAuthorization: Failed to refresh the Token for request to https://management.azure.com/subscriptions/x: StatusCode=0 -- Original Error: adal: Refresh request failed. Status Code = '401'",
    )));
    let d = about(&out, "LoadBalancerPending", "default", "frontend");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("--reset-service-principal"), "{}", d.fix);
    // A refusal of another kind: not the principal's password.
    let out = diagnose(&load(&lb_refused(
        "Error syncing load balancer: failed to ensure load balancer: Retriable: false, RetryAfter: 0s, HTTPStatusCode: 400, RawError: PublicIPCountLimitReached",
    )));
    let d = about(&out, "LoadBalancerPending", "default", "frontend");
    assert!(!d.fix.contains("--reset-service-principal"), "{}", d.fix);
}
