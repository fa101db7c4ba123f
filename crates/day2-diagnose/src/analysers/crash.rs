//! Why a container crash-loops or is OOMKilled: the memory limit against the
//! last termination, probes that kill it, and exit codes (the errors it
//! prints are followed in `follow.rs`).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected, Kind};
use day2_model::pod::Pod;
use day2_model::resources::{container_explicit_request, container_limit, format_amount};
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Container;

struct Crash<'a> {
    pod: &'a Res<Pod>,
    container: &'a str,
    exit_code: Option<i32>,
    reason: Option<&'a str>,
    restarts: i32,
}

fn crash<'c, 'd>(d: &'d Detected<'c>) -> Option<Crash<'d>> {
    let pod = d.pod()?;
    match &d.detail {
        Detail::Crash {
            container,
            exit_code,
            reason,
            restarts,
            ..
        } => Some(Crash {
            pod,
            container,
            exit_code: *exit_code,
            reason: reason.as_deref(),
            restarts: *restarts,
        }),
        _ => None,
    }
}

fn termination_link(d: &Detected<'_>, c: &Crash<'_>, what: String) -> Link {
    let at = match &d.detail {
        Detail::Crash { finished, .. } => finished.or(d.since),
        _ => d.since,
    };
    Link::new(Loop::Compute, at, c.pod.objref(), what)
        .with_evidence(d.evidence.iter().rev().take(2).cloned())
}

/// OOMKilled: the container's memory limit, or the node's memory when it has none.
pub fn memory<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(c) = crash(d) else { return vec![] };
    if d.kind != Kind::OomKilled && c.reason != Some("OOMKilled") {
        return vec![];
    }
    if let Some(h) = super::dns_loop::forwarding_loop(a, c.pod, c.container) {
        return vec![h];
    }
    let workload = model::workload_ref(a.cluster, c.pod);
    let spec = model::spec_container(c.pod, c.container);
    let limit = spec.and_then(|s| container_limit(s, "memory"));
    let request = spec.and_then(|s| container_explicit_request(s, "memory"));
    let link = termination_link(
        d,
        &c,
        format!(
            "container {} was OOMKilled (exit code {}), {} restart(s)",
            c.container,
            c.exit_code.unwrap_or(137),
            c.restarts
        ),
    );
    match limit {
        Some(lim) => {
            let suggest = format_amount("memory", lim * 2);
            let heap = spec.and_then(|s| jvm_heap(s, lim));
            let fix = match &heap {
                Some(h) => format!(
                    "{} gives the JVM in container {} a heap of {} of its {} limit, leaving {} for metaspace, thread stacks, code cache and direct buffers: lower the heap (`-XX:MaxRAMPercentage` to 50-60, or a smaller `-Xmx`) or raise the limit of {workload} so heap plus non-heap fits.",
                    h.source,
                    c.container,
                    format_amount("memory", h.bytes),
                    format_amount("memory", lim),
                    format_amount("memory", lim.saturating_sub(h.bytes)),
                ),
                None => format!(
                    "{}Raise the memory limit (and request) of container {} in {workload} to its real peak, e.g. `kubectl set resources {}/{} -c {} --requests=memory={suggest} --limits=memory={suggest}`, or fix the leak; watch `container_memory_working_set_bytes` against the limit.{}",
                    super::memory_setting::nginx_workers(a, c.pod, c.container).unwrap_or_default(),
                    c.container,
                    workload.kind.to_ascii_lowercase(),
                    workload.name,
                    c.container,
                    if spec.is_some_and(looks_like_jvm) {
                        " It runs a JVM with no heap size set: a JVM that reads the node's memory instead of the container's limit (an old JVM, or a kernel and cgroup version it does not understand) sizes its heap past the limit; cap it in its JAVA_OPTS (`-XX:MaxRAM=<limit>`, `-XX:MaxRAMPercentage=60` or `-Xmx`)."
                    } else {
                        ""
                    }
                ),
            };
            let vpa = crate::symptoms::crash_loop::vpa_over_limit(a, c.pod, c.container)
                .map(|(target, _)| format!("; its VerticalPodAutoscaler recommends {}, which the limit does not let it have (a VPA that controls requests only never raises the limit)", format_amount("memory", target)))
                .unwrap_or_default();
            vec![Hypothesis::new(
                86,
                Loop::Compute,
                workload.clone(),
                format!(
                    "container {} reached its memory limit of {} (request {}) and the kernel killed it: the limit is below what it uses{vpa}",
                    c.container,
                    format_amount("memory", lim),
                    request.map(|r| format_amount("memory", r)).unwrap_or_else(|| "unset".into())
                ),
            )
            .fix(fix)
            .link(link)]
        }
        None => {
            let node = model::node_name(c.pod);
            let system_oom = node.and_then(|n| a.cluster.node(n)).map(|n| {
                model::node_events(a.cluster, n)
                    .into_iter()
                    .filter(|e| e.reason == "SystemOOM")
                    .collect::<Vec<_>>()
            });
            let unrequested = node.map(|n| a.capacity().unrequested(n).1).unwrap_or(0);
            let rule = a.findings.any_of(&["CP002", "CP001"], &workload);
            let mut h = Hypothesis::new(
                74,
                Loop::Compute,
                workload.clone(),
                format!(
                    "container {} has no memory limit and was OOMKilled by the node{}: {unrequested} pod(s) on that node have no memory request, so the scheduler overcommitted its memory",
                    c.container,
                    node.map(|n| format!(" {n}")).unwrap_or_default()
                ),
            )
            .rule(rule.map(|f| &*f.rule))
            .fix(format!(
                "Set memory requests and limits on {workload} (and its neighbours) from measured usage so the scheduler's budget matches the node.{}",
                rule.map(|f| format!(" {}", f.fix)).unwrap_or_default()
            ))
            .link(link);
            if let Some(evs) = system_oom.filter(|v| !v.is_empty()) {
                h = h.link(Link::from_event(
                    Loop::Compute,
                    evs[0],
                    "the node's kernel ran out of memory (SystemOOM)",
                ));
            }
            vec![h]
        }
    }
}

