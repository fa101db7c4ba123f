//! Typed objects and the dispatch from `apiVersion`/`kind` to a Rust type.

use crate::event::Event;
use crate::secret::SecretInfo;
use crate::trim::Trim;
use crate::types::{ObjRef, Origin};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

mod conditions;
mod decode;
mod kinds;

pub use kinds::KindSet;

pub use decode::{
    decode_str_into, decode_str_typed_into, decode_value, decode_value_traced, group_of,
};

/// An object together with where it came from.
///
/// The object is shared: a clone of a `Res` (a model built again from the
/// same objects, as the agent does on every evaluation) costs a reference
/// count, not a copy of the object.
#[derive(Debug, Clone)]
pub struct Res<T> {
    pub obj: Arc<T>,
    pub origin: Origin,
}

impl<T> Res<T> {
    pub fn new(obj: T, origin: Origin) -> Res<T> {
        Res {
            obj: Arc::new(obj),
            origin,
        }
    }
}

impl<T> Deref for Res<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.obj
    }
}

/// What every stored object can tell about itself.
pub trait K8sObject {
    fn meta(&self) -> &ObjectMeta;
    fn kind(&self) -> &str;
    fn api_version(&self) -> &str;
    /// Whether objects of this kind live in a namespace (`false` when unknown).
    fn namespaced(&self) -> bool;
}

/// Whether a k8s-openapi scope is a namespace.
pub trait Scoped {
    const NAMESPACED: bool;
}

impl Scoped for k8s_openapi::NamespaceResourceScope {
    const NAMESPACED: bool = true;
}

impl Scoped for k8s_openapi::ClusterResourceScope {
    const NAMESPACED: bool = false;
}

impl Scoped for k8s_openapi::SubResourceScope {
    const NAMESPACED: bool = false;
}

impl<T> K8sObject for T
where
    T: k8s_openapi::Resource + k8s_openapi::Metadata<Ty = ObjectMeta>,
    T::Scope: Scoped,
{
    fn namespaced(&self) -> bool {
        <T::Scope as Scoped>::NAMESPACED
    }
    fn meta(&self) -> &ObjectMeta {
        self.metadata()
    }
    fn kind(&self) -> &str {
        T::KIND
    }
    fn api_version(&self) -> &str {
        T::API_VERSION
    }
}

impl K8sObject for SecretInfo {
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn kind(&self) -> &str {
        "Secret"
    }
    fn api_version(&self) -> &str {
        "v1"
    }
    fn namespaced(&self) -> bool {
        true
    }
}

/// An object of a kind day2 has no typed model for (CRDs such as ServiceMonitor,
/// PolicyReport, or kinds newer than the model). Kept, never dropped.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DynObject {
    #[serde(rename = "apiVersion", default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(flatten)]
    pub data: BTreeMap<String, serde_json::Value>,
}

impl K8sObject for DynObject {
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn kind(&self) -> &str {
        &self.kind
    }
    fn api_version(&self) -> &str {
        &self.api_version
    }
    /// Unknown for kinds without a model: the namespace is what the object says.
    fn namespaced(&self) -> bool {
        false
    }
}

impl<T: K8sObject> Res<T> {
    pub fn name(&self) -> &str {
        self.obj.meta().name.as_deref().unwrap_or("")
    }
    pub fn namespace(&self) -> Option<&str> {
        self.obj.meta().namespace.as_deref()
    }
    /// Namespace, with `default` for namespaced objects that have none (manifests).
    pub fn ns_or_default(&self) -> &str {
        self.namespace().unwrap_or("default")
    }
    pub fn uid(&self) -> Option<&str> {
        self.obj.meta().uid.as_deref()
    }
    pub fn labels(&self) -> &BTreeMap<String, String> {
        crate::selector::labels_of(&self.obj.meta().labels)
    }
    pub fn annotations(&self) -> &BTreeMap<String, String> {
        crate::selector::labels_of(&self.obj.meta().annotations)
    }
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations().get(key).map(String::as_str)
    }
    /// The object's reference; a namespaced object without a namespace (in
    /// manifests) is in `default`, as `kubectl apply` would put it.
    pub fn objref(&self) -> ObjRef {
        let namespace = match self.namespace() {
            Some(ns) => Some(ns),
            None => self.obj.namespaced().then_some("default"),
        };
        ObjRef {
            api_version: Some(self.obj.api_version().to_owned()),
            kind: self.obj.kind().to_owned(),
            namespace: namespace.map(str::to_owned),
            name: self.name().to_owned(),
        }
    }
}

