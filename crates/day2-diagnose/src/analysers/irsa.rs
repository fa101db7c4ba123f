//! An AWS refusal whose principal is the node's instance role although the
//! pod's ServiceAccount names its own role (IRSA). The pod never used its
//! web identity: the SDK fell through the credential chain to the instance
//! metadata. The usual reason is a container user that cannot read the
//! projected token (`AWS_WEB_IDENTITY_TOKEN_FILE` is `0600` root before
//! Kubernetes 1.19, so a non-root user needs `fsGroup`), else an SDK too
//! old to know web identity (external-secrets/kubernetes-external-secrets#452).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::messages::permission::refusal;
use day2_model::{Loop, ObjRef, Pod, Res};

/// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` → (ROLE, SESSION).
fn assumed(principal: &str) -> Option<(&str, &str)> {
    let (_, rest) = principal.split_once(":assumed-role/")?;
    rest.split_once('/')
}

pub fn node_role_used(a: &Analysis<'_>, pod: &Res<Pod>, line: &str) -> Option<Hypothesis> {
    let r = refusal(line)?;
    let (role, session) = assumed(r.principal.as_deref()?)?;
    let ns = pod.ns_or_default();
    let spec = pod.spec.as_ref()?;
    let sa = day2_model::pod::service_account(spec);
    let own = a
        .service_account(ns, sa)?
        .annotation(day2_model::cloud::AWS_ROLE_ANNOTATION)?;
    let own_name = own.rsplit('/').next().unwrap_or(own);
    // An EC2 instance's session (`i-0a6e…`) or a node role's name.
    let instance = session.starts_with("i-") || role.to_ascii_lowercase().contains("node");
    if own_name == role || !instance {
        return None;
    }
    let workload = crate::model::workload_ref(a.cluster, pod);
    let sc = spec.security_context.as_ref();
    let user = sc.and_then(|s| s.run_as_user).or_else(|| {
        spec.containers
            .iter()
            .find_map(|c| c.security_context.as_ref()?.run_as_user)
    });
    let fs_group = sc.and_then(|s| s.fs_group);
    let who = match (user, fs_group) {
        (Some(u), None) if u != 0 => format!(
            " Its containers run as user {u} with no fsGroup, so they cannot read the token."
        ),
        (None, None) => {
            " The pod sets no fsGroup; an image that runs as a non-root user cannot read the token."
                .to_owned()
        }
        _ => String::new(),
    };
    Some(
        Hypothesis::new(
            88,
            Loop::Identity,
            workload.clone(),
            format!(
                "AWS refused {} to {role} (session {session}), the node's instance role, not {own} of ServiceAccount {ns}/{sa}: the pod did not use its web identity and fell back to the instance metadata.{who}",
                r.action
            ),
        )
        .fix(format!(
            "Let the pod read its projected token: set `securityContext.fsGroup: 65534` (a group the container's user is in) on the pod template of {workload}, and use an SDK with web-identity support; after a restart AWS sees {own}. Block the fallback too: require IMDSv2 with a hop limit of 1 on the nodes so pods cannot take the node's role."
        )),
    )
}

/// The SDK cannot read the projected web-identity token itself:
/// `WebIdentityErr: unable to read file at /var/run/secrets/eks.amazonaws.com/serviceaccount/token`
/// `… open …/token: permission denied` (velero-io/velero#2011). The token
/// file is `0600` root before Kubernetes 1.19; a non-root user reads it
/// only through the pod's `fsGroup`.
pub fn token_unreadable(a: &Analysis<'_>, pod: &Res<Pod>, text: &str) -> Option<Hypothesis> {
    let l = text.to_ascii_lowercase();
    let token = l.contains("eks.amazonaws.com/serviceaccount/token")
        || l.contains("aws_web_identity_token_file");
    if !token || !l.contains("permission denied") {
        return None;
    }
    let spec = pod.spec.as_ref()?;
    if spec
        .security_context
        .as_ref()
        .and_then(|s| s.fs_group)
        .is_some()
    {
        return None;
    }
    let workload = crate::model::workload_ref(a.cluster, pod);
    let sa = day2_model::pod::service_account(spec);
    Some(
        Hypothesis::new(
            88,
            Loop::Identity,
            workload.clone(),
            format!(
                "the containers of {workload} cannot read the web-identity token projected for ServiceAccount {}/{sa} (permission denied): they run as a non-root user and the pod sets no fsGroup, so the AWS SDK never gets its role",
                pod.ns_or_default()
            ),
        )
        .fix(format!(
            "Set `securityContext.fsGroup` on the pod template of {workload} to a group the container's user is in (`fsGroup: 65534` for nobody; the image's own group otherwise): the kubelet then makes the token readable by that group. Clusters from 1.19 on write the token `0600` owned by the fsGroup too, so it is needed there as well."
        )),
    )
}

