//! Why a controller cannot create its pods: the API server's refusal read
//! from the `FailedCreate` event, followed to the object that refuses —
//! a ResourceQuota, a LimitRange, the namespace's Pod Security level, an
//! admission webhook (its Service, endpoints and certificate) or a missing
//! ServiceAccount.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::admission::{CreateError, WebhookError, classify_create};
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::{DynObject, Event, Loop, ObjRef, Res};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The object at the top of a controller's owner chain, as far as the
/// controller's own reference tells (a ReplicaSet's Deployment, a Job's
/// CronJob), else the controller.
pub(super) fn top_owner(meta: &ObjectMeta, own: &ObjRef) -> ObjRef {
    meta.owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map_or_else(
            || own.clone(),
            |o| ObjRef::new(o.kind.clone(), own.namespace.as_deref(), o.name.clone()),
        )
}

/// An admission webhook configuration holding a webhook of this name.
pub struct WebhookConfig<'c> {
    pub obj: ObjRef,
    pub failure_policy: Option<&'c str>,
    /// The Service it calls: (namespace, name).
    pub service: Option<(&'c str, &'c str)>,
}

/// Every webhook of the admission webhook configurations in the input, with
/// the configuration holding it.
pub fn webhooks<'c>(
    a: &Analysis<'c>,
) -> impl Iterator<Item = (&'c Res<DynObject>, &'c serde_json::Value)> + 'c {
    a.cluster
        .other
        .iter()
        .filter(|o| {
            matches!(
                o.obj.kind.as_str(),
                "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration"
            )
        })
        .flat_map(|o| {
            o.obj
                .data
                .get("webhooks")
                .and_then(|w| w.as_array())
                .into_iter()
                .flatten()
                .map(move |h| (o, h))
        })
}

/// The Service a webhook calls: (namespace, name).
pub fn webhook_service(h: &serde_json::Value) -> Option<(&str, &str)> {
    let s = h.get("clientConfig")?.get("service")?;
    Some((s.get("namespace")?.as_str()?, s.get("name")?.as_str()?))
}

pub fn find_webhook<'c>(a: &Analysis<'c>, webhook: &str) -> Option<WebhookConfig<'c>> {
    webhooks(a)
        .find(|(_, h)| h.get("name").and_then(|n| n.as_str()) == Some(webhook))
        .map(|(o, h)| WebhookConfig {
            obj: ObjRef::new(o.obj.kind.clone(), None, o.name()),
            failure_policy: h.get("failurePolicy").and_then(|p| p.as_str()),
            service: webhook_service(h),
        })
}

/// The Secrets the pods behind a webhook's Service mount (where its serving
/// certificate usually lives), listed; `None` when there are none.
fn mounted_secrets(a: &Analysis<'_>, service: Option<&(String, String)>) -> Option<String> {
    let (ns, n) = service?;
    let secrets = serving_secrets(a, ns, n);
    (!secrets.is_empty()).then(|| secrets.join(", "))
}

/// The pods a webhook's Service `ns/service` selects.
pub(super) fn backend_pods<'c>(
    a: &Analysis<'c>,
    ns: &str,
    service: &str,
) -> Vec<&'c Res<day2_model::Pod>> {
    a.service(ns, service)
        .and_then(|svc| svc.spec.as_ref()?.selector.as_ref())
        .map(|sel| a.cluster.pods_matching_map(ns, sel))
        .unwrap_or_default()
}

