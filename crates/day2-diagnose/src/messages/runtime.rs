//! The kubelet's words on a pod it cannot start or had to evict.
//!
//! - `FailedCreatePodSandBox` (`pkg/kubelet/kuberuntime/kuberuntime_manager.go`):
//!   `Failed to create pod sandbox: rpc error: … failed to setup network for
//!   sandbox …: plugin type="aws-cni" … failed to assign an IP address to
//!   container` (amazon-vpc-cni-k8s), `Failed to allocate address` /
//!   `no addresses available` (Azure CNI, host-local IPAM), `stat
//!   /var/lib/calico/nodename: no such file or directory` (Calico not running
//!   on the node), `cni config uninitialized` / `NetworkPluginNotReady`,
//!   `error getting ClusterInformation: connection is unauthorized:
//!   Unauthorized` (Calico's CNI plugin with a token the API server refuses).
//! - `CreateContainerConfigError` (`pkg/kubelet/kubelet_pods.go`,
//!   `pkg/kubelet/kuberuntime/kuberuntime_container.go`): `couldn't find key
//!   K in Secret NS/NAME`, `secret "NAME" not found`, `configmap "NAME" not
//!   found`, `container has runAsNonRoot and image will run as root`.
//! - evictions (`pkg/kubelet/eviction/helpers.go`): `The node was low on
//!   resource: R. Threshold quantity: T, available: A. Container C was using
//!   U, which exceeds its request of Q. ` and `The node had condition: [C]. `.

use super::quoted_after;

/// Why the runtime could not create the pod's sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxError {
    /// The CNI's IP address management has no address left for the pod.
    IpExhausted,
    /// The CNI plugin is not installed, configured or running on the node;
    /// `plugin` is the plugin the message names, if any.
    CniNotReady {
        plugin: Option<&'static str>,
    },
    /// The CNI plugin reaches the API server but its credentials are
    /// refused (Calico's `connection is unauthorized: Unauthorized`,
    /// libcalico-go `errors.ErrorConnectionUnauthorized`; a plugin's
    /// `Unauthorized` or `forbidden` from the API).
    CniUnauthorized {
        plugin: Option<&'static str>,
    },
    /// The node's bridge keeps an address the bridge plugin does not expect
    /// (`bridge` and the gateway address it wanted).
    StaleBridge {
        bridge: String,
        wanted: String,
    },
    /// The runtime cannot find a plugin binary of the containernetworking
    /// reference set (`loopback`, `portmap`, `bridge`, …) in the node's CNI
    /// binary directory: `failed to find plugin "loopback" in path [/opt/cni/bin]`.
    ReferencePluginMissing {
        binary: String,
        dir: String,
    },
    /// The runtime has no handler to run the sandbox with: containerd's
    /// `runtime "io.containerd.runc.v1" binary not installed
    /// "containerd-shim-runc-v1"` (a configured runtime type whose shim is
    /// gone) and `no runtime for "kata" is configured` (a RuntimeClass
    /// handler the node's CRI configuration lacks); CRI-O's `failed to find
    /// runtime handler … from runtime list`.
    RuntimeMissing {
        runtime: String,
        binary: Option<String>,
    },
    Other,
}

/// The runtime handler a sandbox error names as missing, and its binary.
fn runtime_missing(m: &str) -> Option<SandboxError> {
    if let Some(at) = m.find("\" binary not installed \"") {
        let runtime = m[..at].rsplit('"').next().unwrap_or("").to_owned();
        let binary = m[at + "\" binary not installed \"".len()..]
            .split('"')
            .next()
            .map(str::to_owned);
        return Some(SandboxError::RuntimeMissing { runtime, binary });
    }
    for marker in ["no runtime for \"", "failed to find runtime handler "] {
        if let Some(at) = m.find(marker) {
            let runtime = m[at + marker.len()..]
                .split(['"', ' '])
                .next()
                .unwrap_or("")
                .to_owned();
            return Some(SandboxError::RuntimeMissing {
                runtime,
                binary: None,
            });
        }
    }
    None
}

