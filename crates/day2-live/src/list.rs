//! Paginated lists (`limit`/`continue`), item preparation and Secret redaction.

use crate::discovery::{Target, note};
use crate::fetch::{Failure, Fetcher, encode_query};
use crate::progress::Progress;
use day2_model::Note;
use day2_model::secret::SecretInfo;
use serde::Deserialize;
use serde_json::Value;

/// The annotation marking a Secret whose values were removed.
pub use day2_sources::REDACTED_ANNOTATION;

/// What listing one kind produced.
pub(crate) struct Listing {
    pub items: Vec<Value>,
    pub notes: Vec<Note>,
    /// Whether the list was read to its end.
    pub complete: bool,
    /// Pages read (restarts included).
    pub pages: u32,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    metadata: PageMeta,
    #[serde(default)]
    items: Option<Vec<Value>>,
}

#[derive(Deserialize, Default)]
struct PageMeta {
    #[serde(default, rename = "continue")]
    continue_: Option<String>,
}

/// List every object of `t` (in `namespace` when given and `t` is namespaced).
pub(crate) async fn list(
    f: &Fetcher,
    t: &Target,
    namespace: Option<&str>,
    page_size: u32,
    progress: &Progress,
) -> Listing {
    list_selected(f, t, namespace, None, page_size, progress).await
}

/// [`list`] with a field selector (`spec.nodeName!=`).
pub(crate) async fn list_selected(
    f: &Fetcher,
    t: &Target,
    namespace: Option<&str>,
    field_selector: Option<&str>,
    page_size: u32,
    progress: &Progress,
) -> Listing {
    let spec = t.spec;
    let mut out = Listing {
        items: Vec::new(),
        notes: Vec::new(),
        complete: false,
        pages: 0,
    };
    let scope = match (namespace, t.namespaced) {
        (Some(ns), true) => format!(" in namespace {ns}"),
        _ => String::new(),
    };
    // With a namespace, the Namespace object itself is read with a GET
    // (a namespace-scoped Role can grant that; listing namespaces needs more).
    if let Some(ns) = namespace
        && spec.group.is_empty()
        && spec.resource == "namespaces"
    {
        let path = format!("{}/namespaces/{ns}", t.base());
        match f.get(&path).await {
            Ok(text) => {
                out.pages = 1;
                match serde_json::from_str::<Value>(&text) {
                    Ok(v) => {
                        push_item(&mut out, t, v);
                        out.complete = true;
                    }
                    Err(e) => out.notes.push(note(format!(
                        "{} loop: unreadable answer for namespace {ns}: {e}",
                        spec.loop_.as_str()
                    ))),
                }
            }
            Err(e) => {
                let l = spec.loop_.as_str();
                out.notes.push(note(match e.code() {
                    Some(403) => format!("{l} loop: no permission to get namespace {ns} (403)"),
                    Some(404) => format!("{l} loop: namespace {ns} not found (404)"),
                    _ => format!("{l} loop: cannot get namespace {ns}: {e}"),
                }))
            }
        }
        progress.page(out.items.len());
        progress.kind_done();
        return out;
    }
    let path = match (namespace, t.namespaced) {
        (Some(ns), true) => format!("{}/namespaces/{ns}/{}", t.base(), spec.resource),
        _ => format!("{}/{}", t.base(), spec.resource),
    };
    let mut token: Option<String> = None;
    let mut expirations = 0;
    loop {
        let mut url = format!("{path}?limit={page_size}");
        if let Some(sel) = field_selector {
            url.push_str("&fieldSelector=");
            url.push_str(&encode_query(sel));
        }
        if let Some(c) = &token {
            url.push_str("&continue=");
            url.push_str(&encode_query(c));
        }
        let text = match f.get(&url).await {
            Ok(text) => text,
            Err(Failure::Status {
                code: 410,
                continue_token,
                ..
            }) if token.is_some() => {
                expirations += 1;
                match (expirations, continue_token) {
                    // The continue token expired (etcd compacted past the
                    // list's revision): read the list again from the start.
                    (1, _) => {
                        out.items.clear();
                        token = None;
                    }
                    // Twice: finish with the server's inconsistent continuation.
                    (2, Some(c)) => {
                        out.notes.push(note(format!(
                            "{} loop: the list of {}{scope} expired twice (410 Gone) and was finished \
                             from a later state; objects changed meanwhile may be missing",
                            spec.loop_.as_str(),
                            spec.display()
                        )));
                        token = Some(c);
                    }
                    _ => {
                        out.notes.push(note(format!(
                            "{} loop: the list of {}{scope} expired {} (410 Gone); \
                             {} objects read, the rest is missing",
                            spec.loop_.as_str(),
                            spec.display(),
                            if expirations == 2 { "twice" } else { "again" },
                            out.items.len()
                        )));
                        break;
                    }
                }
                continue;
            }
            Err(e) => {
                let mut n = failure_note(t, &e, &scope);
                if out.pages > 0 {
                    n.message.push_str(&format!(
                        "; {} objects read, the rest is missing",
                        out.items.len()
                    ));
                }
                out.notes.push(n);
                break;
            }
        };
        out.pages += 1;
        let page: Page = match serde_json::from_str(&text) {
            Ok(p) => p,
            Err(e) => {
                // Never quote the text: it may be a page of Secrets.
                out.notes.push(note(format!(
                    "{} loop: unreadable list of {}{scope} (line {}, column {}): {}",
                    spec.loop_.as_str(),
                    spec.display(),
                    e.line(),
                    e.column(),
                    match e.classify() {
                        serde_json::error::Category::Eof => "truncated",
                        _ => "not a Kubernetes list",
                    }
                )));
                break;
            }
        };
        drop(text);
        let n = page.items.as_ref().map_or(0, Vec::len);
        for item in page.items.into_iter().flatten() {
            push_item(&mut out, t, item);
        }
        progress.page(n);
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(c) => token = Some(c),
            None => {
                out.complete = true;
                break;
            }
        }
    }
    progress.kind_done();
    out
}

