//! A deterministic generator of large synthetic clusters.
//!
//! The same [`Spec`] always produces the same bytes. The cluster looks like an
//! EKS cluster: nodes in three zones and four node pools (allocatable,
//! conditions, addresses, taints), namespaces of teams running Deployments
//! (with their ReplicaSets, old ones included), StatefulSets (with claims and
//! zonal volumes of two StorageClasses), Jobs and DaemonSets; Services with
//! their EndpointSlices; pods with owner references, requests and limits,
//! probes, conditions and container statuses (some Pending, CrashLoopBackOff,
//! ImagePullBackOff, OOMKilled); and events in both wire shapes with
//! upstream's messages (FailedScheduling for the Pending pods, BackOff for the
//! crash loops, …).
//!
//! Objects carry what the API server returns that day2 reads, plus the usual
//! bookkeeping (uids, owner references, timestamps), but not every defaulted
//! field (no default tolerations, service-account volume or image digests): a
//! pod averages 1.1 KB of compact JSON where an API server's is 3–5 KB, an
//! event 0.47 KB, a node 2.2 KB. The benchmark's 5,000 nodes / 150,000 pods /
//! 300,000 events come to 366 MB; memory and most of the time follow the
//! number of objects, not their bytes.

use jiff::Timestamp;
use serde_json::{Map, Value, json};
use std::io::{self, Write};
use std::path::Path;

/// How big a cluster to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub nodes: usize,
    pub pods: usize,
    pub events: usize,
    pub seed: u64,
    /// The adversarial profile: see [`Spec::adversarial`].
    pub adversarial: bool,
}

impl Spec {
    /// The benchmark's proportions: one node per 30 pods, two events per pod
    /// (150,000 pods ↔ 5,000 nodes ↔ 300,000 events).
    pub fn scaled(pods: usize) -> Spec {
        Spec {
            nodes: (pods / 30).max(3),
            pods,
            events: pods * 2,
            seed: 1,
            adversarial: false,
        }
    }

    /// The same proportions, captured the way many people capture
    /// (`kubectl get pods,nodes,pvc,pv,events -A -o json`: no controllers,
    /// Services or EndpointSlices), where every pod template breaks ten or
    /// more rules (no requests or limits, no probes, a mutable tag, a
    /// privileged root container with a host port and a writable root
    /// filesystem, no seccomp profile, no log context) and every event
    /// message is about 1 KB long.
    pub fn adversarial(pods: usize) -> Spec {
        Spec {
            adversarial: true,
            ..Spec::scaled(pods)
        }
    }
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len())]
    }
    fn hex(&mut self, n: usize) -> String {
        const H: &[u8] = b"0123456789abcdef";
        (0..n).map(|_| H[self.below(16)] as char).collect()
    }
    /// Kubernetes' `rand.SafeEncodeString` alphabet (no vowels, no confusables).
    fn suffix(&mut self, n: usize) -> String {
        const A: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n).map(|_| A[self.below(A.len())] as char).collect()
    }
    fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..]
        )
    }
}

/// 2026-01-01T08:00:00Z: the snapshot is taken at BASE + 3h.
const BASE: i64 = 1_767_254_400;
const NOW: i64 = BASE + 3 * 3600;

