//! The smallest clusters with one crash-looping pod, for tests that read
//! what a container says.

use super::load;

pub fn cluster(items: &[&str]) -> day2_model::Cluster {
    load(&format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        items.concat().trim_start_matches('\n')
    ))
}

pub fn node(name: &str, kernel: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}, status: {{allocatable: {{cpu: \"4\", memory: 8Gi, pods: \"110\"}}, conditions: [{{type: Ready, status: \"True\"}}], nodeInfo: {{kernelVersion: {kernel:?}, containerRuntimeVersion: \"containerd://1.7.2\", kubeletVersion: v1.29.0, osImage: Linux, architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s, kubeProxyVersion: v1.29.0}}}}}}\n"
    )
}

/// A Deployment `web` in `app` whose one pod crash-loops on `n1` with
/// `message` as its last termination message.
pub fn crashing(container_extra: &str, message: &str) -> String {
    format!(
        r#"
- apiVersion: apps/v1
  kind: Deployment
  metadata: {{name: web, namespace: app, uid: u-dep}}
  spec:
    selector: {{matchLabels: {{app: web}}}}
    template:
      metadata: {{labels: {{app: web}}}}
      spec: {{containers: [{{name: web, image: "web:1"}}]}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {{name: web-5d8f, namespace: app, uid: u-rs, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: web, uid: u-dep, controller: true}}]}}
  spec: {{selector: {{matchLabels: {{app: web}}}}}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: web-5d8f-x1, namespace: app, uid: u-web, labels: {{app: web}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u-rs, controller: true}}]}}
  spec:
    nodeName: n1
    containers:
    - name: web
      image: "web:1"
      {container_extra}
  status:
    phase: Running
    containerStatuses:
    - name: web
      image: "web:1"
      imageID: ""
      ready: false
      restartCount: 12
      state: {{waiting: {{reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container=web pod=web-5d8f-x1_app(u-web)"}}}}
      lastState: {{terminated: {{exitCode: 1, reason: Error, startedAt: "2026-03-02T10:29:00Z", finishedAt: "2026-03-02T10:29:01Z", message: {message:?}}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: app}}, involvedObject: {{kind: Pod, name: web-5d8f-x1, namespace: app, uid: u-web}}, reason: BackOff, message: "Back-off restarting failed container web in pod web-5d8f-x1_app(u-web)", type: Warning, count: 40, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
    )
}
