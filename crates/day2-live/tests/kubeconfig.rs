//! Connecting the way kubectl does: a kubeconfig with several contexts,
//! `--context`, token and exec-plugin credentials, over kube's real HTTP stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use day2_live::{LiveError, LiveOptions, capture};
use std::path::{Path, PathBuf};
use support::{Fake, seed};

const EXEC_TOKEN: &str = "exec-token-7f3a";
const STATIC_TOKEN: &str = "static-token-91c2";

/// A kubeconfig with three contexts on the same server: a static token
/// (current), an exec credential plugin, and a token the server rejects.
fn kubeconfig(dir: &Path, server: &str) -> PathBuf {
    let plugin = dir.join("get-token");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\n# like `aws eks get-token`: print an ExecCredential\n\
             echo '{{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\
             \"status\":{{\"token\":\"{EXEC_TOKEN}\"}}}}'\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = dir.join("config");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: fake
  cluster:
    server: {server}
contexts:
- name: prod
  context: {{cluster: fake, user: static, namespace: app}}
- name: eks
  context: {{cluster: fake, user: exec}}
- name: stale
  context: {{cluster: fake, user: expired}}
users:
- name: static
  user:
    token: {STATIC_TOKEN}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: {plugin}
      interactiveMode: Never
- name: expired
  user:
    token: not-valid-any-more
",
            plugin = plugin.display()
        ),
    )
    .unwrap();
    path
}

fn opts(kubeconfig: &Path, context: Option<&str>) -> LiveOptions {
    LiveOptions {
        kubeconfig: Some(kubeconfig.to_owned()),
        context: context.map(str::to_owned),
        progress: false,
        page_size: 4,
        ..LiveOptions::default()
    }
}

async fn server() -> (Fake, String) {
    let f = Fake::new();
    seed(&f);
    f.state().tokens = Some(vec![EXEC_TOKEN.into(), STATIC_TOKEN.into()]);
    let url = support::serve_http(f.clone()).await;
    (f, url)
}

#[tokio::test]
async fn the_current_context_and_its_token_are_used() {
    let (f, url) = server().await;
    let dir = tempfile::tempdir().unwrap();
    let c = capture(&opts(&kubeconfig(dir.path(), &url), None))
        .await
        .unwrap();
    assert_eq!(c.context, "prod");
    // Lists travel compressed.
    assert!(f.state().gzipped > 0);
    assert_eq!(c.server, url);
    // The context's namespace does not narrow the capture: -n does.
    assert_eq!(c.namespace, None);
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    assert_eq!(c.items.iter().filter(|i| i["kind"] == "Pod").count(), 6);
    let log = f.log();
    assert!(log.iter().all(|s| s.method == "GET"));
    assert!(
        log.iter()
            .all(|s| s.authorization.as_deref() == Some(&*format!("Bearer {STATIC_TOKEN}")))
    );
}

#[tokio::test]
async fn context_picks_the_exec_plugin_user() {
    let (f, url) = server().await;
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&kubeconfig(dir.path(), &url), Some("eks"));
    o.namespace = Some("app".into());
    let c = capture(&o).await.unwrap();
    assert_eq!(c.context, "eks");
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    assert_eq!(c.items.iter().filter(|i| i["kind"] == "Pod").count(), 6);
    let log = f.log();
    assert!(
        log.iter()
            .all(|s| s.authorization.as_deref() == Some(&*format!("Bearer {EXEC_TOKEN}")))
    );
    assert!(log.iter().any(|s| s.path == "/api/v1/namespaces/app/pods"));
}

#[tokio::test]
async fn rejected_credentials_are_an_error_not_an_empty_report() {
    let (_f, url) = server().await;
    let dir = tempfile::tempdir().unwrap();
    let e = capture(&opts(&kubeconfig(dir.path(), &url), Some("stale")))
        .await
        .unwrap_err();
    assert!(matches!(e, LiveError::Unauthorized { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!("the API server {url} rejected the credentials: Unauthorized (401)")
    );
}

#[tokio::test]
async fn an_unknown_context_names_the_ones_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let e = capture(&opts(
        &kubeconfig(dir.path(), "http://127.0.0.1:9"),
        Some("nope"),
    ))
    .await
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "context nope is not in the kubeconfig (contexts: prod, eks, stale)"
    );
}

#[tokio::test]
async fn a_missing_kubeconfig_names_the_file() {
    let e = capture(&opts(Path::new("/nonexistent/kubeconfig"), None))
        .await
        .unwrap_err();
    assert!(matches!(e, LiveError::Kubeconfig { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("cannot read kubeconfig /nonexistent/kubeconfig: "),
        "{e}"
    );
}

// Paused time: the retries' backoff passes at once (a refused connection
// needs no waiting on real time).
#[tokio::test(start_paused = true)]
async fn an_unreachable_server_is_an_error_naming_it() {
    // Nothing listens on a port just released.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&kubeconfig(dir.path(), &url), None);
    o.timeout = std::time::Duration::from_secs(2);
    let e = capture(&o).await.unwrap_err();
    assert!(matches!(e, LiveError::Unreachable { .. }), "{e}");
    assert!(
        e.to_string().starts_with(&format!(
            "cannot reach the API server {url}: client error (Connect)"
        )),
        "{e}"
    );
}

#[test]
fn the_blocking_wrapper_runs_its_own_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (f, url) = rt.block_on(server());
    let dir = tempfile::tempdir().unwrap();
    let c = day2_live::capture_blocking(&opts(&kubeconfig(dir.path(), &url), None)).unwrap();
    assert_eq!(c.items.iter().filter(|i| i["kind"] == "Node").count(), 3);
    assert!(!f.log().is_empty());
    drop(rt);
}

#[tokio::test]
async fn a_credential_plugin_that_cannot_run_is_an_error_naming_it() {
    let (f, url) = server().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1
kind: Config
current-context: gke
clusters:
- name: fake
  cluster: {{server: {url}}}
contexts:
- name: gke
  context: {{cluster: fake, user: gke}}
users:
- name: gke
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /nonexistent/gke-gcloud-auth-plugin
      interactiveMode: Never
"
        ),
    )
    .unwrap();
    let e = capture(&opts(&path, None)).await.unwrap_err();
    assert!(matches!(e, LiveError::Credentials { .. }), "{e}");
    assert!(e.to_string().contains("gke-gcloud-auth-plugin"), "{e}");
    // Not retried: a missing plugin does not appear by waiting.
    assert!(f.log().is_empty());
}

/// Through kube's real connection stack the client's read timeout (the same
/// `--request-timeout`) fires first: the note must still say it is a
/// timeout, not `client error (SendRequest): connection error: timed out`.
#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout_note() {
    let (f, url) = server().await;
    f.state().hang.insert("nodes".into(), u32::MAX);
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&kubeconfig(dir.path(), &url), None);
    o.timeout = std::time::Duration::from_secs(1);
    let conn = day2_live::connect(&o).await.unwrap();
    let c = day2_live::capture_with_retry(
        conn.client,
        &conn.context,
        &conn.server,
        &o,
        2,
        std::time::Duration::from_millis(10),
    )
    .await
    .unwrap();
    let notes: Vec<String> = c.notes.iter().map(|n| n.message.clone()).collect();
    assert_eq!(
        notes,
        ["compute loop: cannot list nodes: no answer within the timeout"]
    );
    assert_eq!(c.items.iter().filter(|i| i["kind"] == "Pod").count(), 6);
}
