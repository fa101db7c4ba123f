use super::*;
use day2_model::Loop;
use day2_model::report::{Checklist, LoopChecklist, SCHEMA, SourceInfo, Summary};
use serde_json::Value;
use std::collections::BTreeSet;

fn opts(color: bool, verbose: bool) -> RenderOptions {
    RenderOptions {
        color,
        verbose,
        tool_version: "0.0.0-test".into(),
        ..Default::default()
    }
}

fn out_of(r: &Report, f: Format, verbose: bool) -> String {
    render(r, &sample::rules(), f, &opts(false, verbose)).unwrap()
}

fn out(f: Format) -> String {
    render(&sample::report(), &sample::rules(), f, &opts(false, false)).unwrap()
}

fn empty_report() -> Report {
    let lc = || LoopChecklist::from_items(vec![]);
    let mut r = Report {
        schema: SCHEMA.into(),
        source: SourceInfo {
            kind: "manifests".into(),
            cloud: "generic".into(),
            input: String::new(),
            captured_at: None,
        },
        findings: vec![],
        diagnoses: vec![],
        checklist: Checklist {
            identity: lc(),
            compute: lc(),
            network: lc(),
            storage: lc(),
            observability: lc(),
        },
        summary: Summary::default(),
        timeline: vec![],
        notes: vec![],
    };
    r.finalize(0);
    r
}

/// Remove ANSI CSI sequences (`ESC [ … final`).
fn strip_ansi(s: &str) -> String {
    let mut o = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\u{1b}' && it.peek() == Some(&'[') {
            it.next();
            for c in it.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            o.push(c);
        }
    }
    o
}

// ---------------------------------------------------------------- text

#[test]
fn text_snapshot() {
    insta::assert_snapshot!("text", out(Format::Text));
}

#[test]
fn text_without_colour_has_no_escape_codes_and_colour_changes_nothing_else() {
    let plain = out(Format::Text);
    assert!(
        !plain.chars().any(|c| c.is_control() && c != '\n'),
        "no ANSI or other control characters without colour"
    );
    let coloured = render(
        &sample::report(),
        &sample::rules(),
        Format::Text,
        &opts(true, false),
    )
    .unwrap();
    assert!(coloured.contains("\u{1b}["), "colour on paints");
    assert_eq!(
        strip_ansi(&coloured),
        plain,
        "colour adds style only: same text, same columns"
    );
    // The catalogue and rule docs too.
    let rules = sample::rules();
    assert!(
        !render_rules(&rules, Format::Text, false)
            .unwrap()
            .contains('\u{1b}')
    );
    assert!(
        !render_rule(&rules[3], Format::Text, false)
            .unwrap()
            .contains('\u{1b}')
    );
    assert_eq!(
        strip_ansi(&render_rules(&rules, Format::Text, true).unwrap()),
        render_rules(&rules, Format::Text, false).unwrap()
    );
}

#[test]
fn text_reads_summary_first_then_incidents_findings_notes_and_checklist_last() {
    let t = out(Format::Text);
    assert!(
        t.starts_with("day2 · snapshot · cloud aws · snapshot.json\n"),
        "{t}"
    );
    let second = t.lines().nth(1).unwrap();
    assert_eq!(
        second,
        "42 objects · 12 findings: 2 critical, 8 high, 1 medium, 1 low, 0 info · 2 incidents"
    );
    let pos = |s: &str| t.find(s).unwrap_or_else(|| panic!("`{s}` missing:\n{t}"));
    let order = [
        "  identity      ✗ fail",
        "Incidents (root cause ← symptoms)",
        "Incident 1: root cause in storage — StorageClass/gp3 [ST001]",
        "Incident 2: cause not in the input — Pod/shop/api-1",
        "Timeline",
        "Findings",
        "── identity · 1 finding ──",
        "── observability · 2 findings ──",
        "Input problems",
        "Cluster Readiness Checklist",
    ];
    for w in order.windows(2) {
        assert!(pos(w[0]) < pos(w[1]), "`{}` before `{}`", w[0], w[1]);
    }
    // The summary fits one screen: everything before the first incident.
    assert!(t[..pos("Incident 1:")].lines().count() <= 24);
    // A finding shows severity, rule, object, position, message and fix.
    assert!(t.contains("  CRITICAL ST001 StorageClass/gp3  deploy/storage.yaml:7:1\n"));
    assert!(
        t.contains("  CRITICAL ID001 Secret/shop/aws-creds\n"),
        "no position: none shown"
    );
    assert!(t.contains("      fix: Use IRSA"));
    // Each checklist item, with its failing count or why it is unknown.
    assert!(t.contains("      ✗ All pods have Requests/Limits — 7 failing\n"));
    assert!(t.contains("      ✓ Ingress timeouts configured\n"));
    assert!(t.contains(
        "      ? Structured logs with trace_id, node_name, zone (no log lines in the input)\n"
    ));
}

