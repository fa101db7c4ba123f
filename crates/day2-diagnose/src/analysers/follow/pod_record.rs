//! A name of one pod under a headless Service, `<pod>.<service>`: the
//! cluster DNS answers it only for a pod whose `hostname` and `subdomain`
//! make it (a StatefulSet sets them from the pod's name and its
//! `serviceName`), and only once the pod is Ready unless the Service sets
//! `publishNotReadyAddresses: true` (kubernetes/dns
//! `docs/specification.md`, 2.4). So a lookup of it fails when the
//! StatefulSet's `serviceName` names another Service, when the pods wait
//! for the very client that looks them up (a database's init Job) and
//! their Service does not publish not-ready addresses, or when the client
//! ran before the pod had its address (cockroachdb/helm-charts#195).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

pub(super) fn pod_record(
    a: &Analysis<'_>,
    client: &Res<Pod>,
    host: &str,
    what: &str,
) -> Option<Hypothesis> {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    let (&target, &service) = (labels.first()?, labels.get(1)?);
    // `<pod>.<service>`, `<pod>.<service>.<namespace>` or the full
    // `<pod>.<service>.<namespace>.svc.<domain>`; not another domain's.
    let ns = match labels.get(2) {
        None => client.ns_or_default(),
        Some(n)
            if labels.get(3) == Some(&"svc")
                || (labels.len() == 3 && a.cluster.namespaces.iter().any(|x| x.name() == *n)) =>
        {
            *n
        }
        Some(_) => return None,
    };
    let svc = a.service(ns, service)?;
    let headless = svc
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.as_deref())
        .is_some_and(|ip| ip == "None");
    if !headless {
        return None;
    }
    let publishes = svc
        .spec
        .as_ref()
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false)
        || svc
            .annotation("service.alpha.kubernetes.io/tolerate-unready-endpoints")
            .is_some_and(|v| v == "true");
    let pod = a
        .cluster
        .pods_in_namespace(ns)
        .find(|p| p.name() == target && !model::is_terminal(p))?;
    // A pod that is not Ready because it fails on its own (it crash-loops,
    // cannot pull): that failure is the cause, and its own diagnosis.
    let failing = model::container_statuses(pod).any(|c| {
        c.state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            .is_some_and(|r| r != "ContainerCreating" && r != "PodInitializing")
    });
    if failing {
        return None;
    }
    let owner = model::workload_ref(a.cluster, pod);
    let client_owner = model::workload_ref(a.cluster, client);
    let spec = pod.spec.as_ref()?;
    let subdomain = spec.subdomain.as_deref().unwrap_or_default();
    let svc_link = Link::new(
        Loop::Network,
        None,
        svc.objref(),
        format!("headless Service {ns}/{service}"),
    );
    if subdomain != service {
        let named = if subdomain.is_empty() {
            "no subdomain".to_owned()
        } else {
            format!("subdomain {subdomain}")
        };
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                owner.clone(),
                format!(
                    "{what}: that is pod {target}'s record under headless Service {ns}/{service}, which exists only for a pod whose `subdomain` is {service}, and {target} has {named} (a StatefulSet's `serviceName`)"
                ),
            )
            .fix(format!(
                "Set `serviceName: {service}` on {owner} (it is immutable on a StatefulSet: recreate it with `kubectl delete sts --cascade=orphan` and apply), or look the pod up under the Service its `serviceName` names."
            ))
            .link(svc_link),
        );
    }
    if !model::is_ready(pod) && !publishes {
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                svc.objref(),
                format!(
                    "{what}: that is pod {target}'s record under headless Service {ns}/{service}, which the cluster DNS publishes only once the pod is Ready; {target} is not Ready, and the Service does not set `publishNotReadyAddresses`, so the name does not exist while the pods wait"
                ),
            )
            .fix(format!(
                "Set `publishNotReadyAddresses: true` on Service {ns}/{service} (the headless Service a StatefulSet's pods use to find each other must publish them before they are Ready: they become Ready only once they have found each other or been initialised)."
            ))
            .link(svc_link),
        );
    }
    // The record exists now: the client asked before the pod had its
    // address, and fails on every retry only if it caches the answer.
    Some(
        Hypothesis::new(
            72,
            Loop::Network,
            client_owner.clone(),
            format!(
                "{what}: that is pod {target}'s record under headless Service {ns}/{service}, published now (the pod {}); {client_owner} looked it up before {target} had its address (it starts together with {owner}), and a name that did not exist is cached negatively for up to the DNS TTL",
                if model::is_ready(pod) {
                    "is Ready"
                } else {
                    "has an address and the Service publishes not-ready ones"
                }
            ),
        )
        .fix(format!(
            "Run {client_owner} again now that the record exists (`kubectl delete pod -n {} {}`, or delete and re-create the init Job), and make it wait for the name before it starts (an init container `until nslookup {host}; do sleep 2; done`, or the chart's own ordering of the init job after the pods).",
            client.ns_or_default(),
            client.name()
        ))
        .link(svc_link),
    )
}
