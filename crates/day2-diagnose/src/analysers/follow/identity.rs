//! A cloud identity error followed to the pod's ServiceAccount and its
//! workload-identity annotations and labels; an image built for another
//! architecture.

use super::*;

/// `exec format error`: the image's binary is built for another CPU than the node's.
pub(super) fn exec_format(a: &Analysis<'_>, pod: &Res<Pod>, container: &str) -> Hypothesis {
    let workload = model::workload_ref(a.cluster, pod);
    let node = model::node_name(pod).and_then(|n| a.cluster.node(n));
    let arch = node.and_then(|n| n.labels().get("kubernetes.io/arch").map(String::as_str));
    let image = model::spec_container(pod, container)
        .and_then(|c| c.image.as_deref())
        .unwrap_or("the image");
    let on = match (node, arch) {
        (Some(n), Some(arch)) => format!(" on node {} ({arch})", n.name()),
        (Some(n), None) => format!(" on node {}", n.name()),
        _ => String::new(),
    };
    Hypothesis::new(
        82,
        Loop::Compute,
        workload.clone(),
        format!("container {container} cannot start: {image} has no build for the node's CPU architecture{on} (exec format error)"),
    )
    .fix(format!(
        "Use a multi-architecture image (or one built for {}: `docker buildx build --platform linux/amd64,linux/arm64`), or keep {workload} on nodes of the image's architecture with `nodeSelector: {{kubernetes.io/arch: amd64}}`; `docker manifest inspect {image}` lists the architectures it has.",
        arch.unwrap_or("the node's architecture")
    ))
}

pub(super) const AWS_ROLE: &str = day2_model::cloud::AWS_ROLE_ANNOTATION;
pub(super) const AZURE_CLIENT: &str = day2_model::cloud::AZURE_CLIENT_ANNOTATION;
pub(super) const AZURE_USE: &str = "azure.workload.identity/use";
pub(super) const GKE_GSA: &str = day2_model::cloud::GKE_GSA_ANNOTATION;