#[test]
fn text_collapses_a_rule_on_many_objects_unless_verbose() {
    // Seven workloads with the same problem read as one finding naming the others.
    let t = out(Format::Text);
    assert_eq!(t.matches("HIGH     CP001").count(), 1);
    assert!(t.contains("HIGH     CP001 Deployment/shop/svc-0 and 6 others"));
    assert!(t.contains("also Deployment/shop/svc-1, Deployment/shop/svc-2,"));
    assert_eq!(
        t.matches("fix: Set `resources.requests`").count(),
        1,
        "one fix per rule"
    );
    // With a message of its own each, a rule shows three and counts the rest.
    let mut r = sample::report();
    for f in r.findings.iter_mut().filter(|f| f.rule == "CP001") {
        f.message = format!("{} ({})", f.message, f.object.name);
    }
    let t = render(&r, &sample::rules(), Format::Text, &opts(false, false)).unwrap();
    assert_eq!(t.matches("HIGH     CP001").count(), 3);
    assert!(t.contains(
        "… and 4 more CP001: Deployment/shop/svc-3, Deployment/shop/svc-4, Deployment/shop/svc-5,"
    ));
    let v = render(&r, &sample::rules(), Format::Text, &opts(false, true)).unwrap();
    assert_eq!(v.matches("HIGH     CP001").count(), 7);
    assert!(!v.contains("more CP001"));
}

#[test]
fn text_names_the_pods_a_template_finding_is_about() {
    let mut r = sample::report();
    let f = r.findings.iter_mut().find(|f| f.rule == "CP001").map(|f| {
        f.pods = Some(120);
        f.examples = vec![
            "svc-0-7d9f-a".into(),
            "svc-0-7d9f-b".into(),
            "svc-0-7d9f-c".into(),
        ];
        f.object.to_string()
    });
    let t = render(&r, &sample::rules(), Format::Text, &opts(false, false)).unwrap();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        t.contains("120 pods (svc-0-7d9f-a, svc-0-7d9f-b, svc-0-7d9f-c, …)"),
        "{f:?}: {t}"
    );
}

#[test]
fn text_wraps_at_the_width_and_keeps_code_lines() {
    let narrow = RenderOptions {
        width: 72,
        ..opts(false, false)
    };
    let t = render(&sample::report(), &sample::rules(), Format::Text, &narrow).unwrap();
    for line in t.lines() {
        let long_word = line.split(' ').any(|w| wrap::width(w) > 30);
        assert!(
            wrap::width(line) <= 72 || long_word,
            "line over 72 columns: {line:?}"
        );
    }
    // The YAML of a multi-line fix keeps its indentation.
    assert!(
        t.contains("\n           metadata:\n             name: gp3\n"),
        "{t}"
    );
    let unwrapped = RenderOptions {
        width: 0,
        ..opts(false, false)
    };
    let t = render(
        &sample::report(),
        &sample::rules(),
        Format::Text,
        &unwrapped,
    )
    .unwrap();
    assert!(t.contains("  root cause: the disk of db/data-postgres-0 was created in us-east-1a by Immediate binding before the pod was scheduled, and no node in us-east-1a has room\n"), "0 does not wrap");
}

#[test]
fn text_of_an_empty_report_still_has_summary_and_checklist() {
    let t = render(&empty_report(), &[], Format::Text, &opts(false, false)).unwrap();
    assert!(t.contains("0 objects · 0 findings"), "{t}");
    assert!(!t.contains("Findings"));
    assert!(t.contains("Cluster Readiness Checklist"));
    insta::assert_snapshot!("text_empty", t);
}

// ---------------------------------------------------------------- json

