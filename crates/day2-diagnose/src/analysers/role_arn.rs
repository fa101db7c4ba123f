//! A load-balancer controller whose ServiceAccount names its IAM role with
//! an ARN that is no ARN: IRSA's webhook hands the value to the SDK as it
//! is, STS answers `ValidationError: Request ARN is invalid` to every call,
//! and no load balancer is ever made. The annotation is in the cluster, so
//! the mistake is found without the controller's log
//! (kubernetes-sigs/aws-load-balancer-controller#1353: `an:aws-cn:iam::…`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, ObjRef};

use day2_model::cloud::AWS_ROLE_ANNOTATION as ROLE_ARN;

/// Whether `v` is an IAM role ARN: `arn:<partition>:iam::<12 digits>:role/<name>`.
pub(crate) fn is_role_arn(v: &str) -> bool {
    let mut parts = v.trim().splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(rest)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    partition.starts_with("aws")
        && account.len() == 12
        && account
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
        && rest.strip_prefix("role/").is_some_and(|n| !n.is_empty())
}

pub fn malformed<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    // The class the object asks for: an Ingress's class, or none for a
    // Service (any load-balancer controller may serve it).
    let class = match d.subject {
        Subject::Ingress(ing) => crate::symptoms::ingress::explicit_class(ing),
        Subject::Service(_) => None,
        _ => return vec![],
    };
    for dep in &a.cluster.deployments {
        let Some(spec) = dep.spec.template.spec.as_ref() else {
            continue;
        };
        let serves = spec.containers.iter().any(|c| {
            let image = c.image.as_deref().unwrap_or_default();
            let lb = image.contains("aws-load-balancer-controller")
                || image.contains("alb-ingress-controller");
            let by_class = class.is_some_and(|k| {
                c.args
                    .iter()
                    .flatten()
                    .any(|x| x == &format!("--ingress-class={k}"))
            });
            lb || by_class
        });
        if !serves {
            continue;
        }
        let ns = dep.ns_or_default();
        let sa = spec
            .service_account_name
            .as_deref()
            .or(spec.service_account.as_deref())
            .unwrap_or("default");
        let Some(arn) = a
            .service_account(ns, sa)
            .and_then(|s| s.annotation(ROLE_ARN))
        else {
            continue;
        };
        if is_role_arn(arn) {
            continue;
        }
        let dep_ref = dep.objref();
        return vec![
            Hypothesis::new(
                80,
                Loop::Identity,
                ObjRef::new("ServiceAccount", Some(ns), sa),
                format!("{dep_ref} builds the load balancer with the IAM role its ServiceAccount {ns}/{sa} names, and `{ROLE_ARN}: {arn}` is not a role ARN (`arn:<partition>:iam::<account>:role/<name>`): STS refuses every call (`Request ARN is invalid`), so no load balancer is made"),
            )
            .fix(format!("Correct `{ROLE_ARN}` on ServiceAccount {ns}/{sa} to the role's ARN as IAM shows it (`arn:aws:iam::<account>:role/<name>`; `arn:aws-cn:` in the China regions, `arn:aws-us-gov:` in GovCloud), then restart {dep_ref} so the webhook injects it again.")),
        ];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/alb"));
        assert!(is_role_arn("arn:aws-cn:iam::123456789012:role/path/alb"));
        assert!(!is_role_arn("an:aws-cn:iam::123456789012:role/alb"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/alb"));
        assert!(!is_role_arn("alb-role"));
    }
}
