//! Which of day2's kinds this server serves, at which version, and whether
//! they are namespaced: `/api/v1`, `/apis`, then the resource list of each
//! group-version day2 reads.

use crate::LiveError;
use crate::fetch::{Failure, Fetcher};
use crate::kinds::{KINDS, KindSpec};
use day2_model::Note;
use futures::StreamExt;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One kind to list, as this server serves it.
#[derive(Debug, Clone)]
pub struct Target {
    pub spec: &'static KindSpec,
    /// `v1`, `apps/v1`, `policy/v1beta1`, …
    pub api_version: String,
    pub kind: String,
    pub namespaced: bool,
}

impl Target {
    fn new(spec: &'static KindSpec, version: &str, kind: &str, namespaced: bool) -> Target {
        Target {
            spec,
            api_version: if spec.group.is_empty() {
                version.to_owned()
            } else {
                format!("{}/{version}", spec.group)
            },
            kind: kind.to_owned(),
            namespaced,
        }
    }

    /// `/api/v1` or `/apis/<group>/<version>`.
    pub fn base(&self) -> String {
        if self.spec.group.is_empty() {
            format!("/api/{}", self.api_version)
        } else {
            format!("/apis/{}", self.api_version)
        }
    }
}

pub(crate) struct Discovered {
    pub targets: Vec<Target>,
    pub notes: Vec<Note>,
}

#[derive(Deserialize)]
struct ResourceList {
    #[serde(default)]
    resources: Vec<ApiResource>,
}

#[derive(Deserialize)]
struct ApiResource {
    name: String,
    #[serde(default)]
    namespaced: bool,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    verbs: Vec<String>,
}

#[derive(Deserialize)]
struct GroupList {
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    name: String,
    #[serde(default)]
    versions: Vec<GroupVersion>,
    #[serde(default)]
    preferred_version: Option<GroupVersion>,
}

#[derive(Deserialize)]
struct GroupVersion {
    version: String,
}

pub(crate) fn note(message: String) -> Note {
    Note {
        at: String::new(),
        message,
    }
}

/// Errors that mean nothing can be read at all.
fn fatal(server: &str, f: &Failure) -> Option<LiveError> {
    match f {
        Failure::Auth(m) => Some(LiveError::Credentials {
            server: server.to_owned(),
            message: m.clone(),
        }),
        Failure::Status { code: 401, .. } => Some(LiveError::Unauthorized {
            server: server.to_owned(),
            message: f.to_string(),
        }),
        Failure::Timeout | Failure::Transport(_) => Some(LiveError::Unreachable {
            server: server.to_owned(),
            message: f.to_string(),
        }),
        Failure::Status { .. } => None,
    }
}

/// The built-in kinds at their usual versions, for servers whose discovery
/// cannot be read.
fn fallback(why: &Failure) -> Discovered {
    let targets = KINDS
        .iter()
        .filter(|k| !k.custom && k.instead_of.is_none())
        .map(|k| Target::new(k, k.versions[0], k.kind, k.namespaced))
        .collect();
    Discovered {
        targets,
        notes: vec![note(format!(
            "API discovery failed ({why}): listing the built-in kinds at their usual versions; \
             custom resources (ServiceMonitor, PolicyReport, …) were not read"
        ))],
    }
}

