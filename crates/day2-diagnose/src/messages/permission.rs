//! A cloud API's refusal of a permission, in each provider's words: who
//! asked, for which action, on what.
//!
//! - Azure Resource Manager, `AuthorizationFailed`: `The client 'ID' with
//!   object id 'OID' does not have authorization to perform action 'ACTION'
//!   over scope 'SCOPE' or the scope is invalid.`, and
//!   `LinkedAuthorizationFailed`: `… however, it does not have permission to
//!   perform action(s) 'ACTION' on the linked scope(s) 'SCOPE' …`.
//! - AWS IAM: `User: ARN is not authorized to perform: ACTION on resource:
//!   RESOURCE` (`AccessDenied`, `UnauthorizedOperation`).
//! - Google Cloud: `Required 'PERMISSION' permission for 'RESOURCE'` and
//!   `Permission 'PERMISSION' denied on resource 'RESOURCE'`.

/// Who was refused what, on what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub cloud: &'static str,
    pub principal: Option<String>,
    pub action: String,
    pub scope: Option<String>,
}

/// The text after `marker` up to the next `close`.
fn after<'a>(text: &'a str, marker: &str, close: char) -> Option<&'a str> {
    let rest = &text[text.find(marker)? + marker.len()..];
    Some(rest.split(close).next().unwrap_or(rest))
}

pub fn refusal(message: &str) -> Option<Refusal> {
    let m = message;
    if let Some(action) = after(m, "does not have authorization to perform action '", '\'')
        .or_else(|| after(m, "does not have permission to perform action(s) '", '\''))
        .or_else(|| after(m, "does not have permission to perform action '", '\''))
    {
        let scope =
            after(m, "over scope '", '\'').or_else(|| after(m, "on the linked scope(s) '", '\''));
        return Some(Refusal {
            cloud: "azure",
            principal: after(m, "The client '", '\'').map(str::to_owned),
            action: action.to_owned(),
            scope: scope.map(str::to_owned),
        });
    }
    if let Some(action) = after(m, "is not authorized to perform: ", ' ') {
        let principal = m
            .find("is not authorized to perform: ")
            .and_then(|i| m[..i].rsplit("User: ").next())
            .map(|p| p.trim().to_owned())
            .filter(|p| p.starts_with("arn:"));
        return Some(Refusal {
            cloud: "aws",
            principal,
            action: action.trim_end_matches([',', '.']).to_owned(),
            scope: after(m, "on resource: ", ' ')
                .map(|s| s.trim_end_matches([',', '.']).to_owned()),
        });
    }
    if let Some(action) = after(m, "Required '", '\'')
        .filter(|_| m.contains("' permission for '"))
        .or_else(|| after(m, "Permission '", '\'').filter(|_| m.contains("' denied on resource '")))
    {
        let scope = after(m, "' permission for '", '\'')
            .or_else(|| after(m, "' denied on resource '", '\''));
        return Some(Refusal {
            cloud: "gcp",
            principal: None,
            action: action.to_owned(),
            scope: scope.map(str::to_owned),
        });
    }
    None
}

impl Refusal {
    /// The grant that answers the refusal, in the provider's own tool.
    pub fn fix(&self) -> String {
        let scope = self.scope.as_deref().unwrap_or("<scope>");
        let who = self.principal.as_deref().unwrap_or("<principal>");
        match self.cloud {
            "azure" => {
                let role = if self.action.starts_with("Microsoft.Network/") {
                    "Network Contributor"
                } else {
                    "a role that carries it"
                };
                format!(
                    "The cloud refuses the cluster identity {who} the action {} on {scope}. Grant it {role} there (a subnet, virtual network, public IP or resource group outside the node resource group is not covered by the cluster's own role assignments): `az role assignment create --assignee {who} --role \"{}\" --scope {scope}`. The service controller retries on its own once the role assignment propagates.",
                    self.action,
                    if role == "Network Contributor" {
                        role
                    } else {
                        "<role>"
                    }
                )
            }
            "aws" => format!(
                "The cloud refuses {who} the action {} on {scope}. Allow it in that role's IAM policy (`aws iam put-role-policy` or an attached managed policy), or in the resource's own policy; the controller retries on its own.",
                self.action
            ),
            _ => format!(
                "The cloud refuses the permission {} on {scope}. Grant the service account the controller runs as a role that includes it (`gcloud projects add-iam-policy-binding PROJECT --member serviceAccount:SA --role ROLE`); the controller retries on its own.",
                self.action
            ),
        }
    }
}

