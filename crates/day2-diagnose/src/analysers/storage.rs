//! Storage causes: provisioning failures (often the CSI controller's cloud
//! identity), attach failures across zones, mounts waiting on missing
//! objects. Multi-Attach is in `multi_attach.rs`.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link, events_absent, per_cloud};
use crate::messages::cloud_code::cloud_code;
use crate::messages::volume::{
    VolumeErrorClass, classify_error, parse_mount_wait, parse_operation_error,
    unsupported_access_modes,
};
use crate::model;
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::pod::Pod;
use day2_model::{Cloud, Event, Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

/// The CSI controller's ServiceAccount for a provisioner (where its cloud identity is bound).
fn csi_controller_sa(a: &Analysis<'_>, provisioner: &str) -> ObjRef {
    let known: &[&str] = match provisioner {
        "ebs.csi.aws.com" => &["ebs-csi-controller-sa"],
        "efs.csi.aws.com" => &["efs-csi-controller-sa"],
        "disk.csi.azure.com" => &["csi-azuredisk-controller-sa"],
        "file.csi.azure.com" => &["csi-azurefile-controller-sa"],
        "pd.csi.storage.gke.io" => &["csi-gce-pd-controller-sa"],
        _ => &[],
    };
    for name in known {
        if let Some(sa) = a
            .cluster
            .service_accounts
            .iter()
            .find(|s| s.name() == *name)
        {
            return sa.objref();
        }
    }
    match known.first() {
        Some(n) => ObjRef::new("ServiceAccount", Some("kube-system"), *n),
        None => ObjRef::new("CSIDriver", None, provisioner),
    }
}

fn identity_fix(cloud: Cloud, sa: &ObjRef, provisioner: &str) -> String {
    let ns = sa.namespace.as_deref().unwrap_or("kube-system");
    // EFS volumes are access points of a file system the class names: the
    // managed policy lets the driver create and tag them only with its own
    // `efs.csi.aws.com/cluster` tag, so tags the controller adds
    // (`--tags`, the chart's `controller.tags`) need a statement of their own.
    let (policy, driver, actions) = if provisioner == "efs.csi.aws.com" {
        (
            "AmazonEFSCSIDriverPolicy",
            "EFS CSI",
            " allowing `elasticfilesystem:CreateAccessPoint` and `elasticfilesystem:TagResource` (the managed policy allows them only with the `efs.csi.aws.com/cluster` request tag: extra `tags` the controller sets need their own statement)",
        )
    } else {
        ("AmazonEBSCSIDriverPolicy", "EBS CSI", "")
    };
    per_cloud(
        cloud,
        &format!(
            "Give the CSI controller ({provisioner}) a cloud identity allowed to create and attach disks."
        ),
        &format!(
            "Bind ServiceAccount {ns}/{} to an IAM role with `{policy}` (`eksctl create iamserviceaccount --name {} --namespace {ns} --attach-policy-arn arn:aws:iam::aws:policy/service-role/{policy} --role-only` then set it on the {driver} add-on, or an EKS Pod Identity association){actions}; with IRSA the ServiceAccount carries the role in its annotation (`kubectl annotate serviceaccount -n {ns} {} eks.amazonaws.com/role-arn=arn:aws:iam::<account>:role/<role>`, then restart the controller's pods); the role's trust policy must allow `sts:AssumeRoleWithWebIdentity` for `system:serviceaccount:{ns}:{}` from the cluster's OIDC provider.",
            sa.name, sa.name, sa.name, sa.name
        ),
        "Give the cluster's identity (or the CSI driver's managed identity) Contributor on the node resource group / disk resource group; check `az aks show --query identity` and its role assignments.",
        "Check the Compute Engine PD CSI driver's service account has `roles/compute.storageAdmin` and `roles/iam.serviceAccountUser` (GKE manages this for the built-in driver: re-enable `GcePersistentDiskCsiDriver`).",
    )
}

/// Why a claim stays Pending.
pub fn provisioning<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Pvc(pvc) = d.subject else {
        return vec![];
    };
    let ns = pvc.ns_or_default();
    let class = a.cluster.class_of_claim(pvc);
    let class_name = day2_model::cluster::claim_class_name(pvc).map(str::to_owned);
    let failed: Vec<&Event> = d.events_with("ProvisioningFailed").collect();
    let mut out = Vec::new();
    if let Some(e) = failed.last() {
        let msg = e.message_text();
        let link = Link::from_event(Loop::Storage, e, "provisioning failed");
        // The claim's annotation names who provisions it, the CSI driver
        // when an in-tree class is migrated (kubernetes.io/aws-ebs → ebs.csi.aws.com).
        let provisioner = pvc
            .annotation("volume.kubernetes.io/storage-provisioner")
            .or_else(|| pvc.annotation("volume.beta.kubernetes.io/storage-provisioner"))
            .map(str::to_owned)
            .unwrap_or_else(|| {
                class.map_or_else(|| "the provisioner".to_owned(), |c| c.provisioner.clone())
            });
        match classify_error(msg) {
            VolumeErrorClass::Identity if let Some(h) = super::cloud_policy::client_secret_refused(&provisioner, msg).or_else(|| super::irsa::global_sts(msg, || (csi_controller_sa(a, &provisioner), provisioner.clone()))) => out.push(h.link(link)),
            VolumeErrorClass::Identity if let Some(h) = super::cloud_policy::refused_for_class(a, class, csi_controller_sa(a, &provisioner), &provisioner, msg) => out.push(h.link(link)),
            VolumeErrorClass::Identity => {
                let sa = csi_controller_sa(a, &provisioner);
                let sa_obj = a.cluster.service_accounts.iter().find(|s| s.objref().name == sa.name && s.namespace() == sa.namespace.as_deref());
                let ann = sa_obj.and_then(|s| s.annotation(day2_model::cloud::AWS_ROLE_ANNOTATION));
                let sa_name = format!("{}/{}", sa.namespace.as_deref().unwrap_or(""), sa.name);
                let note = match (sa_obj, ann) {
                    (Some(_), None) if a.cloud == Cloud::Aws => format!("; ServiceAccount {sa_name} has no eks.amazonaws.com/role-arn annotation"),
                    (Some(_), Some(r)) => format!("; ServiceAccount {sa_name} assumes {r}, whose trust or permissions refuse it"),
                    _ => String::new(),
                };
                let mut h = Hypothesis::new(
                    88,
                    Loop::Identity,
                    sa.clone(),
                    format!("{provisioner} cannot create the disk for {ns}/{} because the cloud refuses the CSI controller's identity{note}", pvc.name()),
                )
                .fix(identity_fix(a.cloud, &sa, &provisioner))
                .link(link);
                if sa_obj.is_none() && !a.cluster.service_accounts.is_empty() {
                    h = h.missing(format!("ServiceAccount {sa_name} is not in the input"));
                }
                out.push(h);
            }
            _ if let Some(h) = super::provision_auth::provisioner_unauthenticated(a, &provisioner, &format!("{ns}/{}", pvc.name()), msg) => out.push(h.link(link)),
            // The pv controller's and the in-tree provisioners' refusal of a
            // claim that selects its volume by labels (`claim.Spec.Selector
            // is not supported for dynamic provisioning`).
            _ if msg.contains("Selector is not supported for dynamic provisioning") => out.push(
                Hypothesis::new(88, Loop::Storage, pvc.objref(), format!("claim {ns}/{} sets `spec.selector`, and a claim that selects its volume by labels cannot be provisioned: {provisioner} refuses it", pvc.name()))
                    .fix(super::selected_volume::selector_fix(a, pvc).unwrap_or_else(|| format!("Remove `spec.selector` from claim {ns}/{} (a chart's `persistence.selector` left set; the claim is immutable: recreate it), or create a PersistentVolume with the labels it selects.", pvc.name())))
                    .link(link),
            ),
            VolumeErrorClass::MissingClass => out.push(
                Hypothesis::new(88, Loop::Storage, pvc.objref(), format!("claim {ns}/{} names StorageClass {}, which does not exist", pvc.name(), class_name.clone().unwrap_or_default()))
                    .rule(a.findings.rule_on("ST007", &pvc.objref()).map(|f| &*f.rule))
                    .fix(match super::named::sibling_name(class_name.as_deref().unwrap_or(""), &a.cluster.storage_classes.iter().map(|c| c.name()).collect::<Vec<_>>()) {
                        Some(other) => format!("StorageClass {other} exists: set the claim's storageClassName to `{other}` (it is immutable on a claim: recreate it), or create the class it names."),
                        None => "Create the StorageClass or point the claim at an existing one (storageClassName is immutable on a claim: recreate it).".to_owned(),
                    })
                    .link(link),
            ),
            _ if let Some(h) = super::csi::selected_node_full(pvc, &provisioner, msg).or_else(|| super::provision_refusals::refused(a, pvc, &provisioner, msg)) => out.push(h.link(link)),
            // A value of the class's parameters the driver quotes as what
            // it cannot serve (before quotas: `ResourceExhausted` is also
            // a node that has no such volume group).
            _ if let Some(h) = class.and_then(|c| super::class_params::value_refused(c, msg)) => out.push(h.link(link)),
            // The cloud account's quota: its number lives outside the cluster.
            VolumeErrorClass::Limits => out.push(
                Hypothesis::new(78, Loop::Storage, pvc.objref(), format!("the cloud refuses the disk for {ns}/{}: a quota or volume limit of the cloud account is reached: {}", pvc.name(), day2_model::redact::excerpt(msg, 200)))
                    .fix(format!("Raise the cloud quota the provider names ({}) or delete unused volumes (`Released` PVs with reclaimPolicy Retain keep their disks); the provisioner retries on its own.", super::cloud_policy::quota_named(msg).unwrap_or("volumes, IOPS, total size")))
                    .missing("the cloud account's quotas and their usage")
                    .link(link)
                    .unexplained(),
            ),
            VolumeErrorClass::ZoneMismatch => out.push(
                Hypothesis::new(75, Loop::Storage, class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref()), format!("the disk for {ns}/{} cannot be created in the zone asked for", pvc.name()))
                    .fix("Check the class's allowedTopologies against the zones that have nodes; use WaitForFirstConsumer.")
                    .link(link),
            ),
            // The claim asks what its class cannot give: the claim is what
            // to change first (or its class, the fix's second way).
            _ if let Some((asked, served)) = unsupported_access_modes(msg) => out.push(
                Hypothesis::new(84, Loop::Storage, pvc.objref(), format!("claim {ns}/{} asks for access modes {asked}, and {provisioner} provisions only {served}", pvc.name()))
                    .fix(format!("Ask for {served} in the claim's accessModes if one node at a time is enough, or set storageClassName to a class whose driver serves {asked} (shared file storage: EFS, NFS, Azure Files, Filestore); accessModes and storageClassName are immutable on a claim: recreate it."))
                    .link(link),
            ),
            // The cloud refuses the parameters the class passes it.
            _ if class.is_some() && super::class_params::parameters_refused(msg) => out.push(
                Hypothesis::new(82, Loop::Storage, class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref()), format!("the cloud refuses the volume parameters StorageClass {} passes: {}", class_name.clone().unwrap_or_default(), day2_model::redact::excerpt(msg, 200)))
                    .fix(format!("Set in the StorageClass's `parameters` what the cloud's error asks for (\"{}\"); parameters are immutable, so create a corrected class and recreate the claim with it.", day2_model::redact::excerpt(super::class_params::cloud_error(msg), 160)))
                    .link(link),
            ),
            _ if let Some(h) = class.and_then(|c| super::class_params::value_refused(c, msg).or_else(|| super::class_params::account_elsewhere(c, msg)).or_else(|| super::class_params::zones_unset(c, msg))) => out.push(h.link(link)),
            _ if let Some(h) = super::csi_registration::node_without_plugin(a, &provisioner, msg).or_else(|| super::csi_topology::unlabelled(a, &provisioner, msg)).or_else(|| super::node_provider::unmatched_nodes(a, &provisioner, &format!("{ns}/{}", pvc.name()), msg)) => out.push(h.link(link)),
            // The provisioner's own ServiceAccount refused by RBAC (the
            // in-tree azure-file provisioner creating its Secret).
            _ if let Some(h) = super::apierr::forbidden_in(a, msg).or_else(|| super::admission_policy::admission_policy_denied(a, msg, Loop::Storage)) => out.push(h.link(link)),
            // An object the class's parameters name is not there.
            _ if let Some(h) = class.and_then(|c| super::class_params::names_nothing(a, pvc, c, msg)) => out.push(h.link(link)),
            // The driver's call timed out and nothing in the input says why:
            // the storage system does not answer the CSI controller (a
            // firewall letting the monitors through but not the OSDs,
            // ceph-csi#2104; its retries then find the first call's
            // operation still in flight, `Aborted … already exists`).
            _ if let Some(h) = failed.iter().find_map(|e| super::csi::unimplemented(pvc, class, &provisioner, e.message_text())) => out.push(h.link(link)),
            _ if let Some(h) = failed.iter().rev().find_map(|e| super::attach_shared::api_failed(pvc.objref(), &format!("provisioning {ns}/{}", pvc.name()), e.message_text())) => out.push(h.link(link)),
            _ if let Some(h) = failed.iter().any(|e| e.message_text().contains("DeadlineExceeded")).then(|| super::egress_proxy::unproxied(a, &provisioner, &format!("{provisioner} times out provisioning {ns}/{}", pvc.name()))).flatten() => out.push(h.link(link)),
            _ if failed.iter().any(|e| e.message_text().contains("DeadlineExceeded")) => out.push(
                Hypothesis::new(50, Loop::Storage, class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref()), format!("{provisioner} times out provisioning {ns}/{}: the storage system does not answer the CSI controller in time, and the input holds no cause for it: {}", pvc.name(), day2_model::redact::excerpt(msg, 200)))
                    .fix(format!("Check the path from the {provisioner} controller pod to every endpoint of the storage system (all its servers and ports, not just the first it contacts: firewalls, security groups, routes), then the provisioner's log (its `csi-provisioner` and driver containers)."))
                    .missing("the network path between the CSI controller and the storage system")
                    .link(link)
                    .unexplained(),
            ),
            _ => out.push(
                Hypothesis::new(50, Loop::Storage, class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref()), format!("{provisioner} fails to provision {ns}/{}: {}", pvc.name(), day2_model::redact::excerpt(msg, 200)))
                    .fix(match crate::messages::volume::provisioner_says(msg) {
                        Some(said) => format!("The provisioner says `{}`: change what it names (the claim's size or access modes, the class's parameters, or the storage system's side), then recreate the claim; the provisioner's log (the CSI controller pod's `csi-provisioner` and driver containers) for {provisioner} has the rest.{}", day2_model::redact::excerpt(said, 200), class.map(super::class_params::secret_note).unwrap_or_default()),
                        None => format!("Read the provisioner's log (the CSI controller pod's `csi-provisioner` and driver containers) for {provisioner}."),
                    })
                    .link(link),
            ),
        }
        return out;
    }
    // The claim names its volume, and the volume is reserved for another
    // claim (pv controller: `volume "x" already bound to a different claim`):
    // the volume's claimRef, kept from a claim deleted and recreated under
    // the same name, or another claim's.
    if let Some(h) = super::claim_held::held_for_another(a, pvc, d) {
        return vec![h];
    }
    if let Some(e) = d.events_with("FailedBinding").last() {
        let defaults = a.cluster.default_storage_classes();
        // A default class made after the claim: defaulting happens when a
        // claim is created (the DefaultStorageClass admission plugin), so
        // this one keeps no class (1.28's retroactive assignment aside).
        if class_name.is_none()
            && let Some(made) = model::creation(&pvc.metadata)
            && let Some(late) = defaults
                .iter()
                .find(|c| model::creation(&c.metadata).is_some_and(|t| t > made))
        {
            return vec![Hypothesis::new(84, Loop::Storage, pvc.objref(), format!("claim {ns}/{} names no StorageClass and was created before the default class {} existed: a claim gets the default class only when it is created, so it waits for a volume nothing will provision", pvc.name(), late.name()))
                .fix(format!("Recreate claim {ns}/{} now that StorageClass {} is the default (its storageClassName cannot be set once the claim exists; back up any data first), or set `storageClassName: {}` in the manifest that creates it. Kubernetes 1.28 and later assign the default class to such claims on their own.", pvc.name(), late.name(), late.name()))
                .link(Link::from_event(Loop::Storage, e, "no volume and no class to provision one"))];
        }
        let summary = if defaults.is_empty() && class_name.is_none() {
            format!(
                "claim {ns}/{} names no StorageClass and the cluster has no default class, so nothing provisions it",
                pvc.name()
            )
        } else {
            format!(
                "no PersistentVolume matches claim {ns}/{} and nothing provisions one",
                pvc.name()
            )
        };
        out.push(
            Hypothesis::new(80, Loop::Storage, pvc.objref(), summary)
                .fix("Set `storageClassName` on the claim, or mark one class default (`storageclass.kubernetes.io/is-default-class: \"true\"`), or create a matching PV.")
                .link(Link::from_event(Loop::Storage, e, "no volume and no class to provision one")),
        );
        return out;
    }
    if let Some(e) = d.events_with("ExternalProvisioning").last() {
        if let Some(h) = super::csi_name::renamed(a, pvc, class, e)
            .or_else(|| super::csi::not_installed(a, &pvc.objref(), class.map(|c| c.objref()), e))
            .or_else(|| super::csi::provisioner_silent(a, &pvc.objref(), e))
            .or_else(|| {
                super::volume_backend::ceph_cluster_down(
                    a,
                    &pvc.objref(),
                    class.map_or("", |c| c.provisioner.as_str()),
                    e,
                )
            })
        {
            return vec![h];
        }
        out.push(super::csi::unanswered(a, pvc, class, e));
        return out;
    }
    if let Some(h) = super::volume_backend::named_volume_refused(a, pvc) {
        return vec![h];
    }
    if let Some(c) = class {
        return vec![
            Hypothesis::new(
                30,
                Loop::Storage,
                c.objref(),
                format!(
                    "claim {ns}/{} is Pending; no provisioning events explain it",
                    pvc.name()
                ),
            )
            .missing(events_absent("ProvisioningFailed")),
        ];
    }
    out
}

