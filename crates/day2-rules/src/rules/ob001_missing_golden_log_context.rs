//! OB001: logs cannot carry pod, namespace and node context.

use crate::reads;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::Container;

pub static META: RuleMeta = RuleMeta {
    code: "OB001",
    name: "missing-golden-log-context",
    loop_: Loop::Observability,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Container cannot put pod_name, namespace and node_name in its logs (no Downward API env and no log agent adding them)",
    law: law::OBSERVABILITY,
    rationale: "Cross-loop diagnosis joins a log line to the pod that wrote it, the node it ran on and the \
zone of that node. An application only knows its pod, namespace and node if Kubernetes tells it (the \
Downward API) or a log agent adds them on the way out. Without them, the 502 in the logs cannot be tied \
to the node that was added in the other zone.",
    fix: Fix::generic(
        "Expose the context with the Downward API and log it on every line: `env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}, {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}, {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]`, or run a log agent (Fluent Bit, OpenTelemetry Collector with the k8sattributes processor, Vector) that enriches records; add the zone from the node's `topology.kubernetes.io/zone` label.",
    ),
    sources: "Snapshot/live: when a log agent DaemonSet (Fluent Bit, Fluentd, OpenTelemetry Collector, Vector, Promtail, Grafana Alloy, Datadog) runs in the cluster the rule is satisfied everywhere; otherwise every app container must get the context through the Downward API (`metadata.name`, `metadata.namespace`, `spec.nodeName`) or `OTEL_RESOURCE_ATTRIBUTES`. Manifests: the same, with only the agents the input contains; a cluster-wide agent installed elsewhere is not visible, so findings are low there (disable the rule in `.day2.yaml` if you run such an agent). Pods with a log-agent sidecar or an OpenTelemetry auto-instrumentation annotation pass.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/OB001/fire.yaml"),
        silent: include_str!("../../fixtures/OB001/silent.yaml"),
    },
    peers: &[],
};

/// DaemonSets (by name or image) of log agents that add Kubernetes metadata to every record.
const LOG_AGENTS: [&str; 10] = [
    "fluent-bit",
    "fluentbit",
    "fluentd",
    "opentelemetry-collector",
    "otel-collector",
    "otelcol",
    "vector",
    "promtail",
    "alloy",
    "datadog-agent",
];

fn is_log_agent(name: &str, images: &[&str]) -> bool {
    LOG_AGENTS.iter().any(|a| {
        name.contains(a)
            || images.iter().any(|i| {
                let base = crate::util::image_base(i);
                base == *a
                    || base.starts_with(&format!("{a}-"))
                    || i.contains("datadog/agent")
                    || i.contains("grafana/agent")
            })
    })
}

/// Which of pod name, namespace and node name the container cannot see.
fn missing_context(c: &Container) -> Vec<&'static str> {
    let env = c.env.as_deref().unwrap_or(&[]);
    let field = |path: &str| {
        env.iter().any(|e| {
            e.value_from
                .as_ref()
                .and_then(|v| v.field_ref.as_ref())
                .is_some_and(|f| f.field_path == path)
        })
    };
    let otel = env
        .iter()
        .find(|e| e.name == "OTEL_RESOURCE_ATTRIBUTES")
        .and_then(|e| e.value.as_deref())
        .unwrap_or("");
    let mut missing = Vec::new();
    if !field("metadata.name") && !otel.contains("k8s.pod.name") {
        missing.push("pod_name");
    }
    if !field("metadata.namespace") && !otel.contains("k8s.namespace.name") {
        missing.push("namespace");
    }
    if !field("spec.nodeName") && !otel.contains("k8s.node.name") {
        missing.push("node_name");
    }
    missing
}

pub struct MissingGoldenContext;

impl Rule for MissingGoldenContext {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let agent = cx.cluster.daemon_sets.iter().any(|d| {
            let images: Vec<&str> = d
                .spec
                .template
                .spec
                .iter()
                .flat_map(|s| &s.containers)
                .filter_map(|c| c.image.as_deref())
                .collect();
            is_log_agent(d.name(), &images)
        });
        if agent {
            return;
        }
        let whole = crate::util::sees_whole_cluster(cx.cluster);
        for w in cx.workloads() {
            if w.kind == "DaemonSet" && is_log_agent(w.name(), &[]) {
                continue;
            }
            let images: Vec<&str> = crate::util::containers(w.spec)
                .iter()
                .filter_map(|c| c.c.image.as_deref())
                .collect();
            let sidecar_agent = images.iter().any(|i| is_log_agent("", &[i]));
            let instrumented = w.pod_annotations().iter().any(|(k, v)| {
                k.starts_with("instrumentation.opentelemetry.io/inject-") && v != "false"
            });
            if sidecar_agent || instrumented {
                continue;
            }
            // One finding per workload: the containers share the pod's gap.
            let gaps: Vec<(usize, &str, Vec<&str>)> = w
                .spec
                .containers
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.name.as_str(), missing_context(c)))
                .filter(|(_, _, m)| !m.is_empty())
                .collect();
            let Some((first, _, _)) = gaps.first() else {
                continue;
            };
            let parts: Vec<String> = gaps
                .iter()
                .map(|(_, name, missing)| format!("`{name}` cannot log {}", missing.join(", ")))
                .collect();
            sink.report_with(
                Target::workload(&w),
                format!(
                    "container{} {}: no Downward API env for it and no log agent {} adds it",
                    if gaps.len() > 1 { "s" } else { "" },
                    parts.join("; "),
                    if whole {
                        "in the cluster"
                    } else {
                        "in the input"
                    }
                ),
                Some(&w.ptr(&format!("/containers/{first}"))),
                None,
                Some(if whole {
                    Severity::Medium
                } else {
                    Severity::Low
                }),
            );
        }
    }
}
