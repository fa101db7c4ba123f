//! NW009: NGINX ingress timeouts left at their defaults in front of long-running backends.

use crate::reads::K;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::{Cluster, Loop, Res, Severity};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass, IngressServiceBackend};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    code: "NW009",
    name: "ingress-timeout-defaults",
    loop_: Loop::Network,
    reads: KindSet::of(&[
        K::Other,
        K::ClusterRoleBinding,
        K::ConfigMap,
        K::Ingress,
        K::IngressClass,
        K::LimitRange,
        K::Namespace,
        K::NetworkPolicy,
        K::RoleBinding,
        K::Service,
    ]),
    severity: Severity::Medium,
    summary: "NGINX Ingress in front of a long-running backend keeps `proxy-read-timeout`/`proxy-send-timeout` at the 60-second default",
    law: law::NETWORK,
    rationale: "\"Ingress annotations: proxy-read-timeout defaults are for demos, not production.\" NGINX closes \
a proxied connection when the backend sends nothing for `proxy-read-timeout` (or accepts nothing for \
`proxy-send-timeout`) — 60 seconds by default. For WebSockets, server-sent events, gRPC streams, long \
polls and large uploads or reports, that is a 504 or a dropped connection every minute, which looks \
like an application bug or a flaky network. A backend is long-running when the Ingress or its Service \
says so: `backend-protocol: GRPC`, `proxy-buffering: off`, a large `proxy-body-size`, WebSocket or \
streaming paths (`/ws`, `/socket.io`, `/sse`, `/stream`, `/subscriptions`…), a \
Service port named or `appProtocol`-tagged for ws/wss/h2c/grpc. Both the community controller \
(`nginx.ingress.kubernetes.io/*`) and F5 NGINX (`nginx.org/*`) are understood, as is a controller \
ConfigMap in the input that raises the defaults globally.",
    fix: Fix::generic(
        "Set `nginx.ingress.kubernetes.io/proxy-read-timeout` and `nginx.ingress.kubernetes.io/proxy-send-timeout` (seconds, e.g. \"3600\" for WebSockets) on the Ingress (F5 NGINX: `nginx.org/proxy-read-timeout: \"3600s\"`), and make the client or server send keep-alives more often than the timeout. Check the cloud load balancer in front too (AWS ALB/NLB idle timeout 60 s/350 s, Azure LB 4 min, GCP backend service timeout 30 s).",
    ),
    sources: "Same on every source: Ingresses in the input, their backend Services, IngressClasses and any ingress-nginx controller ConfigMap in the input. Ingresses served by other controllers pass.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW009/fire.yaml"),
        silent: include_str!("../../fixtures/NW009/silent.yaml"),
    },
    peers: &[],
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Community,
    F5,
}

impl Flavor {
    fn prefix(self) -> &'static str {
        match self {
            Flavor::Community => "nginx.ingress.kubernetes.io/",
            Flavor::F5 => "nginx.org/",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Flavor::Community => "ingress-nginx",
            Flavor::F5 => "F5 NGINX Ingress",
        }
    }
}

fn flavor_of_controller(controller: &str) -> Option<Flavor> {
    match controller {
        "k8s.io/ingress-nginx" => Some(Flavor::Community),
        "nginx.org/ingress-controller" => Some(Flavor::F5),
        _ => None,
    }
}

/// The objects an Ingress refers to by name, indexed once for every Ingress.
struct Lookup<'c> {
    /// IngressClass name → its controller.
    controllers: FxHashMap<&'c str, Option<&'c str>>,
    /// The first IngressClass annotated as the default.
    default_class: Option<&'c Res<IngressClass>>,
    /// (namespace, name) → Service; the first of a name wins.
    services: FxHashMap<(&'c str, &'c str), &'c Res<Service>>,
}

