//! OB002: Services whose request metrics nobody scrapes.

use crate::reads::{self, K};
use crate::util::{
    MonitorTarget, NamespaceLabels, api_server_backends, is_metrics_service, monitors,
    pod_monitor_matches_ports, sees_whole_cluster, service_monitor_matches,
};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::selector::{Labels, label_selector_matches};
use day2_model::{Loop, Severity, Workload};

pub static META: RuleMeta = RuleMeta {
    code: "OB002",
    name: "service-without-red-metrics",
    loop_: Loop::Observability,
    reads: reads::TEMPLATES.with(&[K::Service]),
    severity: Severity::Medium,
    summary: "Service has no RED metrics collection: no ServiceMonitor/PodMonitor, no `prometheus.io/scrape`, no mesh or auto-instrumentation",
    law: law::OBSERVABILITY,
    rationale: "\"RED (Services): Rate, Errors, Duration — is the app happy?\" Without request metrics for a \
Service, a 502 at the ingress cannot be told apart from a slow database or a pod that never got \
traffic, and no alert fires before users notice. A Service counts as covered when a ServiceMonitor \
(or VMServiceScrape) selects it on one of its ports, a PodMonitor (VMPodScrape, GMP PodMonitoring / \
ClusterPodMonitoring) selects its pods on a declared port, the Service or its pods carry \
`prometheus.io/scrape: \"true\"`, its pods are in a service mesh that records RED metrics (Istio \
sidecar or ambient, Linkerd) or are auto-instrumented by OpenTelemetry, or Datadog checks are \
configured on them. Only Services that serve requests are judged: headless Services, Services without \
a selector, Services that expose only metrics (every port named for metrics, or a `…-metrics` Service) \
and Services the API server calls (admission and conversion webhooks, aggregated APIs, whose request \
metrics the API server records) are not.",
    fix: Fix {
        generic: "Expose request metrics (rate, errors, duration histograms) on a named port and add a ServiceMonitor selecting the Service on that port (or a PodMonitor, or `prometheus.io/scrape: \"true\"` with `prometheus.io/port`), or instrument with OpenTelemetry.",
        aws: Some(
            "With Amazon Managed Service for Prometheus, the managed scraper or ADOT collector honours ServiceMonitors/PodMonitors and `prometheus.io/scrape` annotations.",
        ),
        azure: Some(
            "With Azure Monitor managed Prometheus, use `ServiceMonitor`/`PodMonitor` of `azmonitoring.coreos.com` (or enable annotation-based scraping in `ama-metrics-settings-configmap`).",
        ),
        gcp: Some(
            "With Google Cloud Managed Service for Prometheus, add a `PodMonitoring` selecting the pods on their metrics port.",
        ),
    },
    sources: "Same on every source: Services, monitors (custom resources), annotations and namespace labels in the input. On manifests a scrape configuration kept in another repository (or a monitoring stack that discovers Services itself) is not visible: findings are low there.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/OB002/fire.yaml"),
        silent: include_str!("../../fixtures/OB002/silent.yaml"),
    },
    peers: &[],
};

fn truthy(m: &Labels, k: &str, want: &[&str]) -> bool {
    m.get(k)
        .is_some_and(|v| want.iter().any(|w| v.eq_ignore_ascii_case(w)))
}

/// Pod-side evidence of RED metrics: scrape annotations, mesh, auto-instrumentation, Datadog checks.
fn pod_is_instrumented(w: &Workload<'_>, ns_labels: &Labels, ns_ann: &Labels) -> bool {
    let ann = w.pod_annotations();
    let labels = w.pod_labels();
    truthy(ann, "prometheus.io/scrape", &["true"])
        || ann.keys().any(|k| {
            k.starts_with("instrumentation.opentelemetry.io/inject-")
                && ann.get(k).is_some_and(|v| v != "false")
        })
        || ann
            .keys()
            .any(|k| k.starts_with("ad.datadoghq.com/") && k.ends_with(".checks"))
        || truthy(ann, "sidecar.istio.io/inject", &["true"])
        || truthy(labels, "sidecar.istio.io/inject", &["true"])
        || truthy(ann, "linkerd.io/inject", &["enabled"])
        || truthy(ns_labels, "istio-injection", &["enabled"])
        || ns_labels.contains_key("istio.io/rev")
        || truthy(ns_labels, "istio.io/dataplane-mode", &["ambient"])
        || truthy(ns_ann, "linkerd.io/inject", &["enabled"])
}

pub struct ServiceWithoutRedMetrics;

impl Rule for ServiceWithoutRedMetrics {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let index = cx.workload_index();
        let services = cx.service_index();
        let ns_labels = NamespaceLabels::new(c);
        let mons = monitors(c);
        let empty = Labels::new();
        let namespaces: std::collections::HashMap<&str, _> =
            c.namespaces.iter().map(|n| (n.name(), n)).collect();
        let backends = api_server_backends(c);
        let whole = sees_whole_cluster(c);
        for (s, matched) in &services.services {
            if matched.is_empty()
                || is_metrics_service(s)
                || backends.contains(&(s.ns_or_default().to_owned(), s.name().to_owned()))
            {
                continue;
            }
            let spec = s.spec.as_ref();
            if spec.and_then(|sp| sp.cluster_ip.as_deref()) == Some("None") {
                continue;
            }
            if truthy(s.annotations(), "prometheus.io/scrape", &["true"]) {
                continue;
            }
            let ns = s.ns_or_default();
            let nsl = ns_labels.get(ns);
            let ns_ann = namespaces
                .get(ns)
                .map(|n| n.annotations())
                .unwrap_or(&empty);
            let workloads: Vec<&Workload<'_>> = matched.iter().map(|i| &index.all[*i]).collect();
            if workloads
                .iter()
                .any(|w| pod_is_instrumented(w, &nsl, ns_ann))
            {
                continue;
            }
            let by_monitor = mons.iter().any(|m| match m.target {
                MonitorTarget::Services => service_monitor_matches(m, s),
                MonitorTarget::Pods => {
                    m.watches_namespace(ns)
                        && workloads.iter().any(|w| {
                            label_selector_matches(&m.selector, w.pod_labels())
                                && pod_monitor_matches_ports(m, w.spec)
                        })
                }
            });
            if by_monitor {
                continue;
            }
            sink.report_with(
                Target::of(*s),
                format!(
                    "Service {} has no RED metrics{}: no ServiceMonitor or PodMonitor selects it, no prometheus.io/scrape annotation, no mesh or auto-instrumentation on its pods",
                    s.name(),
                    if whole { "" } else { " in the input" }
                ),
                None,
                None,
                (!whole).then_some(Severity::Low),
            );
        }
    }
}
