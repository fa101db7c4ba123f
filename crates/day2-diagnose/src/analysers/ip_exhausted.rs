//! A pod sandbox refused for want of an IP address: the CNI's pool on the
//! node, read against the pods that hold addresses there (host-local's
//! leaked reservations, the AWS VPC CNI's ENI capacity, an IPAM whose own
//! state is off, or a pool that is really used up), or Calico without any
//! pool at all.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::runtime::CNI_PLUGINS;
use crate::messages::runtime::host_local_range_size;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

pub(super) fn ip_exhausted(
    a: &Analysis<'_>,
    node: &str,
    message: &str,
    daemons: &[(&Res<Pod>, String)],
    link: Option<Link>,
) -> Vec<Hypothesis> {
    if let Some(h) = attachment_range(a, message).or_else(|| no_pool(a, message)) {
        return vec![h.links(link)];
    }
    let on_node = a
        .cluster
        .pods_on_node(node)
        .filter(|p| !model::is_terminal(p))
        .filter(|p| p.spec.as_ref().is_none_or(|s| s.host_network != Some(true)))
        // A pod still waiting for its sandbox holds no address.
        .filter(|p| {
            model::phase(p) != "Pending"
                || model::container_statuses(p)
                    .any(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
        })
        .count();
    let cni = daemons
        .iter()
        .find(|(_, ds)| CNI_PLUGINS.iter().any(|(_, n)| n == ds))
        .map(|(_, ds)| ds.clone());
    let aws = message.contains("aws-cni") || cni.as_deref() == Some("aws-node");
    // host-local keeps one file per reserved address under
    // /var/lib/cni/networks/<network>/ and frees it on the sandbox's
    // CNI DEL; a runtime that lost the DEL (a crash, a forced
    // removal) leaves the file behind. A range "full" while far
    // fewer pods than it holds run on the node is full of such
    // stale reservations, not too small.
    // host-local before CNI 0.5 named the network, not the range
    // (`no IP addresses available in network: podnet`): the range is the
    // node's pod CIDR.
    let network = message
        .split_once("no IP addresses available in network: ")
        .and_then(|(_, r)| {
            r.split(|c: char| c == ';' || c == '"' || c == '\\' || c.is_whitespace())
                .next()
        })
        .filter(|n| !n.is_empty());
    // The node's pod CIDR prefix, and how many pod addresses a /16 to /30
    // holds (network and broadcast excluded).
    let node_prefix = a
        .cluster
        .node(node)
        .and_then(|n| n.spec.as_ref()?.pod_cidr.as_deref())
        .and_then(|c| c.split_once('/')?.1.parse::<u32>().ok());
    let addresses = |p: u32| (16..=30).contains(&p).then(|| (1u64 << (32 - p)) - 2);
    if let Some(size) =
        host_local_range_size(message).or_else(|| network.and(node_prefix).and_then(addresses))
        && (on_node as u64) * 2 < size
    {
        let dir = format!("/var/lib/cni/networks/{}/", network.unwrap_or("<network>"));
        return vec![Hypothesis::new(
            87,
            Loop::Network,
            ObjRef::new("Node", None, node),
            format!(
                "host-local IPAM on node {node} finds every one of its {size} addresses reserved, yet only {on_node} pods with pod-network IPs run there: the reservations of sandboxes that are gone were never released (leaked)"
            ),
        )
        .fix(format!(
            "On node {node}, remove the stale reservations: the files under {dir} (one per IP, holding a container ID) whose container no longer runs (`crictl pods -q` / `docker ps -q` lists the live ones); or drain the node, clear that directory and reboot it (with flannel, deleting `cni0` and `flannel.1` too lets them be rebuilt). Keep the container runtime and the CNI plugins current so the CNI DEL that releases an address is not lost."
        ))
        .links(link)];
    }
    // Another IPAM (Cilium's agent, Calico's blocks) on a node whose
    // pod CIDR holds many times the pods running there: its own
    // accounting is off, not the range too small.
    let cidr_size = node_prefix
        .or_else(|| {
            // Cilium hands out node ranges of its own (CiliumNode),
            // `cluster-pool-ipv4-mask-size` long, /24 by default.
            (cni.as_deref() == Some("cilium")).then(|| {
                a.cluster
                    .config_maps
                    .iter()
                    .find(|m| m.name() == "cilium-config")
                    .and_then(|m| {
                        m.data
                            .as_ref()?
                            .get("cluster-pool-ipv4-mask-size")?
                            .parse()
                            .ok()
                    })
                    .unwrap_or(24)
            })
        })
        .and_then(addresses);
    if !aws
        && let Some(size) = cidr_size
        && (on_node as u64) * 2 < size
    {
        let agent = cni.as_deref().unwrap_or("the CNI agent");
        // The agent's DaemonSet holds the state (and its settings,
        // such as Cilium's `blacklist-conflicting-routes`).
        let root = daemons
            .iter()
            .find(|(_, ds)| Some(ds.as_str()) == cni.as_deref())
            .map(|(p, ds)| ObjRef::new("DaemonSet", Some(p.ns_or_default()), ds))
            .unwrap_or_else(|| ObjRef::new("Node", None, node));
        return vec![Hypothesis::new(
            84,
            Loop::Network,
            root,
            format!(
                "{agent} reports the address range of node {node} full, yet its pod CIDR holds {size} addresses and only {on_node} pods with pod-network IPs run there: the IPAM's own state holds addresses no pod uses (allocations never released, or addresses it leaves out because a route or interface on the node overlaps the pod CIDR)"
            ),
        )
        .fix(format!(
            "On node {node}, compare the IPAM's allocations with the running pods (Cilium: `kubectl -n kube-system exec ds/cilium -- cilium status --all-addresses`), and check that no route or interface overlaps the node's pod CIDR (`ip route` on the node; a VPN, Docker bridge or second network in the same range; Cilium's `blacklist-conflicting-routes` setting takes every address such a route covers out of the pool); remove the overlap or move the pod CIDR, then restart the agent on the node so it rebuilds its state."
        ))
        .links(link)];
    }
    // EKS sets max-pods from the instance type's ENI × IP limit
    // (`ENIs × (IPs per ENI − 1) + 2`), so a node running far
    // fewer pods than its allocatable `pods` still has addresses
    // its ENIs can hold: the agent that hands them out (ipamd in
    // aws-node) fails, not the capacity.
    let max_pods = a
        .cluster
        .node(node)
        .and_then(|n| model::allocatable(n))
        .map(|r| r.pods)
        .unwrap_or(0);
    if aws
        && max_pods > 2
        && let Some(h) = custom_networking(a, node, max_pods)
    {
        return vec![h.links(link)];
    }
    // Of `max-pods`, two are for host-network pods (aws-node, kube-proxy).
    if aws
        && max_pods > 2
        && (on_node as i64) * 2 < max_pods - 2
        && let Some((agent, ds)) = daemons.iter().find(|(_, ds)| ds == "aws-node")
    {
        return vec![vpc_cni_short(a, node, on_node, max_pods, agent, ds, link)];
    }
    let fix = if aws {
        format!(
            "Node {node} has used every pod IP its ENIs can hold (the instance type's ENI × IP limit) or its subnet is exhausted: enable prefix delegation (`kubectl set env ds/aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true`), set max-pods to what the instance type supports, use larger instance types, or add subnet IPs / custom networking."
        )
    } else {
        format!(
            "The CNI's IP pool for node {node} is empty: enlarge the subnet or the pod CIDR (Azure CNI: a larger subnet or Azure CNI Overlay; Calico: more IPPool blocks), lower max-pods on the node, or spread the pods to other nodes."
        )
    };
    let mut h = Hypothesis::new(
        85,
        Loop::Network,
        ObjRef::new("Node", None, node),
        format!(
            "the CNI{} has no IP address left for pods on node {node} ({on_node} pods with pod-network IPs run there)",
            cni.map(|c| format!(" ({c})")).unwrap_or_default()
        ),
    )
    .fix(fix)
    .links(link);
    if !aws {
        h = h.missing("the CNI's IPAM state (subnet free addresses, IP pool blocks)");
    }
    vec![h]
}

/// The default max-pods of common instance types (the VPC CNI's
/// `misc/eni-max-pods.txt`: `ENIs × (IPs per ENI − 1) + 2`).
const DEFAULT_MAX_PODS: [(&str, i64); 24] = [
    ("t3.small", 11),
    ("t3.medium", 17),
    ("t3.large", 35),
    ("t3.xlarge", 58),
    ("t3.2xlarge", 58),
    ("t3a.medium", 17),
    ("t3a.large", 35),
    ("m5.large", 29),
    ("m5.xlarge", 58),
    ("m5.2xlarge", 58),
    ("m5.4xlarge", 234),
    ("m5a.large", 29),
    ("m5a.xlarge", 58),
    ("m6i.large", 29),
    ("m6i.xlarge", 58),
    ("m6i.2xlarge", 58),
    ("c5.large", 29),
    ("c5.xlarge", 58),
    ("c5.2xlarge", 58),
    ("c6i.large", 29),
    ("r5.large", 29),
    ("r5.xlarge", 58),
    ("r5.2xlarge", 58),
    ("m7i.large", 29),
];

/// The VPC CNI with custom networking (`AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true`,
/// pods on the subnets of ENIConfig objects): the node's primary ENI gives
/// pods no address, so the instance type's default max-pods (`ENIs × (IPs
/// per ENI − 1) + 2`) is more than its ENIs can address, and pods the
/// scheduler places beyond that get none (aws/amazon-vpc-cni-k8s#1245).
fn custom_networking(a: &Analysis<'_>, node: &str, max_pods: i64) -> Option<Hypothesis> {
    let ds = a
        .cluster
        .daemon_sets
        .iter()
        .find(|d| d.name() == "aws-node")?;
    let env = |name: &str| aws_node_env(ds, name).any(|v| v == Some("true"));
    let custom = env("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG");
    let prefixes = env("ENABLE_PREFIX_DELEGATION");
    if !custom || prefixes {
        return None;
    }
    let n = a.cluster.node(node)?;
    if let Some(h) = eni_config_missing(a, ds, n) {
        return Some(h);
    }
    let instance = n
        .labels()
        .get("node.kubernetes.io/instance-type")
        .or_else(|| n.labels().get("beta.kubernetes.io/instance-type"))?;
    // Still the instance type's default: not lowered for custom networking.
    if DEFAULT_MAX_PODS
        .iter()
        .find(|(t, _)| t == instance)
        .is_none_or(|(_, m)| *m != max_pods)
    {
        return None;
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            n.objref(),
            format!("the AWS VPC CNI runs with custom networking (AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true on {}), so node {node}'s primary ENI gives pods no address, yet the node admits {max_pods} pods (max-pods), the {instance} default that counts the primary ENI: pods placed beyond what its other ENIs address get no IP", ds.objref()),
        )
        .fix(format!("Lower max-pods on nodes with custom networking to what their secondary ENIs address: `max-pods-calculator.sh --instance-type {instance} --cni-version <version> --cni-custom-networking-enabled` gives it; set it in the node group's bootstrap (`--use-max-pods false --kubelet-extra-args '--max-pods=N'`, or `maxPods` in the kubelet configuration) and replace the nodes; or enable prefix delegation (`ENABLE_PREFIX_DELEGATION=true` on aws-node) so each ENI holds more addresses.")),
    )
}

