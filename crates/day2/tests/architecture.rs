//! The house rules of the workspace's layout, checked on the source:
//! no circle between the files of a crate, and no file far over the size of
//! one thing.
//!
//! A file depends on another when it names an item of it by path
//! (`crate::a::b`, `super::x`, `self::y`, or a child module by name). A
//! module and its own submodules are one unit: a parent that dispatches to
//! its children and children that share their parent's helpers are not a
//! circle. Between sibling modules, at every level, dependencies must run
//! one way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` → `[a, b]`; `src/a/mod.rs` → `[a]`; `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut m: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(m.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        m.pop();
    }
    m
}

/// The code of a file without comments and without its test module.
fn code(text: &str) -> String {
    let body = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path the code names that starts at `crate`, `super` or `self`
/// (use groups expanded one level), as (start, segments).
fn paths(code: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == ':');
        let rest: String = bytes[i..bytes.len().min(i + 6)].iter().collect();
        let head = ["crate", "super", "self"]
            .into_iter()
            .find(|h| rest.starts_with(h));
        let (Some(head), true) = (head, starts_word) else {
            i += 1;
            continue;
        };
        let mut j = i + head.len();
        if j < bytes.len() && is_ident(bytes[j]) {
            i = j;
            continue;
        }
        let mut segs = Vec::new();
        let mut group = None;
        while j + 1 < bytes.len() && bytes[j] == ':' && bytes[j + 1] == ':' {
            j += 2;
            if bytes.get(j) == Some(&'{') {
                let end = bytes[j..]
                    .iter()
                    .position(|&c| c == '}')
                    .map_or(bytes.len(), |p| j + p);
                group = Some(bytes[j + 1..end].iter().collect::<String>());
                j = end;
                break;
            }
            let s = j;
            while j < bytes.len() && is_ident(bytes[j]) {
                j += 1;
            }
            segs.push(bytes[s..j].iter().collect::<String>());
        }
        match group {
            Some(g) => {
                for item in g.split(',') {
                    let item = item.split(" as ").next().unwrap_or("").trim();
                    let mut p = segs.clone();
                    p.extend(
                        item.split("::")
                            .map(str::trim)
                            .filter(|s| !s.is_empty() && *s != "self" && !s.starts_with('{'))
                            .map(str::to_owned),
                    );
                    out.push((head.to_owned(), p));
                }
            }
            // `pub(super)`, `pub(crate)`: visibility, not a dependency.
            None if segs.is_empty() => {}
            None => out.push((head.to_owned(), segs)),
        }
        i = j.max(i + 1);
    }
    out
}

/// File-level dependencies of one crate.
fn dependencies(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Module, PathBuf> = files
        .iter()
        .map(|f| (module_of(src, f), f.clone()))
        .collect();
    let mut deps: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let code = code(&text);
        let entry = deps.entry(m.clone()).or_default();
        // A child module named by its bare name (`child::item`).
        for child in modules
            .keys()
            .filter(|k| k.len() == m.len() + 1 && k.starts_with(m))
        {
            let name = format!("{}::", child[m.len()]);
            let named = code.match_indices(&name).any(|(i, _)| {
                code[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !is_ident(c) && c != ':')
            });
            if named {
                entry.insert(child.clone());
            }
        }
        for (head, segs) in paths(&code) {
            let mut full: Module = match head.as_str() {
                "crate" => Vec::new(),
                "super" => m[..m.len().saturating_sub(1)].to_vec(),
                _ => m.clone(),
            };
            let mut segs = segs.as_slice();
            while head == "super" && segs.first().is_some_and(|s| s == "super") {
                full.pop();
                segs = &segs[1..];
            }
            full.extend(segs.iter().cloned());
            let target = (0..=full.len())
                .rev()
                .map(|k| full[..k].to_vec())
                .find(|k| modules.contains_key(k))
                .unwrap_or_default();
            if &target != m {
                entry.insert(target);
            }
        }
    }
    deps
}

/// Dependencies between siblings: an edge between two files becomes one
/// between the children of their deepest common module; a file and its own
/// ancestor are one unit.
fn sibling_edges(deps: &BTreeMap<Module, BTreeSet<Module>>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (a, bs) in deps {
        for b in bs {
            if a.starts_with(b) || b.starts_with(a) {
                continue;
            }
            let k = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            out.entry(a[..=k].to_vec())
                .or_default()
                .insert(b[..=k].to_vec());
        }
    }
    out
}

