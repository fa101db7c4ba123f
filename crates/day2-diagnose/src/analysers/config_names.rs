//! A crash-looping pod whose mounted configuration file names, under a key
//! that holds a peer's address (`server_address = "spire-server-svc"`,
//! `host: db-primary`), a Service that does not exist in its namespace
//! while one of a near name does: the app dials a name nothing answers,
//! whatever its log says (SPIRE's agent logs only `context canceled`,
//! spiffe/spire#1341). The file's ConfigMap is the object to change.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, ObjRef};

/// Whether a configuration key holds a peer's address.
fn address_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["address", "host", "server", "endpoint", "url", "addr"]
        .iter()
        .any(|w| k.ends_with(w) || k.ends_with(&format!("{w}s")))
}

/// The host a value names: without quotes, scheme, credentials, port and
/// path; `None` for an IP address, a wildcard or a name outside the cluster.
fn host_of(value: &str) -> Option<&str> {
    let v = value
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | ',' | ';'));
    let v = v.split_once("://").map_or(v, |(_, r)| r);
    let v = v.rsplit_once('@').map_or(v, |(_, r)| r);
    let host = v.split(['/', ':', ' ']).next()?;
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    let first = host.split('.').next()?;
    (valid
        && first.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && first != "localhost"
        && host.parse::<std::net::IpAddr>().is_err())
    .then_some(host)
}

/// `key = value`, `key: value` or `key=value` on one line of a file.
fn setting(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    let at = line.find([':', '='])?;
    let (key, value) = (line[..at].trim(), line[at + 1..].trim());
    let key = key.trim_matches('"');
    (!key.is_empty() && !key.contains(' ') && !value.is_empty()).then_some((key, value))
}

pub fn dangling<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Pod(pod) = d.subject else {
        return vec![];
    };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let mounted = spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref().map(|c| c.name.as_str()));
    for cm_name in mounted {
        let Some(cm) = a
            .cluster
            .config_maps
            .iter()
            .find(|c| c.ns_or_default() == ns && c.name() == cm_name)
        else {
            continue;
        };
        for (file, text) in cm.data.iter().flatten() {
            for (key, value) in text.lines().filter_map(setting) {
                if !address_key(key) {
                    continue;
                }
                let Some(host) = host_of(value) else { continue };
                // `name`, `name.ns`, `name.ns.svc[.cluster.local]`.
                let mut parts = host.split('.');
                let name = parts.next().unwrap_or(host);
                let sns = match (parts.next(), parts.next()) {
                    (None, _) => ns,
                    (Some(n), None | Some("svc")) => n,
                    _ => continue,
                };
                let exists = |n: &str| {
                    a.cluster
                        .services
                        .iter()
                        .any(|s| s.ns_or_default() == sns && s.name() == n)
                };
                if exists(name) {
                    continue;
                }
                let Some(near) = day2_model::text::near_name(
                    name,
                    a.cluster
                        .services
                        .iter()
                        .filter(|s| s.ns_or_default() == sns)
                        .map(|s| s.name()),
                ) else {
                    continue;
                };
                let root = ObjRef::new("ConfigMap", Some(ns), cm_name);
                let workload = model::workload_ref(a.cluster, pod);
                return vec![
                    Hypothesis::new(
                        68,
                        Loop::Network,
                        root.clone(),
                        format!(
                            "{workload} reads its peer's address from {file} of ConfigMap {ns}/{cm_name}: `{key}` names {host}, and no Service {sns}/{name} exists (Service {sns}/{near} does), so the app dials a name nothing answers"
                        ),
                    )
                    .fix(format!(
                        "Set `{key}` in {file} of ConfigMap {ns}/{cm_name} to the Service that exists (`{near}`, or `{near}.{sns}.svc.cluster.local`), or create Service {sns}/{name}; then restart {workload} so it reads the file again."
                    ))
                    .link(Link::new(
                        Loop::Network,
                        None,
                        ObjRef::new("Service", Some(sns), name),
                        format!("named by `{key}` in {file}; no such Service in {sns}"),
                    )),
                ];
            }
        }
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_files() {
        assert_eq!(
            setting("  server_address = \"spire-server-svc\""),
            Some(("server_address", "\"spire-server-svc\""))
        );
        assert!(
            address_key("server_address") && address_key("DB_HOST") && address_key("endpoints")
        );
        assert!(!address_key("trust_domain"));
        assert_eq!(host_of("\"spire-server-svc\""), Some("spire-server-svc"));
        assert_eq!(
            host_of("postgres://u:p@db-primary.data:5432/app"),
            Some("db-primary.data")
        );
        assert_eq!(host_of("0.0.0.0"), None);
        assert_eq!(host_of("\"localhost\""), None);
        assert_eq!(host_of("\"/run/spire/sockets\""), None);
    }
}
