//! Regressions found by auditing public install manifests (Argo CD, ingress-nginx,
//! cert-manager, metrics-server, Online Boutique, prometheus-operator and
//! kubernetes/examples; see `tests/corpus/`): each test names what was wrong.

#![allow(clippy::unwrap_used)] // test helpers unwrap their fixtures

use day2_model::{Finding, Severity, SourceKind};
use day2_rules::{Config, Context};
use day2_sources::testing::cluster_from_yaml;

fn run(code: &str, yaml: &str) -> Vec<Finding> {
    let cluster = cluster_from_yaml(yaml, SourceKind::Manifests).unwrap();
    let config = Config {
        enable: vec![code.to_owned()],
        ..Config::default()
    };
    day2_rules::run(&Context::new(&cluster, &config))
}

fn run_all(yaml: &str) -> Vec<Finding> {
    let cluster = cluster_from_yaml(yaml, SourceKind::Manifests).unwrap();
    day2_rules::run(&Context::new(&cluster, &Config::default()))
}

/// A namespace-less install (Argo CD's `install.yaml` is applied with `-n`):
/// a CRD, a cluster-scoped custom resource, an app, and three mistakes.
const NAMESPACELESS_INSTALL: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: applications.argoproj.io}
spec:
  group: argoproj.io
  scope: Namespaced
  names: {kind: Application, plural: applications}
  versions: [{name: v1alpha1, served: true, storage: true}]
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec: {acme: {server: "https://acme-v02.api.letsencrypt.org/directory"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: argocd-server}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: argocd-server}}
  template:
    metadata: {labels: {app.kubernetes.io/name: argocd-server}}
    spec:
      containers:
        - name: server
          image: quay.io/argoproj/argocd:v3.5.1
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: argocd-server}
spec:
  selector: {app.kubernetes.io/name: argocd-servr}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: argocd}
spec:
  rules:
    - host: argocd.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: argocd-ui, port: {number: 80}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: argocd-server}
spec:
  minAvailable: 1
  selector: {matchLabels: {app.kubernetes.io/name: argocd-srv}}
"#;

#[test]
fn cluster_scoped_objects_do_not_silence_the_default_namespace() {
    let nw007 = run("NW007", NAMESPACELESS_INSTALL);
    assert_eq!(nw007.len(), 1, "{nw007:?}");
    assert_eq!(nw007[0].severity, Severity::Medium);
    assert!(
        nw007[0]
            .message
            .contains("Deployment/argocd-server is close")
            && nw007[0]
                .message
                .contains("the selector wants app.kubernetes.io/name=argocd-servr"),
        "{}",
        nw007[0].message
    );
    assert_eq!(run("NW010", NAMESPACELESS_INSTALL).len(), 1);
    assert_eq!(run("CP010", NAMESPACELESS_INSTALL).len(), 1);
    // A namespaced custom resource in `default` still may create the pods.
    let with_cr = format!(
        "{NAMESPACELESS_INSTALL}---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: guestbook}}\nspec: {{}}\n"
    );
    assert!(run("NW007", &with_cr).is_empty());
}

#[test]
fn services_of_a_namespaceless_file_are_in_default_like_its_workloads() {
    let f = run("NW007", NAMESPACELESS_INSTALL);
    assert_eq!(f[0].object.namespace.as_deref(), Some("default"));
    // Cluster-scoped objects stay without a namespace.
    let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n";
    assert_eq!(run("ID006", role)[0].object.namespace, None);
}

#[test]
fn an_exporter_managed_outside_the_input_is_unknown_not_selects_nothing() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: node-exporter, namespace: monitoring}\nspec:\n  selector: {app.kubernetes.io/name: node-exporter}\n  ports: [{name: metrics, port: 9100}]\n";
    let f = run("NW007", yaml);
    assert_eq!(f[0].severity, Severity::Low);
    assert!(
        f[0].message
            .contains("unless its pods are deployed outside these files"),
        "{}",
        f[0].message
    );
}

const LIMIT_RANGE: &str = r#"
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
    - type: Container
      default: {memory: 512Mi}
      defaultRequest: {cpu: 100m, memory: 256Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "shop/web:1.0.0"}]}
"#;

