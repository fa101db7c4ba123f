//! Every input a user may point day2 at, and every way it can be broken.

use day2_model::SourceKind;
use day2_sources::{Input, LoadError, LoadOptions, load_bytes, load_manifests, load_snapshot};
use std::io::Write;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn opts() -> LoadOptions {
    LoadOptions::default()
}

#[test]
fn helm_template_output_with_positions_and_crds() {
    let c = load_manifests(&[Input::Path(fixture("helm.yaml"))], &opts()).unwrap();
    assert_eq!(c.deployments.len(), 1);
    assert_eq!(c.service_accounts.len(), 1);
    assert_eq!(c.other.len(), 1, "the ServiceMonitor is kept");
    assert_eq!(c.other[0].kind, "ServiceMonitor");
    let d = &c.deployments[0];
    assert_eq!(d.origin.line, 9, "the document's first line");
    let loc = d
        .origin
        .locate(Some("/spec/template/spec/containers/0/image"))
        .unwrap();
    assert_eq!((loc.line, loc.column), (28, 18));
    assert!(loc.file.ends_with("helm.yaml"));
    let vol = &d
        .spec
        .template
        .spec
        .as_ref()
        .unwrap()
        .volumes
        .as_ref()
        .unwrap()[0];
    assert_eq!(
        vol.config_map.as_ref().unwrap().default_mode,
        Some(420),
        "0644 is octal, as Kubernetes reads it"
    );
}

#[test]
fn cluster_info_dump_folder() {
    let c = load_snapshot(&[Input::Path(fixture("dump"))], &opts()).unwrap();
    assert_eq!(c.nodes.len(), 1);
    assert_eq!(c.pods.len(), 1, "PodList items have no kind");
    assert_eq!(c.events.len(), 1);
    assert_eq!(c.events[0].component, "default-scheduler");
    assert_eq!(c.logs.len(), 1);
    assert_eq!(
        (c.logs[0].namespace.as_str(), c.logs[0].pod.as_str()),
        ("kube-system", "coredns-abc")
    );
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    assert_eq!(c.pods_on_node("minikube").count(), 1);
}

#[test]
fn cluster_info_dump_stdout_form_with_interleaved_logs() {
    let c = load_snapshot(&[Input::Path(fixture("dump-stdout.txt"))], &opts()).unwrap();
    assert_eq!(c.nodes.len(), 1);
    assert_eq!(c.pods.len(), 1);
    assert_eq!(c.events.len(), 1);
    assert_eq!(c.logs.len(), 1);
    assert_eq!(c.logs[0].container.as_deref(), Some("coredns"));
    assert!(c.logs[0].text.contains("plugin/reload"));
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    // Items remember their line in the stream.
    let text = std::fs::read_to_string(fixture("dump-stdout.txt")).unwrap();
    let at = text
        .find("\"name\": \"coredns-abc\", \"namespace\"")
        .unwrap();
    let pod_line = text[..at].matches('\n').count() as u32;
    assert_eq!(
        c.pods[0].origin.line, pod_line,
        "the line where the item's object starts"
    );
}

/// A framing line whose pod part is mangled (found by fuzzing) is text, not
/// a log of a pod with no name.
#[test]
fn a_mangled_log_header_is_text_of_the_folder_pod() {
    let dir = tempfile::tempdir().unwrap();
    let pod_dir = dir.path().join("shop/web-1");
    std::fs::create_dir_all(&pod_dir).unwrap();
    std::fs::write(
        pod_dir.join("logs.txt"),
        "==== START logs for container coredns of pod kub type: ns-abc /====\n{\"msg\":\"x\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("shop/pods.json"),
        r#"{"kind":"PodList","items":[]}"#,
    )
    .unwrap();
    let c = load_snapshot(&[Input::Path(dir.path().to_owned())], &opts()).unwrap();
    assert_eq!(c.logs.len(), 1, "{:?}", c.logs);
    assert_eq!(
        (c.logs[0].namespace.as_str(), c.logs[0].pod.as_str()),
        ("shop", "web-1")
    );
    assert!(c.logs[0].text.contains("START logs"));
}

