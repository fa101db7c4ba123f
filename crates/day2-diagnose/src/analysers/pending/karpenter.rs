//! A Pending pod Karpenter cannot provision a node for because the node
//! pool meant for it (a NodePool, or a Provisioner before v0.32) allows no
//! instance type that satisfies the pod's requests under the pool's
//! requirements ([`crate::messages::karpenter`]). With Karpenter, no
//! existing node fitting the pod is the normal start; the pool that cannot
//! make one is the cause.

use super::{parts, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::karpenter::parse_refusals;
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef, selector};

pub fn karpenter_pool<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, _p)) = parts(d) else {
        return vec![];
    };
    if let Some(h) = pool_limits(a, d, pod).or_else(|| launch_failed(a, d, pod)) {
        return vec![h];
    }
    let found = d
        .events_with("FailedScheduling")
        .filter(|e| e.message_text().contains("incompatible with "))
        .filter_map(|e| {
            parse_refusals(e.message_text())
                .into_iter()
                .find(|r| r.no_instance_type.is_some())
                .map(|r| (e, r))
        })
        .last();
    let Some((event, refusal)) = found else {
        let out = unknown_label(a, d);
        return if out.is_empty() {
            silent(a, d, pod)
        } else {
            out
        };
    };
    let kind = refusal.kind.as_str();
    let pool = &refusal.pool;
    let requirements = refusal.no_instance_type.clone().unwrap_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            88,
            Loop::Compute,
            ObjRef::new(kind, None, pool.clone()),
            format!(
                "Karpenter cannot launch a node for {}: {kind} {pool} allows no instance type that offers the pod's requests (with the daemonset overhead) under its requirements: {requirements}",
                pod.name()
            ),
        )
        .fix(format!(
            "Widen the requirements of {kind} {pool} (more zones, instance categories, families or sizes; drop a requirement few instance types meet) so that some instance type offers the pod's requests plus the daemonset overhead, or lower the requests of {workload}; `kubectl get {} {pool} -o yaml` shows the requirements.",
            kind.to_ascii_lowercase()
        ))
        .link(Link::from_event(
            Loop::Compute,
            event,
            format!("Karpenter: no instance type satisfies {kind} {pool}'s requirements for the pod"),
        ))
        .links(scheduler_links(d)),
    ]
}

/// The label of Karpenter's `label "K" does not have known values` (with
/// its `(typo of "…"?)` suggestion, when it makes one): the pod asks for a
/// node label no pool defines, so no node Karpenter could launch has it
/// (kubernetes-sigs/karpenter, `pkg/scheduling/requirements.go`).
fn unknown_label_in(msg: &str) -> Option<(&str, Option<&str>)> {
    let (_, rest) = msg.split_once("label \"")?;
    let (label, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(" does not have known values")?;
    let typo = rest
        .strip_prefix(" (typo of \"")
        .and_then(|r| r.split_once('"'))
        .map(|(t, _)| t);
    Some((label, typo))
}

/// The pod selects on a label no Karpenter pool puts on its nodes: only
/// the nodes that already carry it can run the pod, and Karpenter cannot
/// add one. The pool is the object to change when the input holds exactly
/// one; otherwise the workload's selector is.
fn unknown_label<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, _p)) = parts(d) else {
        return vec![];
    };
    let Some((event, (label, typo))) = d
        .events_with("FailedScheduling")
        .filter_map(|e| unknown_label_in(e.message_text()).map(|l| (e, l)))
        .last()
    else {
        return vec![];
    };
    // The value the pod asks for, from its nodeSelector or required affinity.
    let wanted: Option<String> = spec
        .node_selector
        .as_ref()
        .and_then(|s| s.get(label).cloned())
        .or_else(|| {
            selector::required_node_affinity(spec)?
                .node_selector_terms
                .iter()
                .flat_map(|t| t.match_expressions.iter().flatten())
                .find(|e| e.key == label)
                .and_then(|e| e.values.as_ref()?.first().cloned())
        });
    let carrying: Vec<&str> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| {
            n.labels()
                .get(label)
                .is_some_and(|v| wanted.as_deref().is_none_or(|w| w == v))
        })
        .map(|n| n.name())
        .collect();
    let pools: Vec<ObjRef> = a
        .cluster
        .other
        .iter()
        .filter(|o| {
            matches!(o.kind.as_str(), "NodePool" | "Provisioner")
                && o.api_version.starts_with("karpenter.sh/")
        })
        .map(|o| o.objref())
        .collect();
    let workload = model::workload_ref(a.cluster, pod);
    let pair = match &wanted {
        Some(v) => format!("{label}: {v}"),
        None => label.to_owned(),
    };
    let typo_note = typo
        .map(|t| format!(" (Karpenter asks whether {label} is a typo of {t})"))
        .unwrap_or_default();
    let on_nodes = match carrying.len() {
        0 => "no node in the cluster carries it".to_owned(),
        n => format!(
            "only the {n} node(s) that carry it ({}) can run the pod, and the scheduler placed it on none of them",
            day2_model::text::short_list(&carrying, 3)
        ),
    };
    let (root, change) = match pools.as_slice() {
        [pool] => (
            pool.clone(),
            format!(
                "add `{pair}` to {} {}'s `spec.template.metadata.labels` (or a requirement on {label}), or create a pool for these pods",
                pool.kind, pool.name
            ),
        ),
        _ => (
            workload.clone(),
            format!(
                "define `{pair}` in the template labels of the Karpenter pool meant for {workload}, or drop the {label} selector from its pod template"
            ),
        ),
    };
    vec![
        Hypothesis::new(
            84,
            Loop::Compute,
            root,
            format!(
                "Karpenter cannot launch a node for {}: the pod requires node label {label}, which no Karpenter pool defines{typo_note}; {on_nodes}",
                pod.name()
            ),
        )
        .fix(format!(
            "Karpenter only launches nodes with the labels its pools define: {change}. Until then, lower the requests of {workload} so it fits on the labelled node(s), or free room there."
        ))
        .link(Link::from_event(
            Loop::Compute,
            event,
            format!("Karpenter: label {label} has no known values in any pool"),
        ))
        .links(scheduler_links(d)),
    ]
}

