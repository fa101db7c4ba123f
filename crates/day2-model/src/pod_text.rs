//! Pods read from their JSON text, the spec looked up by its text before it
//! is decoded.
//!
//! At 150,000 pods of a few thousand templates, decoding each pod's spec
//! into k8s-openapi's types (dozens of allocations per container) and then
//! finding it equal to a spec already held ([`crate::intern::intern_spec`])
//! is most of the time a snapshot takes to read. The replicas of a template
//! print the same spec text but for two names: the node the pod is bound to
//! (`nodeName`) and the injected token volume (`kube-api-access-` and five
//! random characters, in the volume and its mounts). So the spec is first
//! taken as text; with those two names put aside, a text seen before gives
//! back the spec decoded from it then, and only a new text is decoded.
//!
//! The text is a key only when that is exact: the node's name is put aside
//! only as the value of the spec's own `nodeName` (checked against the
//! decoded spec), the token volume's name only as a whole string, and only
//! when every such string is a name sharing the spec renames (the volume
//! and the mounts that name it), in a text without `\u` escapes (which could
//! spell a name without its letters). Two texts equal but for those places
//! then decode to equal stored specs. Any other spec is decoded every time,
//! as before.

use crate::pod::Pod;
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use memchr::memmem;
use rustc_hash::{FxHashMap, FxHasher};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::hash::Hasher;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

/// A pod with its spec still text.
#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(default)]
    metadata: ObjectMeta,
    #[serde(default, borrow)]
    spec: Option<&'a RawValue>,
    #[serde(default)]
    status: Option<crate::pod::PodStatus>,
}

const SHARDS: usize = 16;

/// Bytes of spec text kept as keys, at most: past it, new texts are
/// decoded every time (an input of specs that never repeat holds no more
/// than this for nothing).
const KEY_BUDGET: usize = 256 << 20;

type Shard = Mutex<FxHashMap<u64, Vec<(Box<[u8]>, Arc<PodSpec>)>>>;

static TEXTS: LazyLock<[Shard; SHARDS]> =
    LazyLock::new(|| std::array::from_fn(|_| Mutex::new(FxHashMap::default())));

static KEY_BYTES: AtomicUsize = AtomicUsize::new(0);

/// Stand-ins for the node name and the token volume's name in a key: bytes
/// JSON text never holds unescaped, so no text can be mistaken for them.
const NODE_MARK: u8 = 0;
const TOKEN_MARK: u8 = 1;

impl Pod {
    /// A pod decoded from its JSON text, trimmed and its spec shared, as
    /// decoding it with serde and [`crate::trim::Trim`] would give it.
    pub fn from_json(raw: &str) -> Result<Pod, serde_json::Error> {
        let r: Raw<'_> = serde_json::from_str(raw)?;
        let mut pod = Pod {
            metadata: r.metadata,
            spec: None,
            status: r.status,
            bound_to: None,
        };
        crate::trim::meta(&mut pod.metadata);
        if let Some(s) = pod.status.as_mut() {
            crate::trim::pod_status(s);
        }
        let Some(text) = r.spec else {
            return Ok(pod);
        };
        let text = text.get();
        let key = Key::of(text);
        if let Some(key) = &key
            && let Some(spec) = lookup(key)
        {
            pod.spec = Some(spec);
            // As sharing takes it out of a decoded spec: an empty name is none.
            pod.bound_to = key
                .node
                .clone()
                .map(|r| text[r].to_owned())
                .filter(|n| !n.is_empty());
            return Ok(pod);
        }
        let mut spec: PodSpec = serde_json::from_str(text)?;
        crate::trim::pod_spec(&mut spec);
        let exact = key.as_ref().is_some_and(|k| k.names_spec(&spec));
        pod.spec = Some(Arc::new(spec));
        pod.share_spec();
        if let (Some(key), Some(spec)) = (key, pod.spec.as_ref())
            && exact
            && key.token.as_ref().is_none_or(|t| {
                !spec
                    .volumes
                    .iter()
                    .flatten()
                    .any(|v| v.name == text[t.clone()])
            })
        {
            insert(&key, spec.clone());
        }
        Ok(pod)
    }
}

