//! A container that ends on its own: exit code 0 under `restartPolicy:
//! Always` is a command that runs to its end (helm/charts#11198: the Airflow
//! scheduler started with `-n 10`), and the diagnosis names the symptom's
//! workload, as on-call engineers name it. A program that exits on a custom
//! object it names is that object's (vmware-tanzu/velero#2412), and one
//! that finds no AWS credentials while asking kube2iam for a role is the
//! role's trust (vmware-tanzu/velero#1172), and one that does not trust
//! its server's certificate is the CA it pins (rancher/rancher#23441), and
//! one that cannot reach the instance metadata service is the node class's
//! hop limit (kubernetes-sigs/aws-load-balancer-controller#3937), and one
//! given a name where a URL belongs is that setting
//! (Azure/azure-workload-identity#657).

mod common;

use common::*;
use day2_model::Loop;

fn scheduler(args: &str, liveness_killed: bool) -> String {
    let killed = if liveness_killed {
        r#"
- {apiVersion: v1, kind: Event, metadata: {name: sched.2, namespace: airflow}, involvedObject: {kind: Pod, name: sched-5c8d7f6b9d-2nqvx, namespace: airflow}, reason: Killing, type: Normal, count: 14, firstTimestamp: "2026-02-06T13:00:00Z", lastTimestamp: "2026-02-06T15:28:00Z", source: {component: kubelet}, message: "Container scheduler failed liveness probe, will be restarted"}"#
    } else {
        ""
    };
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: sched, namespace: airflow, uid: d1}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: sched}}}}, template: {{metadata: {{labels: {{app: sched}}}}, spec: {{containers: [{{name: scheduler, image: "apache/airflow:2.9.0"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: sched-5c8d7f6b9d, namespace: airflow, uid: rs1, labels: {{app: sched, pod-template-hash: 5c8d7f6b9d}}, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: sched, uid: d1, controller: true}}]}}, spec: {{replicas: 1, selector: {{matchLabels: {{app: sched}}}}, template: {{metadata: {{labels: {{app: sched}}}}, spec: {{containers: [{{name: scheduler, image: "apache/airflow:2.9.0"}}]}}}}}}, status: {{replicas: 1}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: sched-5c8d7f6b9d-2nqvx, namespace: airflow, labels: {{app: sched, pod-template-hash: 5c8d7f6b9d}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: sched-5c8d7f6b9d, uid: rs1, controller: true}}]}}, spec: {{restartPolicy: Always, nodeName: n1, containers: [{{name: scheduler, image: "apache/airflow:2.9.0", args: {args}}}]}}, status: {{phase: Running, containerStatuses: [{{name: scheduler, ready: false, restartCount: 14, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container"}}}}, lastState: {{terminated: {{exitCode: 0, reason: Completed, startedAt: "2026-02-06T15:26:00Z", finishedAt: "2026-02-06T15:28:30Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: sched.1, namespace: airflow}}, involvedObject: {{kind: Pod, name: sched-5c8d7f6b9d-2nqvx, namespace: airflow}}, reason: BackOff, type: Warning, count: 301, firstTimestamp: "2026-02-06T13:00:00Z", lastTimestamp: "2026-02-06T15:32:00Z", source: {{component: kubelet}}, message: "Back-off restarting failed container"}}{killed}
"#
    )
}

#[test]
fn a_program_that_exits_0_under_a_deployment_ran_its_command_to_its_end() {
    let out = diagnose(&load(&scheduler(
        r#"["airflow", "scheduler", "-n", "10"]"#,
        false,
    )));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "airflow",
        "sched-5c8d7f6b9d-2nqvx",
    );
    assert_root(d, Loop::Compute, "Deployment", "sched");
    assert!(d.fix.contains("airflow scheduler -n 10"), "{}", d.fix);
    assert!(!d.unexplained);
    // The symptom names the pod's workload.
    let w = d.symptom.workload.as_ref().expect("a workload");
    assert_eq!((w.kind.as_str(), w.name.as_str()), ("Deployment", "sched"));
}