pub(super) fn cloud_identity(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    cloud: CloudId,
    problem: AuthProblem,
    line: &str,
) -> Hypothesis {
    let ns = pod.ns_or_default();
    let sa = crate::model::pod_service_account(pod);
    let sa_obj = a
        .cluster
        .service_accounts
        .iter()
        .find(|s| s.ns_or_default() == ns && s.name() == sa);
    let ann = |k: &str| sa_obj.and_then(|s| s.annotation(k));
    let subject = format!("system:serviceaccount:{ns}:{sa}");
    let azure_labelled = pod.labels().get(AZURE_USE).map(String::as_str) == Some("true");
    if problem == AuthProblem::MetadataToken {
        // The instances' metadata options, set outside the cluster.
        return Hypothesis::new(
            80,
            Loop::Identity,
            model::workload_ref(a.cluster, pod),
            format!("container {container} exits because the EC2 instance metadata service answers it 401: the nodes require IMDSv2, and with a hop limit of 1 the token's answer never reaches a pod (it is one hop further than the node)"),
        )
        .fix("Raise the nodes' metadata hop limit to 2 (`aws ec2 modify-instance-metadata-options --instance-id <id> --http-put-response-hop-limit 2 --http-tokens required`, or `httpPutResponseHopLimit: 2` in the launch template, kops `instanceMetadata.httpPutResponseHopLimit`), or give the program what it reads there (for the AWS Load Balancer Controller, `--aws-region` and `--aws-vpc-id`) and its credentials through IRSA.")
        .missing("the instances' metadata options (`aws ec2 describe-instances --query 'Reservations[].Instances[].MetadataOptions'`)")
        .unexplained();
    }
    // The pod runs as a ServiceAccount without the cloud's identity while
    // one of its namespace carries it: the pod template names the wrong
    // account (or none, and runs as `default`).
    let key = match cloud {
        CloudId::Aws => AWS_ROLE,
        CloudId::Azure => AZURE_CLIENT,
        CloudId::Gcp => GKE_GSA,
    };
    if ann(key).is_none()
        && !matches!(problem, AuthProblem::Expired | AuthProblem::InvalidToken)
        && let Some(other) = a
            .cluster
            .service_accounts
            .iter()
            .find(|s| s.ns_or_default() == ns && s.name() != sa && s.annotation(key).is_some())
    {
        let workload = model::workload_ref(a.cluster, pod);
        let other = other.name();
        return Hypothesis::new(
            86,
            Loop::Identity,
            workload.clone(),
            format!("container {container} exits because its cloud identity is refused: the pod runs as ServiceAccount {ns}/{sa}, which has no `{key}` annotation, while ServiceAccount {ns}/{other} carries one: {workload} does not name the account meant for it"),
        )
        .fix(format!("Set `serviceAccountName: {other}` in the pod template of {workload} (for a CronJob, under `jobTemplate.spec.template.spec`), so the pod gets {other}'s cloud identity, then let it run again."));
    }
    if cloud == CloudId::Aws
        && problem == AuthProblem::NoCredentials
        && ann(AWS_ROLE).is_none()
        && let Some(h) = metadata_unreachable(a, pod, container)
    {
        return h;
    }
    let (why, fix) = match (cloud, problem) {
        (CloudId::Aws, AuthProblem::Expired) => (
            "the web identity token it presents has expired: the app read the projected token once and never re-reads it".to_owned(),
            format!("The kubelet refreshes the projected token in `AWS_WEB_IDENTITY_TOKEN_FILE`; make the app refresh its credentials from it (a current AWS SDK does; a credentials object built once at start-up does not) and restart {}.", pod.name()),
        ),
        (CloudId::Aws, AuthProblem::InvalidToken) => (
            "STS does not accept the cluster's token: the account has no IAM OIDC provider for the cluster's issuer, or its audience differs".to_owned(),
            "Create the IAM OIDC identity provider for the cluster's issuer URL (`eksctl utils associate-iam-oidc-provider --cluster <cluster> --approve`) with audience `sts.amazonaws.com`.".to_owned(),
        ),
        (CloudId::Aws, AuthProblem::Trust) => match ann(AWS_ROLE) {
            Some(role) => (
                format!("the IAM role {role} refuses AssumeRoleWithWebIdentity for this ServiceAccount: its trust policy does not trust {subject}"),
                format!("Fix the trust policy of role {role}: allow `sts:AssumeRoleWithWebIdentity` for the cluster's OIDC provider with conditions `<issuer>:sub` = `{subject}` and `<issuer>:aud` = `sts.amazonaws.com` (a condition on the wrong key or a typo in the subject refuses every pod)."),
            ),
            None => (
                format!("AssumeRoleWithWebIdentity is refused and ServiceAccount {ns}/{sa} has no `{AWS_ROLE}` annotation"),
                format!("Annotate ServiceAccount {sa} with `{AWS_ROLE}: arn:aws:iam::<account>:role/<role>` whose trust policy allows `sts:AssumeRoleWithWebIdentity` for `{subject}`, then restart the pods."),
            ),
        },
        (CloudId::Aws, AuthProblem::Other) => (
            format!("the web identity exchange for ServiceAccount {ns}/{sa} fails (role {})", ann(AWS_ROLE).unwrap_or("unset")),
            format!("Check the role in `{AWS_ROLE}` of ServiceAccount {sa}, its trust policy for `{subject}` and the cluster's IAM OIDC provider; the `caused by:` line of the error says which."),
        ),
        (CloudId::Aws, _) => {
            match ann(AWS_ROLE) {
                None => (
                    format!("ServiceAccount {ns}/{sa} has no `{AWS_ROLE}` annotation, so the SDK falls back to the node's instance role (or finds no credentials)"),
                    format!("Give the workload its own role (IRSA): annotate ServiceAccount {sa} with `{AWS_ROLE}: arn:aws:iam::<account>:role/<role>` granting what the app needs, trusted for `{subject}` (or create an EKS Pod Identity association for it), then restart the pods."),
                ),
                // The refusal names no principal: the role's policy, or an
                // SDK that never asked for the role. AWS SDKs learnt web
                // identity late (aws-sdk-go v1.23.13, boto3 1.9.220) and
                // fall back to the node's instance role before.
                Some(role) if !line.contains("arn:aws:") => (
                    format!("the role {role} of ServiceAccount {ns}/{sa} is not allowed what the app asks, or the app does not use it (the refusal names no principal)"),
                    format!("Ask the pod which principal it uses (`kubectl exec -n {ns} {} -- aws sts get-caller-identity`, or the S3/CloudTrail log): the node's instance role means the app's SDK ignores `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` (no web identity support: aws-sdk-go before v1.23.13, boto3 before 1.9.220; upgrade the image); role {role} means its IAM policy lacks the denied action.", pod.name()),
                ),
                Some(role) => (
                    format!("the role {role} of ServiceAccount {ns}/{sa} is not allowed what the app asks"),
                    format!("Grant the denied action to role {role} in its IAM policy (the error names the action and resource)."),
                ),
            }
        }
        (CloudId::Azure, AuthProblem::UnknownClient) => (
            format!("Entra ID knows no application with the client id in `{AZURE_CLIENT}` of ServiceAccount {ns}/{sa} ({})", ann(AZURE_CLIENT).unwrap_or("unset")),
            format!("Set `{AZURE_CLIENT}` on ServiceAccount {sa} to the client id of the managed identity or app registration (`az identity show -g <rg> -n <identity> --query clientId`), then restart the pods."),
        ),
        (CloudId::Azure, AuthProblem::NoFederation) => (
            format!("no federated identity credential on the identity matches the token's issuer and subject {subject}"),
            format!("Create a federated credential on the identity in `{AZURE_CLIENT}`: `az identity federated-credential create --identity-name <identity> -g <rg> --issuer <cluster OIDC issuer> --subject {subject} --audience api://AzureADTokenExchange`."),
        ),
        (CloudId::Azure, _) => {
            match (ann(AZURE_CLIENT), azure_labelled) {
                (None, _) => (
                    format!("ServiceAccount {ns}/{sa} has no `{AZURE_CLIENT}` annotation"),
                    format!("Annotate ServiceAccount {sa} with `{AZURE_CLIENT}: <client id>`, label the pod template `{AZURE_USE}: \"true\"`, and create a federated credential for `{subject}`."),
                ),
                (Some(_), false) => (
                    format!("the pod lacks the label `{AZURE_USE}: \"true\"`, so the webhook injects no token"),
                    format!("Label the pod template `{AZURE_USE}: \"true\"` (a label, not an annotation, since v1.0) and restart the pods."),
                ),
                (Some(id), true) => (
                    format!("the workload identity {id} of ServiceAccount {ns}/{sa} is refused"),
                    format!("Check the federated credential for `{subject}` on identity {id} and its role assignments."),
                ),
            }
        }
        (CloudId::Gcp, AuthProblem::Impersonation) => (
            format!("ServiceAccount {ns}/{sa} may not impersonate the Google service account {}: the binding `roles/iam.workloadIdentityUser` is missing", ann(GKE_GSA).unwrap_or("(no annotation)")),
            format!("Grant the binding: `gcloud iam service-accounts add-iam-policy-binding {} --role roles/iam.workloadIdentityUser --member \"serviceAccount:<project>.svc.id.goog[{ns}/{sa}]\"`.", ann(GKE_GSA).unwrap_or("<gsa>@<project>.iam.gserviceaccount.com")),
        ),
        (CloudId::Gcp, AuthProblem::Scopes) => (
            "the node's access scopes do not cover the call: the pod uses the node's identity".to_owned(),
            format!("Use Workload Identity: annotate ServiceAccount {sa} with `{GKE_GSA}` and enable the GKE metadata server on the node pool; or recreate the node pool with the needed scopes."),
        ),
        (CloudId::Gcp, _) => match ann(GKE_GSA) {
            None => (
                format!("ServiceAccount {ns}/{sa} has no `{GKE_GSA}` annotation, so the pod has no Google identity of its own"),
                format!("Annotate ServiceAccount {sa} with `{GKE_GSA}: <gsa>@<project>.iam.gserviceaccount.com` and grant `roles/iam.workloadIdentityUser` to `serviceAccount:<project>.svc.id.goog[{ns}/{sa}]`."),
            ),
            Some(gsa) => (
                format!("the Google service account {gsa} of ServiceAccount {ns}/{sa} lacks the permission"),
                format!("Grant {gsa} the IAM role the call needs (the error names the permission)."),
            ),
        },
    };
    // A specific refusal (a code naming what is wrong) outranks a generic one.
    let score = match problem {
        AuthProblem::Other | AuthProblem::NoCredentials => 80,
        _ => 84,
    };
    // The webhook reads the pod's label, not the ServiceAccount's: a pod
    // template without it is what to change.
    let root = match cloud {
        CloudId::Azure
            if !azure_labelled
                && ann(AZURE_CLIENT).is_some()
                && !matches!(
                    problem,
                    AuthProblem::UnknownClient | AuthProblem::NoFederation
                ) =>
        {
            model::workload_ref(a.cluster, pod)
        }
        _ => ObjRef::new("ServiceAccount", Some(ns), sa),
    };
    Hypothesis::new(
        score,
        Loop::Identity,
        root,
        format!("container {container} exits because its cloud identity is refused: {why}"),
    )
    .fix(fix)
}

