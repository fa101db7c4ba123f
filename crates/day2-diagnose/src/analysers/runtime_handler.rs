//! A sandbox the container runtime has no handler for: the node's runtime
//! configuration names a runtime whose shim is not installed, or the pod's
//! RuntimeClass names a handler the node does not configure.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::Detected;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

pub fn runtime_missing(
    a: &Analysis<'_>,
    d: &Detected<'_>,
    pod: &Res<Pod>,
    node: &str,
    runtime: &str,
    binary: Option<&str>,
) -> Hypothesis {
    let link = d.events_with("FailedCreatePodSandBox").last().map(|e| {
        Link::from_event(
            Loop::Compute,
            e,
            format!("the runtime on {node} has no handler {runtime} to run the sandbox"),
        )
    });
    let class = pod
        .spec
        .as_ref()
        .and_then(|s| s.runtime_class_name.as_deref());
    if let Some(class) = class
        && binary.is_none()
    {
        let rc = a
            .cluster
            .other
            .iter()
            .find(|o| o.kind == "RuntimeClass" && o.name() == class);
        let obj = rc.map_or_else(|| ObjRef::new("RuntimeClass", None, class), |r| r.objref());
        return Hypothesis::new(
            82,
            Loop::Compute,
            obj,
            format!("pod {} asks for RuntimeClass {class}, whose handler {runtime} the container runtime on {node} does not configure", pod.name()),
        )
        .fix(format!("Configure the handler {runtime} in the container runtime of the nodes meant for this class (containerd: `[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.{runtime}]` in /etc/containerd/config.toml, then restart containerd), and give RuntimeClass {class} a `scheduling.nodeSelector` for those nodes so its pods land only there."))
        .links(link);
    }
    let shim = binary
        .map(|b| format!(" (its shim, {b}, is not on the node)"))
        .unwrap_or_default();
    Hypothesis::new(
        84,
        Loop::Compute,
        ObjRef::new("Node", None, node),
        format!("the container runtime on {node} is configured to run sandboxes with {runtime}{shim}, so no pod can start there"),
    )
    .fix(if runtime == "io.containerd.runc.v2" {
        format!("Install containerd completely on {node}: its runc v2 shim (`containerd-shim-runc-v2`) must be on the PATH containerd runs with, as on a healthy node; restart containerd, and the kubelet retries the sandboxes.")
    } else {
        format!("Fix the runtime configuration on {node}: containerd's `runtime_type` for the default runtime (`plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc`) should be `io.containerd.runc.v2`, the shim every current containerd ships, not {runtime}; check /etc/containerd/config.toml (or the distribution's template it is generated from) against a healthy node's, restart containerd, and the kubelet retries the sandboxes.")
    })
    .missing(format!("the container runtime's configuration on {node}"))
    .links(link)
}

/// A sandbox the runtime refuses because it and the kubelet place cgroups
/// differently: the runtime is set for systemd (CRI-O's `cgroup_manager`,
/// containerd's `SystemdCgroup`, Docker's `native.cgroupdriver`) and the
/// kubelet hands it a cgroupfs path (`/kubepods/...`) instead of a slice.
/// Both settings live in files on the node, none in the API.
pub fn cgroup_driver(node: &str, message: &str) -> Option<Hypothesis> {
    const SYSTEMD_RUNTIME: [&str; 3] = [
        // cri-o `server/sandbox_run_linux.go`
        "configured with systemd cgroup manager, but did not receive slice as parent",
        // runc `libcontainer/cgroups/systemd`
        "for systemd cgroups, got \"/",
        // Docker `daemon/daemon_unix.go`
        "cgroup-parent for systemd cgroup should be a valid slice",
    ];
    SYSTEMD_RUNTIME.iter().any(|m| message.contains(m)).then(|| {
        Hypothesis::new(
            80,
            Loop::Compute,
            ObjRef::new("Node", None, node),
            format!(
                "the container runtime on {node} manages cgroups through systemd, but the kubelet there uses the cgroupfs driver and hands it a plain path instead of a systemd slice, so no sandbox starts: {}",
                day2_model::redact::excerpt(message, 200)
            ),
        )
        .fix(format!(
            "Give the kubelet and the runtime on {node} the same cgroup driver: set the kubelet's `cgroupDriver: systemd` (KubeletConfiguration, or `--cgroup-driver=systemd`) to match the runtime's (CRI-O `cgroup_manager = \"systemd\"`, containerd `SystemdCgroup = true`, Docker `native.cgroupdriver=systemd`), or set both to cgroupfs; restart the kubelet, then the node's pods start on the next sandbox retry."
        ))
        .missing("the kubelet's and the runtime's configuration on the node")
        .unexplained()
    })
}

