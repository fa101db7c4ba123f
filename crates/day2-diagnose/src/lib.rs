//! day2's cross-loop diagnosis: "the symptom is in one loop, the cause is in
//! another".
//!
//! The pipeline: **symptom detectors** (one module per family under
//! `symptoms/`) read pod status, conditions, container states and events;
//! **cause analysers** (one per hypothesis under `analysers/`) score
//! explanations with evidence from any loop; the **chain builder** orders the
//! evidence in time; diagnoses that share a root cause are **grouped** into
//! one incident, and the incident's evidence forms a cross-loop **timeline**.
//!
//! Pending analysers read placement through [`PlacementSource`]: computed
//! from the model by default, replaceable by a scheduler simulator
//! ([`diagnose_with`]). The upstream message parsers are public in
//! [`messages`].
//!
//! Depends on `day2-model`, `day2-context` (the [`day2_context::Context`] it
//! reads), `day2-sched` (placement) and `day2-rules` (resource helpers).
#![forbid(unsafe_code)]

mod analysers;
mod analysis;
mod evidence;
mod facts;
mod kind;
mod kubectl;
pub mod messages;
mod model;
pub mod netpol;
pub mod placement;
mod symptoms;

use analysis::{Analysis, Key, Resolved};
use day2_model::redact::{redact, redact_in_place};
use day2_model::report::{ChainLink, Diagnosis, RootCause, Symptom, TimelineEntry};
use day2_model::{Finding, Loop, ObjRef};
use evidence::{FindingIndex, Link};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;
use symptoms::{Detected, Kind};

pub use placement::{NodeVerdict, PlacementSource};

/// The bundled demo cluster: the seed's domino incident and one violation of each law.
pub const DEMO_CLUSTER: &str = include_str!("../demo/cluster.yaml");

/// Diagnoses and the incident timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiagnoseOutput {
    pub diagnoses: Vec<Diagnosis>,
    pub timeline: Vec<TimelineEntry>,
}

/// Most links one diagnosis chain carries (the timeline keeps the rest).
const MAX_CHAIN: usize = 40;
/// Most entries of the timeline.
const MAX_TIMELINE: usize = 200;

/// Diagnose a cluster: symptoms, their causes across loops, grouped into incidents.
pub fn diagnose(cx: &day2_context::Context<'_>, findings: &[Finding]) -> DiagnoseOutput {
    diagnose_with(cx, findings, None)
}

/// [`diagnose`] with placement evidence from another source (a scheduler simulator).
pub fn diagnose_with<'c>(
    cx: &'c day2_context::Context<'_>,
    findings: &'c [Finding],
    placement: Option<&'c dyn PlacementSource<'c>>,
) -> DiagnoseOutput {
    run(cx, findings, placement, None).0
}

/// What a diagnosis keeps for the next one over the same source (the
/// agent's): the scheduler simulator's verdicts on Pending pods, by
/// scheduling signature, while no kind they are worked out from changes.
#[derive(Debug, Default, Clone)]
pub struct Memo {
    verdicts: FxHashMap<Arc<str>, Option<Arc<placement::KeptVerdicts>>>,
}

impl Memo {
    /// Scheduling signatures whose verdicts are kept.
    pub fn kept(&self) -> usize {
        self.verdicts.len()
    }
}

/// The kinds a placement verdict is not worked out from: a change to these
/// alone keeps the verdicts. Everything else (nodes, pods and their status,
/// volumes, claims, classes, CSI objects, namespaces, priority classes,
/// kinds without a model) drops them. `tests/kept_verdicts.rs` checks each.
pub const PLACEMENT_IGNORES: day2_model::KindSet = {
    use day2_model::StoredKind::*;
    day2_model::KindSet::of(&[
        Event,
        Service,
        Endpoints,
        EndpointSlice,
        Ingress,
        IngressClass,
        NetworkPolicy,
        HorizontalPodAutoscaler,
        PodDisruptionBudget,
        ConfigMap,
        Secret,
        ServiceAccount,
        Role,
        RoleBinding,
        ClusterRole,
        ClusterRoleBinding,
        Deployment,
        ReplicaSet,
        StatefulSet,
        DaemonSet,
        Job,
        CronJob,
        ReplicationController,
        LimitRange,
        ResourceQuota,
    ])
};

