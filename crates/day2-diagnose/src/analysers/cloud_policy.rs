//! A cloud refusing an action to an identity the cluster does not choose:
//! on AWS clusters without IAM roles for ServiceAccounts (kops, self-managed
//! nodes: no ServiceAccount carries `eks.amazonaws.com/role-arn`, and the
//! nodes are not EKS's), controllers act with the instance role of their
//! node; on Azure, with the cluster's managed identity or service principal.
//! What the role may do is its IAM policy or role assignment, outside the
//! cluster, and the refusal names the action to grant:
//! `User: arn:aws:sts::…:assumed-role/masters.example.com/i-… is not
//! authorized to perform: acm:ListCertificates` (AWS), `The client '…' with
//! object id '…' does not have authorization to perform action
//! 'Microsoft.Storage/storageAccounts/listKeys/action'` (Azure
//! `AuthorizationFailed`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::cloud::AWS_ROLE_ANNOTATION;
use day2_model::{Loop, ObjRef};

/// Which cloud refused, and the action it names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Denied<'m> {
    Aws(&'m str),
    /// EC2's `UnauthorizedOperation: You are not authorized to perform this
    /// operation. Encoded authorization failure message: …`: the action and
    /// the condition that refused it are in the encoded message.
    AwsEncoded,
    Azure(&'m str),
}

impl Denied<'_> {
    pub(crate) fn action(&self) -> &str {
        match self {
            Denied::Aws(a) | Denied::Azure(a) => a,
            Denied::AwsEncoded => "an EC2 action",
        }
    }
}

/// The action a refusal names (`sts:AssumeRoleWithWebIdentity` is a trust
/// refusal, not a permission one, and is not read here).
pub(crate) fn denied(msg: &str) -> Option<Denied<'_>> {
    const AZURE: &str = "does not have authorization to perform action ";
    if let Some(at) = msg.find(AZURE) {
        let action = msg[at + AZURE.len()..]
            .trim_start_matches(['\'', '"', '\\'])
            .split(['\'', '"', '\\', ' '])
            .next()?;
        return (!action.is_empty()).then_some(Denied::Azure(action));
    }
    if msg.contains("UnauthorizedOperation")
        && msg.contains("not authorized to perform this operation")
    {
        return Some(Denied::AwsEncoded);
    }
    let at = msg
        .find("not authorized to perform: ")
        .map(|i| i + "not authorized to perform: ".len())
        .or_else(|| {
            msg.find("not authorized to perform ")
                .map(|i| i + "not authorized to perform ".len())
        })?;
    let action = msg[at..]
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '\''))
        .next()?;
    let action = action.trim_end_matches(['.', ';']);
    (action.contains(':') && !action.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity"))
        .then_some(Denied::Aws(action))
}

/// Whether the identity refused is one the cluster does not choose per
/// workload: Azure's cluster identity, or an AWS node's instance role where
/// IAM roles for ServiceAccounts are not in use.
pub(crate) fn outside(a: &Analysis<'_>, d: &Denied<'_>) -> bool {
    match d {
        Denied::Azure(_) => true,
        Denied::Aws(_) | Denied::AwsEncoded => {
            !crate::model::uses_irsa(a.cluster) && !crate::model::on_eks(a.cluster)
        }
    }
}

/// The refusal names a role assumed for one workload, not a node's: the
/// session of an instance role is the instance's id
/// (`assumed-role/nodes.example.com/i-03f7…`); kiam's, kube2iam's, IAM
/// roles for ServiceAccounts' and Pod Identity's are not
/// (`assumed-role/aws-load-balancer-controller-dev/kiam-kiam`). That role
/// was chosen for the workload, and what it may do is its policy's.
pub(crate) fn workload_role(msg: &str) -> bool {
    msg.split_once(":assumed-role/")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|arn| arn.split('/').nth(1))
        .is_some_and(|session| !session.is_empty() && !session.starts_with("i-"))
}

/// The fix: grant the action where the cloud keeps it.
pub(crate) fn grant(d: &Denied<'_>) -> String {
    match d {
        Denied::Aws(action) => format!(
            "Add `{action}` to the IAM policy of the role the error names (the nodes' instance role: kops `spec.additionalPolicies`, the node group's role; a controller's published IAM policy for its version lists every action it calls); the controller retries on its own."
        ),
        Denied::AwsEncoded => "Decode the refusal (`aws sts decode-authorization-message --encoded-message <message>`): it names the action and the policy condition that refused it (a tag condition on `ec2:CreateTags`, say); add the action or widen the condition in the IAM policy of the role the controller acts with (its published IAM policy for the version it runs lists every action); the controller retries on its own.".to_owned(),
        Denied::Azure(action) => format!(
            "Grant the cluster's identity (or service principal) a role that allows `{action}` on the resource's scope (`az role assignment create --assignee <client id> --role <role> --scope <resource id>`; for a storage account, Storage Account Contributor; for a subnet or VNet, Network Contributor)."
        ),
    }
}

