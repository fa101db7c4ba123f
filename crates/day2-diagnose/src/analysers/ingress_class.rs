//! An Ingress that no controller takes, because it names no IngressClass
//! and no class is the default ([`crate::symptoms::ingress::unclaimed`]):
//! the Ingress itself is the cause.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;

pub fn unclaimed<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Ingress(ing) = d.subject else {
        return vec![];
    };
    let Some(controllers) = crate::symptoms::ingress::unclaimed(a, ing) else {
        return vec![];
    };
    // The class the running controllers serve.
    let classes = &a.cluster.ingress_classes;
    let class = classes
        .iter()
        .find(|c| !crate::symptoms::ingress::controller_pods(a, c.name()).is_empty())
        .or_else(|| classes.first())
        .map_or("<class>", |c| c.name());
    let (ns, name) = (ing.ns_or_default(), ing.name());
    let pods: Vec<String> = controllers
        .iter()
        .take(3)
        .map(|p| format!("{}/{}", p.ns_or_default(), p.name()))
        .collect();
    vec![
        Hypothesis::new(
            88,
            Loop::Network,
            ing.objref(),
            format!(
                "Ingress {ns}/{name} names no IngressClass (neither `spec.ingressClassName` nor the `kubernetes.io/ingress.class` annotation) and no class is marked default, so the running controller ({}) skips it: its hosts are never configured and requests get the controller's 404",
                pods.join(", ")
            ),
        )
        .fix(format!(
            "Set `spec.ingressClassName: {class}` on Ingress {ns}/{name} (`kubectl -n {ns} patch ingress {name} --type merge -p '{{\"spec\":{{\"ingressClassName\":\"{class}\"}}}}'`), or mark IngressClass {class} the default (annotation `ingressclass.kubernetes.io/is-default-class: \"true\"`), or run ingress-nginx with `--watch-ingress-without-class=true`."
        )),
    ]
}
