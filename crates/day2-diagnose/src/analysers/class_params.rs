//! What a StorageClass's parameters cause: the cloud refusing them, and a
//! provisioner that looks up an object they name and finds none: `ProvisioningFailed` `failed to provision volume with
//! StorageClass "c": <resource> "<name>" not found` (external-provisioner's
//! wording, `pkg/controller/controller.go`, with the provisioner's own error
//! after it). The class's parameters hold the mistake: a name that matches
//! the missing object, or a namespace parameter naming a namespace the
//! cluster does not have.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::api::storage::v1::StorageClass;

/// `<resource> "<name>" not found` → (resource, name), the last one in `msg`.
fn not_found(msg: &str) -> Option<(&str, &str)> {
    not_found_quoted(msg).or_else(|| not_found_in_parentheses(msg))
}

/// Ceph's spelling: `pool (replicapool) not found in Ceph cluster`.
fn not_found_in_parentheses(msg: &str) -> Option<(&str, &str)> {
    let end = msg.rfind(") not found")?;
    let start = msg[..end].rfind('(')?;
    let name = &msg[start + 1..end];
    let resource = msg[..start].trim_end().rsplit([' ', ':']).next()?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    (plain(name) && plain(resource)).then_some((resource, name))
}

fn not_found_quoted(msg: &str) -> Option<(&str, &str)> {
    let end = msg.rfind("\" not found")?;
    let start = msg[..end].rfind('"')?;
    let name = &msg[start + 1..end];
    let resource = msg[..start].trim_end().rsplit([' ', ':']).next()?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'))
    };
    (plain(name) && plain(resource)).then_some((resource, name))
}

/// Edits (insertions, deletions, substitutions) from `a` to `b`.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The claim's provisioning failed on an object the class's parameters name.
pub(super) fn names_nothing(
    a: &Analysis<'_>,
    pvc: &Res<PersistentVolumeClaim>,
    class: &Res<StorageClass>,
    msg: &str,
) -> Option<Hypothesis> {
    let (resource, name) = not_found(msg)?;
    let params = class.parameters.as_ref()?;
    let named: Vec<String> = params
        .iter()
        .filter(|(_, v)| v.as_str() == name)
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    // Namespace parameters naming no namespace, with the nearest one there is.
    let namespaces: Vec<&str> = a.cluster.namespaces.iter().map(|n| n.name()).collect();
    let wrong_ns: Vec<(&str, &str, Option<&str>)> = if namespaces.is_empty() {
        vec![]
    } else {
        params
            .iter()
            .filter(|(k, v)| {
                k.to_ascii_lowercase().ends_with("namespace") && !namespaces.contains(&v.as_str())
            })
            .map(|(k, v)| {
                let near = namespaces
                    .iter()
                    .map(|n| (edits(v, n), *n))
                    .filter(|(d, _)| *d <= 2)
                    .min()
                    .map(|(_, n)| n);
                (k.as_str(), v.as_str(), near)
            })
            .collect()
    };
    if named.is_empty() && wrong_ns.is_empty() {
        return None;
    }
    let ns = pvc.ns_or_default();
    let cname = class.name();
    let mut summary = format!(
        "{} finds no {resource} \"{name}\" for claim {ns}/{}",
        class.provisioner,
        pvc.name()
    );
    if !named.is_empty() {
        summary.push_str(&format!(
            ": StorageClass {cname} names it in its parameters ({})",
            named.join(", ")
        ));
    }
    let mut corrections = Vec::new();
    for (k, v, near) in &wrong_ns {
        summary.push_str(&format!(
            "; parameter {k} names namespace {v}, which does not exist{}",
            near.map(|n| format!(" (namespace {n} does)"))
                .unwrap_or_default()
        ));
        corrections.push(match near {
            Some(n) => format!("`{k}: {n}` (not {v})"),
            None => format!("`{k}` to the namespace that holds {resource} {name} (not {v})"),
        });
    }
    // A Secret the class looks for in one namespace while the cluster holds
    // it, under that name, in exactly one other (rook/rook#11516: the
    // class says `rook-ceph`, the cluster runs in `rook-ceph-cluster`).
    if resource.starts_with("secret") {
        let holders: Vec<&str> = a
            .cluster
            .secrets
            .iter()
            .filter(|s| s.name() == name)
            .map(|s| s.ns_or_default())
            .collect();
        if let [holder] = holders.as_slice() {
            for (k, v) in params {
                let key = k.to_ascii_lowercase();
                if key.ends_with("secret-namespace")
                    && v != holder
                    && params
                        .get(&k.replace("-namespace", "-name"))
                        .is_some_and(|n| n == name)
                    && !wrong_ns.iter().any(|(w, _, _)| w == k)
                {
                    summary.push_str(&format!(
                        "; parameter {k} looks for it in namespace {v}, and the cluster holds Secret {name} in namespace {holder}"
                    ));
                    corrections.push(format!("`{k}: {holder}` (not {v})"));
                }
            }
        }
    }
    let rook = if resource == "pool" && class.provisioner.contains("ceph") {
        format!(" (with Rook, a CephBlockPool named {name} in the cluster's namespace)")
    } else {
        String::new()
    };
    let what = if corrections.is_empty() {
        format!("the parameter that names {resource} {name}, or create that object{rook}")
    } else {
        corrections.join(" and ")
    };
    Some(
        Hypothesis::new(84, Loop::Storage, class.objref(), summary)
            .fix(format!(
                "Set {what} in the `parameters` of StorageClass {cname}. A class's parameters cannot be changed in place: `kubectl get storageclass {cname} -o yaml > sc.yaml`, edit it, `kubectl replace --force -f sc.yaml`; the provisioner retries the Pending claim {ns}/{} with the corrected class.",
                pvc.name()
            ))
            .link(Link::new(
                Loop::Storage,
                None,
                class.objref(),
                format!(
                    "StorageClass {cname} passes {} to {}",
                    named
                        .iter()
                        .cloned()
                        .chain(wrong_ns.iter().map(|(k, v, _)| format!("{k}: {v}")))
                        .collect::<Vec<_>>()
                        .join(", "),
                    class.provisioner
                ),
            )),
    )
}