/// A refusal of `msg` decided by the cloud's policy, as an unexplained
/// hypothesis about `obj` naming the action to grant: when the identity is
/// not one the cluster picks ([`outside`]), or when the workload's
/// ServiceAccount already carries a role (`role_set`), whose policy, in the
/// cloud, lacks the action.
pub(crate) fn refused(
    a: &Analysis<'_>,
    obj: ObjRef,
    what: &str,
    msg: &str,
    role_set: bool,
) -> Option<Hypothesis> {
    let d = denied(msg)?;
    if !(role_set || workload_role(msg) || outside(a, &d)) {
        return None;
    }
    if let Denied::Aws(action) = d
        && let Some(h) = irsa_role_lacks(a, action, msg)
    {
        return Some(h);
    }
    Some(
        Hypothesis::new(
            82,
            Loop::Identity,
            obj,
            format!(
                "the cloud refuses `{}` to the identity {what} acts with: its policy lacks the action ({})",
                d.action(),
                day2_model::redact::excerpt(msg, 200)
            ),
        )
        .fix(grant(&d))
        .missing(match d {
            Denied::Aws(_) | Denied::AwsEncoded => "the IAM policies of the role the error names (in the AWS account)",
            Denied::Azure(_) => "the identity's role assignments (in the Azure subscription)",
        })
        .unexplained(),
    )
}

/// An Azure refusal of a provisioner whose StorageClass sends it to a
/// resource group of its own (`resourceGroup`), neither the nodes' resource
/// group, where the cluster's identity has its rights, nor the cluster's
/// own: the class made the choice, so it is what to name (kubernetes-sigs/azurefile-csi-driver#805:
/// a storage account in another resource group). Otherwise the refusal as
/// [`refused`] reads it, about `obj`.
pub(crate) fn refused_for_class(
    a: &Analysis<'_>,
    class: Option<&day2_model::Res<k8s_openapi::api::storage::v1::StorageClass>>,
    obj: ObjRef,
    what: &str,
    msg: &str,
) -> Option<Hypothesis> {
    let mut h = refused(a, obj, what, msg, false)?;
    let Some(class) = class else { return Some(h) };
    let Some(Denied::Azure(_)) = denied(msg) else {
        return Some(h);
    };
    let Some(group) = class.parameters.as_ref().and_then(|p| {
        p.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("resourceGroup"))
            .map(|(_, v)| v.as_str())
    }) else {
        return Some(h);
    };
    // The nodes' resource group, from their providerID
    // (`azure:///subscriptions/…/resourceGroups/<group>/providers/…`).
    let nodes_group = a.cluster.nodes.iter().find_map(|n| {
        let id = crate::model::provider_id(n)?;
        let (_, rest) = id.split_once("/resourceGroups/")?;
        rest.split('/').next()
    });
    // AKS names the nodes' group `MC_<cluster's group>_<cluster>_<region>`:
    // the cluster's own group, where its documentation puts storage
    // accounts, leaves the refusal to the identity's role assignments.
    let own = nodes_group.is_some_and(|g| {
        g.eq_ignore_ascii_case(group)
            || g.to_ascii_lowercase()
                .starts_with(&format!("mc_{}_", group.to_ascii_lowercase()))
    });
    if own || !msg.contains(group) {
        return Some(h);
    }
    // The class's own choice, in the cluster: no longer only the cloud's.
    h.unexplained = false;
    h.root.object = class.objref();
    h.root.summary = format!(
        "{}; StorageClass {} sends it to resource group {group}{}",
        h.root.summary,
        class.name(),
        nodes_group
            .map(|g| format!(", outside the nodes' resource group {g}"))
            .unwrap_or_default()
    );
    h.fix = format!(
        "{} The scope is resource group {group}, which StorageClass {} names (`resourceGroup`): grant the role there (Storage Account Contributor on the storage account or the group), or let the class use the cluster's own resource group.",
        h.fix,
        class.name()
    );
    Some(h)
}