/// Karpenter's `all available instance types exceed limits for nodepool
/// (NodePool=<name>)` (`…for provisioner` before v0.32): the pool's
/// `spec.limits` caps what all its nodes together may hold, and its
/// `status.resources` has reached them, so it launches nothing more for
/// the pod however many instance types would fit.
/// A pod short of capacity for ten minutes or more while a Karpenter pool
/// could add it and no node has joined since it went Pending, Karpenter's
/// controller running: Karpenter fails to launch, and says why only in its
/// log (an `UnauthorizedOperation` for `ec2:CreateFleet` or `RunInstances`
/// its IAM policy lacks, no subnet or security group its discovery tags
/// find; aws/karpenter-provider-aws#2519). That lives in the cloud account.
fn silent<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
) -> Vec<Hypothesis> {
    let short = d
        .events_with("FailedScheduling")
        .any(|e| e.message_text().contains("Insufficient "));
    // Short of room, any pool; no node that matches the pod's selection,
    // a pool whose nodes would carry the labels it selects.
    let unmatched = d.events_with("FailedScheduling").any(|e| {
        e.message_text()
            .contains("didn't match Pod's node affinity/selector")
    });
    let selector = pod.spec.as_ref().and_then(|s| s.node_selector.as_ref());
    let pool = (short || unmatched)
        .then(|| {
            a.cluster.other.iter().find(|o| {
                matches!(o.kind.as_str(), "NodePool" | "Provisioner")
                    && o.obj.api_version.starts_with("karpenter.sh/")
                    && (short || selector.is_some_and(|sel| pool_labels(o, sel)))
            })
        })
        .flatten();
    let (Some(pool), Some(since), Some(now)) = (pool, d.since, a.observed_at()) else {
        return vec![];
    };
    let minutes = now.duration_since(since).as_secs() / 60;
    if minutes < 10 {
        return vec![];
    }
    let controller = a
        .workloads_all()
        .iter()
        .find(|w| w.name().contains("karpenter"))
        .map(|w| ObjRef::new(w.kind, Some(w.namespace()), w.name()));
    let joined = a
        .cluster
        .nodes
        .iter()
        .any(|n| model::creation(&n.metadata).is_some_and(|c| c >= since));
    let (Some(controller), false) = (controller, joined) else {
        return vec![];
    };
    let (ns, name) = (
        controller.namespace.clone().unwrap_or_default(),
        controller.name.clone(),
    );
    vec![
        Hypothesis::new(
            88,
            Loop::Compute,
            model::workload_ref(a.cluster, pod),
            format!("{} has waited {minutes} minutes for capacity that Karpenter's {} {} should add, and no node has joined since: Karpenter ({controller}) is not launching nodes, for a reason only its log shows", pod.name(), pool.kind, pool.name()),
        )
        .fix(format!("Read Karpenter's log (`kubectl logs -n {ns} deploy/{name}`): an `UnauthorizedOperation` names the action its IAM policy (the controller role) must allow (`ec2:CreateFleet`, `ec2:RunInstances`, `ec2:CreateLaunchTemplate`, `iam:PassRole` for the node role), and an `explicit deny in a service control policy` is the AWS organisation's SCP (often one that requires tags on every launch: add them to the node template's `tags`); no subnet or security group found means the `karpenter.sh/discovery` tags its node template selects are missing; an `InsufficientInstanceCapacity` or quota error names the instance types."))
        .missing("the Karpenter controller's log and the cloud account's IAM policy")
        .links(scheduler_links(d))
        .unexplained(),
    ]
}

