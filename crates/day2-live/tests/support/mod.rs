//! A fake API server behind `kube::Client`: discovery, paginated lists with
//! real `limit`/`continue` semantics, authorization by RBAC rules, and
//! injected failures. It records every request and answers anything but
//! `GET` with 405, so a test can prove the capture only reads.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use day2_live::kinds::KINDS;
use kube::client::Body;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    /// The `Authorization` header.
    pub authorization: Option<String>,
}

/// A resource the fake serves.
#[derive(Debug, Clone)]
pub struct Served {
    pub group: String,
    pub version: String,
    pub resource: String,
    pub kind: String,
    pub namespaced: bool,
}

/// One RBAC rule (`apiGroups`, `resources`, `verbs`).
#[derive(Debug, Clone)]
pub struct Rule {
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
}

impl Rule {
    fn allows(&self, verb: &str, group: &str, resource: &str) -> bool {
        let any = |v: &Vec<String>, x: &str| v.iter().any(|e| e == "*" || e == x);
        any(&self.groups, group) && any(&self.resources, resource) && any(&self.verbs, verb)
    }
}

#[derive(Default)]
pub struct State {
    pub served: Vec<Served>,
    /// Objects by (group, resource), as the API stores them.
    pub objects: BTreeMap<(String, String), Vec<Value>>,
    /// `None`: everything allowed.
    pub rules: Option<Vec<Rule>>,
    /// Resources answered with 403 whatever the rules say.
    pub forbidden: BTreeSet<String>,
    /// Resource → number of `continue` requests answered `410 Gone`.
    pub expire: BTreeMap<String, u32>,
    /// Whether a 410 carries an inconsistent-continuation token.
    pub expire_with_token: bool,
    /// Resource → number of 503 answers before it works.
    pub unavailable: BTreeMap<String, u32>,
    /// Resources whose pages after the first always answer 503.
    pub broken_after_first_page: BTreeSet<String>,
    /// Resource → number of 429 answers before it works.
    pub throttled: BTreeMap<String, u32>,
    /// Resource → number of requests never answered.
    pub hang: BTreeMap<String, u32>,
    /// Group-versions whose discovery fails with 503.
    pub broken_discovery: BTreeSet<String>,
    pub log: Vec<Seen>,
    /// `Some`: only these bearer tokens are accepted (401 otherwise).
    pub tokens: Option<Vec<String>>,
    /// Answers sent gzip-compressed (the client asked for it).
    pub gzipped: usize,
    /// Discovery (`/api/v1`, `/apis`, …) answered 403, as on a cluster
    /// without the system:discovery binding.
    pub forbid_discovery: bool,
}

#[derive(Clone)]
pub struct Fake(pub Arc<Mutex<State>>);

impl Fake {
    /// A server that serves every kind day2 knows (CRDs included), at the
    /// first version day2 prefers, plus events.k8s.io like a real server.
    pub fn new() -> Fake {
        let served = KINDS
            .iter()
            .map(|k| Served {
                group: k.group.into(),
                version: k.versions[0].into(),
                resource: k.resource.into(),
                kind: k.kind.into(),
                namespaced: k.namespaced,
            })
            .collect();
        Fake(Arc::new(Mutex::new(State {
            served,
            ..State::default()
        })))
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap()
    }

    pub fn client(&self) -> kube::Client {
        kube::Client::new(self.clone(), "default")
    }

    pub fn add(&self, group: &str, resource: &str, obj: Value) {
        self.state()
            .objects
            .entry((group.into(), resource.into()))
            .or_default()
            .push(obj);
    }

    pub fn unserve(&self, group: &str, resource: &str) {
        self.state()
            .served
            .retain(|s| !(s.group == group && s.resource == resource));
    }

    pub fn log(&self) -> Vec<Seen> {
        self.state().log.clone()
    }

    /// Requests for one resource's list.
    pub fn lists_of(&self, resource: &str) -> Vec<Seen> {
        self.log()
            .into_iter()
            .filter(|s| {
                s.path.rsplit('/').next() == Some(resource) && s.query.contains_key("limit")
            })
            .collect()
    }

