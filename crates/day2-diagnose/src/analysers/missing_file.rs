//! A file the program needs at start-up is not there
//! ([`crate::messages::errors::ErrorClass::MissingFile`]), followed to the
//! volume mounted where it should be: an `emptyDir` that no init container
//! (and no other container) of the pod writes starts empty, so the file can
//! never be there (bitnami/charts#24026: Contour's Envoy without the
//! bootstrap init container that writes `/config/envoy.json`); a ConfigMap
//! or Secret that has no key for it leaves it out of the volume.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::{Loop, ObjRef, Pod, Res};

pub(crate) fn unwritten(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    path: &str,
) -> Option<Hypothesis> {
    let spec = pod.spec.as_ref()?;
    let c = model::spec_container(pod, container)?;
    // A relative path is the working directory's (`/` unless the pod says).
    let resolved;
    let path = match path.strip_prefix("./") {
        Some(rel) => {
            let dir = c
                .working_dir
                .as_deref()
                .unwrap_or("/")
                .trim_end_matches('/');
            resolved = format!("{dir}/{rel}");
            resolved.as_str()
        }
        None => path,
    };
    // The deepest mount that holds the path, and the path inside it (a
    // mount of the file itself, a subPath, holds nothing to look for).
    let mount = model::mount_holding(c, path)?;
    let inside = path
        .get(mount.mount_path.trim_end_matches('/').len() + 1..)
        .filter(|r| !r.is_empty())?
        .to_owned();
    let vol = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == mount.name)?;
    let workload = model::workload_ref(a.cluster, pod);
    let ns = pod.ns_or_default();
    if vol.empty_dir.is_some() {
        let writers: Vec<&str> = spec
            .init_containers
            .iter()
            .flatten()
            .chain(spec.containers.iter())
            .filter(|o| o.name != container)
            .filter(|o| o.volume_mounts.iter().flatten().any(|m| m.name == vol.name))
            .map(|o| o.name.as_str())
            .collect();
        if !writers.is_empty() {
            return None;
        }
        let summary = format!(
            "container {container} of {} needs {path}, which lies in emptyDir volume {} (mounted at {}), and no init container or other container of the pod mounts that volume: it starts empty and nothing writes the file",
            pod.name(),
            vol.name,
            mount.mount_path
        );
        if super::key_material::key_file(&inside) {
            // A certificate or key nothing delivers: the pod's identity,
            // whose Secret is usually there, unmounted.
            let secrets: Vec<String> = a
                .cluster
                .secrets
                .iter()
                .filter(|s| s.ns_or_default() == ns && super::key_material::holds_keys(s))
                .map(|s| s.name().to_owned())
                .collect();
            let candidates = if secrets.is_empty() {
                "the Secret its Certificate or its chart creates".to_owned()
            } else {
                format!("Secret {}", day2_model::text::short_list(&secrets, 3))
            };
            return Some(
                Hypothesis::new(82, Loop::Identity, workload.clone(), summary).fix(format!("Mount the certificate into {workload}: replace emptyDir volume {} with a secret volume of {candidates} (the keys {inside} names), or enable what writes it there (the operator's own certificate generation, cert-manager's Certificate); then restart the pods.", vol.name)),
            );
        }
        return Some(
            Hypothesis::new(82, Loop::Compute, workload.clone(), summary)
            .fix(format!("Give {workload} what writes {inside} into volume {} before {container} starts: the init container that renders it (a chart's bootstrap or config init container, often left out by a value such as a different kind of workload), or mount the file from a ConfigMap instead of the emptyDir.", vol.name)),
        );
    }
    // A ConfigMap or Secret volume without the key (or item) for the file.
    let (kind, name, items) = match (&vol.config_map, &vol.secret) {
        (Some(cm), _) => ("ConfigMap", cm.name.clone(), cm.items.as_ref()),
        (None, Some(s)) => ("Secret", s.secret_name.clone()?, s.items.as_ref()),
        _ => return None,
    };
    let keys: Vec<String> = match kind {
        "ConfigMap" => {
            let cm = a
                .cluster
                .config_maps
                .iter()
                .find(|m| m.ns_or_default() == ns && m.name() == name)?;
            cm.data
                .iter()
                .flat_map(|d| d.keys())
                .chain(cm.binary_data.iter().flat_map(|d| d.keys()))
                .cloned()
                .collect()
        }
        _ => a
            .cluster
            .secrets
            .iter()
            .find(|s| s.ns_or_default() == ns && s.name() == name)?
            .keys
            .iter()
            .map(|k| k.name.clone())
            .collect(),
    };
    let present = match items {
        Some(items) => items.iter().any(|i| i.path == inside),
        None => keys.contains(&inside),
    };
    if present || mount.sub_path.is_some() {
        return None;
    }
    // A file in a directory under the mount: a ConfigMap or Secret volume
    // holds no directories (its keys cannot contain `/`), so the mount hid
    // what the image had there.
    if let Some((dir, _)) = inside.split_once('/') {
        return Some(
            Hypothesis::new(
                80,
                Loop::Compute,
                ObjRef::new(kind, Some(ns), name.clone()),
                format!("container {container} of {} needs {path}, and {kind} {ns}/{name} mounted over {} replaces that whole directory: what the image has under it ({dir}/, {inside} among it) is hidden, and a {kind} can hold no directory", pod.name(), mount.mount_path),
            )
            .fix(format!("Mount the keys of {kind} {name} one by one (`subPath: <key>` at `{}/<key>`) so the image's {dir}/ stays visible (it holds {inside}), or mount it at another directory and point the program's flags there; then restart the pods of {workload}.", mount.mount_path.trim_end_matches('/'))),
        );
    }
    Some(
        Hypothesis::new(
            80,
            Loop::Compute,
            ObjRef::new(kind, Some(ns), name.clone()),
            format!("container {container} of {} needs {path}, and {kind} {ns}/{name} mounted at {} gives no file {inside} (it holds: {})", pod.name(), mount.mount_path, if keys.is_empty() { "nothing".to_owned() } else { keys.join(", ") }),
        )
        .fix(format!("Add key {inside} to {kind} {ns}/{name} (or an `items` entry with `path: {inside}` for the key that holds it), or point {container} at a file the volume has; then restart the pods of {workload}.")),
    )
}
