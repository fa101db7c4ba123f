//! Helm refusing to install over an object it does not own: `rendered
//! manifests contain a resource that already exists. Unable to continue
//! with install: Service "x" in namespace "y" exists and cannot be imported
//! into the current release: invalid ownership metadata; annotation
//! validation error: key "meta.helm.sh/release-name" must equal "a": current
//! value is "b"` (helm `pkg/action/validate.go`). The object named is the
//! cause: it belongs to another release, or to none.

use crate::evidence::Hypothesis;
use day2_model::{Loop, ObjRef};

/// What Helm's refusal says: the object, and the release it must belong to
/// and the one it does (empty when it was made outside Helm).
#[derive(Debug, PartialEq, Eq)]
pub struct Conflict {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub want: String,
    pub current: String,
}

pub fn conflict(message: &str) -> Option<Conflict> {
    const TAIL: &str = " exists and cannot be imported into the current release";
    let at = message.find(TAIL)?;
    let head = &message[..at];
    // `Kind "name" in namespace "ns"`, or `Kind "name"` for a cluster-scoped one.
    let (head, namespace) = match head.rsplit_once(" in namespace \"") {
        Some((h, ns)) => (h, ns.trim_end_matches('"').to_owned()),
        None => (head, String::new()),
    };
    let (before, name) = head.trim_end_matches('"').rsplit_once(" \"")?;
    let kind = before.rsplit([' ', ':']).next()?.to_owned();
    if kind.is_empty() || !kind.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let rest = &message[at..];
    let quoted_after = |mark: &str| -> String {
        rest.split_once(mark)
            .and_then(|(_, r)| r.strip_prefix('"'))
            .and_then(|r| r.split_once('"'))
            .map(|(v, _)| v.to_owned())
            .unwrap_or_default()
    };
    Some(Conflict {
        kind,
        name: name.to_owned(),
        namespace,
        want: quoted_after("must equal "),
        current: quoted_after("current value is "),
    })
}

/// The hypothesis for a refusal found in `message` (a container's
/// termination message or log line).
pub fn ownership(message: &str, whose: &str) -> Option<Hypothesis> {
    let c = conflict(message)?;
    let ns = (!c.namespace.is_empty()).then_some(c.namespace.as_str());
    let loop_ = match c.kind.as_str() {
        "Service" | "Ingress" | "NetworkPolicy" => Loop::Network,
        "ServiceAccount" | "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding"
        | "Secret" => Loop::Identity,
        "PersistentVolumeClaim" | "StorageClass" => Loop::Storage,
        _ => Loop::Compute,
    };
    let obj = ObjRef::new(c.kind.clone(), ns, c.name.clone());
    let owner = if c.current.is_empty() {
        "no Helm release (it was made outside Helm)".to_owned()
    } else {
        format!("release `{}`", c.current)
    };
    let want = if c.want.is_empty() {
        "this one".to_owned()
    } else {
        format!("`{}`", c.want)
    };
    let at = ns.map(|n| format!(" -n {n}")).unwrap_or_default();
    Some(
        Hypothesis::new(
            86,
            loop_,
            obj.clone(),
            format!(
                "Helm in {whose} refuses to install release {want}: {obj} already exists and belongs to {owner} (its meta.helm.sh/release-name annotation), so Helm will not take it over"
            ),
        )
        .fix(format!(
            "Install under the release that owns it (`helm upgrade --install {}`), or hand {obj} over: `kubectl annotate {}{at} {} meta.helm.sh/release-name={} meta.helm.sh/release-namespace=<namespace> --overwrite` and `kubectl label {}{at} {} app.kubernetes.io/managed-by=Helm`; or delete it if the new release should create it.",
            if c.current.is_empty() { "<release>" } else { c.current.as_str() },
            c.kind.to_ascii_lowercase(),
            c.name,
            if c.want.is_empty() { "<release>" } else { c.want.as_str() },
            c.kind.to_ascii_lowercase(),
            c.name,
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helms_refusal_names_the_object_and_both_releases() {
        // keptn-contrib/job-executor-service#214.
        let m = "Release \"helloservice\" does not exist. Installing it now.\nError: rendered manifests contain a resource that already exists. Unable to continue with install: Service \"helloservice\" in namespace \"podtato-head-production\" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"helloservice\": current value is \"podtato-head-production-helloservice\"\n";
        assert_eq!(
            conflict(m),
            Some(Conflict {
                kind: "Service".into(),
                name: "helloservice".into(),
                namespace: "podtato-head-production".into(),
                want: "helloservice".into(),
                current: "podtato-head-production-helloservice".into(),
            })
        );
        // A cluster-scoped object made with kubectl: no release, a label missing.
        let m = "Error: INSTALLATION FAILED: rendered manifests contain a resource that already exists. Unable to continue with install: ClusterRole \"ingress-nginx\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"";
        let c = conflict(m).unwrap();
        assert_eq!(
            (c.kind.as_str(), c.name.as_str(), c.namespace.as_str()),
            ("ClusterRole", "ingress-nginx", "")
        );
        assert_eq!(c.current, "");
        assert!(conflict("Error: exit status 1").is_none());
    }
}
