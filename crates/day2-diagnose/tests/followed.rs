//! Causes followed past the symptom's own object: Calico's BGP mesh to the
//! node addresses (projectcalico/calico#3541, #4059), an Ingress's TLS
//! Secret to the namespace it sits in (MicrosoftDocs/azure-docs#64792), a
//! missing Secret to the ExternalSecret that writes it and the role AWS saw
//! (external-secrets/kubernetes-external-secrets#452), a refused write to
//! the volume's class (bitnami/bitnami-docker-drupal#113), an init
//! container's wait loop to the Service it checks (chatwoot/charts#200), an
//! image's user refused on a node directory (emqx/emqx-operator#97), and
//! PostgreSQL refusing its data directory's mode (goharbor/harbor#15285).

mod common;

use common::*;
use day2_model::Loop;

fn list(items: &str) -> String {
    format!("apiVersion: v1\nkind: List\nitems:\n{items}")
}

fn node(name: &str, ip: &str, calico: &str) -> String {
    format!(
        "- {{apiVersion: v1, kind: Node, metadata: {{name: {name}, annotations: {{projectcalico.org/IPv4Address: \"{calico}/24\"}}}}, status: {{addresses: [{{type: InternalIP, address: \"{ip}\"}}], conditions: [{{type: Ready, status: \"True\"}}]}}}}\n"
    )
}

fn calico(nodes: &str, peers: &str) -> String {
    list(&format!(
        r#"{nodes}- {{apiVersion: apps/v1, kind: DaemonSet, metadata: {{name: calico-node, namespace: kube-system, uid: ds1}}, spec: {{selector: {{matchLabels: {{k8s-app: calico-node}}}}, template: {{metadata: {{labels: {{k8s-app: calico-node}}}}, spec: {{containers: [{{name: calico-node, image: "calico/node:v3.14"}}]}}}}}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: calico-node-a, namespace: kube-system, labels: {{k8s-app: calico-node}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: calico-node, uid: ds1, controller: true}}]}}, spec: {{nodeName: n1, containers: [{{name: calico-node, image: "calico/node:v3.14", readinessProbe: {{exec: {{command: [/bin/calico-node, -bird-ready]}}, periodSeconds: 10}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "False"}}], containerStatuses: [{{name: calico-node, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: calico-node-a.1, namespace: kube-system}}, involvedObject: {{kind: Pod, name: calico-node-a, namespace: kube-system}}, reason: Unhealthy, type: Warning, count: 300, firstTimestamp: "2026-06-20T08:01:00Z", lastTimestamp: "2026-06-20T09:00:00Z", source: {{component: kubelet, host: n1}}, message: "Readiness probe failed: calico/node is not ready: BIRD is not ready: BGP not established with {peers}"}}
"#
    ))
}

#[test]
fn a_calico_address_that_is_not_the_nodes_is_its_autodetection() {
    let nodes = [
        node("n1", "192.168.10.7", "172.17.10.7"),
        node("n2", "192.168.10.8", "192.168.10.8"),
    ]
    .concat();
    let out = diagnose(&load(&calico(&nodes, "192.168.10.8")));
    let d = about(&out, "ProbeFailing", "kube-system", "calico-node-a");
    assert_root(d, Loop::Network, "DaemonSet", "calico-node");
    assert!(d.fix.contains("IP_AUTODETECTION_METHOD"), "{}", d.fix);
}

#[test]
fn peers_on_their_own_addresses_mean_the_path_blocks_bgp() {
    let nodes = [
        node("n1", "192.168.1.10", "192.168.1.10"),
        node("n2", "192.168.20.13", "192.168.20.13"),
    ]
    .concat();
    let out = diagnose(&load(&calico(&nodes, "192.168.20.13")));
    let d = about(&out, "ProbeFailing", "kube-system", "calico-node-a");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(d.fix.contains("TCP 179"), "{}", d.fix);
}

