//! `IngressBackendMissing` (the backend Service or its port does not exist)
//! and `IngressBackendUnavailable` (the backend Service has no ready
//! endpoint: ingress-nginx logs `Service "<ns>/<name>" does not have any active
//! Endpoint.` and answers 503; cloud load balancers answer 502/503; or
//! NetworkPolicies let no pod of the class's controller reach the Ready
//! backend pods, and it answers 504; or no controller takes the Ingress, as
//! it names no class and none is the default, and the controller answers
//! 404; or its TLS Secret is not in its namespace, and HTTPS clients get
//! the controller's default certificate).

use super::{Detail, Detected, Kind, Subject, service};
use crate::analysis::Analysis;
use crate::netpol::{Direction, Peer, Port, evaluate};
use day2_model::{Pod, Res, SourceKind};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::{Ingress, IngressServiceBackend};

/// Every Service backend of an Ingress with the host and path routing to it
/// (an AWS Load Balancer Controller action is not a Service).
pub fn backends(ing: &Ingress) -> Vec<(&IngressServiceBackend, String, String)> {
    let mut out = backends_and_actions(ing);
    out.retain(|(b, _, _)| !day2_model::ingress::is_alb_action(ing, b));
    out
}

fn backends_and_actions(ing: &Ingress) -> Vec<(&IngressServiceBackend, String, String)> {
    let mut out = Vec::new();
    let Some(spec) = ing.spec.as_ref() else {
        return out;
    };
    if let Some(b) = spec
        .default_backend
        .as_ref()
        .and_then(|b| b.service.as_ref())
    {
        out.push((b, "*".to_owned(), "(default backend)".to_owned()));
    }
    for r in spec.rules.iter().flatten() {
        let host = r.host.clone().unwrap_or_else(|| "*".into());
        for p in r.http.iter().flat_map(|h| h.paths.iter()) {
            if let Some(b) = p.backend.service.as_ref() {
                out.push((
                    b,
                    host.clone(),
                    p.path.clone().unwrap_or_else(|| "/".into()),
                ));
            }
        }
    }
    out
}

