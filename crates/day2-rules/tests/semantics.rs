//! Kubernetes semantics the rules must get right (each of these is a known
//! false positive or false negative of some peer tool).

#![allow(clippy::unwrap_used)] // test helpers unwrap their fixtures

use day2_model::{Finding, Severity, SourceKind};
use day2_rules::{Config, Context};
use day2_sources::testing::cluster_from_yaml;

fn run(code: &str, yaml: &str, kind: SourceKind) -> Vec<Finding> {
    let cluster = cluster_from_yaml(yaml, kind).unwrap();
    let config = Config {
        enable: vec![code.to_owned()],
        ..Config::default()
    };
    day2_rules::run(&Context::new(&cluster, &config))
}

fn names(f: &[Finding]) -> Vec<String> {
    f.iter().map(|f| f.object.to_string()).collect()
}

const WEB: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec:
      containers:
        - name: web
          image: shop/web:1.0.0
          ports: [{name: http, containerPort: 8080}]
"#;

// ---------------------------------------------------------------- NetworkPolicy

#[test]
fn empty_pod_selector_selects_every_pod() {
    let yaml = format!(
        "{WEB}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny, namespace: shop}}\nspec:\n  podSelector: {{}}\n  policyTypes: [Ingress]\n"
    );
    assert!(run("NW005", &yaml, SourceKind::Manifests).is_empty());
    assert!(run("NW004", &yaml, SourceKind::Snapshot).is_empty());
}

#[test]
fn absent_pod_selector_selects_every_pod() {
    let yaml = format!(
        "{WEB}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny, namespace: shop}}\nspec:\n  policyTypes: [Ingress]\n"
    );
    assert!(run("NW005", &yaml, SourceKind::Manifests).is_empty());
}

#[test]
fn policy_types_default_includes_ingress_and_egress_only_policies_do_not_isolate_ingress() {
    // No policyTypes and egress rules: types are [Ingress, Egress]; ingress is denied.
    let implied = format!(
        "{WEB}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: egress, namespace: shop}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  egress: [{{to: [{{podSelector: {{}}}}]}}]\n"
    );
    assert!(run("NW005", &implied, SourceKind::Manifests).is_empty());
    // Explicit Egress only: the pods are not isolated for ingress.
    let egress_only = format!(
        "{WEB}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: egress, namespace: shop}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  policyTypes: [Egress]\n  egress: [{{to: [{{podSelector: {{}}}}]}}]\n"
    );
    assert_eq!(
        names(&run("NW005", &egress_only, SourceKind::Manifests)),
        ["Deployment/shop/web"]
    );
}

#[test]
fn policy_selector_requirements_are_anded() {
    let yaml = format!(
        "{WEB}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: shop}}\nspec:\n  podSelector:\n    matchLabels: {{app: web}}\n    matchExpressions: [{{key: tier, operator: NotIn, values: [frontend]}}]\n  policyTypes: [Ingress]\n"
    );
    assert_eq!(
        names(&run("NW005", &yaml, SourceKind::Manifests)),
        ["Deployment/shop/web"]
    );
}

const POSTGRES: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports: [{name: pg, containerPort: 5432}]
"#;

#[test]
fn database_reachability_resolves_named_ports_and_peers() {
    // A named port that resolves to the database port, open to the whole namespace.
    let open = format!(
        "{POSTGRES}---{WEB}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: db, namespace: shop}}\nspec:\n  podSelector: {{matchLabels: {{app: db}}}}\n  ingress: [{{ports: [{{port: pg}}], from: [{{podSelector: {{}}}}]}}]\n"
    );
    let f = run("NW006", &open, SourceKind::Manifests);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Medium);
    // The same rule on another port does not open the database port.
    let other_port = open.replace("port: pg", "port: 9187");
    assert!(run("NW006", &other_port, SourceKind::Manifests).is_empty());
    // An empty namespaceSelector admits every pod of every namespace.
    let all_ns = open.replace("podSelector: {}}]", "namespaceSelector: {}}]");
    let f = run("NW006", &all_ns, SourceKind::Manifests);
    assert_eq!(f[0].severity, Severity::High, "{f:#?}");
    // A namespaceSelector together with a podSelector in one peer is an AND.
    let anded = open.replace(
        "podSelector: {}}]",
        "namespaceSelector: {}, podSelector: {matchLabels: {app: api}}}]",
    );
    assert!(run("NW006", &anded, SourceKind::Manifests).is_empty());
}

