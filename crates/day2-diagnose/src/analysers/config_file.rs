//! A program that refuses its configuration file at start-up (`msg="validating
//! config" err="… CONFIG ERROR: …"`, `error parsing config`, `invalid
//! configuration`), where that file comes from a ConfigMap or Secret the
//! pod mounts: the file's source is what to change, not the workload
//! (grafana/helm-charts#3856: Loki 3's structured metadata on a v12 schema).
//! The file is the one an argument names (`-config.file=/etc/loki/config/config.yaml`),
//! else the only mounted ConfigMap.

use super::follow::crash_texts;
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

/// How programs say their configuration is refused.
const REFUSED: [&str; 12] = [
    "validating config",
    "invalid config",
    "CONFIG ERROR",
    "error parsing config",
    "failed to parse config",
    "error loading config",
    "failed to load config",
    "could not parse config",
    "invalid configuration",
    "configuration error",
    "config validation",
    "error reading config",
];

pub fn refused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, c)) = d.crashed() else {
        return vec![];
    };
    let container = c.name.as_str();
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let texts = crash_texts(a, d, pod, container);
    let Some((text, at)) = texts.iter().find_map(|t| {
        let lower = t.to_ascii_lowercase();
        REFUSED
            .iter()
            .find_map(|w| lower.find(&w.to_ascii_lowercase()))
            .map(|at| (t, at))
    }) else {
        return vec![];
    };
    // The files its arguments name, absolute paths after `=` or alone.
    let paths: Vec<&str> = c
        .args
        .iter()
        .flatten()
        .chain(c.command.iter().flatten())
        .map(|x| x.split_once('=').map_or(x.as_str(), |(_, v)| v))
        .filter(|x| x.starts_with('/') && x.rsplit('/').next().is_some_and(|f| f.contains('.')))
        .collect();
    // (volume's source kind, name, the file's key or path)
    let source = |mount: &k8s_openapi::api::core::v1::VolumeMount| {
        let v = spec
            .volumes
            .iter()
            .flatten()
            .find(|v| v.name == mount.name)?;
        v.config_map
            .as_ref()
            .map(|m| ("ConfigMap", m.name.as_str()))
            .or_else(|| {
                v.secret
                    .as_ref()
                    .and_then(|s| Some(("Secret", s.secret_name.as_deref()?)))
            })
    };
    let mounts = c.volume_mounts.iter().flatten();
    let found = paths
        .iter()
        .find_map(|p| {
            let m = model::mount_holding(c, p)?;
            let (kind, name) = source(m)?;
            Some((
                kind,
                name,
                p.rsplit('/').next().unwrap_or(p).to_owned(),
                (*p).to_owned(),
            ))
        })
        .or_else(|| {
            let mut maps = mounts
                .clone()
                .filter_map(|m| source(m).filter(|(k, _)| *k == "ConfigMap").map(|s| (s, m)));
            let ((kind, name), m) = maps.next()?;
            if maps.next().is_some() {
                return None;
            }
            Some((kind, name, String::new(), m.mount_path.clone()))
        });
    let Some((kind, name, key, path)) = found else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    let said =
        day2_model::redact::excerpt(&text[text[..at].rfind('\n').map_or(0, |i| i + 1)..], 600);
    let key_said = if key.is_empty() {
        String::new()
    } else {
        format!(" (key {key})")
    };
    vec![
        Hypothesis::new(
            70,
            Loop::Compute,
            ObjRef::new(kind, Some(ns), name),
            format!("container {container} of {workload} refuses its configuration, which it reads from {kind} {ns}/{name}{key_said} at {path}: {said}"),
        )
        .fix(format!(
            "Change what the error names in {kind} {ns}/{name}{key_said} (or the chart values that render it) and restart {workload}: {said}"
        ))
        .link(Link::new(
            Loop::Compute,
            d.since,
            ObjRef::new(kind, Some(ns), name),
            format!("{kind} {ns}/{name} is the configuration container {container} refuses"),
        )),
    ]
}