/// The first three controller pods an Ingress concerns, as `ns/name`.
pub fn controller_names(pods: &[&Res<Pod>]) -> String {
    pods.iter()
        .take(3)
        .map(|p| format!("{}/{}", p.ns_or_default(), p.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn names(pods: &[&Res<Pod>]) -> String {
    let mut v: Vec<&str> = pods.iter().take(3).map(|p| p.name()).collect();
    if pods.len() > 3 {
        v.push("…");
    }
    v.join(", ")
}

pub fn port_text(b: &IngressServiceBackend) -> Option<String> {
    let p = b.port.as_ref()?;
    p.name.clone().or_else(|| p.number.map(|n| n.to_string()))
}

pub fn detect<'c>(a: &Analysis<'c>, ing: &'c Res<Ingress>) -> Option<Detected<'c>> {
    let ns = ing.ns_or_default();
    let mut missing: Option<(Kind, String, Option<String>, String, String, String)> = None;
    let mut since = None;
    for (b, host, path) in backends(ing) {
        let port = port_text(b);
        let svc = a.service(ns, &b.name);
        let problem = match svc {
            None if !a.cluster.services.is_empty() || a.cluster.source != SourceKind::Manifests => {
                Some((
                    Kind::IngressBackendMissing,
                    format!("backend Service {ns}/{} does not exist", b.name),
                ))
            }
            None => None,
            Some(s) => {
                let ports = s.spec.as_ref().and_then(|sp| sp.ports.as_ref());
                let port_ok = match b.port.as_ref() {
                    None => true,
                    Some(p) => ports.into_iter().flatten().any(|sp| {
                        p.number.is_some_and(|n| n == sp.port)
                            || p.name
                                .as_deref()
                                .is_some_and(|n| sp.name.as_deref() == Some(n))
                    }),
                };
                if !port_ok {
                    Some((
                        Kind::IngressBackendMissing,
                        format!(
                            "backend Service {ns}/{} has no port {}",
                            b.name,
                            port.clone().unwrap_or_default()
                        ),
                    ))
                } else if a.cluster.source != SourceKind::Manifests
                    && service::selector(s).is_some()
                {
                    let pods = service::selected_pods(a, s);
                    let st = service::endpoint_state(a, s, &pods);
                    let broken = st.ready == 0
                        && !(pods.is_empty() && a.cluster.pods_in_namespace(ns).next().is_none());
                    if broken {
                        since = service::unready_since(a, &pods);
                    }
                    if broken {
                        Some((
                            Kind::IngressBackendUnavailable,
                            format!(
                                "backend Service {ns}/{} has no ready endpoint ({} not ready, {}): requests to {host}{path} get 502/503",
                                b.name, st.not_ready, st.source
                            ),
                        ))
                    } else if let Some(u) = super::backend_port::unnamed(a, s, port.as_deref()) {
                        Some((
                            Kind::IngressBackendUnavailable,
                            format!(
                                "backend Service {ns}/{} sends port {} to targetPort `{}`, a name none of its Ready pods ({}) declares (they declare {}): that port has no endpoint, and requests to {host}{path} get 503",
                                b.name,
                                port.as_deref().unwrap_or("(its first)"),
                                u.name,
                                names(&u.pods),
                                if u.declared.is_empty() {
                                    "no port".to_owned()
                                } else {
                                    u.declared.join(", ")
                                }
                            ),
                        ))
                    } else if let Some(u) = super::backend_port::unserved(a, s, port.as_deref()) {
                        let declared: Vec<String> = u.declared.iter().map(i32::to_string).collect();
                        Some((
                            Kind::IngressBackendUnavailable,
                            format!(
                                "backend Service {ns}/{} sends port {} to target port {}, which none of its Ready pods ({}) declares (they declare {}): requests to {host}{path} are refused and get 502",
                                b.name,
                                port.as_deref().unwrap_or("(its first)"),
                                u.target,
                                names(&u.pods),
                                declared.join(", ")
                            ),
                        ))
                    } else if let Some(n) = fargate_instance(a, ing, s, &pods) {
                        Some((
                            Kind::IngressBackendUnavailable,
                            format!(
                                "the ALB of Ingress {ns}/{} registers backend Service {} by node port (target type instance), and all {n} of its pods run on EKS Fargate, which has no node ports: no target becomes healthy and requests to {host}{path} get 503",
                                ing.name(),
                                b.name
                            ),
                        ))
                    } else {
                        controller_shut_out(a, ing, s, port.as_deref()).map(|(c, pod, p)| {
                            (
                                Kind::IngressBackendUnavailable,
                                format!(
                                    "NetworkPolicy lets no ingress controller pod ({}/{}) reach backend pod {}/{} on port {}: requests to {host}{path} time out (504) although the pods are Ready",
                                    c.ns_or_default(), c.name(), pod.ns_or_default(), pod.name(), p.number
                                ),
                            )
                        })
                    }
                } else {
                    None
                }
            }
        };
        if let Some((kind, text)) = problem {
            // A missing backend outranks an unavailable one.
            if missing.as_ref().is_none_or(|m| {
                m.0 == Kind::IngressBackendUnavailable && kind == Kind::IngressBackendMissing
            }) {
                missing = Some((kind, text, port, b.name.clone(), host, path));
            }
        }
    }
    let (kind, text, port, service, host, path) = match missing {
        Some(m) => m,
        None if let Some(t) = super::ingress_tls::missing(a, ing) => {
            let (b, _, path) = backends(ing).into_iter().next()?;
            let host = t.hosts.first().copied().unwrap_or("*").to_owned();
            let elsewhere: Vec<String> = t
                .elsewhere
                .iter()
                .map(|s| format!("{}/{}", s.ns_or_default(), s.name()))
                .collect();
            (
                Kind::IngressBackendUnavailable,
                format!(
                    "TLS Secret {ns}/{} of Ingress {} does not exist{}: the controller serves its default certificate for {host}, and HTTPS clients refuse it",
                    t.secret,
                    ing.name(),
                    if elsewhere.is_empty() {
                        String::new()
                    } else {
                        format!(" (a Secret of that name is in {})", elsewhere.join(", "))
                    }
                ),
                port_text(b),
                b.name.clone(),
                host,
                path,
            )
        }
        None => {
            let (controllers, asked) = match misclassed(a, ing) {
                Some((c, asked)) => (c, Some(asked)),
                None => (unclaimed(a, ing)?, None),
            };
            let (b, host, path) = backends(ing).into_iter().next()?;
            let names = controller_names(controllers);
            (
                Kind::IngressBackendUnavailable,
                match asked {
                    Some(asked) => format!(
                        "Ingress {ns}/{} asks for class {asked}, which no IngressClass and no running controller serves: the running controller ({}) skips it, so requests to {host}{path} get its 404",
                        ing.name(),
                        names
                    ),
                    None => format!(
                        "Ingress {ns}/{} names no IngressClass and no class is the default: the running controller ({}) serves its class only, so requests to {host}{path} get its 404",
                        ing.name(),
                        names
                    ),
                },
                port_text(b),
                b.name.clone(),
                host,
                path,
            )
        }
    };
    let mut d = Detected::new(kind, ing.objref(), Subject::Ingress(ing));
    d.evidence.push(text);
    d.since = if kind == Kind::IngressBackendUnavailable {
        since
    } else {
        None
    }
    .or_else(|| crate::model::creation(&ing.metadata));
    d.events = a.cluster.events_for_obj(ing);
    d.detail = Detail::Ingress {
        service,
        port,
        host,
        path,
    };
    Some(d)
}

/// An Ingress no controller takes: it names no class (no
/// `spec.ingressClassName`, no `kubernetes.io/ingress.class` annotation), no
/// IngressClass is marked default, the Ready controllers serve their class
/// only (none runs with ingress-nginx's `--watch-ingress-without-class`),
/// and the Ingress has no address. Since networking/v1 an Ingress without a
/// class is left to the default class; ingress-nginx 1.0 on skips it
/// (`ingress does not contain a valid IngressClass`). The controller pods
/// that pass it by.
pub fn unclaimed<'a, 'c>(a: &'a Analysis<'c>, ing: &'c Ingress) -> Option<&'a [&'c Res<Pod>]> {
    if a.cluster.source == SourceKind::Manifests
        || a.cluster.ingress_classes.is_empty()
        || class_name(a, ing).is_some()
    {
        return None;
    }
    let addressed = has_address(ing);
    let controllers = a.ingress_controllers();
    (!addressed && !controllers.is_empty() && !controllers.iter().any(|p| takes_classless(p)))
        .then_some(controllers)
}

/// An Ingress that names a class (`spec.ingressClassName` or the
/// `kubernetes.io/ingress.class` annotation) no IngressClass has and no
/// running controller is started with (`--ingress-class=<class>`), in a
/// cluster whose controllers write the addresses of the Ingresses they
/// take: it has none, so nothing took it (MicroK8s 1.20's addon serves
/// class `public`, canonical/microk8s#2035). The controllers passing it by,
/// and the class it asks for.
pub fn misclassed<'a, 'c>(
    a: &'a Analysis<'c>,
    ing: &'c Ingress,
) -> Option<(&'a [&'c Res<Pod>], &'c str)> {
    if a.cluster.source == SourceKind::Manifests || has_address(ing) {
        return None;
    }
    let asked = explicit_class(ing)?;
    let classes = &a.cluster.ingress_classes;
    if classes.is_empty() || classes.iter().any(|c| c.name() == asked) {
        return None;
    }
    let controllers = a.ingress_controllers();
    let serves = |arg: &str| {
        arg.strip_suffix(asked)
            .is_some_and(|f| f.ends_with("ingress-class=") || f.ends_with("ingressclass="))
    };
    let published = a.cluster.ingresses.iter().any(|i| has_address(i));
    (published
        && !controllers.is_empty()
        && !controllers.iter().any(|p| crate::model::any_arg(p, serves)))
    .then_some((controllers, asked))
}

/// The target type the AWS Load Balancer Controller registers an Ingress's
/// backends with: `alb.ingress.kubernetes.io/target-type` on the Ingress or
/// its Service, `instance` (node ports) by default.
pub fn alb_target_type<'i>(
    ing: &'i k8s_openapi::api::networking::v1::Ingress,
    svc: &'i Service,
) -> &'i str {
    let of = |m: &'i k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
        m.annotations
            .as_ref()?
            .get("alb.ingress.kubernetes.io/target-type")
            .map(String::as_str)
    };
    of(&svc.metadata)
        .or_else(|| of(&ing.metadata))
        .unwrap_or("instance")
}

