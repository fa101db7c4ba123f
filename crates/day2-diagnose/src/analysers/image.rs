//! Why an image cannot be pulled. The runtime's error text decides the loop:
//! 401/403 and missing credentials are identity; `not found` is the image
//! reference; timeouts, refused connections and DNS are the network path;
//! `toomanyrequests` is the registry's rate limit.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link, per_cloud};
use crate::messages::image::{
    PullClass, RegistryKind, ecr_region, registry_kind, registry_of, repository, serves_anonymous,
};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::Node;

mod platform;
mod registry;
use platform::platform_missing;
pub use registry::{node_disk, rate_limit, server_error};

struct Pull<'a> {
    pod: &'a Res<Pod>,
    container: &'a str,
    image: &'a str,
    error: Option<&'a str>,
    class: PullClass,
}

/// The image has no tag or `latest` and the container does not ask for
/// `IfNotPresent` or `Never`: Kubernetes then defaults its pull policy to
/// Always, so an image present on the node is pulled again regardless.
fn pulls_latest_always(p: &Pull<'_>) -> bool {
    let tag = p
        .image
        .rsplit_once('/')
        .map_or(p.image, |(_, last)| last)
        .split_once(':')
        .map(|(_, t)| t);
    let latest = !p.image.contains('@') && tag.is_none_or(|t| t == "latest");
    let policy = crate::model::spec_container(p.pod, p.container)
        .and_then(|c| c.image_pull_policy.as_deref());
    latest && !matches!(policy, Some("IfNotPresent" | "Never"))
}

fn pull<'c, 'd>(d: &'d Detected<'c>) -> Option<Pull<'d>> {
    let pod = d.pod()?;
    match &d.detail {
        Detail::Image {
            container,
            image,
            error,
            class,
        } => Some(Pull {
            pod,
            container,
            image,
            error: error.as_deref(),
            class: *class,
        }),
        _ => None,
    }
}

/// The error as evidence, linked to the pod at the first failure.
fn error_link(d: &Detected<'_>, p: &Pull<'_>, loop_: Loop, what: String) -> Link {
    let ev = d
        .events
        .iter()
        .rev()
        .find(|e| e.reason == "Failed" && e.message_text().starts_with("Failed to pull image"));
    let mut l = Link::new(
        loop_,
        ev.and_then(|e| e.first).or(d.since),
        p.pod.objref(),
        what,
    );
    match ev {
        Some(e) => l.evidence.push(e.evidence()),
        None => l.evidence.extend(p.error.map(str::to_owned)),
    }
    l
}

fn node_of<'c>(a: &Analysis<'c>, pod: &Res<Pod>) -> Option<&'c Res<Node>> {
    model::node_name(pod).and_then(|n| a.cluster.node(n))
}

/// The node pool pulling the image (its identity or its network path).
fn puller_ref(a: &Analysis<'_>, pod: &Res<Pod>) -> ObjRef {
    match node_of(a, pod) {
        Some(n) => match model::node_group(n) {
            Some(g) => ObjRef::new("NodeGroup", None, g),
            None => n.objref(),
        },
        None => ObjRef::new(
            "Node",
            None,
            model::node_name(pod).unwrap_or("(unscheduled)"),
        ),
    }
}

/// Another pod of the namespace pulls from the same registry with an
/// imagePullSecret this one lacks: a chart or template that sets the
/// secret on most of its pods but not on this one (a hook Job, a
/// sub-chart that ignores the global value). The secret and that pod.
fn sibling_secret<'c>(a: &Analysis<'c>, p: &Pull<'_>) -> Option<(String, &'c Res<Pod>)> {
    let host = registry_of(p.image);
    a.cluster
        .pods_in_namespace(p.pod.ns_or_default())
        .filter(|o| o.name() != p.pod.name())
        .filter(|o| {
            o.spec.as_ref().is_some_and(|s| {
                s.containers
                    .iter()
                    .filter_map(|c| c.image.as_deref())
                    .any(|i| registry_of(i) == host)
            })
        })
        .find_map(|o| pull_secrets(a, o).into_iter().next().map(|s| (s, o)))
}