#[test]
fn a_program_its_liveness_probe_stops_is_not_said_to_have_finished() {
    let out = diagnose(&load(&scheduler(r#"["airflow", "scheduler"]"#, true)));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "airflow",
        "sched-5c8d7f6b9d-2nqvx",
    );
    assert!(
        !d.root_cause.summary.contains("runs to its end"),
        "{}",
        d.root_cause.summary
    );
}

/// Velero exiting at start on its BackupStorageLocation `default`, whose
/// store answers `answer`.
fn velero(answer: &str) -> String {
    let log = format!(
        "time=x level=info msg=\\\"Checking that all backup storage locations are valid\\\"\\nAn error occurred: some backup storage locations are invalid: backup store for location \\\"default\\\" is invalid: rpc error: code = Unknown desc = {answer}\\n"
    );
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: velero.io/v1, kind: BackupStorageLocation, metadata: {{name: default, namespace: velero, uid: b1}}, spec: {{provider: aws, objectStorage: {{bucket: velero-bakcups}}, config: {{region: us-east-2}}}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: velero, namespace: velero, uid: d1}}, spec: {{selector: {{matchLabels: {{app: velero}}}}, template: {{metadata: {{labels: {{app: velero}}}}, spec: {{containers: [{{name: velero, image: "velero/velero:v1.3.2"}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: velero-5d8b, namespace: velero, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: velero, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: velero}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: velero-5d8b-g6rzt, namespace: velero, uid: p1, labels: {{app: velero}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: velero-5d8b, uid: rs1, controller: true}}]}}, spec: {{nodeName: w1, containers: [{{name: velero, image: "velero/velero:v1.3.2"}}]}}, status: {{phase: Running, containerStatuses: [{{name: velero, ready: false, restartCount: 5, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{log}", finishedAt: "2020-04-10T13:49:25Z"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_program_that_exits_on_a_custom_object_it_names_is_that_objects() {
    let out = diagnose(&load(&velero(
        "NoSuchBucket: The specified bucket does not exist",
    )));
    let d = about(&out, "CrashLoopBackOff", "velero", "velero-5d8b-g6rzt");
    assert_root(d, Loop::Storage, "BackupStorageLocation", "default");
    assert!(
        d.fix
            .contains("kubectl edit backupstoragelocation -n velero default"),
        "{}",
        d.fix
    );
    // The same object refused for want of credentials: the identity's.
    let out = diagnose(&load(&velero(
        "NoCredentialProviders: no valid providers in chain. Deprecated.",
    )));
    let d = about(&out, "CrashLoopBackOff", "velero", "velero-5d8b-g6rzt");
    assert_ne!(
        d.root_cause.object.kind,
        "BackupStorageLocation",
        "{}",
        summary(&out)
    );
}

#[test]
fn no_credentials_for_a_pod_that_asks_kube2iam_for_a_role_is_the_roles_trust() {
    let none = velero("NoCredentialProviders: no valid providers in chain. Deprecated.");
    let out = diagnose(&load(&none.replace(
        "uid: p1, labels: {app: velero}",
        "uid: p1, annotations: {iam.amazonaws.com/role: \"arn:aws:iam::1:role/heptio-ark\"}, labels: {app: velero}",
    )));
    let d = about(&out, "CrashLoopBackOff", "velero", "velero-5d8b-g6rzt");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.fix.contains("sts:AssumeRole") && d.fix.contains("kube2iam"),
        "{}",
        d.fix
    );
    // No role asked for: the node's own credentials, through the metadata service.
    let out = diagnose(&load(&none));
    let d = about(&out, "CrashLoopBackOff", "velero", "velero-5d8b-g6rzt");
    assert!(!d.fix.contains("kube2iam"), "{}", d.fix);
}

/// Rancher's cluster agent exiting on its server's certificate with `said`.
fn agent(said: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: apps/v1, kind: Deployment, metadata: {{name: cattle-cluster-agent, namespace: cattle-system, uid: d1}}, spec: {{selector: {{matchLabels: {{app: cattle-cluster-agent}}}}, template: {{metadata: {{labels: {{app: cattle-cluster-agent}}}}, spec: {{containers: [{{name: cluster-register, image: "rancher/rancher-agent:v2.3.0", env: [{{name: CATTLE_SERVER, value: "https://rancher.example.com"}}, {{name: CATTLE_CA_CHECKSUM, value: "91a4022011"}}]}}]}}}}}}}}
- {{apiVersion: apps/v1, kind: ReplicaSet, metadata: {{name: cattle-cluster-agent-6b9d, namespace: cattle-system, uid: rs1, ownerReferences: [{{apiVersion: apps/v1, kind: Deployment, name: cattle-cluster-agent, uid: d1, controller: true}}]}}, spec: {{selector: {{matchLabels: {{app: cattle-cluster-agent}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: cattle-cluster-agent-6b9d-kq7xz, namespace: cattle-system, uid: p1, labels: {{app: cattle-cluster-agent}}, ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: cattle-cluster-agent-6b9d, uid: rs1, controller: true}}]}}, spec: {{nodeName: w1, containers: [{{name: cluster-register, image: "rancher/rancher-agent:v2.3.0", env: [{{name: CATTLE_SERVER, value: "https://rancher.example.com"}}, {{name: CATTLE_CA_CHECKSUM, value: "91a4022011"}}]}}]}}, status: {{phase: Running, containerStatuses: [{{name: cluster-register, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{said}", finishedAt: "2019-10-30T10:00:00Z"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_client_that_does_not_trust_its_servers_certificate_is_the_ca_it_pins() {
    let out = diagnose(&load(&agent(
        "INFO: Environment: CATTLE_SERVER=https://rancher.example.com\\nERROR: https://rancher.example.com/ping is not accessible (SSL certificate problem: unable to get local issuer certificate)",
    )));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "cattle-system",
        "cattle-cluster-agent-6b9d-kq7xz",
    );
    assert_root(d, Loop::Identity, "Deployment", "cattle-cluster-agent");
    assert!(d.fix.contains("CATTLE_CA_CHECKSUM"), "{}", d.fix);
    // A server that cannot be reached at all is not a matter of trust.
    let out = diagnose(&load(&agent(
        "ERROR: https://rancher.example.com/ping is not accessible (Could not resolve host: rancher.example.com)",
    )));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "cattle-system",
        "cattle-cluster-agent-6b9d-kq7xz",
    );
    assert!(!d.fix.contains("CATTLE_CA_CHECKSUM"), "{}", d.fix);
}

/// The AWS Load Balancer Controller timing out on the metadata service,
/// on nodes of an EC2NodeClass with hop limit `hops`.
fn lbc(hops: u32) -> String {
    let said = r#"{\"level\":\"error\",\"logger\":\"setup\",\"msg\":\"unable to initialize AWS cloud\",\"error\":\"failed to get VPC ID: failed to fetch VPC ID from instance metadata: error in fetching vpc id through ec2 metadata: get mac metadata: operation error ec2imds: GetMetadata, canceled, context deadline exceeded\"}"#;
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1, uid: n1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: karpenter.k8s.aws/v1, kind: EC2NodeClass, metadata: {{name: default, uid: c1}}, spec: {{amiFamily: AL2023, metadataOptions: {{httpEndpoint: enabled, httpPutResponseHopLimit: {hops}, httpTokens: required}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: aws-load-balancer-controller-1, namespace: kube-system, uid: p1}}, spec: {{nodeName: w1, containers: [{{name: controller, image: "public.ecr.aws/eks/aws-load-balancer-controller:v2.9.0"}}]}}, status: {{phase: Running, containerStatuses: [{{name: controller, ready: false, restartCount: 4, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "{said}", finishedAt: "2024-11-07T10:10:57Z"}}}}}}]}}}}
"#
    )
}

#[test]
fn a_pod_that_cannot_reach_the_metadata_service_is_its_node_classs_hop_limit() {
    let out = diagnose(&load(&lbc(1)));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "aws-load-balancer-controller-1",
    );
    assert_root(d, Loop::Network, "EC2NodeClass", "default");
    assert!(d.fix.contains("httpPutResponseHopLimit: 2"), "{}", d.fix);
    let out = diagnose(&load(&lbc(2)));
    let d = about(
        &out,
        "CrashLoopBackOff",
        "kube-system",
        "aws-load-balancer-controller-1",
    );
    assert_ne!(
        d.root_cause.object.kind,
        "EC2NodeClass",
        "{}",
        summary(&out)
    );
}

fn keyvault(url: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: List
items:
- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: quick-start, namespace: default}}, spec: {{nodeName: w1, containers: [{{name: oidc, image: "ghcr.io/azure/azure-workload-identity/msal-go:latest", env: [{{name: KEYVAULT_URL, value: "{url}"}}, {{name: SECRET_NAME, value: my-secret}}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: oidc, ready: false, restartCount: 5, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: 'E1206 12:00:43.380355       1 main.go:60] "failed to get secret from keyvault" err="no Host in request URL" keyvault="{url}" secretName="my-secret"'}}}}}}]}}}}
"#
    )
}

