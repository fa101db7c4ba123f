//! Breadth for symptoms no analyser explains: walk every reference the
//! symptom's pod (or pod template) makes and report what is wrong along it.
//!
//! Each edge is checked against what the input holds: a ServiceAccount, a
//! ConfigMap, a Secret, a key of either, a claim, its volume, a pull secret,
//! the node. A reference to nothing (when the input holds that kind at all),
//! a claim that is not Bound, or a node that is not Ready is evidence,
//! wherever it sits; a reference the input cannot check is listed with the
//! command that would. Family analysers are more precise and score higher;
//! this finds what nobody wrote an analyser for.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::kubectl::shell_word;
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::references::{ConfigKind, ConfigRef, Via, config_refs, is_injected_token_volume};
use day2_model::{Loop, ObjRef};
use k8s_openapi::api::core::v1::PodSpec;

pub mod graph;
mod hpa;
mod ingress;
mod netpol;
mod service;
mod webhook;

/// What walking a symptom's graph found: anomalies (with the rule that
/// fired on the same fact, if any), best first, and the references the
/// input could not check (each with its `kubectl` command).
#[derive(Default)]
struct Walked {
    pub found: Vec<(Anomaly, Option<&'static str>)>,
    pub unchecked: Vec<String>,
}

impl Walked {
    pub fn push(&mut self, x: Anomaly) {
        self.found.push((x, None));
    }

    pub fn push_rule(&mut self, x: Anomaly, rule: Option<&'static str>) {
        self.found.push((x, rule));
    }

