//! ID015: containers that add dangerous Linux capabilities or keep the default set.

use crate::reads;
use crate::util::container_security;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID015",
    name: "dangerous-capabilities",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "Container adds a dangerous capability (SYS_ADMIN, NET_ADMIN, ALL, …), or does not drop the default set",
    law: law::IDENTITY,
    rationale: "Capabilities are slices of root. `SYS_ADMIN` is nearly all of it (mounts, namespaces, BPF), \
`NET_ADMIN` rewrites the node's routing and iptables, `SYS_PTRACE` reads other processes' memory, \
`SYS_MODULE` loads kernel code; adding any of them (or `ALL`) is high. Containers that do not drop \
`ALL` keep the runtime's default set, which includes `NET_RAW` (packet spoofing, ARP poisoning of \
neighbours on the node) and `CHOWN`/`SETUID`/`SETGID`; that is low. Names are compared without the \
`CAP_` prefix and case-insensitively, as the runtimes do.\n\n**Differs from peers.** Checkov \
CKV_K8S_25 fails any added capability; `NET_BIND_SERVICE` after `drop: [ALL]` passes here. \
KubeLinter `drop-net-raw-capability` and Checkov CKV_K8S_28 pass a container that drops `NET_RAW` \
alone; day2 asks for `drop: [ALL]`.",
    fix: Fix::generic(
        "Set `securityContext.capabilities.drop: [ALL]` on every container and add back only what the process needs (usually nothing, sometimes `NET_BIND_SERVICE`).",
    ),
    sources: "Same on every source (pod templates of every workload). Windows pods are skipped.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID015/fire.yaml"),
        silent: include_str!("../../fixtures/ID015/silent.yaml"),
    },
    peers: &[
        "KubeLinter drop-net-raw-capability",
        "Polaris dangerousCapabilities, insecureCapabilities",
        "Checkov CKV_K8S_25, CKV_K8S_28, CKV_K8S_37, CKV_K8S_39",
        "Kubescape C-0046",
    ],
};

const DANGEROUS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "DAC_READ_SEARCH",
    "DAC_OVERRIDE",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "SYSLOG",
    "SETFCAP",
];

fn cap(s: &str) -> String {
    let u = s.trim().to_ascii_uppercase();
    u.strip_prefix("CAP_").map(str::to_owned).unwrap_or(u)
}

pub struct DangerousCapabilities;

impl Rule for DangerousCapabilities {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            let mut parts = Vec::new();
            let mut worst: Option<(Severity, String)> = None;
            for (c, sc) in container_security(w.spec) {
                if sc.privileged == Some(true) {
                    continue; // ID011
                }
                let caps = sc.capabilities;
                let added: Vec<String> = caps
                    .and_then(|c| c.add.as_ref())
                    .into_iter()
                    .flatten()
                    .map(|s| cap(s))
                    .filter(|s| DANGEROUS.contains(&s.as_str()))
                    .collect();
                let drops_all = caps
                    .and_then(|c| c.drop.as_ref())
                    .is_some_and(|d| d.iter().any(|s| cap(s) == "ALL"));
                let who = format!("{} `{}`", c.role(), c.c.name);
                let (what, sev) = if !added.is_empty() {
                    (format!("{who} adds {}", added.join(", ")), Severity::High)
                } else if !drops_all {
                    (
                        format!(
                            "{who} keeps the default capabilities (NET_RAW, SETUID, …): no `drop: [ALL]`"
                        ),
                        Severity::Low,
                    )
                } else {
                    continue;
                };
                parts.push(what);
                if worst.as_ref().is_none_or(|(s, _)| sev > *s) {
                    worst = Some((sev, c.pointer.clone()));
                }
            }
            if let Some((sev, pointer)) = worst {
                sink.report_with(
                    Target::workload(&w),
                    parts.join("; "),
                    Some(&w.ptr(&format!("{pointer}/securityContext/capabilities"))),
                    None,
                    Some(sev),
                );
            }
        }
    }
}
