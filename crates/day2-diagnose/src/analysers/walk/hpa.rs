//! HorizontalPodAutoscaler → its scale target: the kind and API group it
//! names must resolve to an object of that name (`FailedGetScale`: `no
//! matches for kind "Deployment" in group "extensions"`,
//! `deployments/scale.apps "x" not found`), and a target scaled to zero
//! disables the autoscaler (`ScalingDisabled`). Which group serves a kind is
//! the model's ([`day2_model::object::served_group`]); whether the target is
//! missing is rule CP015's word when it ran, else the namespace's workloads.

use super::{Anomaly, Walked};
use crate::analysis::Analysis;
use crate::kubectl::shell_word;
use day2_model::object::{group_of, served_group};
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

/// A scale target found in the input: its API group and `spec.replicas`.
struct Target {
    group: String,
    replicas: Option<i32>,
}

/// The object of `kind` named `name` in `ns`: a workload of the input's
/// workload list, or an object of a kind without a model (a custom resource
/// with a scale subresource).
fn find(a: &Analysis<'_>, kind: &str, ns: &str, name: &str) -> Option<Target> {
    if let Some(group) = served_group(kind) {
        return a
            .workloads_in(ns)
            .iter()
            .find(|w| w.kind == kind && w.name == name)
            .map(|w| Target {
                group: group.to_owned(),
                replicas: w.replicas,
            });
    }
    a.cluster
        .other
        .iter()
        .find(|o| o.obj.kind == kind && o.ns_or_default() == ns && o.name() == name)
        .map(|o| Target {
            group: group_of(&o.obj.api_version).to_owned(),
            replicas: o
                .obj
                .data
                .get("spec")
                .and_then(|s| s.get("replicas"))
                .and_then(serde_json::Value::as_i64)
                .and_then(|n| i32::try_from(n).ok()),
        })
}

