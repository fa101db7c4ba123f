//! The Cluster Readiness Checklist of the method, computed from findings.
//!
//! Each line maps to the rules that decide it. A line fails when any of its
//! rules found something (`failing` counts distinct objects), passes when its
//! rules ran and found nothing, and is `unknown` when the input cannot tell
//! (no objects of the kind the line is about, or no rule enabled for it).

use crate::engine::Context;
use day2_model::report::{Checklist, ChecklistItem, LoopChecklist, Status};
use day2_model::{Cluster, Finding, Loop};
use std::collections::BTreeSet;

/// One line of the checklist.
pub struct ItemDef {
    pub id: &'static str,
    pub loop_: Loop,
    pub text: &'static str,
    /// Rules whose findings fail this line.
    pub rules: &'static [&'static str],
    /// `Some(reason)` when the input cannot show this line's state.
    pub unknown_when: fn(&Cluster) -> Option<&'static str>,
}

fn no_workloads(c: &Cluster) -> Option<&'static str> {
    c.workloads()
        .is_empty()
        .then_some("no workloads in the input")
}
fn no_identity_objects(c: &Cluster) -> Option<&'static str> {
    (c.workloads().is_empty() && c.secrets.is_empty())
        .then_some("no workloads or Secrets in the input")
}
fn no_services(c: &Cluster) -> Option<&'static str> {
    (c.services.is_empty() || c.workloads().is_empty())
        .then_some("no Services with workloads in the input")
}
fn no_ingresses(c: &Cluster) -> Option<&'static str> {
    c.ingresses.is_empty().then_some("no Ingress in the input")
}
fn no_storage_classes(c: &Cluster) -> Option<&'static str> {
    c.storage_classes
        .is_empty()
        .then_some("no StorageClass in the input (cluster-wide settings are not in manifests)")
}
fn no_logs(_: &Cluster) -> Option<&'static str> {
    Some(
        "no log lines in the input (run `day2 logs` on your log stream, or diagnose a snapshot that carries logs)",
    )
}
fn no_cluster_view(c: &Cluster) -> Option<&'static str> {
    (c.source == day2_model::SourceKind::Manifests
        && c.daemon_sets.is_empty()
        && c.services.is_empty())
    .then_some("manifests cannot show cluster-wide monitoring")
}

pub const ITEMS: &[ItemDef] = &[
    ItemDef {
        id: "identity.workload-identity",
        loop_: Loop::Identity,
        text: "IRSA or Workload Identity configured",
        rules: &["ID002"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "identity.no-static-credentials",
        loop_: Loop::Identity,
        text: "Zero static cloud credentials in pods",
        rules: &["ID001", "ID003", "ID004"],
        unknown_when: no_identity_objects,
    },
    ItemDef {
        id: "identity.cluster-admin-audited",
        loop_: Loop::Identity,
        text: "ClusterRoleBindings audited: few cluster-admins",
        rules: &["ID005", "ID006"],
        unknown_when: |c| {
            (c.cluster_role_bindings.is_empty() && c.role_bindings.is_empty())
                .then_some("no RBAC bindings in the input")
        },
    },
    ItemDef {
        id: "compute.requests-limits",
        loop_: Loop::Compute,
        text: "All pods have Requests/Limits",
        rules: &["CP001", "CP002", "CP003"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "compute.pdbs",
        loop_: Loop::Compute,
        text: "PDBs set",
        rules: &["CP005", "CP006"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "compute.priority-class",
        loop_: Loop::Compute,
        text: "PriorityClass assigned",
        rules: &["CP007"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "network.readiness-probes",
        loop_: Loop::Network,
        text: "Readiness Probes tuned",
        rules: &["NW001", "NW002", "NW003"],
        unknown_when: no_services,
    },
    ItemDef {
        id: "network.network-policies",
        loop_: Loop::Network,
        text: "NetworkPolicies active",
        rules: &["NW004", "NW005", "NW006"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "network.ingress-timeouts",
        loop_: Loop::Network,
        text: "Ingress timeouts configured",
        rules: &["NW009"],
        unknown_when: no_ingresses,
    },
    ItemDef {
        id: "storage.wait-for-first-consumer",
        loop_: Loop::Storage,
        text: "WaitForFirstConsumer enabled",
        rules: &["ST001"],
        unknown_when: no_storage_classes,
    },
    ItemDef {
        id: "storage.statefulsets",
        loop_: Loop::Storage,
        text: "StatefulSets for all stateful workloads",
        rules: &["ST002", "ST003"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "observability.structured-logs",
        loop_: Loop::Observability,
        text: "Structured logs with trace_id, node_name, zone",
        rules: &["OB001"],
        unknown_when: no_logs,
    },
    ItemDef {
        id: "observability.red-use",
        loop_: Loop::Observability,
        text: "RED + USE both active",
        rules: &["OB002", "OB003"],
        unknown_when: no_cluster_view,
    },
];

/// Build the checklist. `logs` is the verdict of the logs lens when log
/// lines were analysed (it decides the structured-logs line).
pub fn build(cx: &Context<'_>, findings: &[Finding], logs: Option<Status>) -> Checklist {
    let line = |def: &ItemDef| -> ChecklistItem {
        let failing: BTreeSet<_> = findings
            .iter()
            .filter(|f| def.rules.contains(&f.rule.as_str()))
            .map(|f| &f.object)
            .collect();
        let active: Vec<&str> = def
            .rules
            .iter()
            .copied()
            .filter(|code| {
                crate::registry::by_code(code)
                    .is_some_and(|r| cx.config.rule_enabled(r.meta().code, r.meta().name))
            })
            .collect();
        let (status, detail) = if !failing.is_empty() {
            (Status::Fail, Some(format!("rules {}", active.join(", "))))
        } else if def.id == "observability.structured-logs" && logs.is_some() {
            (
                logs.unwrap_or(Status::Unknown),
                Some("from the log lines analysed".to_owned()),
            )
        } else if active.is_empty() {
            (
                Status::Unknown,
                Some("no enabled rule checks this line".to_owned()),
            )
        } else if let Some(reason) = (def.unknown_when)(cx.cluster) {
            (Status::Unknown, Some(reason.to_owned()))
        } else {
            (Status::Pass, Some(format!("rules {}", active.join(", "))))
        };
        ChecklistItem {
            id: def.id.to_owned(),
            text: def.text.to_owned(),
            status,
            failing: failing.len(),
            detail,
        }
    };
    let section = |l: Loop| {
        LoopChecklist::from_items(ITEMS.iter().filter(|d| d.loop_ == l).map(line).collect())
    };
    Checklist {
        identity: section(Loop::Identity),
        compute: section(Loop::Compute),
        network: section(Loop::Network),
        storage: section(Loop::Storage),
        observability: section(Loop::Observability),
    }
}