/// [`diagnose`] for one of a sequence of clusters (the agent's): the
/// placement verdicts `memo` kept are used again when only kinds they do
/// not read ([`PLACEMENT_IGNORES`]) changed since (`changed`); the
/// diagnosis is the one [`diagnose`] gives.
pub fn diagnose_incremental(
    cx: &day2_context::Context<'_>,
    findings: &[Finding],
    memo: &mut Memo,
    changed: day2_model::KindSet,
) -> DiagnoseOutput {
    // Of a pod's status, the verdicts read its phase only (whether it holds
    // its node's resources): other status changes (restarts, readiness)
    // keep them.
    let keep = !changed.intersects(day2_model::KindSet::POD_PHASE)
        && changed.iter().all(|k| PLACEMENT_IGNORES.contains(k));
    let mut kept = std::mem::take(&mut memo.verdicts);
    if !keep {
        kept.clear();
    }
    let (out, worked_out) = run(cx, findings, None, Some(&kept));
    kept.extend(worked_out);
    memo.verdicts = kept;
    out
}

type Kept = FxHashMap<Arc<str>, Option<Arc<placement::KeptVerdicts>>>;

fn run<'c>(
    cx: &'c day2_context::Context<'_>,
    findings: &'c [Finding],
    placement: Option<&'c dyn PlacementSource<'c>>,
    kept: Option<&'c Kept>,
) -> (DiagnoseOutput, Kept) {
    let mut a = Analysis::new(
        cx.cluster,
        cx.cloud,
        FindingIndex::new(findings),
        &cx.config.exclude_namespaces,
        placement,
        cx.all_workloads(),
    );
    if let Some(k) = kept {
        a = a.with_kept(k);
    }
    // Results are shared between this list and the phases' indexes.
    let mut all: Vec<Arc<Resolved>> = Vec::new();

    // Phase 1a: claims and nodes (pods may depend on them).
    let claims = resolve_all(&a, symptoms::detect_claims(&a));
    let _ = a.claims.set(by_key(&claims, |r| r.object.clone()));
    all.extend(claims);
    let nodes = resolve_all(&a, symptoms::detect_nodes(&a));
    let _ = a.nodes.set(by_key(&nodes, |r| r.object.clone()));
    all.extend(nodes);
    day2_model::timings::mark("diagnosis: claims and nodes");

    // Phase 1b: pods. Pods of one scheduling signature are analysed
    // together, one group per task: their placement verdicts are computed
    // once and dropped when the group is done, so memory holds the
    // verdicts of the groups in flight, not of every signature met.
    let detected = symptoms::detect_pods(&a);
    day2_model::timings::mark("diagnosis: pod symptoms");
    // Pending pods read free capacity and placement verdicts: both are
    // built from every pod, so build them side by side before the groups
    // start (the first group would otherwise build them while others wait).
    // (Not the simulator when every Pending pod's verdicts are kept.)
    if detected.iter().any(|d| d.kind == Kind::PodPending) {
        let judge = detected
            .iter()
            .any(|d| d.kind == Kind::PodPending && d.pod().is_some_and(|p| !a.verdicts_kept(p)));
        rayon::join(
            || a.capacity(),
            || {
                if judge {
                    a.prepare_placement();
                }
            },
        );
    }
    let mut groups: Vec<(Option<Arc<str>>, Vec<usize>)> = Vec::new();
    let mut by_signature: FxHashMap<Arc<str>, usize> = FxHashMap::default();
    let keys: Vec<Option<Arc<str>>> = detected
        .par_iter()
        .map(|d| d.pod().and_then(|p| a.signature(p)))
        .collect();
    for (i, key) in keys.into_iter().enumerate() {
        match key {
            Some(k) => match by_signature.get(&k) {
                Some(&g) => groups[g].1.push(i),
                None => {
                    by_signature.insert(k.clone(), groups.len());
                    groups.push((Some(k), vec![i]));
                }
            },
            None => groups.push((None, vec![i])),
        }
    }
    drop(by_signature);
    let mut pods: Vec<(usize, Resolved)> = groups
        .par_iter()
        .flat_map_iter(|(key, members)| {
            let mut out: Vec<(usize, Resolved)> = members
                .iter()
                .map(|&i| (i, analysers::resolve(&a, &detected[i])))
                .collect();
            share_links(out.iter_mut().map(|(_, r)| r));
            if let Some(k) = key {
                a.forget(k);
            }
            out
        })
        .collect();
    pods.sort_unstable_by_key(|(i, _)| *i);
    let pods: Vec<Arc<Resolved>> = pods.into_iter().map(|(_, r)| Arc::new(r)).collect();
    let _ = a.pods.set(by_key(&pods, |r| r.object.clone()));
    all.extend(pods);
    day2_model::timings::mark("diagnosis: pods");

    // Phase 2: StatefulSets and Services (their pods' causes are known).
    let services = resolve_all(&a, symptoms::detect_services(&a));
    let _ = a.services.set(by_key(&services, |r| r.object.clone()));
    all.extend(services);
    all.extend(resolve_all(&a, symptoms::detect_statefulsets(&a)));
    // Controllers refused pods (a webhook's Service is known now), evicted
    // pods, LoadBalancers, Jobs (their pods' causes are known) and HPAs.
    all.extend(resolve_all(&a, symptoms::detect_create_failures(&a)));
    all.extend(resolve_all(&a, symptoms::detect_evictions(&a)));
    all.extend(resolve_all(&a, symptoms::detect_controllers(&a)));

    // Phase 3: Ingresses (their Services' causes are known).
    all.extend(resolve_all(&a, symptoms::detect_ingresses(&a)));
    day2_model::timings::mark("diagnosis: services, statefulsets, ingresses");

    // The analysis' caches (the simulator's state, free capacity, verdicts)
    // are freed while the results are grouped.
    let worked_out = a.take_worked_out();
    let (out, ()) = rayon::join(|| group(all), move || drop(a));
    (out, worked_out)
}