/// A container that runs a JVM: a Java options variable in its environment,
/// or an image of a JVM or of a server built on one.
fn looks_like_jvm(c: &k8s_openapi::api::core::v1::Container) -> bool {
    let env = c.env.iter().flatten().any(|e| {
        e.name.starts_with("JAVA_OPTS")
            || e.name == "JAVA_TOOL_OPTIONS"
            || e.name == "_JAVA_OPTIONS"
    });
    let image = c.image.as_deref().unwrap_or("").to_ascii_lowercase();
    env || [
        "openjdk",
        "temurin",
        "/jre",
        "/jdk",
        "keycloak",
        "elasticsearch",
        "kafka",
        "zookeeper",
        "tomcat",
        "jenkins",
        "sonarqube",
        "solr",
    ]
    .iter()
    .any(|m| image.contains(m))
}

/// Exit codes that speak for themselves.
pub fn exit_code<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(c) = crash(d) else { return vec![] };
    let workload = model::workload_ref(a.cluster, c.pod);
    let code = c.exit_code;
    if let Some(h) = init_oom(d, &c, &workload) {
        return vec![h];
    }
    if code == Some(0)
        && let Some(h) = finished_on_its_own(a, d, &c, &workload)
    {
        return vec![h];
    }
    let (score, summary, fix) = match code {
        Some(126 | 127) => (
            78,
            format!("container {} cannot start its command (exit code {}: command not found or not executable in the image)", c.container, code.unwrap_or(127)),
            format!("Fix `command`/`args` of {workload} or the image's entrypoint."),
        ),
        Some(137) => (
            45,
            format!("container {} was killed with SIGKILL (exit code 137) without an OOMKilled reason: an external kill (probe, eviction, node shutdown)", c.container),
            format!("Check the pod's events and the node's for the killer; give {workload} a terminationGracePeriodSeconds it can finish in."),
        ),
        // SIGILL: the binary uses an instruction the node's CPU lacks
        // (MongoDB 5 and later need AVX; bitnami/charts#10255). The
        // hardware is outside the cluster.
        Some(132) => {
            let node = model::node_name(c.pod).unwrap_or("its node");
            return vec![
                Hypothesis::new(
                    76,
                    Loop::Compute,
                    workload.clone(),
                    format!("container {} dies of SIGILL (exit code 132, Illegal instruction): its binary uses a CPU instruction set that node {node}'s processor does not have (AVX for MongoDB 5 and later, for instance)", c.container),
                )
                .fix(format!("Run {workload} on nodes whose CPU has the instruction set the image needs (`grep -o -w avx /proc/cpuinfo` on the node; on a VM, a CPU model that passes AVX through), or use an image release built without it (MongoDB 4.4)."))
                .missing(format!("node {node}'s CPU flags"))
                .link(termination_link(d, &c, format!("container {} terminated with exit code 132", c.container)))
                .unexplained(),
            ];
        }
        Some(139) => (
            60,
            format!("container {} crashes with a segmentation fault (exit code 139)", c.container),
            "Check the image's architecture matches the node (arm64 vs amd64) and the app's native dependencies.".into(),
        ),
        Some(n) if let Some(h) = super::kernel_build::missing(a, c.pod, c.container, words(a, c.pod, c.container)) => {
            return vec![h.link(termination_link(d, &c, format!("container {} exits with code {n}", c.container)))];
        }
        Some(n) => {
            // The application's own words, when it left any: the line that
            // says why, as `kubectl logs --previous` would show it.
            let said = words(a, c.pod, c.container)
                .find_map(crate::messages::said::decisive)
                .map(|l| crate::messages::said::quote(&day2_model::redact::redact(&l), 300));
            let (why, first) = match &said {
                Some(l) if let Some(s) = crate::messages::setting::missing(l) => (format!(": `{l}`"), format!("It says `{l}`: set `{s}` for container {} of {workload}, as the program reads it (the flag `--{s}`, the environment variable `{}`, or the chart value that renders them). ", c.container, crate::messages::setting::env_name(&s))),
                Some(l) => (format!(": `{l}`"), format!("It says `{l}`: that names what to change (a dependency, a setting, a version). ")),
                None => ("; its logs say why".to_owned(), String::new()),
            };
            (
                35,
                format!("container {} exits with code {n} (reason {}): the application fails at start-up{why}", c.container, c.reason.unwrap_or("Error")),
                format!("{first}Read the previous run's log: `kubectl logs -n {} {} -c {} --previous`; common causes are missing configuration, an unreachable dependency, or refused credentials.", c.pod.ns_or_default(), c.pod.name(), c.container),
            )
        }
        None => return vec![],
    };
    let silent = matches!(code, Some(n) if !matches!(n, 126 | 127 | 137 | 139))
        && !left_words(a, c.pod, c.container);
    let mut h = Hypothesis::new(score, Loop::Compute, workload, summary)
        .fix(fix)
        .link(termination_link(
            d,
            &c,
            format!(
                "container {} terminated with exit code {}",
                c.container,
                code.unwrap_or(0)
            ),
        ));
    if a.cluster.logs.is_empty() && score < 70 {
        h = h.missing("container logs (a `kubectl cluster-info dump` carries them; a `kubectl get` snapshot does not)");
    }
    let generic = matches!(code, Some(n) if !matches!(n, 126 | 127 | 137 | 139));
    if generic && let Some(role) = model::infra_role(a.cluster, c.pod) {
        // The cluster's own plumbing: whatever stops it, its loop is down,
        // and its own log is the first thing to read.
        let check = role
            .check
            .replace("{ns}", c.pod.ns_or_default())
            .replace("{pod}", c.pod.name());
        h.root.loop_ = role.loop_;
        h.root.summary = format!(
            "{} is down: container {} of {} exits with code {}",
            role.what,
            c.container,
            c.pod.name(),
            code.unwrap_or(0)
        );
        h.fix = format!("Bring {} back: {check}", role.what);
        return vec![h];
    }
    if silent {
        // An exit code that says nothing, and no word from the container:
        // nothing in the input explains the crash, so no loop is guessed.
        // A container that trades a projected token for cloud credentials
        // fails that way when the exchange is refused; what to check then
        // lives in the cloud account.
        if let Some(check) = cloud_identity(a, c.pod, c.container) {
            h.fix = format!("{} {check}", h.fix);
        }
        h = h.unexplained();
    }
    vec![h]
}