#[test]
fn dump_plus_extra_files() {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("storage.json");
    std::fs::write(
        &extra,
        r#"{"apiVersion":"v1","kind":"List","items":[
{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"gp3"},"provisioner":"ebs.csi.aws.com"},
{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv1"},"spec":{"capacity":{"storage":"1Gi"}}}]}"#,
    )
    .unwrap();
    let c = load_snapshot(&[Input::Path(fixture("dump")), Input::Path(extra)], &opts()).unwrap();
    assert_eq!(c.storage_classes.len(), 1);
    assert_eq!(c.pvs.len(), 1);
    assert_eq!(c.nodes.len(), 1);
    assert_eq!(c.pvs[0].origin.line, 3);
}

#[test]
fn both_event_shapes() {
    let c = load_snapshot(
        &[
            Input::Path(fixture("events-v1.yaml")),
            Input::Path(fixture("dump/kube-system/events.json")),
        ],
        &opts(),
    )
    .unwrap();
    assert_eq!(c.events.len(), 2);
    let fs = c
        .events
        .iter()
        .find(|e| e.reason == "FailedScheduling")
        .unwrap();
    assert_eq!(fs.count, 5);
    assert_eq!(fs.first.unwrap().to_string(), "2026-01-01T09:00:00Z");
    assert_eq!(fs.last.unwrap().to_string(), "2026-01-01T09:04:00Z");
    assert_eq!(
        c.events_for("Pod", Some("db"), "db-0", Some("u-db-0"))
            .len(),
        1
    );
}

#[test]
fn typed_lists_and_gzip_and_day2_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let snap = day2_sources::SnapshotFile::new(
        day2_sources::SnapshotMeta {
            captured_at: "2026-01-01T09:00:00Z".into(),
            context: Some("prod".into()),
            ..Default::default()
        },
        vec![
            serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "x"}, "spec": {"containers": []}}),
            serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "x", "annotations": {"day2.dev/redacted": "true"}}, "type": "Opaque", "keys": [{"name": "id", "class": "aws-access-key-id", "len": 20}]}),
        ],
        vec!["storage loop: no permission to list persistentvolumes (403)".into()],
    );
    let path = dir.path().join("snap.json.gz");
    day2_sources::write_snapshot_file(&path, &snap).unwrap();
    let c = load_snapshot(&[Input::Path(path)], &opts()).unwrap();
    assert_eq!(c.pods.len(), 1);
    assert_eq!(c.secrets.len(), 1);
    assert_eq!(
        c.secrets[0].keys[0].class,
        Some(day2_model::secret::CredentialKind::AwsAccessKeyId)
    );
    assert!(c.notes.iter().any(|n| n.message.contains("403")));
    assert_eq!(
        c.captured_at.map(|t| t.to_string()).as_deref(),
        Some("2026-01-01T09:00:00Z")
    );
}