/// The plugins of containernetworking/plugins (`plugins/main`, `ipam`,
/// `meta`): installed on the node by its CNI package, not by a network
/// add-on's DaemonSet, which brings its own binary.
const REFERENCE_PLUGINS: [&str; 18] = [
    "loopback",
    "bridge",
    "host-local",
    "portmap",
    "bandwidth",
    "firewall",
    "tuning",
    "ptp",
    "macvlan",
    "ipvlan",
    "vlan",
    "host-device",
    "dhcp",
    "static",
    "sbr",
    "vrf",
    "tap",
    "dummy",
];

/// `failed to find plugin "X" in path [DIR]`: the plugin binary and the
/// directory searched (`/opt/cni/bin` when the message names none).
pub fn missing_plugin(m: &str) -> Option<(&str, &str)> {
    const MARK: &str = "failed to find plugin \"";
    let rest = &m[m.find(MARK)? + MARK.len()..];
    let (binary, after) = rest.split_once('"')?;
    let dir = after
        .split_once("in path [")
        .and_then(|(_, d)| d.split_once(']'))
        .map_or("/opt/cni/bin", |(d, _)| d);
    Some((binary, dir))
}

/// [`missing_plugin`], for a reference plugin `X`.
fn reference_plugin_missing(m: &str) -> Option<SandboxError> {
    let (binary, dir) = missing_plugin(m)?;
    REFERENCE_PLUGINS
        .contains(&binary)
        .then(|| SandboxError::ReferencePluginMissing {
            binary: binary.to_owned(),
            dir: dir.to_owned(),
        })
}

/// CNI plugins by a word their errors carry, with the DaemonSet that runs them.
pub const CNI_PLUGINS: [(&str, &str); 10] = [
    ("aws-cni", "aws-node"),
    ("calico", "calico-node"),
    ("cilium", "cilium"),
    ("azure-vnet", "azure-cns"),
    ("flannel", "kube-flannel-ds"),
    ("weave", "weave-net"),
    ("antrea", "antrea-agent"),
    ("kube-router", "kube-router"),
    ("kube-ovn", "kube-ovn-cni"),
    ("ovn-k8s-cni-overlay", "ovnkube-node"),
];

/// The number of addresses in the range set host-local IPAM reports full:
/// `no IP addresses available in range set: 10.244.2.1-10.244.2.254`
/// (containernetworking/plugins `plugins/ipam/host-local/backend/allocator/allocator.go`,
/// `RangeSet.String()` joins ranges with `,`). IPv4 only.
pub fn host_local_range_size(message: &str) -> Option<u64> {
    const MARK: &str = "no IP addresses available in range set: ";
    let at = message.find(MARK)?;
    let set = message[at + MARK.len()..].split_whitespace().next()?;
    let mut total = 0u64;
    for range in set.split(',') {
        let (start, end) = range.split_once('-')?;
        let start: std::net::Ipv4Addr = start.parse().ok()?;
        let end: std::net::Ipv4Addr = end.trim_end_matches(['"', '.']).parse().ok()?;
        let (s, e) = (u32::from(start), u32::from(end));
        total += u64::from(e.checked_sub(s)?) + 1;
    }
    Some(total)
}