/// Errors while turning a document into an object.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("document has no `kind`")]
    NoKind,
    #[error("{kind} {name}: {source}")]
    Invalid {
        kind: String,
        name: String,
        #[source]
        source: serde_json::Error,
    },
}

macro_rules! kinds {
    ($( $variant:ident, $field:ident, $ty:ty, $group:literal, $kind:literal; )*) => {
        /// One decoded object of any kind.
        #[derive(Debug, Clone)]
        pub enum Object {
            $( $variant(Res<$ty>), )*
            Secret(Res<SecretInfo>),
            Event(Arc<Event>),
            Other(Res<DynObject>),
        }

        /// The typed stores of a cluster, one vector per kind.
        #[derive(Debug, Default, Clone)]
        pub struct Stores {
            $( pub $field: Vec<Res<$ty>>, )*
            pub secrets: Vec<Res<SecretInfo>>,
            pub events: Vec<Arc<Event>>,
            pub other: Vec<Res<DynObject>>,
        }

        impl Stores {
            pub fn push(&mut self, o: Object) {
                match o {
                    $( Object::$variant(r) => self.$field.push(r), )*
                    Object::Secret(r) => self.secrets.push(r),
                    Object::Event(e) => self.events.push(e),
                    Object::Other(r) => self.other.push(r),
                }
            }

            /// Move `other`'s objects to the end of these stores. A store that
            /// must grow asks `extra(len, adding, size_of_item)` how much room
            /// to make beyond what is added (what is still to come, for a
            /// loader that knows), instead of doubling.
            pub fn append(&mut self, mut other: Stores, extra: &dyn Fn(usize, usize, usize) -> usize) {
                $( append_to(&mut self.$field, &mut other.$field, extra); )*
                append_to(&mut self.secrets, &mut other.secrets, extra);
                append_to(&mut self.events, &mut other.events, extra);
                append_to(&mut self.other, &mut other.other, extra);
            }

            pub fn extend(&mut self, other: Stores) {
                $( self.$field.extend(other.$field); )*
                self.secrets.extend(other.secrets);
                self.events.extend(other.events);
                self.other.extend(other.other);
            }

            /// Concatenate stores in order, each vector allocated once at its
            /// final size (large snapshots are decoded in many parts).
            pub fn concat(mut parts: Vec<Stores>) -> Stores {
                if parts.len() == 1 && let Some(only) = parts.pop() {
                    return only;
                }
                let mut out = Stores::default();
                $( out.$field.reserve_exact(parts.iter().map(|p| p.$field.len()).sum()); )*
                out.secrets.reserve_exact(parts.iter().map(|p| p.secrets.len()).sum());
                out.events.reserve_exact(parts.iter().map(|p| p.events.len()).sum());
                out.other.reserve_exact(parts.iter().map(|p| p.other.len()).sum());
                for p in parts {
                    out.extend(p);
                }
                out
            }

            /// Number of objects (events included).
            pub fn len(&self) -> usize {
                0 $( + self.$field.len() )* + self.secrets.len() + self.events.len() + self.other.len()
            }

            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Count per kind, for summaries.
            pub fn counts(&self) -> Vec<(&'static str, usize)> {
                let mut v = vec![$( ($kind, self.$field.len()), )* ("Secret", self.secrets.len()), ("Event", self.events.len())];
                v.push(("(other kinds)", self.other.len()));
                v.retain(|(_, n)| *n > 0);
                v
            }
        }

        /// The API group that serves a kind the model types (`apps` for
        /// `Deployment`, the empty core group for `Service`); `None` for
        /// kinds without a typed model.
        pub fn served_group(kind: &str) -> Option<&'static str> {
            match kind {
                $( $kind => Some($group), )*
                "Secret" | "Event" => Some(""),
                _ => None,
            }
        }

        /// The stores of [`Stores`], one per typed kind, then Secrets, Events
        /// and every kind without a typed model together (`Other`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum StoredKind {
            $( $variant, )*
            Secret,
            Event,
            Other,
        }

        impl StoredKind {
            /// Every store, in [`Stores`]' order.
            pub const ALL: &'static [StoredKind] = &[$( StoredKind::$variant, )* StoredKind::Secret, StoredKind::Event, StoredKind::Other];

            /// The kind's name (`(other kinds)` for `Other`).
            pub fn name(self) -> &'static str {
                match self {
                    $( StoredKind::$variant => $kind, )*
                    StoredKind::Secret => "Secret",
                    StoredKind::Event => "Event",
                    StoredKind::Other => "(other kinds)",
                }
            }
        }

        impl Object {
            /// The store this object goes to.
            pub fn stored_kind(&self) -> StoredKind {
                match self {
                    $( Object::$variant(_) => StoredKind::$variant, )*
                    Object::Secret(_) => StoredKind::Secret,
                    Object::Event(_) => StoredKind::Event,
                    Object::Other(_) => StoredKind::Other,
                }
            }
        }

        impl Stores {
            /// Objects in the store of `kind`.
            pub fn len_of(&self, kind: StoredKind) -> usize {
                match kind {
                    $( StoredKind::$variant => self.$field.len(), )*
                    StoredKind::Secret => self.secrets.len(),
                    StoredKind::Event => self.events.len(),
                    StoredKind::Other => self.other.len(),
                }
            }

            /// Empty the stores of `kinds` (what a cluster would be without them).
            pub fn clear_kinds(&mut self, kinds: KindSet) {
                $( if kinds.contains(StoredKind::$variant) { self.$field.clear(); } )*
                if kinds.contains(StoredKind::Secret) { self.secrets.clear(); }
                if kinds.contains(StoredKind::Event) { self.events.clear(); }
                if kinds.contains(StoredKind::Other) { self.other.clear(); }
            }
        }

        /// Which typed variant a (group, kind) pair decodes to.
        fn typed_kind(group: &str, kind: &str) -> Option<&'static str> {
            match (group, kind) {
                $( ($group, $kind) => Some($kind), )*
                _ => None,
            }
        }

        fn decode_typed<'de, D: serde::Deserializer<'de>>(kind: &str, de: D, origin: Origin) -> Result<Object, D::Error> {
            match kind {
                $( $kind => Ok(Object::$variant(Res::new(<$ty as Deserialize>::deserialize(de)?, origin))), )*
                _ => Err(serde::de::Error::custom(format!("no typed model for {kind}"))),
            }
        }

        /// [`decode_typed`], trimmed and stored in place: the object is moved
        /// once, from the decoder into its store.
        fn decode_typed_into<'de, D: serde::Deserializer<'de>>(stores: &mut Stores, kind: &str, de: D, origin: Origin) -> Result<(), D::Error> {
            match kind {
                $( $kind => {
                    let mut obj = <$ty as Deserialize>::deserialize(de)?;
                    Trim::trim(&mut obj);
                    stores.$field.push(Res::new(obj, origin));
                    Ok(())
                } )*
                _ => Err(serde::de::Error::custom(format!("no typed model for {kind}"))),
            }
        }

        impl Stores {
            /// Room for `n` more objects of a kind (`group`, `kind` as in [`typed_kind`]; events included).
            pub fn reserve_kind(&mut self, group: &str, kind: &str, n: usize) {
                match (group, kind) {
                    $( ($group, $kind) => self.$field.reserve(n), )*
                    ("", "Secret") => self.secrets.reserve(n),
                    ("" | "events.k8s.io", "Event") => self.events.reserve(n),
                    _ => {}
                }
            }
        }

        impl Object {
            /// Make the object compact: drop what no analysis reads, give back
            /// unused room ([`crate::trim`]).
            pub fn trim(&mut self) {
                match self {
                    $( Object::$variant(r) => Trim::trim(Arc::make_mut(&mut r.obj)), )*
                    Object::Secret(r) => crate::trim::meta(&mut Arc::make_mut(&mut r.obj).metadata),
                    Object::Event(_) => {}
                    Object::Other(r) => crate::trim::meta(&mut Arc::make_mut(&mut r.obj).metadata),
                }
            }
        }
    };
}

