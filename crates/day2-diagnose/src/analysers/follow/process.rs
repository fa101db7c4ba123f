//! A container whose process the kernel refuses to start or to serve: an
//! entrypoint it cannot load, a privileged port it may not bind.

use super::*;
use day2_model::security::EffectiveSecurityContext;

use model::spec_container;

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

/// A per-user kernel limit of the node is used up (inotify instances or
/// watches): every pod on the node counts against it, so the node's setting
/// is the cause, and the pod fails on whichever node is full.
pub(super) fn node_limit(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    sysctl: &str,
) -> Hypothesis {
    let (on_node, node) = model::pod_node_ref(a.cluster, pod);
    let others = a.cluster.pods_on_node(node).count().saturating_sub(1);
    // A per-node setting the workload's own charts set from an init
    // container (Elasticsearch's and OpenSearch's `sysctlInit`), which is
    // where a search cluster's fix belongs.
    if sysctl == "vm.max_map_count" {
        let workload = model::workload_ref(a.cluster, pod);
        return Hypothesis::new(
            84,
            Loop::Compute,
            workload.clone(),
            format!("container {container} stops at its bootstrap check: node {node}'s vm.max_map_count is below the 262144 Elasticsearch and OpenSearch need, and nothing in {workload} raises it"),
        )
        .fix(format!("Let {workload} raise it before the server starts: a privileged init container running `sysctl -w vm.max_map_count=262144` (the charts' `sysctlInit.enabled: true`, Elastic's `sysctlInitContainer`), or set it on every node (/etc/sysctl.d/, the node pool's sysctls, a privileged DaemonSet); for a test cluster only, `node.store.allow_mmap: false` skips the check."));
    }
    Hypothesis::new(
        84,
        Loop::Compute,
        on_node,
        format!("container {container} fails because node {node}'s kernel limit {sysctl} is used up: every process of the same user on the node ({others} other pod(s) run there) counts against it, and the default (128 instances, 8192 watches on many distributions) is low for file-watching applications"),
    )
    .fix(format!("Raise {sysctl} on the node (`sysctl -w {sysctl}=8192` for instances, 524288 for watches, and persist it in /etc/sysctl.d/ or the node pool's configuration: AKS `linuxOSConfig.sysctls`, GKE `linuxNodeConfig.sysctls`, EKS launch template user data; a privileged DaemonSet can set it on every node), then restart the pod. Watching fewer files (polling mode) also works."))
}

/// The node's kernel refuses a module the container loads (a storage or
/// network plugin's `modprobe rbd`, `nbd`, `wireguard`): the kernel of the
/// host is the cause, outside the cluster. Secure Boot refuses unsigned
/// modules (`Key was rejected by service`, rook/rook#14431); a module built
/// for another kernel is `Exec format error` or `Invalid module format`
/// (canonical/microk8s#4362); a kernel without it, `not found`.
pub(super) fn kernel_module(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    module: &str,
    reason: &str,
) -> Hypothesis {
    let (on_node, node) = model::pod_node_ref(a.cluster, pod);
    let kernel = a
        .cluster
        .node(node)
        .and_then(|n| model::node_info(n))
        .map(|i| format!(" (kernel {}, {})", i.kernel_version, i.os_image))
        .unwrap_or_default();
    let why = if reason.contains("Key was rejected") {
        "the kernel enforces module signatures (Secure Boot, lockdown) and the module is not signed by a key it trusts"
    } else if reason.contains("not found") {
        "the host's kernel has no such module installed"
    } else if reason.contains("format") {
        "the module was built for another kernel than the one running"
    } else {
        "the host's kernel refuses it"
    };
    Hypothesis::new(
        80,
        Loop::Compute,
        on_node,
        format!("container {container} needs kernel module {module}, and node {node}'s kernel{kernel} will not load it ({reason}): {why}; that is the host's, outside the cluster"),
    )
    .fix(format!("On node {node}, load the module from the host (`sudo modprobe {module}`, and list it in /etc/modules-load.d/ to keep it): install the distribution's module package for the running kernel (`linux-modules-extra-$(uname -r)` on Ubuntu, `kernel-modules-extra` on RHEL), sign it or turn off Secure Boot's module enforcement when the key is rejected, or use node images whose kernel ships it; then restart the pod."))
    .unexplained()
}

