//! What a pod spec points at: its containers in the order the kubelet starts
//! them, and every ConfigMap and Secret it mounts, projects or reads into its
//! environment — enumerated once, for the rules (which Secrets a workload
//! can read) and the diagnosis (which references resolve to nothing).

use k8s_openapi::api::core::v1::{Container, PodSpec};

/// A container of a pod spec with its JSON pointer (relative to the pod spec).
pub struct ContainerRef<'a> {
    pub c: &'a Container,
    pub pointer: String,
    /// An init container that is not a restartable sidecar.
    pub init: bool,
    /// A restartable init container (`restartPolicy: Always`).
    pub sidecar: bool,
}

impl ContainerRef<'_> {
    /// How the container is named in messages.
    pub fn role(&self) -> &'static str {
        if self.init {
            "init container"
        } else if self.sidecar {
            "sidecar"
        } else {
            "container"
        }
    }
}

/// Every container of a pod spec: init containers (and sidecars) first, then
/// app containers.
pub fn containers(spec: &PodSpec) -> Vec<ContainerRef<'_>> {
    let mut out = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let sidecar = crate::resources::is_sidecar(c);
        out.push(ContainerRef {
            c,
            pointer: format!("/initContainers/{i}"),
            init: !sidecar,
            sidecar,
        });
    }
    for (i, c) in spec.containers.iter().enumerate() {
        out.push(ContainerRef {
            c,
            pointer: format!("/containers/{i}"),
            init: false,
            sidecar: false,
        });
    }
    out
}

/// The kind a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    ConfigMap,
    Secret,
}

impl ConfigKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKind::ConfigMap => "ConfigMap",
            ConfigKind::Secret => "Secret",
        }
    }
}

/// Where in the pod spec a reference is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via<'a> {
    /// A `configMap` / `secret` volume, or a source of a projected volume.
    Volume { volume: &'a str, projected: bool },
    /// `envFrom` of a container.
    EnvFrom {
        container: &'a str,
        role: &'static str,
    },
    /// `env[].valueFrom` of a container.
    Env {
        container: &'a str,
        role: &'static str,
        var: &'a str,
    },
}

/// One reference of a pod spec to a ConfigMap or a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRef<'a> {
    pub kind: ConfigKind,
    pub name: &'a str,
    /// The key read (`env[].valueFrom.*KeyRef.key`), if one.
    pub key: Option<&'a str>,
    /// Marked `optional: true`: the pod starts without it.
    pub optional: bool,
    pub via: Via<'a>,
    /// JSON pointer relative to the pod spec.
    pub pointer: String,
}

/// Whether a volume is the service-account token volume the API server
/// injects (`kube-api-access-*`): its `kube-root-ca.crt` ConfigMap is
/// published by the control plane, not referenced by the workload.
pub fn is_injected_token_volume(name: &str) -> bool {
    name.starts_with("kube-api-access-")
}

