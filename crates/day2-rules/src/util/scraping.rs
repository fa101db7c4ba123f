//! Metrics scraping: ServiceMonitors and PodMonitors and what they select.

use super::{container_ports, target_port};
use day2_model::selector::label_selector_matches;
use day2_model::{Cluster, Res};
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// What a scrape configuration selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonitorTarget {
    /// ServiceMonitor, VMServiceScrape: Services by label.
    Services,
    /// PodMonitor, VMPodScrape, PodMonitoring, ClusterPodMonitoring: pods by label.
    Pods,
}

/// A port an endpoint of a monitor scrapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorPort {
    Name(String),
    Number(i32),
    Any,
}

/// A Prometheus-operator-style scrape configuration (also VictoriaMetrics and
/// Google Managed Prometheus kinds), parsed from its custom resource.
#[derive(Debug, Clone)]
pub struct Monitor<'c> {
    pub object: &'c Res<day2_model::DynObject>,
    pub target: MonitorTarget,
    pub namespace: String,
    /// `namespaceSelector.any`, or a cluster-scoped kind.
    pub any_namespace: bool,
    pub namespaces: Vec<String>,
    pub selector: LabelSelector,
    pub ports: Vec<MonitorPort>,
}

impl Monitor<'_> {
    pub fn watches_namespace(&self, ns: &str) -> bool {
        if self.any_namespace {
            return true;
        }
        if self.namespaces.is_empty() {
            return self.namespace == ns;
        }
        self.namespaces.iter().any(|n| n == ns)
    }

    /// Whether an endpoint port matches a port (number, optional name).
    pub fn port_matches(&self, number: i32, name: Option<&str>) -> bool {
        self.ports.is_empty()
            || self.ports.iter().any(|p| match p {
                MonitorPort::Any => true,
                MonitorPort::Number(n) => *n == number,
                MonitorPort::Name(s) => Some(s.as_str()) == name,
            })
    }
}

fn json_port(v: &serde_json::Value) -> Option<MonitorPort> {
    match v {
        serde_json::Value::String(s) => Some(match s.parse::<i32>() {
            Ok(n) => MonitorPort::Number(n),
            Err(_) => MonitorPort::Name(s.clone()),
        }),
        serde_json::Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(MonitorPort::Number),
        _ => None,
    }
}

/// Every scrape configuration of the input.
pub fn monitors(cluster: &Cluster) -> Vec<Monitor<'_>> {
    cluster
        .other
        .iter()
        .filter_map(|o| {
            let (target, cluster_scoped, endpoints_key) = match o.kind.as_str() {
                "ServiceMonitor" | "VMServiceScrape" => {
                    (MonitorTarget::Services, false, "endpoints")
                }
                "PodMonitor" | "VMPodScrape" => (MonitorTarget::Pods, false, "podMetricsEndpoints"),
                "PodMonitoring" => (MonitorTarget::Pods, false, "endpoints"),
                "ClusterPodMonitoring" => (MonitorTarget::Pods, true, "endpoints"),
                _ => return None,
            };
            let spec = o.data.get("spec")?;
            let selector: LabelSelector = spec
                .get("selector")
                .and_then(|s| serde_json::from_value(s.clone()).ok())
                .unwrap_or_default();
            let ns_sel = spec.get("namespaceSelector");
            let any_namespace = cluster_scoped
                || ns_sel
                    .and_then(|n| n.get("any"))
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false);
            let namespaces = ns_sel
                .and_then(|n| n.get("matchNames"))
                .and_then(serde_json::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let ports = spec
                .get(endpoints_key)
                .and_then(serde_json::Value::as_array)
                .map(|eps| {
                    eps.iter()
                        .map(|e| {
                            e.get("port")
                                .and_then(json_port)
                                .or_else(|| e.get("portNumber").and_then(json_port))
                                .or_else(|| e.get("targetPort").and_then(json_port))
                                .unwrap_or(MonitorPort::Any)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(Monitor {
                object: o,
                target,
                namespace: o.ns_or_default().to_owned(),
                any_namespace,
                namespaces,
                selector,
                ports,
            })
        })
        .collect()
}

/// Whether a pod template declares a port a pod monitor scrapes.
pub fn pod_monitor_matches_ports(m: &Monitor<'_>, spec: &PodSpec) -> bool {
    m.ports.is_empty()
        || spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .flat_map(container_ports)
            .any(|p| m.port_matches(p.container_port, p.name.as_deref()))
        || m.ports.contains(&MonitorPort::Any)
}

/// Whether a ServiceMonitor-style monitor scrapes a Service.
pub fn service_monitor_matches(
    m: &Monitor<'_>,
    svc: &Res<k8s_openapi::api::core::v1::Service>,
) -> bool {
    m.target == MonitorTarget::Services
        && m.watches_namespace(svc.ns_or_default())
        && label_selector_matches(&m.selector, svc.labels())
        && svc.spec.iter().flat_map(|s| s.ports.iter().flatten()).any(|p| {
            m.port_matches(p.port, p.name.as_deref())
                || matches!(target_port(p), IntOrString::Int(n) if m.ports.contains(&MonitorPort::Number(n)))
        })
}