/// A container that exits 0 and is started again: under `restartPolicy:
/// Always` the kubelet restarts a program that finished, and backs off as
/// for a crash (`CrashLoopBackOff` with `reason: Completed`). Nothing failed:
/// the command ran to its end, so what it was told to run (a run count, a
/// one-off script, a daemon that forks into the background) is the cause. A
/// liveness probe that killed it (a program that stops cleanly on SIGTERM
/// also exits 0) is the probe's diagnosis, not this one.
fn finished_on_its_own(
    a: &Analysis<'_>,
    d: &Detected<'_>,
    c: &Crash<'_>,
    workload: &day2_model::ObjRef,
) -> Option<Hypothesis> {
    let spec = c.pod.spec.as_ref()?;
    if spec
        .restart_policy
        .as_deref()
        .is_some_and(|p| p != "Always")
    {
        return None;
    }
    use crate::messages::probe::{ProbeKind, parse_killing, parse_unhealthy};
    let killed = a.cluster.events_for_obj(c.pod).iter().any(|e| {
        parse_unhealthy(&e.message).is_some_and(|p| p.kind != ProbeKind::Readiness)
            || parse_killing(&e.message).is_some()
    });
    if killed {
        return None;
    }
    let cont = spec.containers.iter().find(|x| x.name == c.container)?;
    let words = model::command_line(cont)
        .map(String::as_str)
        .collect::<Vec<&str>>();
    let line = day2_model::text::clip(&words.join(" "), 240).into_owned();
    let runs = if line.is_empty() {
        format!(
            "the image's default command (`{}`)",
            cont.image.as_deref().unwrap_or("?")
        )
    } else {
        format!("`{line}`")
    };
    Some(
        Hypothesis::new(
            66,
            Loop::Compute,
            workload.clone(),
            format!(
                "container {} exits with code 0 (reason {}) and is started again: its command runs to its end instead of staying in the foreground, and restartPolicy Always restarts it into CrashLoopBackOff",
                c.container,
                c.reason.unwrap_or("Completed")
            ),
        )
        .fix(format!(
            "Make container {} of {workload} run until it is stopped: it runs {runs}; drop the option that ends it (a run count, `-n`, a one-shot flag) or keep the process in the foreground (not daemonised). Work that should finish belongs in a Job.",
            c.container
        ))
        .link(termination_link(
            d,
            c,
            format!("container {} finished with exit code 0", c.container),
        )),
    )
}