/// Let results hold one copy of each link they have in common (replicas
/// of one template mostly tell the same story about nodes and autoscaling).
fn share_links<'r>(results: impl Iterator<Item = &'r mut Resolved>) {
    let mut seen: Vec<Arc<Link>> = Vec::new();
    for r in results {
        for l in &mut r.links {
            match seen.iter().find(|s| ***s == **l) {
                Some(s) => *l = Arc::clone(s),
                None if seen.len() < MAX_SHARED_LINKS => seen.push(Arc::clone(l)),
                None => {}
            }
        }
    }
}

/// Distinct links a group of results compares against.
const MAX_SHARED_LINKS: usize = 64;

fn resolve_all<'c>(a: &Analysis<'c>, detected: Vec<Detected<'c>>) -> Vec<Arc<Resolved>> {
    detected
        .par_iter()
        .map(|d| Arc::new(analysers::resolve(a, d)))
        .collect()
}

/// Index results by (namespace, name) of their object; a pod with several
/// symptoms keeps the best-explained one (a Pending pod's first).
fn by_key(
    rs: &[Arc<Resolved>],
    obj: impl Fn(&Resolved) -> ObjRef,
) -> FxHashMap<Key, Arc<Resolved>> {
    let mut m: FxHashMap<Key, Arc<Resolved>> = FxHashMap::default();
    for r in rs {
        let o = obj(r);
        let key = (o.namespace.clone().unwrap_or_default(), o.name.clone());
        match m.get(&key) {
            Some(old)
                if (old.kind == Kind::PodPending, old.score)
                    >= (r.kind == Kind::PodPending, r.score) => {}
            _ => {
                m.insert(key, Arc::clone(r));
            }
        }
    }
    m
}

type RootKey = (Loop, Option<String>, String, Option<String>, String);

fn root_key(r: &RootCause) -> RootKey {
    (
        r.loop_,
        r.rule.clone(),
        r.object.kind.clone(),
        r.object.namespace.clone(),
        r.object.name.clone(),
    )
}

/// Order links: standing conditions without a time first, then by time.
fn order_chain(links: Vec<Link>) -> Vec<Link> {
    let mut seen = std::collections::HashSet::new();
    let mut links: Vec<Link> = links
        .into_iter()
        .filter(|l| seen.insert((l.loop_, l.object.clone(), l.what.clone())))
        .collect();
    links.sort_by_key(|l| l.at.map_or((0, None), |t| (1, Some(t))));
    links.truncate(MAX_CHAIN);
    links
}

/// Group symptoms by root cause: one diagnosis per (root cause, symptom kind),
/// the others of the same kind listed as also affected; every diagnosis of an
/// incident carries the incident's whole chain.
fn group(all: Vec<Arc<Resolved>>) -> DiagnoseOutput {
    let mut incidents: BTreeMap<RootKey, Vec<Arc<Resolved>>> = BTreeMap::new();
    for r in all {
        incidents.entry(root_key(&r.root)).or_default().push(r);
    }
    let mut ordered: Vec<Vec<Arc<Resolved>>> = incidents.into_values().collect();
    for members in &mut ordered {
        members.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then(a.since.cmp(&b.since))
                .then_with(|| a.object.cmp(&b.object))
        });
    }
    ordered.sort_by(|a, b| {
        let score = |m: &[Arc<Resolved>]| m.iter().map(|r| r.score).max().unwrap_or(0);
        let since = |m: &[Arc<Resolved>]| m.iter().filter_map(|r| r.since).min();
        evidence::confidence(score(b))
            .cmp(&evidence::confidence(score(a)))
            .then(since(a).cmp(&since(b)))
            .then_with(|| a[0].object.cmp(&b[0].object))
    });
    // Each incident is written up on its own (its chain redacted: most of
    // the work, as chains quote event messages), in parallel, then in order.
    let written: Vec<(Vec<Diagnosis>, Vec<Dated>)> = ordered
        .into_par_iter()
        .enumerate()
        .map(|(i, members)| incident(u32::try_from(i + 1).unwrap_or(u32::MAX), members))
        .collect();
    let mut diagnoses = Vec::new();
    let mut timeline: Vec<Dated> = Vec::new();
    for (d, t) in written {
        diagnoses.extend(d);
        timeline.extend(t);
    }
    let mut seen = std::collections::HashSet::new();
    timeline.retain(|(_, t)| seen.insert((t.at, t.loop_, t.object.clone(), t.what.clone())));
    timeline.sort_by_key(|(at, _)| *at);
    timeline.truncate(MAX_TIMELINE);
    DiagnoseOutput {
        diagnoses,
        timeline: timeline.into_iter().map(|(_, t)| t).collect(),
    }
}