use k8s_openapi::api::{
    apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch, core::v1 as core,
    discovery::v1 as discovery, networking::v1 as networking, policy::v1 as policy,
    rbac::v1 as rbac, scheduling::v1 as scheduling, storage::v1 as storage,
};

kinds! {
    Pod, pods, crate::pod::Pod, "", "Pod";
    Node, nodes, core::Node, "", "Node";
    Namespace, namespaces, core::Namespace, "", "Namespace";
    Service, services, core::Service, "", "Service";
    Endpoints, endpoints, core::Endpoints, "", "Endpoints";
    ServiceAccount, service_accounts, core::ServiceAccount, "", "ServiceAccount";
    ConfigMap, config_maps, core::ConfigMap, "", "ConfigMap";
    PersistentVolume, pvs, core::PersistentVolume, "", "PersistentVolume";
    PersistentVolumeClaim, pvcs, core::PersistentVolumeClaim, "", "PersistentVolumeClaim";
    ReplicationController, replication_controllers, core::ReplicationController, "", "ReplicationController";
    LimitRange, limit_ranges, core::LimitRange, "", "LimitRange";
    ResourceQuota, resource_quotas, core::ResourceQuota, "", "ResourceQuota";
    Deployment, deployments, apps::Deployment, "apps", "Deployment";
    ReplicaSet, replica_sets, apps::ReplicaSet, "apps", "ReplicaSet";
    StatefulSet, stateful_sets, apps::StatefulSet, "apps", "StatefulSet";
    DaemonSet, daemon_sets, apps::DaemonSet, "apps", "DaemonSet";
    Job, jobs, batch::Job, "batch", "Job";
    CronJob, cron_jobs, batch::CronJob, "batch", "CronJob";
    HorizontalPodAutoscaler, hpas, autoscaling::HorizontalPodAutoscaler, "autoscaling", "HorizontalPodAutoscaler";
    PodDisruptionBudget, pdbs, policy::PodDisruptionBudget, "policy", "PodDisruptionBudget";
    PriorityClass, priority_classes, scheduling::PriorityClass, "scheduling.k8s.io", "PriorityClass";
    StorageClass, storage_classes, storage::StorageClass, "storage.k8s.io", "StorageClass";
    CSINode, csi_nodes, storage::CSINode, "storage.k8s.io", "CSINode";
    CSIDriver, csi_drivers, storage::CSIDriver, "storage.k8s.io", "CSIDriver";
    VolumeAttachment, volume_attachments, storage::VolumeAttachment, "storage.k8s.io", "VolumeAttachment";
    Ingress, ingresses, networking::Ingress, "networking.k8s.io", "Ingress";
    IngressClass, ingress_classes, networking::IngressClass, "networking.k8s.io", "IngressClass";
    NetworkPolicy, network_policies, networking::NetworkPolicy, "networking.k8s.io", "NetworkPolicy";
    EndpointSlice, endpoint_slices, discovery::EndpointSlice, "discovery.k8s.io", "EndpointSlice";
    Role, roles, rbac::Role, "rbac.authorization.k8s.io", "Role";
    ClusterRole, cluster_roles, rbac::ClusterRole, "rbac.authorization.k8s.io", "ClusterRole";
    RoleBinding, role_bindings, rbac::RoleBinding, "rbac.authorization.k8s.io", "RoleBinding";
    ClusterRoleBinding, cluster_role_bindings, rbac::ClusterRoleBinding, "rbac.authorization.k8s.io", "ClusterRoleBinding";
}