/// runc's own init, killed by the container's memory cgroup before the
/// program starts: `container init was OOM-killed (memory limit too low?)`
/// (runc 1.1+), or, before that wording, the init pipe cut while runc waits
/// for it (`read init-p: connection reset by peer`) under a limit of a few
/// MiB. The kubelet reports StartError with exit code 128, and the program
/// never ran, so its own memory use is not the question: the limit is.
fn init_oom(d: &Detected<'_>, c: &Crash<'_>, workload: &day2_model::ObjRef) -> Option<Hypothesis> {
    let message = model::container_statuses(c.pod)
        .filter(|cs| cs.name == c.container)
        .flat_map(|cs| [cs.last_state.as_deref(), cs.state.as_deref()])
        .flatten()
        .filter_map(|s| s.terminated.as_ref())
        .filter_map(|t| t.message.as_deref())
        .next()?;
    let said_oom = message.contains("init was OOM-killed");
    let cut = message.contains("init-p") && message.contains("connection reset by peer");
    let limit =
        model::spec_container(c.pod, c.container).and_then(|k| container_limit(k, "memory"));
    // A pipe cut is runc's init dying for any reason; under a limit this
    // small, the memory cgroup is the reason.
    let tiny = limit.is_some_and(|l| l < 16 * 1024 * 1024);
    if !(said_oom || (cut && tiny)) {
        return None;
    }
    let shown = limit
        .map(|l| format!("its memory limit ({})", format_amount("memory", l)))
        .unwrap_or_else(|| "its memory limit".to_owned());
    Some(
        Hypothesis::new(
            86,
            Loop::Compute,
            workload.clone(),
            format!(
                "container {} never starts: the container runtime's init process is killed by {shown} before the program runs (StartError, exit code 128: `{}`)",
                c.container,
                day2_model::redact::excerpt(
                    message
                        .rsplit_once("runc create failed: ")
                        .map_or(message, |(_, r)| r),
                    140
                )
            ),
        )
        .fix(format!(
            "Raise `resources.limits.memory` of container {} in {workload} to what the program needs (runc's init alone needs several MiB; most programs need tens to hundreds), and its request with it.",
            c.container
        ))
        .link(termination_link(
            d,
            c,
            format!("container {} failed to start (StartError)", c.container),
        )),
    )
}

