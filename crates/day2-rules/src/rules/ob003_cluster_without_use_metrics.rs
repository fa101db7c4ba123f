//! OB003: clusters without node (USE) metrics or cluster-state metrics.

use crate::reads::{self, K};
use crate::util::{image_base, sees_whole_cluster, synthetic_target};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, law};
use day2_model::{Loop, Origin, Severity, Workload};

pub static META: RuleMeta = RuleMeta {
    code: "OB003",
    name: "cluster-without-use-metrics",
    loop_: Loop::Observability,
    reads: reads::TEMPLATES.with(&[K::Node]),
    severity: Severity::Medium,
    summary: "No node metrics agent (node-exporter or equivalent) or no kube-state-metrics: the USE lens is missing",
    law: law::OBSERVABILITY,
    rationale: "\"USE (Infrastructure): Utilization, Saturation, Errors — is the node happy?\" Node-level \
metrics (CPU steal, memory pressure, disk and network saturation, conntrack, file descriptors) come from a \
per-node agent; the state of Deployments, PVCs, pods Pending and PDB budgets comes from \
kube-state-metrics. Without the first, a node that saturates (the NAT gateway of the domino incident, a \
full disk) shows up only as application errors; without the second, nobody sees the Pending pod that \
started it. Recognised node agents: node-exporter, Datadog, OpenTelemetry Collector, Grafana Alloy/Agent, \
CloudWatch agent, Azure Monitor (`ama-metrics-node`, `ama-logs`), GKE (`gke-metrics-agent`), Elastic \
(`metricbeat`, `elastic-agent`), Dynatrace, New Relic, Netdata. Cluster-state: kube-state-metrics (also \
inside `ama-metrics-ksm`) and the Datadog cluster agent.",
    fix: Fix {
        generic: "Install node-exporter (as a DaemonSet tolerating every taint) and kube-state-metrics — the kube-prometheus-stack chart installs both with dashboards and alerts.",
        aws: Some(
            "On EKS enable the `amazon-cloudwatch-observability` add-on (Container Insights) or run ADOT/node-exporter and kube-state-metrics with Amazon Managed Prometheus.",
        ),
        azure: Some(
            "On AKS enable Azure Monitor managed Prometheus (`az aks update --enable-azure-monitor-metrics`), which runs `ama-metrics-node` and kube-state-metrics.",
        ),
        gcp: Some(
            "On GKE enable Managed Service for Prometheus with the kube-state-metrics and node-exporter packages (or system metrics in Cloud Monitoring).",
        ),
    },
    sources: "Cluster-level: judged only on snapshots and live clusters, where every DaemonSet and Deployment is visible. On manifests the rule stays silent (an application's manifests do not carry the cluster's monitoring), and the checklist line is unknown.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/OB003/fire.yaml"),
        silent: include_str!("../../fixtures/OB003/silent.yaml"),
    },
    peers: &[],
};

const NODE_AGENTS: &[&str] = &[
    "node-exporter",
    "datadog/agent",
    "opentelemetry-collector",
    "otel/opentelemetry-collector",
    "otelcol",
    "grafana/alloy",
    "grafana/agent",
    "cloudwatch-agent",
    "ama-metrics",
    "ama-logs",
    "gke-metrics-agent",
    "metricbeat",
    "elastic-agent",
    "dynatrace/oneagent",
    "newrelic/infrastructure",
    "netdata",
];

const STATE_AGENTS: &[&str] = &["kube-state-metrics", "cluster-agent", "ama-metrics-ksm"];

fn runs(w: &Workload<'_>, names: &[&str]) -> bool {
    names.iter().any(|n| w.name().contains(n))
        || w.spec
            .containers
            .iter()
            .filter_map(|c| c.image.as_deref())
            .any(|i| {
                names.iter().any(|n| {
                    if n.contains('/') {
                        i.contains(n)
                    } else {
                        image_base(i).contains(n)
                    }
                })
            })
}

pub struct ClusterWithoutUseMetrics;

impl Rule for ClusterWithoutUseMetrics {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        if !sees_whole_cluster(c) {
            return;
        }
        // Every workload counts here, excluded namespaces included: monitoring often lives in one.
        let workloads = cx.all_workloads();
        if workloads.is_empty() {
            return;
        }
        let node = workloads
            .iter()
            .any(|w| w.kind == "DaemonSet" && runs(w, NODE_AGENTS));
        let state = workloads.iter().any(|w| runs(w, STATE_AGENTS));
        let origin = Origin::default();
        if !node {
            sink.report(
                synthetic_target(&origin, "Cluster", None, "cluster"),
                format!(
                    "no node metrics agent runs as a DaemonSet{}: node utilisation, saturation and errors are not collected",
                    match c.nodes.len() {
                        0 => String::new(),
                        n => format!(" on the {n} node(s)"),
                    }
                ),
                None,
            );
        }
        if !state {
            sink.report(
                synthetic_target(&origin, "Cluster", None, "cluster"),
                "kube-state-metrics is not running: Pending pods, unavailable replicas, PVC phases and PDB budgets are not measured",
                None,
            );
        }
    }
}