    /// A reference the input cannot check: `kubectl get` fetches it.
    pub fn unchecked(&mut self, kind: &str, ns: Option<&str>, name: &str, via: &str) {
        let at = ns.map(|n| format!("{n}/")).unwrap_or_default();
        let flag = ns
            .map(|n| format!("-n {} ", shell_word(n)))
            .unwrap_or_default();
        let line = format!(
            "{kind} {at}{name} ({via}) is not in the input: `kubectl get {} {flag}{}`",
            kind.to_ascii_lowercase(),
            shell_word(name)
        );
        if !self.unchecked.contains(&line) {
            self.unchecked.push(line);
        }
    }
}

/// What is wrong along one reference.
struct Anomaly {
    score: u32,
    loop_: Loop,
    object: ObjRef,
    what: String,
    fix: String,
}

/// The references of a pod spec in `ns` that resolve to nothing, lead to
/// something unhealthy, or cannot be checked from the input.
fn walk<'c>(
    a: &Analysis<'c>,
    ns: &str,
    spec: &'c PodSpec,
    node: Option<&str>,
    resolved: &Resolved,
    unchecked: &mut Vec<String>,
) -> Vec<Anomaly> {
    let c = a.cluster;
    let ix = a.references();
    let mut out = Vec::new();
    let mut absent =
        |kind: &'static str, name: &str, loop_: Loop, via: &str, out: &mut Vec<Anomaly>| {
            // Only where the input shows that kind was captured in `ns`.
            if ix.held.contains(&(kind, ns)) {
                out.push(Anomaly {
                    score: 45,
                    loop_,
                    object: ObjRef::new(kind, Some(ns), name),
                    what: format!("{kind} {ns}/{name}, which {via}, does not exist"),
                    fix: format!(
                        "Create {kind} {ns}/{name} or correct the reference to it ({via})."
                    ),
                });
            } else {
                unchecked.push(format!(
                    "{kind} {ns}/{name} ({via}) is not in the input: `kubectl get {} -n {} {}`",
                    kind.to_ascii_lowercase(),
                    shell_word(ns),
                    shell_word(name)
                ));
            }
        };
    // The ServiceAccount.
    let sa = day2_model::pod::service_account(spec);
    // A namespace's `default` ServiceAccount is made again by the
    // controller manager within seconds; for a pod whose containers have
    // run, its absence from the input is the capture's.
    let made_again = sa == "default" && resolved.all_volumes;
    if !made_again && !ix.service_accounts.contains_key(&(ns, sa)) {
        absent(
            "ServiceAccount",
            sa,
            Loop::Identity,
            "the pod runs as",
            &mut out,
        );
    }
    // ConfigMaps and Secrets: volumes, projected sources, env and envFrom.
    // What the kubelet needs before the pod starts: optional references
    // and the token volume's CA bundle (the control plane publishes it) are
    // left out.
    let needed: Vec<ConfigRef<'_>> = config_refs(spec)
        .into_iter()
        .filter(|r| {
            !r.optional
                && !matches!(r.via, Via::Volume { volume, projected: true } if is_injected_token_volume(volume))
                && !resolved.shows(&r.via)
        })
        .collect();
    let said = |r: &ConfigRef<'_>| match r.via {
        Via::Volume {
            volume,
            projected: false,
        } => format!("volume {volume} mounts"),
        Via::Volume {
            volume,
            projected: true,
        } => format!("projected volume {volume} mounts"),
        Via::EnvFrom { container, role } => {
            format!("{role} {container} loads its environment from")
        }
        Via::Env {
            container,
            role,
            var,
        } => format!("env {var} of {role} {container} reads"),
    };
    // A Secret's loop follows what reads it (`secret_loop`).
    let read_by = |r: &ConfigRef<'_>| match r.via {
        Via::Volume { volume, .. } => super::secret_loop::in_spec(spec, volume, r.name),
        Via::Env { .. } | Via::EnvFrom { .. } => super::secret_loop::ENV,
    };
    let of = |kind: ConfigKind| -> Vec<(&str, Option<&str>, String, Loop)> {
        needed
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| (r.name, r.key, said(r), read_by(r)))
            .collect()
    };
    let (cms, secrets) = (of(ConfigKind::ConfigMap), of(ConfigKind::Secret));
    for (name, key, via, _) in cms {
        match ix.config_maps.get(&(ns, name)) {
            None => absent("ConfigMap", name, Loop::Compute, &via, &mut out),
            Some(cm) => {
                if let Some(k) = key {
                    let has = cm.data.as_ref().is_some_and(|d| d.contains_key(k))
                        || cm.binary_data.as_ref().is_some_and(|d| d.contains_key(k));
                    if !has {
                        out.push(key_missing("ConfigMap", ns, name, k, &via));
                    }
                }
            }
        }
    }
    for (name, key, via, loop_) in secrets {
        match ix.secrets.get(&(ns, name)) {
            None => absent("Secret", name, loop_, &via, &mut out),
            Some(s) => {
                if let Some(k) = key
                    && !s.keys.iter().any(|x| x.name == k)
                {
                    out.push(key_missing("Secret", ns, name, k, &via));
                }
            }
        }
    }
    for r in spec.image_pull_secrets.iter().flatten() {
        if !ix.secrets.contains_key(&(ns, r.name.as_str())) {
            absent(
                "Secret",
                &r.name,
                Loop::Identity,
                "the pod pulls its images with",
                &mut out,
            );
        }
    }
    // Claims and their volumes.
    for claim in model::claims(spec) {
        let Some(pvc) = c.pvc(ns, claim) else {
            absent(
                "PersistentVolumeClaim",
                claim,
                Loop::Storage,
                "the pod mounts",
                &mut out,
            );
            continue;
        };
        let phase = pvc
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Pending");
        // `Lost`: the claim was bound and its PersistentVolume is gone
        // (the persistent-volume controller's `ClaimLost`); it never binds
        // again on its own.
        if phase == "Lost" {
            let pv = pvc
                .spec
                .as_ref()
                .and_then(|s| s.volume_name.as_deref())
                .unwrap_or("its volume");
            out.push(Anomaly {
                score: 50,
                loop_: Loop::Storage,
                object: pvc.objref(),
                what: format!("claim {ns}/{claim}, which the pod mounts, is Lost: the PersistentVolume it was bound to ({pv}) no longer exists"),
                fix: format!(
                    "A Lost claim does not bind again: recreate PersistentVolume {pv} (from a backup or a snapshot, with the same name and a claimRef to {ns}/{claim}), or delete claim {ns}/{claim} and let it be provisioned anew through a StorageClass that works (`kubectl get storageclass`: one marked default, or the claim's storageClassName); the data on the lost volume is not in the new one."
                ),
            });
        } else if phase != "Bound" {
            out.push(Anomaly {
                score: 40,
                loop_: Loop::Storage,
                object: pvc.objref(),
                what: format!("claim {ns}/{claim}, which the pod mounts, is {phase}"),
                fix: format!(
                    "`kubectl describe pvc -n {} {}`: its events say why it is not Bound.",
                    shell_word(ns),
                    shell_word(claim)
                ),
            });
        } else if let Some(pv) = pvc.spec.as_ref().and_then(|s| s.volume_name.as_deref())
            && c.pv(pv).is_none()
            && !c.pvs.is_empty()
        {
            out.push(Anomaly {
                score: 45,
                loop_: Loop::Storage,
                object: pvc.objref(),
                what: format!("claim {ns}/{claim} is bound to PersistentVolume {pv}, which does not exist"),
                fix: format!("The volume behind {ns}/{claim} is gone: restore it from a snapshot or recreate the claim."),
            });
        }
    }
    // The node.
    if let Some(n) = node {
        match c.node(n) {
            None if !c.nodes.is_empty() => out.push(Anomaly {
                score: 40,
                loop_: Loop::Compute,
                object: ObjRef::new("Node", None, n),
                what: format!("the pod is bound to node {n}, which is not in the cluster"),
                fix: format!("The node is gone: delete the pod so its controller recreates it elsewhere (`kubectl delete pod -n {ns} <pod>`)."),
            }),
            // A host-network agent on a node whose pod network is not ready
            // is the network's own plugin: its crash is why, not because.
            Some(node)
                if model::node_condition(node, "Ready").is_none_or(|r| r.status != "True")
                    && !(spec.host_network == Some(true)
                        && model::node_condition(node, "Ready")
                            .and_then(|r| r.message.as_deref())
                            .is_some_and(|m| m.contains("NetworkPluginNotReady") || m.contains("network plugin"))) =>
            {
                out.push(Anomaly {
                    score: 40,
                    loop_: Loop::Compute,
                    object: node.objref(),
                    what: format!("the pod's node {n} is not Ready"),
                    fix: format!("`kubectl describe node {}` and the kubelet's log on it.", shell_word(n)),
                })
            }
            _ => {}
        }
    }
    out
}

