//! NW006: database ports that NetworkPolicy leaves open to every pod.

use crate::reads;
use crate::util::{
    Breadth, Isolation, NamespaceLabels, database_container, peer_admits, peers_breadth,
    ports_admit, sees_whole_cluster, wname,
};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::selector::Labels;
use day2_model::{Loop, Severity};
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "NW006",
    name: "database-reachable-from-all-pods",
    loop_: Loop::Network,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "A database's port is reachable from every pod of the cluster, or of whole namespaces, under the NetworkPolicies in force",
    law: law::NETWORK,
    rationale: "\"Frontend should never reach billing database directly.\" This is a reachability check, not \
a presence check: for every database workload (PostgreSQL, MySQL/MariaDB, MongoDB, Redis/Valkey, \
Elasticsearch/OpenSearch, Kafka, ZooKeeper, etcd, Cassandra, …, recognised by image) and each port it \
serves, day2 evaluates the ingress NetworkPolicies selecting its pods with Kubernetes semantics — a rule \
applies when its `ports` admit the port (by number, range or named port); no `from` admits everyone; an \
empty `podSelector` admits the policy's namespace; an empty `namespaceSelector` admits all namespaces; \
`ipBlock` 0.0.0.0/0 admits every address — and finds the widest set of sources admitted. Every pod of the \
cluster (no policy selects the database, or a rule admits all) is high; every pod of whole namespaces \
that also run other workloads is medium. On snapshots, the sources' own egress policies are evaluated \
too, and the finding counts the workloads that can actually connect.",
    fix: Fix::generic(
        "Select the database pods with a NetworkPolicy that admits only its clients on the database port: `from: [{podSelector: {matchLabels: {app: api}}}]` (plus a `namespaceSelector` for clients in other namespaces), `ports: [{port: 5432}]`; keep a namespace default deny.",
    ),
    sources: "Manifests: the database's side is judged from the policies in the input; sources outside the input are assumed to exist, so \"every pod of the cluster\" is reported as is. Snapshot/live: the sources are the workloads of the cluster and their egress policies are evaluated; when no other workload can connect, nothing is reported. Namespaces with Calico/Cilium policies, and clusters with cluster-wide CNI policies, are not judged. Pod IPs are not mapped to `ipBlock`s other than 0.0.0.0/0.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW006/fire.yaml"),
        silent: include_str!("../../fixtures/NW006/silent.yaml"),
    },
    peers: &[],
};

/// A port a database serves: (number, name, protocol).
type DbPort = (i32, Option<String>, String);

/// The ports a database container serves.
fn db_ports(c: &k8s_openapi::api::core::v1::Container, default: i32) -> Vec<DbPort> {
    let declared: Vec<_> = c
        .ports
        .iter()
        .flatten()
        .map(|p| {
            (
                p.container_port,
                p.name.clone(),
                p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            )
        })
        .collect();
    if declared.is_empty() {
        vec![(default, None, "TCP".into())]
    } else {
        declared
    }
}

/// Workloads of one namespace selected by the same egress policies.
struct SourceGroup<'c> {
    egress: Vec<&'c day2_model::Res<k8s_openapi::api::networking::v1::NetworkPolicy>>,
    /// Positions in the workload index, ascending.
    members: Vec<usize>,
}

pub struct DatabaseReachableFromAllPods;