/// An ALB Ingress whose backend pods all run on EKS Fargate, registered as
/// `instance` targets: Fargate has no node ports the load balancer can
/// send to, so no target ever becomes healthy and the ALB answers 503
/// (kubernetes-sigs/aws-load-balancer-controller#2132). The pods on
/// Fargate, when that is so.
pub fn fargate_instance<'c>(
    a: &Analysis<'c>,
    ing: &'c k8s_openapi::api::networking::v1::Ingress,
    svc: &Service,
    pods: &[&'c Res<Pod>],
) -> Option<usize> {
    if !is_alb(a, ing) || alb_target_type(ing, svc) != "instance" || pods.is_empty() {
        return None;
    }
    let fargate = |p: &&Res<Pod>| {
        crate::model::node_name(p)
            .and_then(|n| a.cluster.node(n))
            .and_then(|n| n.labels().get("eks.amazonaws.com/compute-type"))
            .is_some_and(|t| t == "fargate")
    };
    pods.iter().all(fargate).then_some(pods.len())
}

/// Whether the AWS Load Balancer Controller serves the Ingress: class `alb`,
/// or an IngressClass whose controller is `ingress.k8s.aws/alb`.
pub fn is_alb<'c>(a: &Analysis<'c>, ing: &'c Ingress) -> bool {
    let class = class_name(a, ing);
    class == Some("alb")
        || a.cluster.ingress_classes.iter().any(|c| {
            Some(c.name()) == class
                && c.spec.as_ref().and_then(|s| s.controller.as_deref())
                    == Some("ingress.k8s.aws/alb")
        })
}

