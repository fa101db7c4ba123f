//! Why an Ingress of a load-balancer-building class has no address
//! ([`crate::symptoms::ingress_address`]): no controller runs for the
//! class, the controller was started with a setting that cannot work (an
//! empty `--cluster-name`, a zone where `--aws-region` wants a region), the
//! cloud refuses its identity, or it cannot find subnets for the load
//! balancer.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::{Loop, Pod, Res};

/// The value of `--flag=value` (or `--flag value`) in the pod's arguments.
fn flag<'p>(pod: &'p Pod, name: &str) -> Option<&'p str> {
    pod.spec
        .as_ref()?
        .containers
        .iter()
        .find_map(|c| model::flag_values(c, name).first().copied())
}

/// A Service of type LoadBalancer the AWS Load Balancer Controller cannot
/// place (`unable to discover at least one subnet`) while the controller
/// runs with an empty `--cluster-name` (a kubeadm cluster installed without
/// the chart's `clusterName`): it finds subnets by the tag
/// kubernetes.io/cluster/<cluster name>.
pub fn empty_cluster_name(
    a: &Analysis<'_>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    if !message.contains("discover at least one subnet")
        && !message.contains("auto-discover subnets")
    {
        return None;
    }
    let pod = a.cluster.pods.iter().find(|p| {
        p.spec.as_ref().is_some_and(|s| {
            s.containers.iter().any(|c| {
                c.image
                    .as_deref()
                    .is_some_and(|i| i.contains("aws-load-balancer-controller"))
            })
        }) && flag(p, "cluster-name").is_none_or(|v| v.trim().is_empty())
    })?;
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            workload.clone(),
            format!("{workload} runs without a cluster name (`--cluster-name` empty or absent): it discovers subnets by the tag kubernetes.io/cluster/<cluster name>, so it finds none and builds no load balancer"),
        )
        .fix(format!("Set the cluster's name on {workload}: the chart's `clusterName` value (`--set clusterName=<cluster>`), i.e. `--cluster-name=<cluster>`, and tag the subnets with kubernetes.io/cluster/<cluster>: shared (or owned) and kubernetes.io/role/elb: 1."))
        .links(link),
    )
}

/// The controller's words for finding no subnet to put a load balancer in.
fn no_subnet(said: &str) -> bool {
    [
        "auto-discover subnets",
        "discover at least one subnet",
        "unable to resolve at least one subnet",
        "qualified subnet",
        "at least two subnets",
    ]
    .iter()
    .any(|w| said.contains(w))
}

/// The controller's `--cluster-name` when it is not the name the nodes
/// carry (eksctl's `alpha.eksctl.io/cluster-name` label): it looks for
/// subnets tagged `kubernetes.io/cluster/<its name>`, and finds none
/// (aws-load-balancer-controller#1693).
fn misnamed_cluster<'p>(a: &Analysis<'_>, pod: &'p Pod) -> Option<(&'p str, String)> {
    let given = flag(pod, "cluster-name").filter(|v| !v.trim().is_empty())?;
    let mut names: Vec<&str> = a
        .cluster
        .nodes
        .iter()
        .filter_map(|n| {
            n.labels()
                .get("alpha.eksctl.io/cluster-name")
                .map(String::as_str)
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [one] if *one != given => Some((given, (*one).to_owned())),
        _ => None,
    }
}

/// The regions of the cluster's nodes ([`day2_model::topology::node_region`]).
fn node_regions<'c>(a: &Analysis<'c>) -> Vec<&'c str> {
    let mut out: Vec<&str> = a
        .cluster
        .nodes
        .iter()
        .filter_map(|n| day2_model::topology::node_region(n))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// GKE's controller refuses a backend Service of type ClusterIP without
/// container-native load balancing: `Translation failed: invalid ingress
/// spec: service "ns/name" is type "ClusterIP", expected "NodePort" or
/// "LoadBalancer"` (ingress-gce's translator).
fn translation(
    ing: &Res<k8s_openapi::api::networking::v1::Ingress>,
    said: &str,
    warned: Option<Link>,
) -> Option<Hypothesis> {
    let (_, rest) = said.split_once("service \"")?;
    let (svc, tail) = rest.split_once('"')?;
    if !tail.contains("is type \"ClusterIP\"") {
        return None;
    }
    let (ns, name) = svc.split_once('/').unwrap_or((ing.ns_or_default(), svc));
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            day2_model::ObjRef::new("Service", Some(ns), name),
            format!("GKE's Ingress controller cannot route Ingress {}/{} to Service {ns}/{name}: it is of type ClusterIP, and without network endpoint groups the load balancer reaches backends through node ports", ing.ns_or_default(), ing.name()),
        )
        .fix(format!("Give Service {ns}/{name} container-native load balancing, the annotation `cloud.google.com/neg: '{{\"ingress\": true}}'` (NEG; the default on VPC-native clusters from 1.17), or make it `type: NodePort`."))
        .links(warned),
    )
}