#[test]
fn the_capture_time_comes_from_a_day2_snapshot_only() {
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"x","creationTimestamp":"2026-02-01T00:00:00Z"},"spec":{"containers":[]}}"#;
    // `kubectl get pods -o json`: no capture time, and none is guessed from the objects.
    let list = format!(
        r#"{{"apiVersion":"v1","kind":"List","metadata":{{"resourceVersion":""}},"items":[{pod}]}}"#
    );
    let c = load_bytes("pods.json", list.as_bytes(), SourceKind::Snapshot, &opts()).unwrap();
    assert_eq!(c.pods.len(), 1);
    assert_eq!(c.captured_at, None);
    // day2's snapshot, in JSON and in YAML; the header may come after the items.
    let snap = format!(
        r#"{{"apiVersion":"day2.dev/v1","kind":"Snapshot","items":[{pod}],"metadata":{{"capturedAt":"2026-03-04T05:06:07Z","context":"prod"}},"notes":[]}}"#
    );
    let c = load_bytes("snap.json", snap.as_bytes(), SourceKind::Snapshot, &opts()).unwrap();
    assert_eq!(
        c.captured_at.map(|t| t.to_string()).as_deref(),
        Some("2026-03-04T05:06:07Z")
    );
    let yaml = "apiVersion: day2.dev/v1\nkind: Snapshot\nmetadata: {capturedAt: \"2026-03-04T05:06:07Z\"}\nitems: []\n";
    let c = load_bytes("snap.yaml", yaml.as_bytes(), SourceKind::Snapshot, &opts()).unwrap();
    assert_eq!(
        c.captured_at.map(|t| t.to_string()).as_deref(),
        Some("2026-03-04T05:06:07Z")
    );
    // A header that is not a time stamp is not shown as one.
    let odd = snap.replace("2026-03-04T05:06:07Z", "<b>yesterday</b>");
    let c = load_bytes("odd.json", odd.as_bytes(), SourceKind::Snapshot, &opts()).unwrap();
    assert_eq!(c.captured_at, None);
    // Two snapshots read together: the newer capture.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&a, snap.replace("\"p\"", "\"q\"")).unwrap();
    std::fs::write(
        &b,
        snap.replace("2026-03-04T05:06:07Z", "2026-03-01T00:00:00Z"),
    )
    .unwrap();
    let c = load_snapshot(&[Input::Path(b), Input::Path(a)], &opts()).unwrap();
    assert_eq!(c.pods.len(), 2);
    assert_eq!(
        c.captured_at.map(|t| t.to_string()).as_deref(),
        Some("2026-03-04T05:06:07Z")
    );
}

#[test]
fn stdin_style_bytes() {
    let c = load_bytes(
        "<stdin>",
        b"apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
        SourceKind::Manifests,
        &opts(),
    )
    .unwrap();
    assert_eq!(c.namespaces.len(), 1);
}

#[test]
fn malformed_document_is_reported_and_others_still_read() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: good}\n---\napiVersion: v1\nkind: Namespace\nmetadata: [unclosed\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad-type}\nspec: {containers: nope}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: good2}\n";
    let c = load_bytes("m.yaml", text.as_bytes(), SourceKind::Manifests, &opts()).unwrap();
    assert_eq!(c.namespaces.len(), 2);
    assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
    assert!(
        c.notes[0].at.starts_with("m.yaml:7:") || c.notes[0].at.starts_with("m.yaml:8:"),
        "{:?}",
        c.notes
    );
    // The wrong-typed field is named with its own line, not the document's.
    assert!(
        c.notes.iter().any(|n| n.at == "m.yaml:12:20"
            && n.message.contains("Pod bad-type")
            && n.message.contains("field `spec.containers`")),
        "{:?}",
        c.notes
    );
}

#[test]
fn nothing_readable_is_an_error_naming_the_file() {
    let e = load_bytes("bad.yaml", b"kind: [\n", SourceKind::Manifests, &opts()).unwrap_err();
    let LoadError::NothingReadable { notes } = &e else {
        panic!("{e}")
    };
    assert!(notes[0].at.starts_with("bad.yaml:"), "{notes:?}");
    let e = load_manifests(
        &[Input::Path(PathBuf::from("/nonexistent/x.yaml"))],
        &opts(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("/nonexistent/x.yaml"), "{e}");
}

#[test]
fn alias_bomb_is_refused_naming_the_budget() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ok}}\n---\n{bomb}");
    let c = load_bytes("bomb.yaml", text.as_bytes(), SourceKind::Manifests, &opts()).unwrap();
    assert_eq!(
        c.config_maps.len(),
        1,
        "the document before the bomb is kept"
    );
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(c.notes[0].at.starts_with("bomb.yaml:10:"), "{:?}", c.notes);
    assert!(
        c.notes[0]
            .message
            .contains("over the YAML parser's budget (nodes: 250001)"),
        "{:?}",
        c.notes
    );
}

