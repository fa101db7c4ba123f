//! A Secret nobody created because the custom resource that writes it
//! fails: an ExternalSecret, a SealedSecret, a cert-manager Certificate, a
//! Vault secret. The resource names the Secret (its own name,
//! `spec.target.name`, `spec.secretName`) and says why in its status. The
//! consumer's missing Secret is rooted there, and an AWS refusal in that
//! status is followed to the pods of the controller that made the call.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::object::DynObject;
use day2_model::{Loop, Res};
use serde_json::Value;

/// The texts a resource's status holds: a string status, `message`,
/// `reason`, and its conditions' messages.
fn status_texts(o: &DynObject) -> Vec<&str> {
    let mut out = Vec::new();
    let Some(status) = o.data.get("status") else {
        return out;
    };
    match status {
        Value::String(s) => out.push(s.as_str()),
        Value::Object(m) => {
            for k in ["status", "message", "reason", "error"] {
                if let Some(Value::String(s)) = m.get(k) {
                    out.push(s.as_str());
                }
            }
            out.extend(
                o.conditions()
                    .filter(|c| c.get("status").and_then(Value::as_str) == Some("False"))
                    .filter_map(|c| c.get("message").and_then(Value::as_str)),
            );
        }
        _ => {}
    }
    out
}

fn writes(o: &DynObject, secret: &str) -> bool {
    let spec = o.data.get("spec");
    let named = |path: &[&str]| {
        spec.and_then(|s| path.iter().try_fold(s, |v, k| v.get(*k)))
            .and_then(Value::as_str)
            == Some(secret)
    };
    o.metadata.name.as_deref() == Some(secret)
        || named(&["target", "name"])
        || named(&["secretName"])
        || named(&["template", "metadata", "name"])
        // Vault Secrets Operator's VaultStaticSecret and VaultDynamicSecret.
        || named(&["destination", "name"])
}

/// `ExternalSecret` → `external-secret`.
fn kebab(kind: &str) -> String {
    let mut s = String::new();
    for (i, c) in kind.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            s.push('-');
        }
        s.push(c.to_ascii_lowercase());
    }
    s
}

/// An error the resource reports: a failing condition's message, or a
/// status text that says so.
fn error_text(o: &DynObject) -> Option<&str> {
    failed_condition(o).or_else(|| {
        status_texts(o).into_iter().find(|t| {
            let l = t.to_ascii_lowercase();
            [
                "error",
                "fail",
                "denied",
                "not authorized",
                "forbidden",
                "invalid",
            ]
            .iter()
            .any(|w| l.contains(w))
        })
    })
}

/// The texts of `o`'s Warning events, newest first.
fn warnings<'c>(a: &Analysis<'c>, o: &Res<DynObject>) -> impl Iterator<Item = &'c str> {
    a.cluster
        .events_for_obj(o)
        .into_iter()
        .rev()
        .filter(|e| e.type_ == "Warning")
        .map(|e| e.message_text())
}

/// The message of a condition whose status is `False` (`Ready`, `Synced`).
fn failed_condition(o: &DynObject) -> Option<&str> {
    o.conditions()
        .find(|c| c.get("status").and_then(Value::as_str) == Some("False"))?
        .get("message")?
        .as_str()
}