/// Pods (in the claim's namespace) that mount a claim.
pub(super) fn users<'c>(a: &Analysis<'c>, pvc: &Res<PersistentVolumeClaim>) -> Vec<&'c Res<Pod>> {
    a.cluster
        .pods_in_namespace(pvc.ns_or_default())
        .filter(|p| !model::is_terminal(p))
        .filter(|p| {
            p.spec
                .as_ref()
                .is_some_and(|s| model::claims(s).any(|c| c == pvc.name()))
        })
        .collect()
}

/// The claim behind a volume name of an attach message (PV name, or the pod's volume name).
pub(super) fn claim_of<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    volume: &str,
) -> Option<&'c Res<PersistentVolumeClaim>> {
    let ns = pod.ns_or_default();
    if let Some(pv) = a.cluster.pv(volume)
        && let Some(r) = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref())
    {
        return a.cluster.pvc(
            r.namespace.as_deref().unwrap_or(ns),
            r.name.as_deref().unwrap_or(""),
        );
    }
    let spec = pod.spec.as_ref()?;
    let by_vol = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| day2_model::pod::volume_named(&v.name, volume))
        .and_then(|v| v.persistent_volume_claim.as_ref())
        .map(|c| c.claim_name.as_str());
    let name = by_vol.or_else(|| model::claims(spec).next())?;
    a.cluster.pvc(ns, name)
}

