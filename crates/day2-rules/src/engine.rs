//! Running rules: the sink they report into, and suppression. What they
//! read, [`Context`], lives in `day2-context`, shared with the diagnosis.

use crate::config::Config;
use crate::{Rule, RuleMeta};
use day2_context::Context;
use day2_model::{Cloud, Finding, K8sObject, KindSet, ObjRef, Origin, Res, Workload};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The object a finding is about, with what suppression needs.
pub struct Target<'a> {
    pub object: ObjRef,
    pub origin: &'a Origin,
    /// Annotation maps to look for `day2.dev/ignore` in (object, pod template).
    pub annotations: [Option<&'a BTreeMap<String, String>>; 2],
    /// For a pod template: the pods in the input that run it.
    pub pods: u32,
    pub examples: [Option<&'a str>; day2_model::cluster::EXAMPLES],
}

impl<'a> Target<'a> {
    pub fn of<T: K8sObject>(r: &'a Res<T>) -> Self {
        Target {
            object: r.objref(),
            origin: &r.origin,
            annotations: [r.obj.meta().annotations.as_ref(), None],
            pods: 0,
            examples: Default::default(),
        }
    }

    pub fn workload(w: &Workload<'a>) -> Self {
        Target {
            object: w.objref(),
            origin: w.origin,
            annotations: [
                w.meta.annotations.as_ref(),
                w.template_meta.and_then(|t| t.annotations.as_ref()),
            ],
            pods: w.pods,
            examples: w.examples,
        }
    }
}

/// Annotation that suppresses rules on an object: `day2.dev/ignore: "ST001,CP002"`
/// (codes or names, or `all`), with an optional `day2.dev/ignore-reason`.
pub const IGNORE_ANNOTATION: &str = "day2.dev/ignore";

/// Collects one rule's findings.
pub struct Sink<'a> {
    meta: &'static RuleMeta,
    config: &'a Config,
    cloud: Cloud,
    severity: day2_model::Severity,
    pub(crate) findings: Vec<Finding>,
}

impl<'a> Sink<'a> {
    fn new(meta: &'static RuleMeta, cx: &'a Context<'_>) -> Self {
        let severity = cx
            .config
            .severity_for(meta.code, meta.name)
            .unwrap_or(meta.severity);
        Sink {
            meta,
            config: cx.config,
            cloud: cx.cloud,
            severity,
            findings: Vec::new(),
        }
    }

    /// Report a violation on `target`; `pointer` is the JSON pointer of the
    /// offending field (used for file:line:column on manifests).
    pub fn report(
        &mut self,
        target: Target<'_>,
        message: impl Into<String>,
        pointer: Option<&str>,
    ) {
        self.report_with(target, message, pointer, None, None);
    }

    /// Like [`Sink::report`], with an object-specific fix and/or severity.
    pub fn report_with(
        &mut self,
        target: Target<'_>,
        message: impl Into<String>,
        pointer: Option<&str>,
        fix: Option<String>,
        severity: Option<day2_model::Severity>,
    ) {
        let ns = target.object.namespace.as_deref();
        if ns.is_some_and(|ns| self.config.exclude_namespaces.iter().any(|n| n == ns))
            || self.suppressed(&target)
        {
            return;
        }
        let general = self.meta.fix.for_cloud(self.cloud);
        let fix = match fix {
            Some(specific) => Cow::Owned(format!("{specific} {general}").trim().to_owned()),
            None => Cow::Borrowed(general),
        };
        // A configured override wins over a rule's per-object severity.
        let severity = match self.config.severity_for(self.meta.code, self.meta.name) {
            Some(s) => s,
            None => severity.unwrap_or(self.severity),
        };
        self.findings.push(Finding {
            rule: Cow::Borrowed(self.meta.code),
            name: Cow::Borrowed(self.meta.name),
            loop_: self.meta.loop_,
            severity,
            location: target.origin.locate(pointer),
            object: target.object,
            message: message.into(),
            fix,
            pods: (target.pods > 0).then_some(target.pods),
            examples: target
                .examples
                .iter()
                .flatten()
                .map(|n| (*n).to_owned())
                .collect(),
        });
    }

