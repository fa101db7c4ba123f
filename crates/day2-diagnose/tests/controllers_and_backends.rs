//! What stands behind a controller or a storage backend: a webhook a Job's
//! own `kubectl apply` cannot reach (tektoncd/pipeline#3172), a TaskRun's
//! pod a LimitRange's default refuses (tektoncd/pipeline#5230), a scale-up
//! the cloud refuses for quota (kubernetes/autoscaler#2607), a CSIDriver
//! that requests no token (Azure/secrets-store-csi-driver-provider-azure#1022),
//! a persistent disk of another project (kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#1314),
//! an AWS endpoint a private cluster cannot reach
//! (kubernetes-sigs/aws-load-balancer-controller#2476), and a claim given
//! the default class while it selects a classless volume (NetApp/trident#156).
//! Each with the sibling that must read otherwise.

mod common;

use common::crash::{cluster, node};
use common::*;
use day2_model::Loop;

const WEBHOOK_TIMEOUT: &str = "Error from server (InternalError): error when creating \"/work/run.yaml\": Internal error occurred: failed calling webhook \"webhook.pipeline.tekton.dev\": Post \"https://tekton-pipelines-webhook.tekton-pipelines.svc:443/defaulting?timeout=10s\": context deadline exceeded";

/// A failed Job in `ci` whose pod's `kubectl` says `WEBHOOK_TIMEOUT`, the
/// webhook's Service and Ready pod, and `policy` in its namespace.
fn job_behind_webhook(policy: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: admissionregistration.k8s.io/v1, kind: MutatingWebhookConfiguration, metadata: {{name: webhook.pipeline.tekton.dev}}, webhooks: [{{name: webhook.pipeline.tekton.dev, admissionReviewVersions: [v1], sideEffects: None, failurePolicy: Fail, clientConfig: {{service: {{name: tekton-pipelines-webhook, namespace: tekton-pipelines, port: 443}}}}}}]}}
- {{apiVersion: v1, kind: Service, metadata: {{name: tekton-pipelines-webhook, namespace: tekton-pipelines}}, spec: {{clusterIP: 10.96.3.3, selector: {{app: tekton-webhook}}, ports: [{{name: https, port: 443, targetPort: 8443}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: tekton-webhook-1, namespace: tekton-pipelines, uid: u-w, labels: {{app: tekton-webhook}}}}, spec: {{nodeName: n1, containers: [{{name: webhook, image: "webhook:1", ports: [{{name: https, containerPort: 8443}}]}}]}}, status: {{phase: Running, podIP: 10.244.0.9, conditions: [{{type: Ready, status: "True"}}], containerStatuses: [{{name: webhook, image: "webhook:1", imageID: "", ready: true, restartCount: 0, state: {{running: {{startedAt: "2026-03-01T10:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Endpoints, metadata: {{name: tekton-pipelines-webhook, namespace: tekton-pipelines}}, subsets: [{{addresses: [{{ip: 10.244.0.9, targetRef: {{kind: Pod, name: tekton-webhook-1, namespace: tekton-pipelines}}}}], ports: [{{name: https, port: 8443}}]}}]}}
{policy}
- {{apiVersion: batch/v1, kind: Job, metadata: {{name: build-1, namespace: ci, uid: u-job}}, spec: {{backoffLimit: 0, template: {{spec: {{restartPolicy: Never, containers: [{{name: kubectl, image: "kubectl:1"}}]}}}}}}, status: {{failed: 1, conditions: [{{type: Failed, status: "True", reason: BackoffLimitExceeded, message: "Job has reached the specified backoff limit", lastTransitionTime: "2026-03-02T10:05:00Z"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: build-1-x, namespace: ci, uid: u-jp, labels: {{job-name: build-1}}, ownerReferences: [{{apiVersion: batch/v1, kind: Job, name: build-1, uid: u-job, controller: true}}]}}, spec: {{nodeName: n1, restartPolicy: Never, containers: [{{name: kubectl, image: "kubectl:1"}}]}}, status: {{phase: Failed, containerStatuses: [{{name: kubectl, image: "kubectl:1", imageID: "", ready: false, restartCount: 0, state: {{terminated: {{exitCode: 1, reason: Error, message: {WEBHOOK_TIMEOUT:?}}}}}}}]}}}}
"#
        ),
    ])
}

#[test]
fn a_job_whose_apply_a_webhook_behind_a_policy_cannot_answer() {
    let policy = "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allowed-namespaces, namespace: tekton-pipelines}, spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {team: ci}}}]}]}}";
    let out = diagnose(&job_behind_webhook(policy));
    let d = about(&out, "JobFailed", "ci", "build-1");
    assert_root(d, Loop::Network, "NetworkPolicy", "allowed-namespaces");
    // No policy: the path from the control plane is outside the input.
    let out = diagnose(&job_behind_webhook(""));
    let d = about(&out, "JobFailed", "ci", "build-1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("8443"), "{}", d.fix);
}

/// A TaskRun whose pod the API server refuses with `message`, and a
/// LimitRange whose default memory limit is 180Mi.
fn taskrun(message: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: LimitRange, metadata: {{name: default-limits, namespace: ci}}, spec: {{limits: [{{type: Container, default: {{memory: 180Mi}}, defaultRequest: {{memory: 40Mi}}}}]}}}}
- {{apiVersion: tekton.dev/v1beta1, kind: TaskRun, metadata: {{name: run-tests, namespace: ci, uid: u-tr}}, spec: {{taskRef: {{name: run-tests}}}}, status: {{podName: ""}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: t1, namespace: ci}}, involvedObject: {{kind: TaskRun, name: run-tests, namespace: ci, uid: u-tr, apiVersion: tekton.dev/v1beta1}}, reason: Failed, message: {message:?}, type: Warning, count: 1, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:00:00Z", source: {{component: TaskRun}}}}
"#
        ),
    ])
}

#[test]
fn a_taskrun_pod_whose_request_a_default_limit_falls_below() {
    let said = "failed to create task run pod \"run-tests\": Pod \"run-tests-pod\" is invalid: [spec.containers[0].resources.requests: Invalid value: \"300Mi\": must be less than or equal to memory limit]. Maybe missing or invalid Task ci/run-tests";
    let out = diagnose(&taskrun(said));
    let d = about(&out, "PodCreateFailed", "ci", "run-tests");
    assert_root(d, Loop::Compute, "LimitRange", "default-limits");
    // A refusal of another field: no LimitRange to blame.
    let out = diagnose(&taskrun(
        "failed to create task run pod \"run-tests\": Pod \"run-tests-pod\" is invalid: spec.containers[0].image: Required value",
    ));
    let d = about(&out, "PodCreateFailed", "ci", "run-tests");
    assert_ne!(d.root_cause.object.kind, "LimitRange", "{}", summary(&out));
}

/// A Pending pod that triggered a scale-up of `pool`, and the autoscaler's
/// `FailedToScaleUpGroup` with `message`.
fn scale_up(message: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: cluster-autoscaler-status, namespace: kube-system, uid: u-cm}}, data: {{status: "ScaleUp: InProgress"}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: render-1, namespace: app, uid: u-r}}, spec: {{containers: [{{name: r, image: "r:1", resources: {{requests: {{cpu: "3"}}}}}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 Insufficient cpu."}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: f1, namespace: app}}, involvedObject: {{kind: Pod, name: render-1, namespace: app, uid: u-r}}, reason: FailedScheduling, message: "0/1 nodes are available: 1 Insufficient cpu.", type: Warning, count: 9, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:10:00Z", source: {{component: default-scheduler}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: t1, namespace: app}}, involvedObject: {{kind: Pod, name: render-1, namespace: app, uid: u-r}}, reason: TriggeredScaleUp, message: "pod triggered scale-up: [{{pool 1->3 (max: 10)}}]", type: Normal, count: 1, firstTimestamp: "2026-03-02T10:00:10Z", lastTimestamp: "2026-03-02T10:00:10Z", source: {{component: cluster-autoscaler}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: s1, namespace: kube-system}}, involvedObject: {{kind: ConfigMap, name: cluster-autoscaler-status, namespace: kube-system, uid: u-cm}}, reason: FailedToScaleUpGroup, message: {message:?}, type: Warning, count: 3, firstTimestamp: "2026-03-02T10:00:20Z", lastTimestamp: "2026-03-02T10:09:00Z", source: {{component: cluster-autoscaler}}}}
"#
        ),
    ])
}

#[test]
fn a_scale_up_the_cloud_refuses_for_quota() {
    let out = diagnose(&scale_up(
        "Scale-up failed for group pool: Code=\"OperationNotAllowed\" Message=\"The operation couldn't be completed as it results in exceeding quota limit of standardDSv3Family Cores.\"",
    ));
    let d = about(&out, "PodPending", "app", "render-1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("quota"), "{}", d.fix);
    // A failure of another group is not this pod's.
    let out = diagnose(&scale_up("Scale-up failed for group other: quota exceeded"));
    let d = about(&out, "PodPending", "app", "render-1");
    assert!(
        !d.root_cause.summary.contains("refuses the scale-up"),
        "{}",
        summary(&out)
    );
}

/// A pod whose Secrets Store volume fails with `message`; the driver's
/// CSIDriver carries `extra` in its spec.
fn secrets_store(extra: &str, message: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: storage.k8s.io/v1, kind: CSIDriver, metadata: {{name: secrets-store.csi.k8s.io}}, spec: {{attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: [Ephemeral]{extra}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: app-1, namespace: app, uid: u-a}}, spec: {{nodeName: n1, containers: [{{name: a, image: "a:1"}}], volumes: [{{name: kv, csi: {{driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {{secretProviderClass: kv}}}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: a, image: "a:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: m1, namespace: app}}, involvedObject: {{kind: Pod, name: app-1, namespace: app, uid: u-a}}, reason: FailedMount, message: {message:?}, type: Warning, count: 20, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: kubelet}}}}
"#
        ),
    ])
}

#[test]
fn a_secrets_store_driver_that_requests_no_token() {
    let said = "MountVolume.SetUp failed for volume \"kv\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod app/app-1, err: rpc error: code = Unknown desc = failed to mount objects, error: failed to parse workload identity tokens, error: service account tokens not found";
    let out = diagnose(&secrets_store("", said));
    let d = about(&out, "FailedMount", "app", "app-1");
    assert_root(d, Loop::Identity, "CSIDriver", "secrets-store.csi.k8s.io");
    assert!(d.fix.contains("AzureADTokenExchange"), "{}", d.fix);
    // The driver requests one: the token is not what is missing there.
    let out = diagnose(&secrets_store(
        ", tokenRequests: [{audience: \"api://AzureADTokenExchange\"}]",
        said,
    ));
    let d = about(&out, "FailedMount", "app", "app-1");
    assert_ne!(d.root_cause.object.kind, "CSIDriver", "{}", summary(&out));
}

#[test]
fn a_mount_that_times_out_on_the_way_to_the_vault() {
    let said = "MountVolume.SetUp failed for volume \"kv\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod app/app-1, err: rpc error: code = Unknown desc = failed to mount objects, error: keyvault.BaseClient#GetSecret: Failure sending request: StatusCode=0 -- Original Error: context deadline exceeded";
    let out = diagnose(&secrets_store(
        ", tokenRequests: [{audience: \"api://AzureADTokenExchange\"}]",
        said,
    ));
    let d = about(&out, "FailedMount", "app", "app-1");
    assert!(d.fix.contains("vault.azure.net"), "{}", d.fix);
    assert!(!d.fix.contains("2049"), "{}", d.fix);
}

/// A pod whose static GCE PD volume, handle `handle`, fails to attach with `message`.
fn pd(handle: &str, message: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: ref-pv}}, spec: {{capacity: {{storage: 10Gi}}, accessModes: [ReadOnlyMany], claimRef: {{namespace: app, name: ref}}, csi: {{driver: pd.csi.storage.gke.io, volumeHandle: {handle:?}, readOnly: true}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: ref, namespace: app}}, spec: {{accessModes: [ReadOnlyMany], volumeName: ref-pv, storageClassName: "", resources: {{requests: {{storage: 10Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: app-1, namespace: app, uid: u-a}}, spec: {{nodeName: n1, containers: [{{name: a, image: "a:1"}}], volumes: [{{name: ref, persistentVolumeClaim: {{claimName: ref}}}}]}}, status: {{phase: Pending, containerStatuses: [{{name: a, image: "a:1", imageID: "", ready: false, restartCount: 0, state: {{waiting: {{reason: ContainerCreating}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: a1, namespace: app}}, involvedObject: {{kind: Pod, name: app-1, namespace: app, uid: u-a}}, reason: FailedAttachVolume, message: {message:?}, type: Warning, count: 20, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: attachdetach-controller}}}}
"#
        ),
    ])
}

#[test]
fn a_persistent_disk_the_cloud_does_not_find_for_the_cluster() {
    let handle = "projects/other-proj/zones/europe-west3-a/disks/ref";
    let said = format!(
        "AttachVolume.Attach failed for volume \"ref-pv\" : rpc error: code = Internal desc = unknown Attach error: failed when waiting for zonal op: operation op-1 failed (RESOURCE_NOT_FOUND): The resource '{handle}' was not found"
    );
    let out = diagnose(&pd(handle, &said));
    let d = about(&out, "FailedAttachVolume", "app", "app-1");
    assert_root(d, Loop::Storage, "PersistentVolume", "ref-pv");
    assert!(
        d.fix.contains("other-proj") && d.fix.contains("volumeHandle"),
        "{}",
        d.fix
    );
    // Another refusal of the same disk: not a handle to correct.
    let said = format!(
        "AttachVolume.Attach failed for volume \"ref-pv\" : rpc error: code = Internal desc = unknown Attach error: googleapi: Error 400: The disk resource '{handle}' is already being used by 'instance-2', resourceInUseByAnotherResource"
    );
    let out = diagnose(&pd(handle, &said));
    let d = about(&out, "FailedAttachVolume", "app", "app-1");
    assert!(!d.fix.contains("volumeHandle"), "{}", d.fix);
}

/// A claim selecting PV `trident` by labels, with StorageClass `gluster`
/// (default: `default`) filled in, and the provisioner's refusal.
fn selector_claim(default: &str) -> day2_model::Cluster {
    cluster(&[
        &node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: gluster, annotations: {{storageclass.kubernetes.io/is-default-class: "{default}"}}}}, provisioner: kubernetes.io/glusterfs}}
- {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: trident, labels: {{app: trident.netapp.io}}}}, spec: {{capacity: {{storage: 2Gi}}, accessModes: [ReadWriteOnce], storageClassName: "", iscsi: {{targetPortal: "10.0.0.1:3260", iqn: "iqn.2010-01.com.x:1", lun: 0}}}}, status: {{phase: Available}}}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: trident, namespace: trident, uid: u-c}}, spec: {{accessModes: [ReadWriteOnce], storageClassName: gluster, selector: {{matchLabels: {{app: trident.netapp.io}}}}, resources: {{requests: {{storage: 2Gi}}}}}}, status: {{phase: Pending}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: p1, namespace: trident}}, involvedObject: {{kind: PersistentVolumeClaim, name: trident, namespace: trident, uid: u-c}}, reason: ProvisioningFailed, message: "Failed to provision volume with StorageClass \"gluster\": claim.Spec.Selector is not supported for dynamic provisioning on GlusterFS", type: Warning, count: 5, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:30:00Z", source: {{component: persistentvolume-controller}}}}
"#
        ),
    ])
}

#[test]
fn a_selecting_claim_given_the_default_class() {
    let out = diagnose(&selector_claim("true"));
    let d = about(&out, "PvcPending", "trident", "trident");
    assert!(d.fix.contains("storageClassName: \"\""), "{}", d.fix);
    // A class the claim names itself: the selector is what to drop.
    let out = diagnose(&selector_claim("false"));
    let d = about(&out, "PvcPending", "trident", "trident");
    assert!(d.fix.contains("Remove `spec.selector`"), "{}", d.fix);
}
