//! A deterministic folder of many manifest files, as `helm template` renders
//! charts: one file per application, each a Deployment and its Service, and
//! by turns an Ingress (some for WebSocket paths), a HorizontalPodAutoscaler,
//! a PodDisruptionBudget, a ConfigMap, a ServiceAccount with its RoleBinding,
//! a NetworkPolicy, a StatefulSet database with its headless Service, a
//! CronJob; about four documents and 4 KB per file, in fifty namespaces.
//!
//! The same count always writes the same bytes. Every object refers to others
//! by name (Services select their Deployment, Ingresses name their Service,
//! autoscalers their Deployment), so a rule that looks an object up by
//! scanning a list rather than an index costs time in the square of the
//! number of files.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Namespaces the applications are spread over.
const NAMESPACES: usize = 50;

/// The YAML of application `i`: several documents.
pub fn app(i: usize) -> String {
    let ns = format!("team-{:02}", i % NAMESPACES);
    let name = format!("app-{i:05}");
    let mut y = String::with_capacity(4096);
    if i < NAMESPACES {
        let _ = write!(
            y,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    team: {ns}\n"
        );
    }
    let probes = if i.is_multiple_of(3) {
        ""
    } else {
        "          readinessProbe:\n            httpGet:\n              path: /ready\n              port: http\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n"
    };
    let resources = if i % 4 == 1 {
        ""
    } else {
        "          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n"
    };
    let sa = if i.is_multiple_of(7) {
        name.as_str()
    } else {
        "default"
    };
    let _ = write!(
        y,
        "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        app.kubernetes.io/part-of: shop
    spec:
      serviceAccountName: {sa}
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: registry.example.com/shop/{name}:1.{minor}.0
          ports:
            - name: http
              containerPort: 8080
{probes}{resources}          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          envFrom:
            - configMapRef:
                name: {name}-config
                optional: true
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - name: {port_name}
      port: 80
      targetPort: http
",
        replicas = 2 + i % 3,
        minor = i % 9,
        port_name = if i.is_multiple_of(10) { "ws" } else { "http" },
    );
    if i.is_multiple_of(2) {
        let path = if i.is_multiple_of(10) { "/ws" } else { "/" };
        let _ = write!(
            y,
            "---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
spec:
  ingressClassName: nginx
  tls:
    - hosts: [{name}.shop.example.com]
      secretName: {name}-tls
  rules:
    - host: {name}.shop.example.com
      http:
        paths:
          - path: {path}
            pathType: Prefix
            backend:
              service:
                name: {name}
                port:
                  number: 80
"
        );
    }
    if i.is_multiple_of(3) {
        let _ = write!(
            y,
            "---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
"
        );
    }
    if i.is_multiple_of(4) {
        let _ = write!(
            y,
            "---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {ns}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
"
        );
    }
    if i.is_multiple_of(5) {
        let _ = write!(
            y,
            "---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  LOG_LEVEL: info
  UPSTREAM_URL: http://app-{up:05}.{ns}.svc.cluster.local
",
            up = i + NAMESPACES,
        );
    }
    if i.is_multiple_of(7) {
        let _ = write!(
            y,
            "---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {name}-view
  namespace: {ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: {name}
    namespace: {ns}
"
        );
    }
    if i.is_multiple_of(10) {
        let _ = write!(
            y,
            "---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {name}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: shop
      ports:
        - port: 8080
"
        );
    }
    if i.is_multiple_of(20) {
        let _ = write!(
            y,
            "---
apiVersion: v1
kind: Service
metadata:
  name: {name}-db
  namespace: {ns}
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: {name}-db
  ports:
    - name: postgres
      port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}-db
  namespace: {ns}
spec:
  serviceName: {name}-db
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}-db
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}-db
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports:
            - name: postgres
              containerPort: 5432
          resources:
            requests:
              cpu: 500m
              memory: 1Gi
            limits:
              memory: 1Gi
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: gp3
        resources:
          requests:
            storage: 20Gi
"
        );
    }
    if i.is_multiple_of(25) {
        let _ = write!(
            y,
            "---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}-report
  namespace: {ns}
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/shop/{name}-report:1.0.0
              args: [--since, 24h]
"
        );
    }
    y
}

/// Write `files` manifest files into `dir` (created if missing), 1,000 to a
/// subfolder as a monorepo of charts would hold them. Returns the bytes written.
pub fn write_dir(dir: &Path, files: usize) -> io::Result<u64> {
    let mut bytes = 0;
    for i in 0..files {
        let sub = dir.join(format!("charts-{:03}", i / 1000));
        if i.is_multiple_of(1000) {
            std::fs::create_dir_all(&sub)?;
        }
        let text = app(i);
        bytes += text.len() as u64;
        std::fs::write(sub.join(format!("app-{i:05}.yaml")), text)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_loads_as_manifests_without_notes_and_one_deployment_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = 120;
        write_dir(dir.path(), files).unwrap();
        let inputs = [day2_sources::Input::Path(dir.path().to_path_buf())];
        let cluster =
            day2_sources::load_manifests(&inputs, &day2_sources::LoadOptions::default()).unwrap();
        assert!(cluster.notes.is_empty(), "{:?}", cluster.notes);
        assert_eq!(cluster.deployments.len(), files);
        assert_eq!(cluster.ingresses.len(), files / 2);
        assert_eq!(cluster.stateful_sets.len(), files / 20);
        assert_eq!(cluster.namespaces.len(), NAMESPACES);
    }
}