#[test]
fn database_reachability_on_a_snapshot_honours_the_sources_egress() {
    // No ingress policy on the database, but every other pod's egress is denied.
    let yaml = format!(
        "{POSTGRES}---{WEB}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny-egress, namespace: shop}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n  policyTypes: [Egress]\n"
    );
    assert!(run("NW006", &yaml, SourceKind::Snapshot).is_empty());
    // On manifests the sources outside the input still reach it.
    assert_eq!(run("NW006", &yaml, SourceKind::Manifests).len(), 1);
}

// ---------------------------------------------------------------- PodDisruptionBudget

fn pdb(selector: &str) -> String {
    format!(
        "{WEB}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web, namespace: shop}}\nspec:\n  maxUnavailable: 1\n{selector}"
    )
}

#[test]
fn pdb_selector_requirements_are_anded() {
    let sel = "  selector:\n    matchLabels: {app: web}\n    matchExpressions: [{key: tier, operator: In, values: [backend]}]\n";
    assert_eq!(
        names(&run("CP005", &pdb(sel), SourceKind::Manifests)),
        ["Deployment/shop/web"]
    );
    assert_eq!(
        names(&run("CP010", &pdb(sel), SourceKind::Manifests)),
        ["PodDisruptionBudget/shop/web"]
    );
    let ok = "  selector:\n    matchLabels: {app: web}\n    matchExpressions: [{key: tier, operator: In, values: [frontend]}]\n";
    assert!(run("CP005", &pdb(ok), SourceKind::Manifests).is_empty());
}

#[test]
fn pdb_null_selector_selects_nothing_and_empty_selects_all() {
    assert_eq!(run("CP005", &pdb(""), SourceKind::Manifests).len(), 1);
    assert_eq!(run("CP010", &pdb(""), SourceKind::Manifests).len(), 1);
    assert!(run("CP005", &pdb("  selector: {}\n"), SourceKind::Manifests).is_empty());
    assert!(run("CP010", &pdb("  selector: {}\n"), SourceKind::Manifests).is_empty());
}

#[test]
fn pdb_percentages_round_up_as_the_disruption_controller_does() {
    let budget = |field: &str| {
        format!(
            "{WEB}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web, namespace: shop}}\nspec:\n  {field}\n  selector: {{matchLabels: {{app: web}}}}\n"
        )
    };
    // 10% of 3 rounds up to 1 pod: evictions allowed.
    assert!(
        run(
            "CP006",
            &budget("maxUnavailable: 10%"),
            SourceKind::Manifests
        )
        .is_empty()
    );
    assert_eq!(
        run(
            "CP006",
            &budget("maxUnavailable: 0%"),
            SourceKind::Manifests
        )
        .len(),
        1
    );
    // 90% of 3 rounds up to 3 pods: no eviction ever allowed.
    assert_eq!(
        run("CP006", &budget("minAvailable: 90%"), SourceKind::Manifests).len(),
        1
    );
    assert!(run("CP006", &budget("minAvailable: 60%"), SourceKind::Manifests).is_empty());
}

#[test]
fn pods_selected_by_two_pdbs_cannot_be_evicted() {
    let yaml = format!(
        "{}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: all, namespace: shop}}\nspec:\n  maxUnavailable: 1\n  selector: {{}}\n",
        pdb("  selector: {matchLabels: {app: web}}\n")
    );
    assert_eq!(
        names(&run("CP006", &yaml, SourceKind::Manifests)),
        ["Deployment/shop/web"]
    );
}

#[test]
fn unset_replicas_means_one_and_needs_no_pdb() {
    let yaml = WEB.replace("  replicas: 3\n", "");
    assert!(run("CP005", &yaml, SourceKind::Manifests).is_empty());
}

// ---------------------------------------------------------------- security context inheritance

fn pod(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: shop}}\nspec:\n{spec}")
}