const WEB: &str = r#"- {apiVersion: v1, kind: Node, metadata: {name: w1}, status: {conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: web-1, namespace: web, labels: {app: web}}, spec: {nodeName: w1, containers: [{name: c, image: "x:1"}]}, status: {phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: c, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2026-06-20T08:00:00Z"}}}]}}
- {apiVersion: v1, kind: Service, metadata: {name: web, namespace: web}, spec: {selector: {app: web}, ports: [{port: 80}]}}
- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: web, namespace: web}, spec: {tls: [{hosts: [web.example.com], secretName: web-tls}], rules: [{host: web.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}}
"#;

#[test]
fn a_tls_secret_in_another_namespace_is_copied_next_to_the_ingress() {
    let text = list(&format!(
        "{WEB}- {{apiVersion: v1, kind: Secret, metadata: {{name: web-tls, namespace: ingress}}, type: kubernetes.io/tls, data: {{tls.crt: QQ==, tls.key: QQ==}}}}\n"
    ));
    let out = diagnose(&load(&text));
    let d = about(&out, "IngressBackendUnavailable", "web", "web");
    assert_root(d, Loop::Network, "Ingress", "web");
    assert!(d.fix.contains("web-tls --namespace=ingress"), "{}", d.fix);
    // The Secret where it belongs: nothing to say.
    let text = list(&format!(
        "{WEB}- {{apiVersion: v1, kind: Secret, metadata: {{name: web-tls, namespace: web}}, type: kubernetes.io/tls, data: {{tls.crt: QQ==, tls.key: QQ==}}}}\n"
    ));
    let out = diagnose(&load(&text));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
    // No Secret of the namespace or of that name in the input: not judged.
    let out = diagnose(&load(&list(WEB)));
    assert!(out.diagnoses.is_empty(), "{}", summary(&out));
}

#[test]
fn a_missing_secret_follows_its_external_secret_to_the_role_aws_saw() {
    let text = list(
        r#"- {apiVersion: v1, kind: Node, metadata: {name: w1}, status: {conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: kes, namespace: es, annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::1:role/eks-external-secrets"}}}
- {apiVersion: apps/v1, kind: Deployment, metadata: {name: kubernetes-external-secrets, namespace: es, uid: d1}, spec: {selector: {matchLabels: {app: kes}}, template: {metadata: {labels: {app: kes}}, spec: {serviceAccountName: kes, containers: [{name: kes, image: "kes:4"}]}}}}
- {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: kubernetes-external-secrets-7c9f, namespace: es, uid: r1, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: kubernetes-external-secrets, uid: d1, controller: true}]}, spec: {selector: {matchLabels: {app: kes}}, template: {metadata: {labels: {app: kes}}, spec: {serviceAccountName: kes, containers: [{name: kes, image: "kes:4"}]}}}}
- {apiVersion: v1, kind: Pod, metadata: {name: kubernetes-external-secrets-7c9f-p4w, namespace: es, labels: {app: kes}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: kubernetes-external-secrets-7c9f, uid: r1, controller: true}]}, spec: {nodeName: w1, serviceAccountName: kes, securityContext: {runAsUser: 1000}, containers: [{name: kes, image: "kes:4"}]}, status: {phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: kes, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2026-06-20T08:00:00Z"}}}]}}
- {apiVersion: kubernetes-client.io/v1, kind: ExternalSecret, metadata: {name: app, namespace: shop}, spec: {backendType: secretsManager}, status: {status: "ERROR, User: arn:aws:sts::1:assumed-role/eksctl-ng-1-NodeInstanceRole-1QW9/i-0a6e4f2b19c7d3e58 is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:1:secret:app"}}
- {apiVersion: v1, kind: Pod, metadata: {name: app-1, namespace: shop}, spec: {nodeName: w1, containers: [{name: app, image: "app:1", envFrom: [{secretRef: {name: app}}]}]}, status: {phase: Pending, containerStatuses: [{name: app, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: CreateContainerConfigError, message: "secret \"app\" not found"}}}]}}
"#,
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "CreateContainerConfigError", "shop", "app-1");
    assert_root(
        d,
        Loop::Identity,
        "Deployment",
        "kubernetes-external-secrets",
    );
    assert!(d.fix.contains("fsGroup"), "{}", d.fix);
    assert!(
        d.root_cause.summary.contains("user 1000"),
        "{}",
        d.root_cause.summary
    );
}

