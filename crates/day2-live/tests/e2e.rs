//! The capture against a real control plane (etcd, kube-apiserver,
//! kube-scheduler, kube-controller-manager), started by `scripts/e2e.sh`,
//! which runs these tests with `--ignored` and `DAY2_E2E_KUBECONFIG` pointing
//! at the admin kubeconfig (`DAY2_E2E_DIR`: the run directory).
//!
//! The admin identity only prepares the cluster (a namespace, a Secret, the
//! objects of `deploy/rbac.yaml`); every capture runs as a reader.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use day2_live::{Capture, LiveOptions, capture};
use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const NS: &str = "day2-live-e2e";
const AWS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn admin_kubeconfig() -> PathBuf {
    PathBuf::from(
        std::env::var("DAY2_E2E_KUBECONFIG")
            .expect("DAY2_E2E_KUBECONFIG: run through scripts/e2e.sh"),
    )
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

async fn admin() -> Client {
    let kc = Kubeconfig::read_from(admin_kubeconfig()).unwrap();
    let cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    Client::try_from(cfg).unwrap()
}

async fn call(c: &Client, method: &str, path: &str, body: &Value) -> Result<Value, kube::Error> {
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap();
    c.request::<Value>(req).await
}

/// Create, or leave as it is when it exists (the tests share one control plane).
async fn create(c: &Client, path: &str, obj: Value) {
    match call(c, "POST", path, &obj).await {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 409 => {}
        Err(e) => panic!("POST {path} {}: {e}", obj["metadata"]["name"]),
    }
}

/// The objects of `deploy/rbac.yaml`, plus a namespace with credentials in a Secret.
async fn prepare(c: &Client) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/rbac.yaml"
    ))
    .unwrap();
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    for d in docs {
        let path = match d["kind"].as_str().unwrap() {
            "Namespace" => "/api/v1/namespaces".to_owned(),
            "ServiceAccount" => format!(
                "/api/v1/namespaces/{}/serviceaccounts",
                d["metadata"]["namespace"].as_str().unwrap()
            ),
            "ClusterRole" => "/apis/rbac.authorization.k8s.io/v1/clusterroles".to_owned(),
            "ClusterRoleBinding" => {
                "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings".to_owned()
            }
            k => panic!("unexpected {k} in rbac.yaml"),
        };
        create(c, &path, d).await;
    }
    create(
        c,
        "/api/v1/namespaces",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
    )
    .await;
    create(
        c,
        &format!("/api/v1/namespaces/{NS}/secrets"),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws-creds"}, "type": "Opaque",
               "data": {"AWS_ACCESS_KEY_ID": b64(AWS_KEY_ID.as_bytes()), "AWS_SECRET_ACCESS_KEY": b64(AWS_SECRET.as_bytes())}}),
    )
    .await;
    create(
        c,
        &format!("/api/v1/namespaces/{NS}/configmaps"),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "b"}}),
    )
    .await;
    // The service account of day2-reader-no-secrets.
    create(
        c,
        "/api/v1/namespaces/day2/serviceaccounts",
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "day2-no-secrets", "namespace": "day2"}}),
    )
    .await;
    create(
        c,
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": "day2-e2e-no-secrets"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "day2-reader-no-secrets"},
               "subjects": [{"kind": "ServiceAccount", "name": "day2-no-secrets", "namespace": "day2"}]}),
    )
    .await;
    // The user of a client certificate with CN=day2.
    create(
        c,
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": "day2-e2e-user"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "day2-reader"},
               "subjects": [{"kind": "User", "name": "day2", "apiGroup": "rbac.authorization.k8s.io"}]}),
    )
    .await;
}

/// Server and CA of the admin kubeconfig's current context, as kubeconfig lines.
fn cluster_lines() -> (String, String) {
    let text = std::fs::read_to_string(admin_kubeconfig()).unwrap();
    let kc: Value = serde_saphyr::from_str(&text).unwrap();
    let ctx_name = kc["current-context"].as_str().unwrap_or_default();
    let ctx = kc["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == ctx_name)
        .or_else(|| kc["contexts"].get(0))
        .unwrap();
    let cluster_name = ctx["context"]["cluster"].as_str().unwrap();
    let cluster = kc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == cluster_name)
        .unwrap();
    let server = cluster["cluster"]["server"].as_str().unwrap().to_owned();
    let ca = if let Some(d) = cluster["cluster"]["certificate-authority-data"].as_str() {
        format!("certificate-authority-data: {d}")
    } else if let Some(p) = cluster["cluster"]["certificate-authority"].as_str() {
        let base = admin_kubeconfig().parent().unwrap().to_owned();
        format!("certificate-authority: {}", base.join(p).display())
    } else {
        "insecure-skip-tls-verify: true".to_owned()
    };
    (server, ca)
}