pub fn classify_sandbox(message: &str) -> SandboxError {
    let m = super::strip_combined(message);
    let plugin = CNI_PLUGINS
        .iter()
        .find(|(w, _)| m.contains(w))
        .map(|(w, _)| *w);
    const STALE: &str = " already has an IP address different from ";
    if let Some(at) = m.find(STALE) {
        let bridge = m[..at]
            .trim_end_matches(['"', '\\'])
            .rsplit(['"', ' '])
            .next()
            .unwrap_or("cni0")
            .to_owned();
        let wanted = m[at + STALE.len()..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\\')
            .next()
            .unwrap_or("")
            .to_owned();
        return SandboxError::StaleBridge { bridge, wanted };
    }
    if let Some(missing) = reference_plugin_missing(m) {
        return missing;
    }
    if let Some(missing) = runtime_missing(m) {
        return missing;
    }
    if m.contains("failed to assign an IP address to container")
        || m.contains("Failed to allocate address")
        || m.contains("no addresses available")
        || m.contains("no IP addresses available")
        || m.contains("failed to request IPv4 addresses")
        || m.contains("No more free affinity blocks")
        // Cilium's agent: `[POST /ipam][502] postIpamFailure  range is full`.
        || m.contains("range is full")
        // Whereabouts (a Multus attachment's IPAM): `Could not allocate IP
        // in range: ip: 172.24.1.120 / - 172.24.1.123 / range: …`.
        || m.contains("Could not allocate IP in range")
        // Calico's IPAM with no pool to take an address from at all
        // (libcalico-go: `No configured Calico pools`, later `no
        // configured Calico pools for node …`).
        || m.contains("o configured Calico pools")
    {
        SandboxError::IpExhausted
    } else if m.contains("connection is unauthorized")
        || ((m.contains(": Unauthorized") || m.contains("is forbidden: User"))
            && (m.contains("networkPlugin cni") || m.contains("plugin type=") || plugin.is_some()))
    {
        SandboxError::CniUnauthorized { plugin }
    } else if m.contains("cni config uninitialized")
        || m.contains("NetworkPluginNotReady")
        || m.contains("cni plugin not initialized")
        || m.contains("/var/lib/calico/nodename")
        || m.contains("failed to find plugin")
        || ((m.contains("no such file or directory") || m.contains("connect: connection refused"))
            && (m.contains("network") || m.contains("cni") || plugin.is_some()))
    {
        SandboxError::CniNotReady { plugin }
    } else {
        SandboxError::Other
    }
}

/// What a container's configuration refers to and cannot find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    MissingKey {
        kind: &'static str,
        name: String,
        key: String,
    },
    MissingObject {
        kind: &'static str,
        name: String,
    },
    RunAsRoot,
    Other,
}

pub fn classify_config(message: &str) -> ConfigError {
    let m = message.trim().trim_start_matches("Error: ");
    let lower = m.to_ascii_lowercase();
    if let Some(rest) = lower
        .find("couldn't find key ")
        .and_then(|i| m.get(i + "couldn't find key ".len()..))
        && let Some((key, obj)) = rest.split_once(" in ")
    {
        let (kind, path) = match obj.split_once(' ') {
            Some(("Secret", p)) => ("Secret", p),
            Some(("ConfigMap", p)) => ("ConfigMap", p),
            _ => return ConfigError::Other,
        };
        let name = path.rsplit('/').next().unwrap_or(path).trim().to_owned();
        return ConfigError::MissingKey {
            kind,
            name,
            key: key.to_owned(),
        };
    }
    // The kubelet's own spelling, and the API server's NotFound
    // (`secrets "x" not found`) that older kubelets passed on.
    for (word, kind) in [
        ("secret ", "Secret"),
        ("configmap ", "ConfigMap"),
        ("secrets ", "Secret"),
        ("configmaps ", "ConfigMap"),
    ] {
        if lower.contains(&format!("{word}\""))
            && lower.contains("not found")
            && let Some(name) = quoted_after(&lower, word)
            && let Some(i) = lower.find(&format!("{word}\"{name}\""))
            && let Some(name) = m.get(i + word.len() + 1..i + word.len() + 1 + name.len())
        {
            return ConfigError::MissingObject {
                kind,
                name: name.to_owned(),
            };
        }
    }
    if m.contains("runAsNonRoot and image will run as root")
        || m.contains("cannot verify user is non-root")
    {
        return ConfigError::RunAsRoot;
    }
    ConfigError::Other
}

/// An eviction message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Eviction {
    /// `memory`, `ephemeral-storage`, `pids`, … when the node was low on it.
    pub resource: Option<String>,
    /// `DiskPressure`, … when the pod was evicted for a node condition.
    pub conditions: Vec<String>,
    /// Containers over their request: (name, usage, request).
    pub containers: Vec<(String, String, String)>,
    /// A container or the pod exceeded its own ephemeral-storage limit.
    pub over_limit: bool,
}

