//! day2's cluster model.
//!
//! Every source (manifests, snapshots, the live API) produces the same
//! [`Cluster`]: typed Kubernetes objects ([`object::Res`]) that remember where
//! they came from, plus the indexes analyses need (pods by node, owner and
//! selector; claims, volumes and classes; nodes by zone; events by object).
//! Analyses never parse or fetch; they read a `Cluster` and produce a
//! [`report::Report`].
//!
//! Depends on no other day2 crate (k8s-openapi for the types, serde, rayon,
//! jiff); every other crate depends on it.
#![forbid(unsafe_code)]

pub mod cloud;
pub mod cluster;
pub mod escape;
pub mod event;
pub mod ingress;
pub mod intern;
pub mod lazy;
pub mod netpol;
pub mod object;
pub mod observed;
pub mod peek;
pub mod pod;
pub mod pod_text;
pub mod quantity;
pub mod rbac;
pub mod redact;
pub mod references;
pub mod report;
pub mod resources;
pub mod secret;
pub mod security;
pub mod selector;
pub mod text;
pub mod timings;
pub mod topology;
pub mod trim;
pub mod types;

pub use cluster::{Cluster, Note, PodLog, Reuse, SourceKind, Workload, WorkloadKey};
pub use event::Event;
pub use object::{
    DecodeError, DynObject, K8sObject, KindSet, Object, Res, StoredKind, Stores, decode_str_into,
    decode_str_typed_into, decode_value, decode_value_traced,
};
pub use pod::Pod;
pub use report::{Finding, Report};
pub use topology::zone_of;
pub use types::{Cloud, Location, Loop, ObjRef, Origin, Severity, SpanIndex};

/// Re-export of the Kubernetes types the model is written in.
pub use k8s_openapi;
