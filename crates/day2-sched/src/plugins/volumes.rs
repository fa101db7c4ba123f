//! VolumeRestrictions, NodeVolumeLimits, VolumeBinding and VolumeZone.

use crate::filter::{Failure, Plugin, Rejection};
use crate::pod::Incoming;
use crate::state::SimNode;
use crate::volumes::{can_provision, matching_volume, pv_admits, topology_labels};

pub const RWOP: Rejection = Rejection::ReadWriteOncePodInUse;
pub const MAX_VOLUMES: Rejection = Rejection::MaxVolumeCount;
pub const BIND_CONFLICT: Rejection = Rejection::NoVolumeToBind;
pub const NODE_CONFLICT: Rejection = Rejection::VolumeNodeAffinity;
pub const PV_NOT_EXIST: Rejection = Rejection::MissingVolume;
pub const ZONE_CONFLICT: Rejection = Rejection::VolumeZone;

pub fn restrictions(pod: &Incoming<'_, '_>) -> Option<Failure> {
    let claim = pod.volumes.rwop_conflict.as_ref()?;
    Some(Failure::new(
        Plugin::VolumeRestrictions,
        RWOP,
        pod.say(|| format!("claim {claim} is ReadWriteOncePod and another pod uses it")),
    ))
}

pub fn limits(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    if node.volume_limits.is_empty() || pod.volumes.csi.is_empty() {
        return None;
    }
    for (driver, limit) in &node.volume_limits {
        let new = pod
            .volumes
            .csi
            .iter()
            .filter(|(d, h)| d == driver && !node.csi_volumes.contains(&(d.clone(), h.clone())))
            .count() as i64;
        if new == 0 {
            continue;
        }
        let used = node.csi_volumes.iter().filter(|(d, _)| d == driver).count() as i64;
        if used + new > *limit {
            return Some(Failure::new(
                Plugin::NodeVolumeLimits,
                MAX_VOLUMES,
                pod.say(|| {
                    format!("{used} of {limit} {driver} volumes attached, the pod adds {new}")
                }),
            ));
        }
    }
    None
}

pub fn binding(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    let v = &pod.volumes;
    if v.is_empty() {
        return None;
    }
    let mut reasons: Vec<Rejection> = Vec::new();
    let mut details: Vec<String> = Vec::new();
    let mut unresolvable = false;
    for b in &v.bound {
        match b.pv {
            None => {
                if !reasons.contains(&PV_NOT_EXIST) {
                    reasons.push(PV_NOT_EXIST);
                }
                details.push(
                    pod.say(|| {
                        format!("claim {} is bound to missing volume {}", b.claim, b.volume)
                    }),
                );
                unresolvable = true;
            }
            Some(pv) if !pv_admits(pv, &node.name, &node.labels) => {
                if !reasons.contains(&NODE_CONFLICT) {
                    reasons.push(NODE_CONFLICT);
                }
                let zones: Vec<&str> = day2_model::topology::pv_zones(pv);
                details.push(if zones.is_empty() {
                    pod.say(|| {
                        format!(
                            "volume {} (claim {}) is pinned to other nodes",
                            b.volume, b.claim
                        )
                    })
                } else {
                    pod.say(|| {
                        format!(
                            "volume {} (claim {}) lives in {}",
                            b.volume,
                            b.claim,
                            zones.join(", ")
                        )
                    })
                });
                unresolvable = true;
            }
            Some(_) => {}
        }
    }
    for d in &v.delayed {
        if matching_volume(d, &node.name, &node.labels).is_some() {
            continue;
        }
        if can_provision(d.class.map(|c| &*c.obj), &node.labels) {
            continue;
        }
        if !reasons.contains(&BIND_CONFLICT) {
            reasons.push(BIND_CONFLICT);
        }
        details.push(pod.say(|| {
            format!(
                "claim {}: no available volume fits and class {} cannot provision here",
                d.pvc.name(),
                d.class.map(|c| c.name()).unwrap_or("(none)")
            )
        }));
        unresolvable = true;
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Failure {
        plugin: Plugin::VolumeBinding,
        reasons: reasons.into_iter().collect(),
        detail: details.join("; ").into(),
        unresolvable,
    })
}

pub fn zone(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    if pod.volumes.zone_labels.is_empty() {
        return None;
    }
    if !topology_labels()
        .iter()
        .any(|k| node.labels.contains_key(*k))
    {
        return None;
    }
    for (key, values, pv) in &pod.volumes.zone_labels {
        let v = node.labels.get(key).or_else(|| {
            node.labels.get(&key.replace(
                "failure-domain.beta.kubernetes.io",
                "topology.kubernetes.io",
            ))
        });
        if !v.is_some_and(|v| values.contains(v)) {
            return Some(
                Failure::new(
                    Plugin::VolumeZone,
                    ZONE_CONFLICT,
                    pod.say(|| format!("volume {pv} is labelled {key}={}", values.join(","))),
                )
                .unresolvable(),
            );
        }
    }
    None
}