/// The values the aws-node DaemonSet's containers set for `name`, one per
/// entry (`None` for one taken from elsewhere, `valueFrom`).
fn aws_node_env<'d>(
    ds: &'d Res<k8s_openapi::api::apps::v1::DaemonSet>,
    name: &'d str,
) -> impl Iterator<Item = Option<&'d str>> {
    ds.spec
        .template
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.env.iter().flatten())
        .filter(move |e| e.name == name)
        .map(|e| e.value.as_deref())
}

/// Custom networking with no ENIConfig for the node: ipamd takes the one
/// named by the node's `k8s.amazonaws.com/eniConfig` label, or by the value
/// of its label `ENI_CONFIG_LABEL_DEF` names (the zone, for one ENIConfig per
/// zone), and without it attaches no ENI for pods there
/// (aws/amazon-vpc-cni-k8s#884: ENIConfigs for one zone of three). Only
/// when the input holds ENIConfigs, so their absence is known.
fn eni_config_missing(
    a: &Analysis<'_>,
    ds: &Res<k8s_openapi::api::apps::v1::DaemonSet>,
    n: &Res<k8s_openapi::api::core::v1::Node>,
) -> Option<Hypothesis> {
    let configs: Vec<&str> = a
        .cluster
        .other
        .iter()
        .filter(|o| o.obj.kind == "ENIConfig")
        .map(|o| o.name())
        .collect();
    if configs.is_empty() {
        return None;
    }
    let label_def = aws_node_env(ds, "ENI_CONFIG_LABEL_DEF")
        .next()
        .flatten()
        .map(str::to_owned);
    const KEY: &str = "k8s.amazonaws.com/eniConfig";
    let node = n.name();
    let (label, wanted) = match n.labels().get(KEY).or_else(|| n.annotations().get(KEY)) {
        Some(v) => (KEY.to_owned(), v.clone()),
        None => match label_def {
            Some(key) => {
                let v = n.labels().get(&key)?.clone();
                (key, v)
            }
            // Neither: ipamd takes the ENIConfig named `default`.
            None if configs.contains(&"default") => return None,
            None => {
                let zone = model::node_zone(n).filter(|z| configs.contains(z));
                return Some(
                    Hypothesis::new(
                        86,
                        Loop::Network,
                        n.objref(),
                        format!("the AWS VPC CNI runs with custom networking (on {}) and node {node} names no ENIConfig (no `{KEY}` annotation or label, no ENI_CONFIG_LABEL_DEF) while no ENIConfig is named `default` (the cluster has {}): ipamd attaches no ENI for pods there, so they get no IP", ds.objref(), configs.join(", ")),
                    )
                    .fix(format!("Annotate node {node} with the ENIConfig of its zone (`kubectl annotate node {node} {KEY}={}`), as the nodes that work are, or set ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone on aws-node so every node takes the ENIConfig named for its zone; then restart aws-node on {node}.", zone.unwrap_or("<ENIConfig>"))),
                );
            }
        },
    };
    if configs.contains(&wanted.as_str()) {
        return None;
    }
    Some(
        Hypothesis::new(
            88,
            Loop::Network,
            ObjRef::new("ENIConfig", None, wanted.clone()),
            format!("the AWS VPC CNI runs with custom networking (on {}) and node {node} needs ENIConfig {wanted} (its label {label}), which does not exist (the cluster has {}): ipamd attaches no ENI for pods there, so they get no IP", ds.objref(), configs.join(", ")),
        )
        .fix(format!("Create ENIConfig {wanted} with the pod subnet and security groups for the nodes labelled {label}={wanted} (one ENIConfig per zone when ENI_CONFIG_LABEL_DEF names the zone label; the subnet must be in that zone), then restart aws-node on {node} or replace the node.")),
    )
}