/// An ALB Ingress with `instance` targets (the AWS Load Balancer
/// Controller's default) in front of a `ClusterIP` Service: instance targets
/// are the nodes at the Service's node port, and a ClusterIP Service has
/// none, so the controller asks for a target group on port 0 (`minimum
/// field value of 1, CreateTargetGroupInput.Port`) and builds nothing.
fn instance_without_node_port<'c>(
    a: &Analysis<'c>,
    ing: &'c Res<k8s_openapi::api::networking::v1::Ingress>,
) -> Option<Hypothesis> {
    if !crate::symptoms::ingress::is_alb(a, ing) {
        return None;
    }
    let ns = ing.ns_or_default();
    let svc = crate::symptoms::ingress::backends(ing)
        .into_iter()
        .filter_map(|(b, _, _)| a.service(ns, &b.name))
        .find(|svc| {
            crate::symptoms::ingress::alb_target_type(ing, svc) == "instance"
                && svc
                    .spec
                    .as_ref()
                    .and_then(|s| s.type_.as_deref())
                    .is_none_or(|t| t == "ClusterIP")
        })?;
    let name = svc.name();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            svc.objref(),
            format!("Ingress {ns}/{} registers its backends as `instance` targets (the AWS Load Balancer Controller's default), which are the nodes at the Service's node port, but Service {ns}/{name} is ClusterIP and has no node port: the target group cannot be created", ing.name()),
        )
        .fix(format!("Either make Service {ns}/{name} `type: NodePort`, or register the pods themselves: annotate Ingress {ns}/{} with `alb.ingress.kubernetes.io/target-type: ip` (`kubectl annotate ingress -n {ns} {} alb.ingress.kubernetes.io/target-type=ip`).", ing.name(), ing.name())),
    )
}

