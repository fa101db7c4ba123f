//! A program that exits because a URL it was given is not one: Go's
//! net/http says `no Host in request URL` for a URL without `scheme://host`
//! and `unsupported protocol scheme ""` for one without a scheme. The
//! setting is the container's environment variable that holds the bare
//! value: the one the crash quotes, or one named for a URL or endpoint
//! whose value has no `://` (Azure/azure-workload-identity#657:
//! `KEYVAULT_URL` set to the vault's name instead of
//! `https://<name>.vault.azure.net/`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

fn not_a_url(text: &str) -> bool {
    text.contains("no Host in request URL") || text.contains("unsupported protocol scheme \"\"")
}

fn names_a_url(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["URL", "URI", "ENDPOINT", "ADDRESS", "ADDR"]
        .iter()
        .any(|w| n.ends_with(w))
}

pub fn bare_url<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some(said) = texts.iter().find(|t| not_a_url(t)) else {
        return vec![];
    };
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    let env = a.references().env(pod.ns_or_default(), c);
    let bare = |v: &str| !v.is_empty() && !v.contains("://");
    // The variable whose value the crash quotes, else the only URL-named
    // one without a scheme.
    let quoted = env.iter().find(|e| {
        bare(&e.value) && names_a_url(&e.name) && said.contains(&format!("\"{}\"", e.value))
    });
    let named: Vec<_> = env
        .iter()
        .filter(|e| bare(&e.value) && names_a_url(&e.name))
        .collect();
    let Some(var) = quoted.or(match named.as_slice() {
        [one] => Some(*one),
        _ => None,
    }) else {
        return vec![];
    };
    let workload = model::workload_ref(a.cluster, pod);
    let target = match &var.config_map {
        Some(cm) => day2_model::ObjRef::new("ConfigMap", Some(pod.ns_or_default()), cm.clone()),
        None => workload.clone(),
    };
    let example = if var.name.to_ascii_uppercase().contains("KEYVAULT") {
        format!("`https://{}.vault.azure.net/`", var.value)
    } else {
        "`https://<host>[:port]/…`".to_owned()
    };
    vec![
        Hypothesis::new(
            84,
            Loop::Compute,
            target.clone(),
            format!(
                "container {container} exits because {} is `{}`, not a URL: with no scheme and host the HTTP client refuses the request (`{}`)",
                var.name,
                var.value,
                day2_model::redact::excerpt(said, 160)
            ),
        )
        .fix(format!(
            "Set {} in {target} to the full URL with its scheme and host ({example}), then restart the pods.",
            var.name
        )),
    ]
}
