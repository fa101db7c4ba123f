//! `day2-bench`: generate large synthetic clusters and time loading them.
//!
//! ```text
//! day2-bench gen --pods 150000 -o /tmp/c150k.json          # 5,000 nodes, 300,000 events
//! day2-bench gen --pods 1000 --format dump-dir -o /tmp/dump
//! day2-bench manifests --files 10000 -o /tmp/charts        # 10,000 YAML files, ~40,000 documents
//! /usr/bin/time -v day2-bench load /tmp/c150k.json         # day2's loader → indexed Cluster
//! /usr/bin/time -v day2-bench naive /tmp/c150k.json        # one thread, Value → k8s-openapi types
//! ```
#![forbid(unsafe_code)]

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use day2_bench::synth::{Plan, Spec};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "day2-bench",
    about = "Synthetic clusters and the snapshot-loading benchmark"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// day2's own snapshot (compact, one object per line).
    Day2,
    /// `kubectl get … -A -o json` compacted.
    List,
    /// `kubectl get … -A -o json` as kubectl prints it (indented).
    ListPretty,
    /// `kubectl cluster-info dump -A --output-directory` (a folder).
    DumpDir,
    /// `kubectl cluster-info dump -A` (stdout form).
    DumpStdout,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Profile {
    Benign,
    Adversarial,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write a synthetic cluster.
    Gen {
        #[arg(long, default_value_t = 150_000)]
        pods: usize,
        /// Default: pods / 30.
        #[arg(long)]
        nodes: Option<usize>,
        /// Default: pods × 2.
        #[arg(long)]
        events: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// `benign`: controllers, Services and mostly well-formed pods.
        /// `adversarial`: pods, nodes, claims, volumes and events only (no
        /// controllers), every pod template breaking ten or more rules, event
        /// messages of about 1 KB.
        #[arg(long, value_enum, default_value = "benign")]
        profile: Profile,
        #[arg(long, value_enum, default_value = "day2")]
        format: Format,
        /// Compress (a `.gz` output name does the same).
        #[arg(long)]
        gzip: bool,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write a folder of manifest files, one application (about four
    /// documents) per file, for `day2 audit`.
    Manifests {
        #[arg(long, default_value_t = 1000)]
        files: usize,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Load snapshot inputs into an indexed Cluster with day2's loader and report.
    Load {
        paths: Vec<PathBuf>,
        /// Read as manifests rather than a snapshot.
        #[arg(long)]
        manifests: bool,
    },
    /// The naive baseline: one thread, whole file → serde_json::Value → k8s-openapi types.
    Naive {
        path: PathBuf,
        /// Decode each item straight from its text into its type (no Value tree).
        #[arg(long)]
        typed: bool,
    },
}

fn main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::Gen {
            pods,
            nodes,
            events,
            seed,
            profile,
            format,
            gzip,
            output,
        } => {
            let mut spec = match profile {
                Profile::Benign => Spec::scaled(pods),
                Profile::Adversarial => Spec::adversarial(pods),
            };
            spec.seed = seed;
            if let Some(n) = nodes {
                spec.nodes = n;
            }
            if let Some(e) = events {
                spec.events = e;
            }
            let t = Instant::now();
            let plan = Plan::new(spec);
            if let Format::DumpDir = format {
                plan.write_dump_dir(&output)
                    .with_context(|| output.display().to_string())?;
            } else {
                let f =
                    std::fs::File::create(&output).with_context(|| output.display().to_string())?;
                let gz = gzip || output.extension().is_some_and(|e| e == "gz");
                let mut w: Box<dyn Write> = if gz {
                    Box::new(flate2::write::GzEncoder::new(
                        std::io::BufWriter::new(f),
                        flate2::Compression::fast(),
                    ))
                } else {
                    Box::new(std::io::BufWriter::with_capacity(1 << 20, f))
                };
                match format {
                    Format::Day2 => plan.write_day2(&mut w)?,
                    Format::List => plan.write_list(&mut w, false)?,
                    Format::ListPretty => plan.write_list(&mut w, true)?,
                    Format::DumpStdout => plan.write_dump_stdout(&mut w)?,
                    Format::DumpDir => {}
                }
                w.flush()?;
            }
            eprintln!(
                "wrote {} ({} nodes, {} pods, {} events) in {:.1}s",
                output.display(),
                spec.nodes,
                spec.pods,
                spec.events,
                t.elapsed().as_secs_f64()
            );
        }
        Cmd::Manifests { files, output } => {
            let t = Instant::now();
            let bytes = day2_bench::manifests::write_dir(&output, files)
                .with_context(|| output.display().to_string())?;
            eprintln!(
                "wrote {files} files ({:.1} MB) to {} in {:.1}s",
                bytes as f64 / 1e6,
                output.display(),
                t.elapsed().as_secs_f64()
            );
        }
        Cmd::Load { paths, manifests } => {
            if paths.is_empty() {
                bail!("give at least one path");
            }
            let start = Instant::now();
            let marks: Arc<Mutex<Vec<(String, f64)>>> = Arc::default();
            let m = marks.clone();
            let opts = day2_sources::LoadOptions {
                progress: Some(Arc::new(move |msg: &str| {
                    if let Ok(mut v) = m.lock() {
                        v.push((msg.to_owned(), start.elapsed().as_secs_f64()));
                    }
                })),
                ..Default::default()
            };
            let inputs: Vec<_> = paths.into_iter().map(day2_sources::Input::Path).collect();
            let cluster = if manifests {
                day2_sources::load_manifests(&inputs, &opts)?
            } else {
                day2_sources::load_snapshot(&inputs, &opts)?
            };
            let total = start.elapsed().as_secs_f64();
            let objects = cluster.stores.len();
            for (msg, at) in marks.lock().map(|v| v.clone()).unwrap_or_default() {
                eprintln!("{at:7.3}s  {msg}");
            }
            eprintln!("{total:7.3}s  done");
            let counts: Vec<String> = cluster
                .counts()
                .iter()
                .map(|(k, n)| format!("{k}={n}"))
                .collect();
            println!(
                "objects={objects} seconds={total:.3} objects_per_second={:.0} notes={} logs={} input=\"{}\"\n{}",
                objects as f64 / total,
                cluster.notes.len(),
                cluster.logs.len(),
                cluster.input,
                counts.join(" ")
            );
            println!("rss_now={} peak={}", status_kb("VmRSS"), status_kb("VmHWM"));
            for n in cluster.notes.iter().take(5) {
                println!("note: {n}");
            }
            // Keep the cluster alive until here, as a command would while analysing it.
            drop(cluster);
        }
        Cmd::Naive { path, typed } => {
            let start = Instant::now();
            let text =
                std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
            let n = if typed {
                naive_typed(&text)?
            } else {
                naive(&text)?
            };
            println!("objects={n} seconds={:.3}", start.elapsed().as_secs_f64());
        }
    }
    Ok(())
}

/// A field of /proc/self/status, in kB (0 where there is no /proc).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// An item of a list, decoded into a k8s-openapi type.
trait Item {
    fn typed<T: serde::de::DeserializeOwned>(self) -> serde_json::Result<T>;
}

impl Item for serde_json::Value {
    fn typed<T: serde::de::DeserializeOwned>(self) -> serde_json::Result<T> {
        serde_json::from_value(self)
    }
}

impl Item for &str {
    fn typed<T: serde::de::DeserializeOwned>(self) -> serde_json::Result<T> {
        serde_json::from_str(self)
    }
}

/// What the naive baselines decode into: one vector per kind.
#[derive(Default)]
struct Decoded {
    pods: Vec<k8s::core::Pod>,
    nodes: Vec<k8s::core::Node>,
    events: Vec<k8s::core::Event>,
    events_v1: Vec<k8s::events::Event>,
    services: Vec<k8s::core::Service>,
    namespaces: Vec<k8s::core::Namespace>,
    pvs: Vec<k8s::core::PersistentVolume>,
    pvcs: Vec<k8s::core::PersistentVolumeClaim>,
    deployments: Vec<k8s::apps::Deployment>,
    replica_sets: Vec<k8s::apps::ReplicaSet>,
    stateful_sets: Vec<k8s::apps::StatefulSet>,
    daemon_sets: Vec<k8s::apps::DaemonSet>,
    jobs: Vec<k8s::batch::Job>,
    classes: Vec<k8s::storage::StorageClass>,
    other: Vec<serde_json::Value>,
}

mod k8s {
    pub use k8s_openapi::api::{
        apps::v1 as apps, batch::v1 as batch, core::v1 as core, events::v1 as events,
        storage::v1 as storage,
    };
}

impl Decoded {
    /// Decode an item into the vector of its kind.
    fn add(&mut self, api_version: &str, kind: &str, item: impl Item) -> Result<()> {
        match (api_version, kind) {
            ("v1", "Pod") => self.pods.push(item.typed()?),
            ("v1", "Node") => self.nodes.push(item.typed()?),
            ("v1", "Event") => self.events.push(item.typed()?),
            ("events.k8s.io/v1", "Event") => self.events_v1.push(item.typed()?),
            ("v1", "Service") => self.services.push(item.typed()?),
            ("v1", "Namespace") => self.namespaces.push(item.typed()?),
            ("v1", "PersistentVolume") => self.pvs.push(item.typed()?),
            ("v1", "PersistentVolumeClaim") => self.pvcs.push(item.typed()?),
            ("apps/v1", "Deployment") => self.deployments.push(item.typed()?),
            ("apps/v1", "ReplicaSet") => self.replica_sets.push(item.typed()?),
            ("apps/v1", "StatefulSet") => self.stateful_sets.push(item.typed()?),
            ("apps/v1", "DaemonSet") => self.daemon_sets.push(item.typed()?),
            ("batch/v1", "Job") => self.jobs.push(item.typed()?),
            ("storage.k8s.io/v1", "StorageClass") => self.classes.push(item.typed()?),
            _ => self.other.push(item.typed()?),
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.pods.len()
            + self.nodes.len()
            + self.events.len()
            + self.events_v1.len()
            + self.services.len()
            + self.namespaces.len()
            + self.pvs.len()
            + self.pvcs.len()
            + self.deployments.len()
            + self.replica_sets.len()
            + self.stateful_sets.len()
            + self.daemon_sets.len()
            + self.jobs.len()
            + self.classes.len()
            + self.other.len()
    }
}

/// The typed baseline: one thread, the items as borrowed raw text, each
/// decoded straight into its k8s-openapi type.
fn naive_typed(text: &str) -> Result<usize> {
    use serde_json::value::RawValue;
    #[derive(serde::Deserialize)]
    struct List<'a> {
        #[serde(borrow)]
        items: Vec<&'a RawValue>,
    }
    #[derive(serde::Deserialize)]
    struct Type<'a> {
        #[serde(rename = "apiVersion", borrow, default)]
        api_version: &'a str,
        #[serde(borrow, default)]
        kind: &'a str,
    }
    let list: List<'_> = serde_json::from_str(text)?;
    let mut out = Decoded::default();
    for item in list.items {
        let raw = item.get();
        let t: Type<'_> = serde_json::from_str(raw)?;
        out.add(t.api_version, t.kind, raw)?;
    }
    Ok(std::hint::black_box(out).len())
}

/// The Value baseline: one thread, the whole file into a `serde_json::Value`,
/// then each item into its k8s-openapi type.
fn naive(text: &str) -> Result<usize> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let serde_json::Value::Object(mut top) = v else {
        bail!("not a JSON object")
    };
    let Some(serde_json::Value::Array(items)) = top.remove("items") else {
        bail!("no items")
    };
    let mut out = Decoded::default();
    for item in items {
        let kind = item
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_owned();
        let av = item
            .get("apiVersion")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_owned();
        out.add(&av, &kind, item)?;
    }
    Ok(std::hint::black_box(out).len())
}
