//! OB004: ServiceMonitors and PodMonitors that scrape nothing.

use crate::reads::{self, K};
use crate::util::{
    MonitorTarget, dyn_target, monitors, namespace_has_operator_objects, pod_monitor_matches_ports,
    sees_whole_cluster, service_monitor_matches,
};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, law};
use day2_model::selector::{describe_label_selector, label_selector_matches};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "OB004",
    name: "dangling-monitor",
    loop_: Loop::Observability,
    reads: reads::TEMPLATES.with(&[K::Service]),
    severity: Severity::Low,
    summary: "ServiceMonitor or PodMonitor selects no Service or pod on the port it scrapes",
    law: law::OBSERVABILITY,
    rationale: "A monitor that matches nothing produces no target and no error: the dashboards stay empty \
and the alerts built on them never fire, while everyone believes the service is monitored. The usual \
causes are a label that changed, the monitor in another namespace without `namespaceSelector`, or an \
endpoint `port` that names a container port instead of the Service port's name. (A monitor can also be \
ignored by a Prometheus whose `serviceMonitorSelector` does not pick it; that is not visible here.)",
    fix: Fix::generic(
        "Make the monitor's `selector` match the Service's labels (ServiceMonitor) or the pods' labels (PodMonitor), set `namespaceSelector` when it lives in another namespace, and name the Service port (ServiceMonitor `port`) or container port (PodMonitor `port`) it scrapes.",
    ),
    sources: "Same on every source: monitors, Services and pod templates in the input. On manifests, namespaces holding other custom resources that may create the Services or pods are not judged.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/OB004/fire.yaml"),
        silent: include_str!("../../fixtures/OB004/silent.yaml"),
    },
    peers: &["KubeLinter dangling-servicemonitor"],
};

pub struct DanglingMonitor;

impl Rule for DanglingMonitor {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let whole = sees_whole_cluster(c);
        let index = cx.workload_index();
        for m in monitors(c) {
            let hit = match m.target {
                MonitorTarget::Services => {
                    c.services.iter().any(|s| service_monitor_matches(&m, s))
                }
                MonitorTarget::Pods => index.all.iter().any(|w| {
                    m.watches_namespace(w.namespace())
                        && label_selector_matches(&m.selector, w.pod_labels())
                        && pod_monitor_matches_ports(&m, w.spec)
                }),
            };
            if hit {
                continue;
            }
            let scope: Vec<String> = if m.any_namespace {
                Vec::new()
            } else if m.namespaces.is_empty() {
                vec![m.namespace.clone()]
            } else {
                m.namespaces.clone()
            };
            if !whole
                && (scope.is_empty()
                    || scope.iter().any(|ns| namespace_has_operator_objects(c, ns)))
            {
                continue;
            }
            sink.report(
                dyn_target(c, m.object),
                format!(
                    "{} {} selects {} {} but nothing matches on the port it scrapes: no targets, no data",
                    m.object.kind,
                    m.object.name(),
                    if m.target == MonitorTarget::Services { "Services" } else { "pods" },
                    describe_label_selector(&m.selector)
                ),
                Some("/spec/selector"),
            );
        }
    }
}