/// A cloud's refusal of the parameters it was given (AWS
/// `InvalidParameterValue`/`InvalidParameterCombination`/`The parameter X
/// must be specified`, Azure `InvalidParameter`, GCP `Invalid value for
/// field`).
pub(super) fn parameters_refused(msg: &str) -> bool {
    [
        "InvalidParameter",
        "must be specified",
        "Invalid value for field",
        "invalid parameter",
    ]
    .iter()
    .any(|w| msg.contains(w))
}

/// The provisioner refuses a value the class's parameters pass, and says
/// so with the value in its words (in-tree azure-disk: `azureDisk -
/// Standard_RAGRS is not supported sku/storageaccounttype. Supported values
/// are [Premium_LRS Standard_LRS]`): that parameter is the mistake.
pub(super) fn value_refused(class: &Res<StorageClass>, msg: &str) -> Option<Hypothesis> {
    let l = msg.to_ascii_lowercase();
    let refusal = [
        "not supported",
        "unsupported",
        "invalid",
        "not valid",
        "not allowed",
        "unknown",
        // Longhorn: `specified node tag sdd does not exist` (longhorn#4180).
        "does not exist",
        // OpenEBS LVM: `no vg available to serve volume request having
        // regex="^lvmpv-vg$"` (openebs/lvm-localpv#216): no node has it.
        "available to serve",
        "not available",
    ];
    if !refusal.iter().any(|w| l.contains(w)) {
        return None;
    }
    // The driver's own words: the provisioner's wrapper quotes the class's
    // name, which may equal a parameter's value (`StorageClass "gp2"`).
    let said = crate::messages::volume::provisioner_says(msg).unwrap_or(msg);
    // The longest value the message quotes: `poolname: zfspv-pool1` before
    // `fstype: zfs` when both appear (`zfs: mount failed … cannot open
    // 'zfspv-pool1/…'`).
    let (key, value) = class
        .parameters
        .as_ref()?
        .iter()
        .filter(|(k, v)| {
            // A Secret a parameter names is [`names_nothing`]'s.
            // Or the key itself, quoted (`parameters contains invalid option
            // "labels"`, gcp-compute-persistent-disk-csi-driver#867).
            !k.contains("secret")
                && ((v.len() >= 3
                    && said
                        .match_indices(v.as_str())
                        .any(|(i, _)| word_at(said, i, v.len())))
                    || said.contains(&format!("\"{k}\"")))
        })
        .max_by_key(|(_, v)| v.len())?;
    let name = class.name();
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            class.objref(),
            format!(
                "the CSI driver refuses parameter `{key}: {value}` of StorageClass {name}: {}",
                day2_model::redact::excerpt(msg, 200)
            ),
        )
        .fix(format!(
            "Set `{key}` in StorageClass {name}'s parameters to a value the driver supports and the storage has (its error says which: \"{}\"); a class's parameters cannot be changed in place, so create a corrected class (`kubectl get storageclass {name} -o yaml`, edit, delete and re-create) and re-create the claims that use it.",
            day2_model::redact::excerpt(cloud_error(msg), 160)
        )),
    )
}