pub fn pending<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Ingress(ing) = d.subject else {
        return vec![];
    };
    let Some(class) = crate::symptoms::ingress_address::provisioned(a, ing) else {
        return unpublished(a, ing).into_iter().collect();
    };
    let said = match &d.detail {
        Detail::Message(m) => m.as_str(),
        _ => "",
    };
    let ns = ing.ns_or_default();
    let warned = d.events.iter().rev().find(|e| e.is_warning()).map(|e| {
        Link::from_event(
            Loop::Network,
            e,
            "the controller cannot build the load balancer",
        )
    });
    // The controller's own calls are refused by an admission webhook
    // (the AWS Load Balancer Controller creates TargetGroupBindings through
    // its own webhook): the webhook's cause, as for a refused pod.
    if let crate::messages::admission::CreateError::Webhook {
        webhook,
        host,
        error,
    } = crate::messages::admission::classify_create(said)
    {
        let refused = warned.clone().into_iter().collect();
        let hs = super::admission::webhook_cause(
            a,
            d,
            &webhook,
            host.as_deref(),
            &error,
            &ing.objref(),
            refused,
        );
        if !hs.is_empty() {
            return hs;
        }
    }
    // The cloud project's quota, which only the cloud account shows.
    if said.to_ascii_lowercase().contains("quota")
        && let Some(quota) = super::cloud_policy::quota_named(said)
    {
        return vec![
            Hypothesis::new(
                80,
                Loop::Network,
                ing.objref(),
                format!("the cloud refuses the load balancer of Ingress {ns}/{}: quota {quota} of the cloud account is used up ({})", ing.name(), day2_model::redact::excerpt(said, 160)),
            )
            .fix(format!("Raise quota {quota} of the project or account (GCP: `gcloud compute project-info describe` shows it; request more under IAM & Admin → Quotas), or delete the load balancers nothing uses (Ingresses of old environments, leftover backend services); the controller retries on its own."))
            .missing("the cloud account's quotas and their usage")
            .links(warned)
            .unexplained(),
        ];
    }
    if let Some(h) = instance_without_node_port(a, ing) {
        return vec![h.links(warned)];
    }
    // GKE's own classes are served from its control plane: no pod to find.
    if class.starts_with("gce") {
        return translation(ing, said, warned).into_iter().collect();
    }
    let controllers: Vec<&Res<Pod>> = crate::symptoms::ingress::controller_pods(a, class);
    let Some(pod) = controllers.first() else {
        // No controller runs for the class: the existing Ingress-class check
        // says so when the cluster holds the classes; here, the load balancer
        // controller itself is missing.
        return vec![
            Hypothesis::new(
                72,
                Loop::Network,
                ing.objref(),
                format!("Ingress {ns}/{} asks for class {class}, and no pod of a controller for that class runs in this cluster: nothing builds its load balancer", ing.name()),
            )
            .fix(format!("Install the controller for class {class} (on EKS the AWS Load Balancer Controller: `helm install aws-load-balancer-controller eks/aws-load-balancer-controller -n kube-system --set clusterName=<cluster>`), or set the Ingress's class to one that runs here."))
            .links(warned),
        ];
    };
    let workload = model::workload_ref(a.cluster, pod);
    let seen = Link::new(
        Loop::Network,
        None,
        pod.objref(),
        format!(
            "controller pod {}/{} serves class {class}",
            pod.ns_or_default(),
            pod.name()
        ),
    );
    if flag(pod, "cluster-name").is_some_and(|v| v.trim().is_empty())
        || (said.contains("auto-discover subnets") && flag(pod, "cluster-name").is_none())
    {
        return vec![
            Hypothesis::new(
                84,
                Loop::Network,
                workload.clone(),
                format!("{workload} runs with an empty cluster name (`--cluster-name=`): it discovers subnets by the tag kubernetes.io/cluster/<cluster name>, so it finds none and builds no load balancer for Ingress {ns}/{}", ing.name()),
            )
            .fix(format!("Set the cluster's name on {workload}: the chart's `clusterName` value (`helm upgrade aws-load-balancer-controller eks/aws-load-balancer-controller -n {} --reuse-values --set clusterName=<cluster>`), i.e. `--cluster-name=<cluster>`.", pod.ns_or_default()))
            .link(seen)
            .links(warned),
        ];
    }
    if no_subnet(said)
        && let Some((given, nodes)) = misnamed_cluster(a, pod)
    {
        return vec![
            Hypothesis::new(
                86,
                Loop::Network,
                workload.clone(),
                format!("{workload} runs with `--cluster-name={given}`, but the cluster's nodes belong to cluster {nodes}: it discovers subnets by the tag kubernetes.io/cluster/{given}, finds none, and builds no load balancer for Ingress {ns}/{}", ing.name()),
            )
            .fix(format!("Set the cluster's real name on {workload}: `--cluster-name={nodes}` (the chart's `clusterName` value: `helm upgrade aws-load-balancer-controller eks/aws-load-balancer-controller -n {} --reuse-values --set clusterName={nodes}`).", pod.ns_or_default()))
            .link(seen)
            .links(warned),
        ];
    }
    if let Some(region) = flag(pod, "aws-region").filter(|r| day2_model::topology::is_aws_zone(r)) {
        let fixed = &region[..region.len() - 1];
        return vec![
            Hypothesis::new(
                84,
                Loop::Network,
                workload.clone(),
                format!("{workload} runs with `--aws-region={region}`, an availability zone, not a region: it calls AWS endpoints of a region that does not exist ({region}), whose names do not resolve (`no such host`), so Ingress {ns}/{} gets no load balancer", ing.name()),
            )
            .fix(format!("Set the region without the zone letter on {workload}: `--aws-region={fixed}` (the chart's `region` value)."))
            .link(seen)
            .links(warned),
        ];
    }
    if let Some(region) = flag(pod, "aws-region")
        && let regions = node_regions(a)
        && !regions.is_empty()
        && !regions.contains(&region)
    {
        let theirs = regions.join(", ");
        let instance = if said.contains("InvalidInstanceID.NotFound") {
            " (the instances AWS says do not exist are this cluster's nodes, looked for in the wrong region)"
        } else {
            ""
        };
        return vec![
            Hypothesis::new(
                86,
                Loop::Network,
                workload.clone(),
                format!("{workload} runs with `--aws-region={region}`, but the cluster's nodes are in {theirs}: it looks for the nodes, subnets and load balancers of Ingress {ns}/{} in the wrong region{instance}", ing.name()),
            )
            .fix(format!("Set {workload}'s region to the cluster's, `--aws-region={}` (the chart's `region`/`awsRegion` value; a values file that sets it must be passed to the install), or drop the flag where the controller can read the region from the instance metadata.", regions[0]))
            .link(seen)
            .links(warned),
        ];
    }
    let cloud = crate::messages::errors::classify_line(said);
    if matches!(
        cloud,
        Some(crate::messages::errors::ErrorClass::CloudAuth {
            cloud: crate::messages::errors::CloudId::Aws,
            problem: crate::messages::errors::AuthProblem::NoCredentials,
        })
    ) && let Some(c) = pod.spec.as_ref().and_then(|s| s.containers.first())
        && let Some(h) = super::follow::identity::metadata_unreachable(a, pod, &c.name)
    {
        return vec![h.link(seen).links(warned)];
    }
    if let Some(h) = super::cloud_policy::refused(
        a,
        workload.clone(),
        &workload.to_string(),
        said,
        super::cloud_policy::pod_role_set(a, pod),
    ) {
        return vec![h.link(seen).links(warned)];
    }
    if let Some(h) = aws_endpoint_unreached(&workload, said) {
        return vec![h.link(seen).links(warned)];
    }
    if matches!(
        cloud,
        Some(crate::messages::errors::ErrorClass::CloudAuth { .. })
    ) {
        let sa = crate::model::pod_service_account(pod);
        let psa = pod.ns_or_default();
        return vec![
            Hypothesis::new(
                80,
                Loop::Identity,
                day2_model::ObjRef::new("ServiceAccount", Some(psa), sa),
                format!("the cloud refuses the calls of {workload} (ServiceAccount {psa}/{sa}) that would build the load balancer of Ingress {ns}/{}: {}", ing.name(), day2_model::redact::excerpt(said, 200)),
            )
            .fix(format!("Give ServiceAccount {psa}/{sa} the controller's cloud permissions: on EKS an IAM role with the AWSLoadBalancerControllerIAMPolicy, named in its eks.amazonaws.com/role-arn annotation (`eksctl create iamserviceaccount --cluster <cluster> --namespace {psa} --name {sa} --attach-policy-arn arn:aws:iam::<account>:policy/AWSLoadBalancerControllerIAMPolicy --approve`)."))
            .link(seen)
            .links(warned),
        ];
    }
    // The subnets' tags live in the AWS account, not the cluster.
    if no_subnet(said) {
        return vec![
            Hypothesis::new(
                74,
                Loop::Network,
                ing.objref(),
                format!("{workload} finds no subnet for the load balancer of Ingress {ns}/{}: none is tagged for it", ing.name()),
            )
            .fix("Tag the subnets: public ones `kubernetes.io/role/elb=1` (internal load balancers: private ones `kubernetes.io/role/internal-elb=1`), and on controllers before v2.1.1 also `kubernetes.io/cluster/<cluster>=shared`; or list them on the Ingress with `alb.ingress.kubernetes.io/subnets`.")
            .missing("the VPC subnets' tags (`aws ec2 describe-subnets --filters Name=vpc-id,Values=<vpc> --query 'Subnets[].Tags'`)")
            .link(seen)
            .links(warned)
            .unexplained(),
        ];
    }
    leader_lock_refused(a, pod, &workload, ing)
        .map(|h| h.link(seen).links(warned))
        .into_iter()
        .collect()
}

