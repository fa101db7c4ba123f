//! The walk beyond a pod's own references: the cluster's reference graph
//! around a symptom's object. A Service leads to the pods it selects, their
//! ports and its EndpointSlices; an Ingress to its IngressClass, TLS Secrets
//! and backend Services; an autoscaler to its scale target; an admission
//! webhook to the Service the API server calls; a NetworkPolicy that selects
//! a pod to the peers it admits. A reference to nothing (where the input
//! holds that kind), a mismatch along an edge (a name or port that resolves
//! to nothing, a selector that selects nothing, a policy that admits
//! nothing) or an unhealthy neighbour is evidence wherever it sits; a
//! reference the input cannot check is listed with the command that would.

use super::{Walked, hpa, ingress, netpol, service, webhook};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::{Detected, Kind, Subject};
use day2_model::selector::{Labels, labels_of};

/// The graph around the symptom's object, walked.
fn walk_graph<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Walked {
    let mut w = Walked::default();
    match d.subject {
        Subject::Service(svc) => service::walk(a, svc, &mut w),
        Subject::Ingress(ing) => ingress::walk(a, ing, &mut w),
        Subject::Hpa(h) => hpa::walk(a, h, &mut w),
        Subject::Controller { meta, template } if d.kind == Kind::PodCreateFailed => {
            static NONE: Option<Labels> = None;
            let labels = labels_of(
                template
                    .and_then(|t| t.metadata.as_ref())
                    .map_or(&NONE, |m| &m.labels),
            );
            webhook::walk(
                a,
                meta.namespace.as_deref().unwrap_or("default"),
                labels,
                &mut w,
            );
        }
        Subject::Pod(p) if matches!(d.kind, Kind::CrashLoopBackOff | Kind::ProbeFailing) => {
            netpol::walk(a, p, &mut w);
        }
        _ => {}
    }
    w.found.sort_by_key(|(x, _)| std::cmp::Reverse(x.score));
    w
}

/// The first thing wrong along the symptom's graph as a low-scored cause,
/// with every reference the input could not check as missing evidence.
pub fn references<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let w = walk_graph(a, d);
    let Some((x, rule)) = w.found.into_iter().next() else {
        return vec![];
    };
    let mut h = Hypothesis::new(x.score, x.loop_, x.object.clone(), x.what.clone())
        .rule(rule)
        .fix(x.fix)
        .link(Link::new(x.loop_, None, x.object, x.what));
    for u in w.unchecked {
        h = h.missing(u);
    }
    vec![h]
}

/// The references around the symptom the input could not check, each with
/// the `kubectl get` that fetches it: what an unexplained diagnosis lists.
pub fn unchecked<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<String> {
    let mut out = super::unchecked_of_pod(a, d);
    for u in walk_graph(a, d).unchecked {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

#[cfg(test)]
pub(super) mod testing {
    #![allow(clippy::expect_used, clippy::unwrap_used)]

    use crate::analysis::Analysis;
    use crate::evidence::{FindingIndex, Hypothesis};
    use crate::symptoms::{Detected, Kind, Subject};
    use day2_model::{Cloud, Cluster, Finding, SourceKind, Workload};

    /// A snapshot of the objects given as YAML flow-style list items.
    pub fn cluster(items: &str) -> Cluster {
        let docs = format!(
            "apiVersion: v1\nkind: List\nitems:\n{}",
            items.trim_start_matches('\n')
        );
        day2_sources::testing::cluster_from_yaml(&docs, SourceKind::Snapshot).unwrap()
    }

    /// The rules' findings on `c`, as the pipeline computes them first.
    pub fn findings(c: &Cluster) -> Vec<Finding> {
        let config = day2_rules::Config::default();
        day2_rules::run(&day2_rules::Context::new(c, &config))
    }

    /// The analysis of `c` over its workloads (`c.workloads()`) and findings.
    pub fn analysis<'c>(
        c: &'c Cluster,
        workloads: &'c [Workload<'c>],
        findings: &'c [Finding],
    ) -> Analysis<'c> {
        Analysis::new(
            c,
            Cloud::Generic,
            FindingIndex::new(findings),
            &[],
            None,
            workloads,
        )
    }

    /// The graph walk's hypothesis for a symptom of `kind` on `subject`.
    pub fn walked<'c>(a: &Analysis<'c>, kind: Kind, subject: Subject<'c>) -> Vec<Hypothesis> {
        let object = match subject {
            Subject::Service(s) => s.objref(),
            Subject::Ingress(i) => i.objref(),
            Subject::Hpa(h) => h.objref(),
            Subject::Pod(p) => p.objref(),
            _ => day2_model::ObjRef::new("ReplicaSet", Some("default"), "web"),
        };
        super::references(a, &Detected::new(kind, object, subject))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{analysis, cluster, findings};
    use crate::symptoms::{Detected, Kind, Subject};

    #[test]
    fn an_unexplained_symptom_lists_what_the_input_could_not_check() {
        // No ConfigMap or Secret of namespace shop is in the input.
        let c = cluster(
            "- {apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: shop, uid: u1}, spec: {containers: [{name: c, image: x:1, envFrom: [{secretRef: {name: api-env}}]}], volumes: [{name: conf, configMap: {name: api-conf}}]}, status: {phase: Failed, reason: Evicted}}\n",
        );
        let ws = c.workloads();
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let d = Detected::new(Kind::Evicted, c.pods[0].objref(), Subject::Pod(&c.pods[0]));
        let r = crate::analysers::resolve(&a, &d);
        assert!(r.unexplained);
        for want in [
            "`kubectl get configmap -n shop api-conf`",
            "`kubectl get secret -n shop api-env`",
        ] {
            assert!(
                r.missing.iter().any(|m| m.ends_with(want)),
                "{want}: {:?}",
                r.missing
            );
        }
    }

    #[test]
    fn an_explained_symptom_is_left_as_it_is() {
        let c = cluster(
            "- {apiVersion: v1, kind: ConfigMap, metadata: {name: other, namespace: shop}}\n- {apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: shop, uid: u1}, spec: {containers: [{name: c, image: x:1}], volumes: [{name: conf, configMap: {name: api-conf}}]}, status: {phase: Pending}}\n",
        );
        let ws = c.workloads();
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let d = Detected::new(
            Kind::CreateContainerConfigError,
            c.pods[0].objref(),
            Subject::Pod(&c.pods[0]),
        );
        let r = crate::analysers::resolve(&a, &d);
        assert!(!r.unexplained);
        assert!(
            r.root.summary.contains("ConfigMap shop/api-conf"),
            "{}",
            r.root.summary
        );
    }
}