/// AttachVolume failures: identity, zone, limits, the attacher.
pub fn attach<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Volume { message } = &d.detail else {
        return vec![];
    };
    let ev = d.events_with("FailedAttachVolume").last();
    let link = ev.map(|e| Link::from_event(Loop::Storage, e, "volume attach failed"));
    let (mut volume, err) = match parse_operation_error(message) {
        Some((_, v, e)) => (v.to_owned(), e.to_owned()),
        None => (String::new(), message.clone()),
    };
    let pvc = claim_of(a, pod, &volume);
    let pv = pvc
        .and_then(|c| a.cluster.pv_of_claim(c))
        .or_else(|| a.cluster.pv(&volume));
    if volume.is_empty()
        && let Some(pv) = pv
    {
        volume = pv.name().to_owned();
    }
    let node = model::node_name(pod).and_then(|n| a.cluster.node(n));
    let class = match classify_error(&err) {
        VolumeErrorClass::Other if d.kind == crate::symptoms::Kind::VolumeNodeAffinityConflict => {
            VolumeErrorClass::ZoneMismatch
        }
        c => c,
    };
    match class {
        VolumeErrorClass::Identity => {
            let provisioner = pv
                .and_then(|p| p.spec.as_ref()?.csi.as_ref().map(|c| c.driver.clone()))
                .unwrap_or_default();
            let sa = csi_controller_sa(a, &provisioner);
            vec![Hypothesis::new(86, Loop::Identity, sa.clone(), format!("the CSI controller ({provisioner}) is refused by the cloud when attaching {volume}"))
                .fix(identity_fix(a.cloud, &sa, &provisioner))
                .links(link)]
        }
        VolumeErrorClass::ZoneMismatch => {
            let pv_zone = pv.map(model::pv_zones).unwrap_or_default().join(", ");
            let node_zone = node.and_then(|n| model::node_zone(n)).unwrap_or("unknown");
            let sc = pv
                .and_then(|p| day2_model::cluster::volume_class_name(p))
                .and_then(|n| a.cluster.storage_class(n))
                .filter(|s| super::pending::immediate_zonal(s));
            let summary = format!(
                "{} was scheduled to {} in {node_zone} but its disk {volume} is in {}: the disk cannot follow the pod across zones{}",
                pod.name(),
                model::node_name(pod).unwrap_or("?"),
                if pv_zone.is_empty() { "another zone" } else { &pv_zone },
                if pv.is_some_and(|p| p.spec.as_ref().and_then(|s| s.node_affinity.as_ref()).is_none()) { " (the PV has no nodeAffinity, so the scheduler could not know)" } else { "" }
            );
            let h = match sc {
                Some(sc) => {
                    let rule = a.findings.rule_on("ST001", &sc.objref());
                    Hypothesis::new(85, Loop::Storage, sc.objref(), format!("{summary}; StorageClass {} binds zonal disks immediately", sc.name()))
                        .rule(rule.map(|f| &*f.rule))
                        .fix(format!("Recreate StorageClass {} with `volumeBindingMode: WaitForFirstConsumer`:\n{}", sc.name(), super::pending::wffc_yaml(sc)))
                }
                None => Hypothesis::new(78, Loop::Storage, pv.map(|p| p.objref()).unwrap_or_else(|| pod.objref()), summary)
                    .fix("Give the PV a nodeAffinity on its zone or location (CSI provisioners set it from the driver's topology) so the scheduler keeps the pod there, and keep capacity in that zone."),
            };
            vec![h.links(link)]
        }
        // The node's attach limit is the storage loop's: the CSI driver
        // reports it (CSINode `allocatable.count`) and the cloud enforces it.
        VolumeErrorClass::Limits if let Some(h) = super::volume_limits_unreported::attach_limit(a, pod, pv, &err) => vec![h.links(link)],
        VolumeErrorClass::Limits => vec![Hypothesis::new(76, Loop::Storage, node.map(|n| n.objref()).unwrap_or_else(|| pod.objref()), format!("node {} has reached its volume attachment limit", model::node_name(pod).unwrap_or("?")))
            .fix("Spread volume-heavy pods (topologySpreadConstraints), move them to nodes of a size (VM size, instance type) that attaches more data disks, or use fewer volumes per pod. If the node holds fewer volumes than its limit says (`kubectl get csinode <node> -o yaml`, `allocatable.count`, against `status.volumesAttached` of the node), the driver counts a disk it does not manage (the boot disk, a local disk) against the limit: upgrade the CSI driver to a release that counts only its own.")
            .links(link)],
        VolumeErrorClass::Timeout if let Some(h) = super::volume_backend::replicas_unplaceable(a, pv).or_else(|| super::csi_attacher::cannot_record(a, pv)) => vec![h.links(link)],
        VolumeErrorClass::Timeout => vec![Hypothesis::new(55, Loop::Storage, pv.map(|p| p.objref()).unwrap_or_else(|| pod.objref()), format!("attaching {volume} times out: the CSI attacher or the cloud API does not answer"))
            .fix("Check the CSI controller's csi-attacher logs and the VolumeAttachment object's status.attachError.")
            .links(link)],
        _ if let Some(h) = super::attach_shared::read_only_many(a, pod, pv, &err).or_else(|| super::attach_shared::rate_limit(d, pod, pv, &volume)).or_else(|| super::csi::attacher_without_driver(a, pv, &err)) => vec![h.links(link)],
        _ if let Some(h) = super::volume_backend::placement_refused(pv, pod, &err).or_else(|| super::csi_registration::node_without_plugin(a, "", &err)).or_else(|| super::mount_driver::category_unsupported(a, pod, &err, pv)).or_else(|| super::cloud_policy::org_policy(pod, pv, &err)).or_else(|| super::mount_driver::backend_node_lacks(a, pod, pv)).or_else(|| super::mount_driver::disk_not_found(pv, &err)) => vec![h.links(link)],
        _ if let Some(h) = super::attach_shared::api_failed(pv.map(|p| p.objref()).unwrap_or_else(|| pod.objref()), &format!("attaching {volume}"), &err) => vec![h.links(link)],
        // An attach the cloud refuses for a reason no class above reads, on
        // a volume no other node holds in the cluster: the state that
        // refuses it (the cloud's view of the disk and the machine) is not
        // in the input, so no cluster object is named as the root.
        _ => {
            let code = cloud_code(&err).or_else(|| ev.and_then(|e| cloud_code(e.message_text())));
            let h = Hypothesis::new(40, Loop::Storage, pv.map(|p| p.objref()).unwrap_or_else(|| pod.objref()), format!("attaching {volume} fails: {}", day2_model::redact::excerpt(&err, 200)))
                .fix(match &code {
                    Some(c) => format!("The cloud API refuses the attach ({c}): check the disk's and the machine's state in the cloud (a detach that did not finish, a disk held elsewhere) and act there; then read the VolumeAttachment's status.attachError and the CSI controller's logs."),
                    None => "Read the VolumeAttachment's status.attachError and the CSI controller's logs.".to_owned(),
                })
                .links(link);
            match code {
                Some(_) => vec![h.missing("the cloud's state of the disk and the machine it should attach to").unexplained()],
                None => vec![h],
            }
        }
    }
}