fn pull_secrets(a: &Analysis<'_>, pod: &Res<Pod>) -> Vec<String> {
    let spec = match pod.spec.as_ref() {
        Some(s) => s,
        None => return Vec::new(),
    };
    let mut names: Vec<String> = spec
        .image_pull_secrets
        .iter()
        .flatten()
        .map(|s| s.name.clone())
        .collect();
    let sa = day2_model::pod::service_account(spec);
    if let Some(sa) = a
        .cluster
        .service_accounts
        .iter()
        .find(|s| s.ns_or_default() == pod.ns_or_default() && s.name() == sa)
    {
        names.extend(
            sa.image_pull_secrets
                .iter()
                .flatten()
                .map(|s| s.name.clone()),
        );
    }
    names
}

/// 401/403, missing credentials, refused token: the identity the node or pod pulls with.
pub fn identity<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(p) = pull(d) else { return vec![] };
    let ns = p.pod.ns_or_default();
    let secrets = pull_secrets(a, p.pod);
    let denied_with_secret = p.class == PullClass::DeniedOrMissing && !secrets.is_empty();
    // A pull secret the pod names that its namespace lacks explains a
    // refusal, and a failure whose text is gone, whatever else is known.
    let lacks_secret = p.class == PullClass::Unknown
        && !a.cluster.secrets.is_empty()
        && secrets.iter().any(|s| {
            !a.cluster
                .secrets
                .iter()
                .any(|x| x.ns_or_default() == ns && x.name() == s.as_str())
        });
    if p.class != PullClass::Identity && !denied_with_secret && !lacks_secret {
        return vec![];
    }
    let host = registry_of(p.image);
    let workload = model::workload_ref(a.cluster, p.pod);
    let rule = a.findings.any_of(&["ID008", "ID009"], &workload);
    let err_link = error_link(
        d,
        &p,
        Loop::Identity,
        format!(
            "registry {host} refused the pull of {}: {}",
            p.image,
            p.class.describe()
        ),
    );
    // A named pull secret that does not exist.
    if !a.cluster.secrets.is_empty()
        && let Some(missing) = secrets.iter().find(|s| {
            !a.cluster
                .secrets
                .iter()
                .any(|x| x.ns_or_default() == ns && x.name() == s.as_str())
        })
    {
        return vec![Hypothesis::new(88, Loop::Identity, ObjRef::new("Secret", Some(ns), missing.clone()), format!("imagePullSecret {ns}/{missing} does not exist, so {host} gets no credentials for {}", p.image))
            .fix(format!("Create it in the namespace of the pod, {ns}: the kubelet reads imagePullSecrets from the pod's own namespace only, so a Secret of that name elsewhere does not count (copy it, or `kubectl create secret docker-registry {missing} -n {ns} --docker-server={host} --docker-username=… --docker-password=…`); or fix the name in imagePullSecrets.{}", elsewhere(a, missing, ns)))
            .link(err_link)];
    }
    // A registry credential waits in the namespace, and the pod names no
    // pull secret (nor does its ServiceAccount): the reference is what is
    // missing (microsoft/azuredevopslabs#109).
    if secrets.is_empty() {
        let waiting: Vec<&str> = a
            .cluster
            .secrets
            .iter()
            .filter(|s| s.ns_or_default() == ns)
            .filter(|s| {
                matches!(
                    s.type_.as_deref(),
                    Some("kubernetes.io/dockerconfigjson" | "kubernetes.io/dockercfg")
                )
            })
            .map(|s| s.name())
            .collect();
        if let Some(first) = waiting.first() {
            return vec![Hypothesis::new(86, Loop::Identity, workload.clone(), format!("{host} refuses the pull of {} without credentials, and registry Secret {ns}/{first} is in the namespace, but neither {workload} nor its ServiceAccount names it in imagePullSecrets", p.image))
                .fix(format!("Reference it: `imagePullSecrets: [{{name: {first}}}]` in the pod template of {workload} (or `kubectl patch serviceaccount <its ServiceAccount> -n {ns} -p '{{\"imagePullSecrets\": [{{\"name\": \"{first}\"}}]}}'`); the kubelet sends only the credentials a pod names.{}", if waiting.len() > 1 { format!(" Registry Secrets there: {}.", waiting.join(", ")) } else { String::new() }))
                .link(err_link)];
        }
    }
    let node = node_of(a, p.pod);
    let node_name = node
        .map(|n| n.name().to_owned())
        .unwrap_or_else(|| "the node".into());
    let h = match registry_kind(host) {
        // The kubelet answers ECR with the instance's IAM role only on EC2: a
        // node that shows nothing of AWS (no `aws://` providerID, no EKS,
        // eksctl or Karpenter label, no AWS zone) pulls without credentials
        // unless the pod brings a pull secret.
        RegistryKind::Ecr if secrets.is_empty() && node.is_none_or(on_aws) => {
            let node_region = node.and_then(|n| n.labels().get("topology.kubernetes.io/region")).map(String::as_str);
            let reg_region = ecr_region(host);
            let region_note = match (reg_region, node_region) {
                (Some(r), Some(n)) if r != n => format!(" The registry is in {r} while the node runs in {n}: cross-region pulls need the repository to allow this account and the node role to allow ECR in {r}."),
                _ => String::new(),
            };
            Hypothesis::new(
                86,
                Loop::Identity,
                puller_ref(a, p.pod),
                format!("the kubelet on {node_name} pulls from ECR ({host}) with the node's IAM role, and ECR answered {}: the role lacks ECR read access or the repository policy does not admit it.{region_note}", short_error(p.error)),
            )
            .fix(per_cloud(a.cloud,
                "Give the node's identity read access to the registry.",
                "Attach `AmazonEC2ContainerRegistryReadOnly` (ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer) to the node group's instance role (`aws iam attach-role-policy --role-name <node-role> --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`); for another account, add a repository policy allowing that role; on self-managed nodes check the kubelet's ecr-credential-provider config.",
                "", ""))
        }
        RegistryKind::Acr if secrets.is_empty() => Hypothesis::new(
            86,
            Loop::Identity,
            puller_ref(a, p.pod),
            format!("the kubelet on {node_name} pulls from ACR ({host}) with the cluster's kubelet identity, and ACR answered {}: the identity has no AcrPull role on this registry", short_error(p.error)),
        )
        .fix(format!("Attach the registry: `az aks update -n <cluster> -g <resource-group> --attach-acr {}` (grants AcrPull to the kubelet identity); `az aks check-acr -n <cluster> -g <resource-group> --acr {host}` verifies it.", host.split('.').next().unwrap_or(host)))
        // The role assignment (or the service principal the cluster runs
        // as) lives in Azure, not in any object of the cluster: the cause is
        // named, and reported as outside (Azure/acr#231).
        .missing(format!("the role assignments of the cluster's kubelet identity on {host} (in Azure, outside the cluster)"))
        .unexplained(),
        RegistryKind::Gar if secrets.is_empty() => Hypothesis::new(
            86,
            Loop::Identity,
            puller_ref(a, p.pod),
            format!("the kubelet on {node_name} pulls from {host} with the node's service account, and the registry answered {}", short_error(p.error)),
        )
        .fix("Grant the node pool's service account `roles/artifactregistry.reader` on the repository (`gcloud artifacts repositories add-iam-policy-binding REPO --location LOC --member serviceAccount:NODE_SA --role roles/artifactregistry.reader`); check the node pool's OAuth scopes include cloud-platform or devstorage.read_only."),
        _ if !secrets.is_empty() => {
            let s = &secrets[0];
            Hypothesis::new(
                82,
                Loop::Identity,
                ObjRef::new("Secret", Some(ns), s.clone()),
                format!("{host} rejects the credentials of imagePullSecret {ns}/{s} ({}): they are wrong, expired, or for another registry", short_error(p.error)),
            )
            .fix(format!("Recreate the secret with a valid username and password for {host}: `kubectl create secret docker-registry {s} -n {ns} --docker-server={host} --docker-username='<user>' --docker-password='<password>'` (single quotes: a shell expands the `$` of a robot account's name such as `robot$ci` to nothing); `kubectl get secret {s} -n {ns} -o jsonpath='{{.data.\\.dockerconfigjson}}' | base64 -d` shows what it holds. For cloud registries prefer the node's identity (ECR/ACR/GAR) to stored passwords."))
        }
        // The token exchange refused a credential, and the pod brings none:
        // the node presented it (containerd's registry configuration, a
        // kubelet credential provider, the node OS's machine config), and an
        // expired one there is a 403 where no credential at all would get
        // an anonymous token (akuity/kargo#778). The cluster's objects do
        // not hold it.
        // A registry of public images only refuses the node, not a
        // credential (hetznercloud/csi-driver#592: registry.k8s.io's 403 to
        // an address range it blocks).
        _ if crate::messages::image::public_only(host)
            && p.error.is_some_and(|e| e.contains("403 Forbidden")) =>
        {
            Hypothesis::new(
                80,
                Loop::Identity,
                workload.clone(),
                format!("{host} answers 403 Forbidden for {}: it serves public images only, so no credential is missing; it refuses the node's requests (its public address or network range blocked, or a proxy in between)", p.image),
            )
            .fix(format!("Pull {} from {node_name} by hand (`crictl pull {}`) to confirm, then give the nodes another way out (a NAT gateway or egress IP the registry does not block) or a pull-through registry mirror for {host} in the container runtime's configuration; the provider may also know why the range is blocked.", p.image, p.image))
            .missing(format!("why {host} refuses the node's address: the registry's and the provider's side"))
            .unexplained()
        }
        _ if secrets.is_empty() && p.error.is_some_and(node_credential_refused) => Hypothesis::new(
            82,
            Loop::Identity,
            workload.clone(),
            format!("{host} refuses the credential presented for {} at its token endpoint (403), and {workload} brings no imagePullSecret: the credential is the node's own (its container runtime's registry configuration or credential provider), and it is expired or revoked", p.image),
        )
        .fix(format!("On {node_name}, find the credential the runtime presents for {host} (containerd's `config.toml` registry auths or `hosts.toml`, a kubelet credential provider, or the node OS's machine config, e.g. Talos `machine.registries.config`) and renew or remove it; `crictl pull {}` on the node shows the same refusal until then.", p.image))
        .missing(format!("the node's registry credential for {host}, which no Kubernetes object holds"))
        .unexplained(),
        _ if secrets.is_empty() && let Some((secret, other)) = sibling_secret(a, &p) => Hypothesis::new(
            86,
            Loop::Identity,
            workload.clone(),
            format!("{host} refuses the pull of {} by {workload}, which brings no imagePullSecret, while pod {} of the namespace pulls from {host} with Secret {secret}: {workload}'s template leaves the secret out", p.image, other.name()),
        )
        .fix(format!("Add `imagePullSecrets: [{{name: {secret}}}]` to the pod template of {workload} (in a chart, the value that sets pull secrets for this component, e.g. a Job's or a sub-chart's own `imagePullSecrets`), or to its ServiceAccount.")),
        _ if secrets.is_empty() && let Some(h) = registry::sa_convention(a, &p, host) => h,
        _ => {
            let h = Hypothesis::new(
            80,
            Loop::Identity,
            workload.clone(),
            if serves_anonymous(host) {
                format!("{host} refused an anonymous pull of {} by {workload}, which brings no imagePullSecret: the repository is private (or not there)", p.image)
            } else {
                format!("{host} requires credentials and {workload} pulls {} without any imagePullSecret", p.image)
            },
        )
        .rule(rule.map(|f| &*f.rule))
        .fix(format!("Create a docker-registry secret for {host} and reference it in `imagePullSecrets` of the pod template or its ServiceAccount.{}{}", rule.map(|f| format!(" {}", f.fix)).unwrap_or_default(), public_note(host, p.image)));
            // A public registry answers an anonymous pull of a name it does
            // not hold as it answers a private one: the cluster cannot tell.
            if serves_anonymous(host) {
                h.missing(format!("whether {} exists on {host}: the registry refuses anonymous pulls of missing and private repositories alike", p.image))
            } else {
                h
            }
        }
    };
    vec![h.link(err_link)]
}