/// A controller that runs and says nothing while its Ingress gets no
/// address: its leader election cannot take its lock
/// ([`super::leader_lock`]).
fn leader_lock_refused(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    workload: &day2_model::ObjRef,
    ing: &Res<k8s_openapi::api::networking::v1::Ingress>,
) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let role = super::leader_lock::refused(a, pod)?;
    Some(
        Hypothesis::new(
            70,
            Loop::Identity,
            role.objref(),
            format!("{workload} runs but builds nothing for Ingress {}/{}: ServiceAccount {ns}/{sa} is bound to ClusterRole {}, which lets it create neither ConfigMaps nor Leases, so its leader election can never take its lock and no replica acts", ing.ns_or_default(), ing.name(), role.name()),
        )
        .fix(format!("Add `{{apiGroups: [\"\"], resources: [\"configmaps\"], verbs: [\"create\", \"get\", \"update\"]}}` (and the same on `leases` in `coordination.k8s.io`) to ClusterRole {}, or a Role with them in {ns}; `kubectl auth can-i create configmaps -n {ns} --as=system:serviceaccount:{ns}:{sa}` must answer yes.", role.name()))
        .missing(format!("the controller's log (`kubectl logs -n {ns} {}`), which names the refused call", pod.name())),
    )
}

/// An in-cluster controller told to publish its address on the Ingresses
/// it serves, whose Ingress has none: the controller never took it. Its
/// ServiceAccount's roles, all held, do not let it list what it watches:
/// Ingresses (networking.k8s.io) and, from Kubernetes 1.18, IngressClasses
/// (traefik/traefik#7232: the chart's ClusterRole of Traefik 2.3 granted
/// `extensions` Ingresses only).
fn unpublished<'c>(
    a: &Analysis<'c>,
    ing: &'c Res<k8s_openapi::api::networking::v1::Ingress>,
) -> Option<Hypothesis> {
    let (class, pod) = crate::symptoms::ingress_address::published(a, ing)?;
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let roles = super::rbac::bound_cluster_roles(a.cluster, ns, sa)?;
    let role = roles.first()?;
    let classes_served = a.cluster.nodes.iter().any(|n| {
        n.status
            .as_ref()
            .and_then(|s| s.node_info.as_ref())
            .and_then(|i| day2_model::text::major_minor(i.kubelet_version.trim_start_matches('v')))
            .is_some_and(|v| v >= (1, 18))
    });
    let needed: &[&str] = if classes_served {
        &["ingresses", "ingressclasses"]
    } else {
        &["ingresses"]
    };
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|r| !super::rbac::roles_allow(&roles, "list", "networking.k8s.io", r))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            82,
            Loop::Identity,
            role.objref(),
            format!(
                "the controller of class {class} ({workload}) publishes an address on every Ingress it serves, and Ingress {}/{} has none: ClusterRole {} bound to its ServiceAccount {ns}/{sa} does not let it list {} in networking.k8s.io, so it never takes the Ingress",
                ing.ns_or_default(),
                ing.name(),
                role.name(),
                missing.join(" or ")
            ),
        )
        .fix(format!(
            "Add `{{apiGroups: [networking.k8s.io], resources: [{}], verbs: [get, list, watch]}}` (and `ingresses/status` with `update`) to ClusterRole {}, as the controller release's own chart has it; `kubectl logs -n {ns} {}` shows the refused list.",
            missing.join(", "),
            role.name(),
            pod.name()
        ))
        .link(Link::new(
            Loop::Network,
            None,
            pod.objref(),
            format!("{} serves class {class} and writes no address on the Ingress", pod.name()),
        )),
    )
}