#[test]
fn oversized_documents_and_files_are_refused() {
    let small = LoadOptions {
        max_doc_bytes: 100,
        max_file_bytes: 10_000,
        ..LoadOptions::default()
    };
    let text = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata: {{name: a}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata: {{x: \"{}\"}}\n",
        "y".repeat(500)
    );
    let c = load_bytes("big.yaml", text.as_bytes(), SourceKind::Manifests, &small).unwrap();
    assert_eq!(c.namespaces.len(), 1);
    assert!(c.notes[0].message.contains("limit"), "{:?}", c.notes);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("huge.yaml");
    std::fs::write(&f, "x".repeat(20_000)).unwrap();
    let e = load_manifests(&[Input::Path(f)], &small).unwrap_err();
    assert!(e.to_string().contains("limit"), "{e}");
}

#[test]
fn non_utf8_empty_binary_and_truncated_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(
        p("latin1.yaml"),
        b"apiVersion: v1\nkind: Namespace\nmetadata: {name: caf\xe9}\n",
    )
    .unwrap();
    std::fs::write(p("empty.yaml"), b"").unwrap();
    std::fs::write(p("blob.json"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::write(
        p("ok.yaml"),
        b"apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n",
    )
    .unwrap();
    std::fs::write(p("cut.json"), br#"{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a"},"spec":{"containers":[]}},{"metadata":{"name":"b"},"spec":{"contai"#).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(br#"{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"g"},"spec":{"containers":[]}}]}"#).unwrap();
    let bytes = gz.finish().unwrap();
    std::fs::write(p("trunc.json.gz"), &bytes[..bytes.len() - 6]).unwrap();
    let c = load_snapshot(&[Input::Path(dir.path().to_path_buf())], &opts()).unwrap();
    assert_eq!(c.namespaces.len(), 1, "ok.yaml");
    let names: Vec<&str> = c.pods.iter().map(|p| p.name()).collect();
    assert!(
        names.contains(&"a"),
        "complete items of a truncated list are kept: {names:?}"
    );
    assert!(
        names.contains(&"g"),
        "a truncated gzip keeps what decompressed: {names:?}"
    );
    let notes: Vec<String> = c.notes.iter().map(ToString::to_string).collect();
    for (file, what) in [
        ("latin1.yaml", "UTF-8"),
        ("empty.yaml", "empty"),
        ("blob.json", "binary"),
        ("cut.json", "unterminated"),
    ] {
        assert!(
            notes.iter().any(|n| n.contains(file) && n.contains(what)),
            "{file}: {notes:#?}"
        );
    }
}

#[test]
fn folder_with_thousands_of_files() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        std::fs::write(
            dir.path().join(format!("ns-{i:04}.yaml")),
            format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns-{i}}}\n"),
        )
        .unwrap();
    }
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/x.yaml"), "kind: [").unwrap();
    std::fs::write(dir.path().join("README.md"), "not yaml").unwrap();
    let c = load_manifests(&[Input::Path(dir.path().to_path_buf())], &opts()).unwrap();
    assert_eq!(c.namespaces.len(), 3000);
    assert!(
        c.notes.is_empty(),
        "hidden folders and other extensions are skipped: {:?}",
        c.notes.first()
    );
    assert_eq!(c.input, format!("{} (3000 files)", dir.path().display()));
}

#[test]
fn large_snapshot_keeps_file_order_across_batches() {
    // About 13 MB: several read blocks and decode batches, kinds interleaved.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n");
    let n: usize = 40_000;
    for i in 0..n {
        if i > 0 {
            text.push_str(",\n");
        }
        if i % 3 == 0 {
            text.push_str(&format!(
                r#"{{"apiVersion":"v1","kind":"Event","metadata":{{"name":"e{i}","namespace":"x"}},"involvedObject":{{"kind":"Pod","namespace":"x","name":"p{i}"}},"reason":"Started","message":"{}","lastTimestamp":"2026-01-01T09:00:00Z"}}"#,
                "m".repeat(120)
            ));
        } else {
            text.push_str(&format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","namespace":"x","labels":{{"app":"a{}"}}}},"spec":{{"containers":[{{"name":"c","image":"registry.example/app:{}"}}]}},"status":{{"phase":"Running","conditions":[{{"type":"Ready","status":"True"}}]}}}}"#,
                i % 17,
                "1".repeat(100)
            ));
        }
    }
    text.push_str("\n]}\n");
    let plain = dir.path().join("big.json");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.path().join("big.json.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let want: Vec<String> = (0..n)
        .filter(|i| i % 3 != 0)
        .map(|i| format!("p{i}"))
        .collect();
    // The plain file's size is known up front (stores sized from it); the gzip stream's is not.
    for f in [plain, gz] {
        let c = load_snapshot(&[Input::Path(f.clone())], &opts()).unwrap();
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        let got: Vec<&str> = c.pods.iter().map(|p| p.name()).collect();
        assert_eq!(got, want, "{}", f.display());
        assert_eq!(c.events.len(), n.div_ceil(3), "{}", f.display());
    }
}

#[test]
fn a_compressed_snapshot_over_the_limit_once_decompressed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(r#"{"apiVersion":"v1","kind":"List","items":["#);
    for i in 0..20_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"ns-{i}"}}}}"#
        ));
    }
    text.push_str("]}");
    let gz = dir.path().join("big.json.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::best(),
    );
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let limit = LoadOptions {
        max_file_bytes: 300_000,
        ..LoadOptions::default()
    };
    assert!(std::fs::metadata(&gz).unwrap().len() < 300_000);
    assert!(text.len() > 1_000_000, "several read blocks");
    let e = load_snapshot(&[Input::Path(gz.clone())], &limit).unwrap_err();
    assert!(e.to_string().contains("300000-byte limit"), "{e}");
    // Within the limit, every object is read.
    let c = load_snapshot(&[Input::Path(gz)], &opts()).unwrap();
    assert_eq!(c.namespaces.len(), 20_000);
}