impl<'c> Lookup<'c> {
    fn new(c: &'c Cluster) -> Self {
        let mut controllers = FxHashMap::default();
        for k in &c.ingress_classes {
            controllers
                .entry(k.name())
                .or_insert_with(|| k.spec.as_ref().and_then(|s| s.controller.as_deref()));
        }
        let default_class = c
            .ingress_classes
            .iter()
            .find(|k| k.annotation("ingressclass.kubernetes.io/is-default-class") == Some("true"));
        let mut services = FxHashMap::default();
        for s in &c.services {
            services.entry((s.ns_or_default(), s.name())).or_insert(s);
        }
        Lookup {
            controllers,
            default_class,
            services,
        }
    }
}

/// Which NGINX controller (if any) serves an Ingress.
fn flavor(ing: &Res<Ingress>, l: &Lookup<'_>) -> Option<Flavor> {
    let class = ing
        .spec
        .as_ref()
        .and_then(|s| s.ingress_class_name.clone())
        .or_else(|| {
            ing.annotation("kubernetes.io/ingress.class")
                .map(str::to_owned)
        });
    let controller_of = |name: &str| l.controllers.get(name).copied().flatten();
    match class {
        Some(name) => match controller_of(&name) {
            Some(ctrl) => flavor_of_controller(ctrl),
            None if name.contains("nginx") => Some(
                if ing
                    .annotations()
                    .keys()
                    .any(|k| k.starts_with("nginx.org/"))
                {
                    Flavor::F5
                } else {
                    Flavor::Community
                },
            ),
            None => None,
        },
        None => {
            if let Some(d) = l.default_class {
                return d
                    .spec
                    .as_ref()
                    .and_then(|s| s.controller.as_deref())
                    .and_then(flavor_of_controller);
            }
            let keys = ing.annotations().keys();
            let mut f = None;
            for k in keys {
                if k.starts_with("nginx.ingress.kubernetes.io/") {
                    f = Some(Flavor::Community);
                } else if k.starts_with("nginx.org/") {
                    f = f.or(Some(Flavor::F5));
                }
            }
            f
        }
    }
}

/// Seconds of an NGINX time value (`60`, `60s`, `5m`, `1h`).
fn seconds(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, mult) = match v.chars().last()? {
        's' => (&v[..v.len() - 1], 1),
        'm' => (&v[..v.len() - 1], 60),
        'h' => (&v[..v.len() - 1], 3600),
        _ => (v, 1),
    };
    num.trim().parse::<u64>().ok().map(|n| n * mult)
}

/// A request/upload size in bytes (`100m`, `1g`, `0` = unlimited).
fn size(v: &str) -> Option<u64> {
    let v = v.trim().to_ascii_lowercase();
    let (num, mult) = match v.chars().last()? {
        'k' => (&v[..v.len() - 1], 1u64 << 10),
        'm' => (&v[..v.len() - 1], 1 << 20),
        'g' => (&v[..v.len() - 1], 1 << 30),
        _ => (v.as_str(), 1),
    };
    num.parse::<u64>()
        .ok()
        .map(|n| if n == 0 { u64::MAX } else { n * mult })
}

const STREAM_PATHS: &[&str] = &[
    "/ws",
    "/wss",
    "/websocket",
    "/socket.io",
    "/sockjs",
    "/sse",
    "/stream",
    "/subscriptions",
    "/graphql-ws",
    "/cable",
    "/signalr",
    "/longpoll",
];

fn stream_path(p: &str) -> bool {
    p.split('/').filter(|s| !s.is_empty()).any(|seg| {
        let seg = seg.to_ascii_lowercase();
        STREAM_PATHS.iter().any(|s| s[1..] == seg)
    })
}

