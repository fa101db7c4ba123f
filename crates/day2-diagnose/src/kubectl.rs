//! The `kubectl` commands that fetch what a diagnosis could not see.
//!
//! When the input does not hold a symptom's cause, the report says which
//! commands, run against the cluster, would show the next piece of evidence:
//! the object's full description and events, the crashed container's log, the
//! pods on a node, the endpoints behind a Service. Names come from the
//! cluster, so each is quoted for a POSIX shell when it is not a plain word.

use crate::kind::Kind;
use day2_model::ObjRef;

/// A word a POSIX shell reads back unchanged: as it is when it holds only
/// characters a Kubernetes name can hold, else in single quotes.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'/' | b':'));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `-n <namespace> ` for a namespaced object, nothing for a cluster-scoped one.
fn ns_flag(o: &ObjRef) -> String {
    o.namespace
        .as_deref()
        .map(|ns| format!("-n {} ", shell_word(ns)))
        .unwrap_or_default()
}

/// The resource name `kubectl` takes for a kind (`pod`, `statefulset`, …).
fn resource(kind: &str) -> String {
    kind.to_ascii_lowercase()
}

/// Commands that would fetch the evidence the input lacked for a symptom of
/// `kind` on `o`, each with what it shows.
pub fn fetch(kind: Kind, o: &ObjRef) -> Vec<String> {
    let ns = ns_flag(o);
    let name = shell_word(&o.name);
    let res = resource(&o.kind);
    let mut out = vec![
        format!("status, conditions and recent events: `kubectl describe {res} {ns}{name}`"),
        format!(
            "every event about the object, in order: `kubectl get events {}--field-selector involvedObject.name={name} --sort-by=.lastTimestamp`",
            if ns.is_empty() {
                "-A ".to_owned()
            } else {
                ns.clone()
            }
        ),
    ];
    match kind {
        Kind::CrashLoopBackOff | Kind::OomKilled | Kind::ProbeFailing | Kind::JobFailed
            if o.kind == "Pod" =>
        {
            out.push(format!(
                "what the container wrote before it stopped: `kubectl logs {ns}{name} --all-containers --previous`"
            ));
        }
        Kind::JobFailed => {
            out.push(format!(
                "the log of one of the Job's pods: `kubectl logs {ns}job/{name} --all-containers`"
            ));
        }
        Kind::DrainBlocked => {
            out.push(format!(
                "the budgets on the node's pods: `kubectl get pdb -A` and `kubectl get pods -A -o wide --field-selector spec.nodeName={name}`"
            ));
        }
        Kind::NodeNotReady | Kind::NodePressure => {
            out.push(format!(
                "what runs on the node: `kubectl get pods -A -o wide --field-selector spec.nodeName={name}`"
            ));
            out.push(format!(
                "the node's logs, when the kubelet answers: `kubectl get --raw /api/v1/nodes/{name}/proxy/logs/`"
            ));
        }
        Kind::ServiceWithoutReadyEndpoints => {
            out.push(format!(
                "which pods back it and whether they are ready: `kubectl get endpointslices {ns}-l kubernetes.io/service-name={name} -o yaml`"
            ));
        }
        Kind::PvcPending
        | Kind::FailedAttachVolume
        | Kind::FailedMount
        | Kind::MultiAttach
        | Kind::VolumeNodeAffinityConflict => {
            out.push(
                "the volumes, their classes and where they are attached: `kubectl get pv,storageclass,volumeattachments,csinodes -o wide`"
                    .to_owned(),
            );
        }
        Kind::LoadBalancerPending => {
            out.push(
                "the cloud controller's side, where it runs in the cluster: `kubectl -n kube-system logs -l component=cloud-controller-manager --tail=200`"
                    .to_owned(),
            );
        }
        Kind::HpaLimited => {
            out.push(
                "whether the metrics APIs are served: `kubectl get apiservices | grep metrics`"
                    .to_owned(),
            );
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_gets_its_log_and_names_are_quoted_for_the_shell() {
        let o = ObjRef::new("Pod", Some("shop"), "api-7d9f-x2x");
        let c = fetch(Kind::CrashLoopBackOff, &o);
        assert!(
            c[0].ends_with("`kubectl describe pod -n shop api-7d9f-x2x`"),
            "{c:?}"
        );
        assert!(
            c.iter().any(
                |c| c.contains("kubectl logs -n shop api-7d9f-x2x --all-containers --previous")
            )
        );
        let hostile = ObjRef::new("Pod", Some("a;b"), "x'$(rm -rf /)");
        let c = fetch(Kind::CrashLoopBackOff, &hostile);
        assert!(c[0].contains(r"-n 'a;b' 'x'\''$(rm -rf /)'"), "{c:?}");
    }

    #[test]
    fn a_node_gets_its_pods_and_a_cluster_scoped_object_no_namespace() {
        let o = ObjRef::new("Node", None, "ip-10-0-1-5.ec2.internal");
        let c = fetch(Kind::NodeNotReady, &o);
        assert!(
            c[0].ends_with("`kubectl describe node ip-10-0-1-5.ec2.internal`"),
            "{c:?}"
        );
        assert!(c[1].contains(
            "get events -A --field-selector involvedObject.name=ip-10-0-1-5.ec2.internal"
        ));
        assert!(
            c.iter()
                .any(|c| c.contains("spec.nodeName=ip-10-0-1-5.ec2.internal"))
        );
    }
}