/// A NodeClaim Karpenter could not launch (`Launched` False, the cloud's
/// refusal in its message) while a pod waits for capacity: an IAM refusal
/// names the action the controller's role lacks (`iam:PassRole` on the
/// node role, aws/karpenter-provider-aws#5444); anything else is the
/// launch's own reason.
fn launch_failed<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
) -> Option<Hypothesis> {
    let condition = || {
        a.cluster.other.iter().find_map(|o| {
            if !matches!(o.kind.as_str(), "NodeClaim" | "Machine") {
                return None;
            }
            let conditions = o.obj.data.get("status")?.get("conditions")?.as_array()?;
            conditions.iter().find_map(|c| {
                let launched = c.get("type")?.as_str()? == "Launched";
                let failed = c.get("status")?.as_str()? == "False";
                let message = c.get("message")?.as_str()?;
                (launched && failed && !message.is_empty()).then_some((o, message))
            })
        })
    };
    // Else the cloud's refusal in a Warning event on Karpenter's own
    // objects (an EC2NodeClass that cannot create its instance profile:
    // `iam:PassRole` on the node role, aws/karpenter-provider-aws#6036).
    let event = || {
        a.cluster
            .other
            .iter()
            .filter(|o| o.obj.api_version.starts_with("karpenter."))
            .find_map(|o| {
                a.cluster
                    .events_for(&o.obj.kind, o.namespace(), o.name(), o.uid())
                    .into_iter()
                    .rev()
                    .filter(|e| e.type_ == "Warning")
                    .map(|e| e.message_text())
                    .find(|m| super::super::cloud_policy::denied(m).is_some())
                    .map(|m| (o, m))
            })
    };
    let (claim, message) = condition().or_else(event)?;
    let said = day2_model::redact::excerpt(message, 240);
    // An organisation's service control policy denies the launch whatever
    // the controller's role allows: the account's, not the cluster's.
    if message.contains("explicit deny in a service control policy") {
        return Some(
            Hypothesis::new(
                88,
                Loop::Compute,
                claim.objref(),
                format!("{} waits for a node Karpenter cannot launch: an AWS Organizations service control policy (SCP) on the account denies the launch, whatever Karpenter's role allows: `{said}`", pod.name()),
            )
            .fix("The SCP is the AWS organisation's, outside the cluster: have its owners exempt the action for this account or role, or meet the condition it enforces (often tags every launch must carry: add them to the EC2NodeClass's `tags`, or a region or instance-type restriction); Karpenter retries the launch on its own.")
            .missing("the service control policies attached to the account (AWS Organizations)")
            .links(scheduler_links(d))
            .unexplained(),
        );
    }
    let controller = a
        .workloads_all()
        .iter()
        .find(|w| w.name().contains("karpenter"))
        .map(|w| (w.namespace(), day2_model::pod::service_account(w.spec)));
    let h = match (super::super::cloud_policy::denied(message), controller) {
        (Some(denied), Some((ns, sa))) => Hypothesis::new(
            86,
            Loop::Identity,
            ObjRef::new("ServiceAccount", Some(ns), sa),
            format!(
                "{} waits for a node Karpenter cannot launch: {} {} failed to launch because the cloud refuses {} to Karpenter's role (ServiceAccount {ns}/{sa}): `{said}`",
                pod.name(),
                claim.obj.kind,
                claim.name(),
                denied.action()
            ),
        )
        .fix(format!(
            "Allow `{}` in the IAM policy of the role ServiceAccount {ns}/{sa} assumes (for `iam:PassRole`, on the node role the EC2NodeClass names, which must match the role's name exactly); Karpenter retries the launch on its own.",
            denied.action()
        )),
        _ => Hypothesis::new(
            80,
            Loop::Compute,
            claim.objref(),
            format!(
                "{} waits for a node Karpenter cannot launch: NodeClaim {} failed to launch: `{said}`",
                pod.name(),
                claim.name()
            ),
        )
        .fix(format!(
            "Act on what the launch failure says (`kubectl describe nodeclaim {}`: an instance type without capacity, a quota, a subnet or security group the node class cannot find), then let Karpenter retry.",
            claim.name()
        )),
    };
    Some(h.links(scheduler_links(d)))
}