impl Rule for DatabaseReachableFromAllPods {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let index = cx.workload_index();
        let iso = Isolation::new(c, index);
        let ns_labels = NamespaceLabels::new(c);
        let known = ns_labels.names(index.namespaces());
        let whole = sees_whole_cluster(c);
        // Workloads grouped by namespace and egress policies (computed once):
        // whether a source may connect depends only on its group, so each
        // database judges every group once instead of every workload.
        let mut groups: Vec<SourceGroup<'_>> = Vec::new();
        let mut group_of: HashMap<(&str, Vec<usize>), usize> = HashMap::new();
        let mut by_ns: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, w) in index.all.iter().enumerate() {
            let eg = iso.egress_policies_for(w.namespace(), w.pod_labels());
            let key = (
                w.namespace(),
                eg.iter()
                    .map(|np| std::ptr::from_ref(*np) as usize)
                    .collect(),
            );
            let g = *group_of.entry(key).or_insert_with(|| {
                by_ns.entry(w.namespace()).or_default().push(groups.len());
                groups.push(SourceGroup {
                    egress: eg,
                    members: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].members.push(i);
        }
        // Can a workload of `group` open a connection to a pod (ns, labels) on port? (its egress side)
        let egress_allows = |group: usize, ns: &str, labels: &Labels, port: &DbPort| {
            let eg = &groups[group].egress;
            if eg.is_empty() {
                return true;
            }
            let dst_ns_labels = ns_labels.get(ns);
            eg.iter().any(|np| {
                np.spec
                    .as_ref()
                    .and_then(|s| s.egress.as_ref())
                    .into_iter()
                    .flatten()
                    .any(|r| {
                        ports_admit(r.ports.as_deref(), port.0, port.1.as_deref(), &port.2)
                            && r.to.as_ref().filter(|t| !t.is_empty()).is_none_or(|to| {
                                to.iter().any(|p| {
                                    peer_admits(p, np.ns_or_default(), ns, &dst_ns_labels, labels)
                                })
                            })
                    })
            })
        };
        for (wi, w) in index.all.iter().enumerate() {
            let Some((_, container, db)) = database_container(w.spec) else {
                continue;
            };
            let ns = w.namespace();
            if iso.opaque(ns) {
                continue;
            }
            let labels = w.pod_labels();
            let policies = iso.ingress_policies_for(ns, labels);
            // The widest breadth over the database's ports, with why.
            let mut worst: Option<(Breadth, DbPort, String)> = None;
            for port in db_ports(container, db.port) {
                let (breadth, why) = if policies.is_empty() {
                    (
                        Breadth::Everyone,
                        "no NetworkPolicy selects its pods".to_owned(),
                    )
                } else {
                    let mut best = (Breadth::Restricted, String::new());
                    for np in &policies {
                        for r in np
                            .spec
                            .as_ref()
                            .and_then(|s| s.ingress.as_ref())
                            .into_iter()
                            .flatten()
                        {
                            if !ports_admit(r.ports.as_deref(), port.0, port.1.as_deref(), &port.2)
                            {
                                continue;
                            }
                            let b = peers_breadth(r.from.as_ref(), ns, &ns_labels, &known);
                            if b > best.0 {
                                best = (b, format!("NetworkPolicy {} admits it", np.name()));
                            }
                        }
                    }
                    best
                };
                if worst.as_ref().is_none_or(|(b, _, _)| breadth > *b) {
                    worst = Some((breadth, port, why));
                }
            }
            let Some((breadth, port, why)) = worst else {
                continue;
            };
            // The sources, as runs of groups: the groups of each named
            // namespace in turn, or of the whole cluster.
            let all_groups: Vec<usize> = (0..groups.len()).collect();
            let (scope, runs, severity): (String, Vec<&[usize]>, Severity) = match &breadth {
                Breadth::Restricted => continue,
                Breadth::Namespaces(list) => (
                    format!("every pod of namespace(s) {}", list.join(", ")),
                    list.iter()
                        .map(|n| by_ns.get(n.as_str()).map_or(&[][..], Vec::as_slice))
                        .collect(),
                    Severity::Medium,
                ),
                Breadth::AllPods | Breadth::Everyone => (
                    if breadth == Breadth::Everyone && policies.is_empty() {
                        "every pod of the cluster".to_owned()
                    } else if breadth == Breadth::Everyone {
                        "every pod and every address".to_owned()
                    } else {
                        "every pod of every namespace".to_owned()
                    },
                    vec![all_groups.as_slice()],
                    Severity::High,
                ),
            };
            // Count the sources that can connect (the database itself aside);
            // name the first few, in input order within each run.
            let mut count = 0usize;
            let mut examples: Vec<usize> = Vec::new();
            for run in runs {
                let mut first: Vec<usize> = Vec::new();
                for &g in run {
                    if !egress_allows(g, ns, labels, &port) {
                        continue;
                    }
                    let members = groups[g].members.iter().copied().filter(|i| *i != wi);
                    count += members.clone().count();
                    first.extend(members.take(3));
                }
                if examples.len() < 3 {
                    first.sort_unstable();
                    examples.extend(first.into_iter().take(3 - examples.len()));
                }
            }
            let examples: Vec<String> = examples.iter().map(|i| wname(&index.all[*i])).collect();
            let is_cluster_scope = matches!(breadth, Breadth::AllPods | Breadth::Everyone);
            if count == 0 && (whole || !is_cluster_scope) {
                continue;
            }
            let example = if count == 0 {
                String::new()
            } else {
                format!(
                    "; {count} workload(s) in the input can connect, e.g. {}",
                    examples.join(", ")
                )
            };
            sink.report_with(
                Target::workload(w),
                format!(
                    "{} port {} of {} is reachable from {scope} ({why}){example}",
                    db.engine,
                    port.0,
                    wname(w)
                ),
                None,
                None,
                Some(severity),
            );
        }
    }
}
