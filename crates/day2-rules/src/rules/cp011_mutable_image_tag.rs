//! CP011: images without a fixed tag (`:latest` or none).

use crate::reads;
use crate::util::{containers, image_tag};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP011",
    name: "mutable-image-tag",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Container image has no tag or uses `:latest` (and no digest)",
    law: law::COMPUTE,
    rationale: "With `:latest` (or no tag, which means latest) each node runs whatever the tag pointed to \
when that node pulled it: replicas of one Deployment run different code, a pod rescheduled by the \
autoscaler to a new node silently upgrades, and a rollback rolls back nothing. `imagePullPolicy` \
defaults to `Always` for such images, so every start depends on the registry being reachable. Placed in \
compute: it decides what the kubelet actually runs (see the placement note in docs/rules.md).",
    fix: Fix::generic(
        "Pin every image to a version tag, preferably with its digest (`repo/app:1.4.2@sha256:…`), and let your CD tooling bump it.",
    ),
    sources: "Same on every source (pod templates of every workload).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP011/fire.yaml"),
        silent: include_str!("../../fixtures/CP011/silent.yaml"),
    },
    peers: &[
        "kube-score container-image-tag",
        "KubeLinter latest-tag",
        "Polaris tagNotSpecified",
        "Checkov CKV_K8S_14",
    ],
};

pub struct MutableImageTag;

impl Rule for MutableImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for c in containers(w.spec) {
                let Some(image) = c.c.image.as_deref() else {
                    continue;
                };
                let (tag, digest) = image_tag(image);
                if digest {
                    continue;
                }
                let what = match tag {
                    None => "has no tag (latest)",
                    Some("latest") => "uses the `latest` tag",
                    Some(_) => continue,
                };
                sink.report(
                    Target::workload(&w),
                    format!(
                        "{} `{}` image `{image}` {what}: replicas can run different code",
                        c.role(),
                        c.c.name
                    ),
                    Some(&w.ptr(&format!("{}/image", c.pointer))),
                );
            }
        }
    }
}
