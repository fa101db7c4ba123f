//! Pod creations admission does not explain: one that times out without
//! naming a webhook, read against the admission webhooks that intercept
//! pods' creation, a custom controller that cannot build its pod from a
//! Secret its ServiceAccount lists, an API server that sends its webhook
//! calls to an HTTP proxy, and a LimitRange's default limit below what a
//! container requests; every other refusal as
//! [`super::admission::failed_create`] reads it.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::{Loop, ObjRef};

/// [`super::admission::failed_create`], and a timeout no webhook is named in.
pub fn failed_create<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let mut out = super::admission::failed_create(a, d);
    if let (Subject::Controller { meta, .. }, Detail::Message(message)) = (d.subject, &d.detail) {
        let owner = super::admission::top_owner(meta, &d.object);
        let links: Vec<Link> = d
            .events_with("FailedCreate")
            .last()
            .map(|e| {
                Link::from_event(
                    Loop::Compute,
                    e,
                    "the API server waits on an admission webhook",
                )
            })
            .into_iter()
            .collect();
        out.extend(
            super::webhook_call::refused_create(a, message, &owner).map(|h| h.links(links.clone())),
        );
        out.extend(dangling_secret(a, d, message, &links));
        out.extend(proxied_webhook(a, message, &owner, &links));
        out.extend(default_limit_below_request(a, d, message, &owner, &links));
        out.extend(
            unnamed_timeout(a, d, message, &owner, links)
                .into_iter()
                .flatten(),
        );
    }
    out
}

/// A controller of another kind (Tekton's TaskRun) that reads every Secret
/// its ServiceAccount lists to build the pod's credentials, and stops at
/// one that is not there (`translating TaskSpec to Pod: secrets "y" not
/// found`, tektoncd/pipeline#7760): the ServiceAccount's dangling entry.
fn dangling_secret(
    a: &Analysis<'_>,
    d: &Detected<'_>,
    message: &str,
    links: &[Link],
) -> Option<Hypothesis> {
    if crate::symptoms::Kind::PodCreateFailed != d.kind || d.object.kind == "ReplicaSet" {
        return None;
    }
    let rest = &message[message.find("secrets \"")? + "secrets \"".len()..];
    let (secret, after) = rest.split_once('"')?;
    if !after.starts_with(" not found") || secret.is_empty() {
        return None;
    }
    let ns = d.object.namespace.as_deref().unwrap_or("default");
    let cluster = a.cluster;
    if cluster
        .secrets
        .iter()
        .any(|s| s.ns_or_default() == ns && s.name() == secret)
    {
        return None;
    }
    // The account the object names, when it names one, else any of its
    // namespace that lists the Secret.
    let named = cluster
        .other
        .iter()
        .find(|o| o.objref() == d.object)
        .and_then(|o| account_named(&serde_json::to_value(&o.obj.data).ok()?));
    let lists = |sa: &&day2_model::Res<k8s_openapi::api::core::v1::ServiceAccount>| {
        sa.secrets
            .iter()
            .flatten()
            .any(|r| r.name.as_deref() == Some(secret))
            || sa
                .image_pull_secrets
                .iter()
                .flatten()
                .any(|r| r.name == secret)
    };
    let sa = cluster
        .service_accounts
        .iter()
        .filter(|s| s.ns_or_default() == ns && lists(s))
        .find(|s| named.as_deref().is_none_or(|n| n == s.name()))?;
    let which = if sa
        .secrets
        .iter()
        .flatten()
        .any(|r| r.name.as_deref() == Some(secret))
    {
        "secrets"
    } else {
        "imagePullSecrets"
    };
    Some(
        Hypothesis::new(
            84,
            Loop::Identity,
            sa.objref(),
            format!(
                "ServiceAccount {ns}/{} lists Secret {secret} in its `{which}`, the Secret does not exist, and {} reads every Secret of its ServiceAccount to build the pod: it creates none",
                sa.name(),
                d.object
            ),
        )
        .fix(format!(
            "Remove `{secret}` from the `{which}` of ServiceAccount {ns}/{} (`kubectl edit serviceaccount -n {ns} {}`) or create Secret {ns}/{secret}; then re-run {}.",
            sa.name(),
            sa.name(),
            d.object
        ))
        .links(links.to_vec()),
    )
}

