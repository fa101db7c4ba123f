//! A cloud resource the provider will not touch because a previous
//! operation left it failed. Azure Resource Manager refuses any operation
//! that involves a resource whose `provisioningState` is not `Succeeded`:
//! `Code="ResourceNotInSucceededState" Message="Cannot proceed with
//! operation because resource /subscriptions/…/networkInterfaces/NIC/ipConfigurations/ipconfig1
//! used by resource …/loadBalancers/kubernetes is not in Succeeded state.
//! Resource is in Failed state and the last operation that updated/is
//! updating the resource is PutNicOperation."` (Azure/AKS#326). The
//! cluster's controllers retry for ever: the resource has to be brought
//! back to `Succeeded` on the cloud side.

/// The failed resource an Azure error names.
#[derive(Debug, PartialEq, Eq)]
pub struct FailedResource<'m> {
    /// The resource type's last segment before the name (`networkInterfaces`).
    pub kind: &'m str,
    pub name: &'m str,
    pub group: Option<&'m str>,
    /// `Failed`, `Updating`, … as the message says.
    pub state: Option<&'m str>,
    pub operation: Option<&'m str>,
}

/// The resource an Azure `ResourceNotInSucceededState` error names.
pub fn not_succeeded(message: &str) -> Option<FailedResource<'_>> {
    if !message.contains("ResourceNotInSucceededState")
        && !message.contains("is not in Succeeded state")
    {
        return None;
    }
    let (_, rest) = message.split_once("because resource ")?;
    let id = rest.split([' ', '"', ',']).next()?;
    // …/providers/Microsoft.Network/networkInterfaces/NIC[/ipConfigurations/X]
    let (_, path) = id.split_once("/providers/")?;
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (kind, name) = (*segs.get(1)?, *segs.get(2)?);
    let group = id
        .split_once("/resourceGroups/")
        .and_then(|(_, r)| r.split('/').next());
    let word_after = |key: &str| {
        message.split_once(key).and_then(|(_, r)| {
            r.split(|c: char| c.is_whitespace() || c == '.' || c == '"')
                .find(|w| !w.is_empty())
        })
    };
    Some(FailedResource {
        kind,
        name,
        group,
        state: word_after("Resource is in "),
        operation: word_after("the resource is "),
    })
}

impl FailedResource<'_> {
    /// The way back to `Succeeded` for this kind of resource.
    pub fn fix(&self) -> String {
        let g = self.group.unwrap_or("<resource group>");
        let n = self.name;
        let how = match self.kind {
            "networkInterfaces" => format!(
                "reapply the NIC's own configuration, which reruns the failed operation: `az network nic update -g {g} -n {n}`; if it stays failed, update the VM it belongs to (`az vm update -g {g} -n <vm>`, or `az vmss update-instances` for a scale set)"
            ),
            "virtualMachines" => format!("`az vm update -g {g} -n {n}` (or redeploy it)"),
            "virtualMachineScaleSets" => {
                format!("`az vmss update-instances -g {g} -n {n} --instance-ids '*'`")
            }
            _ => format!(
                "`az resource update --ids <the id in the message>` (or the resource type's own update command on {n})"
            ),
        };
        format!(
            "Azure refuses to change anything that uses {} {n}, whose provisioningState is {}{}: bring it back to Succeeded on the Azure side — {how} — then the controller's retries go through (`az resource show -g {g} -n {n} --resource-type Microsoft.Network/{} --query properties.provisioningState`).",
            self.kind,
            self.state.unwrap_or("not Succeeded"),
            self.operation
                .map(|o| format!(" after {o}"))
                .unwrap_or_default(),
            self.kind,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failed_nic_is_read_from_arms_error() {
        // Azure/AKS#326, as the service controller reports it.
        let m = "Error creating load balancer (will retry): failed to ensure load balancer for service default/azure-vote-front: network.LoadBalancersClient#CreateOrUpdate: Failure sending request: StatusCode=0 -- Original Error: autorest/azure: Service returned an error. Status=<nil> Code=\"ResourceNotInSucceededState\" Message=\"Cannot proceed with operation because resource /subscriptions/0000/resourceGroups/MC_k8s-rg_k8s-cluster_centralus/providers/Microsoft.Network/networkInterfaces/aks-nodepool1-29847212-nic-0/ipConfigurations/ipconfig1 used by resource /subscriptions/0000/resourceGroups/MC_k8s-rg_k8s-cluster_centralus/providers/Microsoft.Network/loadBalancers/kubernetes is not in Succeeded state. Resource is in Failed state and the last operation that updated/is updating the resource is PutNicOperation.\"";
        let r = not_succeeded(m);
        assert_eq!(
            r,
            Some(FailedResource {
                kind: "networkInterfaces",
                name: "aks-nodepool1-29847212-nic-0",
                group: Some("MC_k8s-rg_k8s-cluster_centralus"),
                state: Some("Failed"),
                operation: Some("PutNicOperation"),
            })
        );
        let fix = r.map(|r| r.fix()).unwrap_or_default();
        assert!(fix.contains("az network nic update -g MC_k8s-rg_k8s-cluster_centralus -n aks-nodepool1-29847212-nic-0"), "{fix}");
        assert!(
            fix.contains("provisioningState is Failed after PutNicOperation"),
            "{fix}"
        );
    }

    #[test]
    fn other_errors_name_no_failed_resource() {
        assert_eq!(
            not_succeeded(
                "Code=\"AuthorizationFailed\" Message=\"The client does not have authorization\""
            ),
            None
        );
        // The code without a resource id: nothing to name.
        assert_eq!(not_succeeded("Code=\"ResourceNotInSucceededState\""), None);
    }
}
