//! Where a pod's configuration names a Service that does not exist: an
//! environment value (from the template or a ConfigMap) or a flag of its
//! command line, and the Service it most likely meant.

use crate::analysis::Analysis;
use day2_model::Res;
use day2_model::pod::Pod;

/// The fix for a name that resolves to no Service: the setting that holds
/// the name when the pod's environment does (a literal `env` value, a
/// `configMapKeyRef`, a ConfigMap under `envFrom`), and a Service of the
/// same name in another namespace, the one the name most likely meant.
pub(super) fn missing_service_fix(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    host: &str,
    sns: &str,
    sname: &str,
) -> String {
    let mut others: Vec<&str> = a
        .cluster
        .services
        .iter()
        .filter(|s| s.name() == sname && s.ns_or_default() != sns)
        .map(|s| s.ns_or_default())
        .collect();
    // The pod's own namespace first: an app usually talks to its neighbours.
    others.sort_by_key(|n| *n != pod.ns_or_default());
    let meant = others.first().map(|n| format!("{sname}.{n}"));
    let Some((var, value, from)) = env_holding(a, pod, host) else {
        // A flag of the command line that names it (`--cluster.join-addresses=…`).
        if let Some(flag) = arg_holding(pod, host) {
            let near = day2_model::text::near_name(
                sname,
                a.cluster
                    .services
                    .iter()
                    .filter(|s| s.ns_or_default() == sns)
                    .map(|s| s.name()),
            );
            return match meant.or(near.map(|n| format!("{n}.{sns}"))) {
                Some(m) => format!(
                    "The pod template's `{flag}` names {sname}, which no Service in {sns} is: set it to the existing Service `{m}` (a headless one when the app finds its peers through it), or create Service {sns}/{sname}."
                ),
                None => format!(
                    "The pod template's `{flag}` names {sname}, which no Service in {sns} is: set it to the Service's real name (`kubectl get svc -n {sns}`), or create Service {sns}/{sname} (headless when the app finds its peers through it)."
                ),
            };
        }
        return match meant {
            Some(m) => format!(
                "No Service {sns}/{sname} exists but Service {m} does: point the app at `{m}` (or create Service {sns}/{sname})."
            ),
            None => format!(
                "Create Service {sns}/{sname} or point the app at the Service's real name (`kubectl get svc -n {sns}`)."
            ),
        };
    };
    let place = from
        .map(|cm| format!(" (from ConfigMap {}/{cm})", pod.ns_or_default()))
        .unwrap_or_else(|| " in the pod template".to_owned());
    match meant {
        Some(m) => format!(
            "Set {var}{place} from `{value}` to the existing Service `{m}` (e.g. `{}`), or create Service {sns}/{sname}.",
            value.replace(host, &format!("{m}.svc.cluster.local"))
        ),
        None => format!(
            "Set {var}{place} (now `{value}`) to the Service's real name (`kubectl get svc -A`), or create Service {sns}/{sname}."
        ),
    }
}

/// The environment variable of the pod whose value holds `host`: its name,
/// value and the ConfigMap it comes from, if any.
/// The command-line argument of the pod's containers that holds `host`.
fn arg_holding(pod: &Res<Pod>, host: &str) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| c.args.iter().flatten().chain(c.command.iter().flatten()))
        .find(|x| x.starts_with('-') && x.contains(host))
        .cloned()
}

fn env_holding(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    host: &str,
) -> Option<(String, String, Option<String>)> {
    let ns = pod.ns_or_default();
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| a.references().env(ns, c))
        .find(|e| e.value.contains(host))
        .map(|e| (e.name, e.value, e.config_map))
}