/// A pod refused because a container's limit is below its request
/// (`spec.containers[0].resources.limits: Invalid value: "512Mi": must be
/// greater than or equal to memory request`) when the template sets no
/// such limit: the LimitRange of the namespace gave its default
/// (kubernetes/kubernetes#51430).
fn default_limit_below_request(
    a: &Analysis<'_>,
    d: &Detected<'_>,
    message: &str,
    owner: &ObjRef,
    links: &[Link],
) -> Option<Hypothesis> {
    // The limit refused (`resources.limits: Invalid value: "180Mi": must be
    // greater than or equal to memory request`), or the request
    // (`resources.requests: Invalid value: "300Mi": must be less than or
    // equal to memory limit`, tektoncd/pipeline#5230): `value` is the
    // default limit only in the first spelling.
    let (limit, rest) = match message.find("resources.limits: Invalid value: \"") {
        Some(at) => (
            true,
            &message[at + "resources.limits: Invalid value: \"".len()..],
        ),
        None => {
            const REQ: &str = "resources.requests: Invalid value: \"";
            (false, &message[message.find(REQ)? + REQ.len()..])
        }
    };
    let (value, rest) = rest.split_once('"')?;
    let said = if limit {
        "must be greater than or equal to "
    } else {
        "must be less than or equal to "
    };
    let resource = rest.split_once(said)?.1.split_whitespace().next()?;
    // A limit the template writes itself is the template's to correct.
    if let crate::symptoms::Subject::Controller {
        template: Some(t), ..
    } = d.subject
        && t.spec.iter().flat_map(|s| s.containers.iter()).any(|c| {
            c.resources
                .as_ref()
                .and_then(|r| r.limits.as_ref())
                .is_some_and(|l| l.contains_key(resource))
        })
    {
        return None;
    }
    let ns = d.object.namespace.as_deref().unwrap_or("default");
    let range = a.cluster.limit_ranges.iter().find(|r| {
        r.ns_or_default() == ns
            && r.spec.as_ref().is_some_and(|s| {
                s.limits.iter().any(|l| {
                    l.default
                        .as_ref()
                        .and_then(|m| m.get(resource))
                        .is_some_and(|q| !limit || q.0 == value)
                })
            })
    })?;
    Some(
        Hypothesis::new(
            84,
            Loop::Compute,
            range.objref(),
            format!(
                "LimitRange {ns}/{} gives containers without a {resource} limit its default limit {}, and a container of {owner} requests more {resource} than that and sets no limit: the API server refuses every pod (a limit below the request)",
                range.name(),
                range
                    .spec
                    .iter()
                    .flat_map(|s| s.limits.iter())
                    .find_map(|l| l.default.as_ref()?.get(resource))
                    .map_or(value, |q| q.0.as_str()),
            ),
        )
        .fix(format!(
            "Set `resources.limits.{resource}` at least as high as the request on the containers of {owner} (the LimitRange's `max`, if any, permitting), or raise the `default` {resource} limit of LimitRange {ns}/{} (`kubectl edit limitrange -n {ns} {}`) above what its workloads request.",
            range.name(),
            range.name()
        ))
        .links(links.to_vec()),
    )
}

/// A webhook call that fails while the API server's own pod sets an HTTP
/// proxy whose `NO_PROXY` does not spare the webhook's host: the call goes
/// to the proxy, which cannot reach a cluster Service (`Service
/// Unavailable`, istio/istio#12441).
fn proxied_webhook(
    a: &Analysis<'_>,
    message: &str,
    owner: &ObjRef,
    links: &[Link],
) -> Option<Hypothesis> {
    if !message.contains("failed calling") || !message.contains("webhook") {
        return None;
    }
    let url = &message[message.find("https://")? + "https://".len()..];
    let host = url
        .split(['/', ':', ' ', '"'])
        .next()
        .filter(|h| !h.is_empty())?;
    let apiserver = a.cluster.pods.iter().find(|p| {
        p.name().starts_with("kube-apiserver")
            || p.labels().get("component").map(String::as_str) == Some("kube-apiserver")
    })?;
    let env: Vec<(&str, &str)> = apiserver
        .spec
        .as_ref()?
        .containers
        .iter()
        .flat_map(|c| c.env.iter().flatten())
        .filter_map(|e| Some((e.name.as_str(), e.value.as_deref()?)))
        .collect();
    let var = |n: &str| {
        env.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| *v)
    };
    let proxy = var("HTTPS_PROXY").filter(|v| !v.is_empty())?;
    let no_proxy = var("NO_PROXY").unwrap_or("");
    if crate::model::no_proxy_spares(no_proxy, host) {
        return None;
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            apiserver.objref(),
            format!(
                "the API server ({}) sends its calls to webhook host {host} through the proxy {proxy} (HTTPS_PROXY), since its NO_PROXY (`{no_proxy}`) does not spare it, and the proxy cannot reach a cluster Service: the pods of {owner} are refused",
                apiserver.objref()
            ),
        )
        .fix(format!(
            "Add the cluster's own names and ranges to NO_PROXY of the kube-apiserver (`.svc,.svc.cluster.local,.cluster.local`, the Service and pod CIDRs) in its static pod manifest (`/etc/kubernetes/manifests/kube-apiserver.yaml` on each control-plane node, for kubeadm also its configuration's extra env); the kubelet restarts the API server and its calls to {host} go direct."
        ))
        .links(links.to_vec()),
    )
}