#[test]
fn written_json_is_the_rendered_json() {
    let mut written = Vec::new();
    write_json(&sample::report(), &mut written).unwrap();
    assert_eq!(String::from_utf8(written).unwrap(), out(Format::Json));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", out(Format::Json));
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// Every object's keys are exactly those of the `day2/v1` contract (DESIGN.md),
/// plus the documented additions; nothing renamed, nothing missing.
#[test]
fn json_field_names_are_the_contracts() {
    let v: Value = serde_json::from_str(&out(Format::Json)).unwrap();
    let set = |a: &[&'static str]| a.iter().copied().collect::<BTreeSet<&str>>();
    assert_eq!(v["schema"], "day2/v1");
    assert_eq!(
        keys(&v),
        set(&[
            "schema",
            "source",
            "findings",
            "diagnoses",
            "checklist",
            "summary",
            "timeline",
            "notes"
        ])
    );
    assert_eq!(keys(&v["source"]), set(&["kind", "cloud", "input"]));
    let obj_keys = set(&["apiVersion", "kind", "namespace", "name"]);
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(
            keys(f),
            set(&[
                "rule", "name", "loop", "severity", "object", "message", "location", "fix"
            ])
        );
        assert!(keys(&f["object"]).is_subset(&obj_keys));
        assert!(keys(&f["object"]).is_superset(&set(&["kind", "namespace", "name"])));
        if !f["location"].is_null() {
            assert_eq!(keys(&f["location"]), set(&["file", "line", "column"]));
        }
    }
    let st = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ST001")
        .unwrap();
    assert_eq!(st["rule"], "ST001");
    assert_eq!(st["loop"], "storage");
    assert_eq!(st["severity"], "critical");
    assert_eq!(st["object"]["apiVersion"], "storage.k8s.io/v1");
    assert_eq!(st["object"]["namespace"], Value::Null);
    assert_eq!(st["location"]["line"], 7);
    let id = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ID001")
        .unwrap();
    assert_eq!(id["location"], Value::Null, "no position: null, not absent");
    for d in v["diagnoses"].as_array().unwrap() {
        assert!(keys(d).is_superset(&set(&[
            "symptom",
            "root_cause",
            "chain",
            "fix",
            "confidence"
        ])));
        assert!(keys(d).is_subset(&set(&[
            "symptom",
            "root_cause",
            "chain",
            "fix",
            "confidence",
            "also_affected",
            "missing_evidence",
            "unexplained",
            "incident"
        ])));
        // `workload` is an addition: present for a pod that has a controller.
        assert!(
            set(&["kind", "loop", "object", "since", "evidence"]).is_subset(&keys(&d["symptom"]))
        );
        assert!(keys(&d["symptom"]).is_subset(&set(&[
            "kind", "loop", "object", "since", "evidence", "workload"
        ])));
        assert_eq!(
            keys(&d["root_cause"]),
            set(&["loop", "rule", "summary", "object"])
        );
        for link in d["chain"].as_array().unwrap() {
            assert_eq!(
                keys(link),
                set(&["loop", "at", "object", "what", "evidence"])
            );
        }
        assert!(["high", "medium", "low"].contains(&d["confidence"].as_str().unwrap()));
    }
    assert_eq!(v["diagnoses"][0]["chain"].as_array().unwrap().len(), 4);
    assert_eq!(v["diagnoses"][1]["root_cause"]["rule"], Value::Null);
    assert_eq!(
        keys(&v["checklist"]),
        set(&["identity", "compute", "network", "storage", "observability"])
    );
    for l in Loop::ALL {
        let c = &v["checklist"][l.as_str()];
        assert_eq!(keys(c), set(&["status", "items"]));
        for i in c["items"].as_array().unwrap() {
            assert!(keys(i).is_superset(&set(&["id", "text", "status", "failing"])));
            assert!(keys(i).is_subset(&set(&["id", "text", "status", "failing", "detail"])));
        }
    }
    assert_eq!(v["checklist"]["compute"]["items"][0]["failing"], 7);
    assert_eq!(v["checklist"]["observability"]["status"], "unknown");
    assert_eq!(keys(&v["summary"]), set(&["objects", "findings", "loops"]));
    assert_eq!(
        keys(&v["summary"]["findings"]),
        set(&["critical", "high", "medium", "low", "info"])
    );
    assert_eq!(v["summary"]["findings"]["high"], 8);
    assert_eq!(v["summary"]["objects"], 42);
    // The JSON is the report, nothing else: it reads back to the same value.
    let back: Report = serde_json::from_value(v).unwrap();
    assert_eq!(back, sample::report());
}

// ---------------------------------------------------------------- sarif

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", out(Format::Sarif));
}

#[test]
fn sarif_maps_rules_results_and_locations() {
    let v: Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(
        v["$schema"]
            .as_str()
            .unwrap()
            .ends_with("sarif-schema-2.1.0.json")
    );
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "day2");
    assert_eq!(driver["version"], "0.0.0-test");
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    // 5 catalogue rules, OB002 (outside the catalogue), DIAG-ImagePullBackOff.
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "ID001",
            "CP001",
            "NW001",
            "ST001",
            "OB001",
            "OB002",
            "DIAG-ImagePullBackOff"
        ]
    );
    let st001 = &rules[3];
    assert_eq!(st001["name"], "immediate-binding-zonal-storage");
    assert_eq!(st001["defaultConfiguration"]["level"], "error");
    assert_eq!(st001["properties"]["tags"][0], "storage");
    assert!(
        st001["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("```yaml")
    );
    let help_text = st001["help"]["text"].as_str().unwrap();
    assert!(
        !help_text.contains("```") && !help_text.contains("**"),
        "{help_text}"
    );
    assert!(
        st001["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("Data has mass")
    );
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "warning");

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 12 + 2, "every finding and every diagnosis");
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        assert!(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].is_string());
    }
    let st = results.iter().find(|r| r["ruleId"] == "ST001").unwrap();
    assert_eq!(st["level"], "error");
    let phys = &st["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "deploy/storage.yaml");
    assert_eq!(phys["region"]["startLine"], 7);
    assert_eq!(phys["region"]["startColumn"], 1);
    let levels = |rule: &str| -> Vec<&str> {
        results
            .iter()
            .filter(|r| r["ruleId"] == rule && r["properties"]["kind"] != "diagnosis")
            .map(|r| r["level"].as_str().unwrap())
            .collect()
    };
    assert_eq!(levels("OB001"), ["warning"]);
    assert_eq!(levels("OB002"), ["note"]);
    assert!(levels("CP001").iter().all(|l| *l == "error"));
    let id = results.iter().find(|r| r["ruleId"] == "ID001").unwrap();
    assert!(
        id["locations"][0].get("physicalLocation").is_none(),
        "no position, no physical location"
    );
    let logical = &id["locations"][0]["logicalLocations"][0];
    assert_eq!(logical["fullyQualifiedName"], "Secret/shop/aws-creds");
    assert_eq!(logical["name"], "aws-creds");
    assert_eq!(logical["properties"]["kind"], "Secret");
    assert_eq!(logical["properties"]["namespace"], "shop");
    // Diagnoses: the root cause's rule, or DIAG-<symptom>; the chain as a code flow.
    let d1 = results
        .iter()
        .find(|r| r["ruleId"] == "ST001" && r["properties"]["kind"] == "diagnosis")
        .unwrap();
    assert_eq!(
        d1["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Pod/db/postgres-0"
    );
    assert_eq!(
        d1["relatedLocations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "StorageClass/gp3"
    );
    let steps = d1["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[3]["kinds"][0], "network");
    let d2 = results
        .iter()
        .find(|r| r["ruleId"] == "DIAG-ImagePullBackOff")
        .unwrap();
    assert_eq!(d2["level"], "error");
    assert!(d2.get("codeFlows").is_none());
    // Input problems are tool notifications.
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2);
}

// ---------------------------------------------------------------- junit

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", out(Format::Junit));
}

#[test]
fn junit_has_a_suite_per_loop_failures_per_finding_and_passes_per_checklist_item() {
    let xml = out(Format::Junit);
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("well-formed JUnit XML");
    let names: Vec<&str> = parsed.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "day2.identity",
            "day2.compute",
            "day2.network",
            "day2.storage",
            "day2.observability"
        ]
    );
    // 12 findings + 2 diagnoses fail; 3 checklist items pass; 1 is skipped.
    assert_eq!(parsed.failures, 14);
    assert_eq!(parsed.tests, 14 + 3 + 1);
    assert_eq!(parsed.skipped, 1);
    let compute = &parsed.test_suites[1];
    assert_eq!(compute.failures, 7 + 2);
    let nw = &parsed.test_suites[2];
    let case = nw
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == "NW001 Deployment/shop/web")
        .unwrap();
    match &case.status {
        quick_junit::TestCaseStatus::NonSuccess {
            message,
            description,
            ..
        } => {
            assert!(
                message
                    .as_ref()
                    .unwrap()
                    .as_str()
                    .contains("<script>alert(1)</script>")
            );
            let d = description.as_ref().unwrap().as_str();
            assert!(
                d.contains("deploy/web.yaml:21:11") && d.contains("fix: Add a `readinessProbe`"),
                "{d}"
            );
        }
        other => panic!("NW001 should fail: {other:?}"),
    }
    assert!(
        nw.test_cases
            .iter()
            .any(|c| c.name.as_str() == "Ingress timeouts configured"
                && matches!(c.status, quick_junit::TestCaseStatus::Success { .. }))
    );
    assert!(!xml.contains("<script>"), "escaped in the XML text");
}

