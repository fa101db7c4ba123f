//! NW013: Ingresses that serve plain HTTP only.

use crate::reads::K;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::KindSet;
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "NW013",
    name: "ingress-without-tls",
    loop_: Loop::Network,
    reads: KindSet::of(&[
        K::Other,
        K::ClusterRoleBinding,
        K::Ingress,
        K::LimitRange,
        K::Namespace,
        K::NetworkPolicy,
        K::RoleBinding,
    ]),
    severity: Severity::Low,
    summary: "Ingress has no `tls` section (or one that leaves a host out) and no cloud load-balancer certificate",
    law: law::NETWORK,
    rationale: "Without TLS, requests and cookies cross the internet (and the cloud's network up to the \
load balancer) in clear text, and browsers flag the site. TLS may be terminated by the Ingress \
controller (`spec.tls`) or by the cloud load balancer in front of it; the rule recognises the AWS Load \
Balancer Controller (`alb.ingress.kubernetes.io/certificate-arn`), GKE (`networking.gke.io/managed-certificates`, \
`ingress.gcp.kubernetes.io/pre-shared-cert`) and Azure Application Gateway \
(`appgw.ingress.kubernetes.io/appgw-ssl-certificate`) annotations.\n\n**Differs from peers.** \
Polaris `tlsSettingsMissing` and Kubescape C-0263 look only for `spec.tls`; a cloud load-balancer \
certificate named in the annotations counts here, and a `tls` section that leaves a rule's host out \
(a `*.example.com` TLS host covers one label) is reported for that host, which is served over plain HTTP.",
    fix: Fix {
        generic: "Add `spec.tls` with the hosts and a certificate Secret (cert-manager can issue it: `cert-manager.io/cluster-issuer` annotation), and redirect HTTP to HTTPS.",
        aws: Some(
            "With the AWS Load Balancer Controller, set `alb.ingress.kubernetes.io/certificate-arn` (an ACM certificate) and `alb.ingress.kubernetes.io/ssl-redirect: '443'`.",
        ),
        azure: Some(
            "With Application Gateway for Containers or AGIC, reference a Key Vault certificate (`appgw.ingress.kubernetes.io/appgw-ssl-certificate`), or use `spec.tls` with cert-manager.",
        ),
        gcp: Some(
            "On GKE, attach a Google-managed certificate (`networking.gke.io/managed-certificates`) and set `kubernetes.io/ingress.allow-http: \"false\"`.",
        ),
    },
    sources: "Same on every source: every Ingress in the input.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW013/fire.yaml"),
        silent: include_str!("../../fixtures/NW013/silent.yaml"),
    },
    peers: &["Polaris tlsSettingsMissing", "Kubescape C-0263"],
};

const LB_CERT_ANNOTATIONS: &[&str] = &[
    "alb.ingress.kubernetes.io/certificate-arn",
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
    "appgw.ingress.kubernetes.io/appgw-trusted-root-certificate",
];

pub struct IngressWithoutTls;

impl Rule for IngressWithoutTls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for ing in &cx.cluster.ingresses {
            let Some(spec) = ing.spec.as_ref() else {
                continue;
            };
            if LB_CERT_ANNOTATIONS
                .iter()
                .any(|a| ing.annotation(a).is_some())
            {
                continue;
            }
            let tls = spec.tls.as_deref().unwrap_or_default();
            // A `tls` entry without hosts applies to every host of the Ingress.
            if tls
                .iter()
                .any(|t| t.hosts.as_ref().is_none_or(Vec::is_empty))
            {
                continue;
            }
            let tls_hosts: Vec<&str> = tls
                .iter()
                .flat_map(|t| t.hosts.iter().flatten())
                .map(String::as_str)
                .collect();
            let mut hosts: Vec<&str> = spec
                .rules
                .iter()
                .flatten()
                .filter_map(|r| r.host.as_deref())
                .filter(|h| !tls_hosts.iter().any(|t| host_matches(t, h)))
                .collect();
            hosts.dedup();
            let message = if tls.is_empty() {
                format!(
                    "Ingress {} serves {} over plain HTTP only",
                    ing.name(),
                    if hosts.is_empty() {
                        "every host".to_owned()
                    } else {
                        hosts.join(", ")
                    }
                )
            } else if hosts.is_empty() {
                continue;
            } else {
                format!(
                    "Ingress {} serves {} over plain HTTP only: its `tls` section covers {}",
                    ing.name(),
                    hosts.join(", "),
                    tls_hosts.join(", ")
                )
            };
            sink.report(Target::of(ing), message, Some("/spec"));
        }
    }
}

/// Whether a TLS host (exact, or `*.example.com` for one label) covers a rule's host.
fn host_matches(tls: &str, host: &str) -> bool {
    if tls.eq_ignore_ascii_case(host) {
        return true;
    }
    match (tls.strip_prefix("*."), host.split_once('.')) {
        (Some(domain), Some((label, rest))) => {
            !label.is_empty() && rest.eq_ignore_ascii_case(domain)
        }
        _ => false,
    }
}
