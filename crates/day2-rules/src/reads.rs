//! What rules read, as sets of stored kinds ([`RuleMeta::reads`](crate::RuleMeta)).
//!
//! A rule that reads the workloads (`Context::workloads`, the workload
//! index) reads [`WORKLOADS`]: the pod templates of every controller, and
//! the pods, for their count, their examples and the bare pods. The
//! Service index adds the Services.

use day2_model::KindSet;
pub use day2_model::StoredKind as K;

/// Every kind: for a rule whose reads are not narrowed down.
pub const ALL: KindSet = KindSet::ALL;

/// The controllers with pod templates, and the pods.
pub const WORKLOADS: KindSet = KindSet::of(&[
    K::Pod,
    K::ReplicaSet,
    K::Deployment,
    K::StatefulSet,
    K::DaemonSet,
    K::Job,
    K::CronJob,
    K::ReplicationController,
    // Custom resources: workloads with pod templates (Argo Rollouts, …)
    // and the operators' objects that make a namespace's pods expected.
    K::Other,
]);

/// [`WORKLOADS`] and the Services that select them.
pub const SERVICES: KindSet = WORKLOADS.with(&[K::Service]);

/// A rule over the pod templates: [`WORKLOADS`], and what the helpers the
/// template rules share read besides (`util/`: the LimitRange defaults of a
/// namespace, the RBAC bindings of a ServiceAccount, the Namespaces and the
/// NetworkPolicies, and the Nodes, whose kubelet versions tell whether the
/// API server labels namespaces with their names).
pub const TEMPLATES: KindSet = WORKLOADS.with(&[
    K::ClusterRoleBinding,
    K::LimitRange,
    K::Namespace,
    K::NetworkPolicy,
    K::Node,
    K::RoleBinding,
]);
