//! Azure workload identity's label on the wrong object: the webhook
//! (`azure-workload-identity`) mutates pods labelled
//! `azure.workload.identity/use: "true"` (a label since v1.0), reading the
//! pod's own labels. On a Job's or Deployment's own metadata it reaches no
//! pod: the pods get no token and no `AZURE_*` environment, and whatever
//! they call in Azure fails (Azure/azure-workload-identity#1185).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;
use day2_model::cloud::AZURE_CLIENT_ANNOTATION;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

const USE: &str = "azure.workload.identity/use";

fn labelled(meta: &ObjectMeta) -> bool {
    meta.labels
        .as_ref()
        .and_then(|l| l.get(USE))
        .is_some_and(|v| v == "true")
}

pub fn on_workload<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    // The workload's own metadata, its pod template's, and its ServiceAccount.
    let (obj, meta, template, sa) = match d.subject {
        Subject::Job(j) => {
            let t = j.spec.as_ref().map(|s| &s.template);
            let sa = t
                .and_then(|t| t.spec.as_ref())
                .map(day2_model::pod::service_account);
            (
                j.objref(),
                &j.metadata,
                t.and_then(|t| t.metadata.as_ref()),
                sa,
            )
        }
        Subject::Pod(p) => {
            if labelled(&p.metadata) {
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
    if !labelled(meta) || template.is_some_and(labelled) {
        return vec![];
    }
    let ns = obj.namespace.as_deref().unwrap_or("default");
    let sa = sa.unwrap_or("default");
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