/// [`Stores::append`] for one store.
fn append_to<T>(to: &mut Vec<T>, from: &mut Vec<T>, extra: &dyn Fn(usize, usize, usize) -> usize) {
    if from.is_empty() {
        return;
    }
    if to.capacity() - to.len() < from.len() {
        let more = extra(to.len(), from.len(), std::mem::size_of::<T>());
        if to.is_empty() && more == 0 {
            std::mem::swap(to, from);
            return;
        }
        to.reserve_exact(from.len() + more);
    }
    to.append(from);
}

impl Object {
    pub fn objref(&self) -> ObjRef {
        macro_rules! r {
            ($($v:ident),*) => {
                match self {
                    $( Object::$v(r) => r.objref(), )*
                    Object::Event(e) => ObjRef::new("Event", e.namespace.as_deref(), e.name.clone()),
                }
            };
        }
        r!(
            Pod,
            Node,
            Namespace,
            Service,
            Endpoints,
            ServiceAccount,
            ConfigMap,
            PersistentVolume,
            PersistentVolumeClaim,
            ReplicationController,
            LimitRange,
            ResourceQuota,
            Deployment,
            ReplicaSet,
            StatefulSet,
            DaemonSet,
            Job,
            CronJob,
            HorizontalPodAutoscaler,
            PodDisruptionBudget,
            PriorityClass,
            StorageClass,
            CSINode,
            CSIDriver,
            VolumeAttachment,
            Ingress,
            IngressClass,
            NetworkPolicy,
            EndpointSlice,
            Role,
            ClusterRole,
            RoleBinding,
            ClusterRoleBinding,
            Secret,
            Other
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_group_serving_a_kind() {
        assert_eq!(served_group("Deployment"), Some("apps"));
        assert_eq!(served_group("Service"), Some(""));
        assert_eq!(served_group("Secret"), Some(""));
        assert_eq!(served_group("ServiceMonitor"), None);
        assert_eq!(group_of("extensions/v1beta1"), "extensions");
    }

    #[test]
    fn typed_list_items_without_kind_decode_with_hint() {
        let o = decode_value(
            json!({"metadata": {"name": "p"}, "spec": {"containers": []}}),
            Origin::default(),
            Some(("v1", "Pod")),
        )
        .unwrap();
        assert!(matches!(o, Object::Pod(_)));
    }

    #[test]
    fn unknown_kinds_are_kept() {
        let o = decode_value(json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "m", "namespace": "x"}, "spec": {"endpoints": []}}), Origin::default(), None).unwrap();
        let Object::Other(d) = o else {
            panic!("expected Other")
        };
        assert_eq!(d.kind, "ServiceMonitor");
        assert!(d.data.contains_key("spec"));
    }

    #[test]
    fn older_versions_are_normalised() {
        let o = decode_value(json!({"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}, "spec": {"minAvailable": 1}}), Origin::default(), None).unwrap();
        assert!(matches!(o, Object::PodDisruptionBudget(_)));
        let o = decode_value(json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"}, "spec": {"maxReplicas": 3, "scaleTargetRef": {"kind": "Deployment", "name": "w"}, "targetCPUUtilizationPercentage": 70}}), Origin::default(), None).unwrap();
        let Object::HorizontalPodAutoscaler(h) = o else {
            panic!("expected HPA")
        };
        let m = h.spec.metrics.as_ref().unwrap();
        assert_eq!(m[0].resource.as_ref().unwrap().name, "cpu");
    }

    #[test]
    fn autoscaling_v1_conditions_come_back_from_their_annotation() {
        // What the API server returns for an autoscaling/v1 read: the v2
        // conditions as a JSON list in an annotation.
        let conditions = r#"[{"type":"AbleToScale","status":"True","reason":"SucceededGetScale"},{"type":"ScalingActive","status":"False","reason":"FailedGetResourceMetric","message":"the HPA was unable to compute the replica count: missing request for cpu"}]"#;
        let o = decode_value(json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h", "annotations": {"autoscaling.alpha.kubernetes.io/conditions": conditions}},
            "spec": {"maxReplicas": 5, "scaleTargetRef": {"kind": "Deployment", "name": "w"}, "targetCPUUtilizationPercentage": 10},
            "status": {"currentReplicas": 1, "desiredReplicas": 1}}), Origin::default(), None).unwrap();
        let Object::HorizontalPodAutoscaler(h) = o else {
            panic!("expected HPA")
        };
        let c = h.status.as_ref().unwrap().conditions.as_ref().unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[1].type_.as_str(), c[1].status.as_str()),
            ("ScalingActive", "False")
        );
        assert_eq!(c[1].reason.as_deref(), Some("FailedGetResourceMetric"));
        // An annotation that is not a list is left alone.
        let o = decode_value(json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h", "annotations": {"autoscaling.alpha.kubernetes.io/conditions": "not json"}},
            "spec": {"maxReplicas": 5, "scaleTargetRef": {"kind": "Deployment", "name": "w"}}}), Origin::default(), None).unwrap();
        let Object::HorizontalPodAutoscaler(h) = o else {
            panic!("expected HPA")
        };
        assert!(
            h.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_none()
        );
    }

    #[test]
    fn decode_str_into_fast_and_slow_paths_agree() {
        let mut st = Stores::default();
        let raw = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{},"template":{}}}"#;
        decode_str_into(&mut st, raw, Origin::default(), None).unwrap();
        assert_eq!(st.deployments.len(), 1);
        let raw = r#"{"apiVersion":"extensions/v1beta1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{},"template":{}}}"#;
        decode_str_into(&mut st, raw, Origin::default(), None).unwrap();
        assert_eq!(st.deployments.len(), 2);
        let raw = r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"},"data":{"k":"QUtJQUlPU0ZPRE5ON0VYQU1QTEU="}}"#;
        decode_str_into(&mut st, raw, Origin::default(), None).unwrap();
        assert_eq!(st.len(), 3);
        assert_eq!(
            st.secrets[0].keys[0].class,
            Some(crate::secret::CredentialKind::AwsAccessKeyId)
        );
    }

    #[test]
    fn value_free_secrets_read_back() {
        let o = decode_value(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "annotations": {"day2.dev/redacted": "true"}}, "type": "Opaque", "keys": [{"name": "id", "class": "aws-access-key-id", "len": 20}]}), Origin::default(), None).unwrap();
        let Object::Secret(s) = o else {
            panic!("expected a Secret")
        };
        assert_eq!(
            s.keys[0].class,
            Some(crate::secret::CredentialKind::AwsAccessKeyId)
        );
        assert_eq!(s.keys[0].len, 20);
    }

    #[test]
    fn invalid_document_names_the_object() {
        let e = decode_value(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"}, "spec": {"containers": "nope"}}), Origin::default(), None).unwrap_err();
        assert!(e.to_string().starts_with("Pod bad:"), "{e}");
    }

    #[test]
    fn decoding_into_stores_is_decoding_trimming_and_pushing() {
        let docs = [
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"x","managedFields":[{"manager":"kubectl"}],"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"r","uid":"u","controller":true}]},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80}]}]},"status":{"phase":"Running","containerStatuses":[{"name":"c","image":"i","imageID":"","ready":true,"restartCount":0}]}}"#,
            r#"{"apiVersion":"extensions/v1beta1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{},"template":{}}}"#,
            r#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"status":{"images":[{"names":["i"]}]}}"#,
            r#"{"apiVersion":"v1","kind":"Event","metadata":{"name":"e","namespace":"x"},"involvedObject":{"kind":"Pod","name":"p"},"reason":"BackOff"}"#,
            r#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","managedFields":[]},"spec":{"size":3}}"#,
            r#"{"metadata":{"name":"hinted"},"spec":{"containers":[]}}"#,
        ];
        let (mut into, mut pushed) = (Stores::default(), Stores::default());
        for raw in docs {
            let hint = Some(("v1", "Pod"));
            decode_str_into(&mut into, raw, Origin::default(), hint).unwrap();
            let v: serde_json::Value = serde_json::from_str(raw).unwrap();
            let mut o = decode_value(v, Origin::default(), hint).unwrap();
            o.trim();
            pushed.push(o);
        }
        assert_eq!(format!("{into:?}"), format!("{pushed:?}"));
        assert_eq!(into.len(), docs.len());
        let pod = &into.pods[0];
        assert!(pod.metadata.managed_fields.is_none());
        let statuses = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref());
        assert_eq!(
            statuses.map(Vec::capacity),
            Some(1),
            "room for one status only"
        );
        assert!(
            into.nodes[0]
                .status
                .as_ref()
                .is_some_and(|s| s.images.is_none())
        );
        assert!(matches!(
            decode_str_into(&mut into, "{}", Origin::default(), None),
            Err(DecodeError::NoKind)
        ));
    }

    #[test]
    fn appending_keeps_order_and_grows_as_told() {
        let pod = |n: &str| {
            decode_value(
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": n}}),
                Origin::default(),
                None,
            )
            .unwrap()
        };
        let mut all = Stores::default();
        for batch in [["a", "b"], ["c", "d"]] {
            let mut part = Stores::default();
            for n in batch {
                part.push(pod(n));
            }
            all.append(part, &|_, adding, _| adding * 10);
        }
        let names: Vec<&str> = all.pods.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(all.pods.capacity(), 22, "grown once, by the estimate");
    }
}
