//! A pod that talks to the API server as a user of a kubeconfig file it
//! mounts from the node (a control-plane static pod: kube-vip, a
//! keepalived helper) and is refused: `… is forbidden: User
//! "kubernetes-admin" cannot get resource "leases" in API group
//! "coordination.k8s.io" …`. The user is the file's, not a ServiceAccount,
//! so its grants are whatever binds that user name. Since Kubernetes 1.29
//! kubeadm's `admin.conf` user `kubernetes-admin` is no longer in
//! `system:masters`: it gets its rights from the ClusterRoleBinding
//! `kubeadm:cluster-admins`, which kubeadm creates only once the API server
//! answers, so a static pod that needs them during `kubeadm init` is refused
//! (`super-admin.conf` keeps `system:masters` for that).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// `(user, verb, resource)` of a refusal of a user that is not a
/// ServiceAccount.
fn refused_user(text: &str) -> Option<(String, String, String)> {
    let t = text.replace("\\\"", "\"");
    let at = t.find("is forbidden: User \"")? + "is forbidden: User \"".len();
    let rest = &t[at..];
    let (user, rest) = rest.split_once('"')?;
    if user.starts_with("system:serviceaccount:") || user.starts_with("system:node:") {
        return None;
    }
    let rest = rest.trim_start().strip_prefix("cannot ")?;
    let (verb, rest) = rest.split_once(' ')?;
    let resource = rest
        .strip_prefix("resource \"")
        .and_then(|r| r.split_once('"'))
        .map(|(r, _)| r.to_owned())
        .unwrap_or_default();
    Some((user.to_owned(), verb.to_owned(), resource))
}

pub fn refused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some((user, verb, resource)) = texts.iter().find_map(|t| refused_user(t)) else {
        return vec![];
    };
    // The kubeconfig the container mounts from the node.
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let Some(file) = spec.volumes.iter().flatten().find_map(|v| {
        let p = &v.host_path.as_ref()?.path;
        (p.ends_with(".conf") || p.contains("kubeconfig")).then(|| p.clone())
    }) else {
        return vec![];
    };
    // A static pod's owner is its node: the pod is what the manifest makes.
    let owner = Some(model::workload_ref(a.cluster, pod))
        .filter(|w| w.kind != "Node")
        .unwrap_or_else(|| pod.objref());
    let ns = pod.ns_or_default();
    let minor = model::node_name(pod)
        .and_then(|n| a.cluster.node(n))
        .and_then(|n| model::node_info(n))
        .and_then(|i| day2_model::text::major_minor(&i.kubelet_version))
        .map(|(_, m)| m);
    let what = if resource.is_empty() {
        format!("`{verb}`")
    } else {
        format!("`{verb}` on {resource}")
    };
    if user == "kubernetes-admin" && file.ends_with("admin.conf") && minor.is_some_and(|m| m >= 29)
    {
        let super_admin = file.replace("admin.conf", "super-admin.conf");
        return vec![
            Hypothesis::new(
                86,
                Loop::Identity,
                owner.clone(),
                format!(
                    "{owner} talks to the API server as `kubernetes-admin` from {file}, and is refused {what}: since Kubernetes 1.29 kubeadm's admin.conf user is no longer in system:masters and gets its rights from ClusterRoleBinding kubeadm:cluster-admins, which kubeadm creates only after the API server is up, so during `kubeadm init` the static pod has none"
                ),
            )
            .fix(format!(
                "On the first control-plane node, mount {super_admin} instead of {file} in the static pod's manifest while `kubeadm init` runs (`sed -i 's#path: {file}#path: {super_admin}#' /etc/kubernetes/manifests/<pod>.yaml`), and switch back to {file} once init has finished; the other control-plane nodes join with {file}. A kube-vip release that documents this, or running it as a DaemonSet with its own ServiceAccount, avoids it."
            )),
        ];
    }
    vec![
        Hypothesis::new(
            72,
            Loop::Identity,
            owner.clone(),
            format!(
                "{owner} talks to the API server as user `{user}` of the kubeconfig it mounts from the node ({file}), and RBAC grants that user no {what}"
            ),
        )
        .fix(format!(
            "Bind user `{user}` to a role that allows {what} (`kubectl create clusterrolebinding <name> --clusterrole=<role> --user={user}`), or give the pod a ServiceAccount of its own (in namespace {ns}) with that grant instead of a node's kubeconfig; `kubectl auth can-i {verb} {resource} --as={user}` must say yes."
        )),
    ]
}
