//! A pod that cannot reach the EC2 instance metadata service on nodes that
//! a Karpenter EC2NodeClass launches with IMDSv2 required and a hop limit
//! of 1: the token's answer stops one hop short of a pod on the pod
//! network, so the SDK's calls time out (`operation error ec2imds:
//! GetMetadata, canceled, context deadline exceeded`,
//! kubernetes-sigs/aws-load-balancer-controller#3937). The node class's
//! metadata options are where it is set.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// Whether a program's words say its calls to the metadata service failed.
fn imds_failed(text: &str) -> bool {
    let imds = text.contains("ec2imds")
        || text.contains("EC2MetadataError")
        || text.contains("from instance metadata")
        || text.contains("169.254.169.254");
    let failed = [
        "deadline exceeded",
        "timeout",
        "timed out",
        "status code: 401",
        "StatusCode: 401",
    ]
    .iter()
    .any(|w| text.contains(w));
    imds && failed
}

pub fn hop_limit<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    if pod
        .spec
        .as_ref()
        .is_some_and(|s| s.host_network == Some(true))
    {
        return vec![];
    }
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    if !texts.iter().any(|t| imds_failed(t)) {
        return vec![];
    }
    let Some(class) = a.cluster.other.iter().find(|o| {
        o.kind == "EC2NodeClass"
            && o.data
                .get("spec")
                .and_then(|s| s.get("metadataOptions"))
                .is_some_and(|m| {
                    m.get("httpPutResponseHopLimit").and_then(|h| h.as_u64()) == Some(1)
                        && m.get("httpTokens").and_then(|t| t.as_str()) != Some("optional")
                })
    }) else {
        return vec![];
    };
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            class.objref(),
            format!(
                "{workload} cannot reach the EC2 instance metadata service: EC2NodeClass {} launches nodes with IMDSv2 required and `httpPutResponseHopLimit: 1`, so the metadata answers stop one hop short of a pod on the pod network and its calls time out",
                class.name()
            ),
        )
        .fix(format!(
            "Set `metadataOptions.httpPutResponseHopLimit: 2` in EC2NodeClass {} (nodes it launches from then on get it; replace the current ones, or `aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2` on them), or give {workload} what it reads there (for the AWS Load Balancer Controller `--aws-vpc-id` and `--aws-region`).",
            class.name()
        )),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn metadata_calls_that_fail() {
        assert!(super::imds_failed(
            "failed to fetch VPC ID from instance metadata: error in fetching vpc id through ec2 metadata: get mac metadata: operation error ec2imds: GetMetadata, canceled, context deadline exceeded"
        ));
        assert!(!super::imds_failed(
            "operation error ec2imds: GetMetadata, https response error StatusCode: 404"
        ));
        assert!(!super::imds_failed("dial tcp 10.0.0.5:5432: i/o timeout"));
    }
}