/// The heap a JVM's flags claim and where they are set.
struct JvmHeap {
    /// `JAVA_TOOL_OPTIONS sets -XX:MaxRAMPercentage=80`, `args set -Xmx2g`.
    source: String,
    bytes: i64,
}

/// The environment variables the JVM launcher reads its flags from
/// (`JAVA_TOOL_OPTIONS`, `JDK_JAVA_OPTIONS`: the HotSpot launcher;
/// `JAVA_OPTS`: the start scripts of Tomcat, Spring Boot and most images).
const JVM_OPTION_VARS: [&str; 4] = [
    "JAVA_TOOL_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "JAVA_OPTS",
    "_JAVA_OPTIONS",
];

/// The heap a container's JVM flags size when it leaves less than a
/// quarter of the memory limit to the JVM's non-heap memory (metaspace,
/// thread stacks, code cache, GC structures, direct buffers): `-Xmx`, or
/// `-XX:MaxRAMPercentage` of the cgroup limit the JVM detects (JDK 10+).
fn jvm_heap(c: &Container, limit: i64) -> Option<JvmHeap> {
    let env = c.env.iter().flatten().filter_map(|e| {
        let v = e.value.as_deref()?;
        JVM_OPTION_VARS
            .contains(&e.name.as_str())
            .then(|| (e.name.clone(), v))
    });
    let argv = c
        .command
        .iter()
        .chain(c.args.iter())
        .flatten()
        .map(|a| ("the container's command".to_owned(), a.as_str()));
    let mut found = None;
    for (from, text) in env.chain(argv) {
        for flag in text.split_whitespace() {
            let bytes = if let Some(size) = flag.strip_prefix("-Xmx") {
                jvm_size(size)
            } else if let Some(pct) = flag.strip_prefix("-XX:MaxRAMPercentage=") {
                pct.parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .map(|p| (limit as f64 * p / 100.0) as i64)
            } else {
                None
            };
            // The last flag wins, as the JVM reads them.
            if let Some(bytes) = bytes {
                found = Some(JvmHeap {
                    source: format!("{from} sets {flag}, which"),
                    bytes,
                });
            }
        }
    }
    found.filter(|h| h.bytes * 4 > limit * 3)
}

