//! ST002: databases run as Deployments.

use crate::reads;
use crate::util::{claim_volumes, database_container, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::{Container, PodSpec};

pub static META: RuleMeta = RuleMeta {
    code: "ST002",
    name: "database-in-deployment",
    loop_: Loop::Storage,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "A database (PostgreSQL, MySQL, MongoDB, Redis, Elasticsearch, Kafka, etcd, …) runs as a Deployment, ReplicaSet or bare Pod",
    law: law::STORAGE,
    rationale: "\"StatefulSet: never use a Deployment for a database.\" A Deployment treats its pods as \
interchangeable: during a rollout it starts the new pod before the old one stops (two database \
processes on one data directory, or a Multi-Attach error on the zonal disk and a stuck rollout), gives \
replicas no stable identity or per-replica volume, and reschedules them to any zone — away from their \
disk. A StatefulSet gives each replica a stable name, its own claim from `volumeClaimTemplates`, and \
ordered, one-at-a-time updates. Databases are recognised by image (exporters, operators, proxies and \
UIs are not). A database with a persistent claim is high; one on a persistent volume named in the pod \
itself (an in-tree disk such as `gcePersistentDisk`, NFS, or an inline CSI volume of a storage driver) \
keeps its data but has the same rollout and identity problems (medium); one with no persistent volume at \
all loses its data on every restart (medium) — unless it is a Redis-family cache, which is not reported. \
Only the volumes the database container mounts count: a backup sidecar's NFS share holds none of the \
database's data.",
    fix: Fix {
        generic: "Run the database as a StatefulSet with `volumeClaimTemplates` on a `WaitForFirstConsumer` class, a headless Service and a PodDisruptionBudget — or use an operator (CloudNativePG, Percona, Strimzi, ECK…) or the cloud's managed database.",
        aws: Some(
            "Consider Amazon RDS/Aurora, ElastiCache or MSK instead of an in-cluster database; otherwise a StatefulSet on an `ebs.csi.aws.com` gp3 class with `WaitForFirstConsumer`.",
        ),
        azure: Some(
            "Consider Azure Database for PostgreSQL/MySQL, Azure Cache for Redis or Event Hubs; otherwise a StatefulSet on a `disk.csi.azure.com` class (ZRS for zone resilience).",
        ),
        gcp: Some(
            "Consider Cloud SQL, AlloyDB, Memorystore or Managed Kafka; otherwise a StatefulSet on a `pd.csi.storage.gke.io` class (regional PD for zone resilience).",
        ),
    },
    sources: "Same on every source: pod templates of Deployments, ReplicaSets, ReplicationControllers and bare Pods. Pods an operator creates from its own custom resource are the operator's template and are not judged.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST002/fire.yaml"),
        silent: include_str!("../../fixtures/ST002/silent.yaml"),
    },
    peers: &[],
};

/// Inline CSI drivers that mount credentials, not storage: the Secrets Store
/// CSI driver and cert-manager's csi-driver (a certificate per pod).
const CREDENTIAL_CSI_DRIVERS: &[&str] = &["secrets-store.csi.k8s.io", "csi.cert-manager.io"];

/// The first volume the container mounts that keeps data beyond the pod
/// without a claim: an in-tree network or cloud disk, or an inline CSI volume
/// of a storage driver.
fn inline_persistent_volume<'s>(
    spec: &'s PodSpec,
    container: &Container,
) -> Option<(&'s str, &'static str)> {
    let mounted = mounted_by(container);
    spec.volumes.iter().flatten().find_map(|v| {
        if !mounted.contains(&v.name.as_str()) {
            return None;
        }
        let source = if v.aws_elastic_block_store.is_some() {
            "awsElasticBlockStore"
        } else if v.gce_persistent_disk.is_some() {
            "gcePersistentDisk"
        } else if v.azure_disk.is_some() {
            "azureDisk"
        } else if v.azure_file.is_some() {
            "azureFile"
        } else if v.cinder.is_some() {
            "cinder"
        } else if v.nfs.is_some() {
            "nfs"
        } else if v.rbd.is_some() {
            "rbd"
        } else if v.iscsi.is_some() {
            "iscsi"
        } else if v.fc.is_some() {
            "fc"
        } else if v.cephfs.is_some() {
            "cephfs"
        } else if v.glusterfs.is_some() {
            "glusterfs"
        } else if v.portworx_volume.is_some() {
            "portworxVolume"
        } else if v.vsphere_volume.is_some() {
            "vsphereVolume"
        } else if v.flex_volume.is_some() {
            "flexVolume"
        } else if v
            .csi
            .as_ref()
            .is_some_and(|c| !CREDENTIAL_CSI_DRIVERS.contains(&c.driver.as_str()))
        {
            "csi"
        } else {
            return None;
        };
        Some((v.name.as_str(), source))
    })
}

/// The names of the volumes the container mounts (as a filesystem or as a
/// raw block device).
fn mounted_by(container: &Container) -> Vec<&str> {
    let mounts = container
        .volume_mounts
        .iter()
        .flatten()
        .map(|m| m.name.as_str());
    let devices = container
        .volume_devices
        .iter()
        .flatten()
        .map(|d| d.name.as_str());
    mounts.chain(devices).collect()
}

pub struct DatabaseInDeployment;

impl Rule for DatabaseInDeployment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            if !matches!(
                w.kind,
                "Deployment" | "ReplicaSet" | "ReplicationController" | "Pod"
            ) {
                continue;
            }
            // A pod with a controller that is not in the input belongs to an
            // operator (CloudNativePG, Strimzi, …): its placement is the operator's.
            if w.kind == "Pod"
                && w.meta
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|o| o.controller == Some(true))
            {
                continue;
            }
            let Some((i, c, db)) = database_container(w.spec) else {
                continue;
            };
            // Only the database's own mounts hold its data: a backup sidecar's
            // NFS share or claim does not.
            let mounted = mounted_by(c);
            let claims: Vec<_> = claim_volumes(w.spec)
                .into_iter()
                .filter(|(_, volume, _)| mounted.contains(volume))
                .collect();
            let inline = inline_persistent_volume(w.spec, c);
            let (message, severity) = if let Some((_, _, claim)) = claims.first() {
                (
                    format!(
                        "{} runs {} (container `{}`) with claim `{claim}`: rollouts start a second database on the same data, replicas share no identity, and the pod can be rescheduled away from its disk",
                        wname(&w),
                        db.engine,
                        c.name
                    ),
                    Severity::High,
                )
            } else if let Some((volume, source)) = inline {
                (
                    format!(
                        "{} runs {} (container `{}`) on volume `{volume}` ({source}): rollouts start a second database on the same data, replicas share no identity, and the pod can be rescheduled away from its disk",
                        wname(&w),
                        db.engine,
                        c.name
                    ),
                    Severity::Medium,
                )
            } else if db.is_cache_capable() {
                continue;
            } else {
                (
                    format!(
                        "{} runs {} (container `{}`) without a persistent volume: its data is lost whenever the pod is replaced",
                        wname(&w),
                        db.engine,
                        c.name
                    ),
                    Severity::Medium,
                )
            };
            sink.report_with(
                Target::workload(&w),
                message,
                Some(&w.ptr(&format!("/containers/{i}/image"))),
                None,
                Some(severity),
            );
        }
    }
}
