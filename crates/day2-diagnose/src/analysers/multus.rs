//! A sandbox Multus cannot wire, read from Multus's own words: the
//! attachment it names (`Err adding pod to network "macvlan-conf"`) and
//! what its delegate plugin answered (`failed to lookup master "eth0": Link
//! not found`: k8snetworkplumbingwg/multus-cni#229), or an attachment it
//! looks up in one namespace while it lives in another (`cannot find a
//! network-attachment-definition (access) in namespace (kube-system)`: an
//! unqualified name in KubeVirt's default-network annotation,
//! kubevirt/kubevirt#3069).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

const NAD: &str = "NetworkAttachmentDefinition";

/// The attachments of that name in the input: `(namespace, its objref)`.
fn attachments<'a>(
    a: &'a Analysis<'_>,
    name: &'a str,
) -> impl Iterator<Item = (String, ObjRef)> + 'a {
    a.cluster
        .other
        .iter()
        .filter(move |o| o.kind == NAD && o.name() == name)
        .map(|o| (o.ns_or_default().to_owned(), o.objref()))
}

/// The text in parentheses right after `marker` (`… (access) in
/// namespace (kube-system)`), where Multus puts names without quotes.
fn parenthesised<'m>(message: &'m str, marker: &str) -> Option<&'m str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    rest.split(')').next().filter(|s| !s.is_empty())
}

pub(super) fn refused(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    if !message.contains("Multus") {
        return None;
    }
    let ns = pod.ns_or_default();
    // Looked up in the wrong namespace.
    if let Some(name) = parenthesised(message, "cannot find a network-attachment-definition (") {
        let looked = parenthesised(message, ") in namespace (").unwrap_or("?");
        let (there, obj) = attachments(a, name).find(|(n, _)| n != looked)?;
        return Some(
            Hypothesis::new(
                84,
                Loop::Network,
                obj,
                format!(
                    "Multus cannot wire pod {}: it looks for NetworkAttachmentDefinition {name} in namespace {looked}, and {name} lives in {there}: the reference names it without its namespace",
                    pod.name()
                ),
            )
            .fix(format!(
                "Name the attachment with its namespace, `{there}/{name}`, where the pod's networks are set: the `k8s.v1.cni.cncf.io/networks` or `v1.multus-cni.io/default-network` annotation of its template, or for a KubeVirt VM `spec.template.spec.networks[].multus.networkName: {there}/{name}`; or create {name} in {looked}. The pod is wired on its next sandbox attempt (a VM's launcher pod: restart the VM)."
            )),
        );
    }
    // The delegate plugin refused the attachment's configuration.
    let name = crate::messages::quoted_after(message, "Err adding pod to network ")?;
    let (_, obj) = attachments(a, name)
        .find(|(n, _)| n == ns)
        .or_else(|| attachments(a, name).next())?;
    let said = message
        .rsplit_once("Delegate add - ")
        .map_or(message, |(_, r)| r)
        .trim();
    let hint = crate::messages::quoted_after(said, "failed to lookup master ")
        .map(|m| {
            format!(
                " Its `master` interface `{m}` is not on the node: set `master` in the attachment's config to the interface the nodes carry their network on (`ip -br link` on a node: `ens160`, `enp0s3`, …), the same name on every node it may run on, or pin such pods to nodes that have it."
            )
        })
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            obj.clone(),
            format!(
                "Multus cannot add pod {} to network {name}: the plugin its NetworkAttachmentDefinition configures refuses it: {}",
                pod.name(),
                day2_model::redact::excerpt(said, 200)
            ),
        )
        .fix(format!(
            "Correct the `config` of {NAD} {}/{name} (`kubectl -n {} edit network-attachment-definitions {name}`) for what its plugin says.{hint} The pod is wired on the next sandbox attempt.",
            obj.namespace.as_deref().unwrap_or(ns),
            obj.namespace.as_deref().unwrap_or(ns)
        )),
    )
}