/// The IRSA credential providers' refusal of an account without a role:
/// `an IAM role must be associated with service account <sa> (namespace:
/// <ns>)` (External Secrets' AWS provider, `pkg/provider/aws/auth`; the
/// Secrets Store CSI driver's AWS provider, capitalised) → (account,
/// namespace).
pub fn irsa_role_missing(text: &str) -> Option<(&str, &str)> {
    const MARK: &str = "IAM role must be associated with service account ";
    let rest = &text[text.find(MARK)? + MARK.len()..];
    let (sa, rest) = rest.split_once(' ')?;
    let ns = rest.strip_prefix("(namespace: ")?.split(')').next()?;
    (!sa.is_empty() && !ns.is_empty()).then_some((sa, ns))
}

#[cfg(test)]
mod tests {
    use super::{irsa_role_missing, refusal};

    #[test]
    fn azure_aws_and_gcp_refusals_name_the_action_and_scope() {
        let az = refusal(r#"{"error":{"code":"AuthorizationFailed","message":"The client '30e1' with object id '30e1' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/subnets/read' over scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks' or the scope is invalid."}}"#).unwrap_or_else(|| panic!("azure"));
        assert_eq!(az.action, "Microsoft.Network/virtualNetworks/subnets/read");
        assert!(
            az.fix().contains("Network Contributor")
                && az.fix().contains("--scope /subscriptions/s/"),
            "{}",
            az.fix()
        );
        let linked = refusal("LinkedAuthorizationFailed: The client 'c1' with object id 'o1' has permission to perform action 'Microsoft.Network/loadBalancers/write' on scope '/subscriptions/s/resourceGroups/mc/providers/Microsoft.Network/loadBalancers/kubernetes'; however, it does not have permission to perform action(s) 'Microsoft.Network/publicIPAddresses/join/action' on the linked scope(s) '/subscriptions/s/resourceGroups/ip-rg/providers/Microsoft.Network/publicIPAddresses/out' (respectively) or the linked scope(s) are invalid.").unwrap_or_else(|| panic!("linked"));
        assert_eq!(
            linked.action,
            "Microsoft.Network/publicIPAddresses/join/action"
        );
        // The singular spelling (kubernetes-sigs/cloud-provider-azure#1999).
        let one = refusal("{\"error\":{\"code\":\"LinkedAuthorizationFailed\",\"message\":\"The client 'c1' with object id 'o1' has permission to perform action 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/write' on scope '/subscriptions/s/vmss/0'; however, it does not have permission to perform action 'Microsoft.Network/loadBalancers/backendAddressPools/join/action' on the linked scope(s) '/subscriptions/s/lb/kubernetes-internal' or the linked scope(s) are invalid.\"}}").unwrap_or_else(|| panic!("singular"));
        assert_eq!(
            one.action,
            "Microsoft.Network/loadBalancers/backendAddressPools/join/action"
        );
        assert!(
            linked
                .scope
                .as_deref()
                .is_some_and(|s| s.ends_with("publicIPAddresses/out"))
        );
        let aws = refusal("AccessDenied: User: arn:aws:sts::1:assumed-role/lbc/x is not authorized to perform: elasticloadbalancing:CreateLoadBalancer on resource: arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/k8s because no identity-based policy allows it").unwrap_or_else(|| panic!("aws"));
        assert_eq!(aws.action, "elasticloadbalancing:CreateLoadBalancer");
        assert_eq!(
            aws.principal.as_deref(),
            Some("arn:aws:sts::1:assumed-role/lbc/x")
        );
        let gcp = refusal("googleapi: Error 403: Required 'compute.forwardingRules.create' permission for 'projects/p/regions/r/forwardingRules/a1', forbidden").unwrap_or_else(|| panic!("gcp"));
        assert_eq!(gcp.action, "compute.forwardingRules.create");
        assert_eq!(refusal("timed out waiting for the condition"), None);
    }

    #[test]
    fn an_account_without_an_irsa_role() {
        // external-secrets/external-secrets#816.
        assert_eq!(
            irsa_role_missing(
                "unable to create session: an IAM role must be associated with service account frontend (namespace: demo)"
            ),
            Some(("frontend", "demo"))
        );
        assert_eq!(irsa_role_missing("AccessDenied: not authorized"), None);
    }
}