// ---------------------------------------------------------------- markdown

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown", out(Format::Markdown));
}

#[test]
fn markdown_escapes_and_folds() {
    let md = out(Format::Markdown);
    assert!(!md.contains("<script>"), "HTML in messages is escaped");
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        md.contains("logs lack pod\\_name \\| namespace (\\*not\\* structured, see \\[docs\\])")
    );
    assert!(
        md.contains("clients get 502 \\| 503"),
        "pipes escaped in table cells"
    );
    // Every table row has as many cells as its header.
    for block in md.split("\n\n") {
        let rows: Vec<&str> = block.lines().filter(|l| l.starts_with('|')).collect();
        if let Some(head) = rows.first() {
            let cells = |l: &str| l.replace("\\|", "").matches('|').count();
            for r in &rows {
                assert_eq!(cells(r), cells(head), "row {r:?} in\n{block}");
            }
        }
    }
    assert!(md.contains("<details><summary>CP001 7 findings</summary>"));
    assert!(md.contains("- [x] Ingress timeouts configured"));
    assert!(md.contains("- [ ] All pods have Requests/Limits — **7 failing**"));
    assert!(md.contains("- [ ] Structured logs with trace\\_id, node\\_name, zone — _unknown_: no log lines in the input"));
    // The multi-line fix is a fenced block, verbatim.
    assert!(md.contains("```text\nRecreate the class with `volumeBindingMode: WaitForFirstConsumer` (the field is immutable):\napiVersion: storage.k8s.io/v1\n"));
}

/// A report far over a comment: many rules on thousands of objects with
/// distinct messages and fixes, many incidents, many input problems.
fn huge_report() -> Report {
    let mut r = sample::report();
    let base = r.findings.clone();
    let mut findings = Vec::new();
    for (k, f0) in base.iter().enumerate() {
        for i in 0..2_000 {
            let mut f = f0.clone();
            f.rule = format!("{}{k}", &f0.rule[..2]).into();
            f.object.name = format!("workload-{k}-{i}");
            f.object.namespace = Some(format!("team-{}", i % 40));
            f.message = format!("{} (replica set {i}, `quoted | piped` text)", f0.message);
            f.fix = format!("{} — object {i}", f0.fix).into();
            findings.push(f);
        }
    }
    r.findings = findings;
    let d0 = r.diagnoses[0].clone();
    r.diagnoses = (0..400)
        .map(|i| {
            let mut d = d0.clone();
            d.symptom.object.name = format!("pod-{i}");
            d.root_cause.object.name = format!("cause-{i}");
            d.incident = i + 1;
            d
        })
        .collect();
    r.notes = (0..300)
        .map(|i| format!("file-{i}.yaml:3:1: not YAML"))
        .collect();
    let n = r.findings.len();
    r.finalize(n);
    r
}

