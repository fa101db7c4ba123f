//! Service → the pods it selects, the ports it sends to, its EndpointSlices,
//! and for an ExternalName Service the in-cluster name it points at. A
//! selector that selects nothing (rule NW007's word when it ran), a target
//! port no selected pod serves (rule NW008's finding), slices that list
//! none of the ready pods, an in-cluster name that names no Service, and
//! whatever is wrong along the selected pods' own references are evidence.

use super::{Anomaly, Walked};
use crate::analysis::Analysis;
use crate::kubectl::shell_word;
use crate::model;
use crate::symptoms::service::{selected_pods, selector};
use day2_model::pod::Pod;
use day2_model::selector::describe_map_selector;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Service;

/// Most pods (one per owner) whose references are walked behind a Service.
const MAX_PODS: usize = 5;

/// `<name>.<namespace>.svc[.<cluster domain>]`: a Service's in-cluster name.
fn in_cluster_service(host: &str) -> Option<(&str, &str)> {
    let mut labels = host.trim_end_matches('.').split('.');
    let name = labels.next()?;
    let ns = labels.next()?;
    (labels.next()? == "svc").then_some((ns, name))
}

pub(super) fn walk<'c>(a: &Analysis<'c>, svc: &'c Res<Service>, w: &mut Walked) {
    let ns = svc.ns_or_default();
    let name = svc.name();
    let Some(spec) = svc.spec.as_ref() else {
        return;
    };
    if spec.type_.as_deref() == Some("ExternalName") {
        let Some(host) = spec.external_name.as_deref() else {
            return;
        };
        let Some((tns, tname)) = in_cluster_service(host) else {
            return;
        };
        if a.service(tns, tname).is_some() {
            return;
        }
        if a.cluster.services.iter().any(|s| s.ns_or_default() == tns) {
            w.push(Anomaly {
                score: 45,
                loop_: Loop::Network,
                object: svc.objref(),
                what: format!("ExternalName Service {ns}/{name} points at {host}, and Service {tns}/{tname} does not exist: the name resolves to nothing"),
                fix: format!("Create Service {tns}/{tname} or set `spec.externalName` of {ns}/{name} to a name that resolves."),
            });
        } else {
            w.unchecked(
                "Service",
                Some(tns),
                tname,
                &format!("ExternalName Service {name} points at it"),
            );
        }
        return;
    }
    let Some(sel) = selector(svc) else {
        return;
    };
    let pods = selected_pods(a, svc);
    if pods.is_empty() {
        if a.cluster.pods_in_namespace(ns).next().is_some() {
            let rule = a.findings.rule_on("NW007", &svc.objref()).map(|_| "NW007");
            w.push_rule(Anomaly {
                score: 40,
                loop_: Loop::Network,
                object: svc.objref(),
                what: format!(
                    "Service {ns}/{name} selects {}, which matches no pod",
                    describe_map_selector(sel)
                ),
                fix: format!("Make `spec.selector` of Service {ns}/{name} match the pods' labels: `kubectl get pods -n {} --show-labels`.", shell_word(ns)),
            }, rule);
        } else {
            w.unchecked.push(format!(
                "the pods of Service {ns}/{name} are not in the input: `kubectl get pods -n {} -l {}`",
                shell_word(ns),
                shell_word(&describe_map_selector(sel))
            ));
        }
        return;
    }
    ports(a, svc, w);
    slices(a, svc, &pods, w);
    // The selected pods' own references, one pod per owner.
    let mut owners = Vec::new();
    for p in &pods {
        let owner = model::workload_ref(a.cluster, p);
        if owners.contains(&owner) {
            continue;
        }
        owners.push(owner);
        if owners.len() > MAX_PODS {
            break;
        }
        let Some(spec) = p.spec.as_ref() else {
            continue;
        };
        let mut unchecked = Vec::new();
        let events = a.cluster.events_for_obj(p);
        let resolved = super::Resolved::of_pod(
            p,
            events.iter().copied().filter(|e| e.reason == "FailedMount"),
            events.iter().any(|e| e.reason == "FailedCreatePodSandBox"),
        );
        for mut x in super::walk(
            a,
            ns,
            spec,
            day2_model::pod::node_name(p),
            &resolved,
            &mut unchecked,
        ) {
            x.what = format!("{} (pod {} behind Service {name})", x.what, p.name());
            w.push(x);
        }
        for u in unchecked {
            if !w.unchecked.contains(&u) {
                w.unchecked.push(u);
            }
        }
    }
}

/// Each Service port's target must be a port the selected pods serve: rule
/// NW008 judges it (a name none of them declares, a number none declares
/// while they declare theirs); its finding is the edge's evidence.
fn ports(a: &Analysis<'_>, svc: &Res<Service>, w: &mut Walked) {
    if let Some(f) = a.findings.rule_on("NW008", &svc.objref()) {
        w.push_rule(
            Anomaly {
                score: 45,
                loop_: Loop::Network,
                object: svc.objref(),
                what: f.message.clone(),
                fix: f.fix.to_string(),
            },
            Some("NW008"),
        );
    }
}