fn db(fs_group: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: file-bronze}}, provisioner: ibm.io/ibmc-file}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-db-0, namespace: shop}}, spec: {{storageClassName: file-bronze, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 8Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: db-0, namespace: shop}}, spec: {{nodeName: w1, securityContext: {{runAsUser: 1001{fs_group}}}, containers: [{{name: db, image: "mariadb:10", volumeMounts: [{{name: data, mountPath: /bitnami/mariadb}}]}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-db-0}}}}]}}, status: {{phase: Running, containerStatuses: [{{name: db, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "mkdir: cannot create directory '/bitnami/mariadb/data': Permission denied\n"}}}}}}]}}}}
"#
    ))
}

#[test]
fn a_write_refused_on_a_claims_volume_is_its_class_or_the_missing_fs_group() {
    let out = diagnose(&load(&db(", fsGroup: 1001")));
    let d = about(&out, "CrashLoopBackOff", "shop", "db-0");
    assert_root(d, Loop::Storage, "StorageClass", "file-bronze");
    assert!(d.fix.contains("volumePermissions"), "{}", d.fix);
    let out = diagnose(&load(&db("")));
    let d = about(&out, "CrashLoopBackOff", "shop", "db-0");
    assert_root(d, Loop::Storage, "Pod", "db-0");
    assert!(d.fix.contains("fsGroup: 1001"), "{}", d.fix);
}

/// A broker that runs as its image's user (no `runAsUser`) on a claim
/// bound to `pv` (emqx/emqx-operator#97: a hand-made hostPath volume).
fn image_user_on(pv: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: standard}}, provisioner: pd.csi.storage.gke.io}}
{pv}- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-emqx-0, namespace: mq}}, spec: {{storageClassName: standard, volumeName: pv-emqx, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: emqx-0, namespace: mq}}, spec: {{nodeName: w1, containers: [{{name: emqx, image: "emqx/emqx:4.3", volumeMounts: [{{name: data, mountPath: /opt/emqx/data}}]}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-emqx-0}}}}]}}, status: {{phase: Running, containerStatuses: [{{name: emqx, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: "mkdir: cannot create directory '/opt/emqx/data/configs': Permission denied\n"}}}}}}]}}}}
"#
    ))
}

#[test]
fn an_image_users_write_refused_on_a_node_directory_is_the_volume() {
    let host = "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-emqx}, spec: {storageClassName: standard, capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /mnt/data/emqx}, claimRef: {name: data-emqx-0, namespace: mq}}, status: {phase: Bound}}\n";
    let out = diagnose(&load(&image_user_on(host)));
    let d = about(&out, "CrashLoopBackOff", "mq", "emqx-0");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "data-emqx-0");
    assert!(
        d.fix.contains("chown -R <uid>:<gid> /mnt/data/emqx"),
        "{}",
        d.fix
    );
    // A `local` volume takes the pod's fsGroup on its first mount, as a
    // disk does: the template lacks it.
    let local = host.replace(
        "hostPath: {path: /mnt/data/emqx}",
        "local: {path: /mnt/disks/emqx}",
    );
    let out = diagnose(&load(&image_user_on(&local)));
    let d = about(&out, "CrashLoopBackOff", "mq", "emqx-0");
    assert_root(d, Loop::Compute, "Pod", "emqx-0");
    assert!(d.fix.contains("fsGroup"), "{}", d.fix);
    // A disk the kubelet gives to an fsGroup: the template lacks it.
    let out = diagnose(&load(&image_user_on("")));
    let d = about(&out, "CrashLoopBackOff", "mq", "emqx-0");
    assert_root(d, Loop::Compute, "Pod", "emqx-0");
    assert!(d.fix.contains("fsGroup"), "{}", d.fix);
}