/// A JVM size (`2g`, `512m`, `1024k`, bytes).
fn jvm_size(s: &str) -> Option<i64> {
    let (num, unit) = match s.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&s[..i], c.to_ascii_lowercase()),
        _ => (s, 'b'),
    };
    let n: i64 = num.parse().ok()?;
    let mult = match unit {
        'b' => 1,
        'k' => 1 << 10,
        'm' => 1 << 20,
        'g' => 1 << 30,
        't' => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// The zones the cluster DNS serves Services under: the `kubernetes`
/// plugin's zones in a Corefile held by a ConfigMap in kube-system (the
/// cluster domain, `cluster.local` unless the cluster was built with
/// another), with that ConfigMap. `None` when the input holds no Corefile.
pub(super) fn served_domains<'c>(
    a: &Analysis<'c>,
) -> Option<(&'c Res<k8s_openapi::api::core::v1::ConfigMap>, Vec<String>)> {
    a.cluster.config_maps.iter().find_map(|cm| {
        if cm.ns_or_default() != "kube-system" {
            return None;
        }
        let corefile = cm.data.as_ref()?.get("Corefile")?;
        let zones: Vec<String> = corefile
            .lines()
            .map(str::trim)
            .filter_map(|l| l.strip_prefix("kubernetes "))
            .flat_map(|rest| rest.trim_end_matches('{').split_whitespace())
            .filter(|z| !z.ends_with(".arpa") && !z.ends_with(".arpa."))
            .map(|z| z.trim_end_matches('.').to_owned())
            .collect();
        (!zones.is_empty()).then_some((cm, zones))
    })
}

/// The domain of a Service name in `text` (`x.ns.svc.<domain>`), if any.
fn svc_domain(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once(".svc.")?;
    let end = rest
        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-' || ch == '.'))
        .unwrap_or(rest.len());
    let d = rest[..end].trim_end_matches('.');
    d.contains('.').then_some(d)
}

/// A crash-looping container that addresses Services (its peers, its
/// dependencies) under a cluster domain the cluster DNS does not serve:
/// `x.ns.svc.cluster.local` on a cluster whose CoreDNS serves
/// `cluster.lab`. Nothing of that name resolves, whatever the application
/// logs; the domain the workload was configured with is the fix.
pub fn cluster_domain<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(c) = crash(d) else { return vec![] };
    let Some(ct) = model::spec_container(c.pod, c.container) else {
        return vec![];
    };
    let ns = c.pod.ns_or_default();
    let env = a.references().env(ns, ct);
    let named: Vec<(String, &str)> = env
        .iter()
        .map(|e| (format!("env {}", e.name), e.value.as_str()))
        .chain(
            ct.command
                .iter()
                .flatten()
                .chain(ct.args.iter().flatten())
                .map(|x| ("its command".to_owned(), x.as_str())),
        )
        .filter_map(|(w, v)| Some((w, svc_domain(v)?)))
        .collect();
    if named.is_empty() {
        return vec![];
    }
    let Some((cm, zones)) = served_domains(a) else {
        return vec![];
    };
    let Some((source, domain)) = named
        .into_iter()
        .find(|(_, dom)| !zones.iter().any(|z| z == dom))
    else {
        return vec![];
    };
    let workload = model::workload_ref(a.cluster, c.pod);
    let served = zones.join(", ");
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            workload.clone(),
            format!(
                "container {} addresses Services under the cluster domain {domain} ({source}), but the cluster DNS serves {served} (Corefile of ConfigMap {}/{}): those names do not resolve, so it fails at start-up",
                c.container,
                cm.ns_or_default(),
                cm.name()
            ),
        )
        .fix(format!(
            "Configure {workload} with the cluster's domain, {served}: set the chart's or application's cluster domain (`clusterDomain`) to it instead of {domain}, or use names without the domain (`<service>.<namespace>.svc`), which the pods' DNS search path completes."
        ))
        .link(Link::new(
            Loop::Network,
            None,
            cm.objref(),
            format!("the cluster DNS serves Services under {served}, not {domain}"),
        ))
        .link(termination_link(
            d,
            &c,
            format!(
                "container {} terminated with exit code {}",
                c.container,
                c.exit_code.unwrap_or(0)
            ),
        )),
    ]
}