pub fn parse_eviction(message: &str) -> Eviction {
    let mut e = Eviction::default();
    let m = message.trim();
    if let Some(rest) = m.split("The node was low on resource: ").nth(1) {
        e.resource = rest
            .split(['.', ','])
            .next()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
    }
    if let Some(rest) = m.split("The node had condition: ").nth(1) {
        let list = rest.split(']').next().unwrap_or("");
        e.conditions = list
            .trim_start_matches('[')
            .split([',', ' '])
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
    }
    // The kubelet's `containerMessageFmt` (pkg/kubelet/eviction/helpers.go):
    // before 1.22 `Container %s was using %s, which exceeds its request of
    // %s. `, since `Container %s was using %s, request is %s, has larger
    // consumption of %v. `.
    for part in m.split("Container ").skip(1) {
        let Some((name, rest)) = part.split_once(" was using ") else {
            continue;
        };
        let split = rest
            .split_once(", which exceeds its request of ")
            .or_else(|| rest.split_once(", request is "));
        if let Some((usage, rest)) = split {
            let request = rest
                .split_once(". ")
                .map_or(rest, |(q, _)| q)
                .split(", has larger consumption")
                .next()
                .unwrap_or("");
            e.containers.push((
                name.trim().to_owned(),
                usage.trim().to_owned(),
                request.trim().trim_end_matches('.').to_owned(),
            ));
        }
    }
    e.over_limit = m.contains("exceeded its local ephemeral storage limit")
        || m.contains("Pod ephemeral local storage usage exceeds")
        || m.contains("Usage of EmptyDir volume");
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_a_container_over_its_request() {
        let old = parse_eviction(
            "The node was low on resource: memory. Container app was using 1Gi, which exceeds its request of 512Mi. ",
        );
        assert_eq!(
            old.containers,
            [("app".into(), "1Gi".into(), "512Mi".into())]
        );
        // cloud-pi-native/socle#532, kubelet 1.22 and later.
        let new = parse_eviction(
            "The node was low on resource: ephemeral-storage. Threshold quantity: 16023864137, available: 12671572Ki. Container build was using 1639680Ki, request is 0, has larger consumption of ephemeral-storage. Container helper was using 8Ki, request is 0, has larger consumption of ephemeral-storage. ",
        );
        assert_eq!(new.resource.as_deref(), Some("ephemeral-storage"));
        assert_eq!(
            new.containers,
            [
                ("build".into(), "1639680Ki".into(), "0".into()),
                ("helper".into(), "8Ki".into(), "0".into())
            ]
        );
    }

    #[test]
    fn a_bridge_with_an_address_of_an_earlier_pod_cidr() {
        assert_eq!(
            classify_sandbox(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"3f\" network for pod \"coredns\": networkPlugin cni failed to set up pod \"coredns_kube-system\" network: failed to delegate add: failed to set bridge addr: \"cni0\" already has an IP address different from 10.244.0.1/24"
            ),
            SandboxError::StaleBridge {
                bridge: "cni0".into(),
                wanted: "10.244.0.1/24".into()
            }
        );
    }

    #[test]
    fn a_reference_plugin_missing_from_the_node_is_told_from_an_add_on_binary() {
        // The kubelet's dockershim spelling (weaveworks/weave#3750).
        let loopback = "Failed create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"9a\" network for pod \"coredns-x\": NetworkPlugin cni failed to set up pod \"coredns-x_kube-system\" network: failed to find plugin \"loopback\" in path [/opt/cni/bin]";
        assert_eq!(
            classify_sandbox(loopback),
            SandboxError::ReferencePluginMissing {
                binary: "loopback".into(),
                dir: "/opt/cni/bin".into()
            }
        );
        // The add-on's own binary stays the add-on's: not yet installed by its DaemonSet.
        let calico = "networkPlugin cni failed to set up pod \"web_default\" network: failed to find plugin \"calico\" in path [/opt/cni/bin]";
        assert!(matches!(
            classify_sandbox(calico),
            SandboxError::CniNotReady { .. }
        ));
    }

    #[test]
    fn host_local_names_the_range_it_found_full() {
        assert_eq!(
            host_local_range_size(
                "network: failed to allocate for range 0: no IP addresses available in range set: 172.20.2.1-172.20.2.254"
            ),
            Some(254)
        );
        assert_eq!(
            host_local_range_size(
                "no IP addresses available in range set: 10.0.0.2-10.0.0.3,10.0.1.1-10.0.1.1"
            ),
            Some(3)
        );
        assert_eq!(host_local_range_size("Failed to allocate address"), None);
    }

    #[test]
    fn cni_credentials_refused() {
        // projectcalico/calico#5712
        assert_eq!(
            classify_sandbox(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"3dcf\" network for pod \"web\": networkPlugin cni failed to set up pod \"web_default\" network: error getting ClusterInformation: connection is unauthorized: Unauthorized"
            ),
            SandboxError::CniUnauthorized { plugin: None }
        );
        assert_eq!(
            classify_sandbox(
                "plugin type=\"calico\" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized"
            ),
            SandboxError::CniUnauthorized {
                plugin: Some("calico")
            }
        );
        // Unauthorized from something else than the CNI: not this class.
        assert_ne!(
            classify_sandbox("failed to pull image: 401 Unauthorized"),
            SandboxError::CniUnauthorized { plugin: None }
        );
    }

    #[test]
    fn sandbox_errors() {
        assert_eq!(
            classify_sandbox(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"12e7\": plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container"
            ),
            SandboxError::IpExhausted
        );
        assert_eq!(
            classify_sandbox(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"99d8\" network for pod \"nginx\": networkPlugin cni failed to set up pod \"nginx_default\" network: stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/"
            ),
            SandboxError::CniNotReady {
                plugin: Some("calico")
            }
        );
        assert_eq!(
            classify_sandbox("Failed to create pod sandbox: image not found"),
            SandboxError::Other
        );
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            classify_config("couldn't find key SECURE_DATA in Secret default/deno-demo-secret"),
            ConfigError::MissingKey {
                kind: "Secret",
                name: "deno-demo-secret".into(),
                key: "SECURE_DATA".into()
            }
        );
        assert_eq!(
            classify_config("Error: secret \"my-password\" not found"),
            ConfigError::MissingObject {
                kind: "Secret",
                name: "my-password".into()
            }
        );
        assert_eq!(
            classify_config("Error: secrets \"grafana\" not found"),
            ConfigError::MissingObject {
                kind: "Secret",
                name: "grafana".into()
            }
        );
        assert_eq!(
            classify_config("configmap \"App-Config\" not found"),
            ConfigError::MissingObject {
                kind: "ConfigMap",
                name: "App-Config".into()
            }
        );
        assert_eq!(
            classify_config(
                "container has runAsNonRoot and image will run as root (pod: \"x\", container: y)"
            ),
            ConfigError::RunAsRoot
        );
    }

    #[test]
    fn eviction_messages() {
        let e = parse_eviction(
            "The node was low on resource: ephemeral-storage. Threshold quantity: 9624693099, available: 9301548Ki. Container app was using 34260Ki, which exceeds its request of 0. ",
        );
        assert_eq!(e.resource.as_deref(), Some("ephemeral-storage"));
        assert_eq!(
            e.containers,
            vec![("app".into(), "34260Ki".into(), "0".into())]
        );
        let e = parse_eviction("The node had condition: [DiskPressure]. ");
        assert_eq!(e.conditions, vec!["DiskPressure".to_owned()]);
        assert!(e.resource.is_none());
    }

    #[test]
    fn a_sandbox_without_a_runtime_handler_names_the_handler() {
        assert_eq!(
            super::classify_sandbox(
                r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: runtime "io.containerd.runc.v1" binary not installed "containerd-shim-runc-v1": file does not exist"#
            ),
            super::SandboxError::RuntimeMissing {
                runtime: "io.containerd.runc.v1".into(),
                binary: Some("containerd-shim-runc-v1".into())
            }
        );
        assert_eq!(
            super::classify_sandbox(
                r#"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "kata" is configured"#
            ),
            super::SandboxError::RuntimeMissing {
                runtime: "kata".into(),
                binary: None
            }
        );
    }
}