/// The Service's EndpointSlices must list its ready pods.
fn slices(a: &Analysis<'_>, svc: &Res<Service>, pods: &[&Res<Pod>], w: &mut Walked) {
    let ns = svc.ns_or_default();
    let slices = a.slices_of(ns, svc.name());
    let ready: Vec<&str> = pods
        .iter()
        .filter(|p| model::is_ready(p))
        .map(|p| p.name())
        .collect();
    if slices.is_empty() || ready.is_empty() {
        return;
    }
    let listed = slices
        .iter()
        .flat_map(|s| s.endpoints.iter().flatten())
        .filter_map(|e| e.target_ref.as_ref()?.name.as_deref())
        .any(|n| ready.contains(&n));
    if !listed {
        w.push(Anomaly {
            score: 35,
            loop_: Loop::Network,
            object: svc.objref(),
            what: format!(
                "the EndpointSlices of Service {ns}/{} list none of its {} ready pod(s)",
                svc.name(),
                ready.len()
            ),
            fix: format!(
                "Compare `kubectl get endpointslices -n {} -l kubernetes.io/service-name={} -o yaml` with the pods; slices that name other pods are stale or written by another controller (check the `endpointslice.kubernetes.io/managed-by` label).",
                shell_word(ns),
                shell_word(svc.name())
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::testing::{analysis, cluster, findings, walked};
    use crate::symptoms::{Kind, Subject};

    fn pod(name: &str, ports: &str, ready: &str, extra: &str) -> String {
        format!(
            "- {{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: shop, uid: u-{name}, labels: {{app: web}}}}, spec: {{{extra}containers: [{{name: c, image: x:1, ports: [{ports}]}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: \"{ready}\"}}]}}}}\n"
        )
    }

    fn svc(spec: &str) -> String {
        format!(
            "- {{apiVersion: v1, kind: Service, metadata: {{name: web, namespace: shop}}, spec: {{{spec}}}}}\n"
        )
    }

    fn first(items: &str) -> Option<String> {
        let c = cluster(items);
        let ws = c.workloads();
        let fs = findings(&c);
        let a = analysis(&c, &ws, &fs);
        let s = c.services.iter().find(|s| s.name() == "web").unwrap();
        walked(&a, Kind::ServiceWithoutReadyEndpoints, Subject::Service(s))
            .into_iter()
            .next()
            .map(|h| h.root.summary)
    }

    #[test]
    fn matching_ports_and_selector_are_fine() {
        let items = format!(
            "{}{}",
            pod("web-1", "{containerPort: 8080, name: http}", "False", ""),
            svc(
                "selector: {app: web}, ports: [{port: 80, targetPort: http}, {port: 81, targetPort: 8080}]"
            )
        );
        assert_eq!(first(&items), None);
    }

    #[test]
    fn a_target_port_the_pods_do_not_serve() {
        let items = format!(
            "{}{}",
            pod("web-1", "{containerPort: 8080, name: http}", "False", ""),
            svc("selector: {app: web}, ports: [{port: 80, targetPort: web}]")
        );
        assert!(first(&items).unwrap().contains("port name `web`"));
        let items = format!(
            "{}{}",
            pod("web-1", "{containerPort: 8080, name: http}", "False", ""),
            svc("selector: {app: web}, ports: [{port: 80, targetPort: 9090}]")
        );
        assert!(first(&items).unwrap().contains("forwards to 9090"));
    }

    #[test]
    fn a_selector_that_selects_nothing() {
        let items = format!(
            "{}{}",
            pod("web-1", "", "True", ""),
            svc("selector: {app: api}, ports: [{port: 80}]")
        );
        assert!(first(&items).unwrap().contains("matches no pod"));
    }

    #[test]
    fn the_selected_pods_references_are_walked() {
        let items = format!(
            "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: other, namespace: shop}}}}\n{}{}",
            pod(
                "web-1",
                "",
                "False",
                "volumes: [{name: conf, configMap: {name: web-conf}}], "
            ),
            svc("selector: {app: web}, ports: [{port: 80}]")
        );
        let s = first(&items).unwrap();
        assert!(
            s.contains("ConfigMap shop/web-conf") && s.contains("behind Service web"),
            "{s}"
        );
    }

    #[test]
    fn an_external_name_to_a_missing_service() {
        let items = format!(
            "{}- {{apiVersion: v1, kind: Service, metadata: {{name: db, namespace: data}}, spec: {{selector: {{app: db}}}}}}\n",
            svc("type: ExternalName, externalName: postgres.data.svc.cluster.local")
        );
        assert!(
            first(&items)
                .unwrap()
                .contains("Service data/postgres does not exist")
        );
        let items = svc("type: ExternalName, externalName: db.data.svc.cluster.local")
            + "- {apiVersion: v1, kind: Service, metadata: {name: db, namespace: data}, spec: {selector: {app: db}}}\n";
        assert_eq!(first(&items), None);
        assert_eq!(
            first(&svc("type: ExternalName, externalName: db.example.com")),
            None
        );
    }
}