fn key_missing(kind: &str, ns: &str, name: &str, key: &str, via: &str) -> Anomaly {
    Anomaly {
        score: 45,
        loop_: Loop::Compute,
        object: ObjRef::new(kind, Some(ns), name),
        what: format!("{kind} {ns}/{name} has no key {key}, which {via}"),
        fix: format!(
            "Add key {key} to {kind} {ns}/{name}, or correct the key the pod reads ({via})."
        ),
    }
}

/// The references of a pod or pod template, walked: the first thing wrong
/// along them as a low-scored cause, every reference the input could not
/// check as missing evidence.
pub fn references<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((ns, spec, node)) = pod_spec(d) else {
        return vec![];
    };
    let mut unchecked = Vec::new();
    let found = walk(a, ns, spec, node, &Resolved::of(d), &mut unchecked);
    let mut hs: Vec<Hypothesis> = found
        .into_iter()
        .map(|x| {
            let mut h = Hypothesis::new(x.score, x.loop_, x.object.clone(), x.what.clone())
                .fix(x.fix)
                .link(Link::new(x.loop_, None, x.object, x.what));
            for u in &unchecked {
                h = h.missing(u.clone());
            }
            h
        })
        .collect();
    hs.truncate(1);
    hs
}

/// What the kubelet shows it resolved for the symptom's pod: references it
/// resolved cannot be missing, whatever the input lacks. Volumes are
/// mounted before any container starts, so a container that ran had every
/// volume; a mount wait (`unmounted volumes=[…]`) names the only volumes
/// still waiting; a container's environment is read at each start, so one
/// that started and is not waiting on its configuration had every
/// reference of its `env` and `envFrom`.
#[derive(Default)]
struct Resolved {
    all_volumes: bool,
    /// From the kubelet's mount wait: the volumes not mounted.
    waiting: Option<Vec<String>>,
    /// Containers whose environment was read.
    env_read: Vec<String>,
    /// The volumes the kubelet's `MountVolume.SetUp failed for volume "X"`
    /// events name: a volume they leave out mounted (the kubelet reports
    /// each volume it cannot mount).
    failing: Vec<String>,
}