fn write_kubeconfig(dir: &Path, name: &str, user: &str) -> PathBuf {
    let (server, ca) = cluster_lines();
    let path = dir.join(format!("{name}.kubeconfig"));
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: {name}\nclusters:\n- name: e2e\n  cluster:\n    server: {server}\n    {ca}\n\
             contexts:\n- name: {name}\n  context: {{cluster: e2e, user: {name}}}\nusers:\n- name: {name}\n  user:\n{user}"
        ),
    )
    .unwrap();
    path
}

/// A kubeconfig for a service account, with a token from the TokenRequest API.
async fn service_account_kubeconfig(c: &Client, dir: &Path, sa: &str) -> PathBuf {
    let tr = call(
        c,
        "POST",
        &format!("/api/v1/namespaces/day2/serviceaccounts/{sa}/token"),
        &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": 3600}}),
    )
    .await
    .unwrap();
    let token = tr["status"]["token"].as_str().unwrap();
    write_kubeconfig(dir, sa, &format!("    token: {token}\n"))
}

fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A kubeconfig for the user `day2` (client certificate, CN=day2): the run
/// directory's `day2.kubeconfig` when the control plane made one, otherwise
/// a certificate signed here by the CA that issued the admin's certificate.
fn client_cert_kubeconfig(dir: &Path) -> PathBuf {
    let run_dir = PathBuf::from(std::env::var("DAY2_E2E_DIR").expect("DAY2_E2E_DIR"));
    let given = run_dir.join("day2.kubeconfig");
    if given.exists() {
        return given;
    }
    // The client CA: the certificate in the run directory whose subject is
    // the issuer of the admin's client certificate, with its key beside it.
    let text = std::fs::read_to_string(admin_kubeconfig()).unwrap();
    let kc: Value = serde_saphyr::from_str(&text).unwrap();
    let admin_cert = kc["users"][0]["user"]["client-certificate-data"]
        .as_str()
        .expect("the admin kubeconfig has inline client-certificate-data");
    let admin_pem = dir.join("admin.crt");
    std::fs::write(
        &admin_pem,
        base64::engine::general_purpose::STANDARD
            .decode(admin_cert)
            .unwrap(),
    )
    .unwrap();
    let issuer = openssl(&[
        "x509",
        "-in",
        admin_pem.to_str().unwrap(),
        "-noout",
        "-issuer",
        "-nameopt",
        "RFC2253",
    ]);
    let issuer = issuer.trim_start_matches("issuer=").trim();
    let mut files: Vec<PathBuf> = Vec::new();
    for d in std::iter::once(run_dir.clone()).chain(
        std::fs::read_dir(&run_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir()),
    ) {
        files.extend(std::fs::read_dir(d).unwrap().flatten().map(|e| e.path()));
    }
    let (ca_crt, ca_key) = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "crt" || e == "pem"))
        .filter_map(|crt| {
            let key = crt.with_extension("key");
            let subject = Command::new("openssl")
                .args([
                    "x509",
                    "-in",
                    crt.to_str()?,
                    "-noout",
                    "-subject",
                    "-nameopt",
                    "RFC2253",
                ])
                .output()
                .ok()?;
            let subject = String::from_utf8_lossy(&subject.stdout)
                .trim()
                .trim_start_matches("subject=")
                .trim()
                .to_owned();
            (subject == issuer && key.exists()).then(|| (crt.clone(), key))
        })
        .next()
        .unwrap_or_else(|| {
            panic!(
                "no CA for {issuer} with its key in {}; or provide day2.kubeconfig there",
                run_dir.display()
            )
        });
    let key = dir.join("day2.key");
    let csr = dir.join("day2.csr");
    let crt = dir.join("day2.crt");
    let ext = dir.join("ext.cnf");
    std::fs::write(
        &ext,
        "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n",
    )
    .unwrap();
    let p = |p: &Path| p.to_str().unwrap().to_owned();
    openssl(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        &p(&key),
    ]);
    openssl(&[
        "req",
        "-new",
        "-key",
        &p(&key),
        "-subj",
        "/CN=day2",
        "-out",
        &p(&csr),
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &p(&ca_crt),
        "-CAkey",
        &p(&ca_key),
        "-set_serial",
        "4242",
        "-days",
        "1",
        "-extfile",
        &p(&ext),
        "-out",
        &p(&crt),
    ]);
    let user = format!(
        "    client-certificate-data: {}\n    client-key-data: {}\n",
        b64(&std::fs::read(&crt).unwrap()),
        b64(&std::fs::read(&key).unwrap())
    );
    write_kubeconfig(dir, "day2", &user)
}

