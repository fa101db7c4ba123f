//! A container whose process the kernel refuses to start or to serve: an
//! entrypoint it cannot load, a privileged port it may not bind.

use super::*;
use day2_model::security::EffectiveSecurityContext;
use k8s_openapi::api::core::v1::Container;

fn spec_container<'a>(pod: &'a Pod, name: &str) -> Option<&'a Container> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == name)
}

/// runc's init got ENOENT from `execve` on the entrypoint: the file is there
/// (a missing command is another message) but its interpreter or loader is not.
pub(super) fn entrypoint_unloadable(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Hypothesis {
    let workload = model::workload_ref(a.cluster, pod);
    let c = spec_container(pod, container);
    let image = c.and_then(|c| c.image.as_deref()).unwrap_or("the image");
    let entry = c
        .and_then(|c| c.command.as_ref().or(c.args.as_ref()))
        .and_then(|v| v.first())
        .map(|e| format!(" ({e})"))
        .unwrap_or_else(|| " (the image's ENTRYPOINT)".to_owned());
    Hypothesis::new(
        82,
        Loop::Compute,
        workload.clone(),
        format!(
            "container {container} cannot start: the kernel cannot load its entrypoint{entry} from {image}: a script's interpreter (its shebang line, or a CRLF line ending after it) or a binary's dynamic loader is missing from the image"
        ),
    )
    .fix(format!(
        "Fix the entrypoint in the image and rebuild it: the shebang's interpreter must exist in the image (`#!/bin/bash` on alpine has none), scripts need LF line endings (`dos2unix`, `.gitattributes` `eol=lf`), and a binary built against glibc needs it (or `CGO_ENABLED=0` for a static build on musl/distroless); `docker run --entrypoint sh {image}` shows what the entrypoint finds. Then roll {workload}."
    ))
}

/// The kernel refused a bind below 1024: the process lacks `CAP_NET_BIND_SERVICE`.
pub(super) fn privileged_port(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    port: u16,
) -> Hypothesis {
    let workload = model::workload_ref(a.cluster, pod);
    let sc = pod
        .spec
        .as_ref()
        .zip(spec_container(pod, container))
        .map(|(s, c)| EffectiveSecurityContext::of(s, c))
        .unwrap_or_default();
    let caps = sc.capabilities;
    let has = |list: Option<&Vec<String>>, cap: &str| {
        list.is_some_and(|l| {
            l.iter().any(|c| {
                let c = c.trim_start_matches("CAP_");
                c.eq_ignore_ascii_case(cap)
            })
        })
    };
    let added = has(caps.and_then(|c| c.add.as_ref()), "NET_BIND_SERVICE");
    let dropped = has(caps.and_then(|c| c.drop.as_ref()), "ALL")
        || has(caps.and_then(|c| c.drop.as_ref()), "NET_BIND_SERVICE");
    let root = sc.run_as_user == Some(0) && sc.run_as_non_root != Some(true);
    let why = if added && !root {
        "it adds NET_BIND_SERVICE, but a capability in `securityContext.capabilities.add` reaches a non-root process only through a file capability on its binary (the runtime sets no ambient capabilities), and here it does not take effect"
    } else if dropped && !added {
        "its securityContext drops the capability without adding NET_BIND_SERVICE back"
    } else {
        "the process runs without CAP_NET_BIND_SERVICE"
    };
    // `net.ipv4.ip_unprivileged_port_start` exists from Linux 4.11 on.
    let node = model::node_name(pod).and_then(|n| a.cluster.node(n));
    let kernel = node.and_then(|n| {
        let v = n
            .status
            .as_ref()?
            .node_info
            .as_ref()?
            .kernel_version
            .as_str();
        let mut parts = v.split(['.', '-']);
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        Some((n.name(), v, (major, minor)))
    });
    let old_kernel = kernel
        .filter(|(_, _, ver)| *ver < (4, 11))
        .map(|(n, v, _)| {
            format!(
                " Node {n} runs kernel {v}, older than 4.11: it has no `net.ipv4.ip_unprivileged_port_start`, so move the pod to (or upgrade to) a node with a newer kernel, or run it as root."
            )
        })
        .unwrap_or_default();
    Hypothesis::new(
        80,
        Loop::Compute,
        workload.clone(),
        format!(
            "container {container} may not bind privileged port {port}: the kernel gives ports below 1024 only to a process with CAP_NET_BIND_SERVICE, and {why}"
        ),
    )
    .fix(format!(
        "Let container {container} of {workload} bind port {port}: run it as root (`runAsUser: 0`) with `capabilities.add: [NET_BIND_SERVICE]`, or set the pod sysctl `net.ipv4.ip_unprivileged_port_start: \"{port}\"` under `spec.securityContext.sysctls` (a safe sysctl), or make it listen on a port from 1024 up and point the Service's targetPort there.{old_kernel}"
    ))
}