/// The controller cannot reach an AWS service's endpoint
/// (`Post "https://wafv2.us-west-2.amazonaws.com/": dial tcp …: i/o
/// timeout`): on a cluster without a route out, each service it calls
/// needs an interface VPC endpoint, and a service it calls only for a
/// feature (WAF, WAFv2, Shield) can be turned off instead
/// (kubernetes-sigs/aws-load-balancer-controller#2476, #2641).
fn aws_endpoint_unreached(workload: &day2_model::ObjRef, said: &str) -> Option<Hypothesis> {
    let lower = said.to_ascii_lowercase();
    if !(lower.contains("i/o timeout") || lower.contains("connection timed out")) {
        return None;
    }
    let (_, rest) = said.split_once("https://")?;
    let host = rest.split(['/', '"', ':', ' ']).next()?;
    let service = host.strip_suffix(".amazonaws.com")?.split('.').next()?;
    let flag = match service {
        "wafv2" => Some("--enable-wafv2=false"),
        "waf-regional" => Some("--enable-waf=false"),
        "shield" => Some("--enable-shield=false"),
        _ => None,
    };
    Some(
        Hypothesis::new(
            82,
            Loop::Network,
            workload.clone(),
            format!("{workload} cannot reach the AWS {service} endpoint ({host}): the cluster's subnets have no route out to it and no VPC endpoint for it, so the controller never finishes building the load balancer: {}", day2_model::redact::excerpt(said, 200)),
        )
        .fix(format!(
            "Create an interface VPC endpoint for `com.amazonaws.<region>.{service}` in the cluster's VPC (private DNS on, the nodes' security group allowed on 443), or give the subnets a NAT route{}; the controller retries on its own.",
            flag.map(|f| format!("; the Ingresses use no {service}, so start {workload} with `{f}` (the chart's `enableWafv2`/`enableWaf`/`enableShield` values)")).unwrap_or_default()
        )),
    )
}
