//! A Secret a pod mounts that cert-manager has not issued yet: a
//! Certificate names it as its `secretName`, and the chain cert-manager
//! walks to issue it (CertificateRequest, ACME Order, Challenge) stops
//! where the issuer's solver is refused. The refusal names the cause; the
//! issuer holds the setting to change (cert-manager/cert-manager#3079: a
//! Route53 solver's `role` that cert-manager, already in that role through
//! IRSA, may not assume).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::Detected;
use day2_model::object::DynObject;
use day2_model::{Loop, ObjRef, Res};
use serde_json::Value;

fn is_cert_manager(o: &DynObject) -> bool {
    o.api_version.starts_with("cert-manager.io/")
        || o.api_version.starts_with("acme.cert-manager.io/")
        || o.api_version.starts_with("certmanager.k8s.io/")
}

/// The Secrets of `pod`'s volumes (plain and projected).
fn mounted_secrets(pod: &day2_model::Pod) -> Vec<&str> {
    use day2_model::references::{ConfigKind, Via, config_refs};
    pod.spec
        .as_ref()
        .map(|s| config_refs(s))
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.kind == ConfigKind::Secret && matches!(r.via, Via::Volume { .. }))
        .map(|r| r.name)
        .collect()
}

/// What an object of the chain says went wrong: a Challenge's
/// `status.reason`, a `Ready`/`Issuing` condition that failed (not one that
/// only waits for the next object), or a Warning event about it.
fn failure(a: &Analysis<'_>, o: &Res<DynObject>) -> Option<String> {
    let waiting =
        |m: &str| m.starts_with("Waiting") || m.contains("Waiting on certificate issuance");
    if o.kind == "Challenge" {
        let status = o.data.get("status");
        let state = status.and_then(|s| s.get("state")).and_then(Value::as_str);
        if let Some(r) = status.and_then(|s| s.get("reason")).and_then(Value::as_str)
            && !r.is_empty()
            && state != Some("valid")
        {
            return Some(r.to_owned());
        }
    }
    let condition = o.conditions().find_map(|c| {
        let failed = c.get("status").and_then(Value::as_str) == Some("False")
            && matches!(
                c.get("reason").and_then(Value::as_str),
                Some("Failed" | "Denied" | "InvalidRequest")
            );
        let m = c.get("message").and_then(Value::as_str)?;
        (failed && !waiting(m)).then(|| m.to_owned())
    });
    condition.or_else(|| {
        a.cluster
            .events_for_obj(o)
            .into_iter()
            .rfind(|e| e.type_ == "Warning")
            .map(|e| e.message.to_string())
    })
}

/// Whether a Challenge's solver has put its record in place: its
/// `status.presented`, or cert-manager's `Presented` event.
fn presented(a: &Analysis<'_>, o: &Res<DynObject>) -> bool {
    o.kind == "Challenge"
        && (o
            .data
            .get("status")
            .and_then(|s| s.get("presented"))
            .and_then(Value::as_bool)
            == Some(true)
            || a.cluster
                .events_for_obj(o)
                .iter()
                .any(|e| e.reason == "Presented"))
}

/// Whether a refusal is about credentials or permissions.
fn refused(text: &str) -> bool {
    [
        "AccessDenied",
        "not authorized",
        "AuthorizationFailed",
        "Forbidden",
        "forbidden",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "status code: 403",
        "Unauthorized",
    ]
    .iter()
    .any(|m| text.contains(m))
}

