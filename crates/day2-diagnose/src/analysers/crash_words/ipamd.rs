//! The VPC CNI's aws-node whose IP address manager never comes up: the
//! entrypoint starts ipamd, waits for its gRPC port, and gives up with
//! `Failed to wait for IPAM daemon to complete`. ipamd's own reason goes to
//! its log file on the node (/var/log/aws-routed-eni/ipamd.log), not to the
//! container's; what it needs first is EC2's answer to the ENI and address
//! calls, made with the role aws-node runs as (its ServiceAccount's IAM
//! role, or the nodes' instance role), whose policy must allow
//! `AmazonEKS_CNI_Policy`'s actions (aws/amazon-vpc-cni-k8s#1847: a policy
//! with the IPv6 actions only).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, ObjRef};

pub fn never_up<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    if !texts
        .iter()
        .any(|t| t.contains("Failed to wait for IPAM daemon to complete"))
    {
        return vec![];
    }
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let role = a
        .service_account(ns, sa)
        .and_then(|s| s.annotation(day2_model::cloud::AWS_ROLE_ANNOTATION))
        .map(str::to_owned);
    let node = model::node_name(pod).unwrap_or("its node");
    let (object, who) = match &role {
        Some(r) => (
            ObjRef::new("ServiceAccount", Some(ns), sa),
            format!("the IAM role of ServiceAccount {ns}/{sa} ({r})"),
        ),
        None => (
            model::workload_ref(a.cluster, pod),
            "the nodes' instance role".to_owned(),
        ),
    };
    vec![
        Hypothesis::new(
            66,
            Loop::Identity,
            object,
            format!("aws-node's IP address manager (ipamd) never comes up on node {node} (`Failed to wait for IPAM daemon to complete`), so the node's pod network is not ready; ipamd first needs EC2 to answer its ENI and address calls, made with {who}"),
        )
        .fix(format!("Check {who} allows the VPC CNI's actions (the AWS managed policy `AmazonEKS_CNI_Policy`: ec2:AssignPrivateIpAddresses, CreateNetworkInterface, AttachNetworkInterface, DescribeNetworkInterfaces, … ; for IPv6 clusters AssignIpv6Addresses), and that the role trusts the cluster's OIDC provider for {ns}/{sa}; ipamd's log on node {node}, /var/log/aws-routed-eni/ipamd.log, names the call refused. Then delete the aws-node pods."))
        .missing(format!("ipamd's log on node {node} (/var/log/aws-routed-eni/ipamd.log)")),
    ]
}
