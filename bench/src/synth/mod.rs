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
}

#[derive(Default)]
pub(super) struct WorkloadObjects {
    pub(super) main: Option<Value>,
    pub(super) replica_sets: Vec<Value>,
    pub(super) service: Option<Value>,
    pub(super) endpoint_slice: Option<Value>,
    pub(super) pvcs: Vec<Value>,
    pub(super) pvs: Vec<Value>,
}

mod objects;
mod write;
