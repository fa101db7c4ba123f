//! A fault-injecting HTTP proxy in front of the real API server of the
//! end-to-end tests (`scripts/e2e.sh`), for tests of how a capture ends when
//! the server misbehaves.
//!
//! day2 talks plain HTTP/1.1 to the proxy on 127.0.0.1 (a kubeconfig from
//! [`Proxy::kubeconfig`]); the proxy forwards each request over TLS with the
//! admin kubeconfig's client (`DAY2_E2E_KUBECONFIG`), or answers it from the
//! test's fault script instead: a delay, an error status (429 with
//! `Retry-After`, 500, 403), a connection dropped in the middle of a list's
//! body, or `410 Gone` for a `continue` request, shaped as kube-apiserver
//! shapes it. It only listens on loopback and forwards only `GET`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use kube::client::Body;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// What to do instead of (or on top of) forwarding.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forward, and answer after this delay.
    Delay(Duration),
    /// Answer with this status and an apiserver-shaped `Status` body; `429`
    /// also carries `Retry-After` (seconds), in the header and in
    /// `details.retryAfterSeconds` as the apiserver's throttling does.
    Status { code: u16, retry_after: Option<u32> },
    /// Forward, then send the head with the full `Content-Length` and only
    /// half of the body, and close the connection.
    DropMidBody,
    /// Answer a `continue` request with `410 Gone` (`reason: Expired`); with
    /// `inconsistent_token`, the Status carries a continue token that resumes
    /// the list (the one sent, which the real server still accepts).
    Gone { inconsistent_token: bool },
}

/// One line of a fault script.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The last path segment of the requests it applies to (`pods`,
    /// `configmaps`); `*`: every list (a request with `limit`).
    pub resource: String,
    /// Only requests that carry a `continue` token.
    pub continue_only: bool,
    pub fault: Fault,
    /// How many requests it applies to (`None`: all).
    pub times: Option<u32>,
}

impl Rule {
    pub fn always(resource: &str, fault: Fault) -> Rule {
        Rule {
            resource: resource.into(),
            continue_only: false,
            fault,
            times: None,
        }
    }

    pub fn times(mut self, n: u32) -> Rule {
        self.times = Some(n);
        self
    }

    pub fn on_continue(mut self) -> Rule {
        self.continue_only = true;
        self
    }
}

/// An answer made up by the proxy: status, extra headers, body.
type Canned = (u16, Vec<(String, String)>, Value);

/// One request as the proxy saw it, and what it did.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    /// The status sent (0: the connection was dropped).
    pub status: u16,
    pub fault: Option<String>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    /// Rewrite every `limit` to this, so that small lists have several pages.
    page_size: Option<u32>,
    log: Vec<Seen>,
}

pub struct Proxy {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The admin kubeconfig of the running control plane.
pub fn admin_kubeconfig() -> PathBuf {
    PathBuf::from(
        std::env::var("DAY2_E2E_KUBECONFIG")
            .expect("DAY2_E2E_KUBECONFIG: run through scripts/e2e.sh"),
    )
}

/// A client of the real API server, as the admin.
pub async fn admin_client() -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(admin_kubeconfig()).unwrap();
    let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(cfg).unwrap()
}

impl Proxy {
    /// Start a proxy to the real API server with these rules.
    pub async fn start(rules: Vec<Rule>, page_size: Option<u32>) -> Proxy {
        let upstream = admin_client().await;
        let state = Arc::new(Mutex::new(State {
            rules,
            page_size,
            log: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let st = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(connection(stream, upstream.clone(), st.clone()));
            }
        });
        Proxy { url, state, task }
    }

    /// A kubeconfig that reaches the cluster through the proxy (no
    /// credentials: the proxy adds the admin's).
    pub fn kubeconfig(&self, dir: &Path) -> PathBuf {
        let path = dir.join("proxy.kubeconfig");
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\ncurrent-context: faults\nclusters:\n- name: faults\n  cluster:\n    server: {}\n\
                 contexts:\n- name: faults\n  context: {{cluster: faults, user: faults}}\nusers:\n- name: faults\n  user: {{}}\n",
                self.url
            ),
        )
        .unwrap();
        path
    }

    pub fn log(&self) -> Vec<Seen> {
        self.state.lock().unwrap().log.clone()
    }

    /// Requests whose last path segment is `resource` and which the fault
    /// script answered.
    pub fn faults_on(&self, resource: &str) -> Vec<Seen> {
        self.log()
            .into_iter()
            .filter(|s| s.path.rsplit('/').next() == Some(resource) && s.fault.is_some())
            .collect()
    }
}

/// The fault for this request, counting it against its rule.
fn pick(state: &Mutex<State>, path: &str, query: &str) -> Option<Fault> {
    let mut st = state.lock().unwrap();
    let last = path.rsplit('/').next().unwrap_or("");
    let has = |k: &str| query.split('&').any(|p| p.starts_with(k));
    let rule = st.rules.iter_mut().find(|r| {
        (r.resource == last || (r.resource == "*" && has("limit=")))
            && (!r.continue_only || has("continue="))
            && r.times.is_none_or(|n| n > 0)
    })?;
    if let Some(n) = &mut rule.times {
        *n -= 1;
    }
    Some(rule.fault.clone())
}