/// FailedMount: missing Secret/ConfigMap, an attach that never completed, node-side mount errors.
pub fn mount<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Volume { message } = &d.detail else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let evs: Vec<&Event> = d.events_with("FailedMount").collect();
    let link = evs
        .last()
        .map(|e| Link::from_event(Loop::Storage, e, "volume mount failed"));
    // A SetUp error names the missing object.
    for e in evs.iter().rev() {
        if let Some((_, vol, err)) = parse_operation_error(e.message_text())
            && classify_error(err) == VolumeErrorClass::MissingObject
        {
            // The API's NotFound says `secrets "x"`; older kubelets `secret "x"`.
            let (kind, loop_) = if err.contains("secret \"") || err.contains("secrets \"") {
                // Decided below, once the Secret's name is known.
                ("Secret", Loop::Storage)
            } else if a
                .cluster
                .owner_of(pod)
                .is_some_and(|o| model::is_cni_daemon(&o.name))
            {
                // The pod network's own configuration: the network's loop.
                ("ConfigMap", Loop::Network)
            } else {
                ("ConfigMap", Loop::Compute)
            };
            let name = ["secret ", "secrets ", "configmap ", "configmaps "]
                .iter()
                .find_map(|m| {
                    crate::messages::quoted_after(err, m)
                        .filter(|n| err.contains(&format!("{m}\"{n}\"")))
                })
                .unwrap_or(vol);
            let loop_ = if kind == "Secret" {
                super::secret_loop::volume(a, pod, vol, name)
            } else {
                loop_
            };
            let refs = a.references();
            let held: Vec<&str> = match kind {
                "Secret" => refs
                    .secrets
                    .keys()
                    .filter(|(n, _)| *n == ns)
                    .map(|(_, m)| *m)
                    .collect(),
                _ => refs
                    .config_maps
                    .keys()
                    .filter(|(n, _)| *n == ns)
                    .map(|(_, m)| *m)
                    .collect(),
            };
            // The same name in another namespace is the stronger sign.
            let elsewhere = model::namespace_holding(a.cluster, kind, ns, name);
            let sibling = super::named::sibling_name(name, &held).filter(|_| elsewhere.is_none());
            let others = super::mount_secret::also_missing(a, pod, kind, name);
            let fix = match sibling {
                // A chart or kustomization that renames one side only leaves
                // the object under a name one affix away from the reference.
                Some(other) => format!(
                    "{kind} {ns}/{other} exists: point volume {vol} at `{other}` in the pod template (or rename the {kind} to `{name}`)."
                ),
                None => match elsewhere {
                    Some(there) => format!(
                        "{kind} {name} exists in namespace {there}, not in {ns}, where {} runs: install the workload in namespace {there} (a chart released into the wrong namespace), or create {kind} {ns}/{name}.",
                        pod.name()
                    ),
                    None => format!(
                        "Create {kind} {ns}/{name} (or fix the name in the pod template); if it is produced by another controller (cert-manager, external-secrets), check that one."
                    ),
                },
            };
            // With the object there under a sibling name, the mistake is the
            // reference in the pod template: its workload is the root.
            let root = match sibling {
                Some(_) => model::workload_ref(a.cluster, pod),
                None => ObjRef::new(kind, Some(ns), name),
            };
            return vec![
                Hypothesis::new(
                    88,
                    loop_,
                    root,
                    format!(
                        "volume {vol} of {} needs {kind} {ns}/{name}, which does not exist{others}",
                        pod.name()
                    ),
                )
                .fix(format!("{fix}{}", others.replacen("; ", " Also: ", 1)))
                .links(link),
            ];
        }
    }
    // The events' messages, newest first, then the pod's own.
    let said: Vec<&str> = evs
        .iter()
        .rev()
        .map(|e| e.message_text())
        .chain([message.as_str()])
        .collect();
    if let Some(h) = said.iter().find_map(|m| {
        super::volume_backend::held_in_rollout(a, pod, m)
            .or_else(|| super::volume_backend::image_in_use(a, pod, m))
    }) {
        return vec![h.links(link)];
    }
    // mount(8) refuses: a helper missing on the node, a device without the file system.
    if let Some(h) = said
        .iter()
        .find_map(|m| super::mount::node_side(a, pod, m, link.clone()))
    {
        return vec![h];
    }
    // The driver refuses what the volume's objects ask: a file system its
    // image cannot format, an object the volume names that does not exist.
    if let Some(h) = said.iter().find_map(|m| {
        super::mount_driver::driver_side(a, pod, m, link.clone())
            .or_else(|| super::mount_protocol::refused(a, pod, m, link.clone()))
    }) {
        return vec![h];
    }
    // The node lacks what the driver needs: a resource its helper used up, a kernel module.
    if let Some(h) = said
        .iter()
        .find_map(|m| super::mount_driver::node_lacks(a, pod, m, link.clone()))
    {
        return vec![h];
    }
    // The server refuses the credentials the volume's Secret holds.
    if let Some(h) = said
        .iter()
        .find_map(|m| super::mount_secret::credentials(a, pod, m, link.clone()))
    {
        return vec![h];
    }
    // Still waiting, with no mount error that says why: the attach side.
    if let Some(w) = parse_mount_wait(message)
        && !w.unattached.is_empty()
    {
        let vols: Vec<&str> = w
            .unattached
            .iter()
            .map(String::as_str)
            .filter(|v| !v.starts_with("kube-api-access"))
            .collect();
        if let Some(h) = super::mount::unattachable_wait(a, pod, &vols, link.clone()) {
            return vec![h];
        }
        return vec![Hypothesis::new(55, Loop::Storage, pod.objref(), format!("the kubelet waits for volume(s) {} to be attached; the attach never completed", vols.join(", ")))
            .fix("Look at the attach side: `kubectl get volumeattachment` for the PV and the attachdetach-controller's FailedAttachVolume events (Multi-Attach, zone, identity).")
            .missing(events_absent("FailedAttachVolume"))
            .links(link)];
    }
    // A projected ServiceAccount token the kubelet cannot get from the API
    // server (pkg/volume/projected: `failed to fetch token: …`).
    if let Some(err) = said
        .iter()
        .find_map(|m| m.split_once("failed to fetch token: ").map(|(_, e)| e))
    {
        return vec![super::mount_secret::token_fetch(a, pod, err).links(link)];
    } else if let Some(h) = said
        .iter()
        .find_map(|m| super::mount_secret::tokens_not_requested(a, pod, m))
    {
        return vec![h.links(link)];
    }
    // A mount that times out (the CSI call's `DeadlineExceeded`, NFS's
    // `Connection timed out`) with the driver registered (the analyser of
    // unregistered drivers speaks otherwise): the storage server does not
    // answer the node, and what stands between them (security groups,
    // firewalls, mount targets, routes) is not a cluster object.
    let l = message.to_ascii_lowercase();
    if l.contains("deadlineexceeded")
        || l.contains("deadline exceeded")
        || l.contains("connection timed out")
    {
        let node = model::node_name(pod).unwrap_or("?");
        return vec![
            Hypothesis::new(
                50,
                Loop::Storage,
                pod.objref(),
                format!(
                    "mounting times out on node {node}: the storage server does not answer the node; the input holds no cause for it (the cluster's objects do not include the network path to the server): {}",
                    day2_model::redact::excerpt(message, 200)
                ),
            )
            .fix(super::mount_secret::timeout_fix(&l))
            .missing("the network path between the node and the storage server (security groups, firewall rules, mount targets)")
            .links(link)
            .unexplained(),
        ];
    }
    // The driver's own calls refused by RBAC (a Secrets Store provider
    // creating the pod's ServiceAccount token): its ServiceAccount's grants.
    if let Some(h) = super::apierr::forbidden_in(a, message) {
        return vec![h.links(link)];
    }
    vec![super::mount_driver::unread(a, pod, message, link)]
}