/// PostgreSQL on a claim refusing its data directory's mode
/// (goharbor/harbor#15285), its pod's securityContext `sc`.
fn pg_refusing(sc: &str, said: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {{name: gp2}}, provisioner: ebs.csi.aws.com}}
- {{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {{name: data-db-0, namespace: harbor}}, spec: {{storageClassName: gp2, accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}, status: {{phase: Bound}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: db-0, namespace: harbor}}, spec: {{nodeName: w1, securityContext: {{{sc}}}, containers: [{{name: database, image: "goharbor/harbor-db:v2.3.0", volumeMounts: [{{name: data, mountPath: /var/lib/postgresql/data}}]}}], volumes: [{{name: data, persistentVolumeClaim: {{claimName: data-db-0}}}}]}}, status: {{phase: Running, containerStatuses: [{{name: database, ready: false, restartCount: 6, image: "", imageID: "", state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, message: {said:?}}}}}}}]}}}}
"#
    ))
}

#[test]
fn postgres_refusing_its_data_directorys_mode_is_the_volume() {
    let said = "2021-07-07 23:32:28.593 UTC [1] FATAL:  data directory \"/var/lib/postgresql/data/pgdata/pg13\" has invalid permissions\n2021-07-07 23:32:28.593 UTC [1] DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).\n";
    let out = diagnose(&load(&pg_refusing("runAsUser: 999, fsGroup: 999", said)));
    let d = about(&out, "CrashLoopBackOff", "harbor", "db-0");
    assert_root(d, Loop::Storage, "PersistentVolumeClaim", "data-db-0");
    assert!(
        d.fix
            .contains("chmod 0700 /var/lib/postgresql/data/pgdata/pg13")
            && d.root_cause.summary.contains("fsGroup 999"),
        "{}",
        d.fix
    );
    // PostgreSQL stopping for another reason is not the mode.
    let other = "FATAL:  could not open file \"global/pg_filenode.map\": Permission denied\n";
    let out = diagnose(&load(&pg_refusing("runAsUser: 999, fsGroup: 999", other)));
    let d = about(&out, "CrashLoopBackOff", "harbor", "db-0");
    assert!(!d.fix.contains("chmod 0700"), "{}", d.fix);
}

fn waiting(check: &str, redis_ready: bool) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: redis-0, namespace: chat, labels: {{app: redis}}}}, spec: {{nodeName: w1, containers: [{{name: redis, image: "redis:7"}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "{r}"}}], containerStatuses: [{{name: redis, ready: {redis_ready}, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:00Z"}}}}}}]}}}}
- {{apiVersion: v1, kind: Service, metadata: {{name: redis, namespace: chat}}, spec: {{selector: {{app: redis}}, ports: [{{port: 6379}}]}}}}
- {{apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {{name: redis-1, namespace: chat, labels: {{kubernetes.io/service-name: redis}}}}, addressType: IPv4, endpoints: [{{addresses: ["10.0.0.5"], conditions: {{ready: {redis_ready}}}, targetRef: {{kind: Pod, name: redis-0, namespace: chat}}}}], ports: [{{port: 6379}}]}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: migrate-1, namespace: chat, creationTimestamp: "2026-06-20T08:00:00Z"}}, spec: {{nodeName: w1, initContainers: [{{name: init-redis, image: "busybox:1.37", command: [sh, -c, "until {check}; do sleep 2; done"]}}], containers: [{{name: migrate, image: "app:1"}}]}}, status: {{phase: Pending, conditions: [{{type: Initialized, status: "False"}}], initContainerStatuses: [{{name: init-redis, ready: false, restartCount: 0, image: "", imageID: "", state: {{running: {{startedAt: "2026-06-20T08:00:01Z"}}}}}}], containerStatuses: [{{name: migrate, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: PodInitializing}}}}}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: chat}}, involvedObject: {{kind: Pod, name: redis-0, namespace: chat}}, reason: Pulled, type: Normal, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:00:00Z", message: "Container image already present"}}
"#,
        r = if redis_ready { "True" } else { "False" }
    ))
}