fn serving_secrets(a: &Analysis<'_>, ns: &str, service: &str) -> Vec<String> {
    let mut out: Vec<String> = backend_pods(a, ns, service)
        .iter()
        .filter_map(|p| p.spec.as_ref())
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| v.secret.as_ref()?.secret_name.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A Secret the pods behind a webhook's Service mount that was written
/// after one of those pods started: the pod serves the certificate it read
/// at start, while the webhook configuration's caBundle may follow the new
/// one (a chart that regenerates both on upgrade without rolling the pods).
/// The Secret, the pod and its workload.
fn rewritten_after_start(
    a: &Analysis<'_>,
    service: Option<&(String, String)>,
) -> Option<(String, String, ObjRef)> {
    let (ns, n) = service?;
    backend_pods(a, ns, n).iter().find_map(|p| {
        // When its containers last started (they read the certificate then).
        let started = crate::model::container_statuses(p)
            .filter_map(|c| c.state.as_ref()?.running.as_ref()?.started_at.as_ref())
            .map(|t| t.0)
            .max()
            .or_else(|| crate::model::creation(&p.metadata))?;
        p.spec
            .as_ref()?
            .volumes
            .iter()
            .flatten()
            .filter_map(|v| v.secret.as_ref()?.secret_name.as_deref())
            .find_map(|name| {
                let secret = a
                    .cluster
                    .secrets
                    .iter()
                    .find(|x| x.ns_or_default() == ns && x.name() == name)?;
                (crate::model::creation(&secret.metadata)? > started).then(|| {
                    (
                        name.to_owned(),
                        p.name().to_owned(),
                        crate::model::workload_ref(a.cluster, p),
                    )
                })
            })
    })
}

pub fn failed_create<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Controller { meta, template } = d.subject else {
        return vec![];
    };
    let Detail::Message(message) = &d.detail else {
        return vec![];
    };
    let ns = d.object.namespace.as_deref().unwrap_or("default");
    let event: Option<&Event> = d.events_with("FailedCreate").last();
    let refused = |what: &str| -> Vec<Link> {
        event
            .map(|e| Link::from_event(Loop::Compute, e, what.to_owned()))
            .into_iter()
            .collect()
    };
    let owner = top_owner(meta, &d.object);
    let spec = template.and_then(|t| t.spec.as_ref());
    match classify_create(message) {
        CreateError::QuotaExceeded { quota } => {
            let q = a
                .cluster
                .resource_quotas
                .iter()
                .find(|q| q.ns_or_default() == ns && q.name() == quota);
            let usage = q
                .and_then(|q| q.status.as_ref())
                .map(|s| {
                    let fmt = |m: &Option<std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>| {
                        m.iter()
                            .flatten()
                            .map(|(k, v)| format!("{k}={}", v.0))
                            .collect::<Vec<_>>()
                            .join(",")
                    };
                    format!("; used {} of hard {}", fmt(&s.used), fmt(&s.hard))
                })
                .unwrap_or_default();
            vec![
                Hypothesis::new(
                    if q.is_some() { 92 } else { 80 },
                    Loop::Compute,
                    ObjRef::new("ResourceQuota", Some(ns), quota.clone()),
                    format!(
                        "ResourceQuota {ns}/{quota} is exhausted: {} cannot create its pods{usage}",
                        d.object.name
                    ),
                )
                .fix(format!(
                    "Raise the quota (`kubectl edit resourcequota -n {ns} {quota}`), free usage in namespace {ns}, or lower the requests/limits of {owner}'s pod template so the new pod fits the quota."
                ))
                .links(refused("the API server refuses the pod: quota exceeded")),
            ]
        }
        CreateError::QuotaRequires { quota, resources } => vec![
            Hypothesis::new(
                88,
                Loop::Compute,
                ObjRef::new("ResourceQuota", Some(ns), quota.clone()),
                format!(
                    "ResourceQuota {ns}/{quota} covers {resources}, so every pod must declare them; the pod template of {owner} does not"
                ),
            )
            .fix(format!(
                "Set {resources} (resources.requests / resources.limits) on every container and init container of {owner}, or add a LimitRange with defaultRequest/default values in namespace {ns}."
            ))
            .links(refused("the API server refuses the pod: quota requires requests/limits")),
        ],
        CreateError::LimitRange { resource, detail } => {
            let lr = a.cluster.limit_ranges.iter().filter(|l| l.ns_or_default() == ns).find(|l| {
                l.spec.iter().flat_map(|s| s.limits.iter()).any(|i| {
                    i.max.as_ref().is_some_and(|m| m.contains_key(&resource))
                        || i.min.as_ref().is_some_and(|m| m.contains_key(&resource))
                        || i.max_limit_request_ratio.as_ref().is_some_and(|m| m.contains_key(&resource))
                })
            });
            let ratio = detail.contains("limit to request ratio");
            let obj = lr.map_or_else(|| owner.clone(), |l| l.objref());
            vec![
                Hypothesis::new(
                    if lr.is_some() { 88 } else { 70 },
                    Loop::Compute,
                    obj,
                    format!(
                        "the pod template of {owner} breaks the LimitRange of namespace {ns}: {detail}"
                    ),
                )
                .fix(if ratio {
                    format!(
                        "Give every container of {owner} a non-zero {resource} request of at least its limit divided by the LimitRange's maxLimitRequestRatio ({detail}); a request of 0 or none never passes. Or change the ratio{} if the bound is wrong.",
                        lr.map(|l| format!(" (`kubectl edit limitrange -n {ns} {}`)", l.name())).unwrap_or_default()
                    )
                } else {
                    format!(
                        "Bring the {resource} requests/limits of {owner}'s containers within the LimitRange ({detail}), or change the LimitRange{} if the bound is wrong.",
                        lr.map(|l| format!(" `kubectl edit limitrange -n {ns} {}`", l.name())).unwrap_or_default()
                    )
                })
                .links(refused("the API server refuses the pod: LimitRange")),
            ]
        }
        CreateError::PodSecurity { level, violations } => {
            let enforce = a
                .cluster
                .namespaces
                .iter()
                .find(|n| n.name() == ns)
                .and_then(|n| n.labels().get("pod-security.kubernetes.io/enforce").cloned());
            vec![
                Hypothesis::new(
                    88,
                    Loop::Identity,
                    owner.clone(),
                    format!(
                        "the pod template of {owner} violates the Pod Security level \"{level}\" enforced on namespace {ns}{}: {violations}",
                        enforce.map(|e| format!(" (label pod-security.kubernetes.io/enforce={e})")).unwrap_or_default()
                    ),
                )
                .fix(format!(
                    "Make {owner}'s securityContext meet \"{level}\": runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [\"ALL\"], seccompProfile.type: RuntimeDefault (the violations list what is missing). Only if the workload truly needs privileges, relax the namespace: `kubectl label ns {ns} pod-security.kubernetes.io/enforce=baseline --overwrite`."
                ))
                .links(refused("Pod Security admission refuses the pod")),
            ]
        }
        CreateError::PodSecurityPolicy { tried } => vec![super::psp::refused(
            a,
            &owner,
            &d.object.kind,
            spec,
            &tried,
            refused("PodSecurityPolicy admission refuses the pod"),
        )],
        CreateError::TokenMissing { namespace, name } => {
            let sa_ns = namespace.as_deref().unwrap_or(ns);
            vec![
                Hypothesis::new(
                    86,
                    Loop::Identity,
                    ObjRef::new("ServiceAccount", Some(sa_ns), name.clone()),
                    format!("ServiceAccount {sa_ns}/{name} has no API token Secret, and the ServiceAccount admission of this API server refuses pods until it has one: the token controller in kube-controller-manager creates it, and it has not"),
                )
                .fix("The token controller runs only when kube-controller-manager has a signing key: start it with `--service-account-private-key-file` (the key whose public half the API server reads with `--service-account-key-file`), then the tokens appear and the controllers retry. On a cluster whose controller manager runs, read its log for the token controller's errors.".to_owned())
                .missing("kube-controller-manager's flags and log (the control plane's, not in the input)")
                .links(refused("the API server refuses the pod: its ServiceAccount has no token yet")),
            ]
        }
        CreateError::ServiceAccountMissing { name } => {
            let exists = a
                .cluster
                .service_accounts
                .iter()
                .any(|s| s.ns_or_default() == ns && s.name() == name);
            let named = spec.map(day2_model::pod::service_account) == Some(name.as_str());
            vec![
                Hypothesis::new(
                    if !exists { 90 } else { 60 },
                    Loop::Identity,
                    ObjRef::new("ServiceAccount", Some(ns), name.clone()),
                    format!(
                        "ServiceAccount {ns}/{name}{} does not exist, so the ServiceAccount admission refuses every pod of {owner}",
                        if named { ", named in the pod template," } else { "" }
                    ),
                )
                .fix(format!(
                    "Create it (`kubectl create serviceaccount -n {ns} {name}`, with the RBAC bindings it needs) or fix serviceAccountName in {owner}'s pod template; a Helm chart usually creates it with serviceAccount.create=true."
                ))
                .links(refused("the API server refuses the pod: ServiceAccount not found")),
            ]
        }
        CreateError::MissingObject { kind, name } => missing_object(a, kind, &name, &owner, refused(&format!("the API server refuses the pod: {kind} {name} not found"))),
        CreateError::Webhook { webhook, host, error } => webhook_cause(a, d, &webhook, host.as_deref(), &error, &owner, refused("an admission webhook call fails")),
        CreateError::Other
            if let Some(h) = match (d.object.kind.as_str(), event) {
                ("StatefulSet", Some(e)) => a
                    .cluster
                    .stateful_sets
                    .iter()
                    .find(|s| s.ns_or_default() == ns && s.name() == d.object.name)
                    .and_then(|s| super::invalid_spec::statefulset(s, "its pods", e)),
                _ => super::psp::scc_refused(&owner, message).or_else(|| super::invalid_spec::controller(&d.object, meta, "its pods", message, None))
                    .map(|h| h.links(refused("the API server refuses what the spec makes"))),
            } =>
        {
            vec![h]
        }
        CreateError::Other => vec![
            Hypothesis::new(
                25,
                Loop::Compute,
                d.object.clone(),
                format!(
                    "the API server refuses the pods of {} with an error the cluster's objects do not explain: {}",
                    d.object.name,
                    day2_model::redact::excerpt(message, 200)
                ),
            )
            .fix(format!(
                "Read the refusal in full (`kubectl describe {} -n {ns} {}`) and the API server's audit log for the admission plugin that refuses.",
                d.object.kind.to_lowercase(),
                d.object.name
            ))
            .missing("the admission plugin or policy that refuses the pod")
            .links(refused("the API server refuses the pod"))
            .unexplained(),
        ],
    }
}