/// The VPC CNI fails to hand out an address on a node whose ENIs could hold
/// many more: either the agent (ipamd) is at fault, which a rollout of it
/// just before the failures shows, or it cannot get secondary addresses
/// from the subnet, which only the VPC shows. A node that joined minutes
/// before and holds no pod address at all is the subnet's signature.
fn vpc_cni_short(
    a: &Analysis<'_>,
    node: &str,
    on_node: usize,
    max_pods: i64,
    agent: &Res<Pod>,
    ds: &str,
    link: Option<Link>,
) -> Hypothesis {
    let version = agent
        .spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .and_then(|c| c.image.as_deref())
        .and_then(|i| i.rsplit_once(':'))
        .map(|(_, tag)| tag.to_owned());
    let at = version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let ds_ref = ObjRef::new("DaemonSet", Some(agent.ns_or_default()), ds);
    if let Some(h) = super::irsa::unmutated(a, agent) {
        return h.links(link);
    }
    let failed = link.as_ref().and_then(|l| l.at);
    let joined = a
        .cluster
        .node(node)
        .and_then(|n| model::creation(&n.metadata));
    let agent_since = model::creation(&agent.metadata);
    let hours =
        |from: Option<jiff::Timestamp>| Some((failed?.as_second() - from?.as_second()) / 3600);
    // The agent's pod was replaced (not started with its node) within the
    // day before the failures: a new version or new settings.
    let rolled = hours(agent_since).is_some_and(|h| (0..24).contains(&h))
        && matches!((agent_since, joined), (Some(s), Some(j)) if s.as_second() - j.as_second() > 3600);
    if rolled {
        return Hypothesis::new(
            84,
            Loop::Network,
            ds_ref.clone(),
            format!("the AWS VPC CNI ({ds}{at}) fails to assign an IP address on node {node}, which runs {on_node} pods with pod-network IPs of the {max_pods} its ENIs can address, since its pod there was replaced: the ENI capacity is not used up, the new agent is failing"),
        )
        .fix(format!("Read ipamd's log on {node} (`/var/log/aws-routed-eni/ipamd.log`, `kubectl logs -n {} {} -c aws-node`); {ds_ref} was rolled out just before the failures (now{at}): roll it back to the previous version (downgrade the VPC CNI add-on) and check its release notes.", agent.ns_or_default(), agent.name()))
        .links(link);
    }
    let restart = format!(
        "read ipamd's log on {node} (`/var/log/aws-routed-eni/ipamd.log`, `kubectl logs -n {} {} -c aws-node`) and restart the agent there (`kubectl -n {} delete pod {}`)",
        agent.ns_or_default(),
        agent.name(),
        agent.ns_or_default(),
        agent.name()
    );
    let subnet = format!(
        "Check the free addresses of the node's subnet (`aws ec2 describe-subnets --query 'Subnets[].[SubnetId,AvailabilityZone,AvailableIpAddressCount]'`): when it is (nearly) exhausted, add a subnet or a secondary CIDR with custom networking (ENIConfig), or lower WARM_IP_TARGET / WARM_ENI_TARGET on {ds} so idle nodes hold fewer addresses"
    );
    // With prefix delegation each node takes /28 blocks, which a subnet
    // with free addresses but no free contiguous /28 cannot give: a node
    // that holds no pod address at all never got its first one.
    let prefixes = agent.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .flat_map(|c| c.env.iter().flatten())
            .any(|e| e.name == "ENABLE_PREFIX_DELEGATION" && e.value.as_deref() == Some("true"))
    });
    if on_node == 0 && (prefixes || hours(joined).is_some_and(|h| (0..2).contains(&h))) {
        return Hypothesis::new(
            80,
            Loop::Network,
            ds_ref,
            if prefixes {
                format!("the AWS VPC CNI ({ds}{at}, prefix delegation on) gets no IP address for pods on node {node}, which holds none, though it can address {max_pods}: the node's subnet has no free contiguous /28 block left for its prefixes, even if single addresses are free (the cluster does not show the subnet)")
            } else {
                format!("the AWS VPC CNI ({ds}{at}) gets no IP address for pods on node {node}, which joined just before and holds none yet, though its ENIs can address {max_pods}: the node's subnet has no free addresses left for its secondary IPs (the cluster does not show the subnet)")
            },
        )
        .fix(if prefixes {
            format!("{subnet}; with prefix delegation the subnet needs free /28 blocks, not single addresses: reserve them with a subnet CIDR reservation of type prefix (`aws ec2 create-subnet-cidr-reservation --reservation-type prefix`) or give the nodes a new subnet. When the subnet has room, {restart}.")
        } else {
            format!("{subnet}. When the subnet has room, {restart}.")
        })
        .missing("the subnet's free addresses (in AWS, outside the cluster)")
        .links(link)
        .unexplained();
    }
    Hypothesis::new(
        84,
        Loop::Network,
        ds_ref,
        format!("the AWS VPC CNI ({ds}{at}) fails to assign an IP address on node {node}, which runs {on_node} pods with pod-network IPs of the {max_pods} its ENIs can address: the ENI capacity is not used up, so ipamd on the node is stuck or cannot get addresses from its subnet"),
    )
    .fix(format!("Restart the agent first: {restart}. If the error returns, {}.", subnet.replacen("Check", "check", 1)))
    .missing("the subnet's free addresses and ipamd's log (in AWS and on the node, outside the cluster)")
    .links(link)
}
/// Calico's IPAM refusing a node another address block: `cannot allocate
/// new block due to per host block limit` (libcalico-go's `ipam.go`: a node
/// may claim `maxBlocksPerHost` blocks, from its IPAMConfig). With a tiny
/// `blockSize` (a /32 block holds one address) the node reaches the limit
/// after as many pods; the IPPool that serves the node is the setting
/// (projectcalico/calico#9462).
pub(crate) fn calico_block_limit(
    a: &Analysis<'_>,
    node: &str,
    message: &str,
) -> Option<Hypothesis> {
    if !message.contains("per host block limit") {
        return None;
    }
    let labels = a.cluster.node(node).map(|n| n.labels());
    // `key == 'value'` (Calico's selector syntax), `all()`, or none.
    let selects = |sel: Option<&str>| {
        let Some(sel) = sel
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "all()")
        else {
            return true;
        };
        let Some((k, v)) = sel.split_once("==") else {
            return false;
        };
        let v = v.trim().trim_matches(['\'', '"']);
        labels.and_then(|l| l.get(k.trim())).is_some_and(|x| x == v)
    };
    let pools: Vec<(&Res<day2_model::object::DynObject>, i64)> = a
        .cluster
        .other
        .iter()
        .filter(|o| o.kind == "IPPool" && o.api_version.contains("projectcalico.org"))
        .filter(|o| {
            selects(
                o.data
                    .get("spec")
                    .and_then(|s| s.get("nodeSelector"))
                    .and_then(|v| v.as_str()),
            )
        })
        .map(|o| {
            let size = o
                .data
                .get("spec")
                .and_then(|s| s.get("blockSize"))
                .and_then(|v| v.as_i64())
                .unwrap_or(26);
            (o, size)
        })
        .collect();
    // Small blocks (eight addresses or fewer) are the pool's doing; with
    // ordinary ones, a node at the limit holds blocks its pods do not use:
    // addresses leaked and never released.
    let Some((pool, size)) = pools
        .iter()
        .filter(|(_, s)| *s >= 29)
        .max_by_key(|(_, s)| *s)
    else {
        let on_node = a
            .cluster
            .pods
            .iter()
            .filter(|p| model::node_name(p) == Some(node) && !model::is_terminal(p))
            .count();
        return Some(
            Hypothesis::new(
                74,
                Loop::Network,
                ObjRef::new("Node", None, node),
                format!("Calico's IPAM gives node {node} no new address block although it runs only {on_node} pod(s): the node holds the most blocks a node may (`maxBlocksPerHost`), filled with addresses its pods do not use, which leaked and were never released"),
            )
            .fix(format!("Release the leaked addresses: `calicoctl ipam check --show-problem-ips -o report.json`, then `calicoctl ipam release --from-report report.json`; and make calico-node healthy on {node} so it releases what it allocates (its host needs `iptables` and `ipset`: a node image without them leaves allocations behind); raising `maxBlocksPerHost` in the IPAMConfig only postpones it.")),
        );
    };
    let per_block = 1u64 << (32 - (*size).clamp(0, 32));
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            pool.objref(),
            format!("Calico's IPAM gives node {node} no new address block: it holds the most blocks a node may (`maxBlocksPerHost` of the IPAMConfig), and IPPool {} cuts blocks of /{size}, {per_block} address(es) each, so the node runs out after that many pods per block", pool.name()),
        )
        .fix(format!("Serve the node from a pool with larger blocks: `blockSize` cannot change on an existing IPPool, so create a new one with `blockSize: 26` (64 addresses per block) for the same nodes, disable IPPool {} and move the pods; or raise `maxBlocksPerHost` in the default IPAMConfig (`kubectl patch ipamconfig default --type merge -p '{{\"spec\":{{\"maxBlocksPerHost\":0}}}}'`, 0 = no limit).", pool.name())),
    )
}