#[test]
fn an_init_wait_on_a_service_that_is_up_is_the_check_itself() {
    let out = diagnose(&load(&waiting("nslookup redis", true)));
    let d = about(&out, "PodPending", "chat", "migrate-1");
    assert_root(d, Loop::Compute, "Pod", "migrate-1");
    assert!(d.fix.contains("nslookup redis"), "{}", d.fix);
    // A name no Service has: the reference.
    let out = diagnose(&load(&waiting("nslookup postgres", true)));
    let d = about(&out, "PodPending", "chat", "migrate-1");
    assert!(
        d.root_cause.summary.contains("no Service chat/postgres"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_store_refused_by_entra_id_is_outside_the_cluster() {
    let text = list(
        r#"- {apiVersion: v1, kind: Node, metadata: {name: w1}, status: {conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: external-secrets, namespace: es, annotations: {azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000001"}}}
- {apiVersion: external-secrets.io/v1beta1, kind: ClusterSecretStore, metadata: {name: azure-keyvault}, spec: {provider: {azurekv: {authType: WorkloadIdentity, serviceAccountRef: {name: external-secrets, namespace: es}}}}, status: {conditions: [{type: Ready, status: "False", reason: InvalidProviderConfig, message: "unable to validate store"}]}}
- {apiVersion: v1, kind: Event, metadata: {name: kv.1, namespace: default}, involvedObject: {kind: ClusterSecretStore, name: azure-keyvault, apiVersion: external-secrets.io/v1beta1}, reason: InvalidProviderConfig, type: Warning, firstTimestamp: "2026-06-20T09:00:00Z", lastTimestamp: "2026-06-20T09:30:00Z", message: "unable to log in: AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://oidc.example/issuer/'. Assertion Subject: 'system:serviceaccount:es:external-secrets'."}
- {apiVersion: external-secrets.io/v1beta1, kind: ExternalSecret, metadata: {name: api, namespace: shop}, spec: {secretStoreRef: {kind: ClusterSecretStore, name: azure-keyvault}, target: {name: api-env}}, status: {conditions: [{type: Ready, status: "False", reason: SecretSyncedError, message: "could not get ClusterSecretStore \"azure-keyvault\", ClusterSecretStore \"azure-keyvault\" is not ready"}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: shop}, spec: {nodeName: w1, containers: [{name: api, image: "api:1", envFrom: [{secretRef: {name: api-env}}]}]}, status: {phase: Pending, containerStatuses: [{name: api, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: CreateContainerConfigError, message: "secret \"api-env\" not found"}}}]}}
"#,
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "CreateContainerConfigError", "shop", "api-1");
    assert!(d.unexplained, "{}", summary(&out));
    assert!(
        d.fix.contains("issuer https://oidc.example/issuer/")
            && d.fix
                .contains("subject system:serviceaccount:es:external-secrets"),
        "{}",
        d.fix
    );
}

#[test]
fn flannel_without_a_pod_cidr_is_the_node_even_in_a_kubelet_1_5_event() {
    // kubernetes/kubernetes#36575: kubeadm init without --pod-network-cidr.
    let text = list(
        r#"- {apiVersion: v1, kind: Node, metadata: {name: master}, spec: {}, status: {conditions: [{type: Ready, status: "True"}]}}
- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: kube-flannel-ds, namespace: kube-system, uid: ds1}, spec: {selector: {matchLabels: {app: flannel}}, template: {metadata: {labels: {app: flannel}}, spec: {containers: [{name: kube-flannel, image: "flannel:0.7"}]}}}}
- {apiVersion: v1, kind: Pod, metadata: {name: kube-flannel-ds-1, namespace: kube-system, labels: {app: flannel}, ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: kube-flannel-ds, uid: ds1, controller: true}]}, spec: {nodeName: master, hostNetwork: true, containers: [{name: kube-flannel, image: "flannel:0.7"}]}, status: {phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: kube-flannel, ready: true, restartCount: 0, image: "", imageID: "", state: {running: {startedAt: "2026-06-20T08:00:00Z"}}}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: kube-dns-1, namespace: kube-system}, spec: {nodeName: master, containers: [{name: kubedns, image: "kubedns:1.9"}]}, status: {phase: Pending, containerStatuses: [{name: kubedns, ready: false, restartCount: 0, image: "", imageID: "", state: {waiting: {reason: ContainerCreating}}}]}}
- {apiVersion: v1, kind: Event, metadata: {name: kube-dns-1.1, namespace: kube-system}, involvedObject: {kind: Pod, name: kube-dns-1, namespace: kube-system}, reason: FailedSync, type: Warning, count: 40, firstTimestamp: "2026-06-20T08:01:00Z", lastTimestamp: "2026-06-20T08:30:00Z", source: {component: kubelet, host: master}, message: "Error syncing pod, skipping: failed to \"SetupNetwork\" for \"kube-dns-1_kube-system\" with SetupNetworkError: \"Failed to setup network for pod \\\"kube-dns-1_kube-system(1)\\\" using network plugins \\\"cni\\\": open /run/flannel/subnet.env: no such file or directory; Skipping pod\""}
"#,
    );
    let out = diagnose(&load(&text));
    let d = about(&out, "SandboxCreateFailed", "kube-system", "kube-dns-1");
    assert_root(d, Loop::Network, "Node", "master");
    assert!(d.fix.contains("--pod-network-cidr"), "{}", d.fix);
}