/// The program cannot parse a configuration file, and the file comes from a
/// ConfigMap or Secret mounted into the container: that object holds the
/// mistake. The DNS server's configuration (a Corefile) is the network
/// loop's; any other program's, its workload's.
pub(super) fn config_file(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    path: &str,
    line: &str,
) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    let file = path.rsplit('/').next().unwrap_or(path);
    let (kind, name, key, also) = if path.contains('/') {
        let spec = pod.spec.as_ref()?;
        let c = spec_container(pod, container)?;
        // The deepest mount that holds the file.
        let mount = model::mount_holding(c, path)?;
        let vol = spec
            .volumes
            .iter()
            .flatten()
            .find(|v| v.name == mount.name)?;
        let (kind, name) = match (&vol.config_map, &vol.secret) {
            (Some(cm), _) => ("ConfigMap", cm.name.clone()),
            (None, Some(s)) => ("Secret", s.secret_name.clone()?),
            _ => return None,
        };
        let key = mount.sub_path.as_deref().unwrap_or(file).to_owned();
        (kind, name, key, String::new())
    } else {
        let (cm, also) = config_map_with_key(a, ns, file)?;
        ("ConfigMap", cm, file.to_owned(), also)
    };
    let key = key.as_str();
    let dns = file == "Corefile" || pod.labels().get("k8s-app").is_some_and(|v| v == "kube-dns");
    let loop_ = if dns { Loop::Network } else { Loop::Compute };
    let at = line
        .split_once(&format!("{path}:"))
        .and_then(|(_, r)| r.split(|ch: char| !ch.is_ascii_digit()).next())
        .filter(|n| !n.is_empty())
        .map(|n| format!(" at line {n}"))
        .unwrap_or_default();
    // What the parser says is wrong, after its own prefix (or in a
    // structured log's `err="…"`).
    let line = &*crate::messages::apiserver::unescape(line);
    let said = ["Error during parsing: ", "parse error: ", "syntax error: "]
        .iter()
        .find_map(|m| line.split_once(m).map(|(_, r)| r.trim()))
        .or_else(|| {
            let (_, r) = line.split_once(" err=\"")?;
            Some(r.strip_suffix('"').unwrap_or(r))
        })
        .or_else(|| {
            // Otherwise the sentence after the file's name, when it says
            // what is wrong (`… config is invalid. Only one datasource …`).
            let (_, r) = line.split_once(file)?;
            let r = r.split('\n').next()?.trim().trim_matches('"');
            (r.len() > 12).then_some(r)
        })
        .filter(|r| !r.is_empty())
        .map(|r| format!(": {}", day2_model::redact::excerpt(r, 160)))
        .unwrap_or_default();
    // Go's time parser names the layout it wanted: `parsing time "0" as
    // "2006-01-02"` is a date field holding something else.
    let date = line
        .split_once("parsing time \"")
        .and_then(|(_, r)| r.split_once("\" as \""))
        .map(|(value, layout)| {
            let layout = layout.split('"').next().unwrap_or_default();
            format!(" A date field holds `{value}` where a date of layout `{layout}` belongs (2006-01-02 is YYYY-MM-DD).")
        })
        .unwrap_or_default();
    // Go's YAML decoder in strict mode names a key the program's types do
    // not have (`line 118: field x not found in type validation.plainLimits`):
    // a setting of another release of the program, or a misspelling.
    let whole: Vec<String> = model::container_statuses(pod)
        .filter(|c| c.name == container)
        .filter_map(|c| {
            c.last_state
                .as_deref()?
                .terminated
                .as_ref()?
                .message
                .clone()
        })
        .collect();
    let unknown = std::iter::once(line)
        .chain(whole.iter().map(String::as_str))
        .flat_map(str::lines)
        .find(|l| l.contains(" not found in type "))
        .unwrap_or_default()
        .split_once("field ")
        .and_then(|(_, r)| r.split_once(" not found in type "))
        .map(|(field, _)| {
            let image = model::spec_container(pod, container)
                .and_then(|c| c.image.as_deref())
                .map(|i| format!(" ({i})"))
                .unwrap_or_default();
            format!(" The key `{field}` is not one this release of the program{image} knows: a setting of another (newer) release, or a misspelling; remove it, or run the release that introduced it.")
        })
        .unwrap_or_default();
    // CoreDNS 1.5.0 removed the `proxy` plugin; `forward` replaces it.
    let hint = if dns
        && line
            .split_once("Unknown directive")
            .is_some_and(|(_, d)| d.trim().trim_matches('\'') == "proxy")
    {
        " CoreDNS 1.5.0 removed the `proxy` plugin: write `forward . <upstreams>` instead of `proxy . <upstreams>`."
    } else {
        ""
    };
    Some(
        Hypothesis::new(
            86,
            loop_,
            ObjRef::new(kind, Some(ns), name.clone()),
            format!("container {container} of {} cannot parse {path}{at}, which comes from {kind} {ns}/{name} (key {key}): {}", pod.name(), day2_model::redact::excerpt(line, 200)),
        )
        .fix(format!("Correct key {key} of {kind} {ns}/{name}{at}{said} (`kubectl edit {} -n {ns} {name}`; if an operator or chart writes it, fix it there, or it will write it back), then restart the pods of {} so they read it again.{unknown}{also}{hint}{date}", kind.to_ascii_lowercase(), model::workload_ref(a.cluster, pod))),
    )
}

/// The ConfigMap of `ns` that holds a key named `file` (a file a sidecar
/// or an operator gathers from ConfigMaps rather than mounts), and the
/// others gathered with it: ConfigMaps that share one of its own labels
/// (Grafana's `grafana_datasource: "1"`), as a sentence for the fix.
fn config_map_with_key(a: &Analysis<'_>, ns: &str, file: &str) -> Option<(String, String)> {
    let in_ns = || {
        a.cluster
            .config_maps
            .iter()
            .filter(|m| m.ns_or_default() == ns)
    };
    let cm = in_ns().find(|m| m.data.as_ref().is_some_and(|d| d.contains_key(file)))?;
    let generic = |k: &str| {
        k.starts_with("app.kubernetes.io/")
            || k.starts_with("helm.sh/")
            || matches!(k, "app" | "release" | "heritage" | "chart")
    };
    let mine: Vec<(&String, &String)> = cm.labels().iter().filter(|(k, _)| !generic(k)).collect();
    let others: Vec<&str> = in_ns()
        .filter(|m| m.name() != cm.name())
        .filter(|m| mine.iter().any(|(k, v)| m.labels().get(*k) == Some(*v)))
        .map(|m| m.name())
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!(
            " The program reads it together with ConfigMap(s) {} (the same label): the rule it reports may be broken between them, not inside one.",
            day2_model::text::short_list(&others, 3)
        )
    };
    Some((cm.name().to_owned(), also))
}