/// The in-tree Azure disk provisioner on a zoned cluster with a class that
/// names no zone and binds at once (`cannot determine zones to provision
/// volume in`, kubernetes/kubernetes#68043): it has no pod's node to take
/// the zone from.
pub(super) fn zones_unset(class: &Res<StorageClass>, msg: &str) -> Option<Hypothesis> {
    if !msg.contains("cannot determine zones to provision volume in") {
        return None;
    }
    let name = class.name();
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            class.objref(),
            format!("StorageClass {name} names no zone and binds at once, so the provisioner has no zone to create the disk in: {}", day2_model::redact::excerpt(msg, 160)),
        )
        .fix(format!("Recreate StorageClass {name} with `volumeBindingMode: WaitForFirstConsumer` (the disk then follows the zone of the pod's node), or name the zones it may use (`zoned: \"true\"` with `allowedTopologies`, or `zones:` on older releases); re-create the claims that use it.")),
    )
}

/// `msg[i..i + len]` stands as a word of its own, not inside a longer one.
fn word_at(msg: &str, i: usize, len: usize) -> bool {
    let b = msg.as_bytes();
    let edge = |c: Option<&u8>| c.is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
    // A component inside a path (`/var/kubelet/plugins/kubernetes.io/…`)
    // is the path's, not the value's: a word that starts after `/`.
    let before = i.checked_sub(1).and_then(|j| b.get(j));
    edge(before) && before != Some(&b'/') && edge(b.get(i + len))
}

/// The cloud's own words at the end of a provisioning error: after the last
/// `desc = ` or `EC2: ` the driver wraps them in, without the request id.
pub(super) fn cloud_error(msg: &str) -> &str {
    let tail = ["in EC2: ", "desc = "]
        .iter()
        .filter_map(|m| msg.rfind(m).map(|i| &msg[i + m.len()..]))
        .min_by_key(|t| t.len())
        .unwrap_or(msg);
    tail.split("\n").next().unwrap_or(tail).trim()
}

/// An Azure storage account the class names, looked up in the wrong
/// resource group: without `resourceGroup` the Azure File provisioner
/// looks in the cluster's node resource group (`MC_…`), and Azure answers
/// `The Resource 'Microsoft.Storage/storageAccounts/<name>' under resource
/// group '<group>' was not found` (Azure/AKS#1263).
pub(crate) fn account_elsewhere(class: &Res<StorageClass>, msg: &str) -> Option<Hypothesis> {
    const RES: &str = "Microsoft.Storage/storageAccounts/";
    let at = msg.find(RES)? + RES.len();
    let rest = &msg[at..];
    let account = rest.split(['\'', '"', ' ']).next()?;
    let group = rest
        .split_once("under resource group ")?
        .1
        .trim_start_matches(['\'', '"'])
        .split(['\'', '"'])
        .next()?;
    if !rest.contains("was not found") {
        return None;
    }
    let params = class.parameters.as_ref()?;
    let param = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    if !param("storageAccount").is_some_and(|a| a.eq_ignore_ascii_case(account))
        || param("resourceGroup").is_some()
    {
        return None;
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            class.objref(),
            format!("StorageClass {} names storage account {account} but no `resourceGroup`, so the provisioner looks for it in resource group {group}, where Azure finds no such account", class.name()),
        )
        .fix(format!("Add `resourceGroup: <the account's resource group>` to the parameters of StorageClass {} (parameters are immutable: create the class again and recreate the claim), and give the cluster's identity access to that group; or drop `storageAccount` and let the driver create an account in {group}.", class.name())),
    )
}

/// The Secret a class hands its CSI driver for provisioning
/// (`csi.storage.k8s.io/provisioner-secret-name` and `-namespace`), as a
/// sentence for a fix: its values reach the driver as they are, so a
/// malformed one (a URL without its scheme) fails inside the driver with
/// a bare exit status (juicedata/juicefs-csi-driver#299).
pub(super) fn secret_note(class: &Res<StorageClass>) -> String {
    let p = class.parameters.as_ref();
    let get = |k: &str| p.and_then(|m| m.get(k)).map(String::as_str);
    let Some(name) = get("csi.storage.k8s.io/provisioner-secret-name") else {
        return String::new();
    };
    let ns = get("csi.storage.k8s.io/provisioner-secret-namespace").unwrap_or("default");
    format!(
        " StorageClass {} hands the driver Secret {ns}/{name} (`csi.storage.k8s.io/provisioner-secret-name`): check each value in it (a URL with its scheme, an address, a key) as the driver's documentation spells it, since the driver reads them as they are.",
        class.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_a_provisioner_did_not_find() {
        // rook/rook#8315
        assert_eq!(
            not_found(
                r#"failed to provision volume with StorageClass "nfs-premium-perf4": nfsservers.nfs.rook.io "rook-nfs" not found"#
            ),
            Some(("nfsservers.nfs.rook.io", "rook-nfs"))
        );
        assert_eq!(not_found("nothing here"), None);
        assert_eq!(edits("rok-nfs", "rook-nfs"), 1);
        assert_eq!(edits("kube-system", "kube-public"), 6);
    }
}
