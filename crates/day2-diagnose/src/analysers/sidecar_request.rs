//! An HPA whose utilisation is missing a request on a container the
//! workload's template does not have: a mutating admission webhook injected
//! it (a service mesh's proxy, an agent) without a request, so every pod
//! fails the HPA's `missing request for cpu on container envoy`
//! (amazon-archives/aws-app-mesh-inject#12). The injector's settings are
//! where the request belongs.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::{Loop, ObjRef};

/// `what` is the HPA's text after `missing request for `: `cpu on container
/// envoy in pod test/frontend-primary-7c45b75c87-t58bg` (autoscaling/v2) or
/// `cpu` (older releases, no container named).
pub fn injected(
    a: &Analysis<'_>,
    ns: &str,
    kind: &str,
    name: &str,
    what: &str,
) -> Option<Hypothesis> {
    let container = what
        .split_once(" on container ")?
        .1
        .split_whitespace()
        .next()?
        .trim_matches(['"', '\'', '.']);
    let resource = what.split_whitespace().next().unwrap_or("cpu");
    let w = a
        .workloads_in(ns)
        .iter()
        .find(|w| w.kind == kind && w.name == name)?;
    if w.spec.containers.iter().any(|c| c.name == container) {
        return None;
    }
    let carried = a.cluster.pods_of(kind, ns, name).iter().any(|p| {
        p.spec
            .as_ref()
            .is_some_and(|s| s.containers.iter().any(|c| c.name == container))
    });
    if !carried {
        return None;
    }
    // The mutating webhooks, with the workload serving each.
    let injectors: Vec<(ObjRef, Option<ObjRef>)> = super::admission::webhooks(a)
        .filter(|(o, _)| o.obj.kind == "MutatingWebhookConfiguration")
        .map(|(o, h)| {
            let svc = h.get("clientConfig").and_then(|c| c.get("service"));
            let server = svc.and_then(|s| {
                let sns = s.get("namespace")?.as_str()?;
                let sname = s.get("name")?.as_str()?;
                let svc = a.service(sns, sname)?;
                let pod = *crate::symptoms::service::selected_pods(a, svc).first()?;
                Some(model::workload_ref(a.cluster, pod))
            });
            (o.objref(), server)
        })
        .collect();
    let target = ObjRef::new(kind, Some(ns), name);
    let (root, by) = match injectors.as_slice() {
        [(config, server)] => {
            let root = server.clone().unwrap_or_else(|| config.clone());
            let by = format!(
                "MutatingWebhookConfiguration {}{}",
                config.name,
                server
                    .as_ref()
                    .map(|s| format!(", served by {s}"))
                    .unwrap_or_default()
            );
            (root, by)
        }
        _ => (target.clone(), "a mutating admission webhook".to_owned()),
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Compute,
            root,
            format!("the HPA of {target} scales on utilisation, and container {container} of its pods declares no {resource} request: {target}'s template has no such container, so {by} injects it without one"),
        )
        .fix(format!("Give the injected container {container} a {resource} request in the injector's configuration (its sidecar or proxy resource settings, often a flag, a ConfigMap or a pod annotation it reads), then roll {target} so its pods are injected again; utilisation is usage divided by the requests of every container, the injected ones included.")),
    )
}