/// The registry's token endpoint refused the credential presented
/// (containerd's `failed to fetch oauth token: unexpected status …: 403
/// Forbidden`).
fn node_credential_refused(error: &str) -> bool {
    error.contains("failed to fetch oauth token") && error.contains("403 Forbidden")
}

/// Whether a node shows it runs on AWS: its providerID, a label of EKS,
/// eksctl or Karpenter's AWS provider, or a zone named the AWS way
/// (`us-east-1a`).
fn on_aws(n: &Res<Node>) -> bool {
    if let Some(id) = n.spec.as_ref().and_then(|s| s.provider_id.as_deref()) {
        return day2_model::cloud::provider_id_cloud(id) == day2_model::Cloud::Aws;
    }
    let labels = n.labels();
    labels.keys().any(|k| {
        k.starts_with("eks.amazonaws.com/")
            || k.starts_with("alpha.eksctl.io/")
            || k.starts_with("karpenter.k8s.aws/")
    }) || labels
        .get("topology.kubernetes.io/zone")
        .or_else(|| labels.get("failure-domain.beta.kubernetes.io/zone"))
        .is_some_and(|z| aws_zone(z))
}

/// `us-east-1a`, `us-gov-west-1b`, `ap-southeast-2c`: region, digit, letter.
fn aws_zone(z: &str) -> bool {
    let Some((region, last)) = z.rsplit_once('-') else {
        return false;
    };
    let mut tail = last.chars();
    let (Some(d), Some(l), None) = (tail.next(), tail.next(), tail.next()) else {
        return false;
    };
    d.is_ascii_digit()
        && l.is_ascii_lowercase()
        && region.split('-').count() >= 2
        && region.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

fn short_error(e: Option<&str>) -> String {
    let Some(e) = e else {
        return "an authentication error".into();
    };
    let l = e.to_ascii_lowercase();
    for p in [
        "401 unauthorized",
        "403 forbidden",
        "no basic auth credentials",
        "authentication required",
        "unexpected status: 403",
        "unexpected status: 401",
    ] {
        if l.contains(p) {
            return format!("`{p}`");
        }
    }
    "an authentication error".into()
}

/// `not found` / `manifest unknown`: the reference, not identity.
pub fn reference<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(p) = pull(d) else { return vec![] };
    let workload = model::workload_ref(a.cluster, p.pod);
    if p.class == PullClass::Reference
        && let Some(h) = platform_missing(a, &p, &workload)
    {
        return vec![h.link(error_link(
            d,
            &p,
            Loop::Compute,
            format!("pull of {} failed: {}", p.image, p.class.describe()),
        ))];
    }
    if p.class == PullClass::Reference
        && let Some(h) = registry::bitnami_withdrawn(d, &p)
    {
        return vec![h.link(error_link(
            d,
            &p,
            Loop::Compute,
            format!("pull of {} failed: not found", p.image),
        ))];
    }
    let (score, summary, fix) = match p.class {
        PullClass::Reference => (
            88,
            format!(
                "image {} does not exist in {} (tag or digest not found): the reference is wrong, not the credentials",
                p.image,
                registry_of(p.image)
            ),
            format!(
                "Point container {} of {workload} at a tag that exists (`kubectl set image {}/{} {}=<image>:<existing-tag>`); list tags with `crane ls` or the registry's console; pin immutable tags or digests so a deleted tag cannot break a rollout.",
                p.container,
                workload.kind.to_ascii_lowercase(),
                workload.name,
                p.container
            ),
        ),
        // A short name (no registry) the runtime will not guess a registry for.
        PullClass::ShortName => (
            88,
            format!("image {:?} names no registry, and the node's runtime resolves short names only when they are unambiguous (short-name mode enforcing, containers-registries.conf)", p.image),
            format!("Use the fully qualified reference in container {} of {workload}: docker.io/{} (or the registry meant), so no runtime has to guess.", p.container, p.image),
        ),
        PullClass::InvalidName => (
            88,
            format!("image reference {:?} is not a valid name", p.image),
            format!("Fix the image of container {} in {workload}.", p.container),
        ),
        PullClass::NeverPull => (
            85,
            format!(
                "container {} uses imagePullPolicy: Never and {} is not on the node",
                p.container, p.image
            ),
            format!(
                "Use imagePullPolicy IfNotPresent for {workload}, or preload the image on every node."
            ),
        ),
        // kubebuilder and operator-sdk scaffold `image: controller:latest`
        // in config/manager/manager.yaml; `make deploy IMG=…` replaces it
        // (`kustomize edit set image controller=…`), a plain `kubectl
        // apply -k config/default` does not.
        PullClass::DeniedOrMissing
            if matches!(
                p.image,
                "controller:latest" | "controller" | "docker.io/library/controller:latest"
            ) =>
        {
            (
                84,
                format!(
                    "container {} runs {}, the placeholder image name of a kubebuilder/operator-sdk scaffold that the kustomization was meant to replace: no such repository exists",
                    p.container, p.image
                ),
                "Set the operator's real image name: deploy with its Makefile (`make deploy IMG=<registry>/<repository>:<tag>`), or add it to the kustomization (`cd config/manager && kustomize edit set image controller=<registry>/<repository>:<tag>`, i.e. an `images:` entry with `name: controller`), or use the project's released install manifest.".to_owned(),
            )
        }
        PullClass::DeniedOrMissing
            if pull_secrets(a, p.pod).is_empty()
                && let Some((secret, other)) = sibling_secret(a, &p) =>
        {
            return vec![Hypothesis::new(
                86,
                Loop::Identity,
                workload.clone(),
                format!("{} answers `pull access denied` for {}, pulled by {workload} without an imagePullSecret, while pod {} of the namespace pulls from the same registry with Secret {secret}: {workload}'s template leaves the secret out", registry_of(p.image), p.image, other.name()),
            )
            .fix(format!("Add `imagePullSecrets: [{{name: {secret}}}]` to the pod template of {workload} (in a chart, the value that sets pull secrets for this component, e.g. a Job's or a sub-chart's own `imagePullSecrets`), or to its ServiceAccount."))
            .link(error_link(d, &p, Loop::Identity, format!("pull of {} refused", p.image)))];
        }
        PullClass::DeniedOrMissing if pull_secrets(a, p.pod).is_empty() => (
            62,
            format!(
                "{} answers `pull access denied` for {}: the repository does not exist, or it is private and the pod has no credentials (registries answer both the same way)",
                registry_of(p.image),
                p.image
            ),
            format!(
                "Check the image name (registry and repository) of container {} in {workload}; if it is private, add an imagePullSecret.{}",
                p.container,
                if pulls_latest_always(&p) {
                    " If the image was loaded onto the nodes rather than pushed (`kind load docker-image`, `minikube image load`, `k3d image import`), its tag (none, or `latest`) makes the kubelet pull it every time (imagePullPolicy Always): set `imagePullPolicy: IfNotPresent` or give the image a tag other than latest."
                } else {
                    ""
                }
            ),
        ),
        _ => return vec![],
    };
    vec![
        Hypothesis::new(score, Loop::Compute, workload, summary)
            .fix(fix)
            .link(error_link(
                d,
                &p,
                Loop::Compute,
                format!("pull of {} failed: {}", p.image, p.class.describe()),
            )),
    ]
}

