//! Decoding one object: a JSON value (or YAML text) of any served
//! apiVersion into its typed [`Object`], legacy groups and autoscaling/v1
//! included, with the JSON pointer of the field that failed.

use super::*;

/// The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ``).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Legacy groups that serve the same kinds as a current group.
fn canonical_group<'a>(group: &'a str, kind: &str) -> &'a str {
    match (group, kind) {
        ("extensions", "Deployment" | "ReplicaSet" | "DaemonSet") => "apps",
        ("extensions", "NetworkPolicy" | "Ingress") => "networking.k8s.io",
        _ => group,
    }
}

/// The apiVersion the typed model expects for a kind.
fn model_api_version(group: &str, kind: &str) -> String {
    let version = match (group, kind) {
        ("autoscaling", _) => "v2",
        _ => "v1",
    };
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

/// Decode one JSON value (already parsed) into an object. `hint_kind` is the
/// kind implied by a typed list (`PodList` items have no `kind`).
pub fn decode_value(
    v: serde_json::Value,
    origin: Origin,
    hint: Option<(&str, &str)>,
) -> Result<Object, DecodeError> {
    decode_value_tracked(v, origin, hint, None)
}

/// [`decode_value`], and on failure the JSON pointer of the field that did
/// not decode (`/spec/containers/0/env/0/value`), when it is known.
pub fn decode_value_traced(
    v: serde_json::Value,
    origin: Origin,
    hint: Option<(&str, &str)>,
) -> Result<Object, (DecodeError, Option<String>)> {
    let mut track = serde_path_to_error::Track::new();
    decode_value_tracked(v, origin, hint, Some(&mut track)).map_err(|e| {
        let path = track.path();
        let mut ptr = String::new();
        for seg in path.iter() {
            ptr.push('/');
            match seg {
                serde_path_to_error::Segment::Seq { index } => ptr.push_str(&index.to_string()),
                serde_path_to_error::Segment::Map { key } => {
                    ptr.push_str(&key.replace('~', "~0").replace('/', "~1"));
                }
                serde_path_to_error::Segment::Enum { variant } => ptr.push_str(variant),
                serde_path_to_error::Segment::Unknown => ptr.push('?'),
            }
        }
        let known = matches!(e, DecodeError::Invalid { .. }) && !ptr.is_empty();
        (e, known.then_some(ptr))
    })
}

/// Deserialize from a value, recording the path on the way when asked.
fn from_value<T: serde::de::DeserializeOwned>(
    v: serde_json::Value,
    track: Option<&mut serde_path_to_error::Track>,
) -> Result<T, serde_json::Error> {
    match track {
        Some(t) => T::deserialize(serde_path_to_error::Deserializer::new(v, t)),
        None => serde_json::from_value(v),
    }
}

fn decode_value_tracked(
    mut v: serde_json::Value,
    mut origin: Origin,
    hint: Option<(&str, &str)>,
    track: Option<&mut serde_path_to_error::Track>,
) -> Result<Object, DecodeError> {
    let (api_version, kind) = {
        let obj = v.as_object();
        let kind = obj
            .and_then(|o| o.get("kind"))
            .and_then(|k| k.as_str())
            .map(str::to_owned);
        let av = obj
            .and_then(|o| o.get("apiVersion"))
            .and_then(|k| k.as_str())
            .map(str::to_owned);
        match (av, kind, hint) {
            (av, Some(k), _) => (av.unwrap_or_default(), k),
            (av, None, Some((hav, hk))) => (av.unwrap_or_else(|| hav.to_owned()), hk.to_owned()),
            (_, None, None) => return Err(DecodeError::NoKind),
        }
    };
    let name = v
        .pointer("/metadata/name")
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_owned();
    let group = canonical_group(group_of(&api_version), &kind).to_owned();
    let invalid = |source| DecodeError::Invalid {
        kind: kind.clone(),
        name: name.clone(),
        source,
    };
    // Normalise older API versions onto the model's version.
    if let Some(o) = v.as_object_mut()
        && (typed_kind(&group, &kind).is_some() || matches!(kind.as_str(), "Secret" | "Event"))
    {
        {
            let want = if kind == "Event" && group == "events.k8s.io" {
                "events.k8s.io/v1".to_owned()
            } else {
                model_api_version(&group, &kind)
            };
            if api_version != want {
                origin.written_api_version = Some(api_version.as_str().into());
                if group == "autoscaling" && api_version == "autoscaling/v1" {
                    hpa_v1_to_v2(o);
                }
                if kind == "Ingress" && api_version.ends_with("/v1beta1") {
                    ingress_v1beta1_to_v1(o);
                }
                o.insert("apiVersion".into(), want.into());
            }
            o.insert("kind".into(), kind.clone().into());
        }
    }
    match (group.as_str(), kind.as_str()) {
        ("", "Secret") if v.get("keys").is_some_and(|k| k.is_array()) => {
            // Already value-free (a day2 snapshot): metadata plus one classification per key.
            let s: SecretInfo = from_value(v, track).map_err(invalid)?;
            Ok(Object::Secret(Res::new(s, origin)))
        }
        ("", "Secret") => {
            let s: k8s_openapi::api::core::v1::Secret = from_value(v, track).map_err(invalid)?;
            Ok(Object::Secret(Res::new(SecretInfo::from_secret(s), origin)))
        }
        ("", "Event") => {
            let e = from_value(v, track).map_err(invalid)?;
            Ok(Object::Event(Arc::new(Event::from_core(e, origin))))
        }
        ("events.k8s.io", "Event") => {
            let e = from_value(v, track).map_err(invalid)?;
            Ok(Object::Event(Arc::new(Event::from_events_v1(e, origin))))
        }
        (g, k) => match typed_kind(g, k) {
            Some(tk) => match track {
                Some(t) => decode_typed(tk, serde_path_to_error::Deserializer::new(v, t), origin),
                None => decode_typed(tk, v, origin),
            }
            .map_err(invalid),
            None => {
                let mut d: DynObject = from_value(v, track).map_err(invalid)?;
                d.api_version = api_version;
                d.kind = kind;
                Ok(Object::Other(Res::new(d, origin)))
            }
        },
    }
}

/// The apiVersion and kind of a document: its own (`own`, as
/// [`crate::peek::peek_type`] reads them), else the list's.
fn type_of<'a>(
    own: (Option<&'a str>, Option<&'a str>),
    hint: Option<(&'a str, &'a str)>,
) -> Result<(&'a str, &'a str), DecodeError> {
    match (own, hint) {
        ((av, Some(k)), _) => Ok((av.unwrap_or(""), k)),
        ((av, None), Some((hav, hk))) => Ok((av.unwrap_or(hav), hk)),
        ((_, None), None) => Err(DecodeError::NoKind),
    }
}

