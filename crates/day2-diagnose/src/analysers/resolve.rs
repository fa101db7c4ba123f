//! Choosing the diagnosis: every analyser that applies runs, the best
//! hypothesis wins, and the symptom's links join the cause's.

use super::*;

/// Run every analyser that applies, keep the best hypothesis, and assemble
/// the symptom's links with the cause's.
pub fn resolve<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Resolved {
    let mut best: Option<Hypothesis> = None;
    for an in ANALYSERS.iter().filter(|an| an.kinds.contains(&d.kind)) {
        for h in (an.run)(a, d) {
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
        }
    }
    let mut best = best.unwrap_or_else(|| fallback(d));
    // Nothing explains it: the references the input could not check, each
    // with the command that fetches it.
    if best.unexplained {
        for m in walk::graph::unchecked(a, d) {
            if !best.missing.contains(&m) {
                best.missing.push(m);
            }
        }
    }
    if best.fix.is_empty() {
        best.fix = format!(
            "Inspect {} with `kubectl describe` and capture the evidence listed as missing.",
            d.object
        );
    }
    // A failing StatefulSet pod left on an older revision is not replaced by
    // a fixed template: say how to get it replaced.
    if let Some(pod) = d.pod()
        && let Some(note) = stale_statefulset_pod(a, pod)
    {
        best.fix.push(' ');
        best.fix.push_str(&note);
    }
    // The symptom's own link, unless the cause already tells about that object.
    let mut links = Vec::new();
    if !best.links.iter().any(|l| l.object == d.object) {
        links.push(Arc::new(symptom_link(d)));
    }
    links.extend(best.links.into_iter().map(Arc::new));
    let mut missing = d.missing.clone();
    for m in best.missing {
        if !missing.contains(&m) {
            missing.push(m);
        }
    }
    Resolved {
        kind: d.kind,
        object: d.object.clone(),
        workload: d
            .pod()
            .map(|p| crate::model::workload_ref(a.cluster, p))
            .filter(|w| *w != d.object),
        since: d.since,
        evidence: d.evidence.clone(),
        score: best.score,
        root: best.root,
        fix: best.fix,
        links,
        missing,
        unexplained: best.unexplained,
    }
}

/// A StatefulSet pod that is not Ready and runs an older revision than the
/// StatefulSet's update revision, under `OrderedReady` rolling updates: the
/// controller waits for it to be Running and Ready before replacing it, so
/// a fixed template never reaches it ("Forced rollback" in the StatefulSet
/// documentation; kubernetes/kubernetes#67250).
fn stale_statefulset_pod(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::Pod>,
) -> Option<String> {
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.kind == "StatefulSet" && o.controller == Some(true))?;
    let ns = pod.ns_or_default();
    let sts = a
        .cluster
        .stateful_sets
        .iter()
        .find(|s| s.ns_or_default() == ns && s.name() == owner.name)?;
    let update = sts.status.as_ref()?.update_revision.as_deref()?;
    let ours = pod.labels().get("controller-revision-hash")?;
    let ordered = crate::model::ordered_ready(sts);
    let rolling = sts
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.type_.as_deref())
        .unwrap_or("RollingUpdate")
        == "RollingUpdate";
    (ours != update && ordered && rolling && !crate::model::is_ready(pod)).then(|| {
        format!(
            "Pod {ns}/{} runs revision {ours}, not the StatefulSet's update revision {update}, and with OrderedReady rolling updates the controller waits for it to become Ready before replacing it: once the template is right, delete it (`kubectl delete pod -n {ns} {}`) so it is recreated at {update} (the documented forced rollback).",
            pod.name(),
            pod.name()
        )
    })
}
