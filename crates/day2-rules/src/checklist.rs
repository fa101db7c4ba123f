//! The Cluster Readiness Checklist of the method, computed from findings.
//!
//! Each line maps to the rules that decide it. A line fails when any of its
//! rules found something (`failing` counts distinct objects), passes when its
//! rules ran and found nothing, and is `unknown` when the input cannot tell
//! (no objects of the kind the line is about, or no rule enabled for it).

use crate::Context;
use day2_model::report::{Checklist, ChecklistItem, LoopChecklist, Status};
use day2_model::{Finding, Loop, ObjRef, SourceKind};
use std::collections::HashMap;

/// One line of the checklist.
pub struct ItemDef {
    pub id: &'static str,
    pub loop_: Loop,
    pub text: &'static str,
    /// Rules whose findings fail this line.
    pub rules: &'static [&'static str],
    /// `Some(reason)` when the input cannot show this line's state.
    pub unknown_when: fn(&Context<'_>) -> Option<&'static str>,
}

fn no_workloads(cx: &Context<'_>) -> Option<&'static str> {
    cx.all_workloads()
        .is_empty()
        .then_some("no workloads in the input")
}
fn no_identity_objects(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    (cx.all_workloads().is_empty() && c.secrets.is_empty() && c.config_maps.is_empty())
        .then_some("no workloads, Secrets or ConfigMaps in the input")
}
fn no_rbac(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    (c.cluster_role_bindings.is_empty()
        && c.role_bindings.is_empty()
        && c.roles.is_empty()
        && c.cluster_roles.is_empty())
    .then_some("no RBAC roles or bindings in the input")
}
fn no_priority_classes(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    if cx.all_workloads().is_empty() {
        return Some("no workloads in the input");
    }
    (c.source == SourceKind::Manifests && c.priority_classes.is_empty())
        .then_some("the input defines no PriorityClass (they are cluster-wide; audit a snapshot or the live cluster)")
}
fn no_services(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    (c.services.is_empty() || cx.all_workloads().is_empty())
        .then_some("no Services with workloads in the input")
}
fn no_paths(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    (c.services.is_empty() && c.ingresses.is_empty())
        .then_some("no Services or Ingresses in the input")
}
fn no_ingresses(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    c.ingresses.is_empty().then_some("no Ingress in the input")
}
fn no_storage_classes(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    c.storage_classes
        .is_empty()
        .then_some("no StorageClass in the input (cluster-wide settings are not in manifests)")
}
fn no_stateful(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    let sets = crate::util::StatefulSets::new(&c.stateful_sets);
    let stateful = cx.all_workloads().iter().any(|w| {
        crate::util::has_persistent_storage(&sets, w)
            || crate::util::database_container(w.spec).is_some()
    });
    (!stateful).then_some("no stateful workloads in the input")
}
fn no_storage(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    (c.storage_classes.is_empty() && c.pvcs.is_empty() && c.stateful_sets.is_empty())
        .then_some("no StorageClasses, claims or StatefulSets in the input")
}
fn no_logs(_: &Context<'_>) -> Option<&'static str> {
    Some(
        "no log lines in the input (run `day2 logs` on your log stream, or diagnose a snapshot that carries logs)",
    )
}
fn no_cluster_view(cx: &Context<'_>) -> Option<&'static str> {
    let c = cx.cluster;
    (c.source == SourceKind::Manifests).then_some(
        "USE coverage (node agents, kube-state-metrics) is cluster-wide: manifests cannot show it",
    )
}

/// The lines of the checklist: the seed's Cluster Readiness Checklist, with
/// each compound line split by what decides it, plus the lines the method's
/// pillars add (cluster-admin audit, image-pull identity, the whole network
/// path, zone-aware storage).
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
        id: "identity.pull-identity",
        loop_: Loop::Identity,
        text: "Image pulls have an identity (pull Secrets exist, private registries reachable)",
        rules: &["ID008", "ID009"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "identity.cluster-admin-audited",
        loop_: Loop::Identity,
        text: "ClusterRoleBindings audited: few cluster-admins",
        rules: &["ID005", "ID006", "ID010"],
        unknown_when: no_rbac,
    },
    ItemDef {
        id: "compute.requests-limits",
        loop_: Loop::Compute,
        text: "All pods have Requests/Limits",
        rules: &["CP001", "CP002", "CP003", "CP004", "CP008", "CP009"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "compute.pdbs",
        loop_: Loop::Compute,
        text: "PDBs set",
        rules: &["CP005", "CP006", "CP010"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "compute.priority-class",
        loop_: Loop::Compute,
        text: "PriorityClass assigned",
        rules: &["CP007"],
        unknown_when: no_priority_classes,
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
        rules: &["NW004", "NW005", "NW006", "NW015"],
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
        id: "network.paths",
        loop_: Loop::Network,
        text: "Service and Ingress paths resolve to pods (selectors, ports, backends, traffic policy)",
        rules: &["NW007", "NW008", "NW010", "NW011"],
        unknown_when: no_paths,
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
        rules: &["ST002", "ST003", "ST008"],
        unknown_when: no_workloads,
    },
    ItemDef {
        id: "storage.zone-spread",
        loop_: Loop::Storage,
        text: "Stateful workloads spread across zones before they bind storage",
        rules: &["ST004"],
        unknown_when: no_stateful,
    },
    ItemDef {
        id: "storage.classes",
        loop_: Loop::Storage,
        text: "Storage classes consistent: one default, claims name existing classes, database volumes retained",
        rules: &["ST005", "ST006", "ST007"],
        unknown_when: no_storage,
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
        rules: &["OB002", "OB003", "OB004"],
        unknown_when: no_cluster_view,
    },
];

/// Build the checklist. `logs` is the verdict of the logs lens when log
/// lines were analysed (it decides the structured-logs line).
pub fn build(cx: &Context<'_>, findings: &[Finding], logs: Option<Status>) -> Checklist {
    // The objects each rule found something on, read once for all lines.
    let mut by_rule: HashMap<&str, Vec<&ObjRef>> = HashMap::new();
    for f in findings {
        by_rule.entry(&f.rule).or_default().push(&f.object);
    }
    let line = |def: &ItemDef| -> ChecklistItem {
        let mut failing: Vec<&ObjRef> = def
            .rules
            .iter()
            .filter_map(|r| by_rule.get(r))
            .flatten()
            .copied()
            .collect();
        failing.sort_unstable();
        failing.dedup();
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
        } else if let Some(reason) = (def.unknown_when)(cx) {
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