fn pool_limits<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    pod: &day2_model::Res<day2_model::Pod>,
) -> Option<Hypothesis> {
    let (event, name) = d
        .events_with("FailedScheduling")
        .filter_map(|e| {
            let m = e.message_text();
            let (_, rest) = m.split_once("exceed limits for ")?;
            let (_, rest) = rest.split_once('=')?;
            let name = rest.split([')', ' ', ',']).next()?.trim();
            (!name.is_empty()).then(|| (e, name.to_owned()))
        })
        .last()?;
    let pool = a.cluster.other.iter().find(|o| {
        matches!(o.kind.as_str(), "NodePool" | "Provisioner")
            && o.api_version.starts_with("karpenter.sh/")
            && o.name() == name
    });
    let limits = pool
        .and_then(|p| p.data.get("spec")?.get("limits")?.as_object().cloned())
        .unwrap_or_default();
    let used = pool.and_then(|p| p.data.get("status")?.get("resources")?.as_object().cloned());
    // The limits reached: used at or above the limit (the pod's own need
    // on top is what cannot fit).
    let reached: Vec<String> = limits
        .iter()
        .map(|(k, v)| {
            let lim = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            let now = used.as_ref().and_then(|u| u.get(k)).map(|u| {
                u.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| u.to_string())
            });
            match now {
                Some(n) => format!("{k}: {n} of {lim} used"),
                None => format!("{k}: limit {lim}"),
            }
        })
        .collect();
    let kind = pool.map(|p| p.kind.as_str()).unwrap_or("NodePool");
    let root = pool
        .map(|p| p.objref())
        .unwrap_or_else(|| ObjRef::new(kind, None, &name));
    let shown = if reached.is_empty() {
        String::new()
    } else {
        format!(" ({})", day2_model::text::short_list(&reached, 3))
    };
    Some(
        Hypothesis::new(
            88,
            Loop::Compute,
            root,
            format!("Karpenter launches no node for {}: {kind} {name} has reached its `spec.limits`{shown}, which cap the resources of all its nodes together", pod.name()),
        )
        .fix(format!("Raise `spec.limits` of {kind} {name} (`kubectl edit {} {name}`) by at least what the pod asks for, or let another pool serve it; Karpenter launches on its next attempt.", kind.to_ascii_lowercase()))
        .link(Link::from_event(Loop::Compute, event, "Karpenter: instance types exceed the pool's limits"))
        .links(scheduler_links(d)),
    )
}

/// Whether nodes of Karpenter pool `o` carry every label of `selector`: the
/// pool's own labels (a Provisioner's `spec.labels`, a NodePool's
/// `spec.template.metadata.labels`) or a requirement `In` that value.
fn pool_labels(
    o: &day2_model::Res<day2_model::DynObject>,
    selector: &std::collections::BTreeMap<String, String>,
) -> bool {
    let spec = o.obj.data.get("spec");
    let labels = spec
        .and_then(|s| s.get("labels"))
        .or_else(|| spec?.get("template")?.get("metadata")?.get("labels"));
    let requirements = spec
        .and_then(|s| s.get("requirements"))
        .or_else(|| spec?.get("template")?.get("spec")?.get("requirements"))
        .and_then(|r| r.as_array());
    !selector.is_empty()
        && selector.iter().all(|(k, v)| {
            labels
                .and_then(|l| l.get(k))
                .and_then(|x| x.as_str())
                .is_some_and(|x| x == v)
                || requirements.into_iter().flatten().any(|r| {
                    r.get("key").and_then(|x| x.as_str()) == Some(k.as_str())
                        && r.get("operator").and_then(|x| x.as_str()) == Some("In")
                        && r.get("values")
                            .and_then(|x| x.as_array())
                            .is_some_and(|vs| vs.iter().any(|x| x.as_str() == Some(v.as_str())))
                })
        })
}

#[cfg(test)]
mod tests {
    use super::unknown_label_in;

    #[test]
    fn karpenters_unknown_label_with_and_without_a_typo_hint() {
        assert_eq!(
            unknown_label_in(
                r#"Failed to schedule pod, incompatible requirements, label "workload" does not have known values (typo of "workload-class"?)"#
            ),
            Some(("workload", Some("workload-class")))
        );
        assert_eq!(
            unknown_label_in(
                r#"Failed to schedule pod, did not tolerate taint (taint=CriticalAddonsOnly:NoSchedule); incompatible requirements, label "NodeGroupType" does not have known values"#
            ),
            Some(("NodeGroupType", None))
        );
        assert_eq!(unknown_label_in("label \"x\" has values"), None);
    }
}