#[test]
fn markdown_fits_a_github_comment_and_counts_what_it_leaves_out() {
    let r = huge_report();
    let md = out_of(&r, Format::Markdown, false);
    assert!(
        md.chars().count() <= markdown::COMMENT_LIMIT && md.len() <= markdown::COMMENT_LIMIT,
        "{} characters",
        md.chars().count()
    );
    // The last line counts what was left out.
    let last = md.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("… ")
            && last.ends_with("not shown; see the full report (`-o html` or `-o json`)."),
        "{last}"
    );
    let shown_incidents = md.matches("Root cause in the").count();
    assert!(
        shown_incidents > 0 && shown_incidents < 400,
        "{shown_incidents}"
    );
    assert!(
        last.contains(&format!("{} more incidents", 400 - shown_incidents)),
        "{last}"
    );
    let more: usize = last
        .split(", ")
        .find_map(|p| {
            p.strip_suffix(
                " more findings not shown; see the full report (`-o html` or `-o json`).",
            )
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of findings: {last}"));
    assert!(more > 0 && more < r.findings.len(), "{more}");
    // Rules show fewer rows rather than disappear.
    for (rule, _) in crate::by_rule(&r.findings) {
        assert!(
            md.contains(&format!("\n**{rule}** `")),
            "{rule} has a heading"
        );
    }
    // The checklist and the input problems are kept, the notes counted.
    assert!(md.contains("### Cluster Readiness Checklist"));
    assert!(md.contains("- [ ] All pods have Requests/Limits"));
    assert!(md.contains("### Input problems"));
    assert!(
        md.contains("- … and 280 more input problems (see the full report)"),
        "notes counted"
    );
    // Nothing is cut in the middle: every `<details>` is closed, every table
    // row complete, every code span closed.
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    for block in md.split("\n\n") {
        let rows: Vec<&str> = block.lines().filter(|l| l.starts_with('|')).collect();
        if let Some(head) = rows.first() {
            let cells = |l: &str| l.replace("\\|", "").matches('|').count();
            for row in &rows {
                assert!(row.ends_with('|'), "{row}");
                assert_eq!(cells(row), cells(head), "{row}");
            }
        }
    }
    for line in md.lines().filter(|l| !l.starts_with("```")) {
        assert_eq!(line.matches('`').count() % 2, 0, "{line}");
    }
    // Verbose writes everything; the job summary stays small.
    let all = out_of(&r, Format::Markdown, true);
    assert!(all.len() > 10 * markdown::COMMENT_LIMIT);
    assert!(!all.contains("not shown; see the full report"));
    assert!(render_summary(&r).len() < 8_000);
}

#[test]
fn markdown_under_the_limit_is_not_cut() {
    let md = out(Format::Markdown);
    assert!(md.len() < 20_000);
    assert!(
        !md.contains("not shown; see the full report"),
        "nothing to count"
    );
    // The same report in less room: whole rows only, and the count.
    let r = sample::report();
    let cut = markdown::report_within(&r, &opts(false, false), md.len() - 1_500);
    assert!(cut.len() <= md.len() - 1_500, "{}", cut.len());
    assert!(
        cut.ends_with("not shown; see the full report (`-o html` or `-o json`).\n"),
        "{cut}"
    );
    assert!(cut.contains("### Cluster Readiness Checklist"));
    assert_eq!(
        cut.matches("<details>").count(),
        cut.matches("</details>").count()
    );
}

#[test]
fn summary_is_compact_with_checklist_incidents_and_rule_counts() {
    let r = sample::report();
    let s = render_summary(&r);
    assert!(
        s.starts_with("### day2 · `snapshot.json` · 12 findings · 2 incidents"),
        "{s}"
    );
    for l in Loop::ALL {
        assert!(s.contains(&format!("| {} | ", l.as_str())), "{l}");
    }
    assert!(s.contains("1. "), "incidents numbered: {s}");
    // Rules counted, worst first; objects never listed.
    assert!(
        s.contains("| CP001 missing-resource-requests | high | compute | 7 |"),
        "{s}"
    );
    let crit = s.find("| critical |").unwrap();
    let high = s.find("| high |").unwrap();
    assert!(crit < high, "{s}");
    assert!(!s.contains("web-0"), "no object rows: {s}");
}

// ---------------------------------------------------------------- html

#[test]
fn headers_name_the_capture_time_or_say_it_is_unknown() {
    let header = |r: &Report| {
        let html = render(r, &sample::rules(), Format::Html, &opts(false, false)).unwrap();
        let h = between(&html, "<header class=\"top\">", "</header>").to_owned();
        let text = render(r, &sample::rules(), Format::Text, &opts(false, false)).unwrap();
        let md = render(r, &sample::rules(), Format::Markdown, &opts(false, false)).unwrap();
        let json: Value = serde_json::from_str(
            &render(r, &sample::rules(), Format::Json, &opts(false, false)).unwrap(),
        )
        .unwrap();
        (
            h,
            text.lines().next().unwrap_or_default().to_owned(),
            md.lines().nth(2).unwrap_or_default().to_owned(),
            json["source"].clone(),
        )
    };
    // A day2 snapshot says when it was taken.
    let mut r = sample::report();
    r.source.captured_at = "2026-01-01T09:10:00Z".parse().ok();
    let (h, text, md, json) = header(&r);
    assert!(
        h.contains("<dt>captured</dt><dd><time datetime=\"2026-01-01T09:10:00Z\">2026-01-01T09:10:00Z</time></dd>"),
        "{h}"
    );
    assert!(text.ends_with("· captured 2026-01-01T09:10:00Z"), "{text}");
    assert!(md.contains(" · captured 2026-01-01T09:10:00Z · "), "{md}");
    assert_eq!(json["captured_at"], "2026-01-01T09:10:00Z");
    // A `kubectl get -o json` list does not: the page says so and nothing is guessed.
    r.source.captured_at = None;
    let (h, text, md, json) = header(&r);
    assert!(h.contains("<dt>captured</dt><dd>unknown</dd>"), "{h}");
    assert!(
        !text.contains("captured") && !md.contains("captured"),
        "{text}\n{md}"
    );
    assert!(json.get("captured_at").is_none(), "{json}");
    // Manifests are not a capture.
    r.source.kind = "manifests".into();
    let (h, ..) = header(&r);
    assert!(!h.contains("captured"), "{h}");
}

#[test]
fn html_snapshot() {
    // The markup, a tag a line; the style and script (static, checked by the
    // browser test) and their digests left out.
    let html = out(Format::Html);
    let cut = |s: &str, open: &str, close: &str| -> String {
        match (s.find(open), s.find(close)) {
            (Some(a), Some(b)) if a < b => format!("{}…{}", &s[..a + open.len()], &s[b..]),
            _ => s.to_owned(),
        }
    };
    let mut page = cut(&html, "<style>", "</style>");
    page = cut(&page, "<script>", "</script>");
    page = cut(
        &page,
        "content=\"default-src",
        "\"><meta name=\"color-scheme",
    );
    insta::assert_snapshot!("html", page.replace("><", ">\n<"));
}

/// The text between `open` and the next `close` after it.
fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let i = s.find(open).map_or(s.len(), |i| i + open.len());
    let rest = &s[i..];
    &rest[..rest.find(close).unwrap_or(rest.len())]
}