/// Azure/azure-workload-identity#657: `KEYVAULT_URL` holds the vault's name,
/// not its URL, and Go's HTTP client says `no Host in request URL`.
#[test]
fn a_url_setting_without_scheme_and_host_is_the_setting() {
    let out = diagnose(&load(&keyvault("azwi-ky-demo-013")));
    let d = about(&out, "CrashLoopBackOff", "default", "quick-start");
    assert_root(d, Loop::Compute, "Pod", "quick-start");
    assert!(
        d.fix.contains("KEYVAULT_URL")
            && d.fix.contains("https://azwi-ky-demo-013.vault.azure.net/"),
        "{}",
        d.fix
    );
    // A full URL: the setting is not what the crash is about.
    let out = diagnose(&load(&keyvault(
        "https://azwi-ky-demo-013.vault.azure.net/",
    )));
    let d = about(&out, "CrashLoopBackOff", "default", "quick-start");
    assert!(!d.fix.contains("KEYVAULT_URL in"), "{}", d.fix);
}

/// The same global STS endpoint from a crashing pod's own words
/// (kubernetes-sigs/aws-efs-csi-driver#555).
#[test]
fn a_pod_whose_credentials_wait_on_the_global_sts_endpoint() {
    let text = r#"apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: w1}, status: {conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: sync-1, namespace: ops}, spec: {nodeName: w1, serviceAccountName: sync, containers: [{name: sync, image: "sync:1"}]}, status: {phase: Running, conditions: [{type: Ready, status: "False"}], containerStatuses: [{name: sync, ready: false, restartCount: 5, image: "", imageID: "", state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1, reason: Error, message: "fatal: WebIdentityErr: failed to retrieve credentials caused by: RequestError: send request failed caused by: Post \"https://sts.amazonaws.com/\": dial tcp 52.46.154.83:443: i/o timeout"}}}]}}
"#;
    let out = diagnose(&load(text));
    let d = about(&out, "CrashLoopBackOff", "ops", "sync-1");
    assert_root(d, Loop::Identity, "ServiceAccount", "sync");
    assert!(d.fix.contains("sts-regional-endpoints"), "{}", d.fix);
}
