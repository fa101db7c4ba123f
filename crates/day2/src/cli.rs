//! Command-line interface: every command, flag and example.

use clap::{Args, Parser, Subcommand, ValueEnum};
use day2_render::Format;
use std::path::PathBuf;

const ABOUT: &str = "Kubernetes Day-2 operations as software.

day2 reads a cluster — manifests on disk, an offline snapshot, or the live API — and answers two \
questions: is this cluster ready for Day 2 (every law of the four control loops as a check, rolled \
up into the Cluster Readiness Checklist), and what is the real cause of this incident (a symptom in \
one loop traced to its cause in another, as a time-ordered chain with evidence and a fix).";

const AFTER: &str = "Examples:
  day2 demo                                   the whole pipeline on a bundled example incident
  day2 audit k8s/                             check manifests in a folder
  helm template my-chart | day2 audit -       check rendered chart output
  day2 diagnose --snapshot snapshot.json.gz   diagnose an offline snapshot
  day2 diagnose -n shop                       diagnose the current kubeconfig context
  day2 explain pod db/postgres-0 --snapshot s.json
  day2 rules                                  the rule catalogue

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad usage or unreadable input.";

#[derive(Parser, Debug)]
#[command(name = "day2", version, about = ABOUT, after_help = AFTER, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole pipeline on the bundled example cluster (the seed's domino incident); exits 0 unless --fail-on is given.
    #[command(
        after_help = "Examples:\n  day2 demo\n  day2 demo -o markdown > demo.md\n  day2 demo -o json | jq '.diagnoses[0].root_cause'"
    )]
    Demo(DemoArgs),

    /// Static checks on manifests: files, folders (recursive), stdin `-`; or the live cluster when no path is given.
    #[command(
        after_help = "Examples:\n  day2 audit deploy/ charts/rendered.yaml\n  kustomize build overlays/prod | day2 audit -\n  day2 audit k8s/ -o sarif > day2.sarif        (upload to code scanning)\n  day2 audit k8s/ -o junit > day2-junit.xml\n  day2 audit k8s/ --fail-on critical\n  day2 audit --context prod                      (live cluster, read-only)"
    )]
    Audit(AuditArgs),

    /// Everything: checks, symptoms, cross-loop diagnoses, timeline and checklist, on a snapshot or the live cluster.
    #[command(
        after_help = "Examples:\n  day2 diagnose --snapshot snapshot.json.gz\n  day2 diagnose --snapshot dump-dir/ --snapshot extra-pvs.json\n  kubectl cluster-info dump -A | day2 diagnose --snapshot -\n  day2 diagnose --context prod -n payments\n  day2 diagnose --snapshot s.json -o markdown > incident.md"
    )]
    Diagnose(DiagnoseArgs),

    /// Scheduler simulation for one pod: every node and why it does or does not fit.
    #[command(
        after_help = "Examples:\n  day2 explain pod db/postgres-0 --snapshot snapshot.json\n  day2 explain pod shop/web-7d9f-abcde -o json\n  day2 explain pod db/postgres-0 --snapshot s.json --add-node cpu=8,memory=32Gi,zone=us-east-1a\n  day2 explain fragmentation --snapshot s.json"
    )]
    Explain(ExplainArgs),

    /// Capture a live cluster, read-only, into one file that --snapshot reads (Secret values never stored).
    #[command(
        after_help = "Examples:\n  day2 snapshot -o snapshot.json.gz\n  day2 snapshot --context prod -n shop -o shop.json"
    )]
    Snapshot(SnapshotArgs),

    /// Golden-rule coverage of log lines: trace_id, pod_name, node_name, namespace, zone.
    #[command(
        after_help = "Examples:\n  day2 logs app.log\n  kubectl logs deploy/checkout | day2 logs -\n  day2 logs /var/log/containers/ --fail-under 95\n  day2 logs dump-dir/ -o json"
    )]
    Logs(LogsArgs),

    /// The rule catalogue.
    #[command(
        after_help = "Examples:\n  day2 rules\n  day2 rules --loop storage\n  day2 rules -o json"
    )]
    Rules(RulesArgs),

    /// One rule's documentation: what it checks, why, an example and the fix per cloud.
    #[command(
        after_help = "Examples:\n  day2 rule ST001\n  day2 rule immediate-binding-zonal-storage"
    )]
    Rule(RuleArgs),

    /// In-cluster: watch every kind day2 reads, re-evaluate on change, serve /metrics, /healthz, /readyz; optionally write PolicyReports, openreports.io Reports and Events.
    #[command(
        after_help = "Examples:\n  day2 agent                                   (in a pod: in-cluster config, read-only)\n  day2 agent --context prod --listen 127.0.0.1:9090\n  day2 agent --policy-reports --events --leader-elect\n  day2 agent --open-reports                    (openreports.io Report/ClusterReport)\n  day2 agent --replay /tmp/c150k.json          (measure: replay a snapshot through the agent's store)"
    )]
    Agent(AgentArgs),

    /// Shell completions (bash, zsh, fish, powershell, elvish) on stdout.
    #[command(
        after_help = "Examples:\n  day2 completions bash > /etc/bash_completion.d/day2\n  day2 completions zsh > \"${fpath[1]}/_day2\""
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Write man pages (day2.1 and one per command) into a folder.
    #[command(after_help = "Examples:\n  day2 man --out-dir target/man && man target/man/day2.1")]
    Man {
        #[arg(long, default_value = ".")]
        out_dir: PathBuf,
    },
}