/// The refused role is the one a ServiceAccount of the cluster names for
/// IRSA (`User: arn:aws:sts::<account>:assumed-role/<role>/<session>`
/// against `eks.amazonaws.com/role-arn: arn:aws:iam::<account>:role/<role>`):
/// the fix names that role and its account (kubernetes-sigs/aws-load-balancer-controller#3960,
/// a controller upgraded past the policy its role was given). The policy
/// itself is in the AWS account, outside the input: unexplained.
fn irsa_role_lacks(a: &Analysis<'_>, action: &str, msg: &str) -> Option<Hypothesis> {
    let (_, rest) = msg.split_once(":assumed-role/")?;
    let role = rest.split('/').next()?;
    let account = msg
        .split_once("arn:aws:sts::")
        .and_then(|(_, r)| r.split(':').next())?;
    if role.is_empty() {
        return None;
    }
    let arn_end = format!("{account}:role/{role}");
    let mut accounts = a.cluster.service_accounts.iter().filter(|sa| {
        sa.annotation(AWS_ROLE_ANNOTATION)
            .is_some_and(|arn| arn.trim().ends_with(&arn_end))
    });
    let sa = accounts.next()?;
    if accounts.next().is_some() {
        return None;
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Identity,
            sa.objref(),
            format!(
                "the cloud refuses `{action}` to role {role}, which ServiceAccount {}/{} assumes (IRSA): the role's IAM policy lacks the action ({})",
                sa.ns_or_default(),
                sa.name(),
                day2_model::redact::excerpt(msg, 200)
            ),
        )
        .fix(format!(
            "Add `{action}` to the IAM policy attached to role {role} (the role in `{AWS_ROLE_ANNOTATION}` of ServiceAccount {}/{}); a controller's published IAM policy for the version it runs lists every action it calls, so re-apply that policy after an upgrade. The controller retries on its own.",
            sa.ns_or_default(),
            sa.name()
        ))
        .missing("the IAM policies attached to the role (in the AWS account)")
        .unexplained(),
    )
}

/// A cloud request an organisation-wide policy denies, whatever the
/// identity's own permissions: an Azure Policy assignment
/// (`RequestDisallowedByPolicy`, naming the assignment:
/// kubernetes-sigs/azuredisk-csi-driver#2349, a VMSS update for a disk
/// attach denied by "Public IPs disallowed from Virtual Machine Scale
/// Sets"), an AWS service control policy (`with an explicit deny in a
/// service control policy`), a GCP organization policy constraint. The
/// policy lives in the cloud account, outside the cluster.
pub(crate) fn org_policy(
    pod: &day2_model::Res<day2_model::Pod>,
    pv: Option<&day2_model::Res<k8s_openapi::api::core::v1::PersistentVolume>>,
    msg: &str,
) -> Option<Hypothesis> {
    let msg = &*crate::messages::apiserver::unescape(msg);
    let (what, name) = if msg.contains("RequestDisallowedByPolicy") {
        let name = msg
            .split_once("\"policyAssignment\":{\"name\":\"")
            .or_else(|| msg.split_once("\"policyAssignment\":{\"name\": \""))
            .and_then(|(_, r)| r.split('"').next())
            .map(|n| format!(" `{n}`"));
        ("an Azure Policy assignment", name)
    } else if msg.contains("explicit deny in a service control policy") {
        ("an AWS Organizations service control policy", None)
    } else if msg.contains("constraints/") && msg.to_ascii_lowercase().contains("violat") {
        let name = msg
            .split_once("constraints/")
            .and_then(|(_, r)| {
                r.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                    .next()
            })
            .map(|n| format!(" `constraints/{n}`"));
        ("a GCP organization policy constraint", name)
    } else {
        return None;
    };
    let name = name.unwrap_or_default();
    let object = pv.map(|p| p.objref()).unwrap_or_else(|| pod.objref());
    Some(
        Hypothesis::new(
            82,
            Loop::Storage,
            object,
            format!("the cloud refuses the request for {}: {what}{name} denies it, whatever the cluster identity may do ({})", pod.name(), day2_model::redact::excerpt(msg, 200)),
        )
        .fix(format!("The policy is the cloud account's, not the cluster's: have its owners exempt the cluster's resources from {what}{name} (a policy exemption for the node resource group or scale set), or change the policy so the request the driver makes (here a VM update to attach a disk) passes; the driver retries on its own."))
        .missing("the policy assignment and its effect (in the cloud account)")
        .unexplained(),
    )
}

/// Whether the ServiceAccount a pod runs as carries an AWS role.
pub(crate) fn pod_role_set(a: &Analysis<'_>, pod: &day2_model::Res<day2_model::Pod>) -> bool {
    a.service_account(pod.ns_or_default(), crate::model::pod_service_account(pod))
        .is_some_and(|s| s.annotation(AWS_ROLE_ANNOTATION).is_some())
}

