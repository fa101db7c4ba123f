//! A program that stops on what its data volume holds: SQLite refused its
//! locks on an SMB share (`database is locked`: SMB mounts without `nobrl`
//! refuse the byte-range locks SQLite takes; bitnami/charts#15494 on Azure
//! Files), or MinIO finding a `.minio.sys` written under other root
//! credentials on a reused volume (`Unable to initialize config system:
//! Invalid credentials`; helm/charts#19864). The claim and its class, not
//! the program, are what to change.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

/// CSI drivers and in-tree plugins that mount SMB shares.
const SMB: [&str; 3] = [
    "file.csi.azure.com",
    "smb.csi.k8s.io",
    "kubernetes.io/azure-file",
];

pub fn data_volume<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let said = |w: &str| texts.iter().any(|t| t.contains(w));
    let ns = pod.ns_or_default();
    let claims: Vec<&Res<PersistentVolumeClaim>> = pod
        .spec
        .as_ref()
        .into_iter()
        .flat_map(|s| model::claims(s))
        .filter_map(|name| a.cluster.pvc(ns, name))
        .collect();
    let workload = model::workload_ref(a.cluster, pod);
    if said("database is locked") {
        let smb = claims.iter().find_map(|pvc| {
            let pv = a.cluster.pv_of_claim(pvc)?;
            let s = pv.spec.as_ref()?;
            let driver = s
                .csi
                .as_ref()
                .map(|c| c.driver.as_str())
                .or_else(|| s.azure_file.as_ref().map(|_| "kubernetes.io/azure-file"))?;
            SMB.contains(&driver).then_some((pvc, driver))
        });
        if let Some((pvc, driver)) = smb {
            let class = a.cluster.class_of_claim(pvc);
            let nobrl =
                class.is_some_and(|c| c.mount_options.iter().flatten().any(|o| o == "nobrl"));
            if !nobrl {
                let root = class.map_or_else(|| pvc.objref(), |c| c.objref());
                return vec![
                    Hypothesis::new(
                        84,
                        Loop::Storage,
                        root,
                        format!("container {container} of {workload} stops on `database is locked`: its SQLite database is on claim {ns}/{}, an SMB share ({driver}) mounted without `nobrl`, which refuses the byte-range locks SQLite takes", pvc.name()),
                    )
                    .fix(format!("Keep the SQLite database on a disk: a block-storage class (Azure Disk, `managed-csi`) for claim {ns}/{} (a claim's class is immutable: create a new claim and move the data), or add `nobrl` to the mountOptions of its StorageClass; or point the application at a database server.", pvc.name())),
                ];
            }
        }
    }
    if said("Unable to initialize config system: Invalid credentials")
        && let Some(pvc) = claims.first()
    {
        let pv = a
            .cluster
            .pv_of_claim(pvc)
            .map(|p| format!(" (PersistentVolume {})", p.name()))
            .unwrap_or_default();
        return vec![
            Hypothesis::new(
                82,
                Loop::Storage,
                pvc.objref(),
                format!("container {container} of {workload} (MinIO) refuses to start: claim {ns}/{}{pv} holds a `.minio.sys` configuration written under other root credentials than the ones it now gets (a volume reused from an earlier install)", pvc.name()),
            )
            .fix(format!("Start it with the root credentials the volume was initialised with (the Secret's access and secret keys of the earlier install), or, keeping the objects, remove the `.minio.sys` directory from the reused volume of claim {ns}/{} so MinIO writes a new one.", pvc.name())),
        ];
    }
    vec![]
}