/// Output, thresholds and configuration shared by the report commands.
#[derive(Args, Debug, Clone)]
pub struct ReportOpts {
    /// Output format. Default: text.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub output: Format,

    /// Exit 1 when a finding (or diagnosis) is at or above this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Configuration file (default: .day2.yaml in this folder or a parent).
    #[arg(long)]
    pub config: Option<PathBuf>,

    /// Cloud for remediation text (default: detected from nodes, StorageClasses, ServiceAccounts).
    #[arg(long, value_enum)]
    pub cloud: Option<CloudArg>,

    /// Kubernetes version the manifests must work on, e.g. 1.31: objects with API versions it no
    /// longer serves are reported (CP016). Default: the cluster's version, else the latest.
    #[arg(long, value_parser = parse_kube_version)]
    pub kube_version: Option<day2_rules::KubeVersion>,

    /// Show every finding (text output collapses long lists).
    #[arg(short, long)]
    pub verbose: bool,

    /// Print a GitHub Actions job summary (compact Markdown for
    /// $GITHUB_STEP_SUMMARY) instead of the `-o` format.
    #[arg(long)]
    pub summary: bool,
}

fn parse_kube_version(s: &str) -> Result<day2_rules::KubeVersion, String> {
    day2_rules::KubeVersion::parse(s).ok_or_else(|| format!("`{s}` is not a version like 1.31"))
}

#[derive(Args, Debug, Clone, Default)]
pub struct LiveOpts {
    /// Kubeconfig file (default: $KUBECONFIG or ~/.kube/config; in-cluster config inside a pod).
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context (default: the current context).
    #[arg(long)]
    pub context: Option<String>,
    /// Only this namespace (default: all namespaces).
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30)]
    pub request_timeout: u64,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub report: ReportOpts,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Files or folders of manifests (.yaml, .yml, .json), or `-` for stdin. None: the live cluster.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportOpts,
    #[command(flatten)]
    pub live: LiveOpts,
}

#[derive(Args, Debug)]
pub struct DiagnoseArgs {
    /// A snapshot: `kubectl get -o json` output, YAML documents, a folder, a `kubectl cluster-info dump`
    /// (folder or stdout form), a day2 snapshot (.gz ok), or `-`. Repeat to combine. None: the live cluster.
    #[arg(long, short = 's')]
    pub snapshot: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportOpts,
    #[command(flatten)]
    pub live: LiveOpts,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    #[command(subcommand)]
    pub what: ExplainWhat,
}

#[derive(Subcommand, Debug)]
pub enum ExplainWhat {
    /// Why a pod fits or does not fit each node.
    Pod(ExplainPodArgs),
    /// Free capacity in total vs the largest single-node block, per resource, and what each Pending pod needs.
    Fragmentation(ExplainFragArgs),
}

#[derive(Args, Debug)]
pub struct ExplainPodArgs {
    /// The pod, as NAMESPACE/NAME (or NAME with -n NAMESPACE; default namespace `default`).
    pub pod: String,
    /// Snapshot file(s) or folder(s) to read instead of the live cluster.
    #[arg(long, short = 's')]
    pub snapshot: Vec<PathBuf>,
    /// Use the bundled demo cluster (try `day2 explain pod db/postgres-0 --demo`).
    #[arg(long, conflicts_with = "snapshot")]
    pub demo: bool,
    /// List every node in text output (default: grouped when there are many).
    #[arg(long)]
    pub all_nodes: bool,
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    pub output: ExplainFormat,
    /// What if a node of this shape existed: `cpu=8,memory=32Gi,pods=110,zone=us-east-1a[,count=N][,label=k=v][,taint=k=v:NoSchedule]`. Repeatable.
    #[arg(long)]
    pub add_node: Vec<String>,
    /// What if the pod requested this instead: `cpu=500m,memory=1Gi`.
    #[arg(long)]
    pub requests: Option<String>,
    #[command(flatten)]
    pub live: LiveOpts,
}