/// Why the backends of an Ingress are long-running.
fn long_running(ing: &Res<Ingress>, f: Flavor, l: &Lookup<'_>) -> BTreeSet<String> {
    let mut why = BTreeSet::new();
    let a = |k: &str| ing.annotation(&format!("{}{k}", f.prefix()));
    if let Some(p) = a("backend-protocol").filter(|p| p.to_ascii_uppercase().starts_with("GRPC")) {
        why.insert(format!("backend-protocol {p}"));
    }
    if a("grpc-services").is_some() {
        why.insert("gRPC services".into());
    }
    if a("websocket-services").is_some() {
        why.insert("WebSocket services".into());
    }
    if a("proxy-buffering").is_some_and(|v| v.eq_ignore_ascii_case("off")) {
        why.insert("proxy-buffering off (streaming)".into());
    }
    if let Some(v) = a("proxy-body-size").or_else(|| a("client-max-body-size"))
        && size(v).is_some_and(|b| b >= 100 << 20)
    {
        why.insert(format!("proxy-body-size {v} (large uploads)"));
    }
    let ns = ing.ns_or_default();
    let mut check_backend = |b: &IngressServiceBackend| {
        let Some(svc) = l.services.get(&(ns, b.name.as_str())) else {
            return;
        };
        for p in svc.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
            let matches_backend = match &b.port {
                Some(bp) => bp.number == Some(p.port) || (bp.name.is_some() && bp.name == p.name),
                None => true,
            };
            if !matches_backend {
                continue;
            }
            let proto = p.app_protocol.as_deref().unwrap_or("").to_ascii_lowercase();
            let name = p.name.as_deref().unwrap_or("").to_ascii_lowercase();
            if [
                "kubernetes.io/ws",
                "kubernetes.io/wss",
                "kubernetes.io/h2c",
                "ws",
                "wss",
                "grpc",
                "h2c",
            ]
            .contains(&proto.as_str())
            {
                why.insert(format!("Service {} port appProtocol {proto}", svc.name()));
            } else if ["ws", "wss", "websocket", "grpc", "sse", "stream"]
                .iter()
                .any(|k| name.split('-').any(|x| x == *k))
            {
                why.insert(format!("Service {} port `{name}`", svc.name()));
            }
        }
    };
    let mut paths = Vec::new();
    if let Some(spec) = ing.spec.as_ref() {
        if let Some(b) = spec
            .default_backend
            .as_ref()
            .and_then(|b| b.service.as_ref())
        {
            check_backend(b);
        }
        for r in spec.rules.iter().flatten() {
            for p in r.http.iter().flat_map(|h| &h.paths) {
                if let Some(path) = p.path.as_deref()
                    && stream_path(path)
                {
                    paths.push(format!("path {path}"));
                }
                if let Some(b) = &p.backend.service {
                    check_backend(b);
                }
            }
        }
    }
    why.extend(paths);
    why
}

/// Timeouts an ingress-nginx controller ConfigMap in the input sets globally.
fn global(c: &Cluster, key: &str) -> Option<u64> {
    c.config_maps
        .iter()
        .filter(|cm| cm.name().contains("nginx"))
        .find_map(|cm| cm.data.as_ref()?.get(key).and_then(|v| seconds(v)))
}

pub struct IngressTimeoutDefaults;

impl Rule for IngressTimeoutDefaults {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let global_read = global(c, "proxy-read-timeout");
        let global_send = global(c, "proxy-send-timeout");
        if c.ingresses.is_empty() {
            return;
        }
        let lookup = Lookup::new(c);
        for ing in &c.ingresses {
            let Some(f) = flavor(ing, &lookup) else {
                continue;
            };
            let why = long_running(ing, f, &lookup);
            if why.is_empty() {
                continue;
            }
            let eff = |key: &str, global: Option<u64>| {
                ing.annotation(&format!("{}{key}", f.prefix()))
                    .and_then(seconds)
                    .or(global)
                    .unwrap_or(60)
            };
            let read = eff("proxy-read-timeout", global_read);
            let send = eff("proxy-send-timeout", global_send);
            let short: Vec<String> = [("proxy-read-timeout", read), ("proxy-send-timeout", send)]
                .iter()
                .filter(|(_, v)| *v <= 60)
                .map(|(k, v)| format!("{k} {v}s"))
                .collect();
            if short.is_empty() {
                continue;
            }
            sink.report(
                Target::of(ing),
                format!(
                    "Ingress {} ({}) fronts a long-running backend ({}) with {}: connections quiet for a minute are cut (504, dropped WebSockets and streams)",
                    ing.name(),
                    f.name(),
                    why.into_iter().collect::<Vec<_>>().join("; "),
                    short.join(" and ")
                ),
                Some("/metadata/annotations"),
            );
        }
    }
}