/// Whether a controller has written the Ingress's address
/// (`status.loadBalancer.ingress`).
pub fn has_address(ing: &Ingress) -> bool {
    ing.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .is_some_and(|v| !v.is_empty())
}

/// The class an Ingress names itself: `spec.ingressClassName`, else the
/// legacy `kubernetes.io/ingress.class` annotation.
pub(crate) fn explicit_class(ing: &Ingress) -> Option<&str> {
    ing.spec
        .as_ref()
        .and_then(|s| s.ingress_class_name.as_deref())
        .or_else(|| {
            ing.metadata
                .annotations
                .as_ref()
                .and_then(|m| m.get("kubernetes.io/ingress.class"))
                .map(String::as_str)
        })
}

/// A controller pod that takes Ingresses without a class
/// (ingress-nginx's `--watch-ingress-without-class`).
fn takes_classless(p: &Pod) -> bool {
    crate::model::any_arg(p, |arg| {
        arg.contains("watch-ingress-without-class") && !arg.ends_with("=false")
    })
}

/// The class an Ingress asks for: `spec.ingressClassName`, the legacy
/// `kubernetes.io/ingress.class` annotation, else the IngressClass marked
/// `ingressclass.kubernetes.io/is-default-class: "true"`.
pub(crate) fn class_name<'c>(a: &Analysis<'c>, ing: &'c Ingress) -> Option<&'c str> {
    explicit_class(ing).or_else(|| {
        a.cluster
            .ingress_classes
            .iter()
            .find(|c| {
                c.metadata
                    .annotations
                    .as_ref()
                    .and_then(|m| m.get("ingressclass.kubernetes.io/is-default-class"))
                    .is_some_and(|v| v == "true")
            })
            .map(|c| c.name())
    })
}

