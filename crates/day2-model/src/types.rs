//! Small vocabulary types shared by every crate: loops, severities, object references, locations.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The four control loops of the method, plus observability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loop {
    Identity,
    Compute,
    Network,
    Storage,
    Observability,
}

impl Loop {
    pub const ALL: [Loop; 5] = [
        Loop::Identity,
        Loop::Compute,
        Loop::Network,
        Loop::Storage,
        Loop::Observability,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Loop::Identity => "identity",
            Loop::Compute => "compute",
            Loop::Network => "network",
            Loop::Storage => "storage",
            Loop::Observability => "observability",
        }
    }

    /// Title used in human reports.
    pub fn title(self) -> &'static str {
        match self {
            Loop::Identity => "Identity",
            Loop::Compute => "Compute",
            Loop::Network => "Network",
            Loop::Storage => "Storage",
            Loop::Observability => "Observability",
        }
    }

    pub fn parse(s: &str) -> Option<Loop> {
        Loop::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Loop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of a finding, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL_DESC: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL_DESC
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The cloud a cluster runs on; decides which remediation a finding shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    Aws,
    Azure,
    Gcp,
    #[default]
    Generic,
}

impl Cloud {
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Azure => "azure",
            Cloud::Gcp => "gcp",
            Cloud::Generic => "generic",
        }
    }
    pub fn parse(s: &str) -> Option<Cloud> {
        match s.to_ascii_lowercase().as_str() {
            "aws" | "eks" => Some(Cloud::Aws),
            "azure" | "aks" => Some(Cloud::Azure),
            "gcp" | "gke" | "google" => Some(Cloud::Gcp),
            "generic" | "none" | "onprem" => Some(Cloud::Generic),
            _ => None,
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference to one Kubernetes object, as it appears in reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjRef {
    #[serde(
        rename = "apiVersion",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub api_version: Option<String>,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjRef {
    pub fn new(kind: impl Into<String>, namespace: Option<&str>, name: impl Into<String>) -> Self {
        ObjRef {
            api_version: None,
            kind: kind.into(),
            namespace: namespace.map(str::to_owned),
            name: name.into(),
        }
    }

    pub fn with_api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = Some(api_version.into());
        self
    }

    /// `Kind/namespace/name` or `Kind/name` for cluster-scoped objects.
    pub fn display(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ObjRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// A position in an input file (1-based line and column, column in characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Positions of the fields of one manifest document, keyed by JSON pointer
/// (`/spec/template/spec/containers/0/image`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SpanIndex {
    entries: Vec<(Box<str>, u32, u32)>,
}

impl SpanIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, pointer: impl Into<Box<str>>, line: u32, column: u32) {
        self.entries.push((pointer.into(), line, column));
    }

    pub fn finish(&mut self) {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.entries.dedup_by(|a, b| a.0 == b.0);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries under `prefix` (a JSON pointer), re-rooted at it: the spans
    /// of one item of a `List`.
    ///
    /// The entries are sorted, so the subtree is found by binary search: a
    /// `List` of n items costs n searches, not n passes over every entry.
    pub fn subtree(&self, prefix: &str) -> SpanIndex {
        let mut entries = Vec::new();
        if let Ok(i) = self.entries.binary_search_by(|e| (*e.0).cmp(prefix)) {
            entries.push((Box::from(""), self.entries[i].1, self.entries[i].2));
        }
        let below = format!("{prefix}/");
        let start = self.entries.partition_point(|e| *e.0 < *below);
        for (p, l, c) in &self.entries[start..] {
            let Some(rest) = p.strip_prefix(prefix).filter(|r| r.starts_with('/')) else {
                break;
            };
            entries.push((Box::from(rest), *l, *c));
        }
        SpanIndex { entries }
    }

    /// The position of `pointer`, or of its nearest existing ancestor.
    pub fn resolve(&self, pointer: &str) -> Option<(u32, u32)> {
        let mut p = pointer;
        loop {
            if let Ok(i) = self.entries.binary_search_by(|e| (*e.0).cmp(p)) {
                return Some((self.entries[i].1, self.entries[i].2));
            }
            match p.rfind('/') {
                Some(idx) => p = &p[..idx],
                None => return None,
            }
        }
    }
}

/// Where an object came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// File path (or `<stdin>`, or `live:<context>`).
    pub source: Option<Arc<str>>,
    /// Line and column of the object's first line in `source`, when it is a file.
    pub line: u32,
    pub column: u32,
    /// Positions of the object's fields, for manifests.
    pub spans: Option<Arc<SpanIndex>>,
    /// The `apiVersion` the document was written with, when the model read it
    /// as another version (`extensions/v1beta1` Ingress, `apps/v1beta2`
    /// Deployment): kept so that removed and deprecated versions can be reported.
    pub written_api_version: Option<Box<str>>,
}

impl Origin {
    pub fn file(source: Arc<str>, line: u32, column: u32) -> Self {
        Origin {
            source: Some(source),
            line,
            column,
            spans: None,
            written_api_version: None,
        }
    }

    /// The location of a field (by JSON pointer) of the object, falling back to
    /// the nearest ancestor, then to the object itself.
    pub fn locate(&self, pointer: Option<&str>) -> Option<Location> {
        let file = self.source.as_ref()?;
        if self.line == 0 {
            return None;
        }
        let (line, column) = pointer
            .and_then(|p| self.spans.as_ref().and_then(|s| s.resolve(p)))
            .unwrap_or((self.line, self.column.max(1)));
        Some(Location {
            file: file.to_string(),
            line,
            column,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::SpanIndex;

    #[test]
    fn a_list_items_subtree_holds_its_own_fields_only() {
        let mut s = SpanIndex::new();
        for (i, line) in [(1, 10), (2, 20), (10, 100), (11, 110)] {
            s.insert(format!("/items/{i}"), line, 3);
            s.insert(format!("/items/{i}/kind"), line + 1, 5);
            s.insert(format!("/items/{i}/metadata/name"), line + 2, 7);
        }
        s.insert("/items", 0, 1);
        s.finish();
        let sub = s.subtree("/items/1");
        assert_eq!(sub.len(), 3);
        assert_eq!(sub.resolve(""), Some((10, 3)));
        assert_eq!(sub.resolve("/kind"), Some((11, 5)));
        assert_eq!(sub.resolve("/metadata/name"), Some((12, 7)));
        // A field the item lacks falls back to the item, never to item 10's.
        assert_eq!(sub.resolve("/spec/replicas"), Some((10, 3)));
        assert_eq!(s.subtree("/items/10").resolve("/kind"), Some((101, 5)));
        assert!(s.subtree("/items/3").is_empty());
    }
}