/// An External Secrets store authenticating as ServiceAccount `frontend`
/// (`annotations`), its ExternalSecret refused with `refusal`.
fn eso(annotations: &str, refusal: &str) -> String {
    list(&format!(
        r#"- {{apiVersion: v1, kind: Node, metadata: {{name: w1}}, status: {{conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: ServiceAccount, metadata: {{name: frontend, namespace: demo, annotations: {{{annotations}}}}}}}
- {{apiVersion: external-secrets.io/v1beta1, kind: SecretStore, metadata: {{name: frontend, namespace: demo}}, spec: {{provider: {{aws: {{service: SecretsManager, region: eu-west-1, auth: {{jwt: {{serviceAccountRef: {{name: frontend}}}}}}}}}}}}, status: {{conditions: [{{type: Ready, status: "True", reason: Valid, message: store validated}}]}}}}
- {{apiVersion: external-secrets.io/v1beta1, kind: ExternalSecret, metadata: {{name: frontend, namespace: demo, uid: es1}}, spec: {{secretStoreRef: {{kind: SecretStore, name: frontend}}, target: {{name: frontend}}}}, status: {{conditions: [{{type: Ready, status: "False", reason: SecretSyncedError, message: could not get secret data from provider}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e1, namespace: demo}}, involvedObject: {{apiVersion: external-secrets.io/v1beta1, kind: ExternalSecret, name: frontend, namespace: demo, uid: es1}}, reason: UpdateFailed, type: Warning, count: 4, firstTimestamp: "2022-03-09T10:22:08Z", lastTimestamp: "2022-03-09T10:40:08Z", source: {{component: external-secrets}}, message: {refusal:?}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: frontend-1, namespace: demo}}, spec: {{nodeName: w1, containers: [{{name: app, image: "app:1", envFrom: [{{secretRef: {{name: frontend}}}}]}}]}}, status: {{phase: Pending, containerStatuses: [{{name: app, ready: false, restartCount: 0, image: "", imageID: "", state: {{waiting: {{reason: CreateContainerConfigError, message: "secret \"frontend\" not found"}}}}}}]}}}}
"#
    ))
}

#[test]
fn an_external_secrets_account_without_an_irsa_role_is_that_accounts_annotation() {
    // external-secrets/external-secrets#816: the account carries kiam's
    // annotation, which IRSA does not read.
    let refused = "unable to create session: an IAM role must be associated with service account frontend (namespace: demo)";
    let out = diagnose(&load(&eso(
        r#"iam.amazonaws.com/role: "arn:aws:iam::1234567890:role/frontend""#,
        refused,
    )));
    let d = about(&out, "CreateContainerConfigError", "demo", "frontend-1");
    assert_root(d, Loop::Identity, "ServiceAccount", "frontend");
    assert!(
        d.fix
            .contains("eks.amazonaws.com/role-arn: arn:aws:iam::1234567890:role/frontend"),
        "{}",
        d.fix
    );
    // Another refusal of the same store is not the account's annotation.
    let out = diagnose(&load(&eso(
        r#"eks.amazonaws.com/role-arn: "arn:aws:iam::1234567890:role/frontend""#,
        "AccessDeniedException: User: arn:aws:sts::1234567890:assumed-role/frontend/s is not authorized to perform: secretsmanager:GetSecretValue",
    )));
    let d = about(&out, "CreateContainerConfigError", "demo", "frontend-1");
    assert!(!d.fix.contains("Annotate ServiceAccount"), "{}", d.fix);
}
