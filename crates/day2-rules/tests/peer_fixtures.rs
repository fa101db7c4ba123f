//! The peer checks a rule claims to cover (`RuleMeta::peers`) are exercised
//! by fixtures of day2's own, written from the same concern, next to the
//! rule's `fire.yaml` and `silent.yaml`:
//!
//! - `fixtures/<CODE>/peer-<case>.fire.yaml` / `.silent.yaml`: the peer check's
//!   firing case and its main non-firing cases, where day2 agrees;
//! - `fixtures/<CODE>/differs-<case>.fire.yaml` / `.silent.yaml`: where day2
//!   deliberately decides otherwise than the peer (the rule's documentation
//!   then says so under "Differs from peers").
//!
//! Each such file starts with comment lines `# peer: <Tool> <check> — <repo>:<path>`
//! naming every peer check it mirrors and the peer's source it was written
//! from (after an optional `# source: snapshot|live` first line). A `differs-`
//! file also has a `# differs:` line saying what the peer does instead. An
//! optional `# severity: <level>` line says the severity every finding of a
//! `.fire.yaml` fixture has.

use day2_rules::registry::PEERS;
use day2_rules::{Config, Context, RuleMeta};
use day2_sources::testing::{cluster_from_yaml, fixture_source};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The checks a `peers` entry names: `"Tool a, b (note)"` → `(Tool, [a, b])`.
fn claimed(entry: &str) -> (&str, Vec<String>) {
    let (tool, rest) = entry.split_once(' ').unwrap_or((entry, ""));
    let mut plain = String::new();
    let mut depth = 0;
    for ch in rest.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(ch),
            _ => {}
        }
    }
    let checks = plain
        .split(',')
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    (tool, checks)
}

struct PeerFixture {
    path: PathBuf,
    text: String,
    fire: bool,
    differs: bool,
    /// The severity every finding must have (`# severity:`), if said.
    severity: Option<String>,
    /// `Tool check` named by each `# peer:` line.
    names: Vec<String>,
}

fn peer_fixtures(m: &RuleMeta) -> Vec<PeerFixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(m.code);
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name == "fire.yaml" || name == "silent.yaml" {
            continue;
        }
        let differs = name.starts_with("differs-");
        assert!(
            name.starts_with("peer-") || differs,
            "{}: a rule fixture is fire.yaml, silent.yaml, peer-*.yaml or differs-*.yaml",
            path.display()
        );
        let fire = if name.ends_with(".fire.yaml") {
            true
        } else if name.ends_with(".silent.yaml") {
            false
        } else {
            panic!("{}: ends in .fire.yaml or .silent.yaml", path.display())
        };
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header: Vec<&str> = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .filter(|l| !l.starts_with("# source:"))
            .collect();
        let mut names = Vec::new();
        for line in &header {
            if let Some(rest) = line.strip_prefix("# peer: ") {
                let (named, source) = rest.split_once(" — ").unwrap_or_else(|| {
                    panic!(
                        "{}: `# peer: <Tool> <check> — <repo>:<path>` names the peer's source: {line}",
                        path.display()
                    )
                });
                assert!(
                    source.contains('/') && source.contains(':'),
                    "{}: the peer's source is `<owner>/<repo>:<path>`: {line}",
                    path.display()
                );
                let tool = named.split(' ').next().unwrap_or_default();
                assert!(
                    PEERS.contains(&tool),
                    "{}: unknown peer tool {tool:?}",
                    path.display()
                );
                names.push(named.trim().to_owned());
            }
        }
        assert!(
            !names.is_empty(),
            "{}: starts with `# peer:` lines naming the peer checks it mirrors",
            path.display()
        );
        if differs {
            assert!(
                header.iter().any(|l| l.starts_with("# differs: ")),
                "{}: a differs- fixture says what the peer does with a `# differs:` line",
                path.display()
            );
        }
        let severity = header
            .iter()
            .find_map(|l| l.strip_prefix("# severity: "))
            .map(|s| s.trim().to_owned());
        out.push(PeerFixture {
            path,
            text,
            fire,
            differs,
            severity,
            names,
        });
    }
    out
}

/// Each peer fixture fires or stays silent as its name says, with the rule
/// enabled alone.
#[test]
fn peer_fixtures_fire_and_stay_silent() {
    let mut failures = Vec::new();
    for r in day2_rules::all() {
        let m = r.meta();
        let only = Config {
            enable: vec![m.code.to_owned()],
            ..Config::default()
        };
        for f in peer_fixtures(m) {
            let cluster = cluster_from_yaml(&f.text, fixture_source(&f.text))
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path.display()));
            let cx = Context::new(&cluster, &only);
            let findings = day2_rules::run(&cx);
            let shown = f
                .path
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(&f.path)
                .display()
                .to_string();
            if f.fire && findings.is_empty() {
                failures.push(format!("{} did not fire on {shown}", m.code));
            } else if !f.fire && !findings.is_empty() {
                let msgs: Vec<_> = findings
                    .iter()
                    .map(|x| format!("  {}: {}", x.object, x.message))
                    .collect();
                failures.push(format!("{} fired on {shown}:\n{}", m.code, msgs.join("\n")));
            }
            if let Some(want) = &f.severity {
                for x in findings.iter().filter(|x| x.severity.to_string() != *want) {
                    failures.push(format!(
                        "{} reported [{}] instead of [{want}] on {shown}: {}",
                        m.code, x.severity, x.message
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A rule claims a peer check only where a fixture of its own exercises
/// that check's concern; a rule that differs from its peers says so.
#[test]
fn every_claimed_peer_check_has_a_fixture() {
    let mut missing = Vec::new();
    let mut claimed_total = 0;
    let mut undocumented = Vec::new();
    for r in day2_rules::all() {
        let m = r.meta();
        let fixtures = peer_fixtures(m);
        let named: BTreeSet<&str> = fixtures
            .iter()
            .flat_map(|f| f.names.iter().map(String::as_str))
            .collect();
        for entry in m.peers {
            let (tool, checks) = claimed(entry);
            assert!(
                PEERS.contains(&tool),
                "{}: unknown peer tool in {entry:?}",
                m.code
            );
            for check in checks {
                claimed_total += 1;
                let want = format!("{tool} {check}");
                if !named.contains(want.as_str()) {
                    missing.push(format!("{}: {want}", m.code));
                }
            }
        }
        if fixtures.iter().any(|f| f.differs) && !m.docs().contains("Differs from peers") {
            undocumented.push(m.code);
        }
    }
    assert!(claimed_total > 0);
    assert!(
        missing.is_empty(),
        "peer checks claimed without a fixture naming them (`# peer: <Tool> <check> — <source>`):\n{}",
        missing.join("\n")
    );
    assert!(
        undocumented.is_empty(),
        "rules with differs- fixtures and no \"Differs from peers\" note in their documentation: {}",
        undocumented.join(", ")
    );
}

#[test]
fn peer_entries_parse() {
    assert_eq!(
        claimed("Checkov CKV_SECRET_2 (AWS key ids by value, secrets framework)"),
        ("Checkov", vec!["CKV_SECRET_2".to_owned()])
    );
    assert_eq!(
        claimed("KubeLinter liveness-port, readiness-port, startup-port"),
        (
            "KubeLinter",
            vec![
                "liveness-port".to_owned(),
                "readiness-port".to_owned(),
                "startup-port".to_owned()
            ]
        )
    );
}