/// Calico with no IP pool (`No configured Calico pools`): calico-node
/// creates the default pool at its first start from `CALICO_IPV4POOL_CIDR`
/// unless `NO_DEFAULT_POOLS` is set; installers that create it themselves
/// do so in a Job (kops' `configure-calico`, kubernetes/kops#2529), and a
/// failed Job leaves none.
fn no_pool(a: &Analysis<'_>, message: &str) -> Option<Hypothesis> {
    if !message.contains("o configured Calico pools") {
        return None;
    }
    let failed_job = a.cluster.jobs.iter().find(|j| {
        j.name().contains("calico")
            && j.status
                .as_ref()
                .is_some_and(|s| s.failed.unwrap_or(0) > 0 && s.succeeded.unwrap_or(0) == 0)
    });
    if let Some(job) = failed_job {
        let ns = job.ns_or_default();
        let pod = a
            .cluster
            .pods
            .iter()
            .filter(|p| {
                p.ns_or_default() == ns && p.name().starts_with(&format!("{}-", job.name()))
            })
            .map(|p| p.name())
            .next_back()
            .unwrap_or("its pod");
        return Some(
            Hypothesis::new(
                86,
                Loop::Network,
                job.objref(),
                format!(
                    "Job {ns}/{}, which creates Calico's IP pool, failed ({pod}), so Calico has no pool and gives no pod an address",
                    job.name()
                ),
            )
            .fix(format!(
                "Read why it failed (`kubectl logs -n {ns} {pod}`), then run it again (`kubectl get job -n {ns} {} -o json | jq 'del(.spec.selector, .spec.template.metadata.labels)' | kubectl replace --force -f -`); or let calico-node create the pool itself (`CALICO_IPV4POOL_CIDR` set to the cluster's pod CIDR, `NO_DEFAULT_POOLS` unset), or create an IPPool (`calicoctl create -f ippool.yaml`).",
                job.name()
            )),
        );
    }
    let ds = a
        .cluster
        .daemon_sets
        .iter()
        .find(|d| d.name() == "calico-node")?;
    Some(
        Hypothesis::new(
            80,
            Loop::Network,
            ds.objref(),
            format!(
                "Calico has no IP pool to give pods addresses from, and {} does not create one: it makes the default pool at its first start unless `NO_DEFAULT_POOLS` is set",
                ds.objref()
            ),
        )
        .fix("Create an IPPool for the cluster's pod CIDR (`calicoctl create -f ippool.yaml`, or the operator's Installation `ipPools`), or set `CALICO_IPV4POOL_CIDR` on calico-node and unset `NO_DEFAULT_POOLS` so it creates the default pool; pods get addresses on the next sandbox retry.".to_owned()),
    )
}