fn failure_note(t: &Target, e: &Failure, what: &str) -> Note {
    let spec = t.spec;
    let l = spec.loop_.as_str();
    let res = spec.display();
    note(match e.code() {
        Some(403) => format!("{l} loop: no permission to list {res}{what} (403)"),
        Some(404) => format!("{l} loop: cannot list {res}{what}: not found (404)"),
        _ => format!("{l} loop: cannot list {res}{what}: {e}"),
    })
}

/// Give the item its `apiVersion` and `kind` (typed lists leave them out),
/// drop `managedFields`, and turn Secrets into their value-free form.
fn push_item(out: &mut Listing, t: &Target, mut item: Value) {
    let Some(o) = item.as_object_mut() else {
        return;
    };
    o.insert("apiVersion".into(), Value::String(t.api_version.clone()));
    o.insert("kind".into(), Value::String(t.kind.clone()));
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    if t.spec.is_secret() {
        match redact(item) {
            Ok(v) => out.items.push(v),
            Err(name) => out.notes.push(note(format!(
                "identity loop: Secret {name} could not be read and was left out"
            ))),
        }
    } else {
        out.items.push(item);
    }
}

/// A Secret as metadata plus one classification per key; the values are
/// read once here and dropped. On failure, only the Secret's name is returned
/// (a decode error could quote a value).
pub fn redact(secret: Value) -> Result<Value, String> {
    let name = {
        let ns = secret
            .pointer("/metadata/namespace")
            .and_then(Value::as_str);
        let n = secret
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        ns.map_or_else(|| n.to_owned(), |ns| format!("{ns}/{n}"))
    };
    let s: k8s_openapi::api::core::v1::Secret =
        serde_json::from_value(secret).map_err(|_| name.clone())?;
    let info = SecretInfo::from_secret(s);
    let mut v = serde_json::to_value(&info).map_err(|_| name.clone())?;
    let Some(o) = v.as_object_mut() else {
        return Err(name);
    };
    // Key order as in any other object: apiVersion, kind, metadata, …
    let mut out = serde_json::Map::new();
    out.insert("apiVersion".into(), "v1".into());
    out.insert("kind".into(), "Secret".into());
    let mut meta = o
        .remove("metadata")
        .unwrap_or_else(|| Value::Object(Default::default()));
    if let Some(m) = meta.as_object_mut() {
        let ann = m
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(a) = ann.as_object_mut() {
            a.insert(REDACTED_ANNOTATION.into(), "true".into());
        }
    }
    out.insert("metadata".into(), meta);
    out.extend(std::mem::take(o));
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacted_secret_keeps_classes_and_drops_values() {
        let v = redact(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "aws", "namespace": "app",
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"id\":\"QUtJQUlPU0ZPRE5ON0VYQU1QTEU=\"}}"}},
            "type": "Opaque",
            "data": {"id": "QUtJQUlPU0ZPRE5ON0VYQU1QTEU="},
            "stringData": {"password": "hunter2"}
        }))
        .unwrap();
        let text = v.to_string();
        assert!(!text.contains("QUtJQUlPU0ZPRE5ON0VYQU1QTEU"), "{text}");
        assert!(!text.contains("AKIAIOSFODNN7EXAMPLE"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(v["kind"], "Secret");
        assert_eq!(v["metadata"]["annotations"][REDACTED_ANNOTATION], "true");
        assert_eq!(
            v["keys"],
            json!([{"name": "id", "class": "aws-access-key-id", "len": 20},
                   {"name": "password", "class": "password", "len": 7}])
        );
    }

    #[test]
    fn undecodable_secret_error_never_quotes_a_value() {
        // Not base64: the decode error would quote the value.
        let e = redact(json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "bad", "namespace": "x"}, "data": {"k": "%%not-base64-s3cr3t%%"}}))
        .unwrap_err();
        assert_eq!(e, "x/bad");
    }
}