fn notes_of(c: &day2_model::Cluster) -> Vec<String> {
    c.notes.iter().map(ToString::to_string).collect()
}

fn nothing_readable(e: LoadError) -> Vec<String> {
    match e {
        LoadError::NothingReadable { notes } => notes.iter().map(ToString::to_string).collect(),
        other => panic!("expected nothing readable, got {other}"),
    }
}

#[cfg(unix)]
fn mkfifo(p: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(p).status();
    assert!(status.is_ok_and(|s| s.success()), "mkfifo {}", p.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_named_and_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    mkfifo(&fifo);
    // Given alone: nothing usable, and the error names it.
    let e = load_manifests(&[Input::Path(fifo.clone())], &opts()).unwrap_err();
    let notes = nothing_readable(e);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("pipe.yaml") && n.contains("a FIFO is not a regular file")),
        "{notes:?}"
    );
    // In a folder beside a manifest: the manifest is read, the FIFO named.
    std::fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n",
    )
    .unwrap();
    let c = load_manifests(&[Input::Path(dir.path().to_path_buf())], &opts()).unwrap();
    assert_eq!(c.namespaces.len(), 1);
    assert!(
        notes_of(&c)
            .iter()
            .any(|n| n.contains("pipe.yaml") && n.contains("FIFO")),
        "{:?}",
        c.notes
    );
}

#[test]
fn millions_of_tiny_documents_become_a_hundred_notes_and_a_count() {
    // The shape of a five-million-document file, smaller: every document a scalar.
    let text = "a\n---\n".repeat(5000);
    let e = load_bytes("tiny.yaml", text.as_bytes(), SourceKind::Manifests, &opts()).unwrap_err();
    let notes = nothing_readable(e);
    assert_eq!(notes.len(), 101, "{:?}", &notes[..3]);
    assert_eq!(
        notes[0],
        "tiny.yaml:1:1: the document is a string, not a Kubernetes object; skipped"
    );
    assert_eq!(
        notes[1],
        "tiny.yaml:3:1: the document is a string, not a Kubernetes object; skipped"
    );
    assert_eq!(
        notes[100],
        "tiny.yaml: and 4900 more problems in this file (the first 100 are listed)"
    );
}

