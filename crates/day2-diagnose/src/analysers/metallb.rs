//! MetalLB 0.13 and later read their address pools only from custom
//! resources (`IPAddressPool`, `L2Advertisement`, `BGPAdvertisement`); the
//! `config` ConfigMap of earlier releases is ignored. A cluster upgraded
//! (or installed from an older guide) with only the ConfigMap has a MetalLB
//! with no address to give, and every LoadBalancer Service waits without a
//! word from it (projectcalico/calico#6547, metallb.universe.tf's
//! "Backward compatibility" note).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Service;

/// The ConfigMap of namespace `ns` that holds MetalLB's pools in the format
/// of releases before 0.13 (a `config` key with `address-pools`).
fn old_pools<'c>(
    c: &'c day2_model::Cluster,
    ns: &str,
) -> Option<&'c Res<k8s_openapi::api::core::v1::ConfigMap>> {
    c.config_maps.iter().find(|m| {
        m.ns_or_default() == ns
            && m.data
                .as_ref()
                .and_then(|d| d.get("config"))
                .is_some_and(|v| v.contains("address-pools"))
    })
}

pub fn legacy_config(a: &Analysis<'_>, svc: &Res<Service>) -> Option<Hypothesis> {
    let c = a.cluster;
    let (pod, image) = c.pods.iter().find_map(|p| {
        let image = p
            .spec
            .as_ref()?
            .containers
            .iter()
            .filter_map(|k| k.image.as_deref())
            .find(|i| i.contains("metallb/controller"))?;
        Some((p, image))
    })?;
    let (major, minor) = crate::messages::image::tag_version(image)?;
    if (major, minor) < (0, 13) {
        return None;
    }
    let ns = pod.ns_or_default();
    let cm = old_pools(c, ns)?;
    let pools = c
        .other
        .iter()
        .any(|o| o.kind == "IPAddressPool" && o.api_version.starts_with("metallb.io/"));
    if pools {
        return None;
    }
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            cm.objref(),
            format!(
                "MetalLB {} reads its address pools only from IPAddressPool custom resources (since 0.13), and none exists; ConfigMap {ns}/{} holds `address-pools` in the old format, which it ignores, so Service {}/{} gets no address",
                image.rsplit_once(':').map_or(image, |(_, t)| t),
                cm.name(),
                svc.ns_or_default(),
                svc.name()
            ),
        )
        .fix(format!(
            "Turn the ConfigMap into custom resources: an IPAddressPool with its addresses and an L2Advertisement (or BGPAdvertisement with BGPPeer objects for `protocol: bgp`) in namespace {ns} (`quay.io/metallb/configmaptocrs` converts the ConfigMap), apply them, then delete ConfigMap {ns}/{}.",
            cm.name()
        ))
        .link(Link::new(
            Loop::Network,
            None,
            cm.objref(),
            format!("ConfigMap {ns}/{} in MetalLB's old format", cm.name()),
        )),
    )
}

/// MetalLB before 0.13 reads the ConfigMap its `--config` flag names
/// (`config` by default; Helm's old stable/metallb chart passed
/// `metallb-config`): pools written into a ConfigMap of another name are
/// never read (helm/charts#9973).
pub fn config_elsewhere(a: &Analysis<'_>, svc: &Res<Service>) -> Option<Hypothesis> {
    let c = a.cluster;
    let (ns, image, args) = c.deployments.iter().find_map(|d| {
        let k = d.spec.template.spec.as_ref()?.containers.iter().find(|k| {
            k.image
                .as_deref()
                .is_some_and(|i| i.contains("metallb/controller"))
        })?;
        Some((
            d.ns_or_default(),
            k.image.as_deref()?,
            k.args.clone().unwrap_or_default(),
        ))
    })?;
    if crate::messages::image::tag_version(image).is_none_or(|v| v >= (0, 13)) {
        return None;
    }
    let wanted = args
        .iter()
        .find_map(|x| x.strip_prefix("--config="))
        .unwrap_or("config");
    if c.config_maps
        .iter()
        .any(|m| m.ns_or_default() == ns && m.name() == wanted)
    {
        return None;
    }
    let cm = old_pools(c, ns)?;
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            cm.objref(),
            format!(
                "MetalLB {} reads its address pools from ConfigMap {ns}/{wanted} (its `--config`), which does not exist; the pools are in ConfigMap {ns}/{}, which it never reads, so Service {}/{} gets no address",
                image.rsplit_once(':').map_or(image, |(_, t)| t),
                cm.name(),
                svc.ns_or_default(),
                svc.name()
            ),
        )
        .fix(format!(
            "Put the pools where MetalLB looks: create ConfigMap {ns}/{wanted} with the same `config` key (`kubectl -n {ns} get configmap {} -o yaml`, rename, apply), or start the controller and speakers with `--config={}` (the chart's `configInline` or `existingConfigMap` value).",
            cm.name(),
            cm.name()
        )),
    )
}

/// MetalLB refuses an address another Service holds unless both carry
/// the same `metallb.universe.tf/allow-shared-ip` key (and are compatible:
/// no port in common, the same `externalTrafficPolicy`): `can't change
/// sharing key for "ns/a", address also in use by ns/b`
/// (pi-hole/docker-pi-hole#862, one Service for TCP and one for UDP).
pub fn sharing_refused(svc: &Res<Service>, message: &str) -> Option<Hypothesis> {
    let (_, other) = message.split_once("address also in use by ")?;
    let other = other.trim().trim_end_matches(['.', '"']);
    let (ns, name) = (svc.ns_or_default(), svc.name());
    let key = "metallb.universe.tf/allow-shared-ip";
    Some(
        Hypothesis::new(
            88,
            Loop::Network,
            svc.objref(),
            format!(
                "MetalLB will not give Service {ns}/{name} the address it asks for: Service {other} already holds it, and the two do not carry the same `{key}` key, so MetalLB refuses to share it"
            ),
        )
        .fix(format!(
            "Let them share the address: annotate both Service {ns}/{name} and Service {other} with the same `{key}: <key>` (`kubectl annotate service -n {ns} {name} {key}=<key>`); they must not use a port in common and must have the same `externalTrafficPolicy`. Or ask for another address for {ns}/{name}."
        ))
        .link(Link::new(
            Loop::Network,
            None,
            svc.objref(),
            day2_model::redact::excerpt(message, 200),
        )),
    )
}