    /// Answer one request (`None`: never answer). `authorization` is the header.
    pub fn answer(
        &self,
        method: &str,
        path: &str,
        query: BTreeMap<String, String>,
        authorization: Option<String>,
    ) -> Option<(u16, Value)> {
        let mut st = self.0.lock().unwrap();
        st.log.push(Seen {
            method: method.into(),
            path: path.into(),
            query: query.clone(),
            authorization: authorization.clone(),
        });
        if let Some(tokens) = &st.tokens
            && !authorization
                .as_deref()
                .and_then(|a| a.strip_prefix("Bearer "))
                .is_some_and(|t| tokens.iter().any(|k| k == t))
        {
            return Some((401, status(401, "Unauthorized", "Unauthorized")));
        }
        if method != "GET" {
            return Some((
                405,
                status(405, "MethodNotAllowed", "day2 must never write"),
            ));
        }
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // Discovery.
        if st.forbid_discovery
            && matches!(segs.as_slice(), ["api", "v1"] | ["apis"] | ["apis", _, _])
        {
            return Some((
                403,
                status(
                    403,
                    "Forbidden",
                    "forbidden: User \"day2\" cannot get path \"/api/v1\"",
                ),
            ));
        }
        match segs.as_slice() {
            ["api", "v1"] => return Some((200, resource_list(&st, "", "v1"))),
            ["apis"] => return Some((200, group_list(&st))),
            ["apis", g, v] => {
                if st.broken_discovery.contains(&format!("{g}/{v}")) {
                    return Some((
                        503,
                        status(
                            503,
                            "ServiceUnavailable",
                            "the server is currently unable to handle the request",
                        ),
                    ));
                }
                if !st.served.iter().any(|s| s.group == *g && s.version == *v) {
                    return Some((
                        404,
                        status(
                            404,
                            "NotFound",
                            "the server could not find the requested resource",
                        ),
                    ));
                }
                return Some((200, resource_list(&st, g, v)));
            }
            _ => {}
        }
        // Resources: /api/v1/[namespaces/NS/]RES[/NAME], /apis/G/V/[namespaces/NS/]RES[/NAME]
        let (group, version, rest) = match segs.as_slice() {
            ["api", v, rest @ ..] => ("", *v, rest),
            ["apis", g, v, rest @ ..] => (*g, *v, rest),
            _ => return Some((404, status(404, "NotFound", "no such path"))),
        };
        let (ns, resource, name) = match rest {
            ["namespaces", ns, res] => (Some(*ns), *res, None),
            ["namespaces", ns, res, name] => (Some(*ns), *res, Some(*name)),
            ["namespaces", name] => (None, "namespaces", Some(*name)),
            [res] => (None, *res, None),
            [res, name] => (None, *res, Some(*name)),
            _ => return Some((404, status(404, "NotFound", "no such path"))),
        };
        let Some(served) = st
            .served
            .iter()
            .find(|s| s.group == group && s.version == version && s.resource == resource)
            .cloned()
        else {
            return Some((
                404,
                status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ),
            ));
        };
        let verb = if name.is_some() { "get" } else { "list" };
        let allowed = !st.forbidden.contains(resource)
            && st
                .rules
                .as_ref()
                .is_none_or(|rules| rules.iter().any(|r| r.allows(verb, group, resource)));
        if !allowed {
            let scope = ns.map_or("at the cluster scope".to_owned(), |n| {
                format!("in the namespace \"{n}\"")
            });
            return Some((
                403,
                status(
                    403,
                    "Forbidden",
                    &format!(
                        "{resource} is forbidden: User \"day2\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}"
                    ),
                ),
            ));
        }
        for (map, code, reason) in [
            ("hang", 0, ""),
            ("unavailable", 503, "ServiceUnavailable"),
            ("throttled", 429, "TooManyRequests"),
        ] {
            let counter = match map {
                "hang" => &mut st.hang,
                "unavailable" => &mut st.unavailable,
                _ => &mut st.throttled,
            };
            if let Some(n) = counter.get_mut(resource)
                && *n > 0
            {
                *n -= 1;
                if code == 0 {
                    return None;
                }
                let mut s = status(code, reason, "try again later");
                if code == 429 {
                    s["details"] = json!({"retryAfterSeconds": 1});
                }
                return Some((code, s));
            }
        }
        let limit: usize = query
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(usize::MAX)
            .max(1);
        let start = match query.get("continue").filter(|_| name.is_none()) {
            None => 0,
            Some(token) => {
                if let Some(n) = st.expire.get_mut(resource)
                    && *n > 0
                {
                    *n -= 1;
                    let mut s = status(
                        410,
                        "Expired",
                        "The provided continue parameter is too old to display a consistent list result.",
                    );
                    if st.expire_with_token {
                        s["metadata"] = json!({"continue": token});
                    }
                    return Some((410, s));
                }
                if st.broken_after_first_page.contains(resource) {
                    return Some((
                        503,
                        status(503, "ServiceUnavailable", "etcd leader changed"),
                    ));
                }
                match token
                    .strip_prefix("off:")
                    .and_then(|t| t.trim_end_matches('=').parse().ok())
                {
                    Some(n) => n,
                    None => {
                        return Some((400, status(400, "BadRequest", "invalid continue token")));
                    }
                }
            }
        };
        let empty = Vec::new();
        let all: Vec<&Value> = st
            .objects
            .get(&(group.to_owned(), resource.to_owned()))
            .unwrap_or(&empty)
            .iter()
            .filter(|o| {
                !served.namespaced
                    || ns.is_none()
                    || o.pointer("/metadata/namespace").and_then(Value::as_str) == ns
            })
            .collect();
        if let Some(name) = name {
            return Some(
                match all
                    .iter()
                    .find(|o| o.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
                {
                    Some(o) => {
                        let mut o = (*o).clone();
                        o["apiVersion"] = json!(if group.is_empty() {
                            version.to_owned()
                        } else {
                            format!("{group}/{version}")
                        });
                        o["kind"] = json!(served.kind);
                        (200, o)
                    }
                    None => (
                        404,
                        status(404, "NotFound", &format!("{resource} \"{name}\" not found")),
                    ),
                },
            );
        }
        let end = (start + limit).min(all.len());
        let items: Vec<Value> = all[start.min(all.len())..end]
            .iter()
            .map(|v| (*v).clone())
            .collect();
        let mut meta = json!({"resourceVersion": "12345"});
        if end < all.len() {
            // Shaped like a real token: base64-ish, with characters that need escaping.
            meta["continue"] = json!(format!("off:{end}=="));
            meta["remainingItemCount"] = json!(all.len() - end);
        }
        let list_kind = format!("{}List", served.kind);
        let api_version = if group.is_empty() {
            version.to_owned()
        } else {
            format!("{group}/{version}")
        };
        Some((
            200,
            json!({"kind": list_kind, "apiVersion": api_version, "metadata": meta, "items": items}),
        ))
    }
}

fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

fn resource_list(st: &State, group: &str, version: &str) -> Value {
    let gv = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    let resources: Vec<Value> = st
        .served
        .iter()
        .filter(|s| s.group == group && s.version == version)
        .flat_map(|s| {
            let main = json!({"name": s.resource, "singularName": "", "namespaced": s.namespaced, "kind": s.kind,
                   "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]});
            // Subresources are listed too and must not be taken for kinds.
            let status = json!({"name": format!("{}/status", s.resource), "singularName": "", "namespaced": s.namespaced,
                   "kind": s.kind, "verbs": ["get", "patch", "update"]});
            [main, status]
        })
        .collect();
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
}

fn group_list(st: &State) -> Value {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in st.served.iter().filter(|s| !s.group.is_empty()) {
        let v = groups.entry(&s.group).or_default();
        if !v.contains(&s.version.as_str()) {
            v.push(&s.version);
        }
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(g, vs)| {
            let versions: Vec<Value> = vs
                .iter()
                .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                .collect();
            json!({"name": g, "versions": versions, "preferredVersion": versions[0]})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(x) = u8::from_str_radix(&v[i + 1..i + 3], 16)
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn parse_query(q: Option<&str>) -> BTreeMap<String, String> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Serve the fake over plain HTTP/1.1 on 127.0.0.1 (for tests that go through
/// a kubeconfig and kube's real connection stack). Returns `http://127.0.0.1:PORT`.
pub async fn serve_http(fake: Fake) -> String {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let fake = fake.clone();
            tokio::spawn(async move {
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
                    let mut authorization = None;
                    let mut gzip = false;
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
                        if let Some((k, v)) = h.split_once(':') {
                            match k.to_ascii_lowercase().as_str() {
                                "authorization" => authorization = Some(v.trim().to_owned()),
                                "content-length" => length = v.trim().parse().unwrap_or(0),
                                "accept-encoding" => gzip = v.contains("gzip"),
                                _ => {}
                            }
                        }
                    }
                    let mut body = vec![0u8; length];
                    if length > 0 && r.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let (path, query) = target
                        .split_once('?')
                        .map_or((target.as_str(), None), |(p, q)| (p, Some(q)));
                    let Some((code, value)) =
                        fake.answer(&method, path, parse_query(query), authorization)
                    else {
                        // Never answer, and keep the connection open.
                        std::future::pending::<()>().await;
                        return;
                    };
                    let mut body = serde_json::to_vec(&value).unwrap();
                    let mut encoding = "";
                    if gzip {
                        // Like the API server for large answers.
                        use std::io::Write;
                        let mut gz =
                            flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                        gz.write_all(&body).unwrap();
                        body = gz.finish().unwrap();
                        encoding = "Content-Encoding: gzip\r\n";
                        fake.state().gzipped += 1;
                    }
                    let head = format!(
                        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\n{encoding}Content-Length: {}\r\n\r\n",
                        body.len()
                    );
                    if w.write_all(head.as_bytes()).await.is_err()
                        || w.write_all(&body).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

type Fut =
    Pin<Box<dyn Future<Output = Result<http::Response<Body>, std::convert::Infallible>> + Send>>;

impl tower::Service<http::Request<Body>> for Fake {
    type Response = http::Response<Body>;
    type Error = std::convert::Infallible;
    type Future = Fut;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Fut {
        let uri = req.uri().clone();
        let authorization = req
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let answer = self.answer(
            req.method().as_str(),
            uri.path(),
            parse_query(uri.query()),
            authorization,
        );
        Box::pin(async move {
            match answer {
                None => std::future::pending().await,
                Some((code, body)) => Ok(http::Response::builder()
                    .status(code)
                    .header("content-type", "application/json")
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap()),
            }
        })
    }
}

/// Parse `deploy/rbac.yaml` and return the rules of one ClusterRole.
pub fn cluster_role_rules(name: &str) -> Vec<Rule> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/rbac.yaml"
    ))
    .unwrap();
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    let role = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRole" && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no ClusterRole {name} in deploy/rbac.yaml"));
    let strs = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    role["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("resources").is_some())
        .map(|r| Rule {
            groups: strs(&r["apiGroups"]),
            resources: strs(&r["resources"]),
            verbs: strs(&r["verbs"]),
        })
        .collect()
}

/// The AWS access key id stored in the seeded Secret, and its base64.
pub const AWS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const DB_PASSWORD: &str = "correct-horse-battery-staple";

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

pub fn b64_of(s: &str) -> String {
    b64(s)
}

fn meta(ns: Option<&str>, name: &str) -> Value {
    let mut m = json!({"name": name, "uid": format!("uid-{}-{name}", ns.unwrap_or("")), "resourceVersion": "1",
                       "creationTimestamp": "2026-01-01T08:00:00Z",
                       "managedFields": [{"manager": "kubectl", "operation": "Apply", "apiVersion": "v1"}]});
    if let Some(ns) = ns {
        m["namespace"] = json!(ns);
    }
    m
}

/// A small cluster with one incident of each loop: a StatefulSet pod Pending
/// on a zonal volume bound before scheduling, static AWS keys in a Secret,
/// a Deployment without requests, a ServiceMonitor.
pub fn seed(f: &Fake) {
    for ns in ["default", "app", "kube-system", "monitoring"] {
        f.add("", "namespaces", json!({"metadata": meta(None, ns), "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}));
    }
    for (i, zone) in ["us-east-1a", "us-east-1b", "us-east-1c"]
        .iter()
        .enumerate()
    {
        let name = format!("ip-10-0-{i}-10.ec2.internal");
        let mut m = meta(None, &name);
        m["labels"] = json!({"topology.kubernetes.io/zone": zone, "kubernetes.io/hostname": name,
                             "node.kubernetes.io/instance-type": "m5.large"});
        f.add(
            "",
            "nodes",
            json!({"metadata": m, "spec": {"providerID": format!("aws:///{zone}/i-0{i}")},
            "status": {"allocatable": {"cpu": "1930m", "memory": "7Gi", "pods": "29"},
                       "capacity": {"cpu": "2", "memory": "8Gi", "pods": "29"},
                       "conditions": [{"type": "Ready", "status": "True"}]}}),
        );
    }
    f.add("storage.k8s.io", "storageclasses", json!({"metadata": meta(None, "gp2"),
        "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "Immediate", "reclaimPolicy": "Delete"}));
    let mut pv = json!({"metadata": meta(None, "pvc-1"), "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"],
        "storageClassName": "gp2", "claimRef": {"namespace": "app", "name": "data-db-0"},
        "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-1"},
        "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-1d"]}]}]}}},
        "status": {"phase": "Bound"}});
    pv["metadata"]["labels"] = json!({"topology.kubernetes.io/zone": "us-east-1d"});
    f.add("", "persistentvolumes", pv);
    f.add("", "persistentvolumeclaims", json!({"metadata": meta(Some("app"), "data-db-0"),
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp2", "volumeName": "pvc-1", "resources": {"requests": {"storage": "10Gi"}}},
        "status": {"phase": "Bound"}}));
    let template = |app: &str| {
        json!({"metadata": {"labels": {"app": app}},
        "spec": {"containers": [{"name": app, "image": format!("registry.example.com/{app}:1.0")}]}})
    };
    f.add("apps", "statefulsets", json!({"metadata": meta(Some("app"), "db"),
        "spec": {"replicas": 1, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}}, "template": template("db"),
                 "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp2", "resources": {"requests": {"storage": "10Gi"}}}}]},
        "status": {"replicas": 1, "readyReplicas": 0}}));
    let mut db0 = meta(Some("app"), "db-0");
    db0["labels"] = json!({"app": "db"});
    db0["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "uid": "uid-app-db", "controller": true}]);
    let mut spec = template("db")["spec"].clone();
    spec["volumes"] =
        json!([{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}}]);
    f.add("", "pods", json!({"metadata": db0, "spec": spec,
        "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
            "message": "0/3 nodes are available: 3 node(s) had volume node affinity conflict."}]}}));
    f.add("", "events", json!({"metadata": meta(Some("app"), "db-0.1"), "involvedObject": {"kind": "Pod", "namespace": "app", "name": "db-0", "uid": "uid-app-db-0"},
        "reason": "FailedScheduling", "type": "Warning", "count": 12, "source": {"component": "default-scheduler"},
        "firstTimestamp": "2026-01-01T09:00:00Z", "lastTimestamp": "2026-01-01T09:10:00Z",
        "message": "0/3 nodes are available: 3 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."}));
    f.add("apps", "deployments", json!({"metadata": meta(Some("app"), "web"),
        "spec": {"replicas": 5, "selector": {"matchLabels": {"app": "web"}}, "template": template("web")},
        "status": {"replicas": 5, "readyReplicas": 5}}));
    let mut rs = meta(Some("app"), "web-5d4f");
    rs["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "uid-app-web", "controller": true}]);
    rs["labels"] = json!({"app": "web"});
    f.add("apps", "replicasets", json!({"metadata": rs, "spec": {"replicas": 5, "selector": {"matchLabels": {"app": "web"}}, "template": template("web")}}));
    for i in 0..5 {
        let mut m = meta(Some("app"), &format!("web-5d4f-{i}"));
        m["labels"] = json!({"app": "web"});
        m["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d4f", "uid": "uid-app-web-5d4f", "controller": true}]);
        let mut spec = template("web")["spec"].clone();
        spec["nodeName"] = json!(format!("ip-10-0-{}-10.ec2.internal", i % 3));
        f.add("", "pods", json!({"metadata": m, "spec": spec, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "web", "ready": true, "restartCount": 0, "image": "registry.example.com/web:1.0", "imageID": "", "started": true, "state": {"running": {"startedAt": "2026-01-01T08:00:00Z"}}}]}}));
    }
    f.add("", "services", json!({"metadata": meta(Some("app"), "web"), "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}));
    let mut secret = meta(Some("app"), "aws-creds");
    secret["annotations"] = json!({"kubectl.kubernetes.io/last-applied-configuration":
        format!("{{\"apiVersion\":\"v1\",\"data\":{{\"AWS_ACCESS_KEY_ID\":\"{}\"}},\"kind\":\"Secret\"}}", b64(AWS_KEY_ID))});
    f.add("", "secrets", json!({"metadata": secret, "type": "Opaque",
        "data": {"AWS_ACCESS_KEY_ID": b64(AWS_KEY_ID), "AWS_SECRET_ACCESS_KEY": b64(AWS_SECRET), "db-password": b64(DB_PASSWORD)}}));
    f.add("", "secrets", json!({"metadata": meta(Some("app"), "regcred"), "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": b64("{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpzM2NyM3QtcmVnaXN0cnk=\"}}}")}}));
    f.add(
        "",
        "serviceaccounts",
        json!({"metadata": meta(Some("app"), "default")}),
    );
    f.add("monitoring.coreos.com", "servicemonitors", json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
        "metadata": meta(Some("monitoring"), "web"), "spec": {"selector": {"matchLabels": {"app": "web"}},
        "namespaceSelector": {"matchNames": ["app"]}, "endpoints": [{"port": "http"}]}}));
    f.add("rbac.authorization.k8s.io", "clusterrolebindings", json!({"metadata": meta(None, "ci-admin"),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
        "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "app"}]}));
}

/// Every secret value the seeded cluster holds, plain and base64.
pub fn secret_values() -> Vec<String> {
    let regcred =
        "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpzM2NyM3QtcmVnaXN0cnk=\"}}}";
    let mut v = Vec::new();
    for s in [
        AWS_KEY_ID,
        AWS_SECRET,
        DB_PASSWORD,
        regcred,
        "dXNlcjpzM2NyM3QtcmVnaXN0cnk=",
        "s3cr3t-registry",
    ] {
        v.push(s.to_owned());
        v.push(b64(s));
    }
    v.push("wJalrXUtnFEMI".into());
    v
}