    fn suppressed(&self, target: &Target<'_>) -> bool {
        target.annotations.iter().flatten().any(|ann| {
            ann.get(IGNORE_ANNOTATION).is_some_and(|v| {
                v.split([',', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .any(|c| {
                        c.eq_ignore_ascii_case(self.meta.code) || c == self.meta.name || c == "all"
                    })
            })
        })
    }
}

/// One finding per object and message: the template revisions of one
/// controller (two ReplicaSets of a Deployment mid-rollout, pods grouped by
/// revision) that share a finding share it once, their pods counted together.
fn merge_revisions(findings: Vec<Finding>) -> Vec<Finding> {
    // Each finding's first twin, found on borrowed keys: nothing is copied
    // when, as usual, every finding is its own.
    let first: Vec<usize> = {
        let mut at: rustc_hash::FxHashMap<(&ObjRef, &str), usize> = Default::default();
        findings
            .iter()
            .enumerate()
            .map(|(i, f)| *at.entry((&f.object, f.message.as_str())).or_insert(i))
            .collect()
    };
    if first.iter().enumerate().all(|(i, j)| i == *j) {
        return findings;
    }
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    for (i, j) in first.into_iter().enumerate() {
        // A twin always comes after the finding it merges into (j < i).
        if j >= i {
            continue;
        }
        let (head, tail) = slots.split_at_mut(i);
        let (Some(kept), Some(f)) = (head[j].as_mut(), tail[0].take()) else {
            continue;
        };
        if let Some(n) = f.pods {
            kept.pods = Some(kept.pods.unwrap_or(0) + n);
        }
        for ex in f.examples {
            if kept.examples.len() < day2_model::cluster::EXAMPLES && !kept.examples.contains(&ex) {
                kept.examples.push(ex);
            }
        }
    }
    slots.into_iter().flatten().collect()
}

/// Run every enabled rule over the cluster, in parallel.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    run_rules(cx, crate::registry::all())
}

pub(crate) fn run_rules(cx: &Context<'_>, rules: &[&'static dyn Rule]) -> Vec<Finding> {
    let enabled: Vec<&'static dyn Rule> = enabled(cx, rules);
    let findings = check_all(cx, &enabled, enabled.len())
        .into_iter()
        .flat_map(|(_, f)| f)
        .collect();
    sorted(findings)
}

/// The findings of the last run, for the next: a rule is run again only
/// when a kind it reads ([`RuleMeta::reads`]) changed, or the cloud did.
/// Keep one per sequence of runs over one source with one configuration
/// (the agent keeps one for its life).
#[derive(Debug, Default)]
pub struct Memo {
    cloud: Option<Cloud>,
    /// The rules whose findings `last` holds.
    ran: FxHashSet<&'static str>,
    /// The last run's findings, in their order.
    last: Vec<Finding>,
    rerun: usize,
}

impl Memo {
    /// How many rules the last run ran (the others' findings were kept).
    pub fn rerun(&self) -> usize {
        self.rerun
    }
}

/// [`run`], running only the rules that read a kind in `changed` since the
/// last run with this `memo` (every rule the first time): the others'
/// findings are the ones `memo` kept. The findings, and their order, are
/// those [`run`] gives on the cluster as it is now.
///
/// The kept findings are in order already: the new ones are sorted alone
/// and merged in. Two findings of different rules never compare equal (the
/// rule is part of the order), so the merge is the order a full sort gives.
pub fn run_incremental(cx: &Context<'_>, memo: &mut Memo, changed: KindSet) -> Vec<Finding> {
    if memo.cloud != Some(cx.cloud) {
        memo.ran.clear();
        memo.last.clear();
        memo.cloud = Some(cx.cloud);
    }
    let enabled = enabled(cx, crate::registry::all());
    let rerun: Vec<&'static dyn Rule> = enabled
        .iter()
        .copied()
        .filter(|r| changed.intersects(r.meta().reads) || !memo.ran.contains(r.meta().code))
        .collect();
    memo.rerun = rerun.len();
    // Kept: rules still enabled and not run again.
    let keep: FxHashSet<&'static str> = enabled
        .iter()
        .map(|r| r.meta().code)
        .filter(|c| memo.ran.contains(c) && !rerun.iter().any(|r| r.meta().code == *c))
        .collect();
    if rerun.is_empty() && keep.len() == memo.ran.len() {
        return memo.last.clone();
    }
    let fresh = sorted(
        check_all(cx, &rerun, enabled.len())
            .into_iter()
            .flat_map(|(_, f)| f)
            .collect(),
    );
    let last = std::mem::take(&mut memo.last);
    let kept = last.into_iter().filter(|f| keep.contains(&*f.rule));
    memo.last = merge_sorted(kept, fresh);
    memo.ran = keep;
    memo.ran.extend(rerun.iter().map(|r| r.meta().code));
    memo.last.clone()
}