/// The Ready pods of the controller that serves class `class`: those whose
/// container arguments name the IngressClass's `spec.controller`
/// (`--controller-class=k8s.io/ingress-nginx`) or the class itself
/// (`--ingress-class=nginx`, Traefik's `…ingressclass=traefik`).
pub fn controller_pods<'c>(a: &Analysis<'c>, class: &str) -> Vec<&'c Res<Pod>> {
    let controller = a
        .cluster
        .ingress_classes
        .iter()
        .find(|c| c.name() == class)
        .and_then(|c| c.spec.as_ref())
        .and_then(|s| s.controller.as_deref());
    let names = |arg: &str| {
        controller.is_some_and(|c| arg.ends_with(&format!("={c}")))
            || arg.ends_with(&format!("ingress-class={class}"))
            || arg.ends_with(&format!("ingressclass={class}"))
    };
    let named: Vec<&'c Res<Pod>> = a
        .ingress_controllers()
        .iter()
        .copied()
        .filter(|p| crate::model::any_arg(p, names))
        .collect();
    if !named.is_empty() {
        return named;
    }
    // A controller told nothing serves its flags' default class: ingress-nginx
    // `--controller-class=k8s.io/ingress-nginx`, the AWS Load Balancer
    // Controller (and the ALB ingress controller before it) `--ingress-class=alb`.
    // Without an IngressClass object, a legacy class name (the
    // `kubernetes.io/ingress.class` annotation) is the controller's default.
    let Some((_, label, images, _)) = DEFAULT_CLASSES.iter().find(|(c, _, _, legacy)| {
        controller == Some(*c) || (controller.is_none() && class == *legacy)
    }) else {
        return named;
    };
    a.cluster
        .pods
        .iter()
        .filter(|p| crate::model::is_ready(p))
        .filter(|p| {
            let labelled = p.labels().get("app.kubernetes.io/name").map(String::as_str)
                == Some(*label)
                && p.labels()
                    .get("app.kubernetes.io/component")
                    .is_none_or(|c| c == "controller");
            let image = p.spec.as_ref().is_some_and(|s| {
                s.containers.iter().any(|c| {
                    c.image
                        .as_deref()
                        .is_some_and(|i| images.iter().any(|m| i.contains(m)))
                })
            });
            (labelled || image)
                && !crate::model::any_arg(p, |arg: &str| {
                    arg.contains("--controller-class=")
                        || arg.contains("--ingress-class=")
                        || arg.contains(".ingressclass=")
                })
        })
        .collect()
}

/// The AWS Load Balancer Controller's name for its IngressClasses.
const ALB_CONTROLLER: &str = "ingress.k8s.aws/alb";

/// Controllers that serve a class when their flags name none: the
/// IngressClass controller, the chart's `app.kubernetes.io/name`,
/// fragments of their images, and the class name they take by default.
/// Traefik's Kubernetes Ingress provider (`--providers.kubernetesingress`)
/// takes its controller's classes unless its `ingressClass` option names one.
const DEFAULT_CLASSES: [(&str, &str, &[&str], &str); 6] = [
    (
        NGINX_CONTROLLER,
        "ingress-nginx",
        &["ingress-nginx/controller"],
        "nginx",
    ),
    (
        ALB_CONTROLLER,
        "aws-load-balancer-controller",
        &["aws-load-balancer-controller", "alb-ingress-controller"],
        "alb",
    ),
    (
        "traefik.io/ingress-controller",
        "traefik",
        &["traefik:", "traefik@"],
        "traefik",
    ),
    (
        "haproxy.org/ingress-controller/haproxy",
        "kubernetes-ingress",
        &["haproxytech/kubernetes-ingress"],
        "haproxy",
    ),
    (
        "nginx.org/ingress-controller",
        "nginx-ingress",
        &["nginx/nginx-ingress", "nginx-plus-ingress"],
        "nginx",
    ),
    (
        "ingress-controllers.konghq.com/kong",
        "kong",
        &["kong/kubernetes-ingress-controller"],
        "kong",
    ),
];