/// An AWS SDK that found no credentials at all, in a cluster where no
/// ServiceAccount carries an IAM role (no IRSA anywhere) and the nodes are
/// not EKS's: pods are meant to
/// use the node's instance role, and the SDK's last source, the instance
/// metadata service, gave nothing. With IMDSv2 required and a hop limit of
/// 1 (kops' and many launch templates' default) the answer never reaches a
/// pod (kubernetes-sigs/aws-load-balancer-controller#2463).
pub(crate) fn metadata_unreachable(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
) -> Option<Hypothesis> {
    let irsa = model::uses_irsa(a.cluster);
    // EKS's own nodes and add-ons are meant for IRSA or Pod Identity: a
    // missing role is the cause there, not the metadata service.
    let eks = model::on_eks(a.cluster);
    if irsa || eks {
        return None;
    }
    // kube2iam and kiam answer the metadata requests of pods that name a
    // role in this annotation, with credentials of that role assumed from
    // the node's instance role (vmware-tanzu/velero#1172).
    if let Some(role) = pod.annotation("iam.amazonaws.com/role") {
        return Some(
            Hypothesis::new(
                76,
                Loop::Identity,
                model::workload_ref(a.cluster, pod),
                format!("container {container} finds no AWS credentials although its pod asks kube2iam (or kiam) for role {role} (`iam.amazonaws.com/role`): the agent on the node gave none, so it could not assume the role from the node's instance role"),
            )
            .fix(format!("Let the nodes' instance role assume {role}: the role's trust policy must allow `sts:AssumeRole` for the node role's ARN, and the node role's policy must allow `sts:AssumeRole` on {role}; check that the kube2iam DaemonSet runs on the pod's node (its `--base-role-arn` matches a role name given without an ARN) and read its log for the AssumeRole refusal."))
            .missing(format!("the trust policy of {role} and the nodes' instance role (`aws iam get-role --role-name <name> --query Role.AssumeRolePolicyDocument`)"))
            .unexplained(),
        );
    }
    Some(
        Hypothesis::new(
            78,
            Loop::Identity,
            model::workload_ref(a.cluster, pod),
            format!("container {container} finds no AWS credentials, and no ServiceAccount of the cluster carries an IAM role (no IRSA): its pods rely on the node's instance role, which the SDK reads from the instance metadata service, and that gave nothing: IMDSv2 with a hop limit of 1 (its answer stops one hop short of a pod), or nodes without an instance profile"),
        )
        .fix("Raise the nodes' metadata hop limit to 2 (`aws ec2 modify-instance-metadata-options --instance-id <id> --http-put-response-hop-limit 2 --http-tokens required`; kops `instanceMetadata.httpPutResponseHopLimit: 2`, or `httpPutResponseHopLimit: 2` in the launch template) and check the nodes' instance profile grants what the pod needs; or give the workload its own role with IRSA or EKS Pod Identity.")
        .missing("the instances' metadata options and instance profile (`aws ec2 describe-instances --query 'Reservations[].Instances[].[MetadataOptions,IamInstanceProfile]'`)")
        .unexplained(),
    )
}

