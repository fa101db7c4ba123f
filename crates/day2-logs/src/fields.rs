//! The Golden Rule's fields and the spellings each goes by.

use serde::Deserialize;
use std::collections::HashMap;

/// The five fields every log line must carry.
pub const GOLDEN: [&str; 5] = ["trace_id", "pod_name", "node_name", "namespace", "zone"];

/// Spellings per golden field, as dotted key paths (`{"kubernetes":{"pod_name":…}}`
/// and `{"kubernetes.pod_name":…}` are both `kubernetes.pod_name`).
#[derive(Debug, Clone)]
pub struct FieldConfig {
    lookup: HashMap<String, usize>,
    pub spellings: [Vec<String>; 5],
}

const DEFAULTS: [&[&str]; 5] = [
    &[
        "trace_id",
        "traceId",
        "traceid",
        "trace.id",
        "trace-id",
        "traceID",
        "otelTraceID",
        "dd.trace_id",
        "logging.googleapis.com/trace",
        "x-trace-id",
        "span.trace_id",
        "attributes.trace_id",
    ],
    &[
        "pod_name",
        "pod",
        "podName",
        "k8s.pod.name",
        "kubernetes.pod_name",
        "kubernetes.pod.name",
        "k8s_pod_name",
        "resource.k8s.pod.name",
        "resource.attributes.k8s.pod.name",
        "orchestrator.resource.name",
        "POD_NAME",
    ],
    &[
        "node_name",
        "node",
        "nodeName",
        "host",
        "hostname",
        "k8s.node.name",
        "kubernetes.host",
        "kubernetes.node_name",
        "kubernetes.node.name",
        "resource.k8s.node.name",
        "resource.attributes.k8s.node.name",
        "host.name",
        "NODE_NAME",
    ],
    &[
        "namespace",
        "ns",
        "k8s.namespace.name",
        "kubernetes.namespace_name",
        "kubernetes.namespace",
        "kubernetes.namespace.name",
        "resource.k8s.namespace.name",
        "resource.attributes.k8s.namespace.name",
        "orchestrator.namespace",
        "POD_NAMESPACE",
    ],
    &[
        "zone",
        "availability_zone",
        "cloud.availability_zone",
        "topology.kubernetes.io/zone",
        "kubernetes.labels.topology_kubernetes_io/zone",
        "resource.cloud.availability_zone",
        "resource.attributes.cloud.availability_zone",
        "cloud.zone",
        "az",
    ],
];

impl Default for FieldConfig {
    fn default() -> Self {
        let spellings =
            DEFAULTS.map(|list| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        FieldConfig::from_spellings(spellings)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    fields: HashMap<String, Vec<String>>,
}

impl FieldConfig {
    fn from_spellings(spellings: [Vec<String>; 5]) -> Self {
        let mut lookup = HashMap::new();
        for (i, list) in spellings.iter().enumerate() {
            for s in list {
                lookup.insert(s.clone(), i);
            }
        }
        FieldConfig { lookup, spellings }
    }

    /// Add spellings from the `logs:` section of `.day2.yaml`:
    /// `{fields: {trace_id: [x-trace]}}`.
    pub fn with_config(value: &serde_json::Value) -> Result<FieldConfig, String> {
        let raw: Raw = serde_json::from_value(value.clone()).map_err(|e| format!("logs: {e}"))?;
        let mut spellings = FieldConfig::default().spellings;
        for (field, extra) in raw.fields {
            let Some(i) = GOLDEN.iter().position(|g| *g == field) else {
                return Err(format!(
                    "logs.fields: unknown field `{field}` (one of {})",
                    GOLDEN.join(", ")
                ));
            };
            spellings[i].extend(extra);
        }
        Ok(FieldConfig::from_spellings(spellings))
    }

    /// Which golden field a dotted key path is, if any.
    #[inline]
    pub fn field_of(&self, path: &str) -> Option<usize> {
        self.lookup.get(path).copied()
    }
}
