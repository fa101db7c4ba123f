//! The TLS Secret an Ingress names is not in its namespace
//! ([`crate::symptoms::ingress_tls`]). When a Secret of that name sits in
//! another namespace (often the controller's), it was created where the
//! Ingress cannot read it: copy it next to the Ingress. Otherwise create it
//! (or the cert-manager Certificate that writes it).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;

pub fn missing_secret<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Ingress(ing) = d.subject else {
        return vec![];
    };
    let Some(t) = crate::symptoms::ingress_tls::missing(a, ing) else {
        return vec![];
    };
    let ns = ing.ns_or_default();
    let (secret, name) = (t.secret, ing.name());
    let h = match t.elsewhere.first() {
        Some(other) => {
            let from = other.ns_or_default();
            Hypothesis::new(
                87,
                Loop::Network,
                ing.objref(),
                format!(
                    "Ingress {ns}/{name} terminates TLS with Secret {secret}, which exists in namespace {from}, not in {ns}: an Ingress reads its TLS Secret from its own namespace only, so the controller serves its default certificate"
                ),
            )
            .fix(format!(
                "Create the TLS Secret in the Ingress's namespace {ns}: `kubectl get secret {secret} --namespace={from} -o yaml | sed 's/namespace: {from}/namespace: {ns}/' | kubectl apply -f -` (or issue it there with cert-manager), then delete the copy in {from} if nothing else uses it; the controller picks it up without a restart."
            ))
        }
        None => Hypothesis::new(
            84,
            Loop::Network,
            ing.objref(),
            format!(
                "Ingress {ns}/{name} terminates TLS with Secret {ns}/{secret}, which does not exist: the controller serves its default certificate"
            ),
        )
        .fix(format!(
            "Create TLS Secret {secret} in namespace {ns} (`kubectl create secret tls {secret} -n {ns} --cert=… --key=…`, or the cert-manager Certificate that writes it; check `kubectl get certificate -n {ns}`), or correct `spec.tls[].secretName` of Ingress {name}."
        )),
    };
    vec![h]
}