/// A spec's text with the places of the two names put aside: the text, the
/// ranges of it that are names (in order), and its hash with a mark for each.
struct Key<'t> {
    text: &'t str,
    holes: Vec<(Range<usize>, u8)>,
    /// The range of the `nodeName` value.
    node: Option<Range<usize>>,
    /// The range of one whole-string occurrence of the token volume's name.
    token: Option<Range<usize>>,
    hash: u64,
}

impl<'t> Key<'t> {
    /// None when the names cannot be put aside exactly.
    fn of(text: &'t str) -> Option<Self> {
        let b = text.as_bytes();
        if memmem::find(b, b"\\u").is_some() || memchr::memchr2(NODE_MARK, TOKEN_MARK, b).is_some()
        {
            return None;
        }
        let mut holes: Vec<(Range<usize>, u8)> = Vec::new();
        let mut node = None;
        let mut keys = memmem::find_iter(b, b"\"nodeName\"");
        if let Some(at) = keys.next() {
            if keys.next().is_some() {
                return None;
            }
            let mut i = at + 10;
            while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
            while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let start = i + 1;
            let len = memchr::memchr2(b'"', b'\\', b.get(start..)?)?;
            if b[start + len] != b'"' {
                return None;
            }
            node = Some(start..start + len);
            holes.push((start..start + len, NODE_MARK));
        }
        let mut token = None;
        if let Some(name) = token_name(text) {
            let quoted = format!("\"{name}\"");
            for at in memmem::find_iter(b, quoted.as_bytes()) {
                let r = at + 1..at + 1 + name.len();
                token.get_or_insert(r.clone());
                holes.push((r, TOKEN_MARK));
            }
            holes.sort_by_key(|(r, _)| r.start);
            if holes.windows(2).any(|w| w[0].0.end > w[1].0.start) {
                return None;
            }
        }
        let mut h = FxHasher::default();
        let mut from = 0;
        for (r, mark) in &holes {
            h.write(&b[from..r.start]);
            h.write_u8(*mark);
            from = r.end;
        }
        h.write(&b[from..]);
        Some(Key {
            text,
            holes,
            node,
            token,
            hash: h.finish(),
        })
    }

    /// The key as bytes, each name a mark.
    fn bytes(&self) -> Vec<u8> {
        let b = self.text.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut from = 0;
        for (r, mark) in &self.holes {
            out.extend_from_slice(&b[from..r.start]);
            out.push(*mark);
            from = r.end;
        }
        out.extend_from_slice(&b[from..]);
        out
    }

    /// Whether `stored` is this key: the text outside the names equal, a
    /// mark where each name is.
    fn is(&self, stored: &[u8]) -> bool {
        let b = self.text.as_bytes();
        let mut rest = stored;
        let mut from = 0;
        for (r, mark) in &self.holes {
            let seg = &b[from..r.start];
            let Some((head, tail)) = rest.split_at_checked(seg.len()) else {
                return false;
            };
            if head != seg || tail.first() != Some(mark) {
                return false;
            }
            rest = &tail[1..];
            from = r.end;
        }
        rest == &b[from..]
    }

    /// Whether the names stand where sharing the spec takes them out, the
    /// spec decoded from this text before it is shared: `nodeName` is the
    /// spec's own, and every whole-string token name is a volume's name or a
    /// container's or init container's mount of it.
    fn names_spec(&self, spec: &PodSpec) -> bool {
        let node = self.node.clone().map(|r| &self.text[r]);
        if spec.node_name.as_deref().filter(|n| !n.is_empty()) != node.filter(|n| !n.is_empty()) {
            return false;
        }
        let Some(t) = self.token.clone().map(|r| &self.text[r]) else {
            return true;
        };
        let volumes = spec
            .volumes
            .iter()
            .flatten()
            .filter(|v| v.name == t)
            .count();
        let mounts = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .flat_map(|c| c.volume_mounts.iter().flatten())
            .filter(|m| m.name == t)
            .count();
        let marked = self.holes.iter().filter(|(_, m)| *m == TOKEN_MARK).count();
        volumes == 1 && volumes + mounts == marked
    }
}

