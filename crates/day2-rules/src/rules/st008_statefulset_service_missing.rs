//! ST008: StatefulSets whose governing Service is missing or not headless.

use crate::reads::{self, K};
use crate::util::{namespace_has_operator_objects, sees_whole_cluster, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ST008",
    name: "statefulset-service-missing",
    loop_: Loop::Storage,
    reads: reads::TEMPLATES.with(&[K::Service]),
    severity: Severity::Medium,
    summary: "StatefulSet `serviceName` names a Service that does not exist or is not headless",
    law: law::STORAGE,
    rationale: "A StatefulSet's replicas get stable DNS names (`postgres-0.postgres.db.svc`) only through the \
headless Service (`clusterIP: None`) its `serviceName` names. Replication, leader election and cluster \
membership of databases (PostgreSQL replicas, Kafka brokers, Elasticsearch, ZooKeeper, etcd) are \
configured with those names; without the Service they do not resolve and the cluster never forms, \
while every pod looks Running. A Service with a cluster IP does not create per-pod records.",
    fix: Fix::generic(
        "Create a Service with `clusterIP: None` named as `spec.serviceName`, in the StatefulSet's namespace, selecting its pods (set `publishNotReadyAddresses: true` if peers must find each other before they are ready).",
    ),
    sources: "Snapshot/live: a missing Service is reported. Manifests: a Service missing from the input is reported unless the namespace holds custom resources that may create it; a Service that is present but not headless is reported everywhere.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ST008/fire.yaml"),
        silent: include_str!("../../fixtures/ST008/silent.yaml"),
    },
    peers: &["kube-score statefulset-has-servicename"],
};

pub struct StatefulsetServiceMissing;

impl Rule for StatefulsetServiceMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let whole = sees_whole_cluster(c);
        let sets = crate::util::StatefulSets::new(&c.stateful_sets);
        let services = crate::util::ByName::new(&c.services);
        for w in cx.workloads() {
            let Some(sts) = crate::util::stateful_set_of(&sets, &w) else {
                continue;
            };
            let Some(svc_name) = sts.spec.service_name.as_deref().filter(|s| !s.is_empty()) else {
                continue;
            };
            let ns = w.namespace();
            let svc = services.get(ns, svc_name);
            let message = match svc {
                None => {
                    if !whole && namespace_has_operator_objects(c, ns) {
                        continue;
                    }
                    format!(
                        "{} names Service `{svc_name}`, which does not exist{}: its replicas get no stable DNS names",
                        wname(&w),
                        if whole { "" } else { " in the input" }
                    )
                }
                Some(s) => {
                    let headless =
                        s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref()) == Some("None");
                    if headless {
                        continue;
                    }
                    format!(
                        "{} names Service `{svc_name}`, which is not headless (clusterIP is not None): no per-replica DNS records",
                        wname(&w)
                    )
                }
            };
            sink.report(Target::workload(&w), message, Some("/spec/serviceName"));
        }
    }
}