/// `apiVersion` is the one the typed model expects ([`model_api_version`], without allocating).
fn is_model_version(av: &str, group: &str, kind: &str) -> bool {
    let version = match (group, kind) {
        ("autoscaling", _) => "v2",
        _ => "v1",
    };
    if group.is_empty() {
        av == version
    } else {
        av.strip_prefix(group)
            .and_then(|v| v.strip_prefix('/'))
            .is_some_and(|v| v == version)
    }
}

/// The slow path of [`decode_str_into`]: through a `serde_json::Value`.
fn decode_via_value(
    raw: &str,
    origin: Origin,
    av: &str,
    kind: &str,
) -> Result<Object, DecodeError> {
    let v: serde_json::Value =
        serde_json::from_str(raw).map_err(|source| DecodeError::Invalid {
            kind: kind.to_owned(),
            name: String::new(),
            source,
        })?;
    decode_value(v, origin, Some((av, kind)))
}

/// Decode one JSON document from its text, make it compact ([`Object::trim`])
/// and store it. Fast path: when the apiVersion is the model's own, a typed
/// decode straight from the text, the object moved once, from the decoder
/// into its store; anything else goes through [`decode_value`].
pub fn decode_str_into(
    stores: &mut Stores,
    raw: &str,
    origin: Origin,
    hint: Option<(&str, &str)>,
) -> Result<(), DecodeError> {
    decode_str_typed_into(stores, raw, origin, crate::peek::peek_type(raw), hint)
}

/// [`decode_str_into`] for a document whose own `apiVersion` and `kind`
/// were already read (`own`, as [`crate::peek::peek_type`] reads them): a
/// reader that walked the text to find where the document ends need not
/// walk it again for its type.
pub fn decode_str_typed_into(
    stores: &mut Stores,
    raw: &str,
    origin: Origin,
    own: (Option<&str>, Option<&str>),
    hint: Option<(&str, &str)>,
) -> Result<(), DecodeError> {
    let (av, kind) = type_of(own, hint)?;
    let group = group_of(av);
    if is_model_version(av, group, kind) {
        if group.is_empty() && kind == "Event" {
            if let Ok(e) = Event::from_json(raw, origin.clone()) {
                stores.events.push(Arc::new(e));
                return Ok(());
            }
        } else if group.is_empty() && kind == "Pod" {
            if let Ok(p) = crate::pod::Pod::from_json(raw) {
                stores.pods.push(Res::new(p, origin));
                return Ok(());
            }
        } else if let Some(tk) = typed_kind(group, kind) {
            let mut de = serde_json::Deserializer::from_str(raw);
            if decode_typed_into(stores, tk, &mut de, origin.clone()).is_ok() {
                return Ok(());
            }
        }
    }
    let mut o = decode_via_value(raw, origin, av, kind)?;
    o.trim();
    stores.push(o);
    Ok(())
}