impl Resolved {
    fn of(d: &Detected<'_>) -> Resolved {
        match d.subject {
            Subject::Pod(p) => Resolved::of_pod(
                p,
                d.events_with("FailedMount"),
                d.events_with("FailedCreatePodSandBox").next().is_some(),
            ),
            _ => Resolved::default(),
        }
    }

    /// From `pod`'s container statuses and its `FailedMount` events.
    ///
    /// The kubelet creates a pod's sandbox only once its volumes are
    /// mounted (`syncPod` waits for them first): a pod whose sandbox it
    /// tried to create (`sandbox_tried`) had every volume.
    fn of_pod<'e>(
        pod: &day2_model::Pod,
        failed_mounts: impl Iterator<Item = &'e day2_model::Event>,
        sandbox_tried: bool,
    ) -> Resolved {
        let ran = |cs: &day2_model::pod::ContainerStatus| {
            cs.state
                .as_ref()
                .is_some_and(|s| s.running.is_some() || s.terminated.is_some())
                || cs
                    .last_state
                    .as_ref()
                    .is_some_and(|s| s.terminated.is_some())
        };
        let config_wait = |cs: &day2_model::pod::ContainerStatus| {
            cs.state
                .as_ref()
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                == Some("CreateContainerConfigError")
        };
        let statuses: Vec<_> = model::container_statuses(pod).collect();
        let failed_mounts: Vec<&day2_model::Event> = failed_mounts.collect();
        let failing = failed_mounts
            .iter()
            .filter_map(|e| {
                let m = e.message_text();
                let rest = m.split_once(" failed for volume \"")?.1;
                Some(rest.split('"').next()?.to_owned())
            })
            .collect();
        let waiting = failed_mounts
            .iter()
            .filter_map(|e| crate::messages::volume::parse_mount_wait(e.message_text()))
            .map(|w| {
                let mut v = w.unmounted;
                v.extend(w.unattached);
                v
            })
            .rfind(|v| !v.is_empty());
        Resolved {
            all_volumes: sandbox_tried || statuses.iter().any(|cs| ran(cs)),
            waiting,
            env_read: statuses
                .iter()
                .filter(|cs| ran(cs) && !config_wait(cs))
                .map(|cs| cs.name.clone())
                .collect(),
            failing,
        }
    }

    fn shows(&self, via: &Via<'_>) -> bool {
        match via {
            Via::Volume { volume, .. } => {
                self.all_volumes
                    || self
                        .waiting
                        .as_ref()
                        .is_some_and(|w| !w.iter().any(|v| v == volume))
                    || (self.waiting.is_none()
                        && !self.failing.is_empty()
                        && !self.failing.iter().any(|v| v == volume))
            }
            Via::EnvFrom { container, .. } | Via::Env { container, .. } => {
                self.env_read.iter().any(|c| c == container)
            }
        }
    }
}

/// The namespace, pod spec and node of a pod or pod template symptom.
fn pod_spec<'c>(d: &Detected<'c>) -> Option<(&'c str, &'c PodSpec, Option<&'c str>)> {
    match d.subject {
        Subject::Pod(p) => {
            let s = p.spec.as_ref()?;
            Some((p.ns_or_default(), s, day2_model::pod::node_name(p)))
        }
        Subject::Controller {
            meta,
            template: Some(t),
        } => Some((
            meta.namespace.as_deref().unwrap_or("default"),
            t.spec.as_ref()?,
            None,
        )),
        _ => None,
    }
}

/// The references of the symptom's pod or pod template the input cannot check.
fn unchecked_of_pod<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<String> {
    let mut unchecked = Vec::new();
    if let Some((ns, spec, node)) = pod_spec(d) {
        walk(a, ns, spec, node, &Resolved::of(d), &mut unchecked);
    }
    unchecked.dedup();
    unchecked
}
