//! A Pending pod asking for an extended resource that no node advertises.
//! Extended resources (`vendor.com/name`) reach a node's capacity only
//! through a device plugin registering with the kubelet
//! (`pkg/kubelet/cm/devicemanager`) or an explicit status patch; the
//! scheduler's NodeResourcesFit then says `Insufficient vendor.com/name`
//! on every node. When no node has the resource at all, the question is
//! not free capacity but the plugin that registers nothing.

use super::{parts, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::scheduler::Reason;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

pub fn unadvertised<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, p)) = parts(d) else {
        return vec![];
    };
    let Some(fit) = &p.fit else { return vec![] };
    if a.cluster.nodes.is_empty() {
        return vec![];
    }
    let extended: Vec<String> = fit
        .reasons
        .iter()
        .filter_map(|(_, r)| match Reason::classify(r) {
            Reason::Insufficient(res) if res.contains('/') => Some(res.to_string()),
            _ => None,
        })
        .collect();
    type Amounts =
        std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>;
    let has = |m: Option<&Amounts>, res: &str| {
        m.and_then(|m| m.get(res))
            .is_some_and(|q| q.0.trim() != "0")
    };
    let allocatable = |n: &day2_model::Res<k8s_openapi::api::core::v1::Node>, res: &str| {
        has(n.status.as_ref().and_then(|s| s.allocatable.as_ref()), res)
    };
    let capacity = |n: &day2_model::Res<k8s_openapi::api::core::v1::Node>, res: &str| {
        has(n.status.as_ref().and_then(|s| s.capacity.as_ref()), res)
    };
    // Listed at all, zero included: a device plugin registered the resource.
    let listed = |n: &day2_model::Res<k8s_openapi::api::core::v1::Node>, res: &str| {
        n.status.as_ref().is_some_and(|s| {
            [s.capacity.as_ref(), s.allocatable.as_ref()]
                .into_iter()
                .flatten()
                .any(|m| m.contains_key(res))
        })
    };
    // KubeVirt's virt-handler lists `devices.kubevirt.io/kvm` at zero
    // where it registers no device at all (no /dev/kvm on the host): the
    // KubeVirt resource can let it emulate instead (kubevirt/kubevirt#10851).
    // Devices registered and all unhealthy (capacity without allocatable)
    // are the hosts' alone, below.
    if let Some(res) = extended.iter().find(|res| {
        res.as_str() == "devices.kubevirt.io/kvm"
            && a.cluster
                .nodes
                .iter()
                .all(|n| !allocatable(n, res) && !capacity(n, res))
            && a.cluster.nodes.iter().any(|n| listed(n, res))
    }) && let Some(kv) = a.cluster.other.iter().find(|o| o.obj.kind == "KubeVirt")
    {
        let emulating = kv
            .obj
            .data
            .get("spec")
            .and_then(|s| s.pointer("/configuration/developerConfiguration/useEmulation"))
            .and_then(serde_json::Value::as_bool)
            == Some(true);
        if !emulating {
            return vec![
                Hypothesis::new(
                    80,
                    Loop::Compute,
                    kv.objref(),
                    format!(
                        "{} asks for {res}, which every node lists at zero: KubeVirt's handler finds no /dev/kvm on the hosts (no hardware virtualization, or VMs without nested virtualization), and KubeVirt {} does not emulate",
                        pod.name(),
                        kv.name()
                    ),
                )
                .fix(format!(
                    "Give the nodes hardware virtualization (bare metal, or nested virtualization enabled for the VM instances), or let KubeVirt emulate: `kubectl patch kubevirt -n {} {} --type merge -p '{{\"spec\":{{\"configuration\":{{\"developerConfiguration\":{{\"useEmulation\":true}}}}}}}}'` (software emulation, slow; for tests and development).",
                    kv.ns_or_default(),
                    kv.name()
                ))
                .links(scheduler_links(d)),
            ];
        }
    }
    // Capacity without allocatable on every node that has it: the kubelet's
    // device manager counts every device the plugin registered in capacity
    // and only the healthy ones in allocatable, so the plugin runs and
    // reports each device unhealthy: the hosts lack what it checks for.
    if let Some(res) = extended.iter().find(|res| {
        a.cluster.nodes.iter().all(|n| !allocatable(n, res))
            && a.cluster.nodes.iter().any(|n| capacity(n, res))
    }) {
        let with: Vec<&str> = a
            .cluster
            .nodes
            .iter()
            .filter(|n| capacity(n, res))
            .map(|n| n.name())
            .collect();
        let check = if res.ends_with("/kvm") {
            " For /dev/kvm: the nodes need hardware virtualization; on cloud VMs enable nested virtualization for the instances (or use bare-metal instances), or let KubeVirt emulate (`spec.configuration.developerConfiguration.useEmulation: true`, slow)."
        } else {
            " Check the device and its driver on a node (for GPUs, `nvidia-smi`) and the device plugin's log."
        };
        return vec![
            Hypothesis::new(
                76,
                Loop::Compute,
                ObjRef::new("NodeGroup", None, "(all nodes)"),
                format!(
                    "{} asks for {res}: node(s) {} list it in capacity but none in allocatable, so its device plugin registered the devices and reports every one unhealthy: the hosts lack the device it checks for",
                    pod.name(),
                    day2_model::text::short_list(&with, 3)
                ),
            )
            .fix(format!("Make the device present on the hosts; the cluster cannot.{check}"))
            .links(scheduler_links(d))
            .unexplained(),
        ];
    }
    let Some(res) = extended.into_iter().find(|res| {
        a.cluster
            .nodes
            .iter()
            .all(|n| !allocatable(n, res) && !capacity(n, res))
    }) else {
        return vec![];
    };
    if let Some(h) = driver_capacity(a, d, pod.name(), &res) {
        return vec![h];
    }
    // The DaemonSet that should register it: one whose name or image names
    // the resource's vendor (`nvidia` for `nvidia.com/gpu`).
    let vendor = res
        .split('/')
        .next()
        .and_then(|d| d.split('.').next())
        .unwrap_or("")
        .to_ascii_lowercase();
    let plugin = (!vendor.is_empty())
        .then(|| {
            a.cluster.daemon_sets.iter().find(|ds| {
                ds.name().to_ascii_lowercase().contains(&vendor)
                    || ds.spec.template.spec.as_ref().is_some_and(|t| {
                        t.containers.iter().any(|c| {
                            c.image
                                .as_deref()
                                .is_some_and(|i| i.to_ascii_lowercase().contains(&vendor))
                        })
                    })
            })
        })
        .flatten();
    let nodes = a.cluster.nodes.len();
    match plugin {
        Some(ds) => {
            let ready = ds.status.as_ref().map_or(0, |s| s.number_ready);
            vec![
                Hypothesis::new(
                    80,
                    Loop::Compute,
                    ds.objref(),
                    format!(
                        "{} asks for {res}, which none of the {nodes} node(s) advertises, although device plugin DaemonSet {} runs ({ready} ready): the plugin registers no device with the kubelet",
                        pod.name(),
                        ds.name()
                    ),
                )
                .fix(format!(
                    "{}Find why the device plugin registers nothing: `kubectl logs -n {} ds/{}` on a node meant to have the device. The node needs the vendor's driver and a container runtime that exposes the device to the plugin (for NVIDIA, the nvidia container runtime as the runtime's default: `default-runtime: nvidia` in /etc/docker/daemon.json, or the containerd config the NVIDIA container toolkit writes); once it registers, `kubectl describe node` lists {res} under Allocatable.",
                    old_kubelets(a),
                    ds.ns_or_default(),
                    ds.name()
                ))
                .link(Link::new(
                    Loop::Compute,
                    None,
                    ds.objref(),
                    format!("{} runs, yet no node lists {res}", ds.name()),
                ))
                .links(scheduler_links(d)),
            ]
        }
        None => vec![
            Hypothesis::new(
                74,
                Loop::Compute,
                ObjRef::new("NodeGroup", None, "(all nodes)"),
                format!(
                    "{} asks for {res}, which none of the {nodes} node(s) advertises: no device plugin for it runs, or the nodes lack the device",
                    pod.name()
                ),
            )
            .fix(format!(
                "Deploy the vendor's device plugin DaemonSet on the nodes that have the device (and their driver), or add such nodes; `kubectl describe node` must list {res} under Allocatable."
            ))
            .links(scheduler_links(d)),
        ],
    }
}