/// A client that does not trust the certificate its server presents
/// (`x509: certificate signed by unknown authority`, curl's `unable to get
/// local issuer certificate`): the CA it is given to trust (a pinned
/// checksum, a CA bundle in its environment or volumes) did not sign the
/// server's certificate (rancher/rancher#23441: agents pinning
/// `CATTLE_CA_CHECKSUM` against a server behind an external certificate).
pub(super) fn untrusted_server(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    line: &str,
    problem: &str,
) -> Option<Hypothesis> {
    if problem != "signed by an unknown authority" {
        return None;
    }
    let c = model::spec_container(pod, container)?;
    let trust: Vec<&str> = c
        .env
        .iter()
        .flatten()
        .map(|e| e.name.as_str())
        .filter(|n| {
            let n = n.to_ascii_uppercase();
            n.contains("_CA")
                || n.starts_with("CA_")
                || n.contains("CERT_FILE")
                || n.contains("CA_BUNDLE")
        })
        .collect();
    let host = line
        .find("https://")
        .map(|i| &line[i + "https://".len()..])
        .and_then(|r| r.split(['/', ' ', ':', '"', ')']).next())
        .filter(|h| !h.is_empty());
    let workload = model::workload_ref(a.cluster, pod);
    let server = host.map_or_else(|| "its server".to_owned(), str::to_owned);
    let pinned = if trust.is_empty() {
        String::new()
    } else {
        format!(" (it is given what to trust in {})", trust.join(", "))
    };
    Some(
        Hypothesis::new(
            78,
            Loop::Identity,
            workload.clone(),
            format!("container {container} of {workload} exits because it does not trust the certificate {server} presents: the CA it trusts did not sign it{pinned}"),
        )
        .fix(format!(
            "Give {workload} the CA that signed the certificate {server} serves{}: when the server moved to another certificate (an external or public one), update or remove what pins the old CA, or serve a certificate that chains to the CA the clients trust; `openssl s_client -connect {}:443 -showcerts` shows the chain it presents.",
            if trust.is_empty() { String::new() } else { format!(" ({})", trust.join(", ")) },
            host.unwrap_or("<server>")
        )),
    )
}