#[test]
fn html_is_self_contained_and_escaped() {
    let html = out(Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // One script, the page's own; a message's <script> is text.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for external in [
        "<link",
        "src=",
        "@import",
        "http://",
        "<iframe",
        "<object",
        "fetch(",
        "XMLHttpRequest",
        "innerHTML",
    ] {
        assert!(!html.contains(external), "external reference `{external}`");
    }
    // `url(…)` only for the page's own SVG markers.
    for u in html.split("url(").skip(1) {
        assert!(u.starts_with('#'), "external url({u:.40}");
    }
    // Links within the page go to sections that exist; the others only to
    // the rules' documentation.
    for link in html.split("href=\"").skip(1) {
        let target = link.split('"').next().unwrap();
        match target.strip_prefix('#') {
            Some(id) => assert!(html.contains(&format!("id=\"{id}\"")), "dead link #{id}"),
            None => assert!(
                target.starts_with(html::RULE_DOCS),
                "external link {target}"
            ),
        }
    }
    // The policy forbids everything but the page's own style and script,
    // named by their digests.
    let csp = between(&html, "Content-Security-Policy\" content=\"", "\"");
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    let style = between(&html, "<style>", "</style>");
    let script = between(&html, "<script>", "</script>");
    for (kind, block) in [("style-src", style), ("script-src", script)] {
        let hash = format!("{kind} 'sha256-{}'", html::digest_base64(block.as_bytes()));
        assert!(csp.contains(&hash), "{kind} digest in {csp}");
    }
    assert!(html.contains("Add a <code>readinessProbe</code> that"));
    assert!(
        html.contains("Recreate the class with `volumeBindingMode: WaitForFirstConsumer`"),
        "a multi-line fix stays verbatim"
    );
    // Tags balance (a cheap well-formedness check of what we emit).
    for tag in [
        "table", "section", "details", "ul", "ol", "pre", "code", "p", "li", "h2", "h3", "svg",
        "a", "g", "text", "summary", "form", "select", "main", "header",
    ] {
        assert_eq!(
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count(),
            html.matches(&format!("</{tag}>")).count(),
            "<{tag}> balanced"
        );
    }
}

#[test]
fn html_reads_checklist_loops_incidents_then_findings() {
    let html = out(Format::Html);
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(at("id=\"checklist\"") < at("id=\"loops\""));
    assert!(at("id=\"loops\"") < at("id=\"incidents\""));
    assert!(at("id=\"incidents\"") < at("id=\"findings\""));
    // The checklist counts each loop's items by status.
    let storage = between(&html, "id=\"cl-storage\"", "</article>");
    assert!(storage.contains("fail"), "{storage}");
    // The loop picture: each loop with its count, and an arrow from the
    // symptom's loop to the cause's.
    let svg = between(&html, "<svg class=\"loops\"", "</svg>");
    for l in Loop::ALL {
        assert!(
            svg.contains(&format!("data-loop=\"{}\"", l.as_str())),
            "{l}"
        );
    }
    assert!(
        svg.contains("data-from=\"compute\" data-to=\"storage\""),
        "cross-loop arrow: {svg}"
    );
    assert!(svg.contains("incident #1"));
    // The incident's chain drawn in lanes: one marker per link, each a link
    // to its row in the list.
    let chain = sample::report()
        .diagnoses
        .iter()
        .map(|d| d.chain.len())
        .max()
        .unwrap();
    let lanes = between(&html, "<svg class=\"lanes\"", "</svg>");
    assert_eq!(lanes.matches("class=\"ev\"").count(), chain);
    for i in 1..=chain {
        assert!(html.contains(&format!("<li id=\"i1-e{i}\"")), "event {i}");
    }
    assert!(lanes.contains(">Storage<") && lanes.contains(">Compute<"));
    // The fix beside it, with a copy button the script reveals.
    assert!(html.contains("<pre id=\"fix-1\">"));
    assert!(html.contains("data-copy=\"fix-1\" hidden"));
}

