//! A container's security settings as the kubelet applies them.
//!
//! `runAsNonRoot`, `runAsUser` and `seccompProfile` may be set on the pod
//! (`spec.securityContext`) and on each container: the container's value,
//! when set, overrides the pod's. `privileged`, `allowPrivilegeEscalation`,
//! `readOnlyRootFilesystem` and `capabilities` exist on the container only.

use k8s_openapi::api::core::v1::{Capabilities, Container, PodSpec};

/// The effective security context of one container of a pod spec. Each
/// field is `None` when neither the container nor (where it applies) the
/// pod sets it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EffectiveSecurityContext<'a> {
    pub privileged: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub read_only_root_filesystem: Option<bool>,
    pub capabilities: Option<&'a Capabilities>,
    /// The container's, else the pod's.
    pub run_as_non_root: Option<bool>,
    /// The container's, else the pod's.
    pub run_as_user: Option<i64>,
    /// The seccomp profile type (`RuntimeDefault`, `Localhost`,
    /// `Unconfined`): the container's profile, else the pod's.
    pub seccomp_profile: Option<&'a str>,
}

impl<'a> EffectiveSecurityContext<'a> {
    /// Resolve `c`'s security context against its pod spec's.
    pub fn of(spec: &'a PodSpec, c: &'a Container) -> Self {
        let own = c.security_context.as_ref();
        let pod = spec.security_context.as_ref();
        EffectiveSecurityContext {
            privileged: own.and_then(|s| s.privileged),
            allow_privilege_escalation: own.and_then(|s| s.allow_privilege_escalation),
            read_only_root_filesystem: own.and_then(|s| s.read_only_root_filesystem),
            capabilities: own.and_then(|s| s.capabilities.as_ref()),
            run_as_non_root: own
                .and_then(|s| s.run_as_non_root)
                .or_else(|| pod?.run_as_non_root),
            run_as_user: own.and_then(|s| s.run_as_user).or_else(|| pod?.run_as_user),
            seccomp_profile: own
                .and_then(|s| s.seccomp_profile.as_ref())
                .or_else(|| pod?.seccomp_profile.as_ref())
                .map(|p| p.type_.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodSecurityContext, SeccompProfile, SecurityContext};

    fn seccomp(t: &str) -> Option<SeccompProfile> {
        Some(SeccompProfile {
            type_: t.into(),
            ..Default::default()
        })
    }

    #[test]
    fn the_container_overrides_the_pod_field_by_field() {
        let spec = PodSpec {
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(1000),
                seccomp_profile: seccomp("RuntimeDefault"),
                ..Default::default()
            }),
            ..Default::default()
        };
        let bare = Container::default();
        let e = EffectiveSecurityContext::of(&spec, &bare);
        assert_eq!(e.run_as_non_root, Some(true));
        assert_eq!(e.run_as_user, Some(1000));
        assert_eq!(e.seccomp_profile, Some("RuntimeDefault"));
        assert_eq!(e.privileged, None);

        let own = Container {
            security_context: Some(SecurityContext {
                run_as_user: Some(0),
                seccomp_profile: seccomp("Unconfined"),
                privileged: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        };
        let e = EffectiveSecurityContext::of(&spec, &own);
        assert_eq!(e.run_as_non_root, Some(true), "not set on the container");
        assert_eq!(e.run_as_user, Some(0));
        assert_eq!(e.seccomp_profile, Some("Unconfined"));
        assert_eq!(e.privileged, Some(true));

        let empty = PodSpec::default();
        let e = EffectiveSecurityContext::of(&empty, &bare);
        assert_eq!(e, EffectiveSecurityContext::default());
    }
}