fn ts(offset: i64) -> String {
    Timestamp::from_second(BASE + offset)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn ts_micro(offset: i64, micros: u64) -> String {
    let s = ts(offset);
    format!("{}.{:06}Z", s.trim_end_matches('Z'), micros % 1_000_000)
}

/// `metadata.resourceVersion`.
fn rv(rng: &mut Rng) -> String {
    (1_000_000 + rng.below(90_000_000)).to_string()
}

const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const ACCOUNT: &str = "123456789012";

struct Pool {
    name: &'static str,
    instance: &'static str,
    cpu: u32,
    mem_ki: u64,
    pods: u32,
    gpu: bool,
    /// Percent of the nodes.
    share: usize,
}

const POOLS: [Pool; 4] = [
    Pool {
        name: "general",
        instance: "m5.2xlarge",
        cpu: 8,
        mem_ki: 32_386_544,
        pods: 58,
        gpu: false,
        share: 70,
    },
    Pool {
        name: "compute",
        instance: "c5.4xlarge",
        cpu: 16,
        mem_ki: 32_386_544,
        pods: 234,
        gpu: false,
        share: 15,
    },
    Pool {
        name: "memory",
        instance: "r5.2xlarge",
        cpu: 8,
        mem_ki: 65_049_504,
        pods: 58,
        gpu: false,
        share: 10,
    },
    Pool {
        name: "gpu",
        instance: "g5.2xlarge",
        cpu: 8,
        mem_ki: 32_386_544,
        pods: 58,
        gpu: true,
        share: 5,
    },
];

/// StorageClasses: (name, volume binding mode, default). Both are zonal EBS.
const CLASSES: [(&str, &str, bool); 2] = [
    ("gp3", "WaitForFirstConsumer", true),
    ("io2", "Immediate", false),
];

const TEAMS: [&str; 16] = [
    "payments",
    "checkout",
    "catalog",
    "search",
    "identity",
    "orders",
    "shipping",
    "ledger",
    "ml",
    "growth",
    "ads",
    "platform",
    "messaging",
    "media",
    "reporting",
    "support",
];
const APPS: [&str; 20] = [
    "api",
    "web",
    "worker",
    "gateway",
    "frontend",
    "consumer",
    "scheduler",
    "indexer",
    "cache",
    "router",
    "notifier",
    "exporter",
    "sync",
    "auth",
    "billing",
    "render",
    "importer",
    "webhook",
    "batch",
    "graphql",
];

struct NodeP {
    name: String,
    uid: String,
    zone: usize,
    pool: usize,
    ip: String,
    instance_id: String,
    ready: bool,
    unschedulable: bool,
    created: i64,
}

#[derive(Clone)]
struct ContainerP {
    name: String,
    image: String,
    port: Option<u16>,
    /// (millicores, MiB)
    requests: Option<(u32, u32)>,
    limits: Option<(u32, u32)>,
    readiness: bool,
    liveness: bool,
    /// Environment variables (0–2).
    env: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum WKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
}

struct Workload {
    kind: WKind,
    ns: usize,
    name: String,
    app: String,
    uid: String,
    replicas: usize,
    /// pod-template-hash (Deployments) or controller-revision-hash.
    hash: String,
    rs_uid: String,
    old_rs: Option<(String, String)>,
    containers: Vec<ContainerP>,
    sa: String,
    gpu: bool,
    service: Option<String>,
    /// StorageClass of a StatefulSet's claims (index into [`CLASSES`]).
    class: usize,
    created: i64,
    generation: u32,
    /// Its pods, in order (filled once the pods are planned).
    pods: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Running,
    Pending,
    CrashLoop,
    ImagePull,
    OomRestarted,
    Succeeded,
}

struct PodP {
    w: usize,
    name: String,
    uid: String,
    node: Option<usize>,
    state: State,
    start: i64,
    ip: String,
    ordinal: usize,
}

/// The whole cluster, planned before anything is written (small: names and numbers).
pub struct Plan {
    spec: Spec,
    nodes: Vec<NodeP>,
    namespaces: Vec<String>,
    ns_uids: Vec<String>,
    workloads: Vec<Workload>,
    pods: Vec<PodP>,
    /// Pods per namespace, in order.
    pods_by_ns: Vec<Vec<usize>>,
    workloads_by_ns: Vec<Vec<usize>>,
}

fn container(rng: &mut Rng, team: &str, app: &str) -> ContainerP {
    let image = if rng.chance(25) {
        format!(
            "{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{team}/{app}:1.{}.{}",
            rng.below(40),
            rng.below(20)
        )
    } else if rng.chance(75) {
        format!(
            "ghcr.io/example/{app}:1.{}.{}",
            rng.below(40),
            rng.below(20)
        )
    } else {
        rng.pick(&[
            "nginx:1.27.3",
            "redis:7.4.2",
            "bitnami/kafka:3.9.0",
            "ghcr.io/example/app:2.3.1",
            "python:3.12-slim",
            "postgres:16.4",
        ])
        .to_string()
    };
    let cpu = *rng.pick(&[50, 100, 100, 200, 250, 250, 500, 1000]);
    let mem = *rng.pick(&[64, 128, 256, 256, 512, 512, 1024, 2048]);
    ContainerP {
        name: app.to_owned(),
        image,
        port: Some(*rng.pick(&[8080, 8080, 8000, 3000, 9090, 50051])),
        requests: rng.chance(88).then_some((cpu, mem)),
        limits: rng.chance(60).then_some((cpu * 2, mem)),
        readiness: rng.chance(75),
        liveness: rng.chance(55),
        env: if rng.chance(15) { 1 + rng.below(2) } else { 0 },
    }
}

fn sidecar() -> ContainerP {
    ContainerP {
        name: "istio-proxy".into(),
        image: "istio/proxyv2:1.24.2".into(),
        port: Some(15090),
        requests: Some((100, 128)),
        limits: Some((2000, 1024)),
        readiness: true,
        liveness: false,
        env: 0,
    }
}

/// The scheduler's message for a pod that fits nowhere.
fn unschedulable_message(n: usize) -> String {
    format!(
        "0/{n} nodes are available: {} Insufficient cpu, {} node(s) had untolerated taint(s). preemption: 0/{n} nodes are available: {} No preemption victims found for incoming pod, {} Preemption is not helpful for scheduling.",
        n * 9 / 10,
        n - n * 9 / 10,
        n * 9 / 10,
        n - n * 9 / 10
    )
}

impl Plan {
    pub fn new(spec: Spec) -> Plan {
        let mut rng = Rng(spec.seed);
        let mut nodes = Vec::with_capacity(spec.nodes);
        for i in 0..spec.nodes {
            let r = rng.below(100);
            let mut acc = 0;
            let pool = POOLS
                .iter()
                .position(|p| {
                    acc += p.share;
                    r < acc
                })
                .unwrap_or(0);
            let zone = i % 3;
            let ip = format!(
                "10.{}.{}.{}",
                zone * 32 + (i / 65536) % 32,
                (i / 256) % 256,
                i % 256
            );
            nodes.push(NodeP {
                name: format!("ip-{}.ec2.internal", ip.replace('.', "-")),
                uid: rng.uuid(),
                zone,
                pool,
                instance_id: format!("i-0{}", rng.hex(16)),
                ip,
                ready: !rng.chance(1),
                unschedulable: rng.chance(1),
                created: -(rng.below(30 * 86400) as i64),
            });
        }
        let team_ns = (spec.pods / 400).max(2);
        let mut namespaces = vec!["kube-system".to_owned()];
        for i in 0..team_ns {
            let t = TEAMS[i % TEAMS.len()];
            namespaces.push(if i < TEAMS.len() {
                t.to_owned()
            } else {
                format!("{t}-{}", i / TEAMS.len())
            });
        }
        let ns_uids = namespaces.iter().map(|_| rng.uuid()).collect();
        let mut workloads = Vec::new();
        let mut budget = spec.pods;
        let new_workload = |rng: &mut Rng,
                            kind: WKind,
                            ns: usize,
                            name: String,
                            app: &str,
                            replicas: usize,
                            containers: Vec<ContainerP>| {
            let hash = rng.suffix(if kind == WKind::Deployment { 10 } else { 9 });
            Workload {
                kind,
                ns,
                app: app.to_owned(),
                uid: rng.uuid(),
                replicas,
                hash,
                rs_uid: rng.uuid(),
                old_rs: (kind == WKind::Deployment && rng.chance(15))
                    .then(|| (rng.suffix(10), rng.uuid())),
                containers,
                sa: "default".into(),
                gpu: false,
                service: None,
                class: 0,
                created: -(rng.below(20 * 86400) as i64) - 3600,
                generation: 1 + rng.below(12) as u32,
                pods: Vec::new(),
                name,
            }
        };
        // Node agents: one pod per node each, as far as the budget allows.
        for (ds, image) in [
            (
                "kube-proxy",
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.32.0-minimal-eksbuild.2",
            ),
            (
                "aws-node",
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1",
            ),
            (
                "ebs-csi-node",
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.38.1",
            ),
        ] {
            if budget < spec.nodes * 3 {
                break;
            }
            let c = ContainerP {
                name: ds.into(),
                image: image.into(),
                port: None,
                requests: Some((if ds == "aws-node" { 25 } else { 10 }, 40)),
                limits: None,
                readiness: false,
                liveness: ds != "kube-proxy",
                env: usize::from(ds == "aws-node"),
            };
            let mut w = new_workload(
                &mut rng,
                WKind::DaemonSet,
                0,
                ds.into(),
                ds,
                spec.nodes,
                vec![c],
            );
            w.sa = ds.into();
            budget -= spec.nodes;
            workloads.push(w);
        }
        for (name, replicas, image) in [
            (
                "coredns",
                2,
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2",
            ),
            (
                "ebs-csi-controller",
                2,
                "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.38.1",
            ),
            (
                "metrics-server",
                1,
                "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
            ),
            (
                "cluster-autoscaler",
                1,
                "registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.0",
            ),
        ] {
            if budget < replicas {
                break;
            }
            let mut c = container(&mut rng, "kube-system", name);
            c.image = image.into();
            let mut w = new_workload(
                &mut rng,
                WKind::Deployment,
                0,
                name.into(),
                name,
                replicas,
                vec![c],
            );
            w.sa = name.into();
            if name != "cluster-autoscaler" {
                w.service = Some(if name == "coredns" {
                    "kube-dns".into()
                } else {
                    name.into()
                });
            }
            budget -= replicas;
            workloads.push(w);
        }
        let mut i = 0usize;
        while budget > 0 {
            let ns = 1 + i % team_ns;
            let team = TEAMS[(ns - 1) % TEAMS.len()];
            let app = APPS[(i / team_ns) % APPS.len()];
            let round = i / (team_ns * APPS.len());
            let name = if round == 0 {
                app.to_owned()
            } else {
                format!("{app}-{round}")
            };
            let (kind, replicas) = match rng.below(100) {
                0..=84 => (
                    WKind::Deployment,
                    *rng.pick(&[3, 4, 6, 8, 10, 12, 16, 20, 24, 30, 40]),
                ),
                85..=94 => (WKind::StatefulSet, *rng.pick(&[3, 3, 5])),
                _ => (WKind::Job, 1),
            };
            let replicas = replicas.min(budget);
            let mut containers = vec![container(&mut rng, team, app)];
            if kind != WKind::Job && rng.chance(10) {
                containers.push(sidecar());
            }
            let mut w = new_workload(&mut rng, kind, ns, name, app, replicas, containers);
            w.gpu = team == "ml" && rng.chance(30);
            if kind != WKind::Job && rng.chance(90) {
                w.service = Some(w.name.clone());
            }
            w.class = usize::from(kind == WKind::StatefulSet && rng.chance(20));
            w.sa = if rng.chance(60) {
                w.name.clone()
            } else {
                "default".into()
            };
            budget -= replicas;
            workloads.push(w);
            i += 1;
        }
        // Pods.
        let schedulable: Vec<usize> = (0..nodes.len())
            .filter(|n| nodes[*n].ready && !nodes[*n].unschedulable)
            .collect();
        let gpu_nodes: Vec<usize> = schedulable
            .iter()
            .copied()
            .filter(|n| POOLS[nodes[*n].pool].gpu)
            .collect();
        let mut pods = Vec::with_capacity(spec.pods);
        // Random suffixes collide now and then (a DaemonSet on 5,000 nodes has
        // 5,000 five-letter suffixes); the API server never holds two pods of
        // one name, so a colliding name is drawn again.
        let mut taken: std::collections::HashSet<(usize, String)> = Default::default();
        for (wi, w) in workloads.iter_mut().enumerate() {
            for k in 0..w.replicas {
                let state = if w.kind == WKind::DaemonSet {
                    State::Running
                } else if w.kind == WKind::Job {
                    State::Succeeded
                } else {
                    match rng.below(1000) {
                        0..=19 => State::Pending,
                        20..=34 => State::CrashLoop,
                        35..=44 => State::ImagePull,
                        45..=54 => State::OomRestarted,
                        _ => State::Running,
                    }
                };
                let node = match (w.kind, state) {
                    (WKind::DaemonSet, _) => Some(k),
                    (_, State::Pending) => None,
                    _ if w.gpu && !gpu_nodes.is_empty() => Some(*rng.pick(&gpu_nodes)),
                    _ if !schedulable.is_empty() => Some(*rng.pick(&schedulable)),
                    _ => None,
                };
                let name = loop {
                    let name = match w.kind {
                        WKind::Deployment => format!("{}-{}-{}", w.name, w.hash, rng.suffix(5)),
                        WKind::StatefulSet => format!("{}-{k}", w.name),
                        WKind::DaemonSet | WKind::Job => format!("{}-{}", w.name, rng.suffix(5)),
                    };
                    if w.kind == WKind::StatefulSet || taken.insert((w.ns, name.clone())) {
                        break name;
                    }
                };
                let ip = match (w.kind, node) {
                    (WKind::DaemonSet, Some(n)) => nodes[n].ip.clone(),
                    (_, Some(n)) => {
                        let second = nodes[n].ip.split('.').nth(1).unwrap_or("0");
                        format!("10.{second}.{}.{}", rng.below(256), 1 + rng.below(254))
                    }
                    _ => String::new(),
                };
                w.pods.push(pods.len());
                pods.push(PodP {
                    w: wi,
                    name,
                    uid: rng.uuid(),
                    node,
                    state,
                    start: w.created.max(-(rng.below(3 * 86400) as i64)) + rng.below(600) as i64,
                    ip,
                    ordinal: k,
                });
            }
        }
        let mut pods_by_ns = vec![Vec::new(); namespaces.len()];
        for (i, p) in pods.iter().enumerate() {
            pods_by_ns[workloads[p.w].ns].push(i);
        }
        let mut workloads_by_ns = vec![Vec::new(); namespaces.len()];
        for (i, w) in workloads.iter().enumerate() {
            workloads_by_ns[w.ns].push(i);
        }
        Plan {
            spec,
            nodes,
            namespaces,
            ns_uids,
            workloads,
            pods,
            pods_by_ns,
            workloads_by_ns,
        }
    }

    // ---------------------------------------------------------------- objects

    fn node(&self, n: &NodeP, rng: &mut Rng) -> Value {
        let pool = &POOLS[n.pool];
        let zone = ZONES[n.zone];
        let mut labels = json!({
            "eks.amazonaws.com/capacityType": if n.pool == 1 { "SPOT" } else { "ON_DEMAND" },
            "eks.amazonaws.com/nodegroup": pool.name,
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": n.name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": pool.instance,
            "topology.ebs.csi.aws.com/zone": zone,
            "topology.kubernetes.io/region": "us-east-1",
            "topology.kubernetes.io/zone": zone
        });
        let mut capacity = json!({"cpu": pool.cpu.to_string(), "ephemeral-storage": "104845292Ki", "memory": format!("{}Ki", pool.mem_ki), "pods": pool.pods.to_string()});
        let mut allocatable = json!({"cpu": format!("{}m", pool.cpu * 1000 - 90), "ephemeral-storage": "95551679124", "memory": format!("{}Ki", pool.mem_ki - 1_000_000), "pods": pool.pods.to_string()});
        let mut taints = Vec::new();
        if pool.gpu {
            labels["nvidia.com/gpu.present"] = "true".into();
            capacity["nvidia.com/gpu"] = "1".into();
            allocatable["nvidia.com/gpu"] = "1".into();
            taints
                .push(json!({"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}));
        }
        if n.unschedulable {
            taints.push(json!({"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "timeAdded": ts(-1800)}));
        }
        if !n.ready {
            taints.push(json!({"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(-600)}));
            taints.push(json!({"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(-595)}));
        }
        let hb = ts(NOW - BASE - rng.below(40) as i64);
        let since = ts(n.created + 40);
        let cond = |t: &str, status: &str, reason: &str| json!({"lastHeartbeatTime": hb, "lastTransitionTime": since, "reason": reason, "status": status, "type": t});
        let mut ready = if n.ready {
            cond("Ready", "True", "KubeletReady")
        } else {
            cond("Ready", "Unknown", "NodeStatusUnknown")
        };
        ready["message"] = if n.ready {
            "kubelet is posting ready status"
        } else {
            "Kubelet stopped posting node status."
        }
        .into();
        let mut spec = json!({"providerID": format!("aws:///{zone}/{}", n.instance_id)});
        if !taints.is_empty() {
            spec["taints"] = taints.into();
        }
        if n.unschedulable {
            spec["unschedulable"] = true.into();
        }
        json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "annotations": {"alpha.kubernetes.io/provided-node-ip": n.ip, "node.alpha.kubernetes.io/ttl": "0"},
                "creationTimestamp": ts(n.created),
                "labels": labels,
                "name": n.name,
                "resourceVersion": rv(rng),
                "uid": n.uid
            },
            "spec": spec,
            "status": {
                "addresses": [{"address": n.ip, "type": "InternalIP"}, {"address": n.name, "type": "Hostname"}],
                "allocatable": allocatable,
                "capacity": capacity,
                "conditions": [
                    cond("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                    cond("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                    cond("PIDPressure", "False", "KubeletHasSufficientPID"),
                    ready
                ],
                "nodeInfo": {
                    "architecture": "amd64",
                    "bootID": rng.uuid(),
                    "containerRuntimeVersion": "containerd://1.7.25",
                    "kernelVersion": "6.1.124-134.200.amzn2023.x86_64",
                    "kubeProxyVersion": "v1.32.0-eks-aeac579",
                    "kubeletVersion": "v1.32.0-eks-aeac579",
                    "machineID": rng.hex(32),
                    "operatingSystem": "linux",
                    "osImage": "Amazon Linux 2023.6.20250115",
                    "systemUUID": format!("ec2{}", &rng.uuid()[3..])
                }
            }
        })
    }

    fn namespace(&self, i: usize) -> Value {
        let name = &self.namespaces[i];
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"creationTimestamp": ts(-40 * 86400), "labels": {"kubernetes.io/metadata.name": name}, "name": name, "resourceVersion": (1000 + i).to_string(), "uid": self.ns_uids[i]}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    }

    fn labels(&self, w: &Workload) -> Value {
        json!({"app": w.name})
    }

    fn container_json(&self, c: &ContainerP, w: &Workload) -> Value {
        if self.spec.adversarial {
            let image = c.image.split(':').next().unwrap_or(&c.image);
            let port = c.port.unwrap_or(8080);
            return json!({
                "image": format!("{image}:latest"),
                "name": c.name,
                "ports": [{"containerPort": port, "hostPort": port}],
                "securityContext": {"privileged": true, "runAsUser": 0, "capabilities": {"add": ["SYS_ADMIN", "NET_ADMIN"]}},
                "env": [{"name": "DB_PASSWORD", "value": "hunter2-not-a-real-password"}],
            });
        }
        let mut v = json!({"image": c.image, "name": c.name});
        if let Some(p) = c.port {
            v["ports"] = json!([{"containerPort": p}]);
        }
        let mut resources = Map::new();
        if let Some((cpu, mem)) = c.limits {
            resources.insert(
                "limits".into(),
                json!({"cpu": format!("{cpu}m"), "memory": format!("{mem}Mi")}),
            );
        }
        if let Some((cpu, mem)) = c.requests {
            resources.insert(
                "requests".into(),
                json!({"cpu": format!("{cpu}m"), "memory": format!("{mem}Mi")}),
            );
        }
        v["resources"] = resources.into();
        let port = c.port.unwrap_or(8080);
        if c.readiness {
            v["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": port}});
        }
        if c.liveness {
            v["livenessProbe"] = json!({"httpGet": {"path": "/healthz", "port": port}});
        }
        if c.env > 0 {
            let mut env = vec![
                json!({"name": "LOG_LEVEL", "value": "info"}),
                json!({"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": format!("{}-db", w.name)}}}),
            ];
            env.truncate(c.env);
            v["env"] = env.into();
        }
        v
    }

    /// The pod spec of a workload's template (pods add their node and volumes).
    fn pod_spec(&self, w: &Workload, rng: &mut Rng) -> Value {
        let containers: Vec<Value> = w
            .containers
            .iter()
            .map(|c| self.container_json(c, w))
            .collect();
        let mut spec = json!({"containers": containers, "serviceAccountName": w.sa});
        if w.kind == WKind::Job {
            spec["restartPolicy"] = "Never".into();
        }
        if w.gpu {
            spec["tolerations"] =
                json!([{"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}]);
            spec["nodeSelector"] = json!({"eks.amazonaws.com/nodegroup": "gpu"});
            spec["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] = "1".into();
        }
        if w.kind == WKind::StatefulSet {
            spec["containers"][0]["volumeMounts"] =
                json!([{"mountPath": "/var/lib/data", "name": "data"}]);
        }
        if w.kind == WKind::Deployment && w.replicas > 2 && rng.chance(40) {
            spec["topologySpreadConstraints"] = json!([{"labelSelector": {"matchLabels": {"app": w.name}}, "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"}]);
        }
        if w.kind == WKind::DaemonSet {
            spec["hostNetwork"] = true.into();
            spec["priorityClassName"] = "system-node-critical".into();
            spec["tolerations"] = json!([{"operator": "Exists"}]);
        }
        spec
    }

    fn pod(&self, p: &PodP, rng: &mut Rng) -> Value {
        let w = &self.workloads[p.w];
        let ns = &self.namespaces[w.ns];
        let mut labels = self.labels(w);
        let (owner_kind, owner_name, owner_uid, owner_api) = match w.kind {
            WKind::Deployment => {
                labels["pod-template-hash"] = w.hash.clone().into();
                (
                    "ReplicaSet",
                    format!("{}-{}", w.name, w.hash),
                    w.rs_uid.as_str(),
                    "apps/v1",
                )
            }
            WKind::StatefulSet => {
                labels["controller-revision-hash"] = format!("{}-{}", w.name, w.hash).into();
                labels["statefulset.kubernetes.io/pod-name"] = p.name.clone().into();
                labels["apps.kubernetes.io/pod-index"] = p.ordinal.to_string().into();
                ("StatefulSet", w.name.clone(), w.uid.as_str(), "apps/v1")
            }
            WKind::DaemonSet => {
                labels["controller-revision-hash"] = w.hash.clone().into();
                ("DaemonSet", w.name.clone(), w.uid.as_str(), "apps/v1")
            }
            WKind::Job => {
                labels["batch.kubernetes.io/job-name"] = w.name.clone().into();
                ("Job", w.name.clone(), w.uid.as_str(), "batch/v1")
            }
        };
        let mut spec = self.pod_spec(w, rng);
        if w.kind == WKind::StatefulSet {
            spec["volumes"] = json!([{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-{}", p.name)}}]);
        }
        let node = p.node.map(|n| &self.nodes[n]);
        if let Some(n) = node {
            spec["nodeName"] = n.name.clone().into();
        }
        let status = self.pod_status(p, w, node);
        let meta = json!({
            "creationTimestamp": ts(p.start - 2),
            "labels": labels,
            "name": p.name,
            "namespace": ns,
            "ownerReferences": [{"apiVersion": owner_api, "controller": true, "kind": owner_kind, "name": owner_name, "uid": owner_uid}],
            "uid": p.uid
        });
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status})
    }

    fn pod_status(&self, p: &PodP, w: &Workload, node: Option<&NodeP>) -> Value {
        let start = p.start;
        if node.is_none() {
            return json!({"conditions": [{"lastTransitionTime": ts(start), "message": unschedulable_message(self.spec.nodes), "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}], "phase": "Pending"});
        }
        let ready = matches!(p.state, State::Running | State::OomRestarted);
        let statuses: Vec<Value> = w
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let main = i == 0;
                let (state, last, restarts, ready_c) = match p.state {
                    State::CrashLoop if main => (
                        json!({"waiting": {"message": format!("back-off 5m0s restarting failed container={} pod={}_{}({})", c.name, p.name, self.namespaces[w.ns], p.uid), "reason": "CrashLoopBackOff"}}),
                        Some(json!({"terminated": {"exitCode": 1, "finishedAt": ts(NOW - BASE - 120), "reason": "Error", "startedAt": ts(NOW - BASE - 125)}})),
                        7 + (p.start.unsigned_abs() % 40) as usize,
                        false,
                    ),
                    State::ImagePull if main => (
                        json!({"waiting": {"message": format!("Back-off pulling image \"{}\"", c.image), "reason": "ImagePullBackOff"}}),
                        None,
                        0,
                        false,
                    ),
                    State::OomRestarted if main => (
                        json!({"running": {"startedAt": ts(NOW - BASE - 900)}}),
                        Some(json!({"terminated": {"exitCode": 137, "finishedAt": ts(NOW - BASE - 901), "reason": "OOMKilled", "startedAt": ts(start + 20)}})),
                        1 + (p.start.unsigned_abs() % 5) as usize,
                        true,
                    ),
                    State::Succeeded => (
                        json!({"terminated": {"exitCode": 0, "finishedAt": ts(start + 300), "reason": "Completed", "startedAt": ts(start + 5)}}),
                        None,
                        0,
                        false,
                    ),
                    _ => (json!({"running": {"startedAt": ts(start + 5)}}), None, 0, ready),
                };
                let mut s = json!({"name": c.name, "ready": ready_c, "restartCount": restarts, "state": state});
                if let Some(l) = last {
                    s["lastState"] = l;
                }
                s
            })
            .collect();
        let phase = if p.state == State::Succeeded {
            "Succeeded"
        } else {
            "Running"
        };
        let mut ready_cond =
            json!({"status": if ready { "True" } else { "False" }, "type": "Ready"});
        if !ready {
            ready_cond["reason"] = if p.state == State::Succeeded {
                "PodCompleted"
            } else {
                "ContainersNotReady"
            }
            .into();
        }
        json!({
            "conditions": [ready_cond],
            "containerStatuses": statuses,
            "phase": phase,
            "podIP": p.ip
        })
    }

    fn workload_meta(&self, w: &Workload, name: &str, uid: &str, rng: &mut Rng) -> Value {
        json!({
            "creationTimestamp": ts(w.created),
            "generation": w.generation,
            "labels": self.labels(w),
            "name": name,
            "namespace": self.namespaces[w.ns],
            "resourceVersion": rv(rng),
            "uid": uid
        })
    }

    /// The objects of workload `wi`: the controller, its ReplicaSets, Service, EndpointSlice, claims and volumes.
    fn workload_objects(&self, wi: usize, rng: &mut Rng) -> WorkloadObjects {
        let w = &self.workloads[wi];
        let ns = &self.namespaces[w.ns];
        let ready = w
            .pods
            .iter()
            .filter(|p| matches!(self.pods[**p].state, State::Running | State::OomRestarted))
            .count();
        let mut out = WorkloadObjects::default();
        let tpl_spec = self.pod_spec(w, rng);
        let mut tpl_labels = self.labels(w);
        let selector = json!({"matchLabels": {"app": w.name}});
        let meta = self.workload_meta(w, &w.name, &w.uid, rng);
        let replicas = w.replicas;
        match w.kind {
            WKind::Deployment => {
                let available = ready.min(replicas);
                let ok = available == replicas;
                out.main = Some(json!({
                    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
                    "spec": {"replicas": replicas, "selector": selector, "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec}},
                    "status": {"availableReplicas": available, "conditions": [{"lastTransitionTime": ts(w.created + 30), "reason": if ok { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" }, "status": if ok { "True" } else { "False" }, "type": "Available"}], "observedGeneration": w.generation, "readyReplicas": available, "replicas": replicas, "updatedReplicas": replicas}
                }));
                let owner = json!([{"apiVersion": "apps/v1", "controller": true, "kind": "Deployment", "name": w.name, "uid": w.uid}]);
                let mut rs_set = vec![(w.hash.as_str(), w.rs_uid.as_str(), replicas, available)];
                if let Some((h, u)) = &w.old_rs {
                    rs_set.push((h, u, 0, 0));
                }
                for (hash, uid, r, a) in rs_set {
                    let name = format!("{}-{hash}", w.name);
                    let mut m = self.workload_meta(w, &name, uid, rng);
                    m["labels"]["pod-template-hash"] = hash.into();
                    m["ownerReferences"] = owner.clone();
                    // Old ReplicaSets keep their template; the current one's is the Deployment's.
                    let mut l = tpl_labels.clone();
                    l["pod-template-hash"] = hash.into();
                    let tpl = if r == 0 {
                        self.pod_spec(w, rng)
                    } else {
                        out.main
                            .as_ref()
                            .map(|d| d["spec"]["template"]["spec"].clone())
                            .unwrap_or_default()
                    };
                    out.replica_sets.push(json!({
                        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": m,
                        "spec": {"replicas": r, "selector": {"matchLabels": {"app": w.name, "pod-template-hash": hash}}, "template": {"metadata": {"labels": l}, "spec": tpl}},
                        "status": {"availableReplicas": a, "observedGeneration": 1, "readyReplicas": a, "replicas": r}
                    }));
                }
            }
            WKind::StatefulSet => {
                let (class, binding, _) = CLASSES[w.class];
                out.main = Some(json!({
                    "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
                    "spec": {"replicas": replicas, "selector": selector, "serviceName": w.service.as_deref().unwrap_or(&w.name),
                             "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec},
                             "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Gi"}}, "storageClassName": class}}]},
                    "status": {"availableReplicas": ready, "currentReplicas": replicas, "observedGeneration": w.generation, "readyReplicas": ready, "replicas": replicas, "updatedReplicas": replicas}
                }));
                for (k, pi) in w.pods.iter().enumerate() {
                    let p = &self.pods[*pi];
                    let claim = format!("data-{}", p.name);
                    let claim_uid = rng.uuid();
                    // WaitForFirstConsumer binds where the pod runs; Immediate binds at once, in any zone.
                    let zone = match (binding, p.node) {
                        ("Immediate", _) => Some((w.ns + k) % 3),
                        (_, Some(n)) => Some(self.nodes[n].zone),
                        _ => None,
                    };
                    let mut pvc = json!({
                        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                        "metadata": {"creationTimestamp": ts(w.created), "labels": {"app": w.name}, "name": claim, "namespace": ns, "resourceVersion": rv(rng), "uid": claim_uid},
                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Gi"}}, "storageClassName": class},
                        "status": {"phase": "Pending"}
                    });
                    let Some(zone) = zone else {
                        out.pvcs.push(pvc);
                        continue;
                    };
                    let pv = format!("pvc-{claim_uid}");
                    if let Some(n) = p.node.filter(|_| binding != "Immediate") {
                        pvc["metadata"]["annotations"] =
                            json!({"volume.kubernetes.io/selected-node": self.nodes[n].name});
                    }
                    pvc["spec"]["volumeName"] = pv.clone().into();
                    pvc["status"] = json!({"capacity": {"storage": "20Gi"}, "phase": "Bound"});
                    out.pvcs.push(pvc);
                    out.pvs.push(json!({
                        "apiVersion": "v1", "kind": "PersistentVolume",
                        "metadata": {"creationTimestamp": ts(w.created + 5), "name": pv, "resourceVersion": rv(rng), "uid": rng.uuid()},
                        "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "20Gi"}, "claimRef": {"name": claim, "namespace": ns, "uid": claim_uid},
                                 "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-0{}", rng.hex(16))},
                                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.ebs.csi.aws.com/zone", "operator": "In", "values": [ZONES[zone]]}]}]}},
                                 "persistentVolumeReclaimPolicy": "Delete", "storageClassName": class},
                        "status": {"phase": "Bound"}
                    }));
                }
            }
            WKind::DaemonSet => {
                tpl_labels["controller-revision-hash"] = w.hash.clone().into();
                out.main = Some(json!({
                    "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta,
                    "spec": {"selector": selector, "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec}},
                    "status": {"currentNumberScheduled": replicas, "desiredNumberScheduled": replicas, "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready, "observedGeneration": w.generation, "updatedNumberScheduled": replicas}
                }));
            }
            WKind::Job => {
                out.main = Some(json!({
                    "apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                    "spec": {"backoffLimit": 6, "completions": 1, "parallelism": 1, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": w.uid}}, "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec}},
                    "status": {"completionTime": ts(w.created + 310), "conditions": [{"lastTransitionTime": ts(w.created + 310), "status": "True", "type": "Complete"}], "startTime": ts(w.created), "succeeded": 1}
                }));
            }
        }
        if let Some(svc) = &w.service {
            let port = w.containers[0].port.unwrap_or(8080);
            let headless = w.kind == WKind::StatefulSet;
            let ip = if headless {
                "None".to_owned()
            } else {
                format!("172.20.{}.{}", rng.below(256), 1 + rng.below(254))
            };
            let svc_uid = rng.uuid();
            out.service = Some(json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"creationTimestamp": ts(w.created), "labels": self.labels(w), "name": svc, "namespace": ns, "resourceVersion": rv(rng), "uid": svc_uid},
                "spec": {"clusterIP": ip, "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": port}], "selector": {"app": w.name}, "type": "ClusterIP"}
            }));
            let endpoints: Vec<Value> = w
                .pods
                .iter()
                .map(|pi| &self.pods[*pi])
                .filter_map(|p| {
                    p.node?;
                    let ready = matches!(p.state, State::Running | State::OomRestarted);
                    Some(json!({"addresses": [p.ip], "conditions": {"ready": ready}, "targetRef": {"kind": "Pod", "name": p.name}}))
                })
                .collect();
            out.endpoint_slice = Some(json!({
                "addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "endpoints": endpoints, "kind": "EndpointSlice",
                "metadata": {"labels": {"kubernetes.io/service-name": svc}, "name": format!("{svc}-{}", rng.suffix(5)), "namespace": ns, "ownerReferences": [{"apiVersion": "v1", "controller": true, "kind": "Service", "name": svc, "uid": svc_uid}]},
                "ports": [{"name": "http", "port": port, "protocol": "TCP"}]
            }));
        }
        out
    }

    fn storage_classes(&self) -> Vec<Value> {
        CLASSES
            .iter()
            .map(|(name, binding, default)| {
                let mut meta = json!({"creationTimestamp": ts(-40 * 86400), "name": name, "resourceVersion": "1234"});
                if *default {
                    meta["annotations"] =
                        json!({"storageclass.kubernetes.io/is-default-class": "true"});
                }
                json!({"allowVolumeExpansion": true, "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta, "parameters": {"type": name}, "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete", "volumeBindingMode": binding})
            })
            .collect()
    }

    // ---------------------------------------------------------------- events

    /// Event `k` of the cluster: chosen deterministically from the pods, workloads and nodes.
    /// An event; in the adversarial profile its message runs to about 1 KB
    /// (a kubelet or controller quoting a long error, as they do).
    fn event_of_profile(&self, k: usize, rng: &mut Rng) -> Value {
        let mut e = self.event(k, rng);
        if self.spec.adversarial
            && let Some(Value::String(m)) = e.get_mut("message")
        {
            while m.len() < 1000 {
                m.push_str(" (retrying: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp 10.100.0.10:443: i/o timeout\")");
            }
        }
        e
    }

    fn event(&self, k: usize, rng: &mut Rng) -> Value {
        let p = &self.pods[k * 7919 % self.pods.len().max(1)];
        let w = &self.workloads[p.w];
        let ns = self.namespaces[w.ns].as_str();
        let node = p.node.map(|n| &self.nodes[n]);
        let host = node.map_or("", |n| n.name.as_str());
        let t = NOW - BASE - rng.below(3300) as i64;
        let c = &w.containers[k % w.containers.len()];
        let pod_ref = |field: bool| {
            let mut r = json!({"kind": "Pod", "name": p.name, "namespace": ns, "uid": p.uid});
            if field {
                r["fieldPath"] = format!("spec.containers{{{}}}", c.name).into();
            }
            r
        };
        // A legacy (core/v1) event from a recorder: count, first and last timestamps, source.
        let legacy = |rng: &mut Rng,
                      involved: Value,
                      reason: &str,
                      msg: String,
                      type_: &str,
                      component: &str,
                      count: usize|
         -> Value {
            let name = format!(
                "{}.{}",
                involved["name"].as_str().unwrap_or(""),
                rng.hex(16)
            );
            let mut e = json!({
                "apiVersion": "v1", "count": count, "involvedObject": involved, "kind": "Event", "lastTimestamp": ts(t), "message": msg,
                "metadata": {"name": name, "namespace": involved["namespace"].as_str().unwrap_or("default")},
                "reason": reason, "source": {"component": component}, "type": type_
            });
            // A repeated event tells when it started.
            if count > 1 {
                e["firstTimestamp"] = ts(t - rng.below(3000) as i64).into();
            }
            e
        };
        // An events.k8s.io-written event (the scheduler) as read through core/v1.
        let modern = |rng: &mut Rng,
                      reason: &str,
                      action: &str,
                      msg: String,
                      type_: &str,
                      series: Option<usize>|
         -> Value {
            let mut e = json!({
                "action": action, "apiVersion": "v1", "eventTime": ts_micro(t, rng.next()), "involvedObject": pod_ref(false), "kind": "Event", "message": msg,
                "metadata": {"name": format!("{}.{}", p.name, rng.hex(16)), "namespace": ns},
                "reason": reason, "reportingComponent": "default-scheduler", "type": type_
            });
            if let Some(n) = series {
                e["series"] =
                    json!({"count": n, "lastObservedTime": ts_micro(t + 240, rng.next())});
            }
            e
        };
        let choice = rng.below(100);
        match (p.state, choice) {
            (State::Pending, 0..=79) => {
                if choice < 70 {
                    modern(
                        rng,
                        "FailedScheduling",
                        "Scheduling",
                        unschedulable_message(self.spec.nodes),
                        "Warning",
                        choice.is_multiple_of(3).then_some(2 + k % 30),
                    )
                } else {
                    let nr = json!({"kind": "Pod", "name": p.name, "namespace": ns, "uid": p.uid});
                    legacy(rng, nr, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached, 3 Insufficient cpu".into(), "Normal", "cluster-autoscaler", 1 + k % 40)
                }
            }
            (State::CrashLoop, 0..=59) => legacy(
                rng,
                pod_ref(true),
                "BackOff",
                format!(
                    "Back-off restarting failed container {} in pod {}_{ns}({})",
                    c.name, p.name, p.uid
                ),
                "Warning",
                "kubelet",
                10 + k % 200,
            ),
            (State::ImagePull, 0..=39) => legacy(
                rng,
                pod_ref(true),
                "Failed",
                format!(
                    "Failed to pull image \"{}\": failed to pull and unpack image \"{}\": failed to resolve reference \"{}\": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials",
                    c.image, c.image, c.image
                ),
                "Warning",
                "kubelet",
                5 + k % 20,
            ),
            (State::ImagePull, 40..=79) => legacy(
                rng,
                pod_ref(true),
                "BackOff",
                format!("Back-off pulling image \"{}\"", c.image),
                "Normal",
                "kubelet",
                20 + k % 100,
            ),
            (State::OomRestarted, 0..=49) => legacy(
                rng,
                pod_ref(true),
                "Killing",
                format!(
                    "Container {} failed liveness probe, will be restarted",
                    c.name
                ),
                "Normal",
                "kubelet",
                1 + k % 4,
            ),
            (_, 0..=9) => modern(
                rng,
                "Scheduled",
                "Binding",
                format!("Successfully assigned {ns}/{} to {host}", p.name),
                "Normal",
                None,
            ),
            (_, 10..=19) => legacy(
                rng,
                pod_ref(false),
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
                "Normal",
                "kubelet",
                1,
            ),
            (_, 20..=29) => legacy(
                rng,
                pod_ref(false),
                "Created",
                format!("Created container: {}", c.name),
                "Normal",
                "kubelet",
                1,
            ),
            (_, 30..=39) => legacy(
                rng,
                pod_ref(false),
                "Started",
                format!("Started container {}", c.name),
                "Normal",
                "kubelet",
                1,
            ),
            (_, 40..=54) if c.readiness => legacy(
                rng,
                pod_ref(true),
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503".to_owned(),
                "Warning",
                "kubelet",
                1 + k % 12,
            ),
            (_, 55..=64) if w.kind == WKind::Deployment => {
                let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{}-{}", w.name, w.hash), "namespace": ns, "uid": w.rs_uid});
                legacy(
                    rng,
                    rs,
                    "SuccessfulCreate",
                    format!("Created pod: {}", p.name),
                    "Normal",
                    "replicaset-controller",
                    1,
                )
            }
            (_, 65..=69) if w.kind == WKind::Deployment => {
                let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": w.name, "namespace": ns, "uid": w.uid});
                legacy(
                    rng,
                    d,
                    "ScalingReplicaSet",
                    format!(
                        "Scaled up replica set {}-{} from 0 to {}",
                        w.name, w.hash, w.replicas
                    ),
                    "Normal",
                    "deployment-controller",
                    1,
                )
            }
            (_, 70..=74) if w.kind == WKind::StatefulSet => {
                let s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "name": w.name, "namespace": ns, "uid": w.uid});
                legacy(
                    rng,
                    s,
                    "SuccessfulCreate",
                    format!("create Pod {} in StatefulSet {} successful", p.name, w.name),
                    "Normal",
                    "statefulset-controller",
                    1,
                )
            }
            (_, 75..=79) if node.is_some() => {
                let n = node.map_or(&self.nodes[0], |n| n);
                let nr = json!({"kind": "Node", "name": n.name, "uid": n.name});
                let status = if n.ready { "NodeReady" } else { "NodeNotReady" };
                let mut e = legacy(
                    rng,
                    nr,
                    status,
                    format!("Node {} status is now: {status}", n.name),
                    "Normal",
                    "kubelet",
                    1,
                );
                e["metadata"]["namespace"] = "default".into();
                e
            }
            (_, 80..=86) => {
                // A native events.k8s.io/v1 object (`kubectl get events.events.k8s.io -o json`).
                json!({
                    "action": "Binding", "apiVersion": "events.k8s.io/v1", "eventTime": ts_micro(t, rng.next()), "kind": "Event",
                    "metadata": {"name": format!("{}.{}", p.name, rng.hex(16)), "namespace": ns},
                    "note": format!("Successfully assigned {ns}/{} to {host}", p.name), "reason": "Scheduled", "regarding": pod_ref(false),
                    "reportingController": "default-scheduler", "reportingInstance": "default-scheduler-ip-10-0-0-10", "type": "Normal"
                })
            }
            _ => legacy(
                rng,
                pod_ref(false),
                "Pulling",
                format!("Pulling image \"{}\"", c.image),
                "Normal",
                "kubelet",
                1,
            ),
        }
    }

    // ---------------------------------------------------------------- output

    /// Every object in `kubectl get` order: nodes, namespaces, storage, services, workloads, pods, events.
    fn for_each(&self, mut f: impl FnMut(Value) -> io::Result<()>) -> io::Result<()> {
        let mut rng = Rng(self.spec.seed ^ 0xD1B5_4A32_D192_ED03);
        for n in &self.nodes {
            f(self.node(n, &mut rng))?;
        }
        for i in 0..self.namespaces.len() {
            f(self.namespace(i))?;
        }
        for sc in self.storage_classes() {
            f(sc)?;
        }
        let mut groups: [Vec<Value>; 6] = Default::default();
        for wi in 0..self.workloads.len() {
            let o = self.workload_objects(wi, &mut rng);
            groups[0].extend(o.pvs);
            groups[1].extend(o.pvcs);
            groups[2].extend(o.service);
            groups[3].extend(o.endpoint_slice);
            groups[4].extend(o.main);
            groups[5].extend(o.replica_sets);
        }
        // The adversarial capture has claims and volumes, not controllers,
        // Services or EndpointSlices.
        let kept = if self.spec.adversarial {
            2
        } else {
            groups.len()
        };
        for v in groups.into_iter().take(kept).flatten() {
            f(v)?;
        }
        for p in &self.pods {
            f(self.pod(p, &mut rng))?;
        }
        for k in 0..self.spec.events {
            f(self.event_of_profile(k, &mut rng))?;
        }
        Ok(())
    }

    /// `kubectl get nodes,namespaces,sc,pv,pvc,svc,deploy,sts,ds,jobs,rs,pods,events -A -o json`:
    /// one `List`, keys in kubectl's (sorted) order; `pretty` indents like kubectl.
    pub fn write_list(&self, w: &mut impl Write, pretty: bool) -> io::Result<()> {
        w.write_all(if pretty {
            b"{\n    \"apiVersion\": \"v1\",\n    \"items\": ["
        } else {
            b"{\"apiVersion\":\"v1\",\"items\":["
        })?;
        let mut first = true;
        let mut buf = Vec::new();
        self.for_each(|v| {
            w.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            if pretty {
                buf.clear();
                indented(&mut buf, &v, 2)?;
                w.write_all(&buf)
            } else {
                serde_json::to_writer(&mut *w, &v).map_err(io::Error::other)
            }
        })?;
        w.write_all(if pretty { b"\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n" } else { b"\n],\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"}}\n" })
    }

    /// day2's own snapshot format.
    pub fn write_day2(&self, w: &mut impl Write) -> io::Result<()> {
        let meta = day2_sources::SnapshotMeta {
            captured_at: ts(NOW - BASE),
            context: Some("bench".into()),
            server: Some("https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com".into()),
            namespace: None,
        };
        let mut sw = day2_sources::SnapshotWriter::new(&mut *w, &meta)?;
        self.for_each(|v| sw.item(&v))?;
        sw.finish(&[]).map(drop)
    }

    /// `kubectl cluster-info dump --all-namespaces --output-directory DIR`.
    pub fn write_dump_dir(&self, dir: &Path) -> io::Result<()> {
        let mut sink = DirSink {
            dir: dir.to_owned(),
            cur: None,
        };
        self.write_dump(&mut sink)?;
        if let Some(mut c) = sink.cur.take() {
            c.flush()?;
        }
        Ok(())
    }

    /// `kubectl cluster-info dump --all-namespaces` (stdout): the same documents concatenated, logs between them.
    pub fn write_dump_stdout(&self, w: &mut impl Write) -> io::Result<()> {
        self.write_dump(&mut StreamSink(w))
    }

    fn write_dump(&self, sink: &mut dyn Sink) -> io::Result<()> {
        let mut rng = Rng(self.spec.seed ^ 0xD1B5_4A32_D192_ED03);
        let typed_list = |w: &mut dyn Write, kind: &str, items: &[Value]| -> io::Result<()> {
            write!(
                w,
                "{{\n    \"kind\": \"{kind}\",\n    \"apiVersion\": \"{}\",\n    \"metadata\": {{\n        \"resourceVersion\": \"{}\"\n    }},\n    \"items\": [",
                if kind.starts_with("Deployment")
                    || kind.starts_with("ReplicaSet")
                    || kind.starts_with("DaemonSet")
                {
                    "apps/v1"
                } else {
                    "v1"
                },
                770 + items.len()
            )?;
            let mut buf = Vec::new();
            for (i, v) in items.iter().enumerate() {
                let mut v = v.clone();
                if let Some(o) = v.as_object_mut() {
                    o.remove("kind");
                    o.remove("apiVersion");
                }
                buf.clear();
                indented(&mut buf, &v, 2)?;
                w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                w.write_all(&buf)?;
            }
            w.write_all(if items.is_empty() {
                b"]\n}\n"
            } else {
                b"\n    ]\n}\n"
            })
        };
        let nodes: Vec<Value> = self.nodes.iter().map(|n| self.node(n, &mut rng)).collect();
        typed_list(sink.open("nodes.json")?, "NodeList", &nodes)?;
        drop(nodes);
        let mut events_by_ns: Vec<Vec<usize>> = vec![Vec::new(); self.namespaces.len()];
        for k in 0..self.spec.events {
            let p = &self.pods[k * 7919 % self.pods.len().max(1)];
            events_by_ns[self.workloads[p.w].ns].push(k);
        }
        for (ns_i, ns) in self.namespaces.iter().enumerate() {
            let events: Vec<Value> = events_by_ns[ns_i]
                .iter()
                .map(|k| self.event_of_profile(*k, &mut rng))
                .filter(|e| e["apiVersion"] == "v1")
                .collect();
            typed_list(
                sink.open(&format!("{ns}/events.json"))?,
                "EventList",
                &events,
            )?;
            drop(events);
            typed_list(
                sink.open(&format!("{ns}/replication-controllers.json"))?,
                "ReplicationControllerList",
                &[],
            )?;
            let (mut svcs, mut dss, mut deps, mut rss) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for wi in &self.workloads_by_ns[ns_i] {
                let o = self.workload_objects(*wi, &mut rng);
                svcs.extend(o.service);
                match self.workloads[*wi].kind {
                    WKind::Deployment => deps.extend(o.main),
                    WKind::DaemonSet => dss.extend(o.main),
                    _ => {}
                }
                rss.extend(o.replica_sets);
            }
            typed_list(
                sink.open(&format!("{ns}/services.json"))?,
                "ServiceList",
                &svcs,
            )?;
            typed_list(
                sink.open(&format!("{ns}/daemonsets.json"))?,
                "DaemonSetList",
                &dss,
            )?;
            typed_list(
                sink.open(&format!("{ns}/deployments.json"))?,
                "DeploymentList",
                &deps,
            )?;
            typed_list(
                sink.open(&format!("{ns}/replicasets.json"))?,
                "ReplicaSetList",
                &rss,
            )?;
            let pods: Vec<Value> = self.pods_by_ns[ns_i]
                .iter()
                .map(|p| self.pod(&self.pods[*p], &mut rng))
                .collect();
            typed_list(sink.open(&format!("{ns}/pods.json"))?, "PodList", &pods)?;
            for (pi, pod) in self.pods_by_ns[ns_i].iter().zip(&pods) {
                let p = &self.pods[*pi];
                if p.node.is_none() || pi % 50 != 0 {
                    continue;
                }
                let w = &self.workloads[p.w];
                let out = sink.open(&format!("{ns}/{}/logs.txt", p.name))?;
                for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
                    let cname = c["name"].as_str().unwrap_or("");
                    writeln!(
                        out,
                        "==== START logs for container {cname} of pod {ns}/{} ====",
                        p.name
                    )?;
                    for l in 0..5 {
                        writeln!(
                            out,
                            "{{\"level\":\"info\",\"ts\":\"{}\",\"msg\":\"request served\",\"path\":\"/api/v1/{}\",\"status\":200,\"duration_ms\":{},\"trace_id\":\"{}\"}}",
                            ts(NOW - BASE - 300 + l),
                            w.app,
                            3 + l,
                            rng.hex(32)
                        )?;
                    }
                    writeln!(
                        out,
                        "==== END logs for container {cname} of pod {ns}/{} ====",
                        p.name
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// Where the files of a dump go.
trait Sink {
    fn open(&mut self, name: &str) -> io::Result<&mut dyn Write>;
}

struct DirSink {
    dir: std::path::PathBuf,
    cur: Option<io::BufWriter<std::fs::File>>,
}

impl Sink for DirSink {
    fn open(&mut self, name: &str) -> io::Result<&mut dyn Write> {
        if let Some(mut c) = self.cur.take() {
            c.flush()?;
        }
        let p = self.dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        Ok(self
            .cur
            .insert(io::BufWriter::new(std::fs::File::create(p)?)))
    }
}

struct StreamSink<'a, W: Write>(&'a mut W);

impl<W: Write> Sink for StreamSink<'_, W> {
    fn open(&mut self, _name: &str) -> io::Result<&mut dyn Write> {
        Ok(&mut *self.0)
    }
}

#[derive(Default)]
struct WorkloadObjects {
    main: Option<Value>,
    replica_sets: Vec<Value>,
    service: Option<Value>,
    endpoint_slice: Option<Value>,
    pvcs: Vec<Value>,
    pvs: Vec<Value>,
}

/// Go's `json.MarshalIndent(v, "", "    ")`, nested `depth` levels deep.
fn indented(out: &mut Vec<u8>, v: &Value, depth: usize) -> io::Result<()> {
    let mut tmp = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut tmp,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    serde::Serialize::serialize(v, &mut ser).map_err(io::Error::other)?;
    let pad = "    ".repeat(depth);
    out.extend_from_slice(pad.as_bytes());
    for (i, line) in tmp.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend_from_slice(pad.as_bytes());
        }
        out.extend_from_slice(line);
    }
    Ok(())
}