/// An admission plugin cannot resolve a cluster-scoped object the pod
/// template names: the object, as the cluster holds it, is the cause.
fn missing_object(
    a: &Analysis<'_>,
    kind: &'static str,
    name: &str,
    owner: &ObjRef,
    links: Vec<Link>,
) -> Vec<Hypothesis> {
    let (field, create, known): (&str, String, Vec<&str>) = match kind {
        "PriorityClass" => (
            "priorityClassName",
            format!("`kubectl create priorityclass {name} --value=1000000`"),
            a.cluster
                .priority_classes
                .iter()
                .map(|p| p.name())
                .collect(),
        ),
        _ => (
            "runtimeClassName",
            format!("a RuntimeClass {name} whose handler the nodes' runtime configures"),
            Vec::new(),
        ),
    };
    // The admission plugin looked the object up itself: its word is the
    // evidence; an input holding the object means it was created since.
    let present = known.contains(&name);
    let others = if known.is_empty() {
        String::new()
    } else {
        format!(
            " (the cluster has {})",
            day2_model::text::short_list(&known, 5)
        )
    };
    vec![
        Hypothesis::new(
            if present { 55 } else { 88 },
            Loop::Compute,
            ObjRef::new(kind, None, name),
            format!("{kind} {name}, named in the pod template of {owner}, does not exist{others}, so admission refuses every pod"),
        )
        .fix(format!(
            "Create {kind} {name} ({create}), or set `{field}` in {owner}'s pod template to one that exists{others}."
        ))
        .links(links),
    ]
}

