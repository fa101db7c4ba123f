//! A `subPath` mount of a ConfigMap or Secret key the object does not have.
//! The kubelet bind-mounts `<volume>/<subPath>`, and when that path does not
//! exist it creates it, as an empty directory, so the program finds a
//! directory where it reads a file (`read …/datasources.yaml: is a
//! directory`: helm/charts#22596, a chart's value given as a list renders
//! the key as `0`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, ObjRef};

pub fn missing_key<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let volumes = pod.spec.as_ref().and_then(|s| s.volumes.as_ref());
    let texts = super::follow::crash_texts(a, d, pod, container);
    let said_directory = texts.iter().any(|t| t.contains("is a directory"));
    for m in c.volume_mounts.iter().flatten() {
        let Some(key) = m
            .sub_path
            .as_deref()
            .filter(|k| !k.is_empty() && !k.contains('/'))
        else {
            continue;
        };
        let Some(v) = volumes.into_iter().flatten().find(|v| v.name == m.name) else {
            continue;
        };
        // Keys listed under `items` are renamed paths; only whole objects here.
        let (kind, name, keys): (&str, &str, Vec<&str>) =
            if let Some(cm) = v.config_map.as_ref().filter(|cm| cm.items.is_none()) {
                let Some(obj) = a.references().config_maps.get(&(ns, cm.name.as_str())) else {
                    continue;
                };
                let keys = obj
                    .data
                    .iter()
                    .flatten()
                    .map(|(k, _)| k.as_str())
                    .chain(obj.binary_data.iter().flatten().map(|(k, _)| k.as_str()))
                    .collect();
                ("ConfigMap", cm.name.as_str(), keys)
            } else if let Some(sec) = v.secret.as_ref().filter(|s| s.items.is_none()) {
                let Some(name) = sec.secret_name.as_deref() else {
                    continue;
                };
                let Some(obj) = a.references().secrets.get(&(ns, name)) else {
                    continue;
                };
                (
                    "Secret",
                    name,
                    obj.keys.iter().map(|k| k.name.as_str()).collect(),
                )
            } else {
                continue;
            };
        if keys.contains(&key) {
            continue;
        }
        let workload = model::workload_ref(a.cluster, pod);
        let held = day2_model::text::short_list(&keys, 5);
        return vec![
            Hypothesis::new(
                if said_directory { 88 } else { 66 },
                Loop::Compute,
                ObjRef::new(kind, Some(ns), name),
                format!("container {container} of {workload} mounts key {key} of {kind} {ns}/{name} at {} (`subPath: {key}`), and the {kind} has no such key (it holds: {held}): the kubelet puts an empty directory there, so the program finds a directory where it reads a file", m.mount_path),
            )
            .fix(format!("Give {kind} {ns}/{name} the key {key} (a chart value rendered under another key, such as a list where a map was meant, names it otherwise), or point the `subPath` of the mount at {} of {workload} at a key it has; then let the pods restart.", m.mount_path)),
        ];
    }
    vec![]
}
