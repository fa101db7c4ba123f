//! Pods as stored: k8s-openapi's metadata and spec, and a lean status.
//!
//! The spec is shared: the replicas of one template carry the same spec but
//! for the node each is bound to and the name of the token volume the API
//! server injects (`kube-api-access-` and five random characters). The node
//! is kept apart ([`Pod::bound_to`], read with [`node_name`]), the token
//! volume's name is made the same for every pod ([`TOKEN_VOLUME`]), and
//! pods whose specs are then
//! equal hold one copy ([`crate::intern::intern_spec`]): at 150,000 pods of
//! a few thousand templates, a few thousand specs instead of 150,000, each
//! of them kilobytes of k8s-openapi's types.
//!
//! A cluster holds far more pods than anything else, and k8s-openapi's
//! `PodStatus` is 616 bytes inline with a 752-byte `ContainerStatus` per
//! container, mostly fields no analysis reads (allocated resources, volume
//! mount statuses, users, resource claims, IPs by family). The status is
//! decoded straight into the shape below instead; what it leaves out is never
//! allocated. The spec stays k8s-openapi's: rules, the scheduler simulator and
//! the diagnosis read it, as they read every other workload's pod template.
//!
//! Field names match k8s-openapi's, and so do the types but for the boxed
//! container states, so code reads a pod the same way; the wire format
//! (camelCase JSON) is the API's. A status field an analysis starts to read
//! is added here.

use k8s_openapi::api::core::v1::{ContainerState, PodCondition, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;
use std::sync::Arc;

/// A pod: `v1` `Pod`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Pod {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The spec, shared with the pods whose spec is the same (see the
    /// module documentation). Once stored, its `nodeName` is empty: read
    /// the node with [`node_name`].
    #[serde(default)]
    pub spec: Option<Arc<PodSpec>>,
    #[serde(default)]
    pub status: Option<PodStatus>,
    /// `spec.nodeName`, taken out of the spec when the pod is stored
    /// ([`Pod::share_spec`]).
    #[serde(skip)]
    pub bound_to: Option<String>,
}

/// The name every pod's injected token volume is stored under: the API
/// server names it `kube-api-access-` and five random characters, one name
/// per pod, which would keep otherwise equal specs apart.
pub const TOKEN_VOLUME: &str = "kube-api-access-";

impl Pod {
    /// Make the spec shareable and share it: take `nodeName` out of it,
    /// store the injected token volume under [`TOKEN_VOLUME`], and hold the
    /// one copy of an equal spec another pod already holds.
    pub fn share_spec(&mut self) {
        let Some(spec) = self.spec.as_mut() else {
            return;
        };
        let own = Arc::make_mut(spec);
        if let Some(n) = own.node_name.take().filter(|n| !n.is_empty()) {
            self.bound_to = Some(n);
        }
        same_token_volume_name(own);
        if let Some(spec) = self.spec.take() {
            self.spec = Some(crate::intern::intern_spec(spec));
        }
    }
}

/// Rename the token volume the API server injects (and its mounts) to
/// [`TOKEN_VOLUME`].
fn same_token_volume_name(spec: &mut PodSpec) {
    let Some(volumes) = spec.volumes.as_mut() else {
        return;
    };
    let Some(v) = volumes.iter_mut().find(|v| {
        crate::references::is_injected_token_volume(&v.name)
            && v.name != TOKEN_VOLUME
            && v.projected.is_some()
    }) else {
        return;
    };
    let old = std::mem::replace(&mut v.name, TOKEN_VOLUME.to_owned());
    let containers = spec.containers.iter_mut();
    let init = spec.init_containers.iter_mut().flatten();
    for c in containers.chain(init) {
        for m in c.volume_mounts.iter_mut().flatten() {
            if m.name == old {
                m.name = TOKEN_VOLUME.to_owned();
            }
        }
    }
}

/// Whether `asked`, a volume name as an event or a message spells it, is
/// the stored volume `stored`: the same name, or both the injected token
/// volume (stored under [`TOKEN_VOLUME`]).
pub fn volume_named(stored: &str, asked: &str) -> bool {
    stored == asked
        || (stored == TOKEN_VOLUME && crate::references::is_injected_token_volume(asked))
}