/// A timeline entry and the time it is sorted by.
type Dated = (jiff::Timestamp, TimelineEntry);

/// The diagnoses of incident `number` (one per kind of symptom among its
/// members) and its timeline entries.
fn incident(number: u32, members: Vec<Arc<Resolved>>) -> (Vec<Diagnosis>, Vec<Dated>) {
    let mut diagnoses = Vec::new();
    let mut timeline: Vec<Dated> = Vec::new();
    let best = members
        .iter()
        .max_by_key(|r| r.score)
        .map_or(0, |r| r.score);
    // The first of the best (`max_by_key` keeps the last of equals:
    // reversed, the first), so that a kind whose first member is among
    // them says its own fix beside its own summary.
    let mut fix = members
        .iter()
        .rev()
        .max_by_key(|r| r.score)
        .map(|r| r.fix.clone())
        .unwrap_or_default();
    redact_in_place(&mut fix);
    // The incident's links: every member of a kind's first object, all kinds.
    let mut by_kind: BTreeMap<Kind, Vec<&Resolved>> = BTreeMap::new();
    for m in &members {
        by_kind.entry(m.kind).or_default().push(m);
    }
    let mut links: Vec<Link> = Vec::new();
    for rs in by_kind.values() {
        links.extend(rs[0].links.iter().map(|l| Link::clone(l)));
    }
    let mut ordered_links = order_chain(links);
    // Text from the cluster (event and status messages, log lines) enters
    // the report here; every output format shows it redacted.
    for l in &mut ordered_links {
        redact_in_place(&mut l.what);
        l.evidence.iter_mut().for_each(redact_in_place);
    }
    for l in &ordered_links {
        if let Some(at) = l.at {
            timeline.push((
                at,
                TimelineEntry {
                    at: Some(at),
                    loop_: l.loop_,
                    object: l.object.clone(),
                    what: l.what.clone(),
                },
            ));
        }
    }
    let chain: Vec<ChainLink> = ordered_links.into_iter().map(Link::into_chain).collect();
    for rs in by_kind.values() {
        let primary = rs[0];
        // Each object and note once, in order: a set, as an incident may
        // hold thousands of pods.
        let mut seen: rustc_hash::FxHashSet<&ObjRef> = Default::default();
        seen.insert(&primary.object);
        let also: Vec<ObjRef> = rs[1..]
            .iter()
            .filter(|r| seen.insert(&r.object))
            .map(|r| r.object.clone())
            .collect();
        let mut noted: rustc_hash::FxHashSet<&String> = Default::default();
        let mut missing: Vec<String> = rs
            .iter()
            .flat_map(|r| &r.missing)
            .filter(|m| noted.insert(*m))
            .cloned()
            .collect();
        // Nothing in the input explains it: the commands that would
        // fetch the next piece of evidence from the cluster.
        if primary.unexplained {
            missing.extend(kubectl::fetch(primary.kind, &primary.object));
        }
        missing.iter_mut().for_each(redact_in_place);
        let mut root_cause = primary.root.clone();
        redact_in_place(&mut root_cause.summary);
        let fix = if primary.score == best && primary.fix != fix {
            redact(&primary.fix).into_owned()
        } else {
            fix.clone()
        };
        diagnoses.push(Diagnosis {
            symptom: Symptom {
                kind: primary.kind.as_str().to_owned(),
                loop_: primary.kind.loop_(),
                object: primary.object.clone(),
                workload: primary.workload.clone(),
                since: primary.since,
                evidence: primary
                    .evidence
                    .iter()
                    .take(6)
                    .map(|e| redact(e).into_owned())
                    .collect(),
            },
            root_cause,
            chain: chain.clone(),
            fix,
            confidence: evidence::confidence(best),
            also_affected: also,
            missing_evidence: missing,
            unexplained: primary.unexplained,
            incident: number,
        });
    }
    (diagnoses, timeline)
}