/// The termination messages container `container` of `pod` left, the last
/// run's first.
fn termination_messages<'a>(
    pod: &'a Res<Pod>,
    container: &'a str,
) -> impl Iterator<Item = &'a str> {
    model::container_statuses(pod)
        .filter(move |c| c.name == container)
        .flat_map(|cs| [cs.last_state.as_deref(), cs.state.as_deref()])
        .flatten()
        .filter_map(|st| st.terminated.as_ref()?.message.as_deref())
}

/// The input's log entries of container `container` of `pod`.
fn logs<'a>(
    a: &'a Analysis<'_>,
    pod: &'a Res<Pod>,
    container: &'a str,
) -> impl Iterator<Item = &'a day2_model::PodLog> {
    let of_pod = a.references().logs.get(&(pod.ns_or_default(), pod.name()));
    of_pod
        .into_iter()
        .flatten()
        .copied()
        .filter(move |l| l.container.as_deref().is_none_or(|c| c == container))
}

/// What a container said as it stopped: its termination messages (the last
/// run's first), then its logs when the input carries them.
fn words<'a>(
    a: &'a Analysis<'_>,
    pod: &'a Res<Pod>,
    container: &'a str,
) -> impl Iterator<Item = &'a str> {
    termination_messages(pod, container).chain(logs(a, pod, container).map(|l| l.text.as_str()))
}

/// Whether the container left any words: a termination message, or log
/// lines in the input.
fn left_words(a: &Analysis<'_>, pod: &Res<Pod>, container: &str) -> bool {
    termination_messages(pod, container).any(|m| !m.trim().is_empty())
        || logs(a, pod, container).next().is_some()
}

/// What to check in the cloud account when the container assumes a cloud
/// identity through a projected token: IRSA (`AWS_WEB_IDENTITY_TOKEN_FILE`,
/// a ServiceAccount's `eks.amazonaws.com/role-arn`), Azure workload
/// identity, GKE workload identity.
fn cloud_identity(a: &Analysis<'_>, pod: &Res<Pod>, container: &str) -> Option<String> {
    let ns = pod.ns_or_default();
    let spec = pod.spec.as_ref()?;
    let ct = model::spec_container(pod, container)?;
    let env = |name: &str| ct.env.iter().flatten().any(|e| e.name == name);
    let sa_name = day2_model::pod::service_account(spec);
    let sa = a.service_account(ns, sa_name);
    let annotation = |key: &str| {
        sa.and_then(|s| s.metadata.annotations.as_ref())
            .and_then(|m| m.get(key))
            .cloned()
    };
    if env("AWS_WEB_IDENTITY_TOKEN_FILE")
        || annotation(day2_model::cloud::AWS_ROLE_ANNOTATION).is_some()
    {
        let role = annotation(day2_model::cloud::AWS_ROLE_ANNOTATION)
            .map(|r| format!(" {r}"))
            .unwrap_or_default();
        return Some(format!(
            "It assumes the IAM role{role} with the pod's web identity token (IRSA): if the log shows `WebIdentityErr`, check that the AWS account has an IAM OIDC identity provider (OpenID Connect) for the cluster's issuer URL and that the role's trust policy allows `sts:AssumeRoleWithWebIdentity` for `system:serviceaccount:{ns}:{}`.",
            sa_name
        ));
    }
    if env("AZURE_FEDERATED_TOKEN_FILE")
        || annotation(day2_model::cloud::AZURE_CLIENT_ANNOTATION).is_some()
    {
        return Some("It signs in with Azure workload identity: check the managed identity's federated credential (issuer = the cluster's OIDC issuer, subject = the ServiceAccount).".to_owned());
    }
    if annotation(day2_model::cloud::GKE_GSA_ANNOTATION).is_some() {
        return Some("It uses GKE workload identity: check the Google service account's `roles/iam.workloadIdentityUser` binding for the Kubernetes ServiceAccount.".to_owned());
    }
    None
}