/// Timeouts, refused connections, DNS, TLS: the path from the node to the registry.
pub fn network<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(p) = pull(d) else { return vec![] };
    if !matches!(p.class, PullClass::Network | PullClass::Tls) {
        return vec![];
    }
    let host = registry_of(p.image);
    let l = p.error.unwrap_or("").to_ascii_lowercase();
    let what = if p.class == PullClass::Tls {
        "the node does not trust the registry's certificate (an intercepting proxy or a private CA)"
            .to_owned()
    } else if l.contains("no such host")
        || l.contains("name resolution")
        || l.contains("server misbehaving")
    {
        format!("DNS on the node cannot resolve {host}")
    } else if l.contains("connection refused") {
        format!(
            "the connection to {host} is refused (a proxy or firewall in the path, or the wrong port)"
        )
    } else {
        format!(
            "the node cannot reach {host} (timeout): no egress route, NAT or firewall in the way"
        )
    };
    let node = model::node_name(p.pod).unwrap_or("the node");
    // Everything between the node and the registry (routes, NAT, firewalls,
    // proxies, the node's resolver and trust store) is outside the cluster's
    // objects: the input shows the failure, never which of them causes it.
    let (fix, check) = if p.class == PullClass::Tls {
        (
            format!(
                "Make every node's container runtime trust the CA that signed {host}'s certificate: put it in `/etc/containerd/certs.d/{host}/ca.crt` (Docker: `/etc/docker/certs.d/{host}/ca.crt`) or the node's system trust store and restart the runtime; or serve the registry with a certificate from a public CA."
            ),
            format!(
                "the certificate chain {host} presents and the nodes' trust store (`openssl s_client -connect {host}:443 -showcerts` from {node})"
            ),
        )
    } else {
        (
            per_cloud(
                a.cloud,
                "Open the egress path from the nodes to the registry (route, NAT, firewall, proxy settings of the container runtime) or mirror the image into a reachable registry.",
                "Private subnets need a route to a NAT gateway, or VPC endpoints for the registry: ECR needs `com.amazonaws.<region>.ecr.api`, `ecr.dkr` and the S3 gateway endpoint; check security groups/NACLs allow 443 and the VPC's DNS resolution.",
                "Check the cluster's outbound type (NAT gateway / load balancer / UDR with Azure Firewall allowing the registry's FQDN), or add a private endpoint for ACR with its private DNS zone linked to the VNet.",
                "Nodes without external IPs need Cloud NAT, or Private Google Access for Artifact Registry; check firewall egress rules and Cloud DNS.",
            ),
            format!(
                "the egress path from {node} to {host}: its resolver, routes, NAT, firewall rules and proxy (`crictl pull {}` on the node)",
                p.image
            ),
        )
    };
    vec![Hypothesis::new(60, Loop::Network, puller_ref(a, p.pod), format!("{what}; seen pulling {} on {node}; the input holds no cause for it (it lies between the node and the registry, outside the cluster's objects)", p.image))
        .fix(fix)
        .missing(check)
        .link(error_link(d, &p, Loop::Network, format!("pull of {} failed: {what}", p.image)))
        .unexplained()]
}