fn opts(kubeconfig: PathBuf) -> LiveOptions {
    LiveOptions {
        kubeconfig: Some(kubeconfig),
        page_size: 20,
        progress: false,
        timeout: Duration::from_secs(30),
        ..LiveOptions::default()
    }
}

fn assert_no_secret_value(c: &Capture, snapshot: &Path) {
    let texts = [
        serde_json::to_string(c).unwrap(),
        std::fs::read_to_string(snapshot).unwrap(),
    ];
    for t in &texts {
        for v in [
            AWS_KEY_ID.to_owned(),
            AWS_SECRET.to_owned(),
            b64(AWS_KEY_ID.as_bytes()),
            b64(AWS_SECRET.as_bytes()),
        ] {
            assert!(!t.contains(&v), "a Secret value reached the output");
        }
    }
}

fn classes_of(c: &Capture, name: &str) -> Vec<String> {
    let s = c
        .items
        .iter()
        .find(|i| {
            i["kind"] == "Secret"
                && i["metadata"]["name"] == name
                && i["metadata"]["namespace"] == NS
        })
        .unwrap_or_else(|| panic!("Secret {NS}/{name} not captured"));
    s["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["class"].as_str().unwrap_or("-").to_owned())
        .collect()
}

#[tokio::test]
#[ignore = "needs a control plane: scripts/e2e.sh"]
async fn the_service_account_of_rbac_yaml_captures_everything() {
    let admin = admin().await;
    prepare(&admin).await;
    let dir = tempfile::tempdir().unwrap();
    let c = capture(&opts(
        service_account_kubeconfig(&admin, dir.path(), "day2").await,
    ))
    .await
    .unwrap();
    assert!(
        c.notes.is_empty(),
        "no 403 or other gap under day2-reader: {:#?}",
        c.notes
    );
    assert!(c.listed.iter().all(|l| l.complete), "{:#?}", c.listed);
    for kind in [
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "ServiceAccount",
        "Secret",
        "ConfigMap",
        "PriorityClass",
    ] {
        assert!(
            c.listed.iter().any(|l| l.kind == kind && l.objects > 0),
            "{kind} missing: {:#?}",
            c.listed
        );
    }
    // Pagination against the real server: the bootstrap ClusterRoles span
    // several pages of 20, and the paged list has exactly what one unpaged
    // list has.
    let roles = c
        .listed
        .iter()
        .find(|l| l.resource == "clusterroles")
        .unwrap();
    assert!(roles.pages > 1, "{roles:?}");
    let all = call(
        &admin,
        "GET",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        &Value::Null,
    )
    .await
    .unwrap();
    assert_eq!(roles.objects, all["items"].as_array().unwrap().len());
    assert_eq!(
        classes_of(&c, "aws-creds"),
        ["aws-access-key-id", "aws-secret-access-key"]
    );

    // The snapshot reads back to the same objects and keeps no value.
    let snap = dir.path().join("snap.json.gz");
    day2_live::write_snapshot_file(&c, &snap).unwrap();
    let plain = dir.path().join("snap.json");
    day2_live::write_snapshot_file(&c, &plain).unwrap();
    assert_no_secret_value(&c, &plain);
    let from_file =
        day2_sources::load_snapshot(&[day2_sources::Input::Path(snap)], &Default::default())
            .unwrap();
    let live = day2_live::to_cluster(c);
    assert!(live.notes.is_empty(), "{:#?}", live.notes);
    assert_eq!(live.counts(), from_file.counts());

    // The apiserver's own audit log: every request the day2 identity sent
    // was a read.
    let verbs = audited_verbs("system:serviceaccount:day2:day2");
    assert!(verbs.values().sum::<usize>() > 20, "{verbs:?}");
    assert!(
        verbs.keys().all(|v| v == "get" || v == "list"),
        "day2 sent more than reads: {verbs:?}"
    );
}

/// Verbs of the requests `user` sent, from the audit log `up.sh` configures.
fn audited_verbs(user: &str) -> std::collections::BTreeMap<String, usize> {
    let run_dir = PathBuf::from(std::env::var("DAY2_E2E_DIR").expect("DAY2_E2E_DIR"));
    let log = std::fs::read_to_string(run_dir.join("audit.log")).expect("audit.log");
    let mut verbs = std::collections::BTreeMap::new();
    for line in log.lines() {
        let Ok(e) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if e["user"]["username"] == user && e["stage"] == "ResponseComplete" {
            *verbs
                .entry(e["verb"].as_str().unwrap_or("").to_owned())
                .or_insert(0) += 1;
        }
    }
    verbs
}

#[tokio::test]
#[ignore = "needs a control plane: scripts/e2e.sh"]
async fn a_client_certificate_user_bound_to_day2_reader_gets_no_403() {
    let admin = admin().await;
    prepare(&admin).await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = client_cert_kubeconfig(dir.path());
    let c = capture(&opts(kubeconfig.clone())).await.unwrap();
    assert!(c.notes.is_empty(), "{:#?}", c.notes);
    assert!(c.listed.iter().all(|l| l.complete));
    assert_eq!(
        classes_of(&c, "aws-creds"),
        ["aws-access-key-id", "aws-secret-access-key"]
    );
    // -n: namespaced kinds from that namespace only, the Namespace by GET.
    let mut o = opts(kubeconfig);
    o.namespace = Some(NS.into());
    let c = capture(&o).await.unwrap();
    assert!(c.notes.is_empty(), "{:#?}", c.notes);
    let namespaces: Vec<&Value> = c
        .items
        .iter()
        .filter(|i| i["kind"] == "Namespace")
        .collect();
    assert_eq!(namespaces.len(), 1);
    assert_eq!(namespaces[0]["metadata"]["name"], NS);
    // Other namespaces contribute only their bound pods, for node capacity.
    assert!(c.items.iter().all(|i| {
        i["metadata"]["namespace"].as_str().is_none_or(|n| n == NS)
            || (i["kind"] == "Pod"
                && i["metadata"]["annotations"][day2_live::CAPACITY_ONLY_ANNOTATION].is_string())
    }));
    assert!(
        c.items
            .iter()
            .any(|i| i["kind"] == "ConfigMap" && i["metadata"]["name"] == "settings")
    );
}

#[tokio::test]
#[ignore = "needs a control plane: scripts/e2e.sh"]
async fn without_secrets_permission_the_capture_notes_it_and_goes_on() {
    let admin = admin().await;
    prepare(&admin).await;
    let dir = tempfile::tempdir().unwrap();
    let c = capture(&opts(
        service_account_kubeconfig(&admin, dir.path(), "day2-no-secrets").await,
    ))
    .await
    .unwrap();
    let notes: Vec<String> = c.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        ["identity loop: no permission to list secrets (403)"]
    );
    assert!(c.items.iter().all(|i| i["kind"] != "Secret"));
    assert!(c.items.iter().any(|i| i["kind"] == "ClusterRole"));
}

#[tokio::test]
#[ignore = "needs a control plane: scripts/e2e.sh"]
async fn an_identity_without_any_grant_reads_nothing_and_says_so() {
    let admin = admin().await;
    prepare(&admin).await;
    create(
        &admin,
        "/api/v1/namespaces/day2/serviceaccounts",
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "nobody", "namespace": "day2"}}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let e = capture(&opts(
        service_account_kubeconfig(&admin, dir.path(), "nobody").await,
    ))
    .await
    .unwrap_err();
    let day2_live::LiveError::NothingReadable { notes, .. } = &e else {
        panic!("{e}")
    };
    assert!(
        notes
            .iter()
            .any(|n| n.message == "compute loop: no permission to list pods (403)"),
        "{notes:#?}"
    );
}