/// Every ConfigMap and Secret a pod spec mounts, projects or reads into its
/// environment: volumes first, then each container's `envFrom` and `env` in
/// [`containers`] order.
pub fn config_refs(spec: &PodSpec) -> Vec<ConfigRef<'_>> {
    let mut out = Vec::new();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        let pointer = || format!("/volumes/{i}");
        let volume = |projected| Via::Volume {
            volume: &v.name,
            projected,
        };
        if let Some(cm) = &v.config_map {
            out.push(ConfigRef {
                kind: ConfigKind::ConfigMap,
                name: &cm.name,
                key: None,
                optional: cm.optional == Some(true),
                via: volume(false),
                pointer: pointer(),
            });
        }
        if let Some(s) = &v.secret
            && let Some(n) = &s.secret_name
        {
            out.push(ConfigRef {
                kind: ConfigKind::Secret,
                name: n,
                key: None,
                optional: s.optional == Some(true),
                via: volume(false),
                pointer: pointer(),
            });
        }
        for p in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(cm) = &p.config_map {
                out.push(ConfigRef {
                    kind: ConfigKind::ConfigMap,
                    name: &cm.name,
                    key: None,
                    optional: cm.optional == Some(true),
                    via: volume(true),
                    pointer: pointer(),
                });
            }
            if let Some(s) = &p.secret {
                out.push(ConfigRef {
                    kind: ConfigKind::Secret,
                    name: &s.name,
                    key: None,
                    optional: s.optional == Some(true),
                    via: volume(true),
                    pointer: pointer(),
                });
            }
        }
    }
    for c in containers(spec) {
        let (container, role) = (c.c.name.as_str(), c.role());
        for (j, e) in c.c.env_from.iter().flatten().enumerate() {
            let via = Via::EnvFrom { container, role };
            let pointer = format!("{}/envFrom/{j}", c.pointer);
            if let Some(r) = &e.config_map_ref {
                out.push(ConfigRef {
                    kind: ConfigKind::ConfigMap,
                    name: &r.name,
                    key: None,
                    optional: r.optional == Some(true),
                    via: via.clone(),
                    pointer: pointer.clone(),
                });
            }
            if let Some(r) = &e.secret_ref {
                out.push(ConfigRef {
                    kind: ConfigKind::Secret,
                    name: &r.name,
                    key: None,
                    optional: r.optional == Some(true),
                    via,
                    pointer,
                });
            }
        }
        for (j, e) in c.c.env.iter().flatten().enumerate() {
            let Some(from) = &e.value_from else { continue };
            let via = Via::Env {
                container,
                role,
                var: &e.name,
            };
            let pointer = format!("{}/env/{j}", c.pointer);
            if let Some(r) = &from.config_map_key_ref {
                out.push(ConfigRef {
                    kind: ConfigKind::ConfigMap,
                    name: &r.name,
                    key: Some(&r.key),
                    optional: r.optional == Some(true),
                    via: via.clone(),
                    pointer: pointer.clone(),
                });
            }
            if let Some(r) = &from.secret_key_ref {
                out.push(ConfigRef {
                    kind: ConfigKind::Secret,
                    name: &r.name,
                    key: Some(&r.key),
                    optional: r.optional == Some(true),
                    via,
                    pointer,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: serde_json::Value) -> PodSpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn every_reference_is_found_with_where_it_is_made() {
        let s = spec(json!({
            "volumes": [
                {"name": "cfg", "configMap": {"name": "app-config"}},
                {"name": "tls", "secret": {"secretName": "app-tls", "optional": true}},
                {"name": "kube-api-access-x1", "projected": {"sources": [
                    {"configMap": {"name": "kube-root-ca.crt"}},
                    {"serviceAccountToken": {"path": "token"}}
                ]}}
            ],
            "initContainers": [{"name": "wait", "image": "busybox",
                "envFrom": [{"secretRef": {"name": "db-creds"}}]}],
            "containers": [{"name": "app", "image": "app",
                "env": [
                    {"name": "PLAIN", "value": "x"},
                    {"name": "DB_PASS", "valueFrom": {"secretKeyRef": {"name": "db-creds", "key": "password"}}},
                    {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "mode", "optional": true}}}
                ]}]
        }));
        let refs = config_refs(&s);
        let got: Vec<(&str, &str, Option<&str>, bool, &str)> = refs
            .iter()
            .map(|r| {
                (
                    r.kind.as_str(),
                    r.name,
                    r.key,
                    r.optional,
                    r.pointer.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("ConfigMap", "app-config", None, false, "/volumes/0"),
                ("Secret", "app-tls", None, true, "/volumes/1"),
                ("ConfigMap", "kube-root-ca.crt", None, false, "/volumes/2"),
                (
                    "Secret",
                    "db-creds",
                    None,
                    false,
                    "/initContainers/0/envFrom/0"
                ),
                (
                    "Secret",
                    "db-creds",
                    Some("password"),
                    false,
                    "/containers/0/env/1"
                ),
                (
                    "ConfigMap",
                    "app-config",
                    Some("mode"),
                    true,
                    "/containers/0/env/2"
                ),
            ]
        );
        assert_eq!(
            refs[3].via,
            Via::EnvFrom {
                container: "wait",
                role: "init container"
            }
        );
        assert_eq!(
            refs[4].via,
            Via::Env {
                container: "app",
                role: "container",
                var: "DB_PASS"
            }
        );
        assert!(is_injected_token_volume("kube-api-access-x1"));
        assert!(config_refs(&PodSpec::default()).is_empty());
    }
}