#[test]
fn limit_range_defaults_cover_requests_and_memory_limits() {
    for code in ["CP001", "CP002", "CP009"] {
        assert!(run(code, LIMIT_RANGE).is_empty(), "{code}");
    }
    // Only what the LimitRange defaults is covered.
    let cpu_only = LIMIT_RANGE.replace(
        "      default: {memory: 512Mi}\n      defaultRequest: {cpu: 100m, memory: 256Mi}\n",
        "      defaultRequest: {cpu: 100m}\n",
    );
    let f = run("CP001", &cpu_only);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("has no memory request"),
        "{}",
        f[0].message
    );
    assert_eq!(run("CP002", &cpu_only).len(), 1);
}

#[test]
fn a_best_effort_pod_is_one_cp001_finding_per_container_not_two_rules() {
    let yaml = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      initContainers: [{name: wait, image: 'busybox:1.36'}]\n      containers: [{name: migrate, image: 'shop/migrate:1.0.0'}]\n";
    let f = run_all(yaml);
    assert!(f.iter().all(|f| f.rule != "CP009"), "{f:?}");
    let cp001: Vec<&Finding> = f.iter().filter(|f| f.rule == "CP001").collect();
    assert_eq!(cp001.len(), 2);
    assert!(cp001.iter().any(|f| f.message.contains("BestEffort")));
    // A Job holds its resources briefly; an init container even less.
    let sev = |name: &str, rule: &str| {
        f.iter()
            .find(|f| f.rule == rule && f.message.contains(name))
            .map(|f| f.severity)
    };
    assert_eq!(sev("`migrate`", "CP001"), Some(Severity::Medium));
    assert_eq!(sev("`wait`", "CP001"), Some(Severity::Low));
    assert_eq!(sev("`migrate`", "CP002"), Some(Severity::Low));
}

#[test]
fn a_numeric_probe_port_need_not_be_declared() {
    // ingress-nginx probes its health port 10254 without listing it.
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: controller, namespace: ingress-nginx}\nspec:\n  selector: {matchLabels: {app: c}}\n  template:\n    metadata: {labels: {app: c}}\n    spec:\n      containers:\n        - name: controller\n          image: registry.k8s.io/ingress-nginx/controller:v1.13.0\n          ports: [{name: http, containerPort: 80}]\n          livenessProbe: {httpGet: {path: /healthz, port: 10254}}\n          readinessProbe: {httpGet: {path: /healthz, port: healthz}}\n";
    let f = run("NW003", yaml);
    assert_eq!(f.len(), 1, "only the undefined port name: {f:?}");
    assert!(f[0].message.contains("port name `healthz`"));
}

#[test]
fn a_database_on_an_in_tree_disk_keeps_its_data() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: mysql, namespace: db}\nspec:\n  containers: [{name: mysql, image: 'mysql:8.4', volumeMounts: [{name: data, mountPath: /var/lib/mysql}]}]\n  volumes: [{name: data, gcePersistentDisk: {pdName: mysql-disk, fsType: ext4}}]\n";
    let f = run("ST002", yaml);
    assert_eq!(f.len(), 1);
    assert!(!f[0].message.contains("lost"), "{}", f[0].message);
    assert!(
        f[0].message.contains("gcePersistentDisk"),
        "{}",
        f[0].message
    );
}

#[test]
fn wildcard_rbac_says_non_resource_urls_and_rates_read_only_groups_low() {
    let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: metrics-reader}\nrules:\n  - {nonResourceURLs: ['*'], verbs: ['*']}\n  - {apiGroups: [metrics.k8s.io], resources: ['*'], verbs: ['*']}\n";
    let f = run("ID006", yaml);
    assert_eq!(f[0].severity, Severity::Low);
    assert!(
        f[0].message.contains("verbs [*] on non-resource URLs [*]")
            && !f[0].message.contains("resources [] in groups []"),
        "{}",
        f[0].message
    );
    let core = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin-ish}\nrules:\n  - {apiGroups: [''], resources: ['*'], verbs: ['*']}\n";
    assert_eq!(run("ID006", core)[0].severity, Severity::High);
}

#[test]
fn removed_and_wrong_api_versions_are_reported_not_dropped() {
    let yaml = r#"
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old, namespace: shop}
spec: {backend: {serviceName: web, servicePort: 80}}
---
apiVersion: apps/v1beta1
kind: Deployment
metadata: {name: beta, namespace: shop}
spec:
  selector: {matchLabels: {app: beta}}
  template:
    metadata: {labels: {app: beta}}
    spec: {containers: [{name: a, image: "x:1"}]}
