//! Decoded objects made compact before they are stored.
//!
//! Two things, neither visible to an analysis: what no analysis reads and
//! large snapshots carry a lot of is dropped (server-side-apply bookkeeping,
//! the list of images cached on each node), and lists give back the room the
//! decoder reserved for more items (a list of one container status is
//! decoded with room for four). A pod's status is lean from the start
//! ([`crate::pod`]), and its spec is shared with the pods whose spec is the
//! same ([`crate::pod::Pod::share_spec`]).

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::discovery::v1 as discovery;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Make a decoded object compact (see the module documentation).
pub trait Trim {
    fn trim(&mut self);
}

/// Give back unused room.
fn fit<T>(v: &mut Option<Vec<T>>) {
    if let Some(v) = v {
        v.shrink_to_fit();
    }
}

/// Trim each item, then give back unused room.
fn fit_each<T>(v: &mut Option<Vec<T>>, f: impl FnMut(&mut T)) {
    if let Some(v) = v {
        v.iter_mut().for_each(f);
        v.shrink_to_fit();
    }
}

pub(crate) fn meta(m: &mut ObjectMeta) {
    m.managed_fields = None;
    fit(&mut m.owner_references);
    fit(&mut m.finalizers);
}

fn container(c: &mut core::Container) {
    fit(&mut c.args);
    fit(&mut c.command);
    fit(&mut c.env);
    fit(&mut c.env_from);
    fit(&mut c.ports);
    fit(&mut c.resize_policy);
    fit(&mut c.volume_devices);
    fit(&mut c.volume_mounts);
}

pub(crate) fn pod_spec(s: &mut core::PodSpec) {
    s.containers.iter_mut().for_each(container);
    s.containers.shrink_to_fit();
    fit_each(&mut s.init_containers, container);
    fit(&mut s.ephemeral_containers);
    fit(&mut s.host_aliases);
    fit(&mut s.image_pull_secrets);
    fit(&mut s.readiness_gates);
    fit(&mut s.resource_claims);
    fit(&mut s.scheduling_gates);
    fit(&mut s.tolerations);
    fit(&mut s.topology_spread_constraints);
    fit(&mut s.volumes);
}

pub(crate) fn pod_status(s: &mut crate::pod::PodStatus) {
    fit(&mut s.conditions);
    fit(&mut s.container_statuses);
    fit(&mut s.init_container_statuses);
}

fn template(t: &mut core::PodTemplateSpec) {
    if let Some(m) = t.metadata.as_mut() {
        meta(m);
    }
    if let Some(s) = t.spec.as_mut() {
        pod_spec(s);
    }
}

impl Trim for crate::pod::Pod {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        if let Some(s) = self.spec.as_mut() {
            pod_spec(std::sync::Arc::make_mut(s));
        }
        if let Some(s) = self.status.as_mut() {
            pod_status(s);
        }
        self.share_spec();
    }
}

impl Trim for core::Node {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        if let Some(s) = self.spec.as_mut() {
            fit(&mut s.taints);
            fit(&mut s.pod_cidrs);
        }
        if let Some(s) = self.status.as_mut() {
            s.images = None;
            fit(&mut s.addresses);
            fit(&mut s.conditions);
            fit(&mut s.volumes_attached);
            fit(&mut s.volumes_in_use);
        }
    }
}

impl Trim for apps::Deployment {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        template(&mut self.spec.template);
        if let Some(s) = self.status.as_mut() {
            fit(&mut s.conditions);
        }
    }
}

impl Trim for apps::ReplicaSet {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        if let Some(t) = self.spec.template.as_mut() {
            template(t);
        }
        if let Some(s) = self.status.as_mut() {
            fit(&mut s.conditions);
        }
    }
}

impl Trim for apps::StatefulSet {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        template(&mut self.spec.template);
        fit(&mut self.spec.volume_claim_templates);
    }
}

impl Trim for apps::DaemonSet {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        template(&mut self.spec.template);
    }
}

impl Trim for batch::Job {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        if let Some(s) = self.spec.as_mut() {
            template(&mut s.template);
        }
    }
}

impl Trim for batch::CronJob {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        if let Some(s) = self.spec.job_template.spec.as_mut() {
            template(&mut s.template);
        }
    }
}

impl Trim for core::ReplicationController {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        if let Some(t) = self.spec.as_mut().and_then(|s| s.template.as_mut()) {
            template(t);
        }
    }
}

impl Trim for core::Service {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        if let Some(s) = self.spec.as_mut() {
            fit(&mut s.ports);
            fit(&mut s.cluster_ips);
            fit(&mut s.ip_families);
            fit(&mut s.external_ips);
        }
    }
}

impl Trim for discovery::EndpointSlice {
    fn trim(&mut self) {
        meta(&mut self.metadata);
        fit_each(&mut self.endpoints, |e| e.addresses.shrink_to_fit());
        fit(&mut self.ports);
    }
}

/// Kinds with nothing large besides their metadata.
macro_rules! meta_only {
    ($($ty:ty),* $(,)?) => {
        $(impl Trim for $ty {
            fn trim(&mut self) {
                meta(&mut self.metadata);
            }
        })*
    };
}

use k8s_openapi::api::{
    autoscaling::v2 as autoscaling, networking::v1 as networking, policy::v1 as policy,
    rbac::v1 as rbac, scheduling::v1 as scheduling, storage::v1 as storage,
};

meta_only!(
    core::Namespace,
    core::Endpoints,
    core::ServiceAccount,
    core::ConfigMap,
    core::PersistentVolume,
    core::PersistentVolumeClaim,
    core::LimitRange,
    core::ResourceQuota,
    autoscaling::HorizontalPodAutoscaler,
    policy::PodDisruptionBudget,
    scheduling::PriorityClass,
    storage::StorageClass,
    storage::CSINode,
    storage::CSIDriver,
    storage::VolumeAttachment,
    networking::Ingress,
    networking::IngressClass,
    networking::NetworkPolicy,
    rbac::Role,
    rbac::ClusterRole,
    rbac::RoleBinding,
    rbac::ClusterRoleBinding,
);
