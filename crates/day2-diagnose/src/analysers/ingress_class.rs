//! An Ingress that no controller takes, because it names no IngressClass
//! and no class is the default ([`crate::symptoms::ingress::unclaimed`]),
//! or names a class nothing serves ([`crate::symptoms::ingress::misclassed`]):
//! the Ingress itself is the cause.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;

pub fn unclaimed<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Ingress(ing) = d.subject else {
        return vec![];
    };
    if let Some((controllers, asked)) = crate::symptoms::ingress::misclassed(a, ing) {
        return vec![misclassed(
            ing,
            controllers,
            asked,
            &a.cluster.ingress_classes,
        )];
    }
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
    let pods = crate::symptoms::ingress::controller_names(controllers);
    vec![
        Hypothesis::new(
            88,
            Loop::Network,
            ing.objref(),
            format!(
                "Ingress {ns}/{name} names no IngressClass (neither `spec.ingressClassName` nor the `kubernetes.io/ingress.class` annotation) and no class is marked default, so the running controller ({}) skips it: its hosts are never configured and requests get the controller's 404",
                pods
            ),
        )
        .fix(format!(
            "Set `spec.ingressClassName: {class}` on Ingress {ns}/{name} (`kubectl -n {ns} patch ingress {name} --type merge -p '{{\"spec\":{{\"ingressClassName\":\"{class}\"}}}}'`), or mark IngressClass {class} the default (annotation `ingressclass.kubernetes.io/is-default-class: \"true\"`), or run ingress-nginx with `--watch-ingress-without-class=true`."
        )),
    ]
}

/// The Ingress asks for a class nothing serves: name the classes there are.
fn misclassed(
    ing: &day2_model::Res<k8s_openapi::api::networking::v1::Ingress>,
    controllers: &[&day2_model::Res<day2_model::Pod>],
    asked: &str,
    classes: &[day2_model::Res<k8s_openapi::api::networking::v1::IngressClass>],
) -> Hypothesis {
    let (ns, name) = (ing.ns_or_default(), ing.name());
    let pods = crate::symptoms::ingress::controller_names(controllers);
    let there: Vec<&str> = classes.iter().map(|c| c.name()).collect();
    let class = there.first().copied().unwrap_or("<class>");
    Hypothesis::new(
        88,
        Loop::Network,
        ing.objref(),
        format!(
            "Ingress {ns}/{name} asks for class {asked}, but the cluster's IngressClasses are {} and no running controller ({}) is started with `--ingress-class={asked}`: nothing takes the Ingress, its hosts are never configured and requests get the controller's 404",
            there.join(", "),
            pods
        ),
    )
    .fix(format!(
        "Set `spec.ingressClassName: {class}` on Ingress {ns}/{name} and drop the `kubernetes.io/ingress.class: {asked}` annotation (`kubectl -n {ns} patch ingress {name} --type merge -p '{{\"spec\":{{\"ingressClassName\":\"{class}\"}}}}'`), or run the controller with `--ingress-class={asked}` (and an IngressClass {asked}) if that class is meant to exist."
    ))
}