/// The injected token volume's name in a spec's text: the first string
/// that begins `kube-api-access-` and is longer, without escapes.
fn token_name(text: &str) -> Option<&str> {
    const PREFIX: &str = "\"kube-api-access-";
    let at = memmem::find(text.as_bytes(), PREFIX.as_bytes())? + 1;
    let rest = &text[at..];
    let end = rest.find('"')?;
    let name = &rest[..end];
    (name.len() > PREFIX.len() - 1 && !name.contains('\\')).then_some(name)
}

fn shard(hash: u64) -> &'static Shard {
    &TEXTS[(hash >> 56) as usize % SHARDS]
}

fn lookup(key: &Key<'_>) -> Option<Arc<PodSpec>> {
    let map = shard(key.hash).lock().unwrap_or_else(|e| e.into_inner());
    map.get(&key.hash)?
        .iter()
        .find(|(k, _)| key.is(k))
        .map(|(_, s)| s.clone())
}

fn insert(key: &Key<'_>, spec: Arc<PodSpec>) {
    let len = key.text.len();
    if KEY_BYTES.fetch_add(len, Ordering::Relaxed) + len > KEY_BUDGET {
        KEY_BYTES.fetch_sub(len, Ordering::Relaxed);
        return;
    }
    let mut map = shard(key.hash).lock().unwrap_or_else(|e| e.into_inner());
    let held = map.entry(key.hash).or_default();
    if held.iter().any(|(k, _)| key.is(k)) {
        KEY_BYTES.fetch_sub(len, Ordering::Relaxed);
        return;
    }
    held.push((key.bytes().into_boxed_slice(), spec));
}