pub(super) fn walk(a: &Analysis<'_>, hpa: &Res<HorizontalPodAutoscaler>, w: &mut Walked) {
    let ns = hpa.ns_or_default();
    let t = &hpa.spec.scale_target_ref;
    let asked = t.api_version.as_deref().unwrap_or("");
    let found = find(a, &t.kind, ns, &t.name);
    let served = served_group(&t.kind).or_else(|| found.as_ref().map(|f| f.group.as_str()));
    let hpa_ref = hpa.objref();
    let name = hpa.name();
    // The group the reference names must serve the kind.
    if let Some(g) = served
        && group_of(asked) != g
    {
        let want = if g.is_empty() {
            "v1".to_owned()
        } else {
            format!("{g}/v1")
        };
        let asked_text = if asked.is_empty() {
            "no apiVersion".to_owned()
        } else {
            format!("apiVersion {asked}")
        };
        w.push(Anomaly {
            score: 50,
            loop_: Loop::Compute,
            object: hpa_ref.clone(),
            what: format!(
                "HPA {ns}/{name} targets {} {} with {asked_text}, but API group \"{}\" does not serve {}: the HPA controller cannot get the target's scale",
                t.kind, t.name, group_of(asked), t.kind
            ),
            fix: format!(
                "Set `spec.scaleTargetRef.apiVersion: {want}` in HPA {ns}/{name} (the group that serves {}).",
                t.kind
            ),
        });
        return;
    }
    let Some(target) = found else {
        // Missing where rule CP015 says so, or where the input holds the
        // namespace's workloads (`kubectl get all` lists every kind at once).
        // A kind without a model (a custom resource) only where the input
        // holds objects of that kind.
        let rule = a.findings.rule_on("CP015", &hpa_ref).map(|_| "CP015");
        let held = if served_group(&t.kind).is_some() {
            !a.workloads_in(ns).is_empty()
        } else {
            a.cluster
                .other
                .iter()
                .any(|o| o.obj.kind == t.kind && o.ns_or_default() == ns)
        };
        if rule.is_none() && !held {
            w.unchecked(&t.kind, Some(ns), &t.name, &format!("HPA {name} scales"));
            return;
        }
        let namesake = a
            .workloads_in(ns)
            .iter()
            .find(|x| x.name == t.name && x.kind != t.kind && x.replicas.is_some());
        let (also, fix) = match namesake {
            Some(x) => (
                format!("; {} {ns}/{} does", x.kind, t.name),
                format!(
                    "Set `spec.scaleTargetRef.kind: {}` (apiVersion {}) in HPA {ns}/{name}: the workload is a {}, not a {}.",
                    x.kind, x.api_version, x.kind, t.kind
                ),
            ),
            None => (
                String::new(),
                format!(
                    "Point `spec.scaleTargetRef` of HPA {ns}/{name} at the workload it should scale, or delete the HPA with the workload it belonged to."
                ),
            ),
        };
        w.push_rule(
            Anomaly {
                score: 50,
                loop_: Loop::Compute,
                object: hpa_ref,
                what: format!(
                    "HPA {ns}/{name} scales {} {ns}/{}, which does not exist{also}",
                    t.kind, t.name
                ),
                fix,
            },
            rule,
        );
        return;
    };
    // KEDA scales its HPA's target from zero itself.
    let keda = crate::symptoms::autoscaling::keda_managed(hpa);
    if target.replicas == Some(0) && !keda {
        w.push(Anomaly {
            score: 45,
            loop_: Loop::Compute,
            object: ObjRef::new(t.kind.clone(), Some(ns), t.name.clone()),
            what: format!(
                "{} {ns}/{} has spec.replicas 0: the HPA does not scale a target at zero (ScalingDisabled)",
                t.kind, t.name
            ),
            fix: format!(
                "Scale it to at least the HPA's minReplicas (`kubectl scale {} -n {} {} --replicas={}`); when a GitOps tool keeps `replicas: 0` in the manifest, leave `replicas` out so the HPA owns it.",
                t.kind.to_ascii_lowercase(),
                shell_word(ns),
                shell_word(&t.name),
                hpa.spec.min_replicas.unwrap_or(1)
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::testing::{analysis, cluster, findings, walked};
    use crate::symptoms::{Kind, Subject};

    const DEP: &str = "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: shop}, spec: {replicas: REPLICAS, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x:1}]}}}}\n";

    fn hpa(target: &str) -> String {
        format!(
            "- {{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {{name: web, namespace: shop}}, spec: {{scaleTargetRef: {{{target}}}, minReplicas: 2, maxReplicas: 5}}}}\n"
        )
    }

    fn first(items: &str) -> Option<(String, String, String)> {
        let c = cluster(items);
        let ws = c.workloads();
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let h = &c.hpas[0];
        walked(&a, Kind::HpaLimited, Subject::Hpa(h))
            .into_iter()
            .next()
            .map(|h| (h.root.object.to_string(), h.root.summary, h.fix))
    }

    #[test]
    fn a_target_of_the_right_group_and_replicas_is_fine() {
        let items = format!(
            "{}{}",
            DEP.replace("REPLICAS", "3"),
            hpa("apiVersion: apps/v1, kind: Deployment, name: web")
        );
        assert_eq!(first(&items), None);
    }

    #[test]
    fn a_target_named_in_the_wrong_group_resolves_to_nothing() {
        for api in ["apiVersion: extensions/v1beta1, ", ""] {
            let items = format!(
                "{}{}",
                DEP.replace("REPLICAS", "3"),
                hpa(&format!("{api}kind: Deployment, name: web"))
            );
            let (obj, what, fix) = first(&items).unwrap();
            assert!(obj.contains("HorizontalPodAutoscaler"), "{obj}");
            assert!(what.contains("does not serve Deployment"), "{what}");
            assert!(fix.contains("apiVersion: apps/v1"), "{fix}");
        }
    }

    #[test]
    fn a_missing_target_names_the_workload_of_that_name() {
        let sts = "- {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: web, namespace: shop}, spec: {replicas: 2, serviceName: web, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x:1}]}}}}\n";
        // No Deployment in the namespace: its StatefulSet says the
        // namespace's workloads were captured.
        let items = format!(
            "{sts}{}",
            hpa("apiVersion: apps/v1, kind: Deployment, name: web")
        );
        let (_, what, fix) = first(&items).unwrap();
        assert!(
            what.contains("does not exist; StatefulSet shop/web does"),
            "{what}"
        );
        assert!(fix.contains("kind: StatefulSet"), "{fix}");
    }

    #[test]
    fn a_target_the_input_does_not_hold_is_unchecked_not_missing() {
        let c = cluster(&hpa("apiVersion: apps/v1, kind: Deployment, name: web"));
        let ws = c.workloads();
        // Without rule CP015's word (a namespace-scoped capture).
        let a = analysis(&c, &ws, &[]);
        let d = crate::symptoms::Detected::new(
            Kind::HpaLimited,
            c.hpas[0].objref(),
            Subject::Hpa(&c.hpas[0]),
        );
        assert!(super::super::graph::references(&a, &d).is_empty());
        let u = super::super::graph::unchecked(&a, &d);
        assert_eq!(u.len(), 1, "{u:?}");
        assert!(
            u[0].ends_with("`kubectl get deployment -n shop web`"),
            "{u:?}"
        );
        // Rule CP015 judges the snapshot whole: then the target is missing.
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let h = super::super::graph::references(&a, &d);
        assert_eq!(h[0].root.rule.as_deref(), Some("CP015"));
    }

    #[test]
    fn a_target_at_zero_replicas_disables_the_autoscaler() {
        let items = format!(
            "{}{}",
            DEP.replace("REPLICAS", "0"),
            hpa("apiVersion: apps/v1, kind: Deployment, name: web")
        );
        let (obj, what, fix) = first(&items).unwrap();
        assert_eq!(obj, "Deployment/shop/web");
        assert!(what.contains("ScalingDisabled"), "{what}");
        assert!(fix.contains("--replicas=2"), "{fix}");
    }

    #[test]
    fn a_keda_target_at_zero_is_left_to_keda() {
        let owned = hpa("apiVersion: apps/v1, kind: Deployment, name: web").replace(
            "namespace: shop}",
            "namespace: shop, ownerReferences: [{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, name: web, uid: u1, controller: true}]}",
        );
        let items = format!("{}{owned}", DEP.replace("REPLICAS", "0"));
        assert_eq!(first(&items), None);
    }

    #[test]
    fn a_custom_target_the_input_does_not_hold_is_unchecked() {
        let items = format!(
            "{}{}",
            DEP.replace("REPLICAS", "3"),
            hpa("apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web")
        );
        assert_eq!(first(&items), None);
    }
}
