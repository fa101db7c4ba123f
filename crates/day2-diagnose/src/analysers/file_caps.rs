//! A binary the kernel will not start: `exec /bin/app: operation not
//! permitted` from a container that drops capabilities or forbids privilege
//! escalation. An image can give its binary file capabilities (`setcap
//! cap_net_bind_service=+ep`, to listen below port 1024 as a non-root
//! user); under `no_new_privs` (`allowPrivilegeEscalation: false`) or with
//! those capabilities outside the bounding set (`drop: [ALL]`, OpenShift's
//! restricted SCC) `execve` refuses such a file with EPERM before the
//! program runs (grafana/alloy#630: Alloy 1.0.0's `setcap` binary).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// The binary of `exec /bin/app: operation not permitted` (the container's
/// own exec) or of runc's `exec: "/bin/app": operation not permitted`.
fn refused_binary(text: &str) -> Option<&str> {
    text.lines().find_map(|l| {
        let (head, _) = l.split_once(": operation not permitted")?;
        let (_, path) = head.rsplit_once("exec")?;
        let path = path.trim_start_matches(':').trim().trim_matches('"');
        path.starts_with('/').then_some(path)
    })
}

pub fn refused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some(binary) = texts.iter().find_map(|t| refused_binary(t)) else {
        return vec![];
    };
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    let sc = c.security_context.as_ref();
    let dropped: Vec<String> = sc
        .and_then(|s| s.capabilities.as_ref()?.drop.clone())
        .unwrap_or_default();
    let no_new_privs = sc.and_then(|s| s.allow_privilege_escalation) == Some(false);
    if dropped.is_empty() && !no_new_privs {
        return vec![];
    }
    let mut how = Vec::new();
    if !dropped.is_empty() {
        how.push(format!("drops capabilities {}", dropped.join(", ")));
    }
    if no_new_privs {
        how.push("sets allowPrivilegeEscalation: false".to_owned());
    }
    let workload = model::workload_ref(a.cluster, pod);
    let image = c.image.as_deref().unwrap_or("its image");
    vec![
        Hypothesis::new(
            86,
            Loop::Compute,
            workload.clone(),
            format!(
                "the kernel refuses to start {binary} in container {container} (`operation not permitted` at exec): the container {}, and a binary that carries file capabilities (`setcap`, e.g. cap_net_bind_service to listen below port 1024) may not be run without them",
                how.join(" and ")
            ),
        )
        .fix(format!(
            "Give container {container} of {workload} the capability its binary carries: `securityContext.capabilities.add: [NET_BIND_SERVICE]` (`getcap {binary}` in the image shows which; on OpenShift an SCC that allows it), or run a release of {image} whose binary has no file capabilities (one built without `setcap`)."
        )),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_refused_binary() {
        assert_eq!(
            super::refused_binary("exec /bin/alloy: operation not permitted\n"),
            Some("/bin/alloy")
        );
        assert_eq!(
            super::refused_binary(
                "OCI runtime create failed: runc create failed: unable to start container process: exec: \"/nginx-ingress-controller\": operation not permitted: unknown"
            ),
            Some("/nginx-ingress-controller")
        );
        assert_eq!(
            super::refused_binary("chown /data: operation not permitted"),
            None
        );
    }
}
