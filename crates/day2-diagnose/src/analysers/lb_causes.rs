//! Two causes of a LoadBalancer Service without an address that the cloud
//! provider's error names without saying whose they are:
//!
//! - the provider refuses a setting of the Service itself: its error quotes
//!   the value the Service sets (`unsupported load balancer affinity:
//!   ClientIP` for `sessionAffinity: ClientIP` on the in-tree AWS ELB code;
//!   an address, a protocol, a traffic policy);
//! - the provider's API refuses the controller's credentials (`401 Unable to
//!   authenticate you`, `AuthFailure`, `InvalidClientTokenId`): the cloud
//!   controller manager's token, in the Secret its pods read it from.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link, per_cloud};
use day2_model::k8s_openapi::api::core::v1::{PodSpec, Service};
use day2_model::references::{ConfigKind, ConfigRef, Via, config_refs};
use day2_model::{Cloud, Loop, ObjRef, Res};

/// The Service's settings a provider may not support: (field, value).
fn settings(svc: &Service) -> Vec<(&'static str, String)> {
    let Some(spec) = svc.spec.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(a) = spec.session_affinity.as_deref().filter(|a| *a != "None") {
        out.push(("sessionAffinity", a.to_owned()));
    }
    if let Some(p) = spec
        .external_traffic_policy
        .as_deref()
        .filter(|p| *p != "Cluster")
    {
        out.push(("externalTrafficPolicy", p.to_owned()));
    }
    if let Some(ip) = spec.load_balancer_ip.as_deref().filter(|ip| !ip.is_empty()) {
        out.push(("loadBalancerIP", ip.to_owned()));
    }
    for p in spec.ports.iter().flatten() {
        if let Some(proto) = p.protocol.as_deref().filter(|p| *p != "TCP") {
            out.push(("ports[].protocol", proto.to_owned()));
        }
    }
    for r in spec.load_balancer_source_ranges.iter().flatten() {
        out.push(("loadBalancerSourceRanges", r.clone()));
    }
    out
}

/// A setting of the Service the provider's error quotes as what it refuses.
pub fn refused_setting(
    svc: &Res<Service>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    let l = message.to_ascii_lowercase();
    let refusal = [
        "unsupported",
        "not supported",
        "invalid",
        "not allowed",
        "cannot be used",
    ]
    .iter()
    .any(|w| l.contains(w));
    // Or the provider looks for what the setting names and does not find it
    // (Azure's `cannot find public IP with IP address A in resource group R`).
    let unfound = [
        "cannot find",
        "could not find",
        "not found",
        "does not exist",
        // GCE: `this gce project doesn't own the IP address: A`.
        "doesn't own",
        "does not own",
    ]
    .iter()
    .any(|w| l.contains(w));
    let refusal = refusal || unfound;
    if !refusal {
        return None;
    }
    // Azure's older wording does not quote the address it looked for
    // (`user supplied IP Address was not found`): it is the Service's own.
    let azure_ip = l.contains("user supplied ip");
    let (field, value) = settings(svc).into_iter().find(|(f, v)| {
        if azure_ip && *f == "loadBalancerIP" {
            return true;
        }
        // The value as a word of the message, not inside another one.
        message.match_indices(v.as_str()).any(|(at, _)| {
            let before = message[..at].chars().next_back();
            let after = message[at + v.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })?;
    let ns = svc.ns_or_default();
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            svc.objref(),
            format!(
                "the cloud provider refuses a setting of Service {ns}/{} itself, `{field}: {value}`: {}",
                svc.name(),
                day2_model::redact::excerpt(message, 200)
            ),
        )
        .fix(match (unfound, searched_group(message).or(azure_ip.then_some("the cluster's node resource group (MC_…)"))) {
            // Azure looks for the address in the cluster's node resource
            // group unless the Service names another (cloud-provider-azure).
            (true, Some(group)) => format!(
                "The provider looks for `{field}: {value}` in resource group {group} and it is not there. If the resource lives in another resource group, name that group on the Service: `kubectl annotate service -n {ns} {} service.beta.kubernetes.io/azure-load-balancer-resource-group=<its resource group>` (the cluster's identity needs Network Contributor on it); otherwise create it there or correct `{field}`.",
                svc.name()
            ),
            // GCE fronts a LoadBalancer Service only with a regional
            // address of the cluster's own project (pkg/cloudprovider/gce).
            (true, None) if l.contains("own the ip address") => format!(
                "`{field}: {value}` on Service {ns}/{} is not an address this project holds in the cluster's region: a global static IP, or one of another project, cannot front a Service of type LoadBalancer. Reserve a regional static IP in the cluster's project (`gcloud compute addresses create NAME --region REGION`) and set `loadBalancerIP` to it, or leave the field out for an ephemeral one; the service controller retries on its own.",
                svc.name()
            ),
            (true, None) => format!(
                "The provider cannot find what `{field}: {value}` on Service {ns}/{} names: create it (in the account, region and group the cluster uses) or correct the field (`kubectl edit service -n {ns} {}`); the service controller retries on its own.",
                svc.name(),
                svc.name()
            ),
            (false, _) => format!(
                "Remove or change `{field}: {value}` on Service {ns}/{} to what this provider's load balancers support (`kubectl edit service -n {ns} {}`), or use a load-balancer controller that supports it (on AWS, the AWS Load Balancer Controller's NLB for client-IP affinity); the service controller retries on its own.",
                svc.name(),
                svc.name()
            ),
        })
        .links(link),
    )
}

/// The resource group an Azure error says it searched (`… in resource group R`).
fn searched_group(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once(" in resource group ")?;
    let group = rest
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '"' || c == ')')
        .next()?
        .trim_end_matches('.');
    (!group.is_empty()).then_some(group)
}