/// Kubelets older than 1.10, where the device plugin API is alpha and off
/// unless `--feature-gates=DevicePlugins=true` (beta and on by default
/// from 1.10): the plugin's registration is refused (NVIDIA/k8s-device-plugin#10).
fn old_kubelets(a: &Analysis<'_>) -> String {
    let old: Vec<&str> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| {
            crate::model::node_info(n)
                .and_then(|i| day2_model::text::major_minor(&i.kubelet_version))
                .is_some_and(|(major, minor)| major == 1 && minor < 10)
        })
        .map(|n| n.name())
        .collect();
    if old.is_empty() {
        return String::new();
    }
    format!(
        "The kubelet of {} is older than 1.10, where device plugins are an alpha feature that is off: start it with `--feature-gates=DevicePlugins=true` (or upgrade), then restart the plugin. ",
        day2_model::text::short_list(&old, 3)
    )
}

/// An extended resource named after a CSI driver (`topolvm.cybozu.com/capacity`):
/// the driver's mutating webhook adds it to pods whose claims use its
/// classes, for its scheduler extender to weigh against each node's free
/// space; no node advertises it, and kube-scheduler without the extender
/// (`managedResources` with `ignoredByScheduler: true`) filters every node
/// out (topolvm/topolvm#334).
fn driver_capacity(a: &Analysis<'_>, d: &Detected<'_>, pod: &str, res: &str) -> Option<Hypothesis> {
    let (domain, _) = res.split_once('/')?;
    let driver = a
        .cluster
        .csi_drivers
        .iter()
        .find(|o| o.name() == domain)
        .map(|o| o.objref())
        .or_else(|| {
            a.cluster
                .storage_classes
                .iter()
                .find(|c| c.provisioner == domain)
                .map(|c| c.objref())
        })?;
    Some(
        Hypothesis::new(
            82,
            Loop::Storage,
            driver.clone(),
            format!(
                "{pod} asks for {res}, the capacity resource CSI driver {domain} adds to pods whose claims use its classes: only the driver's scheduler extender accounts for it, no node advertises it, and kube-scheduler filters every node out on it, so the extender is not configured"
            ),
        )
        .fix(format!(
            "Configure kube-scheduler with {domain}'s scheduler extender (for TopoLVM, topolvm-scheduler: a KubeSchedulerConfiguration `extenders` entry whose `managedResources` lists `{res}` with `ignoredByScheduler: true`), or move the driver to storage capacity tracking (CSIStorageCapacity, no extender and no webhook adding {res}; TopoLVM 0.11 and later), then recreate the pod."
        ))
        .links(scheduler_links(d)),
    )
}