/// The ServiceAccount a custom object's spec names (`serviceAccountName`
/// at any depth: a TaskRun's spec, a PipelineRun's `taskRunTemplate`).
fn account_named(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Object(m) => m
            .get("serviceAccountName")
            .and_then(|n| n.as_str())
            .map(str::to_owned)
            .or_else(|| m.values().find_map(account_named)),
        serde_json::Value::Array(a) => a.iter().find_map(account_named),
        _ => None,
    }
}

/// Whether a webhook's rules intercept the creation of pods.
fn intercepts_pod_create(h: &serde_json::Value) -> bool {
    let has = |v: Option<&serde_json::Value>, want: &str| {
        v.and_then(|v| v.as_array()).is_some_and(|a| {
            a.iter()
                .any(|x| matches!(x.as_str(), Some(s) if s == want || s == "*"))
        })
    };
    h.get("rules")
        .and_then(|r| r.as_array())
        .is_some_and(|rules| {
            rules
                .iter()
                .any(|r| has(r.get("resources"), "pods") && has(r.get("operations"), "CREATE"))
        })
}

/// A pod creation that times out and names no webhook (`Timeout: request
/// did not complete within requested timeout`, `context deadline
/// exceeded`, kubernetes/kubernetes#71508): the API server waited on an
/// admission webhook that intercepts pods. One that calls a URL outside the
/// cluster's Services is the configuration's; one behind a Service is
/// followed as a webhook the API server cannot reach.
fn unnamed_timeout<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    message: &str,
    owner: &ObjRef,
    links: Vec<Link>,
) -> Option<Vec<Hypothesis>> {
    let m = message.trim().trim_start_matches("Error creating: ").trim();
    let timed_out = m.starts_with("Timeout: request did not complete within")
        || m == "context deadline exceeded";
    if !timed_out || m.contains("admission webhook") {
        return None;
    }
    let hooks: Vec<_> = super::admission::webhooks(a)
        .filter(|(_, h)| intercepts_pod_create(h))
        .collect();
    let name = |h: &serde_json::Value| h.get("name").and_then(|n| n.as_str()).map(str::to_owned);
    if let Some((o, h)) = hooks
        .iter()
        .find(|(_, h)| h.get("clientConfig").and_then(|c| c.get("url")).is_some())
    {
        let webhook = name(h)?;
        let url = h.get("clientConfig")?.get("url")?.as_str()?;
        let timeout = h.get("timeoutSeconds").and_then(|t| t.as_i64());
        let policy = h
            .get("failurePolicy")
            .and_then(|p| p.as_str())
            .unwrap_or("Fail");
        let config = ObjRef::new(o.obj.kind.clone(), None, o.name());
        return Some(vec![
            Hypothesis::new(
                80,
                Loop::Identity,
                config.clone(),
                format!("creating the pods of {owner} times out (`{}`) while admission webhook \"{webhook}\" ({config}) intercepts every pod creation and calls {url}, outside the cluster's Services, with timeoutSeconds {} and failurePolicy {policy}: a call that hangs holds each create request until the API server gives up, so Ignore does not help", day2_model::redact::excerpt(m, 120), timeout.map_or_else(|| "unset (10s in v1, 30s in v1beta1)".to_owned(), |t| t.to_string())),
            )
            .fix(format!("Point webhook \"{webhook}\" at a server that answers, or delete {config} (`kubectl delete {} {}`) if nothing serves {url} any more; lower its timeoutSeconds (to a few seconds) so a dead webhook cannot outlast the create request.", config.kind.to_ascii_lowercase(), config.name))
            .links(links),
        ]);
    }
    // One webhook behind a Service: followed as one the API server cannot reach.
    let [(_, h)] = hooks.as_slice() else {
        return None;
    };
    let webhook = name(h)?;
    Some(super::admission::webhook_cause(
        a,
        d,
        &webhook,
        None,
        &crate::messages::admission::WebhookError::Unreachable,
        owner,
        links,
    ))
}