#[derive(Args, Debug)]
pub struct ExplainFragArgs {
    /// Snapshot file(s) or folder(s) to read instead of the live cluster.
    #[arg(long, short = 's')]
    pub snapshot: Vec<PathBuf>,
    /// Use the bundled demo cluster.
    #[arg(long, conflicts_with = "snapshot")]
    pub demo: bool,
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    pub output: ExplainFormat,
    /// What if nodes of this shape existed (same syntax as `explain pod --add-node`). Repeatable.
    #[arg(long)]
    pub add_node: Vec<String>,
    #[command(flatten)]
    pub live: LiveOpts,
}

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// Output file; `.gz` compresses.
    #[arg(short, long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub live: LiveOpts,
}

#[derive(Args, Debug)]
pub struct AgentArgs {
    /// Address of /metrics, /healthz and /readyz.
    #[arg(long, default_value = "0.0.0.0:9090")]
    pub listen: std::net::SocketAddr,
    /// Write wgpolicyk8s.io/v1alpha2 PolicyReports (one per namespace with findings, and a
    /// ClusterPolicyReport), server-side applied, deleted when their findings go away.
    #[arg(long)]
    pub policy_reports: bool,
    /// Write openreports.io/v1alpha1 Reports (one per namespace with findings, and a
    /// ClusterReport) from the same results, server-side applied, deleted when their findings
    /// go away. Combines with --policy-reports to write both.
    #[arg(long)]
    pub open_reports: bool,
    /// Post a Kubernetes Event on the affected object when a new diagnosis appears.
    #[arg(long)]
    pub events: bool,
    /// Write only while holding the Lease `day2-agent` (run several replicas; all serve metrics).
    #[arg(long)]
    pub leader_elect: bool,
    /// Namespace of the leader Lease.
    #[arg(long, env = "POD_NAMESPACE", default_value = "default")]
    pub namespace: String,
    /// Longest time, in seconds, a change waits for its re-evaluation.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub interval: u64,
    /// Quiet time, in seconds (fractions allowed), after the last change before re-evaluating.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.2, value_parser = parse_seconds)]
    pub debounce: f64,
    /// Largest share of one core, in percent, that evaluations may take while the cluster keeps
    /// changing: after an evaluation that took t, the next starts no sooner than
    /// t × (100 / PERCENT − 1) after it.
    #[arg(long, value_name = "PERCENT", default_value_t = 25, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub max_busy: u8,
    /// Do not watch this kind (repeatable), e.g. `--skip-kind Secret` when the agent's role
    /// may not read Secrets; the rules that read it then see none.
    #[arg(long, value_name = "KIND")]
    pub skip_kind: Vec<String>,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Json)]
    pub log_format: LogFormat,
    /// Measure instead of running: replay a snapshot written one object per line (day2's
    /// snapshot, `day2-bench gen`) through the agent's store and evaluation, print the figures, exit.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Configuration file (default: .day2.yaml in this folder or a parent).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Cloud for remediation text (default: detected).
    #[arg(long, value_enum)]
    pub cloud: Option<CloudArg>,
    /// Kubeconfig file (default: in-cluster config inside a pod, else $KUBECONFIG or ~/.kube/config).
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context (default: the current context).
    #[arg(long)]
    pub context: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
}

#[derive(Args, Debug)]
pub struct LogsArgs {
    /// Log files or folders (plain, .gz, CRI, kubectl logs, cluster-info dump), or `-` for stdin.
    pub paths: Vec<PathBuf>,
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub output: Format,
    /// Exit 1 when any golden field is present on less than PCT% of lines.
    #[arg(long, value_name = "PCT")]
    pub fail_under: Option<f64>,
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub output: Format,
    /// Only rules of this loop.
    #[arg(long = "loop", value_enum)]
    pub loop_: Option<LoopArg>,
}

#[derive(Args, Debug)]
pub struct RuleArgs {
    /// Rule code (ST001) or name (immediate-binding-zonal-storage).
    pub code: String,
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub output: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExplainFormat {
    Text,
    Json,
    /// One self-contained page (`explain pod` only).
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never exit 1.
    None,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum CloudArg {
    Aws,
    Azure,
    Gcp,
    Generic,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LoopArg {
    Identity,
    Compute,
    Network,
    Storage,
    Observability,
}

/// Seconds as a non-negative decimal number (`2`, `0.25`).
fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=3600.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds from 0 to 3600")),
    }
}