---
apiVersion: v1
kind: Deployment
metadata: {name: core, namespace: shop}
spec: {}
"#;
    let f = run("CP016", yaml);
    let mut got: Vec<(String, String)> = f
        .iter()
        .map(|f| {
            (
                f.object.name.clone(),
                f.object.api_version.clone().unwrap_or_default(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("beta".to_owned(), "apps/v1beta1".to_owned()),
            ("core".to_owned(), "v1".to_owned()),
            ("old".to_owned(), "extensions/v1beta1".to_owned()),
        ]
    );
    assert!(f.iter().all(|f| f.severity == Severity::High));
    // Against a release that still serves it, a deprecated version is low.
    let cluster = cluster_from_yaml(yaml, SourceKind::Manifests).unwrap();
    let config = Config {
        enable: vec!["CP016".into()],
        kube_version: day2_rules::KubeVersion::parse("1.15"),
        ..Config::default()
    };
    let old = day2_rules::run(&Context::new(&cluster, &config));
    let ingress = old.iter().find(|f| f.object.name == "old").unwrap();
    assert_eq!(ingress.severity, Severity::Low);
}

#[test]
fn golden_log_context_is_one_finding_per_workload() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: a, image: 'x:1'}, {name: b, image: 'y:1'}]\n";
    let f = run("OB001", yaml);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("`a`") && f[0].message.contains("`b`"));
}

const WEBHOOK_AND_METRICS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: controller, namespace: ops}
spec:
  selector: {matchLabels: {app: controller}}
  template:
    metadata: {labels: {app: controller}}
    spec:
      containers:
        - name: controller
          image: "ops/controller:1.0.0"
          ports: [{name: webhook, containerPort: 9443}, {name: metrics, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: controller-webhook, namespace: ops}
spec:
  selector: {app: controller}
  ports: [{name: https, port: 443, targetPort: webhook}]
---
apiVersion: v1
kind: Service
metadata: {name: controller-metrics, namespace: ops}
spec:
  selector: {app: controller}
  ports: [{name: http-metrics, port: 8080, targetPort: metrics}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: controller}
webhooks:
  - name: validate.ops.example.com
    clientConfig: {service: {name: controller-webhook, namespace: ops, path: /validate}}
    admissionReviewVersions: [v1]
    sideEffects: None
"#;

#[test]
fn red_metrics_and_readiness_are_not_asked_of_webhooks_and_metrics_services() {
    assert!(run("OB002", WEBHOOK_AND_METRICS).is_empty());
    let nw001 = run("NW001", WEBHOOK_AND_METRICS);
    assert!(
        nw001
            .iter()
            .all(|f| !f.message.contains("controller-metrics")),
        "{nw001:?}"
    );
    // A Service that serves requests is still reported, low on manifests.
    let api = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: ops}\nspec:\n  selector: {app: controller}\n  ports: [{name: http, port: 80, targetPort: webhook}]\n";
    let f = run("OB002", &format!("{WEBHOOK_AND_METRICS}---\n{api}"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Low);
}

#[test]
fn a_namespace_without_policies_is_one_nw005_finding() {
    let two = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: shop}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: a, image: 'x:1'}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b, namespace: shop}\nspec:\n  selector: {matchLabels: {app: b}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: b, image: 'x:1'}]}\n";
    let f = run("NW005", two);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("any of its 2 workloads"),
        "{}",
        f[0].message
    );
}

#[test]
fn plain_text_passwords_are_reported_without_their_value() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: shop}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers:\n        - name: app\n          image: 'shop/app:1.0.0'\n          env:\n            - {name: POSTGRES_PASSWORD, value: correct-horse-battery}\n            - {name: TLS_KEY, value: \"-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----\"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata: {api_token: tok-123456}\n";
    let f = run("ID018", yaml);
    assert_eq!(f.len(), 3, "{f:?}");
    for finding in &f {
        for secret in ["correct-horse-battery", "MIIEow", "tok-123456"] {
            assert!(!finding.message.contains(secret), "{}", finding.message);
        }
    }
}