/// A sandbox the runtime cannot build because the kernel refuses the mount
/// of the image's layers: containerd mounts them in a temporary directory
/// (`tmpmounts/containerd-mount…`) with its snapshotter's filesystem, and
/// `mount(2)` answers ENODEV (`no such device`) when the kernel has no such
/// filesystem, as after a reboot that did not load the overlay module
/// (containerd/containerd#6449). The host's kernel, outside the API.
pub fn layer_mount(node: &str, message: &str) -> Option<Hypothesis> {
    let tmp = message.contains("tmpmounts/containerd-mount")
        || message.contains("failed to mount rootfs component");
    (tmp && message.contains("no such device")).then(|| {
        Hypothesis::new(
            45,
            Loop::Compute,
            ObjRef::new("Node", None, node),
            format!(
                "the kernel of {node} refuses the filesystem the container runtime mounts image layers with (`no such device` from mount(2)): no container, the pause sandbox included, can start there: {}",
                day2_model::redact::excerpt(message, 200)
            ),
        )
        .fix(format!(
            "On {node}, load the snapshotter's kernel module and keep it loaded across reboots: `modprobe overlay` (and `br_netfilter`), listed in /etc/modules-load.d/containerd.conf; check `lsmod | grep overlay` and that /lib/modules matches the running kernel (`depmod -a` after a kernel update). Restart containerd; the node's pods start on the next sandbox retry."
        ))
        .missing("the node's kernel modules (`lsmod`)")
        .unexplained()
    })
}

/// The smallest memory limit a container starts under: Docker refuses
/// below 6 MiB (`Minimum memory limit allowed is 6MB`), and runc's own
/// init, with the runtime's shim, needs about as much.
const MIN_MEMORY: i64 = 6 * 1024 * 1024;

/// A sandbox the runtime cannot start because a container's memory limit
/// is below what starting a container takes: runc's init is killed before
/// it reports (`container init caused ""`, `runc did not terminate
/// sucessfully`; kubernetes/minikube#6160: a 4Mi limit), or Docker refuses
/// the limit outright.
pub(super) fn memory_too_small(
    pod: &day2_model::Res<day2_model::pod::Pod>,
    message: &str,
) -> Option<Hypothesis> {
    let runtime_died = message.contains("container init caused")
        || message.contains("runc did not terminate")
        || message.contains("Minimum memory limit allowed")
        || message.contains("OCI runtime create failed");
    if !runtime_died {
        return None;
    }
    let spec = pod.spec.as_ref()?;
    let (name, limit) = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter_map(|c| {
            Some((
                c.name.as_str(),
                day2_model::resources::container_limit(c, "memory")?,
            ))
        })
        .filter(|(_, l)| *l < MIN_MEMORY)
        .min_by_key(|(_, l)| *l)?;
    let owner = pod.objref();
    let amount = day2_model::resources::format_amount("memory", limit);
    Some(
        Hypothesis::new(
            84,
            Loop::Compute,
            owner.clone(),
            format!("container {name} of {owner} has a memory limit of {amount}, below the few MiB a container needs to start (runc's init runs inside that limit and is killed first): the runtime cannot start the pod (`{}`)", day2_model::redact::excerpt(message, 120)),
        )
        .fix(format!("Raise resources.limits.memory of container {name} to what it needs (at least 20Mi for the smallest process; the runtime refuses below 6Mi), in {owner}'s spec or its controller's template; the pod must be recreated.")),
    )
}