#[test]
fn html_findings_are_grouped_by_rule_with_filters_and_counts() {
    let html = out(Format::Html);
    let r = sample::report();
    for (rule, g) in by_rule(&r.findings) {
        let head = format!(
            "data-rule=\"{rule}\" data-loop=\"{}\" data-sev=\"{}\" data-count=\"{}\"",
            g[0].loop_.as_str(),
            g[0].severity.as_str(),
            g.len()
        );
        assert!(html.contains(&head), "{head}");
        assert!(
            html.contains(&format!("<option value=\"{rule}\">")),
            "rule filter {rule}"
        );
    }
    for id in ["f-q", "f-loop", "f-sev", "f-ns", "f-rule"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // A rule on many objects is folded, one on few is open.
    assert!(html.contains("data-count=\"7\">"), "CP001 folded");
}

#[test]
fn html_carries_a_bounded_number_of_rows_per_rule_unless_verbose() {
    let mut r = sample::report();
    let f0 = r.findings[0].clone();
    let n = html::ROWS_PER_RULE + 50;
    r.findings = (0..n)
        .map(|i| {
            let mut f = f0.clone();
            f.object.name = format!("obj-{i}");
            f.object.namespace = Some(format!("ns-{}", i % 3));
            f
        })
        .collect();
    r.finalize(n);
    let rows = |verbose| {
        let html = render(&r, &sample::rules(), Format::Html, &opts(false, verbose)).unwrap();
        let rows = between(&html, "<table class=\"rows\"", "</table>")
            .matches("<tr data-ns")
            .count();
        (rows, html)
    };
    let (short, html) = rows(false);
    assert_eq!(short, html::ROWS_PER_RULE);
    assert!(html.contains(&format!(
        "This page holds {} of {n} objects",
        html::ROWS_PER_RULE
    )));
    // The count per namespace covers every finding, shown or not.
    let agg = between(&html, "<details class=\"nsagg\">", "</details>");
    assert!(
        agg.contains("<tr data-ns=\"ns-0\"><td>ns-0</td><td>84</td></tr>"),
        "{agg}"
    );
    assert_eq!(rows(true).0, n);
}

#[test]
fn html_of_many_incidents_draws_the_first_and_lists_the_rest() {
    let mut r = sample::report();
    let d0 = r.diagnoses[0].clone();
    r.diagnoses = (0..html::DRAWN_INCIDENTS + 5)
        .map(|i| {
            let mut d = d0.clone();
            d.root_cause.object.name = format!("cause-{i}");
            d.incident = i as u32 + 1;
            d
        })
        .collect();
    let html = render(&r, &sample::rules(), Format::Html, &opts(false, false)).unwrap();
    assert_eq!(
        html.matches("aria-labelledby=\"inc-").count(),
        html::DRAWN_INCIDENTS
    );
    assert!(html.contains("More incidents"));
    assert!(html.contains("cause-16"));
}

// ---------------------------------------------------------------- every format

#[test]
fn every_format_renders_an_empty_report() {
    for f in Format::ALL {
        let s = render(&empty_report(), &[], f, &opts(false, false)).unwrap();
        assert!(!s.is_empty(), "{f}");
    }
}

#[test]
fn formats_parse_from_their_names() {
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
        assert_eq!(f.to_string(), f.as_str());
    }
    assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
    assert_eq!("JSON".parse::<Format>().unwrap(), Format::Json);
    let e = "yaml".parse::<Format>().unwrap_err().to_string();
    assert!(e.contains("`yaml`") && e.contains("sarif"), "{e}");
}

#[cfg(feature = "clap")]
#[test]
fn formats_are_a_clap_value_enum() {
    use clap::ValueEnum;
    let names: Vec<String> = Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value())
        .map(|v| v.get_name().to_owned())
        .collect();
    assert_eq!(
        names,
        ["text", "json", "sarif", "junit", "markdown", "html"]
    );
    assert_eq!(
        <Format as ValueEnum>::from_str("md", true).unwrap(),
        Format::Markdown
    );
}

// ---------------------------------------------------------------- catalogue

#[test]
fn catalogue_formats() {
    let rules = sample::rules();
    let t = render_rules(&rules, Format::Text, false).unwrap();
    insta::assert_snapshot!("rules_text", t);
    assert!(t.contains("5 rules."));
    let j: Value =
        serde_json::from_str(&render_rules(&rules, Format::Json, false).unwrap()).unwrap();
    assert_eq!(j["schema"], "day2/v1");
    assert_eq!(
        keys(&j["rules"][0]),
        ["code", "loop", "name", "severity", "summary"]
            .into_iter()
            .collect()
    );
    assert_eq!(j["rules"][3]["code"], "ST001");
    assert_eq!(j["rules"][3]["loop"], "storage");
    let md = render_rules(&rules, Format::Markdown, false).unwrap();
    assert!(
        md.contains("Logs lack pod\\_name \\| namespace context"),
        "{md}"
    );
    let e = render_rules(&rules, Format::Sarif, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("day2 rules") && e.contains("sarif"), "{e}");
}

#[test]
fn rule_docs_read_well_on_a_terminal() {
    let rule = &sample::rules()[3];
    let t = render_rule(rule, Format::Text, false).unwrap();
    insta::assert_snapshot!("rule_text", t);
    assert!(t.starts_with("ST001 immediate-binding-zonal-storage\n"));
    assert!(t.contains("\nWHY IT MATTERS\n"));
    assert!(
        t.contains("  • loop: storage\n"),
        "list items, markup dropped"
    );
    assert!(t.contains("    kind: StorageClass\n"), "code indented");
    assert!(
        !t.contains("```") && !t.contains("**") && !t.contains('`'),
        "{t}"
    );
    let coloured = render_rule(rule, Format::Text, true).unwrap();
    assert_eq!(strip_ansi(&coloured), t);
    assert_eq!(
        render_rule(rule, Format::Markdown, false).unwrap(),
        rule.docs
    );
    let j: Value = serde_json::from_str(&render_rule(rule, Format::Json, false).unwrap()).unwrap();
    assert_eq!(j["rule"]["code"], "ST001");
    assert_eq!(j["rule"]["docs"], rule.docs.as_str());
}