/// The custom resources `o`'s spec names by kind and name (an
/// ExternalSecret's `secretStoreRef`, a Certificate's `issuerRef`).
fn referenced<'c>(a: &Analysis<'c>, o: &DynObject, ns: &str) -> Vec<&'c Res<DynObject>> {
    fn refs<'v>(v: &'v Value, out: &mut Vec<(&'v str, &'v str)>) {
        match v {
            Value::Object(m) => {
                if let (Some(Value::String(k)), Some(Value::String(n))) =
                    (m.get("kind"), m.get("name"))
                {
                    out.push((k.as_str(), n.as_str()));
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(xs) => xs.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut pairs = Vec::new();
    if let Some(spec) = o.data.get("spec") {
        refs(spec, &mut pairs);
    }
    a.cluster
        .other
        .iter()
        .filter(|r| {
            pairs.iter().any(|(k, n)| r.kind == *k && r.name() == *n)
                && (r.metadata.namespace.is_none() || r.ns_or_default() == ns)
        })
        .collect()
}

/// The fix for an Azure workload identity refused for want of a federated
/// credential (`AADSTS70021`): Entra ID's side, with the issuer and subject
/// the error quotes. Nothing in the cluster to change.
fn no_federation(text: &str) -> Option<String> {
    use crate::messages::errors::{AuthProblem, CloudId, ErrorClass};
    let found = crate::messages::errors::classify(text)
        .into_iter()
        .any(|c| {
            matches!(
                c.class,
                ErrorClass::CloudAuth {
                    cloud: CloudId::Azure,
                    problem: AuthProblem::NoFederation
                }
            )
        });
    if !found {
        return None;
    }
    let quoted = |key: &str| {
        text.split_once(key)
            .and_then(|(_, r)| {
                r.trim_start()
                    .trim_start_matches(['\\', '\''])
                    .split(['\'', '\\'])
                    .next()
            })
            .filter(|v| !v.is_empty())
            .unwrap_or("<…>")
            .to_owned()
    };
    Some(format!(
        "Entra ID has no federated identity credential matching the token: add one on the managed identity (or app registration) the store uses, with issuer {} and subject {} (`az identity federated-credential create --identity-name <identity> -g <rg> --issuer <issuer> --subject <subject> --audience api://AzureADTokenExchange`); the cluster's side (the annotated ServiceAccount, the injected token) is in place.",
        quoted("Assertion Issuer:"),
        quoted("Assertion Subject:")
    ))
}

pub fn failing(a: &Analysis<'_>, ns: &str, secret: &str, link: Option<Link>) -> Option<Hypothesis> {
    let (o, text) = a.cluster.other.iter().find_map(|o: &Res<DynObject>| {
        if o.ns_or_default() != ns || !writes(o, secret) {
            return None;
        }
        // Its status, else its newest warning (VSO reports in events).
        Some((o, error_text(o).or_else(|| warnings(a, o).next())?))
    })?;
    if let Some(h) = vault_login_refused(a, o, ns, text) {
        return Some(h.links(link));
    }
    if let Some(h) = irsa_unannotated(a, o, secret) {
        return Some(h.links(link));
    }
    let said = day2_model::redact::excerpt(text, 240);
    let seen = Link::new(
        Loop::Identity,
        None,
        o.objref(),
        format!(
            "{} {ns}/{} does not write Secret {secret}: {said}",
            o.kind,
            o.name()
        ),
    );
    // What it names (its store, its issuer) and what they report.
    for r in referenced(a, o, ns) {
        let said: Vec<&str> = a
            .cluster
            .events_for_obj(r)
            .into_iter()
            .filter(|e| e.type_ == "Warning")
            .map(|e| e.message_text())
            .chain(error_text(r))
            .collect();
        if let Some(fix) = said.iter().find_map(|t| no_federation(t)) {
            let text = said
                .iter()
                .find(|t| t.contains("AADSTS"))
                .copied()
                .unwrap_or_default();
            // The ServiceAccount the token was for, and whether it names its identity.
            let subject = text
                .split_once("system:serviceaccount:")
                .and_then(|(_, r)| r.split(['\'', '\\', '.', ' ', '"']).next())
                .and_then(|s| s.split_once(':'));
            if let Some((sa_ns, sa)) = subject
                && let Some(obj) = a
                    .cluster
                    .service_accounts
                    .iter()
                    .find(|x| x.ns_or_default() == sa_ns && x.name() == sa)
                && obj
                    .annotation(day2_model::cloud::AZURE_CLIENT_ANNOTATION)
                    .is_none()
            {
                return Some(
                    Hypothesis::new(
                        84,
                        Loop::Identity,
                        obj.objref(),
                        format!("ServiceAccount {sa_ns}/{sa}, which {} {} authenticates as, has no `azure.workload.identity/client-id` annotation, and Entra ID refuses its token", r.kind, r.name()),
                    )
                    .fix(format!("Annotate ServiceAccount {sa_ns}/{sa} with `azure.workload.identity/client-id: <the managed identity's client id>` and create the federated credential for subject system:serviceaccount:{sa_ns}:{sa}; then restart the controller."))
                    .link(seen)
                    .links(link),
                );
            }
            return Some(
                Hypothesis::new(
                    82,
                    Loop::Identity,
                    r.objref(),
                    format!(
                        "{} {} cannot authenticate to Azure, so {} {ns}/{} never writes Secret {secret}: {}",
                        r.kind,
                        r.name(),
                        o.kind,
                        o.name(),
                        day2_model::redact::excerpt(text, 200)
                    ),
                )
                .fix(fix)
                .missing("the managed identity's federated credentials in Entra ID (`az identity federated-credential list`)")
                .link(seen)
                .links(link)
                .unexplained(),
            );
        }
    }
    // A store or issuer it names that reports its own failure: the cause
    // is there, in its words (a ClusterSecretStore whose role cannot be
    // assumed, an Issuer whose account is refused).
    if let Some((r, why)) = referenced(a, o, ns).into_iter().find_map(|r| {
        let why = warnings(a, r).next().or_else(|| error_text(r))?;
        Some((r, why))
    }) {
        let why = day2_model::redact::excerpt(why, 240);
        return Some(
            Hypothesis::new(
                87,
                Loop::Identity,
                r.objref(),
                format!("Secret {ns}/{secret} does not exist because {} {ns}/{}, which writes it, uses {} {}, which fails: {why}", o.kind, o.name(), r.kind, r.name()),
            )
            .fix(format!(
                "Fix {} {} (`kubectl describe {} {}`), which reports: {why}; then {} {} writes Secret {secret} and the pods start.",
                r.kind,
                r.name(),
                r.kind.to_ascii_lowercase(),
                r.name(),
                o.kind,
                o.name()
            ))
            .link(seen)
            .links(link),
        );
    }
    // The controller of that kind: a workload named after it.
    let stem = kebab(&o.kind);
    let controller_pod = a
        .workloads_all()
        .iter()
        .filter(|w| w.name().contains(&stem))
        .flat_map(|w| a.cluster.pods_of(w.kind, w.namespace(), w.name()))
        .next();
    if let Some(pod) = controller_pod
        && let Some(h) = super::irsa::node_role_used(a, pod, text)
    {
        return Some(h.link(seen).links(link));
    }
    // The role it acts with is there and lacks the action (okctl#243:
    // `secretsmanager:GetSecretValue`): its policy, in the cloud. The
    // refusal's own words may be only in its events, its status saying
    // `could not get secret data from provider` (external-secrets#2685).
    let refusal = warnings(a, o)
        .find(|t| super::cloud_policy::denied(t).is_some())
        .unwrap_or(text);
    if let Some(pod) = controller_pod
        && let Some(h) = super::cloud_policy::refused(
            a,
            o.objref(),
            &crate::model::workload_ref(a.cluster, pod).to_string(),
            refusal,
            super::cloud_policy::pod_role_set(a, pod),
        )
    {
        return Some(h.link(seen).links(link));
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            o.objref(),
            format!("Secret {ns}/{secret} does not exist because {} {ns}/{}, which writes it, fails: {said}", o.kind, o.name()),
        )
        .fix(format!(
            "Fix what {} {} reports (`kubectl describe {} -n {ns} {}`); its controller{} then writes Secret {secret} and the pods start.",
            o.kind,
            o.name(),
            o.kind.to_ascii_lowercase(),
            o.name(),
            controller_pod
                .map(|p| format!(" ({}, `kubectl logs -n {} {}`)", crate::model::workload_ref(a.cluster, p), p.ns_or_default(), p.name()))
                .unwrap_or_default()
        ))
        .link(seen)
        .links(link),
    )
}

/// The AWS provider refuses the account its store authenticates as for
/// having no IRSA role (`an IAM role must be associated with service
/// account …`), in its status or its events: that account's annotation.
fn irsa_unannotated(a: &Analysis<'_>, o: &Res<DynObject>, secret: &str) -> Option<Hypothesis> {
    let events = a.cluster.events_for_obj(o);
    let (text, (sa, sa_ns)) = error_text(o)
        .into_iter()
        .chain(
            events
                .iter()
                .rev()
                .filter(|e| e.type_ == "Warning")
                .map(|e| e.message_text()),
        )
        .find_map(|t| Some((t, crate::messages::permission::irsa_role_missing(t)?)))?;
    let account = a
        .cluster
        .service_accounts
        .iter()
        .find(|s| s.ns_or_default() == sa_ns && s.name() == sa);
    let kiam = account.and_then(|s| s.annotation("iam.amazonaws.com/role"));
    let role = kiam.unwrap_or("arn:aws:iam::<account>:role/<role>");
    let note = match (account, kiam) {
        (Some(_), Some(r)) => {
            format!(": it carries kiam's `iam.amazonaws.com/role: {r}`, which IRSA does not read")
        }
        (Some(_), None) => String::new(),
        (None, _) => " (the account is not in the input)".to_owned(),
    };
    let ns = o.ns_or_default();
    Some(
        Hypothesis::new(
            88,
            Loop::Identity,
            day2_model::ObjRef::new("ServiceAccount", Some(sa_ns), sa),
            format!("Secret {ns}/{secret} does not exist because {} {ns}/{}, which writes it, authenticates to AWS as ServiceAccount {sa_ns}/{sa}, which has no `eks.amazonaws.com/role-arn` annotation{note}", o.kind, o.name()),
        )
        .fix(format!("Annotate ServiceAccount {sa_ns}/{sa} with `eks.amazonaws.com/role-arn: {role}` (IRSA), a role whose trust policy allows `sts:AssumeRoleWithWebIdentity` for `system:serviceaccount:{sa_ns}:{sa}` and whose policy grants the secret's read; {} {} retries on its own.", o.kind, o.name()))
        .link(Link::new(
            Loop::Identity,
            None,
            o.objref(),
            format!("{} {ns}/{} does not write Secret {secret}: {}", o.kind, o.name(), day2_model::redact::excerpt(text, 200)),
        )),
    )
}

/// Vault refuses the login of the VaultAuth a Vault Secrets Operator
/// resource uses (`PUT …/v1/auth/<mount>/login` `Code: 403 … permission
/// denied`, hashicorp/vault-secrets-operator#577): the Vault role it names
/// does not admit its ServiceAccount (`bound_service_account_names`,
/// `bound_service_account_namespaces`, the token's audience).
fn vault_login_refused(
    a: &Analysis<'_>,
    o: &Res<DynObject>,
    ns: &str,
    text: &str,
) -> Option<Hypothesis> {
    let l = text.to_ascii_lowercase();
    if !(l.contains("/login") && (l.contains("403") || l.contains("permission denied"))) {
        return None;
    }
    let auth_name = o
        .data
        .get("spec")
        .and_then(|s| s.get("vaultAuthRef"))
        .and_then(|r| r.as_str().or_else(|| r.get("name")?.as_str()))
        .unwrap_or("default");
    let auth =
        a.cluster.other.iter().find(|x| {
            x.obj.kind == "VaultAuth" && x.ns_or_default() == ns && x.name() == auth_name
        })?;
    let k8s = auth.obj.data.get("spec").and_then(|s| s.get("kubernetes"));
    let field = |f: &str| k8s.and_then(|k| k.get(f)).and_then(Value::as_str);
    let role = field("role").unwrap_or("<role>");
    let sa = field("serviceAccount").unwrap_or("default");
    let mount = auth
        .obj
        .data
        .get("spec")
        .and_then(|s| s.get("mount"))
        .and_then(Value::as_str)
        .unwrap_or("kubernetes");
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            auth.objref(),
            format!(
                "Vault refuses the login of VaultAuth {ns}/{auth_name} (auth/{mount}/login answers 403 permission denied), so {} {ns}/{} never writes its Secret: Vault role {role} does not admit ServiceAccount {ns}/{sa} as the VaultAuth presents it",
                o.kind,
                o.name()
            ),
        )
        .fix(format!(
            "In Vault, let role {role} admit the service account: `vault write auth/{mount}/role/{role} bound_service_account_names={sa} bound_service_account_namespaces={ns} policies=<policy>` (with `audience` matching the VaultAuth's `kubernetes.audiences`), or point VaultAuth {ns}/{auth_name}'s `kubernetes.serviceAccount`/`role` at the pair Vault binds; the operator retries and writes the Secret."
        ))
        .link(Link::new(
            Loop::Identity,
            None,
            o.objref(),
            day2_model::redact::excerpt(text, 200),
        )),
    )
}
