//! Cloud facts the loops depend on: which provisioners make zonal disks.

use crate::types::Cloud;

/// The ServiceAccount annotation naming the IAM role its pods assume (EKS
/// IAM Roles for Service Accounts).
pub const AWS_ROLE_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
/// The ServiceAccount annotation naming the Entra ID client its pods
/// federate to (Azure Workload Identity).
pub const AZURE_CLIENT_ANNOTATION: &str = "azure.workload.identity/client-id";
/// The ServiceAccount annotation naming the Google service account its pods
/// impersonate (GKE Workload Identity).
pub const GKE_GSA_ANNOTATION: &str = "iam.gke.io/gcp-service-account";

/// Provisioners whose volumes live in one zone (a disk cannot follow a pod
/// to another zone).
pub const ZONAL_PROVISIONERS: [&str; 8] = [
    "ebs.csi.aws.com",
    "kubernetes.io/aws-ebs",
    "disk.csi.azure.com",
    "kubernetes.io/azure-disk",
    "pd.csi.storage.gke.io",
    "kubernetes.io/gce-pd",
    "cinder.csi.openstack.org",
    "kubernetes.io/cinder",
];

pub fn is_zonal_provisioner(p: &str) -> bool {
    ZONAL_PROVISIONERS.contains(&p)
}

/// The cloud a node's `spec.providerID` names (`aws:///us-east-1a/i-…`,
/// `azure:///subscriptions/…`, `gce://project/zone/name`); `Generic` for any
/// other scheme (kind, k3s, bare metal).
pub fn provider_id_cloud(id: &str) -> Cloud {
    if id.starts_with("aws://") {
        Cloud::Aws
    } else if id.starts_with("azure://") {
        Cloud::Azure
    } else if id.starts_with("gce://") {
        Cloud::Gcp
    } else {
        Cloud::Generic
    }
}

/// The cloud a provisioner belongs to.
pub fn provisioner_cloud(p: &str) -> Cloud {
    match p {
        "ebs.csi.aws.com" | "kubernetes.io/aws-ebs" | "efs.csi.aws.com" => Cloud::Aws,
        "disk.csi.azure.com"
        | "kubernetes.io/azure-disk"
        | "file.csi.azure.com"
        | "kubernetes.io/azure-file" => Cloud::Azure,
        "pd.csi.storage.gke.io" | "kubernetes.io/gce-pd" | "filestore.csi.storage.gke.io" => {
            Cloud::Gcp
        }
        _ => Cloud::Generic,
    }
}

/// Regional (multi-zone) volume parameters: GKE `replication-type: regional-pd`,
/// Azure ZRS SKUs.
pub fn is_regional_parameters(params: Option<&std::collections::BTreeMap<String, String>>) -> bool {
    let Some(p) = params else { return false };
    p.get("replication-type")
        .is_some_and(|v| v.contains("regional"))
        || p.get("skuName")
            .or_else(|| p.get("skuname"))
            .is_some_and(|v| v.ends_with("_ZRS"))
}