#[test]
fn text_cuts_long_evidence_unless_verbose() {
    let mut r = sample::report();
    let long = format!(
        "Warning FailedScheduling: {} the end",
        "0/9 nodes are available. ".repeat(30)
    );
    r.diagnoses[0].chain[2].evidence = vec![long];
    let t = render(&r, &[], Format::Text, &opts(false, false)).unwrap();
    let cut: Vec<&str> = t.lines().filter(|l| l.contains("0/9 nodes")).collect();
    assert_eq!(cut.len(), 3, "{t}");
    assert!(cut[2].ends_with(" …"));
    assert!(!t.contains("the end"));
    let v = render(&r, &[], Format::Text, &opts(false, true)).unwrap();
    assert!(v.contains("the end"), "verbose shows all of it");
}

// ---------------------------------------------------------------- hostile text

/// A report whose names and messages carry terminal escapes, Markdown and
/// mentions, as a cluster's objects and events may.
fn hostile_report() -> Report {
    let mut r = sample::report();
    let evil = "\u{1b}]0;owned\u{7}\u{1b}[2J";
    r.findings[0].object.name = format!("web{evil}");
    r.findings[0].message = format!("see https://evil.example/x and ping @admin {evil} `tick");
    if let Some(d) = r.diagnoses.first_mut() {
        d.symptom
            .evidence
            .push(format!("Warning BackOff: {evil} cc @oncall"));
        d.root_cause.summary = format!("root {evil} [click](https://evil.example)");
        if let Some(l) = d.chain.first_mut() {
            l.what = format!("what {evil} | pipe");
        }
    }
    r.notes.push(format!("input {evil} note"));
    r
}

#[test]
fn no_format_sends_a_control_character_from_the_report() {
    let r = hostile_report();
    for f in Format::ALL {
        let s = render(&r, &sample::rules(), f, &opts(false, true)).unwrap();
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{f}:\n{s}");
    }
    let text = render(&r, &sample::rules(), Format::Text, &opts(false, true)).unwrap();
    assert!(
        text.contains("web\\u{1b}]0;owned\\u{7}\\u{1b}[2J"),
        "shown, not acted on:\n{text}"
    );
    // With colour, the only escapes are the renderer's own SGR sequences.
    let coloured = render(&r, &sample::rules(), Format::Text, &opts(true, true)).unwrap();
    for seq in coloured.split('\u{1b}').skip(1) {
        let n = seq
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b';')
            .count();
        assert!(seq.starts_with('[') || n > 0, "only CSI: {seq:?}");
        let body = &seq[1..];
        let n = body
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b';')
            .count();
        assert_eq!(body.as_bytes().get(n), Some(&b'm'), "only SGR: {seq:?}");
    }
}

#[test]
fn markdown_links_and_mentions_from_the_cluster_stay_inert() {
    let md = render(
        &hostile_report(),
        &sample::rules(),
        Format::Markdown,
        &opts(false, true),
    )
    .unwrap();
    for live in ["@admin", "@oncall", "https://evil.example"] {
        for (i, _) in md.match_indices(live) {
            assert_eq!(
                md[..i].matches('`').count() % 2,
                1,
                "{live} is inside a code span at {i}:\n{md}"
            );
        }
    }
    assert!(!md.contains("[click](https"), "no live link:\n{md}");
    assert!(md.contains("\\`tick"), "an unmatched backtick is escaped");
    assert!(md.contains("what \\\\u{1b}"), "{md}");
}

#[test]
fn an_unexplained_diagnosis_says_its_cause_is_not_in_the_input_in_every_format() {
    // The sample's second diagnosis (a registry timeout) is unexplained; its
    // first names a root cause in the storage loop.
    let r = sample::report();
    assert!(r.diagnoses[1].unexplained && !r.diagnoses[0].unexplained);
    for f in [Format::Text, Format::Markdown, Format::Html, Format::Sarif] {
        let o = out(f);
        let lower = o.to_lowercase();
        assert!(
            lower.contains("cause not in the input"),
            "{f:?} does not say the cause is not in the input"
        );
        // Said once per unexplained incident and section, not for the explained one.
        assert!(
            !lower.contains("cause not in the input: `storageclass/gp3"),
            "{f:?} calls the explained incident unexplained"
        );
    }
    let sarif: Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let unexplained: Vec<&Value> = results
        .iter()
        .filter(|x| x["properties"]["unexplained"] == Value::Bool(true))
        .collect();
    assert_eq!(unexplained.len(), 1);
    assert!(
        unexplained[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("ImagePullBackOff on Pod/shop/api-1: cause not in the input")
    );
    // The text incident header names no loop for it.
    let text = strip_ansi(&out(Format::Text));
    assert!(text.contains("Incident 2: cause not in the input — Pod/shop/api-1"));
    assert!(!text.contains("root cause in network — Pod/shop/api-1"));
}