#[test]
fn empty_objects_are_counted_not_stored() {
    let mut text = String::from(r#"{"apiVersion":"v1","kind":"List","items":["#);
    for _ in 0..20_000 {
        text.push_str("{},");
    }
    text.push_str(r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}]}"#);
    let c = load_bytes("empty.json", text.as_bytes(), SourceKind::Snapshot, &opts()).unwrap();
    assert_eq!(c.namespaces.len(), 1);
    assert_eq!(
        notes_of(&c),
        vec!["empty.json: 20000 empty objects (`{}`) skipped"]
    );
    // Only empty objects: nothing usable.
    let e = load_bytes("e.json", b"[{},{},{}]", SourceKind::Snapshot, &opts()).unwrap_err();
    assert_eq!(
        nothing_readable(e),
        vec!["e.json: 3 empty objects (`{}`) skipped"]
    );
}

/// Values that must never be printed, in every shape the issue found them.
const SECRETS: [&str; 3] = ["hunter2-s3cr3t", "c2VjcmV0LXRva2Vu", "31337424242"];

#[test]
fn decode_notes_name_the_field_and_line_never_the_value() {
    let yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData: hunter2-s3cr3t\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\ndata: c2VjcmV0LXRva2Vu\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: app\n        env:\n        - name: TOKEN\n          value: 31337424242\n";
    let c = load_bytes("s.yaml", yaml.as_bytes(), SourceKind::Manifests, &opts());
    let notes = nothing_readable(c.unwrap_err());
    for secret in SECRETS {
        assert!(
            notes.iter().all(|n| !n.contains(secret)),
            "{secret}: {notes:#?}"
        );
    }
    assert_eq!(
        notes,
        vec![
            "s.yaml:4:13: Secret a: field `stringData`: invalid type: a string, expected a map, skipped",
            "s.yaml:9:7: Secret b: field `data`: invalid type: a string, expected a map, skipped",
            "s.yaml:22:18: Deployment web: field `spec.template.spec.containers[0].env[0].value`: invalid type: a number, expected a string, skipped",
        ]
    );
    // The same in JSON, with the field's own line.
    let json = "[\n{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"a\"},\n \"stringData\": \"hunter2-s3cr3t\"},\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"env\":[\n  {\"name\":\"T\",\"value\":31337424242}]}]}}\n]";
    let e = load_bytes("s.json", json.as_bytes(), SourceKind::Snapshot, &opts()).unwrap_err();
    let notes = nothing_readable(e);
    for secret in SECRETS {
        assert!(
            notes.iter().all(|n| !n.contains(secret)),
            "{secret}: {notes:#?}"
        );
    }
    assert_eq!(
        notes,
        vec![
            "s.json:3:16: Secret a: field `stringData`: invalid type: a string, expected a map, skipped",
            "s.json:5:23: Pod p: field `spec.containers[0].env[0].value`: invalid type: a number, expected a string, skipped",
        ]
    );
}

