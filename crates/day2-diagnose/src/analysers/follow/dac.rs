//! Root without the capabilities that make it root for files: a container
//! running as user 0 that drops `ALL` (or `DAC_OVERRIDE`) and adds back
//! neither `DAC_OVERRIDE` nor `DAC_READ_SEARCH` may not enter or read a
//! directory another user owns with a private mode, so even its `chown -R`
//! stops with `Permission denied` (EACCES, not the EPERM of a missing
//! `CHOWN`): grafana/helm-charts#3699, `init-chown-data` after Grafana
//! created `csv`, `png` and `pdf` as its own user.

use super::*;
use day2_model::security::EffectiveSecurityContext;
use k8s_openapi::api::core::v1::Capabilities;

/// The capabilities of `container` when it runs as root (user 0): its
/// own security context's (None when it sets none).
pub(super) fn of_root<'p>(pod: &'p Res<Pod>, container: &str) -> Option<Option<&'p Capabilities>> {
    let spec = pod.spec.as_ref()?;
    let effective = EffectiveSecurityContext::of(spec, model::spec_container(pod, container)?);
    (effective.run_as_user == Some(0)).then_some(effective.capabilities)
}

/// The first of `want` a capability list names, `CAP_` aside.
pub(super) fn listed<'l>(list: Option<&'l Vec<String>>, want: &[&str]) -> Option<&'l str> {
    list.into_iter().flatten().find_map(|x| {
        let x = x.trim_start_matches("CAP_");
        want.iter().any(|w| x.eq_ignore_ascii_case(w)).then_some(x)
    })
}

pub(super) fn dropped(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
) -> Option<Hypothesis> {
    let caps = of_root(pod, container)??;
    let gone = listed(caps.drop.as_ref(), &["ALL", "DAC_OVERRIDE"])?;
    if listed(
        caps.add.as_ref(),
        &["DAC_OVERRIDE", "DAC_READ_SEARCH", "ALL"],
    )
    .is_some()
    {
        return None;
    }
    let added: Vec<&str> = caps.add.iter().flatten().map(String::as_str).collect();
    let owner = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            84,
            Loop::Compute,
            owner.clone(),
            format!(
                "container {container} of {owner} runs as root but drops {gone}{}: without DAC_OVERRIDE and DAC_READ_SEARCH root may not enter or read a directory another user owns with a private mode, so {} is refused (Permission denied)",
                if added.is_empty() { String::new() } else { format!(" (adding back only {})", added.join(", ")) },
                d.path
            ),
        )
        .fix(format!(
            "Add `DAC_READ_SEARCH` (to read and enter directories) or `DAC_OVERRIDE` to container {container}'s `securityContext.capabilities.add` beside what it adds now, or drop the step (a chart's `initChownData.enabled: false`) and let the pod's `fsGroup` give the volume to the app's group."
        )),
    )
}