/// Forget every text: a reader calls it once its input is decoded (the
/// texts serve only while pods are read), and a long-running process before
/// [`crate::intern::forget_unused`] lets the specs go. How many were held.
pub fn forget_all() -> usize {
    let mut dropped = 0;
    for shard in TEXTS.iter() {
        let mut map = shard.lock().unwrap_or_else(|e| e.into_inner());
        dropped += map.values().map(Vec::len).sum::<usize>();
        *map = FxHashMap::default();
    }
    KEY_BYTES.store(0, Ordering::Relaxed);
    dropped
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::trim::Trim;

    /// The pod as serde and trimming give it, the path every other kind takes.
    fn plain(raw: &str) -> Pod {
        let mut p: Pod = serde_json::from_str(raw).unwrap();
        p.trim();
        p
    }

    /// A replica's text: `node` and `token` where a template's replicas
    /// differ, `extra` spliced into its container.
    fn replica(app: &str, node: &str, token: &str, extra: &str) -> String {
        format!(
            r#"{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "{app}-{node}", "namespace": "t"}},
  "spec": {{
    "containers": [{{"name": "c", "image": "img/{app}:1", {extra}
      "volumeMounts": [{{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "{token}", "readOnly": true}}]}}],
    "nodeName": "{node}",
    "volumes": [{{"name": "{token}", "projected": {{"sources": [{{"serviceAccountToken": {{"path": "token"}}}}]}}}}]
  }},
  "status": {{"phase": "Running"}}}}"#
        )
    }

    fn read(raw: &str) -> Pod {
        let p = Pod::from_json(raw).unwrap();
        assert_eq!(p, plain(raw), "read from text as serde reads it: {raw}");
        p
    }

    #[test]
    fn replicas_on_other_nodes_share_the_spec_decoded_once() {
        let a = read(&replica("share", "node-a", "kube-api-access-abcde", ""));
        let b = read(&replica("share", "node-b", "kube-api-access-vwxyz", ""));
        assert!(Arc::ptr_eq(
            a.spec.as_ref().unwrap(),
            b.spec.as_ref().unwrap()
        ));
        assert_eq!(crate::pod::node_name(&b), Some("node-b"));
        let mount = &b.spec.as_ref().unwrap().containers[0]
            .volume_mounts
            .as_ref()
            .unwrap()[0];
        assert_eq!(mount.name, crate::pod::TOKEN_VOLUME);
    }

    #[test]
    fn a_name_that_stands_anywhere_else_keeps_each_pod_its_own() {
        // The node's name in an argument: a replica elsewhere has other
        // words there, and must not be given these.
        let arg = |n: &str| format!(r#""args": ["--node={n}"],"#);
        read(&replica(
            "arg",
            "node-c",
            "kube-api-access-aaaaa",
            &arg("node-c"),
        ));
        let d = read(&replica(
            "arg",
            "node-d",
            "kube-api-access-bbbbb",
            &arg("node-d"),
        ));
        assert_eq!(
            d.spec.as_ref().unwrap().containers[0].args.as_deref(),
            Some(&["--node=node-d".to_owned()][..])
        );
        // The token's name as a value: not a name sharing renames.
        let env = |t: &str| format!(r#""env": [{{"name": "V", "value": "{t}"}}],"#);
        read(&replica(
            "env",
            "node-e",
            "kube-api-access-ccccc",
            &env("kube-api-access-ccccc"),
        ));
        let f = read(&replica(
            "env",
            "node-f",
            "kube-api-access-ddddd",
            &env("kube-api-access-ddddd"),
        ));
        let value = &f.spec.as_ref().unwrap().containers[0].env.as_ref().unwrap()[0].value;
        assert_eq!(value.as_deref(), Some("kube-api-access-ddddd"));
    }

    #[test]
    fn a_volume_sharing_does_not_rename_keeps_its_name() {
        // Named like the token volume but not projected: never renamed, so
        // each pod keeps its own name.
        let raw = |node: &str, token: &str| {
            replica("empty", node, token, "").replace(
                r#""projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}"#,
                r#""emptyDir": {}"#,
            )
        };
        read(&raw("node-g", "kube-api-access-eeeee"));
        let h = read(&raw("node-h", "kube-api-access-fffff"));
        let v = &h.spec.as_ref().unwrap().volumes.as_ref().unwrap()[0];
        assert_eq!(v.name, "kube-api-access-fffff");
    }

    #[test]
    fn texts_a_key_cannot_hold_exactly_are_decoded_each_time() {
        // An escape that could spell a name, a second `nodeName` (an
        // unknown field's), a node name with an escape, no spec at all.
        let escaped = replica(
            "esc",
            "node-i",
            "kube-api-access-ggggg",
            r#""args": ["\u0041"],"#,
        );
        read(&escaped);
        assert!(Key::of(&escaped).is_none());
        let twice = replica(
            "two",
            "node-j",
            "kube-api-access-hhhhh",
            r#""x": {"nodeName": "other"},"#,
        );
        read(&twice);
        let slash = replica("slash", r"node\\k", "kube-api-access-iiiii", "");
        let p = read(&slash);
        assert_eq!(crate::pod::node_name(&p), Some(r"node\k"));
        read(r#"{"kind": "Pod", "metadata": {"name": "bare"}}"#);
        read(r#"{"kind": "Pod", "metadata": {"name": "null"}, "spec": null}"#);
        let unscheduled = replica("pending", "", "kube-api-access-jjjjj", "");
        let q = read(&unscheduled);
        assert_eq!(crate::pod::node_name(&q), None);
        // A second unscheduled replica finds the spec by its text, and is
        // as unbound as the first.
        let again = read(&replica("pending", "", "kube-api-access-mmmmm", ""));
        assert!(Arc::ptr_eq(
            q.spec.as_ref().unwrap(),
            again.spec.as_ref().unwrap()
        ));
        assert_eq!(again.bound_to, None);
    }

    #[test]
    fn a_spec_that_does_not_decode_is_an_error() {
        let raw = replica(
            "bad",
            "node-l",
            "kube-api-access-kkkkk",
            r#""ports": "eighty","#,
        );
        assert!(Pod::from_json(&raw).is_err());
        assert!(serde_json::from_str::<Pod>(&raw).is_err());
    }
}
