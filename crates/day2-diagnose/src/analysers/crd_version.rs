//! A controller that stops at start-up because the API server does not
//! serve a kind it watches: apimachinery's `no matches for kind "K" in
//! version "G/V"` (`meta.NoKindMatchError`). The CustomResourceDefinition
//! of that kind is missing, or serves older versions only: a controller
//! upgraded past the CRDs it was installed with (Helm does not upgrade a
//! chart's `crds/`; envoyproxy/gateway#3340: GRPCRoute served as
//! `v1alpha2` by the Gateway API v1.0 bundle, asked as `v1`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;
use serde_json::Value;

/// (kind, group, version) of `no matches for kind "K" in version "G/V"`.
fn no_match(text: &str) -> Option<(&str, &str, &str)> {
    let (_, rest) = text.split_once("no matches for kind \"")?;
    let (kind, rest) = rest.split_once('"')?;
    let (_, rest) = rest.split_once("in version \"")?;
    let (gv, _) = rest.split_once('"')?;
    let (group, version) = gv.rsplit_once('/')?;
    Some((kind, group, version))
}

/// The type client-go's reflector could not list because the API server
/// serves no such resource (`reflector.go`: `failed to list *v1.Foo: the
/// server could not find the requested resource`); `PartialObjectMetadata`
/// and `Unstructured` when the watcher is generic.
fn unlisted(text: &str) -> Option<&str> {
    let line = text
        .lines()
        .find(|l| l.contains("the server could not find the requested resource"))?;
    let (_, rest) = line
        .split_once("failed to list *")
        .or_else(|| line.split_once("failed to watch *"))?;
    rest.split(':').next().filter(|t| !t.is_empty())
}

pub fn unserved<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some((kind, group, version)) = texts.iter().find_map(|t| no_match(t)) else {
        // A watch whose resource the API server does not serve: a custom
        // resource whose CRDs were never installed (kyverno/policy-reporter
        // without the wgpolicyk8s.io CRDs: its informer never syncs and its
        // health check fails).
        return texts
            .iter()
            .find_map(|t| unlisted(t))
            .map(|ty| {
                let workload = model::workload_ref(a.cluster, pod);
                let what = if ty.ends_with("PartialObjectMetadata") || ty.ends_with("Unstructured") {
                    "a resource".to_owned()
                } else {
                    format!("`{ty}`")
                };
                Hypothesis::new(
                    80,
                    Loop::Compute,
                    workload.clone(),
                    format!("container {container} of {workload} watches {what} the API server does not serve (`failed to list *{ty}: the server could not find the requested resource`): the CustomResourceDefinition it needs is not installed, or the API version it asks for is gone, so its informers never sync and it stops"),
                )
                .fix(format!("Install the CRDs {workload} watches (its chart's CRDs or `crds.install` value, or the project that ships them), or run a release of it that asks for the API versions the cluster serves (`kubectl api-resources`); then restart {workload}."))
            })
            .into_iter()
            .collect();
    };
    let crds: Vec<_> = a
        .cluster
        .other
        .iter()
        .filter(|o| o.obj.kind == "CustomResourceDefinition")
        .collect();
    if crds.is_empty() {
        // The input holds no CRDs at all: absence proves nothing.
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let spec = |o: &day2_model::object::DynObject| o.data.get("spec").cloned();
    let crd = crds.iter().find(|o| {
        spec(&o.obj).is_some_and(|s| {
            s.get("group").and_then(Value::as_str) == Some(group)
                && s.pointer("/names/kind").and_then(Value::as_str) == Some(kind)
        })
    });
    let Some(crd) = crd else {
        return vec![
            Hypothesis::new(
                84,
                Loop::Compute,
                workload.clone(),
                format!("container {container} of {workload} watches {kind} ({group}/{version}), and no CustomResourceDefinition of the cluster defines {kind} in {group}: it stops at start-up (`no matches for kind`)"),
            )
            .fix(format!("Install the CRDs of {group} that the release of {workload} requires (the chart's `crds/`, which `helm upgrade` does not apply, or the project's CRD bundle for that release), then restart it.")),
        ];
    };
    let served: Vec<String> = spec(&crd.obj)
        .and_then(|s| s.get("versions").cloned())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false))
        .filter_map(|v| Some(v.get("name")?.as_str()?.to_owned()))
        .collect();
    if served.iter().any(|v| v == version) {
        return vec![];
    }
    let bundle = crd
        .labels()
        .get("gateway.networking.k8s.io/bundle-version")
        .or_else(|| {
            crd.obj
                .metadata
                .annotations
                .as_ref()
                .and_then(|m| m.get("gateway.networking.k8s.io/bundle-version"))
        })
        .map(|b| format!(", installed from the Gateway API CRD bundle {b}"))
        .unwrap_or_default();
    vec![
        Hypothesis::new(
            88,
            Loop::Compute,
            crd.objref(),
            format!(
                "container {container} of {workload} asks for {kind} as {group}/{version}, but CustomResourceDefinition {} serves only {}{bundle}: the controller was upgraded past its CRDs and stops at start-up (`no matches for kind`)",
                crd.name(),
                served.join(", ")
            ),
        )
        .fix(format!(
            "Upgrade the CRDs of {group} to the release {workload} requires, one that serves {version} for {kind} (`kubectl apply --server-side -f` the CRD bundle of that release; `helm upgrade` does not touch a chart's `crds/`), then restart {workload}; or pin {workload} to a release that uses {}.",
            served.join("/")
        )),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_apimachinery_words() {
        assert_eq!(
            super::no_match(
                "Error: failed to create provider Kubernetes: no matches for kind \"GRPCRoute\" in version \"gateway.networking.k8s.io/v1\""
            ),
            Some(("GRPCRoute", "gateway.networking.k8s.io", "v1"))
        );
        assert_eq!(super::no_match("no kind is registered"), None);
    }

    #[test]
    fn reads_the_reflectors_unserved_list() {
        assert_eq!(
            super::unlisted(
                "W0509 08:43:17.242362       1 reflector.go:569] pkg/mod/k8s.io/client-go@v0.32.3/tools/cache/reflector.go:251: failed to list *v1.PartialObjectMetadata: the server could not find the requested resource\n"
            ),
            Some("v1.PartialObjectMetadata")
        );
        assert_eq!(
            super::unlisted("failed to list *v1.Pod: pods is forbidden: User cannot list"),
            None
        );
    }
}