/// No error text: say what is missing instead of guessing.
pub fn unknown<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(p) = pull(d) else { return vec![] };
    if p.class != PullClass::Unknown {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, p.pod);
    vec![Hypothesis::new(
        25,
        Loop::Identity,
        workload,
        format!("{} cannot be pulled, but the runtime's error text is not in the input: identity (401/403), a wrong reference (not found) and the network path cannot be told apart", p.image),
    )
    .fix(format!("Read the error: `kubectl describe pod -n {} {}` (the `Failed to pull image` event), or capture a snapshot within the event TTL.", p.pod.ns_or_default(), p.pod.name()))
    .missing("the `Failed to pull image` event text (the runtime's error)")]
}

/// Where else a Secret of this name exists, as a sentence (empty when nowhere).
fn elsewhere(a: &Analysis<'_>, name: &str, ns: &str) -> String {
    let other: Vec<&str> = a
        .cluster
        .secrets
        .iter()
        .filter(|s| s.name() == name && s.ns_or_default() != ns)
        .map(|s| s.ns_or_default())
        .collect();
    if other.is_empty() {
        String::new()
    } else {
        format!(" A Secret {name} exists in namespace {}.", other.join(", "))
    }
}

/// For a registry that serves public images: the other reading of its
/// refusal, and how to tell.
fn public_note(host: &str, image: &str) -> String {
    if !serves_anonymous(host) {
        return String::new();
    }
    let repo = repository(image);
    format!(
        " {host} refuses anonymous pulls of repositories it does not hold as it refuses private ones: if the image is meant to be public, its name or tag is wrong or gone (renamed, moved to another registry, never pushed); `crane ls {repo}` or `skopeo list-tags docker://{repo}` shows what exists."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_named_the_aws_way() {
        for z in [
            "us-east-1a",
            "ap-southeast-2c",
            "us-gov-west-1b",
            "eu-central-1c",
        ] {
            assert!(aws_zone(z), "{z}");
        }
        // GCP, Azure, local and bare names.
        for z in [
            "us-central1-a",
            "eastus-1",
            "westeurope-3",
            "local",
            "zone-a",
            "a",
        ] {
            assert!(!aws_zone(z), "{z}");
        }
    }

    #[test]
    fn a_reference_without_its_tag_or_digest_keeps_a_registry_port() {
        assert_eq!(
            repository("quay.io/bitnami/redis-exporter:1.26.0"),
            "quay.io/bitnami/redis-exporter"
        );
        assert_eq!(
            repository("registry.local:5000/team/app"),
            "registry.local:5000/team/app"
        );
        assert_eq!(repository("ghcr.io/a/b@sha256:0123"), "ghcr.io/a/b");
    }
}
