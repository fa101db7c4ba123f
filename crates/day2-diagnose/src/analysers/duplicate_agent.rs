//! Two copies of one node agent: a host-network DaemonSet whose pods crash
//! while another DaemonSet runs the same image, of another version, ready
//! on the same nodes. The older copy, left by an install into another
//! namespace or under another name, holds what the agent takes on the
//! node (its ports, its devices, its lock), so the new one cannot start
//! (weaveworks/weave#3040: Weave Net 2.0 in kube-system beside a 1.9
//! DaemonSet left in `default`).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;
use k8s_openapi::api::core::v1::PodSpec;

pub const KINDS: &[crate::symptoms::Kind] = &[crate::symptoms::Kind::CrashLoopBackOff];

/// The image repositories of a DaemonSet's containers, when it runs on
/// the host's network.
fn host_agent(spec: Option<&PodSpec>) -> Vec<&str> {
    let Some(spec) = spec else {
        return vec![];
    };
    if spec.host_network != Some(true) {
        return vec![];
    }
    spec.containers
        .iter()
        .filter_map(|c| c.image.as_deref())
        .map(crate::messages::image::repository)
        .collect()
}

pub fn second_copy<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let Some(owner) = a.cluster.owner_of(pod).filter(|o| o.kind == "DaemonSet") else {
        return vec![];
    };
    let Some(mine) = a
        .cluster
        .daemon_sets
        .iter()
        .find(|x| x.name() == owner.name && x.ns_or_default() == owner.namespace)
    else {
        return vec![];
    };
    let repos = host_agent(mine.spec.template.spec.as_ref());
    let Some(image) = model::spec_container(pod, container).and_then(|c| c.image.as_deref()) else {
        return vec![];
    };
    let repo = crate::messages::image::repository(image);
    if !repos.contains(&repo) {
        return vec![];
    }
    let Some(node) = model::node_name(pod) else {
        return vec![];
    };
    let other = a.cluster.daemon_sets.iter().find(|x| {
        !std::ptr::eq(*x, mine)
            && host_agent(x.spec.template.spec.as_ref()).contains(&repo)
            && a.cluster.pods_on_node(node).any(|q| {
                model::is_ready(q)
                    && a.cluster.owner_of(q).is_some_and(|o| {
                        o.kind == "DaemonSet"
                            && o.name == x.name()
                            && o.namespace == x.ns_or_default()
                    })
            })
    });
    let Some(other) = other else { return vec![] };
    let theirs = other
        .spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.containers.iter().find_map(|c| c.image.as_deref()))
        .filter(|i| crate::messages::image::repository(i) == repo)
        .unwrap_or(repo);
    let loop_ = model::infra_role(a.cluster, pod).map_or(Loop::Compute, |r| r.loop_);
    let (ons, oname) = (other.ns_or_default(), other.name());
    vec![
        Hypothesis::new(
            82,
            loop_,
            other.objref(),
            format!(
                "container {container} of {} ({image}) crashes on node {node}, where DaemonSet {ons}/{oname} runs another copy of the same agent ({theirs}) on the host's network and is ready: the older copy holds what the agent takes on the node (its ports, devices and lock)",
                pod.name()
            ),
        )
        .fix(format!(
            "Remove the duplicate: `kubectl -n {ons} delete daemonset {oname}` if it is the leftover of an earlier install (another namespace or name, another version), keeping the one you mean to run ({}/{}); the crashing pods start once the old ones are gone. Clean the node state the old one left if its release notes say so.",
            mine.ns_or_default(),
            mine.name()
        ))
        .link(Link::new(
            loop_,
            None,
            other.objref(),
            format!("DaemonSet {ons}/{oname} runs {theirs} on the host's network, ready on {node}"),
        )),
    ]
}