/// ingress-nginx's controller name, the default of its `--controller-class`.
const NGINX_CONTROLLER: &str = "k8s.io/ingress-nginx";

/// The port a backend pod serves for `svc`'s port `port` (a number or a
/// name): the Service port's `targetPort`, a name resolved against the
/// pod's container ports.
fn served_port<'c>(
    svc: &k8s_openapi::api::core::v1::Service,
    port: Option<&str>,
    pod: &'c Pod,
) -> Option<Port<'c>> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let sp = super::backend_port::service_port(svc, port)?;
    let number = crate::model::target_port(sp, pod)?;
    let mut container_ports = pod
        .spec
        .as_ref()?
        .containers
        .iter()
        .flat_map(|c| c.ports.iter().flatten());
    let name = match sp.target_port.as_ref() {
        Some(IntOrString::String(n)) => container_ports
            .find(|c| c.name.as_deref() == Some(n.as_str()))
            .and_then(|c| c.name.as_deref()),
        _ => container_ports
            .find(|c| i32::from(number) == c.container_port)
            .and_then(|c| c.name.as_deref()),
    };
    Some(Port {
        number,
        name,
        protocol: "TCP",
    })
}

/// NetworkPolicies shut the ingress controller out of the backend: its
/// Ready pods have endpoints, but a policy that selects them for ingress
/// admits none of the Ready controller pods (or the controller's own egress
/// policies do not let it out), so requests through the Ingress time out
/// (504) while every pod is Ready. The controller pod, the backend pod and
/// the port.
pub fn controller_shut_out<'c>(
    a: &Analysis<'c>,
    ing: &'c Ingress,
    svc: &'c Res<k8s_openapi::api::core::v1::Service>,
    port: Option<&str>,
) -> Option<(&'c Res<Pod>, &'c Res<Pod>, Port<'c>)> {
    if a.cluster.network_policies.is_empty() {
        return None;
    }
    // An Ingress without a class goes to the controllers that take those
    // (ingress-nginx's `--watch-ingress-without-class`).
    let controllers: Vec<&'c Res<Pod>> = match class_name(a, ing) {
        Some(class) => controller_pods(a, class),
        None => a
            .ingress_controllers()
            .iter()
            .copied()
            .filter(|p| takes_classless(p))
            .collect(),
    };
    shut_out(a, &controllers, svc, port)
}

/// None of `controllers` may reach a Ready pod of `svc` on the port its
/// Service port `port` sends to: the first controller pod, the backend pod
/// and the port. For any proxy in front of a Service (an Ingress
/// controller, Traefik serving its IngressRoutes).
pub fn shut_out<'c>(
    a: &Analysis<'c>,
    controllers: &[&'c Res<Pod>],
    svc: &'c Res<k8s_openapi::api::core::v1::Service>,
    port: Option<&str>,
) -> Option<(&'c Res<Pod>, &'c Res<Pod>, Port<'c>)> {
    if a.cluster.network_policies.is_empty() {
        return None;
    }
    // A controller on the host's network connects from its node's address,
    // which pod selectors do not match: that is for ipBlocks to say.
    if controllers
        .iter()
        .any(|c| c.spec.as_ref().and_then(|s| s.host_network) == Some(true))
    {
        return None;
    }
    let backend = service::selected_pods(a, svc)
        .into_iter()
        .find(|p| crate::model::is_ready(p))?;
    let port = served_port(svc, port, backend)?;
    let allowed = |c: &&Res<Pod>| {
        evaluate(a.cluster, c, Direction::Egress, Peer::Pod(backend), port).allowed()
            && evaluate(a.cluster, backend, Direction::Ingress, Peer::Pod(c), port).allowed()
    };
    match controllers.first() {
        Some(first) if !controllers.iter().any(allowed) => Some((first, backend, port)),
        _ => None,
    }
}