/// The quota a cloud names: GCP `Quota 'SSD_TOTAL_GB' exceeded`, AWS
/// `… VolumeLimitExceeded …`, Azure `… quota … exceeded`.
pub(crate) fn quota_named(msg: &str) -> Option<&str> {
    if let Some((_, rest)) = msg.split_once("Quota '") {
        return rest.split('\'').next().filter(|q| !q.is_empty());
    }
    [
        "VolumeLimitExceeded",
        "MaxIOPSLimitExceeded",
        "QuotaExceeded",
        "OperationNotAllowed",
    ]
    .into_iter()
    .find(|w| msg.contains(w))
}

/// Azure AD refusing the client secret of the service principal a
/// controller signs in with (`AADSTS7000215: Invalid client secret is
/// provided`, `AADSTS7000222: The provided client secret keys … are
/// expired`, `"error":"invalid_client"`): the secret in the cloud
/// provider's configuration (`aadClientSecret` of `azure.json` on the
/// nodes, or the Secret a cluster manager renders it from) is wrong or
/// expired. The secret lives outside the cluster's objects.
pub(crate) fn client_secret_refused(who: &str, msg: &str) -> Option<Hypothesis> {
    let expired = msg.contains("AADSTS7000222");
    if !(expired || msg.contains("AADSTS7000215") || msg.contains("\"invalid_client\"")) {
        return None;
    }
    let what = if expired {
        "has expired"
    } else {
        "is wrong (rotated, or mistyped)"
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            ObjRef::new("CSIDriver", None, who),
            format!(
                "Azure AD refuses the client secret of the service principal {who} signs in with: the secret {what} (AADSTS{})",
                if expired { "7000222" } else { "7000215" }
            ),
        )
        .fix(format!(
            "Create a new client secret for the cluster's service principal (`az ad sp credential reset --id <appId>`) and put it where {who} reads it: `aadClientSecret` in /etc/kubernetes/azure.json on the nodes (or the cloud-provider Secret, e.g. Cluster API Azure's `<cluster>-control-plane-azure-json` and the AzureClusterIdentity's Secret), then restart the controller; a managed identity instead of a secret does not expire."
        ))
        .missing("the service principal's credentials in Azure AD")
        .unexplained(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_their_action() {
        assert_eq!(
            denied(
                "AccessDeniedException: User: arn:aws:sts::xxxxxx:assumed-role/masters.production.xxxxx.com/i-03f7fa18f5141864b is not authorized to perform: acm:ListCertificates"
            ),
            Some(Denied::Aws("acm:ListCertificates"))
        );
        assert_eq!(
            denied(
                "api error AccessDenied: User: [REDACTED] is not authorized to perform: elasticloadbalancing:DescribeListenerAttributes because no identity-based policy allows the elasticloadbalancing:DescribeListenerAttributes action"
            ),
            Some(Denied::Aws(
                "elasticloadbalancing:DescribeListenerAttributes"
            ))
        );
        assert_eq!(
            denied(
                r#"{"error":{"code":"AuthorizationFailed","message":"The client 'xxx' with object id 'xxx' does not have authorization to perform action 'Microsoft.Storage/storageAccounts/listKeys/action' over scope '/subscriptions/x'"}}"#
            ),
            Some(Denied::Azure(
                "Microsoft.Storage/storageAccounts/listKeys/action"
            ))
        );
        assert_eq!(
            denied("AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"),
            None
        );
        // kubernetes-sigs/aws-load-balancer-controller#2785.
        assert_eq!(
            denied(
                "Failed deploy model due to UnauthorizedOperation: You are not authorized to perform this operation. Encoded authorization failure message: cfUle6L"
            ),
            Some(Denied::AwsEncoded)
        );
    }

    #[test]
    fn a_role_assumed_for_a_workload_is_not_a_node_s() {
        // kubernetes-sigs/aws-load-balancer-controller#2362 (kiam).
        assert!(workload_role(
            "AccessDenied: User: arn:aws:sts::xxxxxxxxx:assumed-role/aws-load-balancer-controller-dev/kiam-kiam is not authorized to perform: elasticloadbalancing:AddTags"
        ));
        assert!(!workload_role(
            "AccessDeniedException: User: arn:aws:sts::xxxxxx:assumed-role/masters.production.xxxxx.com/i-03f7fa18f5141864b is not authorized to perform: acm:ListCertificates"
        ));
        assert!(!workload_role(
            "AccessDenied: User: [REDACTED] is not authorized"
        ));
    }
}