pub(super) fn webhook_cause<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    webhook: &str,
    host: Option<&str>,
    error: &WebhookError,
    owner: &ObjRef,
    links: Vec<Link>,
) -> Vec<Hypothesis> {
    let config = find_webhook(a, webhook);
    // The Service called: from the configuration, else from the URL's host `svc.ns.svc`.
    let service: Option<(String, String)> = config
        .as_ref()
        .and_then(|c| c.service)
        .map(|(ns, n)| (ns.to_owned(), n.to_owned()))
        .or_else(|| {
            let mut parts = host?.split('.');
            let name = parts.next()?;
            let ns = parts.next()?;
            Some((ns.to_owned(), name.to_owned()))
        });
    let config_obj = config.as_ref().map_or_else(
        || ObjRef::new("MutatingWebhookConfiguration", None, webhook),
        |c| c.obj.clone(),
    );
    let policy = config
        .as_ref()
        .and_then(|c| c.failure_policy)
        .unwrap_or("Fail");
    let svc_name = service
        .as_ref()
        .map(|(ns, n)| format!("Service {ns}/{n}"))
        .unwrap_or_else(|| "its Service".to_owned());
    let down = matches!(
        error,
        WebhookError::NoEndpoints { .. } | WebhookError::Unreachable
    );
    if down
        && policy == "Fail"
        && let Some((sns, sname)) = &service
        && serves_itself(a, d, sns, sname)
    {
        // The webhook's own pods need its admission to be created: no pod,
        // no endpoint, no admission. The deadlock the upstream docs warn of
        // ("Avoiding deadlocks in self-hosted webhooks"). Nothing is wrong
        // on the path to the webhook: the loop that stalls is the one that
        // admits pods, and admission, like authentication and
        // authorisation, is the API server deciding what may be done: the
        // identity loop.
        return vec![Hypothesis::new(
            90,
            Loop::Identity,
            config_obj.clone(),
            format!("admission webhook \"{webhook}\" ({config_obj}) is served by the pods of {owner}, which it must admit first: with failurePolicy {policy} and no endpoint behind Service {sns}/{sname}, their creation is refused, so the webhook never comes back"),
        )
        .fix(format!("Exclude the webhook's own pods from it: give webhook \"{webhook}\" a namespaceSelector that leaves out namespace {sns} (`matchExpressions: [{{key: kubernetes.io/metadata.name, operator: NotIn, values: [{sns}]}}]`) or an objectSelector that leaves out the pods of {owner}; to break the deadlock now, set failurePolicy: Ignore (or delete {config_obj}) until its pods run."))
        .links(links)];
    }
    let mut h = match error {
        WebhookError::Unreachable if policy == "Fail" && let Some(h) = super::webhook_path::tunnel_refused(owner, &config_obj, webhook) => h,
        WebhookError::NoEndpoints { .. } | WebhookError::ServiceNotFound { .. }
            if let Some(h) = super::webhook_path::service_gone(a, service.as_ref(), &config_obj, webhook) => h,
        WebhookError::NoEndpoints { .. } | WebhookError::ServiceNotFound { .. } => {
            let (obj, upstream) = match &service {
                Some((ns, n)) => (
                    ObjRef::new("Service", Some(ns), n.clone()),
                    a.service_result(ns, n),
                ),
                None => (config_obj.clone(), None),
            };
            let why = upstream
                .map(|r| format!(": {}", r.root.summary))
                .unwrap_or_default();
            let mut h = Hypothesis::new(
                88,
                Loop::Network,
                obj,
                format!(
                    "admission webhook \"{webhook}\" ({config_obj}) has no ready endpoint behind {svc_name}{why}; with failurePolicy {policy} every pod of {} is refused",
                    d.object.name
                ),
            )
            .fix(format!(
                "Bring the webhook's backend back (the pods behind {svc_name} must be Ready; {}), or, while it is down, set failurePolicy: Ignore on webhook \"{webhook}\" or narrow its namespaceSelector so {owner} is not sent to it.",
                upstream.map(|r| r.fix.clone()).unwrap_or_else(|| "`kubectl get endpoints` shows none".to_owned())
            ));
            if let Some(r) = upstream {
                h = h.links(r.links.iter().map(|l| Link::clone(l)));
            }
            h
        }
        WebhookError::CertificateExpired { not_yet_valid } => {
            let secret = mounted_secrets(a, service.as_ref())
                .map(|s| format!(" (the backend mounts Secret(s) {s})"))
                .unwrap_or_default();
            let (summary, fix) = if *not_yet_valid {
                (
                    format!("the serving certificate of admission webhook \"{webhook}\" ({svc_name}) is not yet valid: the API server's clock is behind the certificate's start time, or the certificate was just issued with a clock ahead"),
                    format!("Check clock synchronisation (NTP/chrony) on the control-plane nodes and the webhook's nodes; once the time is right the certificate becomes valid, or re-issue it{secret}."),
                )
            } else {
                (
                    format!("the serving certificate of admission webhook \"{webhook}\" ({svc_name}) has expired, so the API server cannot call it"),
                    format!("Renew the webhook's serving certificate{secret} and update caBundle in {config_obj}; restart the webhook's pods so they load it (cert-manager or the operator rotates it when it runs)."),
                )
            };
            Hypothesis::new(88, Loop::Identity, config_obj.clone(), summary).fix(fix)
        }
        WebhookError::CertificateName { wanted, valid } => {
            let wanted = wanted
                .clone()
                .or_else(|| host.map(str::to_owned))
                .unwrap_or_else(|| "the webhook's Service name".to_owned());
            let secret = mounted_secrets(a, service.as_ref())
                .map(|s| format!(" (Secret(s) {s} the backend mounts)"))
                .unwrap_or_default();
            let holds = valid
                .as_ref()
                .map(|v| format!("names only {v}"))
                .unwrap_or_else(|| "names no host in a subjectAltName (SAN)".to_owned());
            let san = if wanted.parse::<std::net::IpAddr>().is_ok() {
                format!("IP:{wanted}")
            } else {
                format!("DNS:{wanted}")
            };
            Hypothesis::new(
                88,
                Loop::Identity,
                config_obj.clone(),
                format!("the serving certificate of admission webhook \"{webhook}\" ({svc_name}) {holds}, not {wanted}, the name the API server calls: the API server refuses it (a Common Name is not read since Go 1.15)"),
            )
            .fix(format!("Re-issue the webhook's serving certificate{secret} with a subjectAltName (SAN) {san} (and the Service's other DNS names), then update caBundle in {config_obj} if the CA changed and restart the webhook's pods so they load it."))
        }
        WebhookError::UnknownAuthority => match rewritten_after_start(a, service.as_ref()) {
            Some((secret, pod, workload)) => {
                let sns = service.as_ref().map_or("default", |(n, _)| n.as_str());
                Hypothesis::new(
                    87,
                    Loop::Identity,
                    workload.clone(),
                    format!("the API server does not trust the certificate admission webhook \"{webhook}\" ({svc_name}) serves: Secret {sns}/{secret} was written after pod {pod} started, so the pod still serves the certificate it read at start, which the CA in caBundle of {config_obj} did not sign"),
                )
                .fix(format!("Restart the webhook's pods so they load the current certificate: `kubectl -n {sns} rollout restart {}/{}`. To keep it from recurring, roll them whenever the Secret changes (a checksum of the certificate in the pod template's annotations, or a server that reloads its certificate).", workload.kind.to_ascii_lowercase(), workload.name))
            }
            None => Hypothesis::new(
                85,
                Loop::Identity,
                config_obj.clone(),
                format!("the API server does not trust the certificate of admission webhook \"{webhook}\" ({svc_name}): caBundle in {config_obj} does not match the CA that signed the serving certificate"),
            )
            .fix(format!("Set caBundle of webhook \"{webhook}\" to the CA of its serving certificate (cert-manager's cainjector does it with the annotation cert-manager.io/inject-ca-from), and restart the webhook's pods if the certificate was re-issued since they started."
            )),
        },
        WebhookError::Unreachable if let Some(h) = super::webhook_path::unreachable(a, webhook, service.as_ref()) => h,
        WebhookError::Unreachable => {
            let obj = service
                .as_ref()
                .map_or_else(|| config_obj.clone(), |(ns, n)| ObjRef::new("Service", Some(ns), n.clone()));
            Hypothesis::new(
                70,
                Loop::Network,
                obj,
                format!("the API server cannot reach admission webhook \"{webhook}\" ({svc_name}) in time: a firewall or NetworkPolicy between the control plane and the webhook's port, or a backend too slow to answer"),
            )
            .fix(format!("Allow the control plane to reach the webhook's target port (on private GKE/EKS clusters a firewall rule or security group from the control plane to the nodes), check NetworkPolicies in front of {svc_name}, or set failurePolicy: Ignore while it is fixed."))
            .missing("the network path from the API server to the webhook (firewall rules are outside the cluster)")
        }
        WebhookError::Denied
            if let Some(h) = d
                .events
                .iter()
                .rev()
                .find_map(|e| super::admission_policy::constraint_denied(a, e.message_text(), owner)) =>
        {
            h
        }
        WebhookError::Denied | WebhookError::Other => Hypothesis::new(
            60,
            Loop::Compute,
            config_obj.clone(),
            format!("admission webhook \"{webhook}\" refuses the pods of {}", d.object.name),
        )
        .fix(format!("Read the webhook's reason in the FailedCreate event and its policy; change {owner}'s template to comply or fix the webhook's configuration {config_obj}.")),
    };
    h = h.links(links);
    vec![h]
}

/// Whether the Service a webhook calls selects the pods of the controller
/// whose pod creation it refuses: the webhook serves from the very pods it
/// must admit.
fn serves_itself(a: &Analysis<'_>, d: &Detected<'_>, ns: &str, name: &str) -> bool {
    let Subject::Controller { meta, template } = d.subject else {
        return false;
    };
    if meta.namespace.as_deref().unwrap_or("default") != ns {
        return false;
    }
    let Some(selector) = a
        .service(ns, name)
        .and_then(|s| s.spec.as_ref()?.selector.as_ref())
    else {
        return false;
    };
    let labels = template.and_then(|t| t.metadata.as_ref()?.labels.as_ref());
    labels.is_some_and(|l| day2_model::selector::map_selector_matches(selector, l))
}
