//! Karpenter's word on a pod it cannot provision a node for.
//!
//! Source, kubernetes-sigs/karpenter (and aws/karpenter before the split),
//! `pkg/controllers/provisioning/scheduling/scheduler.go` and
//! `nodeclaim.go`: the `FailedScheduling` event (component `karpenter`) and
//! log `Failed to schedule pod, ` / `Could not schedule pod, ` followed by
//! one `incompatible with nodepool %q, daemonset overhead=%s, %s` per pool
//! (`provisioner %q` before v0.32), joined by `; `. A pool whose
//! requirements leave no instance type says `no instance type satisfied
//! resources %s and requirements %s (%s)`.

/// The kind of Karpenter's node pool object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    /// `karpenter.sh/v1alpha5` Provisioner (before v0.32).
    Provisioner,
    /// `karpenter.sh/v1beta1`/`v1` NodePool.
    NodePool,
}

impl PoolKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PoolKind::Provisioner => "Provisioner",
            PoolKind::NodePool => "NodePool",
        }
    }
}

/// Why one pool cannot take the pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRefusal {
    pub kind: PoolKind,
    pub pool: String,
    /// The requirements no instance type satisfies, when that is the refusal.
    pub no_instance_type: Option<String>,
    /// The refusal as Karpenter words it.
    pub reason: String,
}

/// Every pool a Karpenter scheduling failure names.
pub fn parse_refusals(msg: &str) -> Vec<PoolRefusal> {
    let mut out = Vec::new();
    for part in msg.split("incompatible with ").skip(1) {
        let (kind, rest) = if let Some(r) = part.strip_prefix("nodepool \"") {
            (PoolKind::NodePool, r)
        } else if let Some(r) = part.strip_prefix("provisioner \"") {
            (PoolKind::Provisioner, r)
        } else {
            continue;
        };
        let Some((pool, reason)) = rest.split_once('"') else {
            continue;
        };
        let reason = reason
            .trim_start_matches(", ")
            .trim_end()
            .trim_end_matches(';')
            .to_owned();
        let no_instance_type = reason
            .find("no instance type satisfied resources")
            .map(|at| {
                let r = &reason[at..];
                r.split_once(" and requirements ")
                    .map(|(_, req)| req.split(" (").next().unwrap_or(req).trim().to_owned())
                    .unwrap_or_default()
            });
        out.push(PoolRefusal {
            kind,
            pool: pool.to_owned(),
            no_instance_type,
            reason,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pool_and_the_one_without_instance_types() {
        let r = parse_refusals(
            "Failed to schedule pod, incompatible with provisioner \"gpu\", daemonset overhead={\"cpu\":\"655m\"}, no instance type satisfied resources {\"cpu\":\"2655m\"} and requirements karpenter.k8s.aws/instance-category In [g], topology.kubernetes.io/zone In [us-east-1d] (no instance type met the scheduling requirements or had a required offering); incompatible with provisioner \"system\", daemonset overhead={\"cpu\":\"655m\"}, did not tolerate CriticalAddonsOnly=true:NoSchedule",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].kind, PoolKind::Provisioner);
        assert_eq!(r[0].pool, "gpu");
        assert_eq!(
            r[0].no_instance_type.as_deref(),
            Some(
                "karpenter.k8s.aws/instance-category In [g], topology.kubernetes.io/zone In [us-east-1d]"
            )
        );
        assert_eq!(r[1].pool, "system");
        assert_eq!(r[1].no_instance_type, None);
        let r = parse_refusals(
            "Could not schedule pod, incompatible with nodepool \"test\", daemonset overhead={}, no instance type satisfied resources {\"cpu\":\"3310m\"} and requirements karpenter.sh/nodepool In [test]",
        );
        assert_eq!(r[0].kind, PoolKind::NodePool);
    }
}