#[test]
fn a_tcp_probe_of_a_udp_port_always_fails() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: syslog, namespace: ops}\nspec:\n  selector: {matchLabels: {app: s}}\n  template:\n    metadata: {labels: {app: s}}\n    spec:\n      containers:\n        - name: syslog\n          image: 'balabit/syslog-ng:4.8.0'\n          ports: [{containerPort: 514, protocol: UDP}]\n          livenessProbe: {tcpSocket: {port: 514}}\n";
    let f = run("NW014", yaml);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("only as UDP"), "{}", f[0].message);
}

/// `TOKEN_TTL_SECONDS: "3600"`, `MAX_TOKENS: "4096"`, `TOKENIZER_MODEL` and
/// `SECRETS_MANAGER_REGION` are settings about secrets, not secrets: they were
/// reported as literal secrets (found writing the peer fixtures of Polaris
/// `sensitiveContainerEnvVar`, `fixtures/ID018/peer-setting-names.silent.yaml`
/// and `peer-llm-and-vault-settings.silent.yaml`).
#[test]
fn settings_named_after_a_secret_are_not_secrets() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: shop}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers:\n        - name: app\n          image: 'shop/app:1.0.0'\n          env:\n            - {name: TOKEN_TTL_SECONDS, value: '3600'}\n            - {name: SESSION_TOKEN_MAX_AGE, value: '86400'}\n            - {name: JWT_SECRET_ALGORITHM, value: HS256}\n            - {name: MAX_TOKENS, value: '4096'}\n            - {name: TOKENIZER_MODEL, value: bert-base-uncased}\n            - {name: SECRETS_MANAGER_REGION, value: eu-west-1}\n            - {name: MINIO_SECRET_KEY, value: minio-secret-123}\n            - {name: ADMIN_PASSWORD, value: hunter2-again}\n";
    let f = run("ID018", yaml);
    let names: Vec<&str> = f
        .iter()
        .filter_map(|x| x.message.split('`').nth(3))
        .collect();
    assert_eq!(names, ["MINIO_SECRET_KEY", "ADMIN_PASSWORD"], "{f:?}");
}

/// A `tls` section that covers one host of the Ingress left the others on
/// plain HTTP unreported (found writing the peer fixtures of Polaris
/// `tlsSettingsMissing`, `fixtures/NW013/differs-host-outside-tls.fire.yaml`).
#[test]
fn a_host_left_out_of_tls_is_served_over_plain_http() {
    let ingress = |tls_hosts: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: shop, namespace: shop}}\nspec:\n  tls: [{{hosts: [{tls_hosts}], secretName: shop-tls}}]\n  rules:\n    - {{host: shop.example.com, http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}]}}}}\n    - {{host: api.example.com, http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: api, port: {{number: 80}}}}}}}}]}}}}\n"
        )
    };
    let f = run("NW013", &ingress("shop.example.com"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].message
            .contains("serves api.example.com over plain HTTP")
            && !f[0].message.contains("serves shop.example.com"),
        "{}",
        f[0].message
    );
    assert!(run("NW013", &ingress("shop.example.com, api.example.com")).is_empty());
    assert!(run("NW013", &ingress("'*.example.com'")).is_empty());
}

/// `GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/gcp/key.json` and
/// `AWS_SECRET_ACCESS_KEY=$(S3_SECRET)` say where the credential is, not
/// what it is: they were reported as literal keys (found writing the peer
/// fixtures of Polaris `sensitiveContainerEnvVar`,
/// `fixtures/ID003/peer-placeholders.silent.yaml`). An AWS secret key that
/// starts with `/` is still a key.
#[test]
fn credential_paths_and_references_are_not_literal_credentials() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: shop}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers:\n        - name: app\n          image: 'shop/app:1.0.0'\n          env:\n            - {name: GOOGLE_APPLICATION_CREDENTIALS, value: /var/run/secrets/gcp/key.json}\n            - {name: AWS_SECRET_ACCESS_KEY, value: $(S3_SECRET)}\n        - name: sync\n          image: 'shop/sync:1.0.0'\n          env:\n            - {name: AWS_SECRET_ACCESS_KEY, value: /K7MDENG/bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata: {GOOGLE_APPLICATION_CREDENTIALS: /var/run/secrets/gcp/key.json}\n";
    let f = run("ID003", yaml);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].message.contains("`sync`") && f[0].message.contains("AWS secret access key"),
        "{}",
        f[0].message
    );
}