#[test]
fn pod_security_context_is_inherited_and_overridable() {
    let inherited = pod(
        "  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n    - {name: a, image: x:1}\n    - {name: b, image: y:1}\n",
    );
    assert!(run("ID013", &inherited, SourceKind::Manifests).is_empty());
    assert!(run("CP013", &inherited, SourceKind::Manifests).is_empty());
    let overridden = pod(
        "  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n    - {name: a, image: x:1, securityContext: {runAsNonRoot: false, runAsUser: 0, seccompProfile: {type: Unconfined}}}\n",
    );
    assert_eq!(run("ID013", &overridden, SourceKind::Manifests).len(), 1);
    let f = run("CP013", &overridden, SourceKind::Manifests);
    assert_eq!(f[0].severity, Severity::Medium);
    // runAsNonRoot with runAsUser 0 (inherited from the pod) cannot start.
    let contradiction = pod(
        "  securityContext: {runAsUser: 0}\n  containers:\n    - {name: a, image: x:1, securityContext: {runAsNonRoot: true}}\n",
    );
    assert_eq!(
        run("ID013", &contradiction, SourceKind::Manifests)[0].severity,
        Severity::High
    );
    // Windows pods are not judged by Linux checks.
    let windows = pod("  os: {name: windows}\n  containers:\n    - {name: a, image: x:1}\n");
    assert!(run("ID013", &windows, SourceKind::Manifests).is_empty());
}

// ---------------------------------------------------------------- resources

#[test]
fn pod_level_resources_cover_every_container() {
    let yaml = pod(
        "  resources: {requests: {cpu: '1', memory: 1Gi}, limits: {memory: 1Gi}}\n  containers:\n    - {name: a, image: x:1}\n    - {name: b, image: y:1}\n",
    );
    for code in ["CP001", "CP002", "CP009"] {
        assert!(run(code, &yaml, SourceKind::Manifests).is_empty(), "{code}");
    }
    let inverted = pod(
        "  resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}\n  containers:\n    - {name: a, image: x:1}\n",
    );
    assert_eq!(run("CP003", &inverted, SourceKind::Manifests).len(), 1);
}

#[test]
fn a_limit_without_request_is_the_request() {
    let yaml = pod(
        "  containers:\n    - {name: a, image: x:1, resources: {limits: {cpu: 500m, memory: 256Mi}}}\n",
    );
    assert!(run("CP001", &yaml, SourceKind::Manifests).is_empty());
    assert!(run("CP009", &yaml, SourceKind::Manifests).is_empty());
}

#[test]
fn init_containers_and_sidecars_count_as_the_scheduler_counts_them() {
    let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {allocatable: {cpu: '2', memory: 8Gi}}\n---\n";
    // App 1 CPU + sidecar 0.5 = 1.5; init 1.2 + sidecar started before it 0.5 = 1.7: fits in 2.
    let fits = format!(
        "{node}{}",
        pod(
            "  initContainers:\n    - {name: side, image: s:1, restartPolicy: Always, resources: {requests: {cpu: 500m}}}\n    - {name: init, image: i:1, resources: {requests: {cpu: 1200m}}}\n  containers:\n    - {name: a, image: x:1, resources: {requests: {cpu: '1'}}}\n"
        )
    );
    assert!(run("CP004", &fits, SourceKind::Snapshot).is_empty());
    // Init 1.8 after the sidecar: 2.3 CPU at the init step, more than the node.
    let too_big = fits.replace("cpu: 1200m", "cpu: 1800m");
    assert_eq!(run("CP004", &too_big, SourceKind::Snapshot).len(), 1);
    // An init container that runs before the sidecar does not add to it.
    let order = format!(
        "{node}{}",
        pod(
            "  initContainers:\n    - {name: init, image: i:1, resources: {requests: {cpu: 1800m}}}\n    - {name: side, image: s:1, restartPolicy: Always, resources: {requests: {cpu: 500m}}}\n  containers:\n    - {name: a, image: x:1, resources: {requests: {cpu: '1'}}}\n"
        )
    );
    assert!(run("CP004", &order, SourceKind::Snapshot).is_empty());
}

#[test]
fn a_pod_level_limit_defaults_the_request_to_the_containers_requests() {
    // The API server defaults the pod-level cpu request to the containers'
    // 1 cpu (they ask for cpu), not to the 4-cpu pod-level limit: it fits.
    let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {allocatable: {cpu: '2', memory: 8Gi}}\n---\n";
    let fits = format!(
        "{node}{}",
        pod(
            "  resources: {limits: {cpu: '4'}}\n  containers:\n    - {name: a, image: x:1, resources: {requests: {cpu: '1'}}}\n"
        )
    );
    assert!(run("CP004", &fits, SourceKind::Snapshot).is_empty());
    // No container asks for cpu: the pod-level limit is the request.
    let too_big = fits.replace(
        "resources: {requests: {cpu: '1'}}",
        "resources: {requests: {memory: 1Gi}}",
    );
    assert_eq!(run("CP004", &too_big, SourceKind::Snapshot).len(), 1);
}

