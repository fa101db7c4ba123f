//! Where Pending pods could go: the placement verdicts, per scheduling
//! signature, worked out once per analysis or kept from an earlier one.

use super::*;

impl<'c> Analysis<'c> {
    /// Per-node verdicts for a pod, from the plugged-in source or the model.
    /// Pods with the same scheduling constraints (replicas of one template)
    /// share one computation.
    pub fn verdicts(&self, pod: &'c Res<Pod>) -> Verdicts<'c> {
        let compute = || {
            match self.external {
                Some(p) => p.explain(pod),
                None => {
                    lazy(&self.simulator, || SimulatedPlacement::new(self.cluster)).explain(pod)
                }
            }
            .map(|v| Arc::new(NodeVerdicts::new(v)))
        };
        match self.signature(pod) {
            Some(k) => memo(&self.verdict_cache, k.clone(), || {
                if let Some(kept) = self.kept_verdicts(&k) {
                    return kept;
                }
                let v = compute();
                // Kept for the next evaluation only in a sequence of them.
                if self.kept.is_some()
                    && let Ok(mut w) = self.worked_out.lock()
                {
                    w.insert(k, v.as_deref().map(|v| Arc::new(KeptVerdicts::keep(v))));
                }
                v
            }),
            None => compute(),
        }
    }

    /// The verdicts an earlier evaluation worked out for this signature.
    fn kept_verdicts(&self, key: &Arc<str>) -> Option<Verdicts<'c>> {
        let kept = self.kept?.get(key)?;
        let names = self.node_names.get_or_init(|| {
            self.cluster
                .nodes
                .iter()
                .map(|n| (n.name(), day2_model::zone_of(n.labels())))
                .collect()
        });
        match kept {
            None => Some(None),
            Some(k) => k.restore(names).map(|v| Some(Arc::new(v))),
        }
    }

    /// Whether the pod's verdicts are kept from an earlier evaluation.
    pub fn verdicts_kept(&self, pod: &'c Res<Pod>) -> bool {
        self.kept
            .is_some_and(|k| self.signature(pod).is_some_and(|s| k.contains_key(&s)))
    }

    /// Use the verdicts an earlier evaluation kept (the caller vouches that
    /// nothing they are worked out from changed since).
    pub fn with_kept(mut self, kept: &'c FxHashMap<Arc<str>, Option<Arc<KeptVerdicts>>>) -> Self {
        if self.external.is_none() {
            self.kept = Some(kept);
        }
        self
    }

    /// The verdicts worked out by this analysis, for the next.
    pub fn take_worked_out(&self) -> FxHashMap<Arc<str>, Option<Arc<KeptVerdicts>>> {
        self.worked_out
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    /// Build the simulator now, unless another placement source is plugged in.
    pub fn prepare_placement(&self) {
        if self.external.is_none() {
            lazy(&self.simulator, || SimulatedPlacement::new(self.cluster));
        }
    }

    /// A group of pods of one scheduling signature has been analysed:
    /// forget the verdicts and pool numbers cached for it.
    pub fn forget(&self, key: &str) {
        if let Ok(mut cache) = self.verdict_cache.lock() {
            cache.remove(key);
        }
        if let Ok(mut cache) = self.pools.lock() {
            cache.remove(key);
        }
    }

    /// What the scheduler's filters read of a pod, as a key: pods with the
    /// same key get the same verdict on every node. `None` when the pod has
    /// no spec. Computed once per pod.
    pub fn signature(&self, pod: &'c Res<Pod>) -> Option<Arc<str>> {
        let addr = std::ptr::from_ref(pod) as usize;
        memo(&self.signatures, addr, || {
            self.compute_signature(pod).map(Arc::from)
        })
    }

    fn compute_signature(&self, pod: &Res<Pod>) -> Option<String> {
        let spec = pod.spec.as_ref()?;
        let claims: Vec<&str> = crate::model::claims(spec).collect();
        // Only what the filters read: required terms and `DoNotSchedule`
        // spread constraints. Preferences and `ScheduleAnyway` constraints
        // only score nodes, so pods that differ in them alone share a verdict.
        let required_node = selector::required_node_affinity(spec);
        let required_pod = selector::required_pod_affinity(spec);
        let required_anti = selector::required_pod_anti_affinity(spec);
        let hard_spread: Vec<_> = spec
            .topology_spread_constraints
            .iter()
            .flatten()
            .filter(|c| c.when_unsatisfiable == "DoNotSchedule")
            .collect();
        // Spread (matchLabelKeys), the pod's own affinity and other pods'
        // anti-affinity read the pod's labels, and count pods by namespace.
        let labelled = !hard_spread.is_empty()
            || !required_pod.is_empty()
            || !required_anti.is_empty()
            || self.anti_affinity_exists();
        // Claims are the namespace's own.
        let ns = if labelled || !claims.is_empty() {
            pod.ns_or_default()
        } else {
            ""
        };
        // Labels every replica has of its own (a StatefulSet pod's name and
        // ordinal) are left out, so replicas still share one verdict.
        let labels = if labelled {
            let shared: Vec<(&String, &String)> = pod
                .labels()
                .iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "statefulset.kubernetes.io/pod-name" | "apps.kubernetes.io/pod-index"
                    )
                })
                .collect();
            format!("{shared:?}")
        } else {
            String::new()
        };
        Some(format!(
            "{ns}|{labels}|{}|{:?}|{:?}|{}|{}|{}|{}|{}|{}|{}|{}",
            claims.join(","),
            day2_sched::amounts::pod_requests(spec),
            day2_sched::state::host_ports(spec),
            json(&spec.node_selector),
            json(&required_node),
            json(&required_pod),
            json(&required_anti),
            json(&spec.tolerations),
            json(&hard_spread),
            json(&spec.scheduling_gates),
            day2_model::pod::node_name(pod).unwrap_or(""),
        ))
    }

    /// Some pod in the cluster has required pod anti-affinity (then every
    /// pod's labels matter for where it may go).
    fn anti_affinity_exists(&self) -> bool {
        *self.anti_affinity.get_or_init(|| {
            self.cluster.pods.iter().any(|p| {
                p.spec
                    .as_ref()
                    .is_some_and(|s| !selector::required_pod_anti_affinity(s).is_empty())
            })
        })
    }
}
