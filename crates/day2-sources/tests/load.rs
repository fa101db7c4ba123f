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
    assert!(
        c.notes
            .iter()
            .any(|n| n.at.starts_with("m.yaml:9:") && n.message.contains("Pod bad-type")),
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
fn alias_bomb_is_refused_quickly() {
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
    let start = std::time::Instant::now();
    let c = load_bytes("bomb.yaml", text.as_bytes(), SourceKind::Manifests, &opts()).unwrap();
    assert!(
        start.elapsed().as_secs() < 5,
        "refused quickly, not after expanding"
    );
    assert_eq!(c.config_maps.len(), 1);
    assert_eq!(c.notes.len(), 1);
    assert!(c.notes[0].at.starts_with("bomb.yaml:"), "{:?}", c.notes);
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