#[test]
fn hpa_sums_app_containers_and_sidecars_not_init_containers() {
    let hpa = "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n";
    let with = |init: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: shop}}\nspec:\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      initContainers: [{init}]\n      containers: [{{name: web, image: w:1, resources: {{requests: {{cpu: 100m}}}}}}]\n{hpa}"
        )
    };
    // An HPA without metrics scales on CPU utilisation.
    assert!(
        run(
            "CP008",
            &with("{name: migrate, image: m:1}"),
            SourceKind::Manifests
        )
        .is_empty()
    );
    assert_eq!(
        run(
            "CP008",
            &with("{name: proxy, image: p:1, restartPolicy: Always}"),
            SourceKind::Manifests
        )
        .len(),
        1
    );
}

// ---------------------------------------------------------------- Services and probes

#[test]
fn a_service_without_selector_selects_nothing_and_is_not_judged() {
    let yaml = format!(
        "{WEB}---\napiVersion: v1\nkind: Service\nmetadata: {{name: ext, namespace: shop}}\nspec:\n  ports: [{{port: 80}}]\n"
    );
    assert!(run("NW007", &yaml, SourceKind::Snapshot).is_empty());
    assert!(run("NW001", &yaml, SourceKind::Manifests).is_empty());
}

#[test]
fn probe_port_names_resolve_within_their_own_container() {
    let yaml = pod(
        "  containers:\n    - {name: app, image: a:1, ports: [{name: http, containerPort: 8080}]}\n    - name: proxy\n      image: p:1\n      readinessProbe: {httpGet: {path: /, port: http}}\n",
    );
    let f = run("NW003", &yaml, SourceKind::Manifests);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("`proxy`"), "{}", f[0].message);
}

#[test]
fn cluster_level_rules_do_not_judge_an_applications_manifests() {
    // No Namespace object, no monitoring stack: nothing to say on manifests…
    assert!(run("NW004", WEB, SourceKind::Manifests).is_empty());
    assert!(run("OB003", WEB, SourceKind::Manifests).is_empty());
    assert!(run("CP007", WEB, SourceKind::Manifests).is_empty());
    // …but a snapshot shows the whole cluster.
    assert_eq!(run("NW004", WEB, SourceKind::Snapshot).len(), 1);
    assert_eq!(run("OB003", WEB, SourceKind::Snapshot).len(), 2);
    assert_eq!(run("CP007", WEB, SourceKind::Snapshot).len(), 1);
}

// ---------------------------------------------------------------- grouping

/// A pod as `kubectl get pods -o json` shows it, owned by a ReplicaSet that
/// is not in the input.
fn replica(name: &str, rs: &str, hash: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\n  labels: {{app: web, pod-template-hash: {hash}}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: {rs}, uid: u-{rs}, controller: true}}]\nspec:\n  containers: [{{name: web, image: shop/web:1.0.0}}]\n"
    )
}

#[test]
fn replicas_of_an_absent_deployment_are_one_finding_that_counts_them() {
    // Two revisions mid-rollout, five pods in all, and one bare pod.
    let mut yaml: String = ["a", "b", "c"]
        .iter()
        .map(|s| replica(&format!("web-7d4b9c8f6-{s}"), "web-7d4b9c8f6", "7d4b9c8f6"))
        .collect();
    for s in ["x", "y"] {
        yaml += &replica(&format!("web-5f6c7b8d9-{s}"), "web-5f6c7b8d9", "5f6c7b8d9");
    }
    yaml += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: shop}\nspec:\n  containers: [{name: sh, image: busybox:1.36}]\n";
    let f = run("CP001", &yaml, SourceKind::Snapshot);
    let got: Vec<(String, Option<u32>, usize)> = f
        .iter()
        .map(|f| (f.object.to_string(), f.pods, f.examples.len()))
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    let web = f.iter().find(|f| f.object.kind == "Deployment").unwrap();
    assert_eq!(web.object.name, "web");
    assert_eq!(web.pods, Some(5));
    assert!(
        web.examples.iter().all(|e| e.starts_with("web-")),
        "{:?}",
        web.examples
    );
    let bare = f.iter().find(|f| f.object.kind == "Pod").unwrap();
    assert_eq!(bare.object.name, "debug");
    assert_eq!(bare.pods, None);
}