/// What a provider's error tells its reader to do (`…; ensure only the k8s
/// security group is tagged; …`), as it says it.
pub fn instruction(message: &str) -> Option<&str> {
    let l = message.to_ascii_lowercase();
    let at = [
        "ensure ",
        "make sure ",
        "please ",
        "you must ",
        "you need to ",
    ]
    .iter()
    .filter_map(|w| {
        l.match_indices(w)
            // At the start of a clause, not `failed to ensure …`.
            .find(|(i, _)| {
                l[..*i]
                    .trim_end()
                    .chars()
                    .next_back()
                    .is_none_or(|c| matches!(c, ';' | '.' | ':' | '(' | ',' | '-'))
            })
            .map(|(i, _)| i)
    })
    .min()?;
    let rest = message.get(at..)?;
    let end = rest.find([';', '\n']).unwrap_or(rest.len());
    let said = rest[..end].trim().trim_end_matches('.');
    (said.len() > 8).then_some(said)
}

/// The provider's API refuses the controller's credentials.
fn credentials_refused(message: &str) -> bool {
    let l = message.to_ascii_lowercase();
    [
        " 401 ",
        ": 401",
        "unable to authenticate",
        "authfailure",
        "invalidclienttokenid",
        "unauthorizedoperation",
        "signaturedoesnotmatch",
        "invalid_client",
        "authentication failed",
        "unauthorized",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// The Secret (and key) a pod template reads a credential from, if any:
/// per app container, a key it reads into a variable before a whole Secret
/// it reads with `envFrom`.
fn secret_of(spec: &PodSpec, ns: &str) -> Option<(ObjRef, Option<String>)> {
    let refs: Vec<ConfigRef<'_>> = config_refs(spec)
        .into_iter()
        .filter(|r| r.kind == ConfigKind::Secret)
        .collect();
    let read = |name: &str, keyed: bool| {
        refs.iter().find(|r| match r.via {
            Via::Env {
                container, role, ..
            } => keyed && role == "container" && container == name,
            Via::EnvFrom { container, role } => !keyed && role == "container" && container == name,
            Via::Volume { .. } => false,
        })
    };
    let r = spec
        .containers
        .iter()
        .find_map(|c| read(&c.name, true).or_else(|| read(&c.name, false)))?;
    Some((
        ObjRef::new("Secret", Some(ns), r.name),
        r.key.map(str::to_owned),
    ))
}

/// The cloud controller manager whose credentials the provider refuses,
/// and the Secret it reads them from.
pub fn controller_credentials(
    a: &Analysis<'_>,
    svc: &Res<Service>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    if !credentials_refused(message) {
        return None;
    }
    let is_ccm = |name: &str, spec: &PodSpec| {
        name.contains("cloud-controller-manager")
            || name.ends_with("-ccm")
            || spec.containers.iter().any(|c| {
                c.image
                    .as_deref()
                    .is_some_and(|i| i.contains("cloud-controller-manager"))
            })
    };
    let ccm = a
        .cluster
        .deployments
        .iter()
        .filter_map(|d| {
            Some((
                d.objref(),
                d.ns_or_default(),
                d.name(),
                d.spec.template.spec.as_ref()?,
            ))
        })
        .chain(a.cluster.daemon_sets.iter().filter_map(|d| {
            Some((
                d.objref(),
                d.ns_or_default(),
                d.name(),
                d.spec.template.spec.as_ref()?,
            ))
        }))
        .find(|(_, _, name, spec)| is_ccm(name, spec));
    let ns = svc.ns_or_default();
    let said = day2_model::redact::excerpt(message, 200);
    let (root, fix) = match ccm {
        Some((workload, wns, wname, spec)) => match secret_of(spec, wns) {
            Some((secret, key)) => {
                let key = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
                (
                    secret.clone(),
                    format!(
                        "Put a valid API token{key} into Secret {}/{} that {} reads, with the scopes the provider needs for load balancers, then restart it (`kubectl rollout restart -n {wns} {} {wname}`): the provider answers 401/unauthorized to the token it holds (revoked, expired or rotated).",
                        secret.namespace.as_deref().unwrap_or(wns),
                        secret.name,
                        workload,
                        workload.kind.to_ascii_lowercase()
                    ),
                )
            }
            None => (
                workload.clone(),
                format!(
                    "Give {workload} valid cloud credentials (its token or role) with the permissions load balancers need, then restart it: the provider answers 401/unauthorized to what it holds now."
                ),
            ),
        },
        None => {
            return Some(
                Hypothesis::new(
                    60,
                    Loop::Identity,
                    svc.objref(),
                    format!("the cloud provider refuses the credentials of the controller that creates load balancers for Service {ns}/{}, and the input holds no cloud controller manager: {said}", svc.name()),
                )
                .fix("Check the cloud controller manager's (or load-balancer controller's) credentials: its API token or IAM role is refused (401/unauthorized); renew it and restart the controller.")
                .missing("the cloud controller manager's Deployment and the Secret or role it authenticates with")
                .links(link)
                .unexplained(),
            );
        }
    };
    Some(
        Hypothesis::new(
            87,
            Loop::Identity,
            root,
            format!(
                "the cloud provider's API refuses the cloud controller manager's credentials, so it cannot create the load balancer of Service {ns}/{}: {said}",
                svc.name()
            ),
        )
        .fix(fix)
        .links(link),
    )
}

/// A LoadBalancer Service the provider leaves without an address and
/// without a word, while older Services of the same class got theirs: the
/// controller runs and answers, so the provider has reached a limit of its
/// own (the NSX-T load balancer's virtual servers, MetalLB's address pool,
/// a cloud quota). Its size is in the provider's log, not in the cluster.
pub fn silent_limit(a: &Analysis<'_>, svc: &Res<Service>) -> Option<Hypothesis> {
    use crate::symptoms::load_balancer::{has_address, is_load_balancer};
    // k3s ServiceLB answers through `svclb-<service>` pods: their own
    // trouble (ports held, Pending) is this Service's.
    let prefix = format!("svclb-{}-", svc.name());
    if let Some(p) = a
        .cluster
        .pods
        .iter()
        .find(|p| p.name().starts_with(&prefix))
    {
        return a
            .pod_result(p.ns_or_default(), p.name())
            .map(|r| r.as_upstream(1));
    }
    let class = |s: &Service| {
        s.spec
            .as_ref()
            .and_then(|sp| sp.load_balancer_class.clone())
    };
    let created = svc.metadata.creation_timestamp.as_ref().map(|t| t.0);
    let mut served: Vec<(&Res<Service>, String)> = a
        .cluster
        .services
        .iter()
        .filter(|s| is_load_balancer(s) && has_address(s) && class(s) == class(svc))
        .filter(|s| {
            // Older than this one: they were served before it asked.
            match (s.metadata.creation_timestamp.as_ref(), created) {
                (Some(t), Some(c)) => t.0 <= c,
                _ => true,
            }
        })
        .map(|s| {
            let addr = s
                .status
                .as_ref()
                .and_then(|st| st.load_balancer.as_ref())
                .and_then(|l| l.ingress.as_ref())
                .and_then(|i| i.first())
                .and_then(|i| i.ip.clone().or_else(|| i.hostname.clone()))
                .unwrap_or_default();
            (s, addr)
        })
        .collect();
    if served.is_empty() {
        return None;
    }
    served.sort_by(|x, y| x.0.name().cmp(y.0.name()));
    let shown: Vec<String> = served
        .iter()
        .take(4)
        .map(|(s, addr)| format!("{}/{} {addr}", s.ns_or_default(), s.name()))
        .collect();
    let nsx = a
        .cluster
        .nodes
        .iter()
        .any(|n| n.labels().contains_key("bosh.id"))
        || a.cluster
            .pods
            .iter()
            .any(|p| p.ns_or_default() == "nsx-system" || p.name().starts_with("nsx-ncp"));
    let metallb = a
        .cluster
        .pods
        .iter()
        .any(|p| p.ns_or_default() == "metallb-system");
    let fix = if nsx {
        format!(
            "The nodes are BOSH-managed (PKS/TKGI), whose LoadBalancer Services are virtual servers on the cluster's NSX-T load balancer, and its size caps them (SMALL 10, MEDIUM 100, LARGE 1000 virtual servers; every LoadBalancer Service port and the Ingress controller use one). NCP logs `Exceed maximum number of virtual servers on the Load balancer service` when it is full (the master's /var/vcap/sys/log/ncp/ncp.stdout.log). Create the cluster with a network profile of a larger load balancer size, or delete unused LoadBalancer Services ({} hold addresses) and expose the rest through one Ingress.",
            served.len()
        )
    } else if metallb {
        "MetalLB gives addresses from its pools: check that a pool with free addresses serves this Service (`kubectl get ipaddresspools -n metallb-system -o yaml`; the controller's log says `no available IPs`), widen the pool or free an address.".to_owned()
    } else {
        per_cloud(
            a.cloud,
            "Read the load-balancer controller's log for this Service (the cloud controller manager, or the provider's own controller): it has served the older Services, so it runs; a limit on the provider's side (addresses, load balancers, listeners) is the usual reason it stops.",
            "Check the account's Elastic Load Balancing quotas (`aws service-quotas list-service-quotas --service-code elasticloadbalancing`) and the AWS Load Balancer Controller's log for this Service.",
            "Check the subscription's public IP and load-balancer rule limits (`az network list-usages -l <region>`) and the cloud controller manager's log for this Service.",
            "Check the project's forwarding-rule and address quotas (`gcloud compute project-info describe`) and the cloud controller manager's log for this Service.",
        )
    };
    Some(
        Hypothesis::new(
            45,
            Loop::Network,
            svc.objref(),
            format!(
                "{} older LoadBalancer Service(s) of the same class got addresses ({}); Service {}/{} got none and no error event: the provider has stopped allocating, at a limit on its side",
                served.len(),
                shown.join(", "),
                svc.ns_or_default(),
                svc.name()
            ),
        )
        .fix(fix)
        .missing("the load-balancer provider's log for this Service (not in the cluster's objects)")
        .unexplained(),
    )
}

/// Load-balancer implementations that run in the cluster, by a word of
/// their pods' names or namespaces.
const IN_CLUSTER_LBS: [&str; 8] = [
    "metallb",
    "kube-vip",
    "openelb",
    "purelb",
    "loxilb",
    "svclb",
    "cloud-controller-manager",
    "load-balancer-controller",
];

/// Nothing in the cluster gives LoadBalancer Services an address: the
/// nodes name no cloud (`spec.providerID` empty, as on kubeadm, bare metal
/// and most on-premises installs), no load-balancer implementation runs
/// (MetalLB, kube-vip, OpenELB, k3s ServiceLB, a cloud controller), and no
/// LoadBalancer Service has an address. The Service asks for what the
/// cluster does not provide (jenkins-x/jx#8367).
pub fn no_provider(a: &Analysis<'_>, svc: &Res<Service>) -> Option<Hypothesis> {
    use crate::symptoms::load_balancer::{has_address, is_load_balancer};
    let c = a.cluster;
    let on_cloud = c.nodes.iter().any(|n| {
        n.spec
            .as_ref()
            .and_then(|s| s.provider_id.as_deref())
            .is_some_and(|p| !p.is_empty() && !p.starts_with("kind://") && !p.starts_with("k3s://"))
    });
    let runs_lb = c.pods.iter().any(|p| {
        let (ns, name) = (p.ns_or_default(), p.name());
        IN_CLUSTER_LBS
            .iter()
            .any(|w| ns.contains(w) || name.contains(w))
    });
    let served = c
        .services
        .iter()
        .any(|s| is_load_balancer(s) && has_address(s));
    let class = svc
        .spec
        .as_ref()
        .and_then(|s| s.load_balancer_class.as_deref());
    if c.nodes.is_empty() || on_cloud || runs_lb || served || class.is_some() {
        return None;
    }
    let ns = svc.ns_or_default();
    // k3s brings its own (ServiceLB, `svclb-<service>` pods) unless it was
    // started with `--disable=servicelb`.
    let k3s = c.nodes.iter().any(|n| {
        n.labels()
            .get("node.kubernetes.io/instance-type")
            .is_some_and(|t| t == "k3s")
            || n.status
                .as_ref()
                .and_then(|s| s.node_info.as_ref())
                .is_some_and(|i| i.kubelet_version.contains("+k3s"))
    });
    let lead = if k3s {
        "k3s's own ServiceLB runs no `svclb-` pods here (the server was started with `--disable=servicelb`, or they are not in the input): enable it, or give"
    } else {
        "Give"
    };
    Some(
        Hypothesis::new(
            70,
            Loop::Network,
            svc.objref(),
            format!(
                "Service {ns}/{} is of type LoadBalancer, but nothing in this cluster gives one an address: its {} node(s) name no cloud provider (no spec.providerID) and no load-balancer implementation runs (no MetalLB, kube-vip, OpenELB, k3s ServiceLB or cloud controller pods)",
                svc.name(),
                c.nodes.len()
            ),
        )
        .fix(format!(
            "{lead} the cluster a load balancer: install MetalLB (or kube-vip, OpenELB) with an address pool from the nodes' network, and the Service gets an address on its own; or expose it without one: `kubectl -n {ns} patch service {} -p '{{\"spec\":{{\"type\":\"NodePort\"}}}}'` (an ingress controller can also run with hostNetwork or hostPorts).",
            svc.name()
        )),
    )
}

/// What to do about a load balancer the provider refuses for a reason in
/// its own account: the quota, the permission it names, the instruction it
/// gives, or where to look per cloud.
pub fn cloud_side_fix(cloud: Cloud, message: &str, quota: bool) -> String {
    if quota {
        return "Raise the cloud quota for load balancers / public IPs, or delete unused ones."
            .to_owned();
    }
    if let Some(r) = crate::messages::permission::refusal(message) {
        return r.fix();
    }
    if let Some(r) = crate::messages::cloud_state::not_succeeded(message) {
        return r.fix();
    }
    // Azure AD no longer gives the cluster's service principal a token
    // (`adal: Refresh request failed. Status Code = '401'`,
    // AADSTS7000222): its secret expired or was reset (Azure/AKS#339).
    let refused_token = (message.contains("adal: Refresh request failed")
        || message.contains("Failed to refresh the Token"))
        && message.contains("401");
    if refused_token || message.contains("AADSTS7000222") || message.contains("AADSTS7000215") {
        return "The cloud refuses the cluster's own sign-in: Azure AD gives its service principal no token (401), as the principal's password (client secret) expired or was reset. Reset it and give the cluster the new one: `az aks update-credentials --resource-group <rg> --name <cluster> --reset-service-principal --service-principal <appId> --client-secret <new secret>` (after `az ad sp credential reset --id <appId>`), or move the cluster to a managed identity, whose credentials do not expire.".to_owned();
    }
    if let Some(said) = instruction(message) {
        return format!(
            "The cause is on the cloud side, and the provider says what to do: \"{said}\". Do that in the cloud account, then the service controller retries on its own; its logs (`kubectl logs -n kube-system` of the cloud controller manager) say more."
        );
    }
    per_cloud(
        cloud,
        "The cause is on the cloud side: check the provider's API status, and that the cloud controller manager's credentials hold the permissions to create load balancers and attach addresses; its logs (`kubectl logs -n kube-system` of the cloud controller manager) name the call that failed.",
        "The cause is on the cloud side: check that the role of the controller that provisions load balancers (the cloud controller's node or cluster role, or the AWS Load Balancer Controller's IRSA role) has the `elasticloadbalancing:*` and `ec2:` permissions, that the subnets carry `kubernetes.io/role/elb` (or `internal-elb`), and the account's quotas; the controller's logs name the call that failed.",
        "The cause is on the cloud side: a timeout often hides a permission the cluster identity lacks. Check its role assignments (Network Contributor on the node resource group, and on any public IP, subnet or resource group outside it: `az role assignment list --assignee <cluster identity> --all`) and the failed operations in the activity log (`az monitor activity-log list --status Failed`, LinkedAuthorizationFailed names the missing action).",
        "The cause is on the cloud side: check the permissions of the service account the cloud controller uses (compute forwarding rules, target pools, addresses, firewalls), the region's quotas, and the failed operations in Cloud Logging.",
    )
}

/// A load-balancer controller refused an action by the cloud's policy
/// (`FailedDeployModel … is not authorized to perform:
/// elasticloadbalancing:DescribeListenerAttributes`, interuss/dss#1127: a
/// controller upgraded past the IAM policy its role was given).
pub(crate) fn policy_refused(
    a: &Analysis<'_>,
    svc: &Res<Service>,
    msg: &str,
) -> Option<Hypothesis> {
    let controller = a.cluster.pods.iter().find(|p| {
        p.spec.as_ref().is_some_and(|s| {
            s.containers.iter().any(|c| {
                c.image.as_deref().is_some_and(|i| {
                    i.contains("aws-load-balancer-controller")
                        || i.contains("alb-ingress-controller")
                })
            })
        })
    });
    let role_set = controller.is_some_and(|p| super::cloud_policy::pod_role_set(a, p));
    let who = controller.map_or_else(
        || "the load-balancer controller".to_owned(),
        |p| crate::model::workload_ref(a.cluster, p).to_string(),
    );
    super::cloud_policy::refused(a, svc.objref(), &who, msg, role_set || controller.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::Origin;

    fn service(spec: serde_json::Value) -> Res<Service> {
        let svc: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "coderd", "namespace": "coder"},
            "spec": spec,
        }))
        .unwrap_or_default();
        Res::new(svc, Origin::default())
    }

    #[test]
    fn the_value_the_provider_refuses_is_the_service_field_that_sets_it() {
        let svc = service(
            serde_json::json!({"type": "LoadBalancer", "sessionAffinity": "ClientIP", "ports": [{"port": 80}]}),
        );
        let h = refused_setting(
            &svc,
            "Error syncing load balancer: failed to ensure load balancer: unsupported load balancer affinity: ClientIP",
            None,
        );
        let h = h.map(|h| h.root.summary);
        assert!(
            h.as_deref()
                .is_some_and(|s| s.contains("sessionAffinity: ClientIP")),
            "{h:?}"
        );
        // The value inside another word, or no refusal: nothing.
        assert!(
            refused_setting(&svc, "unsupported load balancer affinity: ClientIPv6", None).is_none()
        );
        assert!(
            refused_setting(&svc, "rate limited while ensuring ClientIP affinity", None).is_none()
        );
        // Defaults are no setting of the Service's own.
        let plain = service(serde_json::json!({"type": "LoadBalancer", "sessionAffinity": "None"}));
        assert!(refused_setting(&plain, "invalid value None", None).is_none());
    }

    #[test]
    fn the_controllers_secret_is_the_first_its_containers_read_a_key_before_a_whole_one() {
        let spec: PodSpec = serde_json::from_value(serde_json::json!({
            "initContainers": [{"name": "init", "env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "init-only", "key": "x"}}}]}],
            "containers": [
                {"name": "ccm", "envFrom": [{"secretRef": {"name": "whole"}}],
                 "env": [{"name": "DO_ACCESS_TOKEN", "valueFrom": {"secretKeyRef": {"name": "digitalocean", "key": "access-token"}}}]},
                {"name": "sidecar", "env": [{"name": "Y", "valueFrom": {"secretKeyRef": {"name": "other", "key": "y"}}}]}
            ]
        }))
        .unwrap_or_default();
        let (secret, key) =
            secret_of(&spec, "kube-system").unwrap_or((ObjRef::new("None", None, ""), None));
        assert_eq!(
            (secret.name.as_str(), key.as_deref()),
            ("digitalocean", Some("access-token"))
        );
        // Without a keyed reference, the whole Secret the first container reads.
        let spec: PodSpec = serde_json::from_value(serde_json::json!({
            "containers": [{"name": "ccm", "envFrom": [{"secretRef": {"name": "whole"}}]}]
        }))
        .unwrap_or_default();
        let found = secret_of(&spec, "kube-system").map(|(s, k)| (s.name, k));
        assert_eq!(found, Some(("whole".to_owned(), None)));
    }

    #[test]
    fn provider_refusals_of_credentials_are_told_from_other_errors() {
        for m in [
            "GET https://api.digitalocean.com/v2/load_balancers: 401 Unable to authenticate you.",
            "AuthFailure: AWS was not able to validate the provided access credentials",
            "InvalidClientTokenId: The security token included in the request is invalid",
        ] {
            assert!(credentials_refused(m), "{m}");
        }
        assert!(!credentials_refused(
            "TooManyLoadBalancers: Exceeded quota of account"
        ));
        assert!(!credentials_refused(
            "could not find any suitable subnets for creating the ELB"
        ));
    }

    #[test]
    fn what_a_provider_tells_its_reader_to_do() {
        // The in-tree AWS provider (k8s.io/legacy-cloud-providers/aws).
        let m = "Error syncing load balancer: failed to ensure load balancer: Multiple tagged security groups found for instance i-05f3; ensure only the k8s security group is tagged; the tagged groups were sg-1(a) sg-2(b)";
        assert_eq!(
            instruction(m),
            Some("ensure only the k8s security group is tagged")
        );
        assert_eq!(instruction("failed to ensure load balancer: timeout"), None);
        // Inside a word is not an instruction.
        assert_eq!(instruction("reassure the caller"), None);
        // cloud-provider-azure's findMatchedPIPByLoadBalancerIP.
        assert_eq!(
            searched_group(
                "findMatchedPIPByLoadBalancerIP: cannot find public IP with IP address 20.1.2.3 in resource group mc_rg1_aks_westeurope"
            ),
            Some("mc_rg1_aks_westeurope")
        );
    }

    #[test]
    fn an_address_the_provider_cannot_find_is_the_services_setting() {
        let svc =
            service(serde_json::json!({"type": "LoadBalancer", "loadBalancerIP": "20.86.140.17"}));
        let m = "Error syncing load balancer: failed to ensure load balancer: findMatchedPIPByLoadBalancerIP: cannot find public IP with IP address 20.86.140.17 in resource group mc_rg1_aks-prod_westeurope";
        let h = refused_setting(&svc, m, None).expect("the Service's loadBalancerIP");
        assert_eq!(h.root.object.kind, "Service");
        assert!(
            h.fix.contains("azure-load-balancer-resource-group"),
            "{}",
            h.fix
        );
        // An address the message does not quote is not the cause.
        let other =
            service(serde_json::json!({"type": "LoadBalancer", "loadBalancerIP": "20.86.140.18"}));
        assert!(refused_setting(&other, m, None).is_none());
    }
}
