//! A Corefile CoreDNS refuses at start-up, in the ConfigMap it mounts or in a
//! key that ConfigMap imports.

use super::*;

/// CoreDNS exits because a plugin's block of the Corefile it mounts is
/// refused at set-up: the ConfigMap holding that Corefile is the cause.
/// Nothing when the pod mounts no Corefile (the words are CoreDNS's).
pub(in crate::analysers::follow) fn corefile_refused(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    plugin: &str,
    line: &str,
) -> Option<Hypothesis> {
    let (cm, _) = mounted_corefile(a, pod);
    let cm = cm?;
    let ns = cm.ns_or_default();
    let error = day2_model::redact::excerpt(line.trim(), 200);
    if let Some(h) = imported_refused(a, pod, cm, plugin, &error) {
        return Some(h);
    }
    // The forward plugin takes addresses, not names (`plugin/forward/setup.go`, parse.HostPortOrFile).
    let hint = if plugin == "forward" && line.contains("not an IP address or file") {
        " `forward` takes IP addresses (for a resolver inside the cluster, its Service's ClusterIP) or a resolv.conf-style file, not a host name."
    } else {
        ""
    };
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            cm.objref(),
            format!("CoreDNS refuses the `{plugin}` block of the Corefile in ConfigMap {ns}/{} at start-up and exits: {error}", cm.name()),
        )
        .fix(format!("Correct the `{plugin}` block of the Corefile in ConfigMap {ns}/{} (`kubectl -n {ns} edit configmap {}`; https://coredns.io/plugins/{plugin}/).{hint} Pods started before the change keep serving with the old Corefile; restart the others once it parses: `kubectl -n {ns} rollout restart {}`.", cm.name(), cm.name(), workload_arg(&workload)))
        .link(Link::new(Loop::Network, None, workload, format!("CoreDNS exits at start-up: its `{plugin}` plugin refuses the Corefile")).with_evidence([error])),
    )
}

/// The file an `import` of the Corefile pulls in that brings the refused
/// plugin: another ConfigMap the pod mounts (AKS's `coredns-custom`, whose
/// `*.override` keys are imported into the server block, where a second
/// `forward` is refused: `plugin/forward: this plugin can only be used once
/// per Server Block`, Azure/AKS#2623).
fn imported_refused(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    corefile: &Res<k8s_openapi::api::core::v1::ConfigMap>,
    plugin: &str,
    error: &str,
) -> Option<Hypothesis> {
    let text = corefile.data.as_ref()?.get("Corefile")?;
    // `import custom/*.override` → the file-name pattern `*.override`.
    let patterns: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("import "))
        .map(|p| p.trim().rsplit('/').next().unwrap_or(""))
        .filter(|p| !p.is_empty())
        .collect();
    if patterns.is_empty() {
        return None;
    }
    let matches = |key: &str, pattern: &str| match pattern.split_once('*') {
        Some((pre, post)) => {
            key.starts_with(pre) && key.ends_with(post) && key.len() >= pre.len() + post.len()
        }
        None => key == pattern,
    };
    let ns = pod.ns_or_default();
    let (cm, key) = pod
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref().map(|c| c.name.as_str()))
        .filter(|n| *n != corefile.name())
        .filter_map(|n| {
            a.cluster
                .config_maps
                .iter()
                .find(|c| c.ns_or_default() == ns && c.name() == n)
        })
        .find_map(|c| {
            let key = c.data.as_ref()?.iter().find(|(k, v)| {
                patterns.iter().any(|p| matches(k, p))
                    && v.lines()
                        .any(|l| l.split_whitespace().next() == Some(plugin))
            })?;
            Some((c, key.0.clone()))
        })?;
    let twice = error.contains("only be used once per Server Block");
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            87,
            Loop::Network,
            cm.objref(),
            format!("CoreDNS refuses its Corefile at start-up and exits ({error}): key `{key}` of ConfigMap {ns}/{}, which the Corefile in ConfigMap {ns}/{} imports, {}", cm.name(), corefile.name(), if twice { format!("adds a second `{plugin}` to a server block that already has one") } else { format!("holds the `{plugin}` line it refuses") }),
        )
        .fix(if twice {
            format!("Remove the `{plugin}` line from key `{key}` of ConfigMap {ns}/{} (`kubectl -n {ns} edit configmap {}`): an imported `*.override` file is inserted into the server block, which already has `{plugin}`; to send a domain elsewhere, put a server block of its own in a `*.server` key (e.g. `example.com:53 {{ {plugin} . 10.10.10.1 }}`). Then restart: `kubectl -n {ns} rollout restart {}`.", cm.name(), cm.name(), workload_arg(&workload))
        } else {
            format!("Correct the `{plugin}` line of key `{key}` in ConfigMap {ns}/{} (`kubectl -n {ns} edit configmap {}`; https://coredns.io/plugins/{plugin}/), then restart: `kubectl -n {ns} rollout restart {}`.", cm.name(), cm.name(), workload_arg(&workload))
        })
        .link(Link::new(Loop::Network, None, corefile.objref(), format!("its Corefile imports key `{key}` of ConfigMap {}", cm.name()))),
    )
}

/// `deployment/coredns` for `kubectl rollout restart`.
fn workload_arg(w: &day2_model::ObjRef) -> String {
    format!("{}/{}", w.kind.to_ascii_lowercase(), w.name)
}
