//! A CSI controller the cloud does not know: its API answers 401 (no or
//! wrong credentials), not 403 (a known identity refused an action). The
//! cause is what the controller presents, so the controller's workload
//! and where its credentials should come from: a token the manifest
//! forgets to pass (digitalocean/csi-digitalocean#155: `401 Unable to
//! authenticate you`), a cloud config file a self-managed cluster never
//! wrote (kubernetes-sigs/azuredisk-csi-driver#583: `HTTPStatusCode: 401
//! … AuthenticationFailed`).

use day2_model::Loop;
use day2_model::Workload;

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;

/// Whether a cloud API's answer says the caller is not authenticated.
pub(crate) fn unauthenticated(msg: &str) -> bool {
    let l = msg.to_ascii_lowercase();
    [
        ": 401 ",
        "httpstatuscode: 401",
        "status code: 401",
        "401 unauthorized",
        "unable to authenticate you",
        "\"authenticationfailed\"",
        "invalidauthenticationtoken",
    ]
    .iter()
    .any(|p| l.contains(p))
}

/// The provisioner's controller that the cloud cannot authenticate.
pub(super) fn provisioner_unauthenticated(
    a: &Analysis<'_>,
    provisioner: &str,
    claim: &str,
    msg: &str,
) -> Option<Hypothesis> {
    if !unauthenticated(msg) {
        return None;
    }
    // The only CSI controller of the cluster stands for the driver when its
    // names say nothing of it, for an error a CSI driver returned.
    let w = super::csi::provisioner_workload(a, provisioner).or_else(|| {
        msg.contains("rpc error")
            .then(|| sole_controller(a))
            .flatten()
    })?;
    let (ns, seen) = (w.namespace(), reads(a, w));
    let said = crate::messages::volume::provisioner_says(msg).unwrap_or(msg);
    let summary = format!(
        "{provisioner} cannot provision {claim}: the cloud's API does not authenticate {} {ns}/{} (\"{}\"): {seen}",
        w.kind,
        w.name(),
        day2_model::redact::excerpt(said, 160)
    );
    let fix = if provisioner.contains("digitalocean") {
        format!(
            "Pass the API token to the driver container of {} {ns}/{}: `env: [{{name: DIGITALOCEAN_ACCESS_TOKEN, valueFrom: {{secretKeyRef: {{name: digitalocean, key: access-token}}}}}}]` (the Secret in {ns} holding a read-write token), then restart its pods.",
            w.kind,
            w.name()
        )
    } else if provisioner.contains("azure") {
        format!(
            "Give {} {ns}/{} the cluster's Azure credentials: on a self-managed cluster create Secret {ns}/azure-cloud-provider with key `cloud-config` holding azure.json (tenantId, subscriptionId, aadClientId, aadClientSecret, resourceGroup, location), or write /etc/kubernetes/azure.json on the nodes it runs on; then restart its pods.",
            w.kind,
            w.name()
        )
    } else {
        format!(
            "Give the driver container of {} {ns}/{} the cloud credentials its manifest documents (an access token or key from a Secret through `secretKeyRef`, or the cloud config file it reads), check they are current, then restart its pods.",
            w.kind,
            w.name()
        )
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            day2_model::ObjRef::new(w.kind, Some(ns), w.name()),
            summary,
        )
        .fix(fix),
    )
}

/// The only controller (not a DaemonSet) that runs a `csi-provisioner`
/// sidecar: the provisioner, when its name says nothing of the driver's.
fn sole_controller<'a>(a: &'a Analysis<'_>) -> Option<&'a Workload<'a>> {
    let mut all = a.workloads_all().iter().filter(|w| {
        w.kind != "DaemonSet"
            && w.spec
                .containers
                .iter()
                .any(super::csi::is_provisioner_sidecar)
    });
    let one = all.next()?;
    all.next().is_none().then_some(one)
}

/// Where the controller's containers take secrets from, or that none does
/// while a Secret of its namespace is named after the driver.
fn reads(a: &Analysis<'_>, w: &Workload<'_>) -> String {
    let ns = w.namespace();
    // Each source with the Secret it names, if it names one.
    let mut from: Vec<(String, Option<&str>)> = Vec::new();
    for c in &w.spec.containers {
        for e in c.env.iter().flatten() {
            if let Some(r) = e
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
            {
                from.push((
                    format!("env {} from Secret {ns}/{}", e.name, r.name),
                    Some(&r.name),
                ));
            }
        }
        for e in c.env_from.iter().flatten() {
            if let Some(r) = &e.secret_ref {
                from.push((
                    format!("the environment of Secret {ns}/{}", r.name),
                    Some(&r.name),
                ));
            }
        }
    }
    for v in w.spec.volumes.iter().flatten() {
        if let Some(s) = v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) {
            from.push((format!("Secret {ns}/{s} as a volume"), Some(s)));
        }
        if let Some(p) = v.host_path.as_ref().map(|h| h.path.as_str())
            && p.starts_with("/etc/kubernetes")
        {
            from.push((format!("the node's {p} (hostPath)"), None));
        }
    }
    let secrets = &a.cluster.secrets;
    let mut missing: Vec<String> = from
        .iter()
        .filter_map(|(_, name)| *name)
        .filter(|name| {
            !secrets.is_empty()
                && !secrets
                    .iter()
                    .any(|s| s.ns_or_default() == ns && s.name() == *name)
        })
        .map(|name| format!("Secret {ns}/{name} is not in the input"))
        .collect();
    missing.dedup();
    let from: Vec<String> = from.into_iter().map(|(said, _)| said).collect();
    if from.is_empty() {
        let unread: Vec<String> = a
            .cluster
            .secrets
            .iter()
            .filter(|s| s.ns_or_default() == ns)
            .filter(|s| {
                w.spec.containers.iter().any(|c| {
                    c.image.as_deref().is_some_and(|i| {
                        i.split(['/', ':'])
                            .any(|part| part.len() >= 4 && s.name().contains(part))
                    })
                })
            })
            .map(|s| format!("Secret {ns}/{}", s.name()))
            .collect();
        return if unread.is_empty() {
            "none of its containers reads a Secret or a cloud config file".to_owned()
        } else {
            format!(
                "none of its containers reads a Secret, while {} is there for it",
                unread.join(", ")
            )
        };
    }
    let mut s = format!("it reads {}", from.join(", "));
    if !missing.is_empty() {
        s.push_str(&format!("; {}", missing.join(", ")));
    }
    s
}