/// What the analyses read of a pod's status.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    pub phase: Option<String>,
    /// Why the pod is in its phase (`Evicted`, `NodeLost`, …); boxed text,
    /// as most pods have none.
    pub reason: Option<Box<str>>,
    /// The kubelet's message with the reason (an eviction's resource and usage).
    pub message: Option<Box<str>>,
    pub conditions: Option<Vec<PodCondition>>,
    /// The pod's address, for errors that name a peer by IP; boxed text.
    #[serde(rename = "podIP")]
    pub pod_ip: Option<Box<str>>,
    pub init_container_statuses: Option<Vec<ContainerStatus>>,
    pub container_statuses: Option<Vec<ContainerStatus>>,
}

/// What the analyses read of a container's status.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatus {
    pub name: String,
    pub image: String,
    pub ready: bool,
    pub restart_count: i32,
    /// Boxed: 208 bytes inline each, and a container without a previous
    /// state (most) then costs 8 bytes for it.
    pub state: Option<Box<ContainerState>>,
    pub last_state: Option<Box<ContainerState>>,
}

impl k8s_openapi::Resource for Pod {
    const API_VERSION: &'static str = "v1";
    const GROUP: &'static str = "";
    const KIND: &'static str = "Pod";
    const VERSION: &'static str = "v1";
    const URL_PATH_SEGMENT: &'static str = "pods";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

impl k8s_openapi::Metadata for Pod {
    type Ty = ObjectMeta;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// Succeeded or Failed: the pod holds nothing on its node (what the
/// scheduler's NodeInfo leaves out).
pub fn is_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// The node a pod is bound to (`spec.nodeName`), if any.
pub fn node_name(pod: &Pod) -> Option<&str> {
    pod.bound_to
        .as_deref()
        .or_else(|| pod.spec.as_ref().and_then(|s| s.node_name.as_deref()))
        .filter(|n| !n.is_empty())
}

/// The ServiceAccount pods of this spec run as: `serviceAccountName`, else
/// the deprecated `serviceAccount` (upstream's v1 conversion,
/// `Convert_v1_PodSpec_To_core_PodSpec`, reads one for the other), else
/// `default` (what the `ServiceAccount` admission plugin sets).
pub fn service_account(spec: &PodSpec) -> &str {
    spec.service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
        .or(spec.service_account.as_deref().filter(|s| !s.is_empty()))
        .unwrap_or("default")
}

/// Whether pods of this spec resolve names with the node's resolver instead
/// of the cluster DNS: `hostNetwork: true` with `dnsPolicy` `ClusterFirst`
/// (the default) falls back to `Default`, the node's `/etc/resolv.conf`;
/// only `ClusterFirstWithHostNet` keeps the cluster DNS (the kubelet's
/// `getPodDNSType`, `pkg/kubelet/network/dns/dns.go`).
pub fn dns_uses_node_resolver(spec: &PodSpec) -> bool {
    spec.host_network == Some(true)
        && matches!(
            spec.dns_policy.as_deref(),
            None | Some("") | Some("ClusterFirst")
        )
}

/// Who decides whether pods of this spec get the API token mounted:
/// `spec.automountServiceAccountToken` when set, else the ServiceAccount's
/// field, else the default, true (the `ServiceAccount` admission plugin,
/// `plugin/pkg/admission/serviceaccount/admission.go`, `shouldAutomount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAutomount {
    /// The pod spec says so.
    Pod(bool),
    /// The pod spec is silent; its ServiceAccount says so.
    ServiceAccount(bool),
    /// Neither says: the token is mounted.
    Default,
}

impl TokenAutomount {
    /// Whether the token is mounted.
    pub fn mounted(self) -> bool {
        match self {
            TokenAutomount::Pod(b) | TokenAutomount::ServiceAccount(b) => b,
            TokenAutomount::Default => true,
        }
    }
}

/// Whether pods of `spec` get the ServiceAccount token mounted, and which
/// object decides it (`sa` is the spec's ServiceAccount, when known).
pub fn token_automount(
    spec: &PodSpec,
    sa: Option<&k8s_openapi::api::core::v1::ServiceAccount>,
) -> TokenAutomount {
    match (
        spec.automount_service_account_token,
        sa.and_then(|s| s.automount_service_account_token),
    ) {
        (Some(b), _) => TokenAutomount::Pod(b),
        (None, Some(b)) => TokenAutomount::ServiceAccount(b),
        (None, None) => TokenAutomount::Default,
    }
}

/// A container's command word or argument as the kubelet runs it: each
/// `$(NAME)` replaced by the container's environment variable of that name
/// when its value is known here (a literal `value`, or a `fieldRef` to the
/// pod's name, namespace, node, ServiceAccount or IP), `$$` read as one `$`,
/// and a reference to anything else left as written, as the kubelet leaves
/// it (`third_party/forked/golang/expansion`, used by `kubecontainer.ExpandContainerCommandAndArgs`).
pub fn expand_arg<'a>(
    pod: &Pod,
    container: &k8s_openapi::api::core::v1::Container,
    arg: &'a str,
) -> std::borrow::Cow<'a, str> {
    if !arg.contains('$') {
        return std::borrow::Cow::Borrowed(arg);
    }
    let value = |name: &str| -> Option<String> {
        let var = container.env.iter().flatten().rfind(|e| e.name == name)?;
        if let Some(v) = &var.value {
            return Some(v.clone());
        }
        let field = var.value_from.as_ref()?.field_ref.as_ref()?;
        let meta = &pod.metadata;
        let status = pod.status.as_ref();
        match field.field_path.as_str() {
            "metadata.name" => meta.name.clone(),
            "metadata.namespace" => {
                Some(meta.namespace.clone().unwrap_or_else(|| "default".into()))
            }
            "spec.nodeName" => node_name(pod).map(str::to_owned),
            "spec.serviceAccountName" => pod.spec.as_ref().map(|s| service_account(s).to_owned()),
            "status.podIP" => status.and_then(|s| s.pod_ip.as_deref()).map(str::to_owned),
            _ => None,
        }
    };
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(')
            && let Some(end) = inner.find(')')
        {
            let name = &inner[..end];
            match value(name) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push_str("$(");
                    out.push_str(name);
                    out.push(')');
                }
            }
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn arguments_are_expanded_as_the_kubelet_expands_them() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web-1", "namespace": "shop"},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "env": [
                {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                {"name": "PORT", "value": "8080"},
                {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}
            ]}]}
        }))
        .unwrap();
        let c = &pod.spec.as_ref().unwrap().containers[0];
        let x = |a: &str| expand_arg(&pod, c, a).into_owned();
        assert_eq!(
            x("--publish-service=$(POD_NAMESPACE)/ingress"),
            "--publish-service=shop/ingress"
        );
        assert_eq!(x("--port=$(PORT) --node=$(NODE)"), "--port=8080 --node=n1");
        assert_eq!(x("$(UNSET)/x"), "$(UNSET)/x");
        assert_eq!(x("$$(PORT) costs $5"), "$(PORT) costs $5");
        assert_eq!(x("unclosed $(PORT"), "unclosed $(PORT");
    }
    use super::*;

    #[test]
    fn host_network_with_cluster_first_uses_the_node_resolver() {
        let spec = |host: Option<bool>, policy: Option<&str>| PodSpec {
            host_network: host,
            dns_policy: policy.map(str::to_owned),
            ..PodSpec::default()
        };
        assert!(dns_uses_node_resolver(&spec(Some(true), None)));
        assert!(dns_uses_node_resolver(&spec(
            Some(true),
            Some("ClusterFirst")
        )));
        assert!(!dns_uses_node_resolver(&spec(
            Some(true),
            Some("ClusterFirstWithHostNet")
        )));
        assert!(!dns_uses_node_resolver(&spec(None, None)));
        assert!(!dns_uses_node_resolver(&spec(
            Some(false),
            Some("ClusterFirst")
        )));
    }

    #[test]
    fn decodes_what_the_analyses_read_and_skips_the_rest() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-0", "namespace": "shop"},
            "spec": {"containers": [{"name": "app", "image": "web:1"}]},
            "status": {
                "phase": "Running",
                "reason": null,
                "podIPs": [{"ip": "10.0.0.1"}],
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{
                    "name": "app", "image": "web:1", "imageID": "sha256:abc",
                    "ready": true, "restartCount": 3,
                    "allocatedResources": {"cpu": "1"},
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}},
                    "state": {"running": {"startedAt": "2026-01-01T09:00:00Z"}}
                }]
            }
        }))
        .unwrap();
        assert_eq!(pod.metadata.name.as_deref(), Some("web-0"));
        assert_eq!(pod.spec.as_ref().map(|s| s.containers.len()), Some(1));
        let status = pod.status.unwrap();
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert_eq!(status.conditions.map(|c| c.len()), Some(1));
        let cs = &status.container_statuses.unwrap()[0];
        assert_eq!(
            (cs.name.as_str(), cs.ready, cs.restart_count),
            ("app", true, 3)
        );
        let last = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
        assert_eq!(last.map(|t| t.exit_code), Some(137));
        assert!(cs.state.as_ref().is_some_and(|s| s.running.is_some()));
    }

    /// A replica as the API server stores it: bound to `node`, with its own
    /// token volume name, and `env` as its one variable's value.
    fn replica(name: &str, node: &str, token: &str, env: &str) -> Pod {
        let mut p: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "shop"},
            "spec": {
                "nodeName": node,
                "containers": [{"name": "app", "image": "web:1",
                    "env": [{"name": "MODE", "value": env}],
                    "volumeMounts": [{"name": token, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}],
                "volumes": [{"name": token, "projected": {"sources": [
                    {"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}},
                    {"configMap": {"name": "kube-root-ca.crt"}}]}}]
            }
        }))
        .unwrap();
        crate::trim::Trim::trim(&mut p);
        p
    }

    #[test]
    fn replicas_on_different_nodes_share_one_spec_and_keep_their_node() {
        let a = replica(
            "web-1",
            "node-a",
            "kube-api-access-x7k2p",
            "shared-spec-test",
        );
        let b = replica(
            "web-2",
            "node-b",
            "kube-api-access-q9zzr",
            "shared-spec-test",
        );
        let (sa, sb) = (a.spec.as_ref().unwrap(), b.spec.as_ref().unwrap());
        assert!(Arc::ptr_eq(sa, sb), "equal specs are one copy");
        assert_eq!(node_name(&a), Some("node-a"));
        assert_eq!(node_name(&b), Some("node-b"));
        assert_eq!(sa.node_name, None, "the shared spec names no node");
        // The token volume and its mount are stored under one name, which
        // still reads as the injected token volume and answers to either
        // pod's own name.
        let vol = &sa.volumes.as_ref().unwrap()[0].name;
        assert_eq!(vol, TOKEN_VOLUME);
        assert!(crate::references::is_injected_token_volume(vol));
        assert!(volume_named(vol, "kube-api-access-q9zzr"));
        assert!(!volume_named(vol, "data"));
        let mount = &sa.containers[0].volume_mounts.as_ref().unwrap()[0].name;
        assert_eq!(mount, TOKEN_VOLUME);
    }

    #[test]
    fn specs_that_differ_are_not_shared() {
        let a = replica("api-1", "node-a", "kube-api-access-aaaaa", "unshared-one");
        let b = replica("api-2", "node-a", "kube-api-access-bbbbb", "unshared-two");
        let (sa, sb) = (a.spec.as_ref().unwrap(), b.spec.as_ref().unwrap());
        assert!(!Arc::ptr_eq(sa, sb));
        let env = |s: &PodSpec| s.containers[0].env.as_ref().unwrap()[0].value.clone();
        assert_eq!(env(sa).as_deref(), Some("unshared-one"));
        assert_eq!(env(sb).as_deref(), Some("unshared-two"));
    }

    #[test]
    fn a_volume_named_like_the_token_but_not_projected_keeps_its_name() {
        let mut p: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "odd"},
            "spec": {"containers": [{"name": "app"}],
                "volumes": [{"name": "kube-api-access-mine", "emptyDir": {}}]}
        }))
        .unwrap();
        crate::trim::Trim::trim(&mut p);
        let s = p.spec.as_ref().unwrap();
        assert_eq!(s.volumes.as_ref().unwrap()[0].name, "kube-api-access-mine");
    }

    #[test]
    fn a_status_of_the_wrong_shape_is_an_error() {
        let r: Result<Pod, _> = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"}, "status": {"containerStatuses": {"name": "x"}}
        }));
        assert!(r.is_err());
    }
}