/// Two runs of findings, each in [`sorted`]'s order, as one.
fn merge_sorted(a: impl Iterator<Item = Finding>, b: Vec<Finding>) -> Vec<Finding> {
    let mut out = Vec::with_capacity(a.size_hint().0 + b.len());
    let mut b = b.into_iter().peekable();
    for f in a {
        while let Some(g) = b.next_if(|g| order(g, &f).is_lt()) {
            out.push(g);
        }
        out.push(f);
    }
    out.extend(b);
    out
}

fn enabled(cx: &Context<'_>, rules: &[&'static dyn Rule]) -> Vec<&'static dyn Rule> {
    rules
        .iter()
        .copied()
        .filter(|r| cx.config.rule_enabled(r.meta().code, r.meta().name))
        .collect()
}

/// Run `rules` in parallel: each one's findings, its template revisions
/// merged. `of` is how many rules are enabled, for the timings.
fn check_all(
    cx: &Context<'_>,
    rules: &[&'static dyn Rule],
    of: usize,
) -> Vec<(&'static str, Vec<Finding>)> {
    if rules
        .iter()
        .any(|r| r.meta().reads.intersects(crate::reads::WORKLOADS))
    {
        // The workload list is built on the thread pool: build it once,
        // before the rules start, rather than in each rule that first asks.
        let _ = cx.workload_slice();
    }
    // With `DAY2_TIMINGS`, each rule's own time; the slowest are printed.
    let timed = day2_model::timings::enabled();
    let took: std::sync::Mutex<Vec<(f64, &'static str)>> = Default::default();
    let out = rules
        .par_iter()
        .map(|r| {
            let start = timed.then(std::time::Instant::now);
            let mut sink = Sink::new(r.meta(), cx);
            r.check(cx, &mut sink);
            let merged = merge_revisions(sink.findings);
            if let (Some(start), Ok(mut took)) = (start, took.lock()) {
                took.push((start.elapsed().as_secs_f64(), r.meta().code));
            }
            (r.meta().code, merged)
        })
        .collect();
    if timed && let Ok(mut took) = took.into_inner() {
        took.sort_by(|a, b| b.0.total_cmp(&a.0));
        let slowest: Vec<String> = took
            .iter()
            .take(8)
            .map(|(s, code)| format!("{code} {s:.3}s"))
            .collect();
        eprintln!(
            "[day2 timings] {} of {of} rules run; slowest: {}",
            rules.len(),
            slowest.join(", ")
        );
    }
    out
}

/// Most severe first, then by loop, rule and object; a rule's findings on
/// one object stay in the order it reported them.
fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.par_sort_by(order);
    findings
}

/// The report's order of findings: worst first, then by loop, rule and object.
fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then(a.loop_.cmp(&b.loop_))
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.object.cmp(&b.object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::{Loop, Severity};

    fn finding(name: &str, message: &str, pods: u32, example: &str) -> Finding {
        Finding {
            rule: Cow::Borrowed("CP001"),
            name: Cow::Borrowed("missing-resource-requests"),
            loop_: Loop::Compute,
            severity: Severity::High,
            object: ObjRef::new("Deployment", Some("shop"), name),
            message: message.into(),
            location: None,
            fix: Cow::Borrowed(""),
            pods: Some(pods),
            examples: vec![example.into()],
        }
    }

    #[test]
    fn two_revisions_of_one_template_are_one_finding_with_their_pods_counted() {
        let merged = merge_revisions(vec![
            finding("web", "no request", 3, "web-a-1"),
            finding("api", "no request", 2, "api-x-1"),
            finding("web", "no request", 4, "web-b-1"),
            finding("web", "no limit", 1, "web-a-1"),
        ]);
        let got: Vec<(&str, &str, Option<u32>, Vec<&str>)> = merged
            .iter()
            .map(|f| {
                let ex = f.examples.iter().map(String::as_str).collect();
                (f.object.name.as_str(), f.message.as_str(), f.pods, ex)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("web", "no request", Some(7), vec!["web-a-1", "web-b-1"]),
                ("api", "no request", Some(2), vec!["api-x-1"]),
                ("web", "no limit", Some(1), vec!["web-a-1"]),
            ]
        );
    }
}