/// A secondary network's IPAM out of addresses: Multus names the
/// attachment (`error adding container to network "n99prov"`), and its
/// NetworkAttachmentDefinition's `ipam` (Whereabouts, host-local) sets the
/// range, often a handful of addresses between `range_start` and
/// `range_end` (kubernetes/kubernetes#96200). The attachment, not the pod
/// network, is what to widen.
fn attachment_range(a: &Analysis<'_>, message: &str) -> Option<Hypothesis> {
    let name = crate::messages::quoted_either_after(message, "error adding container to network ")?;
    let nad = a
        .cluster
        .other
        .iter()
        .find(|o| o.obj.kind == "NetworkAttachmentDefinition" && o.name() == name)?;
    let config: serde_json::Value = nad
        .obj
        .data
        .get("spec")
        .and_then(|s| s.get("config"))
        .and_then(|c| c.as_str())
        .and_then(|c| serde_json::from_str(c).ok())?;
    let ipam = config.get("ipam")?;
    let kind = ipam
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or("its IPAM");
    let field = |k: &str| ipam.get(k).and_then(|v| v.as_str());
    let span = match (field("range_start"), field("range_end")) {
        (Some(s), Some(e)) => {
            let size = match (
                s.parse::<std::net::Ipv4Addr>(),
                e.parse::<std::net::Ipv4Addr>(),
            ) {
                (Ok(s), Ok(e)) => u32::from(e)
                    .checked_sub(u32::from(s))
                    .map(|d| format!(" ({} addresses)", d + 1))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            format!("range_start {s} to range_end {e}{size}")
        }
        _ => format!("range {}", field("range").unwrap_or("?")),
    };
    let ns = nad.ns_or_default();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            nad.objref(),
            format!(
                "secondary network {name} has no address left for new pods: NetworkAttachmentDefinition {ns}/{name} gives {kind} the {span}, and every address of it is allocated"
            ),
        )
        .fix(format!(
            "Widen the addresses of NetworkAttachmentDefinition {ns}/{name}: a larger `range` or a wider `range_start`–`range_end` in its ipam config (pods pick it up when recreated); and release allocations of pods that are gone ({kind}'s records: for Whereabouts, `kubectl get ippools.whereabouts.cni.cncf.io -A -o yaml`, cleaned by its ip-reconciler)."
        )),
    )
}