/// The circles of a graph (strongly connected components with more than
/// one member).
fn circles(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    let nodes: BTreeSet<&Module> = g.keys().chain(g.values().flatten()).collect();
    let reach = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for m in g.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    stack.push(m.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Module, BTreeSet<Module>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(*n) {
            continue;
        }
        let scc: Vec<Module> = nodes
            .iter()
            .filter(|m| reaches[*n].contains(**m) && reaches[**m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        done.extend(scc.iter().cloned());
        if scc.len() > 1 {
            out.push(scc);
        }
    }
    out
}

fn crates() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(workspace().join("crates"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.path().join("src"),
            )
        })
        .filter(|(_, src)| src.is_dir())
        .collect();
    out.push(("bench".into(), workspace().join("bench/src")));
    out.sort();
    out
}

fn show(m: &Module) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_circles_between_the_files_of_a_crate() {
    let mut found = Vec::new();
    for (name, src) in crates() {
        let g = sibling_edges(&dependencies(&src));
        for c in circles(&g) {
            let inner: BTreeSet<&Module> = c.iter().collect();
            let edges: Vec<String> = c
                .iter()
                .flat_map(|a| {
                    g[a].iter()
                        .filter(|b| inner.contains(b))
                        .map(move |b| format!("{} → {}", show(a), show(b)))
                })
                .collect();
            found.push(format!("{name}: {}", edges.join(", ")));
        }
    }
    assert!(
        found.is_empty(),
        "circles between files:\n{}",
        found.join("\n")
    );
}

/// Files over this many lines must be one thing, and say so below.
const MAX_LINES: usize = 700;

/// Files allowed past [`MAX_LINES`], each one thing: a table, a format, a
/// decoder, a suite of tests.
const ONE_THING: &[(&str, &str)] = &[
    ("crates/day2-render/src/tests.rs", "the renderers' tests"),
    ("crates/day2-render/src/text.rs", "the text format"),
    ("crates/day2-render/src/markdown.rs", "the Markdown format"),
    (
        "crates/day2-sources/src/json.rs",
        "the streaming JSON reader",
    ),
    (
        "crates/day2-diagnose/src/messages/errors.rs",
        "the error-message families, one table with its tests",
    ),
    (
        "bench/src/synth/objects.rs",
        "the JSON of each generated object",
    ),
];

#[test]
fn no_file_is_far_over_the_size_of_one_thing() {
    let root = workspace();
    let mut long = Vec::new();
    for (_, src) in crates() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for f in files {
            let lines = std::fs::read_to_string(&f).map_or(0, |t| t.lines().count());
            let rel = f
                .strip_prefix(&root)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            let rel = rel.trim_start_matches("./").to_owned();
            if lines > MAX_LINES && !ONE_THING.iter().any(|(p, _)| rel.ends_with(p)) {
                long.push(format!("{rel}: {lines} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines that are not listed as one thing (split them, or list them with why they are one thing):\n{}",
        long.join("\n")
    );
    // Every listed file still exists: the list does not outlive the code.
    for (p, _) in ONE_THING {
        assert!(
            root.join(p).exists(),
            "{p} is listed as one thing but does not exist"
        );
    }
}

#[test]
fn the_checker_sees_a_circle_and_a_parent_is_not_one() {
    let m = |s: &str| -> Module {
        s.split("::")
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut deps = BTreeMap::new();
    deps.insert(m("a"), BTreeSet::from([m("b::x")]));
    deps.insert(m("b::x"), BTreeSet::from([m("b")]));
    deps.insert(m("b"), BTreeSet::from([m("b::x")]));
    assert!(
        circles(&sibling_edges(&deps)).is_empty(),
        "a parent and its child are one unit"
    );
    deps.insert(m("b::y"), BTreeSet::from([m("a")]));
    let c = circles(&sibling_edges(&deps));
    assert_eq!(c, vec![vec![m("a"), m("b")]]);

    let p = paths("use super::{parts, said};\npub(super) fn f() { crate::x::y(); self::z::w }");
    assert_eq!(
        p,
        vec![
            ("super".into(), vec!["parts".to_owned()]),
            ("super".into(), vec!["said".to_owned()]),
            ("crate".into(), vec!["x".to_owned(), "y".to_owned()]),
            ("self".into(), vec!["z".to_owned(), "w".to_owned()]),
        ]
    );
}
