//! Causes the thirty-first set's round follows: nodes that joined without
//! a cloud identity (hetznercloud/hcloud-cloud-controller-manager#50), a
//! file nothing writes (bitnami/charts#24026), a pod the kubelet refused at
//! admission (longhorn/longhorn#4467), and a file share that never answers
//! the node (kubernetes-sigs/aws-efs-csi-driver#629).

mod common;

use common::*;
use day2_model::Loop;

fn list(items: &str) -> String {
    format!("apiVersion: v1\nkind: List\nitems:\n{items}")
}

fn node(name: &str, provider: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}}}, spec: {{{provider}}}, status: {{allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
    )
}

#[test]
fn a_load_balancer_that_cannot_map_nodes_is_their_missing_provider_id() {
    let lb = r#"- {apiVersion: v1, kind: Service, metadata: {name: ingress, namespace: web}, spec: {type: LoadBalancer, selector: {app: ingress}, ports: [{port: 80}]}}
- {apiVersion: v1, kind: Event, metadata: {name: ingress.1, namespace: web}, involvedObject: {kind: Service, name: ingress, namespace: web}, reason: SyncLoadBalancerFailed, type: Warning, count: 5, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:30:00Z", message: "Error syncing load balancer: failed to ensure load balancer: hcloud/loadBalancers.EnsureLoadBalancer: hcops/LoadBalancerOps.ReconcileHCLBTargets: hcops/providerIDToServerID: missing prefix hcloud://: "}
"#;
    let text = list(&format!("{}{}{lb}", node("w1", ""), node("w2", "")));
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "web", "ingress");
    assert_root(d, Loop::Network, "Node", "w1");
    assert!(d.fix.contains("--cloud-provider=external"), "{}", d.fix);
    // Nodes with their identity: not this cause.
    let text = list(&format!(
        "{}{}{lb}",
        node("w1", "providerID: \"hcloud://1\""),
        node("w2", "providerID: \"hcloud://2\"")
    ));
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", "web", "ingress");
    assert!(!d.fix.contains("--cloud-provider=external"), "{}", d.fix);
}

fn envoy(init: &str) -> String {
    list(&format!(
        r#"{}- {{apiVersion: v1, kind: Pod, metadata: {{name: envoy-1, namespace: contour}}, spec: {{nodeName: w1, volumes: [{{name: envoy-config, emptyDir: {{}}}}], {init}containers: [{{name: envoy, image: "envoy:1.29", args: [-c, /config/envoy.json], volumeMounts: [{{name: envoy-config, mountPath: /config}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: envoy, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "[critical][main] error initializing config '  /config/envoy.json': Invalid path: /config/envoy.json"}}}}}}]}}}}
"#,
        node("w1", "")
    ))
}

#[test]
fn a_file_in_an_empty_dir_nothing_writes_is_the_missing_init_container() {
    let out = diagnose(&load(&envoy("")));
    let d = about(&out, "CrashLoopBackOff", "contour", "envoy-1");
    assert_root(d, Loop::Compute, "Pod", "envoy-1");
    assert!(d.fix.contains("init container"), "{}", d.fix);
    // An init container writes the volume: not this cause.
    let init = "initContainers: [{name: bootstrap, image: \"contour:1.28\", volumeMounts: [{name: envoy-config, mountPath: /config}]}], ";
    let out = diagnose(&load(&envoy(init)));
    let d = about(&out, "CrashLoopBackOff", "contour", "envoy-1");
    assert!(
        !d.root_cause.summary.contains("nothing writes"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_pod_the_kubelet_refused_at_admission_is_a_symptom_with_its_figures() {
    let text = list(&format!(
        r#"{}- {{apiVersion: v1, kind: Pod, metadata: {{name: instance-manager-r-1, namespace: longhorn-system}}, spec: {{nodeName: w1, containers: [{{name: replica-manager, image: "longhorn-instance-manager:v1.3.1", resources: {{requests: {{cpu: 480m}}}}}}]}}, status: {{phase: Failed, reason: OutOfcpu, message: "Pod Node didn't have enough resource: cpu, requested: 480, used: 3601, capacity: 4000"}}}}
"#,
        node("w1", "")
    ));
    let out = diagnose(&load(&text));
    let d = about(&out, "Evicted", "longhorn-system", "instance-manager-r-1");
    assert_root(d, Loop::Compute, "Pod", "instance-manager-r-1");
    assert!(
        d.root_cause.summary.contains("3601m of 4000m"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_file_share_that_never_mounts_is_the_path_to_its_server() {
    let text = list(&format!(
        r#"{}- {{apiVersion: storage.k8s.io/v1, kind: CSIDriver, metadata: {{name: efs.csi.aws.com}}, spec: {{attachRequired: false}}}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: efs-pv}}, spec: {{capacity: {{storage: 5Gi}}, accessModes: [ReadWriteMany], csi: {{driver: efs.csi.aws.com, volumeHandle: fs-0123}}, claimRef: {{namespace: default, name: efs-claim}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: efs-claim, namespace: default}}, spec: {{accessModes: [ReadWriteMany], volumeName: efs-pv, resources: {{requests: {{storage: 5Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: app, namespace: default}}, spec: {{nodeName: w1, volumes: [{{name: data, persistentVolumeClaim: {{claimName: efs-claim}}}}], containers: [{{name: app, image: "app:1", volumeMounts: [{{name: data, mountPath: /data}}]}}]}}, status: {{phase: Pending, containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: app.1, namespace: default}}, involvedObject: {{kind: Pod, name: app, namespace: default}}, reason: FailedMount, type: Warning, count: 9, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:40:00Z", message: "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-b8rqf]: timed out waiting for the condition"}}
"#,
        node("w1", "")
    ));
    let out = diagnose(&load(&text));
    let d = about(&out, "FailedMount", "default", "app");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("2049"), "{}", d.fix);
}