/// An Ingress of `extensions/v1beta1` or `networking.k8s.io/v1beta1` (served
/// until 1.22) in the `networking.k8s.io/v1` shape, as the API server
/// converts it (`pkg/apis/networking/v1beta1/conversion.go`): `backend` is
/// `defaultBackend`, a backend's `serviceName`/`servicePort` are
/// `service.name` and `service.port.number` or `.name`, and a path without
/// `pathType` is `ImplementationSpecific`.
fn ingress_v1beta1_to_v1(o: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    fn backend(b: &mut Value) {
        let Some(b) = b.as_object_mut() else { return };
        let name = b.remove("serviceName");
        let port = b.remove("servicePort");
        if name.is_none() && port.is_none() {
            return;
        }
        let port = match port {
            Some(Value::Number(n)) => serde_json::json!({"number": n}),
            // An integer written as a string (`"80"`) is a number; other text a name.
            Some(Value::String(t)) => match t.parse::<i32>() {
                Ok(n) => serde_json::json!({"number": n}),
                Err(_) => serde_json::json!({"name": t}),
            },
            _ => serde_json::json!({}),
        };
        b.insert(
            "service".into(),
            serde_json::json!({"name": name.unwrap_or(Value::String(String::new())), "port": port}),
        );
    }
    let Some(spec) = o.get_mut("spec").and_then(|s| s.as_object_mut()) else {
        return;
    };
    if let Some(mut b) = spec.remove("backend") {
        backend(&mut b);
        spec.entry("defaultBackend").or_insert(b);
    }
    for rule in spec
        .get_mut("rules")
        .and_then(|r| r.as_array_mut())
        .into_iter()
        .flatten()
    {
        let paths = rule
            .get_mut("http")
            .and_then(|h| h.get_mut("paths"))
            .and_then(|p| p.as_array_mut());
        for path in paths.into_iter().flatten() {
            if let Some(p) = path.as_object_mut() {
                p.entry("pathType")
                    .or_insert_with(|| Value::String("ImplementationSpecific".into()));
                if let Some(b) = p.get_mut("backend") {
                    backend(b);
                }
            }
        }
    }
}

/// autoscaling/v1 `targetCPUUtilizationPercentage` as an autoscaling/v2 metric.
/// And autoscaling/v1 carries the v2 status conditions in an annotation (a JSON
/// list, `autoscaling.alpha.kubernetes.io/conditions`), which the API server
/// fills on a v1 read (`pkg/apis/autoscaling/v1/conversion.go`): they become
/// `status.conditions` again.
fn hpa_v1_to_v2(o: &mut serde_json::Map<String, serde_json::Value>) {
    const CONDITIONS: &str = "autoscaling.alpha.kubernetes.io/conditions";
    let conditions = o
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(CONDITIONS))
        .and_then(|v| v.as_str())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .filter(serde_json::Value::is_array);
    if let Some(conditions) = conditions
        && let Some(status) = o
            .entry("status")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
        && !status.contains_key("conditions")
    {
        status.insert("conditions".into(), conditions);
    }
    let Some(spec) = o.get_mut("spec").and_then(|s| s.as_object_mut()) else {
        return;
    };
    if let Some(pct) = spec.remove("targetCPUUtilizationPercentage") {
        spec.insert(
            "metrics".into(),
            serde_json::json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": pct}}}]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Both v1beta1 groups come back in the v1 shape, as the API server
    /// converts them: a named and a numbered port, a default backend, a
    /// path without a type.
    #[test]
    fn an_ingress_of_v1beta1_reads_as_v1() {
        for av in ["extensions/v1beta1", "networking.k8s.io/v1beta1"] {
            let o = decode_value(
                json!({"apiVersion": av, "kind": "Ingress", "metadata": {"name": "i", "namespace": "n"},
                    "spec": {"backend": {"serviceName": "fallback", "servicePort": 8080},
                             "rules": [{"host": "a.example", "http": {"paths": [
                                 {"path": "/", "backend": {"serviceName": "web", "servicePort": "http"}},
                                 {"path": "/api", "pathType": "Prefix", "backend": {"serviceName": "api", "servicePort": "80"}}]}}]}}),
                Origin::default(),
                None,
            )
            .unwrap();
            let Object::Ingress(i) = o else {
                panic!("{av}: expected an Ingress")
            };
            assert_eq!(i.origin.written_api_version.as_deref(), Some(av));
            let spec = i.spec.as_ref().unwrap();
            let default = spec
                .default_backend
                .as_ref()
                .and_then(|b| b.service.as_ref())
                .unwrap();
            assert_eq!(
                (
                    default.name.as_str(),
                    default.port.as_ref().and_then(|p| p.number)
                ),
                ("fallback", Some(8080))
            );
            let paths = &spec.rules.as_ref().unwrap()[0].http.as_ref().unwrap().paths;
            let web = paths[0].backend.service.as_ref().unwrap();
            assert_eq!(web.name, "web");
            assert_eq!(
                web.port.as_ref().and_then(|p| p.name.as_deref()),
                Some("http")
            );
            assert_eq!(paths[0].path_type, "ImplementationSpecific");
            let api = paths[1].backend.service.as_ref().unwrap();
            assert_eq!(api.port.as_ref().and_then(|p| p.number), Some(80));
            assert_eq!(paths[1].path_type, "Prefix");
        }
    }
}