#[test]
fn nested_lists_are_flattened_as_kubectl_does() {
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: inner}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: outer}\n";
    let c = load_bytes("l.yaml", yaml.as_bytes(), SourceKind::Manifests, &opts()).unwrap();
    let names: Vec<(&str, u32)> = c
        .config_maps
        .iter()
        .map(|m| (m.name(), m.origin.line))
        .collect();
    assert_eq!(names, vec![("inner", 7), ("outer", 10)]);
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    let json = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMapList\",\"items\":[\n  {\"metadata\":{\"name\":\"inner\"}}]},\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"outer\"}}]}";
    let c = load_bytes("l.json", json.as_bytes(), SourceKind::Snapshot, &opts()).unwrap();
    let names: Vec<(&str, u32)> = c
        .config_maps
        .iter()
        .map(|m| (m.name(), m.origin.line))
        .collect();
    assert_eq!(names, vec![("inner", 3), ("outer", 4)]);
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn invalid_quantities_replicas_and_ports_are_named_and_the_object_kept() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: -2\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: app\n        ports:\n        - containerPort: 70000\n        resources:\n          requests: {cpu: lots, memory: -1Gi}\n          limits: {cpu: 500m}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  ports:\n  - port: 0\n    targetPort: -1\n";
    let c = load_bytes("q.yaml", yaml.as_bytes(), SourceKind::Manifests, &opts()).unwrap();
    assert_eq!(c.deployments.len(), 1, "the object stays");
    assert_eq!(c.services.len(), 1);
    assert_eq!(
        notes_of(&c),
        vec![
            "q.yaml:5:13: Deployment shop/web: field `spec.replicas`: -2 replicas is invalid (must be 0 or more)",
            "q.yaml:12:26: Deployment shop/web: field `spec.template.spec.containers[0].ports[0].containerPort`: port 70000 is invalid (must be 1 to 65535)",
            "q.yaml:14:27: Deployment shop/web: field `spec.template.spec.containers[0].resources.requests.cpu`: `lots` is not a valid quantity; read as no request",
            "q.yaml:14:41: Deployment shop/web: field `spec.template.spec.containers[0].resources.requests.memory`: `-1Gi` is negative; read as no request",
            "q.yaml:22:11: Service shop/web: field `spec.ports[0].port`: port 0 is invalid (must be 1 to 65535)",
            "q.yaml:23:17: Service shop/web: field `spec.ports[0].targetPort`: port -1 is invalid (must be 1 to 65535)",
        ]
    );
}

#[test]
fn the_same_object_twice_is_named() {
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: other}\n";
    let c = load_bytes("d.yaml", yaml.as_bytes(), SourceKind::Manifests, &opts()).unwrap();
    assert_eq!(
        notes_of(&c),
        vec![
            "d.yaml:5:1: ConfigMap default/cfg is defined twice (first at d.yaml:1:1); lookups by name use the first"
        ]
    );
}

#[test]
fn a_corrupt_gzip_is_not_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("c.json.gz");
    std::fs::write(&gz, b"\x1f\x8b\x08\x00garbage that is not deflate").unwrap();
    let e = load_snapshot(&[Input::Path(gz)], &opts()).unwrap_err();
    let notes = nothing_readable(e);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("c.json.gz: corrupt gzip data"),
        "{notes:?}"
    );
}

#[test]
fn scalars_and_lists_as_documents_are_named_and_nothing_usable_is_an_error() {
    let e = load_bytes(
        "s.yaml",
        b"just a string\n---\n- a\n- b\n---\n42\n",
        SourceKind::Manifests,
        &opts(),
    )
    .unwrap_err();
    assert_eq!(
        nothing_readable(e),
        vec![
            "s.yaml:1:1: the document is a string, not a Kubernetes object; skipped",
            "s.yaml:3:1: the document is a list, not a Kubernetes object; skipped",
            "s.yaml:6:1: the document is a number, not a Kubernetes object; skipped",
        ]
    );
    let e = load_bytes("s.json", b"[1, \"x\", [2]]", SourceKind::Snapshot, &opts()).unwrap_err();
    assert_eq!(
        nothing_readable(e),
        vec![
            "s.json:1:2: a list item is a number, not a Kubernetes object; skipped",
            "s.json:1:5: a list item is a string, not a Kubernetes object; skipped",
            "s.json:1:10: a list item is a list, not a Kubernetes object; skipped",
        ]
    );
    // An empty list is a legitimate answer (`kubectl get pods -o json` on an empty namespace).
    let c = load_bytes(
        "e.json",
        br#"{"apiVersion":"v1","kind":"List","items":[]}"#,
        SourceKind::Snapshot,
        &opts(),
    )
    .unwrap();
    assert_eq!(c.object_count(), 0);
}
