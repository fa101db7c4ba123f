//! Writing a plan out: a `kubectl get -o json` List, a day2 snapshot, or a
//! `kubectl cluster-info dump` tree.

use super::*;

impl Plan {
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