pub(crate) async fn discover(
    f: &Fetcher,
    server: &str,
    concurrency: usize,
) -> Result<Discovered, LiveError> {
    let core = match f.get("/api/v1").await {
        Ok(text) => parse_resources("/api/v1", &text)?,
        Err(e) => return fatal(server, &e).map_or_else(|| Ok(fallback(&e)), Err),
    };
    let groups: GroupList = match f.get("/apis").await {
        Ok(text) => serde_json::from_str(&text).map_err(|e| LiveError::Protocol {
            path: "/apis".into(),
            message: e.to_string(),
        })?,
        Err(e) => return fatal(server, &e).map_or_else(|| Ok(fallback(&e)), Err),
    };
    let served: BTreeMap<&str, &Group> =
        groups.groups.iter().map(|g| (g.name.as_str(), g)).collect();

    // The group-versions worth reading: every version day2 understands that the
    // server serves, plus the preferred version of groups of custom resources.
    let mut wanted: Vec<(String, &str)> = Vec::new();
    for k in KINDS.iter().filter(|k| !k.group.is_empty()) {
        let Some(g) = served.get(k.group) else {
            continue;
        };
        for v in candidates(k, g) {
            let gv = format!("{}/{v}", k.group);
            if !wanted.iter().any(|(w, _)| *w == gv) {
                wanted.push((gv, k.group));
            }
        }
    }
    let fetched: Vec<(String, Result<String, Failure>)> = futures::stream::iter(wanted.iter())
        .map(|(gv, _)| async move { (gv.clone(), f.get(&format!("/apis/{gv}")).await) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut lists: BTreeMap<String, ResourceList> = BTreeMap::new();
    lists.insert("v1".into(), core);
    let mut notes = Vec::new();
    let mut failed: BTreeMap<String, Failure> = BTreeMap::new();
    for (gv, r) in fetched {
        match r {
            Ok(text) => match parse_resources(&format!("/apis/{gv}"), &text) {
                Ok(list) => {
                    lists.insert(gv, list);
                }
                Err(e) => {
                    failed.insert(gv, Failure::Transport(e.to_string()));
                }
            },
            Err(e) => {
                if let Some(fatal) = fatal(server, &e)
                    && matches!(
                        fatal,
                        LiveError::Credentials { .. } | LiveError::Unauthorized { .. }
                    )
                {
                    return Err(fatal);
                }
                failed.insert(gv, e);
            }
        }
    }

    let find = |gv: &str, resource: &str| -> Option<&ApiResource> {
        lists
            .get(gv)?
            .resources
            .iter()
            .find(|r| r.name == resource && r.verbs.iter().any(|v| v == "list"))
    };
    let mut targets: Vec<Target> = Vec::new();
    for k in KINDS {
        let versions: Vec<&str> = if k.group.is_empty() {
            vec!["v1"]
        } else {
            match served.get(k.group) {
                Some(g) => candidates(k, g),
                None => continue,
            }
        };
        let found = versions.iter().find_map(|v| {
            let gv = if k.group.is_empty() {
                (*v).to_owned()
            } else {
                format!("{}/{v}", k.group)
            };
            find(&gv, k.resource).map(|r| (*v, r))
        });
        match found {
            Some((v, r)) => {
                let kind = if r.kind.is_empty() {
                    k.kind
                } else {
                    r.kind.as_str()
                };
                targets.push(Target::new(k, v, kind, r.namespaced));
            }
            None => {
                // Discovery of the group-version failed: say what was not read.
                if let Some((gv, e)) = versions
                    .iter()
                    .map(|v| format!("{}/{v}", k.group))
                    .find_map(|gv| failed.get(&gv).map(|e| (gv, e)))
                {
                    notes.push(note(format!(
                        "{} loop: {} not read: discovery of {gv} failed: {e}",
                        k.loop_.as_str(),
                        k.display()
                    )));
                }
            }
        }
    }
    // A kind listed only in place of another one that is served.
    let present: Vec<(&str, &str)> = targets
        .iter()
        .map(|t| (t.spec.group, t.spec.resource))
        .collect();
    targets.retain(|t| {
        t.spec
            .instead_of
            .is_none_or(|other| !present.contains(&other))
    });
    Ok(Discovered { targets, notes })
}

/// Versions of `k` to try on this server, best first.
fn candidates<'a>(k: &'a KindSpec, g: &'a Group) -> Vec<&'a str> {
    let served = |v: &str| g.versions.iter().any(|s| s.version == v);
    let mut v: Vec<&str> = k.versions.iter().copied().filter(|v| served(v)).collect();
    if k.custom
        && let Some(p) = &g.preferred_version
        && !v.contains(&p.version.as_str())
    {
        v.push(p.version.as_str());
    }
    v
}

fn parse_resources(path: &str, text: &str) -> Result<ResourceList, LiveError> {
    serde_json::from_str(text).map_err(|e| LiveError::Protocol {
        path: path.to_owned(),
        message: e.to_string(),
    })
}