fn status_body(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

/// The Status kube-apiserver sends for each fault, in its words.
fn fault_body(code: u16, path: &str, retry_after: Option<u32>) -> Value {
    let resource = path.rsplit('/').next().unwrap_or("");
    match code {
        // k8s.io/apiserver pkg/server/filters/maxinflight.go (tooManyRequests)
        // and apimachinery NewTooManyRequests: reason TooManyRequests.
        429 => {
            let mut s = status_body(
                429,
                "TooManyRequests",
                "Too many requests, please try again later.",
            );
            if let Some(ra) = retry_after {
                s["details"] = json!({"retryAfterSeconds": ra});
            }
            s
        }
        // apimachinery pkg/api/errors NewForbidden, as the RBAC authorizer words it.
        403 => status_body(
            403,
            "Forbidden",
            &format!(
                "{resource} is forbidden: User \"day2\" cannot list resource \"{resource}\" in API group \"\" at the cluster scope"
            ),
        ),
        // apimachinery NewInternalError.
        500 => status_body(
            500,
            "InternalError",
            "Internal error occurred: etcdserver: request timed out",
        ),
        _ => status_body(code, "", &format!("HTTP {code}")),
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    upstream: kube::Client,
    state: Arc<Mutex<State>>,
) {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("").to_owned();
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).await.unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if length > 0 && r.read_exact(&mut body).await.is_err() {
            return;
        }
        let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        let page_size = state.lock().unwrap().page_size;
        let query: String = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match (p.strip_prefix("limit="), page_size) {
                (Some(_), Some(n)) => format!("limit={n}"),
                _ => p.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
        let fault = if method == "GET" {
            pick(&state, path, &query)
        } else {
            None
        };
        let record = |status: u16| {
            state.lock().unwrap().log.push(Seen {
                path: path.to_owned(),
                query: query.clone(),
                status,
                fault: fault.as_ref().map(|f| format!("{f:?}")),
            });
        };
        // Answers that need no upstream.
        let canned: Option<Canned> = match &fault {
            _ if method != "GET" => Some((
                405,
                vec![],
                status_body(405, "MethodNotAllowed", "the fault proxy forwards only GET"),
            )),
            Some(Fault::Status { code, retry_after }) => Some((
                *code,
                retry_after
                    .map(|ra| vec![("Retry-After".to_owned(), ra.to_string())])
                    .unwrap_or_default(),
                fault_body(*code, path, *retry_after),
            )),
            Some(Fault::Gone { inconsistent_token }) => {
                // k8s.io/apiserver pkg/storage/etcd3/errors.go: continueExpired
                // and inconsistentContinue.
                let token = query
                    .split('&')
                    .find_map(|p| p.strip_prefix("continue="))
                    .map(percent_decode)
                    .unwrap_or_default();
                let mut s = if *inconsistent_token {
                    status_body(
                        410,
                        "Expired",
                        "The provided continue parameter is too old to display a consistent list result. \
                         You can start a new list without the continue parameter, or use the continue token \
                         in this response to retrieve the remainder of the results. Continuing with the \
                         provided token results in an inconsistent list - objects that were created, \
                         modified, or deleted between the time the first chunk was returned and now may \
                         show up in the list.",
                    )
                } else {
                    status_body(
                        410,
                        "Expired",
                        "The provided continue parameter is too old to display a consistent list result. \
                         You can start a new list without the continue parameter.",
                    )
                };
                if *inconsistent_token {
                    s["metadata"] = json!({"continue": token});
                }
                Some((410, vec![], s))
            }
            _ => None,
        };
        let (code, headers, bytes) = match canned {
            Some((code, headers, value)) => (code, headers, serde_json::to_vec(&value).unwrap()),
            None => {
                let uri = if query.is_empty() {
                    path.to_owned()
                } else {
                    format!("{path}?{query}")
                };
                let req = http::Request::get(uri)
                    .header(http::header::ACCEPT, "application/json")
                    .body(Body::empty())
                    .unwrap();
                match upstream.send(req).await {
                    Ok(resp) => {
                        let code = resp.status().as_u16();
                        match resp.into_body().collect_bytes().await {
                            Ok(b) => (code, vec![], b.to_vec()),
                            Err(_) => {
                                record(0);
                                return;
                            }
                        }
                    }
                    Err(e) => (
                        502,
                        vec![],
                        serde_json::to_vec(&status_body(502, "", &format!("proxy: {e}"))).unwrap(),
                    ),
                }
            }
        };
        let delayed = if let Some(Fault::Delay(d)) = &fault {
            // Logged before the wait: the client may give up first.
            record(code);
            tokio::time::sleep(*d).await;
            true
        } else {
            false
        };
        let mut head = format!(
            "HTTP/1.1 {code} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            http::StatusCode::from_u16(code)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Unknown"),
            bytes.len()
        );
        for (k, v) in &headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if matches!(fault, Some(Fault::DropMidBody)) {
            record(0);
            let _ = w.write_all(head.as_bytes()).await;
            let _ = w.write_all(&bytes[..bytes.len() / 2]).await;
            let _ = w.flush().await;
            let _ = w.shutdown().await;
            return;
        }
        if !delayed {
            record(code);
        }
        if w.write_all(head.as_bytes()).await.is_err() || w.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query parameters of a logged request.
pub fn query_map(q: &str) -> BTreeMap<String, String> {
    q.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect()
}