/// A Deployment written as `app/v1` (a typo of `apps/v1`) was dropped from the
/// analysis without a word, and, read as an operator's custom resource in
/// `default`, switched off CP010, NW010 and CP015 there: the PodDisruptionBudget
/// and the Ingress of this file that select nothing went unreported. The API
/// server refuses both objects with `no matches for kind "Deployment" in
/// version "app/v1"` (the `NoKindMatchError` of
/// https://github.com/kubernetes/apimachinery/blob/master/pkg/api/meta/errors.go).
#[test]
fn a_mistyped_api_group_or_kind_is_reported_and_silences_nothing() {
    let yaml = r#"
apiVersion: app/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "shop/web:1.0.0"}]}
---
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: api}
spec: {}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"#;
    let f = run("CP016", yaml);
    let mut got: Vec<(&str, &str, Severity)> = f
        .iter()
        .map(|f| {
            (
                f.object.name.as_str(),
                f.object.api_version.as_deref().unwrap_or(""),
                f.severity,
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("api", "apps/v1", Severity::High),
            ("web", "app/v1", Severity::High)
        ]
    );
    // Reported in `default`, like the rest of the namespace-less file.
    assert!(
        f.iter()
            .all(|f| f.object.namespace.as_deref() == Some("default")),
        "{f:?}"
    );
    let web = f.iter().find(|f| f.object.name == "web").unwrap();
    assert!(
        web.message.ends_with("Deployment is apps/v1"),
        "{}",
        web.message
    );
    assert_eq!(run("CP010", yaml).len(), 1);
    assert_eq!(run("NW010", yaml).len(), 1);
}

/// A PostgreSQL Deployment whose only persistent volume is a backup
/// sidecar's NFS share was told it "runs PostgreSQL on volume `backup` (nfs)",
/// as if its data were kept, and a database mounting a certificate from
/// cert-manager's csi-driver (https://cert-manager.io/docs/usage/csi-driver/)
/// as if the certificate were its disk: only the database container's own
/// mounts hold its data.
#[test]
fn only_the_database_containers_own_mounts_keep_its_data() {
    let yaml = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders-db, namespace: shop}
spec:
  selector: {matchLabels: {app: orders-db}}
  template:
    metadata: {labels: {app: orders-db}}
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          volumeMounts: [{name: tls, mountPath: /tls}]
        - name: backup
          image: restic/restic:0.17.0
          volumeMounts: [{name: backup, mountPath: /backup}]
      volumes:
        - {name: backup, nfs: {server: nfs.example.com, path: /backups}}
        - name: tls
          csi: {driver: csi.cert-manager.io, readOnly: true, volumeAttributes: {csi.cert-manager.io/issuer-name: ca}}
"#;
    let f = run("ST002", yaml);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].message.contains("without a persistent volume")
            && f[0].message.contains("data is lost"),
        "{}",
        f[0].message
    );
    // Mounted by the database itself, the share keeps the data.
    let own = yaml.replace(
        "volumeMounts: [{name: tls, mountPath: /tls}]",
        "volumeMounts: [{name: backup, mountPath: /var/lib/postgresql/data}]",
    );
    let f = run("ST002", &own);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].message.contains("on volume `backup` (nfs)"),
        "{}",
        f[0].message
    );
}

/// A namespace-less ServiceMonitor that selects nothing was reported in
/// namespace `null` while the file's Services and workloads, which the same
/// `kubectl apply` puts in the same namespace, were reported in `default`.
#[test]
fn custom_resources_of_a_namespaceless_file_are_in_default_too() {
    let yaml = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\nspec: {selector: {matchLabels: {app: web}}, endpoints: [{port: metrics}]}\n";
    let f = run("OB004", yaml);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].object.namespace.as_deref(), Some("default"));
    // A cluster-scoped custom resource stays without a namespace.
    let cluster =
        "apiVersion: app.example.com/v1\nkind: ClusterWidget\nmetadata: {name: w}\nspec: {}\n";
    let yaml = format!("{yaml}---\n{}", cluster.replace("app.example.com", "app"));
    let f = run("CP016", &yaml);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].object.namespace, None);
}
