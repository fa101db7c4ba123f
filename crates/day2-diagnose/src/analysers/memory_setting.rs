//! A container configured to take more memory than its limit allows: a
//! database's buffer pool (`innodb_buffer_pool_size=12G` in a mounted
//! `my.cnf`), a JVM heap (`-Xmx6g` in its options), Redis's `maxmemory` or
//! PostgreSQL's `shared_buffers`, above `resources.limits.memory`. The
//! process starts, reserves what it was told and is killed or gives up
//! (percona/percona-xtradb-cluster-operator#1929: a joiner that crashes
//! with a 12G buffer pool under a 4G limit). The setting and the limit sit
//! in the input; which one is wrong is the operator's choice.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::resources::{container_limit, format_amount};
use day2_model::{Loop, ObjRef};

/// A size as these programs write it: a number with an optional binary
/// suffix (`12G`, `512M`, `8GB`, `1g`, `2048kB`), in bytes.
fn size(text: &str) -> Option<i64> {
    let t = text.trim().trim_matches(|c| c == '"' || c == '\'');
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: i64 = t[..digits].parse().ok()?;
    let unit = t[digits..].trim().to_ascii_lowercase();
    let mult: i64 = match unit.trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// The memory settings a text holds: (setting, its size in bytes).
fn settings(text: &str) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        for key in ["innodb_buffer_pool_size", "shared_buffers", "maxmemory"] {
            if let Some(rest) = l.strip_prefix(key) {
                let value = rest.trim_start().trim_start_matches(['=', ':']).trim();
                let value = value.split_whitespace().next().unwrap_or("");
                if let Some(b) = size(value) {
                    out.push((format!("{key} = {value}"), b));
                }
            }
        }
        for word in l.split_whitespace() {
            if let Some(v) = word.strip_prefix("-Xmx")
                && let Some(b) = size(v)
            {
                out.push((word.to_owned(), b));
            }
        }
    }
    out
}

pub fn over_limit<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    let Some(limit) = container_limit(c, "memory") else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    // Where each setting comes from: the container's environment and
    // command line, then the ConfigMaps it mounts.
    let mut found: Vec<(String, i64, Option<ObjRef>)> = Vec::new();
    for text in c
        .env
        .iter()
        .flatten()
        .filter_map(|e| e.value.as_deref())
        .chain(model::command_line(c).map(String::as_str))
    {
        found.extend(settings(text).into_iter().map(|(s, b)| (s, b, None)));
    }
    let mounted: Vec<&str> = c
        .volume_mounts
        .iter()
        .flatten()
        .filter_map(|m| {
            spec.volumes
                .iter()
                .flatten()
                .find(|v| v.name == m.name)?
                .config_map
                .as_ref()
                .map(|cm| cm.name.as_str())
        })
        .collect();
    for cm in a
        .cluster
        .config_maps
        .iter()
        .filter(|cm| cm.ns_or_default() == ns && mounted.contains(&cm.name()))
    {
        for text in cm.data.iter().flatten().map(|(_, v)| v) {
            found.extend(
                settings(text)
                    .into_iter()
                    .map(|(s, b)| (s, b, Some(cm.objref()))),
            );
        }
    }
    let Some((setting, bytes, from)) = found.into_iter().find(|(_, b, _)| *b > limit) else {
        return vec![];
    };
    let workload = model::workload_ref(a.cluster, pod);
    let root = from.clone().unwrap_or_else(|| workload.clone());
    let place = from
        .as_ref()
        .map(|cm| format!("ConfigMap {ns}/{} (mounted into it)", cm.name))
        .unwrap_or_else(|| format!("the pod template of {workload}"));
    vec![
        Hypothesis::new(
            70,
            Loop::Compute,
            root.clone(),
            format!(
                "container {container} of {workload} is configured to take {} of memory (`{setting}` in {place}), more than its memory limit of {}: the process cannot hold what it was told to reserve",
                format_amount("memory", bytes),
                format_amount("memory", limit)
            ),
        )
        .fix(format!(
            "Make the setting fit the limit: lower `{setting}` in {place} to well under {} (a buffer pool or heap of about 60–75% of the limit leaves room for the rest of the process), or raise container {container}'s `resources.limits.memory` above it (in the operator's custom resource when one renders the pod); then restart the pod.",
            format_amount("memory", limit)
        ))
        .link(Link::new(
            Loop::Compute,
            None,
            root,
            format!("`{setting}` above the {} limit", format_amount("memory", limit)),
        )),
    ]
}

/// ingress-nginx OOMKilled on a node with many CPUs: nginx starts one worker
/// process per CPU of the node (`worker-processes` is `auto` unless the
/// controller's ConfigMap sets it) where it does not read the container's
/// CPU quota (older releases; cgroup v2 setups it does not understand), and
/// each worker holds its own memory (kubernetes/ingress-nginx#2980: 64
/// workers on 64-vCPU nodes under a 1.5Gi limit). The sentence for the fix.
pub fn nginx_workers(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    container: &str,
) -> Option<String> {
    let c = model::spec_container(pod, container)?;
    let nginx = c.image.as_deref().is_some_and(|i| {
        i.contains("ingress-nginx/controller") || i.contains("nginx-ingress-controller")
    });
    if !nginx {
        return None;
    }
    let node = a.cluster.node(model::node_name(pod)?)?;
    let cpus = node
        .status
        .as_ref()?
        .capacity
        .as_ref()?
        .get("cpu")?
        .0
        .parse::<u32>()
        .ok()?;
    if cpus < 8 {
        return None;
    }
    let value = model::flag_values(c, "configmap")
        .first()
        .map(|v| v.to_string());
    let (cm_ns, cm_name) = match value.as_deref().and_then(|v| v.split_once('/')) {
        Some((n, m)) => (n.to_owned(), m.to_owned()),
        None => (
            pod.ns_or_default().to_owned(),
            "ingress-nginx-controller".to_owned(),
        ),
    };
    let set = a
        .cluster
        .config_maps
        .iter()
        .find(|m| m.ns_or_default() == cm_ns && m.name() == cm_name)
        .and_then(|m| m.data.as_ref()?.get("worker-processes").cloned());
    if set.as_deref().is_some_and(|v| v != "auto") {
        return None;
    }
    Some(format!(
        "nginx's `worker-processes: auto` starts a worker process per CPU it sees, the node's when it does not read the container's CPU quota, and node {} has {cpus} CPUs, so up to {cpus} workers share the container's memory limit: set `worker-processes` in ConfigMap {cm_ns}/{cm_name} to the CPUs the container may use (e.g. \"2\"). Else: ",
        node.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_settings_in_their_programs_words() {
        assert_eq!(
            settings("[mysqld]\ninnodb_buffer_pool_size=12G\nmax_connections=1000\n"),
            vec![("innodb_buffer_pool_size = 12G".to_owned(), 12 << 30)]
        );
        assert_eq!(
            settings("-Xms128m -Xmx1g -XX:MaxDirectMemorySize=512m"),
            vec![("-Xmx1g".to_owned(), 1 << 30)]
        );
        assert_eq!(
            settings("shared_buffers = 8GB  # min 128kB"),
            vec![("shared_buffers = 8GB".to_owned(), 8 << 30)]
        );
        assert_eq!(
            settings("maxmemory 2gb"),
            vec![("maxmemory = 2gb".to_owned(), 2 << 30)]
        );
        // Commented out, or a size that is not one.
        assert!(settings("# innodb_buffer_pool_size=12G\nmaxmemory-policy allkeys-lru").is_empty());
    }
}
