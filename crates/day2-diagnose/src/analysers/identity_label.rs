//! Azure workload identity's label on the wrong object: the webhook
//! (`azure-workload-identity`) mutates pods labelled
//! `azure.workload.identity/use: "true"` (a label since v1.0), reading the
//! pod's own labels. On a Job's or Deployment's own metadata it reaches no
//! pod: the pods get no token and no `AZURE_*` environment, and whatever
//! they call in Azure fails (Azure/azure-workload-identity#1185); on a
//! CronJob's own metadata it does not even reach its Jobs (#754).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;
use day2_model::cloud::AZURE_CLIENT_ANNOTATION;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

mod unmutated;

const USE: &str = "azure.workload.identity/use";

/// aad-pod-identity's selector label, which its NMI reads from the pod
/// (`aadpodidbinding: <AzureIdentityBinding selector>`); on the Deployment
/// only, every token request of the pod gets `nmi response failed with
/// status code: 404` (Azure/aad-pod-identity#1210).
const POD_IDENTITY: &str = "aadpodidbinding";

/// The identity label an object carries, and its value.
fn labelled(meta: &ObjectMeta) -> Option<(&'static str, &str)> {
    let l = meta.labels.as_ref()?;
    if let Some(v) = l.get(USE).filter(|v| *v == "true") {
        return Some((USE, v));
    }
    l.get(POD_IDENTITY)
        .filter(|v| !v.is_empty())
        .map(|v| (POD_IDENTITY, v.as_str()))
}

pub fn on_workload<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    // The workload's own metadata, its pod template's, and its ServiceAccount.
    let (obj, meta, template, sa) = match d.subject {
        Subject::Job(j) => {
            let t = j.spec.as_ref().map(|s| &s.template);
            let sa = t
                .and_then(|t| t.spec.as_ref())
                .map(day2_model::pod::service_account);
            // A CronJob's Job copies its jobTemplate, not the CronJob's own
            // labels (Azure/azure-workload-identity#754).
            let cron = j
                .metadata
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.kind == "CronJob")
                .and_then(|o| {
                    a.cluster
                        .cron_jobs
                        .iter()
                        .find(|c| c.ns_or_default() == j.ns_or_default() && c.name() == o.name)
                })
                .filter(|_| labelled(&j.metadata).is_none());
            match cron {
                Some(c) => (
                    c.objref(),
                    &c.metadata,
                    t.and_then(|t| t.metadata.as_ref()),
                    sa,
                ),
                None => (
                    j.objref(),
                    &j.metadata,
                    t.and_then(|t| t.metadata.as_ref()),
                    sa,
                ),
            }
        }
        Subject::Pod(p) => {
            if labelled(&p.metadata).is_some_and(|(l, _)| l == USE) {
                return unmutated::unmutated(a, p).into_iter().collect();
            }
            if labelled(&p.metadata).is_some() {
                return vec![];
            }
            let owner = crate::model::workload_ref(a.cluster, p);
            let ns = owner.namespace.as_deref().unwrap_or("default");
            let Some(w) = a
                .workloads_in(ns)
                .iter()
                .find(|w| w.kind == owner.kind && w.name == owner.name)
            else {
                return vec![];
            };
            let sa = p.spec.as_deref().map(day2_model::pod::service_account);
            (owner, w.meta, Some(&p.metadata), sa)
        }
        _ => return vec![],
    };
    let Some((label, value)) = labelled(meta) else {
        return vec![];
    };
    if template.and_then(labelled).is_some() {
        return vec![];
    }
    let ns = obj.namespace.as_deref().unwrap_or("default");
    let sa = sa.unwrap_or("default");
    if label == POD_IDENTITY {
        return vec![
            Hypothesis::new(
                84,
                Loop::Identity,
                obj.clone(),
                format!("{obj} carries the label `{POD_IDENTITY}: {value}` on its own metadata, not on its pod template: aad-pod-identity's NMI matches the pods' labels to an AzureIdentityBinding, so its pods get no identity (`nmi response failed with status code: 404`) and their Azure calls fail"),
            )
            .fix(format!("Move the label `{POD_IDENTITY}: {value}` into the pod template of {obj} (`spec.template.metadata.labels`), matching the AzureIdentityBinding's `selector`, and roll the pods.")),
        ];
    }
    let identity = a
        .service_account(ns, sa)
        .and_then(|s| s.annotation(AZURE_CLIENT_ANNOTATION))
        .map(|c| format!(" (ServiceAccount {ns}/{sa} names client id {c})"))
        .unwrap_or_default();
    vec![
        Hypothesis::new(
            84,
            Loop::Identity,
            obj.clone(),
            format!("{obj} carries the label `{USE}: \"true\"` on its own metadata, not on its pod template: the workload identity webhook reads the pods' labels, so its pods get no Azure token{identity} and their Azure calls fail"),
        )
        .fix(format!("Move the label `{USE}: \"true\"` into the pod template of {obj} (`spec.template.metadata.labels`; for a CronJob `spec.jobTemplate.spec.template.metadata.labels`) and run it again: the webhook then injects AZURE_CLIENT_ID, AZURE_TENANT_ID and the projected token.")),
    ]
}