/// A pod that runs as a ServiceAccount with an IAM role but was admitted
/// without what EKS's pod identity webhook adds (`AWS_ROLE_ARN`,
/// `AWS_WEB_IDENTITY_TOKEN_FILE`), while pods of the same workload have it:
/// it was created while the webhook was not answering (a new node's
/// DaemonSet pod racing the webhook, amazon-vpc-cni-k8s#831), so it calls
/// AWS with the node's role instead of its own.
pub(crate) fn unmutated(a: &Analysis<'_>, pod: &Res<Pod>) -> Option<Hypothesis> {
    const ENV: &str = "AWS_ROLE_ARN";
    let has_env = |p: &Res<Pod>| {
        p.spec.as_ref().is_some_and(|s| {
            s.containers
                .iter()
                .any(|c| c.env.iter().flatten().any(|e| e.name == ENV))
        })
    };
    if has_env(pod) {
        return None;
    }
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
    let role = a
        .service_account(ns, sa)?
        .annotation(day2_model::cloud::AWS_ROLE_ANNOTATION)?;
    let owner = a.cluster.owner_of(pod)?;
    let siblings = a
        .cluster
        .pods_of(&owner.kind, &owner.namespace, &owner.name);
    let with: Vec<&str> = siblings
        .iter()
        .filter(|p| has_env(p))
        .map(|p| p.name())
        .collect();
    if with.is_empty() {
        return None;
    }
    let without: Vec<&str> = siblings
        .iter()
        .filter(|p| !has_env(p))
        .map(|p| p.name())
        .collect();
    let workload = crate::model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            pod.objref(),
            format!(
                "pod {} of {workload} runs as ServiceAccount {ns}/{sa}, whose IAM role is {role}, without the `{ENV}` and `AWS_WEB_IDENTITY_TOKEN_FILE` the pod identity webhook injects (its siblings {} have them): it was admitted while the webhook did not answer, so it acts with the node's instance role",
                pod.name(),
                day2_model::text::short_list(&with, 3)
            ),
        )
        .fix(format!(
            "Delete the pods admitted without the webhook's environment ({}) so they are created again with {ENV} and the projected token (`kubectl delete pod -n {ns} {}`); if new nodes keep getting such pods, check that the pod identity webhook answers before {workload} starts.",
            day2_model::text::short_list(&without, 4),
            without.join(" ")
        )),
    )
}

/// A web-identity credential call to AWS STS's global endpoint
/// (`https://sts.amazonaws.com/`) that never gets an answer (`i/o timeout`,
/// `no such host`): in a VPC without internet egress only the regional
/// endpoint is reachable (through its VPC endpoint), and SDKs that default
/// to the global one must be told (kubernetes-sigs/aws-efs-csi-driver#555,
/// fixed by #585 with `AWS_STS_REGIONAL_ENDPOINTS=regional`).
/// `who` gives the ServiceAccount and who speaks, asked only when the text
/// is this refusal (a crash's every line comes here).
pub fn global_sts(text: &str, who: impl FnOnce() -> (ObjRef, String)) -> Option<Hypothesis> {
    let unanswered = [
        "i/o timeout",
        "no such host",
        "connection timed out",
        "deadline exceeded",
    ]
    .iter()
    .any(|w| text.contains(w));
    if !text.contains("https://sts.amazonaws.com") || !unanswered {
        return None;
    }
    let (sa, who) = who();
    let (ns, name) = (sa.namespace.clone().unwrap_or_default(), sa.name.clone());
    Some(
        Hypothesis::new(
            88,
            Loop::Identity,
            sa,
            format!("{who} gets its AWS credentials from STS's global endpoint sts.amazonaws.com, which does not answer from the cluster's network: in a VPC without internet egress only the regional STS endpoint (its VPC endpoint) is reachable"),
        )
        .fix(format!("Make the SDK use the regional endpoint: set `AWS_STS_REGIONAL_ENDPOINTS=regional` on the container (and `AWS_REGION`), or annotate ServiceAccount {ns}/{name} with `eks.amazonaws.com/sts-regional-endpoints: \"true\"` so the pod identity webhook sets it, then restart the pods; a private VPC needs an STS interface endpoint (com.amazonaws.<region>.sts).")),
    )
}

#[cfg(test)]
mod tests {
    use super::assumed;

    #[test]
    fn the_assumed_role_and_its_session_are_read_from_the_principal() {
        assert_eq!(
            assumed(
                "arn:aws:sts::111122223333:assumed-role/eksctl-prod-nodegroup-ng-1-NodeInstanceRole-1QW9/i-0a6e4f2b19c7d3e58"
            ),
            Some((
                "eksctl-prod-nodegroup-ng-1-NodeInstanceRole-1QW9",
                "i-0a6e4f2b19c7d3e58"
            ))
        );
        assert_eq!(assumed("arn:aws:iam::1:user/ci"), None);
    }
}