pub fn never_issued<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let ns = pod.ns_or_default();
    let missing: Vec<&str> = mounted_secrets(pod)
        .into_iter()
        .filter(|name| {
            !a.cluster
                .secrets
                .iter()
                .any(|s| s.ns_or_default() == ns && s.name() == *name)
        })
        .collect();
    let chain = |kind: &str, prefix: &str| -> Vec<&'c Res<DynObject>> {
        a.cluster
            .other
            .iter()
            .filter(|o| o.kind == kind && is_cert_manager(o) && o.ns_or_default() == ns)
            .filter(|o| o.name().starts_with(&format!("{prefix}-")))
            .collect()
    };
    for secret in missing {
        let Some(cert) = a.cluster.other.iter().find(|o| {
            o.kind == "Certificate"
                && is_cert_manager(o)
                && o.ns_or_default() == ns
                && o.data
                    .get("spec")
                    .and_then(|s| s.get("secretName"))
                    .and_then(Value::as_str)
                    == Some(secret)
        }) else {
            continue;
        };
        // Deepest first: the Challenge says most.
        let mut objs: Vec<&Res<DynObject>> = Vec::new();
        for cr in chain("CertificateRequest", cert.name()) {
            for order in chain("Order", cr.name()) {
                objs.extend(chain("Challenge", order.name()));
                objs.push(order);
            }
            objs.push(cr);
        }
        objs.push(cert);
        let Some((at, said)) = objs.iter().find_map(|o| failure(a, o).map(|m| (*o, m))) else {
            continue;
        };
        let issuer = cert.data.get("spec").and_then(|s| s.get("issuerRef"));
        let issuer_kind = issuer
            .and_then(|i| i.get("kind"))
            .and_then(Value::as_str)
            .unwrap_or("Issuer");
        let Some(issuer_name) = issuer.and_then(|i| i.get("name")).and_then(Value::as_str) else {
            continue;
        };
        let issuer_ns = (issuer_kind == "Issuer").then_some(ns);
        let issuer_ref = ObjRef::new(issuer_kind, issuer_ns, issuer_name);
        let (loop_, root) = if refused(&said) {
            (Loop::Identity, issuer_ref.clone())
        } else {
            (Loop::Network, at.objref())
        };
        let said = day2_model::redact::excerpt(&said, 300);
        let mut fix = format!(
            "Fix what {} {}/{} reports: `{said}`; cert-manager retries and writes Secret {ns}/{secret} once issuance succeeds (`kubectl describe certificate -n {ns} {}`, then the CertificateRequest, Order and Challenge).",
            at.kind,
            ns,
            at.name(),
            cert.name()
        );
        if said.contains("AssumeRole") {
            fix = format!(
                "The issuer's solver makes cert-manager assume a role (`role` of its route53 solver in {issuer_kind} {issuer_name}) from the identity it already has, and that identity may not: when cert-manager's ServiceAccount already carries the role (IRSA, `eks.amazonaws.com/role-arn`), remove `role` from the solver; otherwise let cert-manager's identity assume it (the role's trust policy, `sts:AssumeRole`). {fix}"
            );
        }
        // The TXT record is in place and cert-manager waits to see it
        // through public DNS: what delays it is the domain's delegation
        // (its NS records, its registration) or the resolvers cert-manager
        // asks, none of which the cluster's objects hold
        // (cert-manager/cert-manager#7517: a domain whose registration had
        // expired).
        if said.contains("not yet propagated") && presented(a, at) {
            let domain = said
                .split('"')
                .nth(1)
                .filter(|d| d.contains('.'))
                .unwrap_or("<domain>");
            fix = format!(
                "Check that the public DNS serves the record: `dig +trace TXT _acme-challenge.{domain}` shows whether the domain's delegation reaches the zone the solver wrote to (the registrar's NS records, an expired registration, a private or duplicate hosted zone of the same name). If public resolvers see it and cert-manager does not, cert-manager asks resolvers that answer otherwise (split-horizon DNS): set `--dns01-recursive-nameservers-only --dns01-recursive-nameservers=1.1.1.1:53,8.8.8.8:53` on the cert-manager controller. {fix}"
            );
            let h = Hypothesis::new(
                89,
                Loop::Network,
                at.objref(),
                format!(
                    "{} mounts Secret {ns}/{secret}, which cert-manager has not issued: Certificate {ns}/{} waits at {} {}, whose TXT record the solver presented but public DNS does not show: {said}",
                    pod.name(),
                    cert.name(),
                    at.kind,
                    at.name()
                ),
            )
            .fix(fix)
            .missing(format!("how public DNS resolves `_acme-challenge.{domain}` (the domain's delegation)"))
            .unexplained()
            .link(Link::new(
                Loop::Network,
                None,
                at.objref(),
                format!("{} {}/{} reports: {said}", at.kind, ns, at.name()),
            ));
            return vec![h];
        }
        return vec![
            Hypothesis::new(
                90,
                loop_,
                root,
                format!(
                    "{} mounts Secret {ns}/{secret}, which cert-manager has not issued: Certificate {ns}/{} is stuck at {} {}: {said}",
                    pod.name(),
                    cert.name(),
                    at.kind,
                    at.name()
                ),
            )
            .fix(fix)
            .link(Link::new(
                loop_,
                None,
                at.objref(),
                format!("{} {}/{} reports: {said}", at.kind, ns, at.name()),
            )),
        ];
    }
    vec![]
}
