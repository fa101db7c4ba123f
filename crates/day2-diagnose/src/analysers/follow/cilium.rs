//! CiliumNetworkPolicy egress on the path to the cluster DNS. Cilium
//! enforces its own policies (`cilium.io/v2`) beside NetworkPolicies: a
//! policy whose `endpointSelector` selects a pod and that has egress rules
//! puts the pod's egress in default-deny, and a rule admits a peer when its
//! `toEndpoints` select it (labels `k8s:`-prefixed, the namespace as
//! `io.kubernetes.pod.namespace`) and its `toPorts` name the port the peer
//! listens on, after the Service's translation (cilium/cilium#13308: a rule
//! for 53 while CoreDNS listens on 8053).

use super::*;
use day2_model::object::DynObject;
use serde_json::Value;

/// Whether `labels` (a `matchLabels` map, keys possibly `k8s:`-prefixed)
/// select a pod of namespace `ns` with `pod_labels`.
fn selects(
    labels: Option<&Value>,
    ns: &str,
    pod_labels: &std::collections::BTreeMap<String, String>,
) -> bool {
    let Some(Value::Object(m)) = labels else {
        return true;
    };
    m.iter().all(|(k, v)| {
        let k = k.strip_prefix("k8s:").unwrap_or(k);
        let v = v.as_str().unwrap_or_default();
        if k == "io.kubernetes.pod.namespace" {
            v == ns
        } else {
            pod_labels.get(k).is_some_and(|x| x == v)
        }
    })
}

/// The ports a `toPorts` list admits (`None`: any port).
fn ports(rule: &Value) -> Option<Vec<u16>> {
    let to = rule.get("toPorts")?.as_array()?;
    Some(
        to.iter()
            .flat_map(|p| {
                p.get("ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .filter_map(|p| match p.get("port")? {
                Value::String(s) => s.parse().ok(),
                Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
                _ => None,
            })
            .collect(),
    )
}

/// The CiliumNetworkPolicy that isolates `pod`'s egress and admits no rule
/// to `dns` on `port`, with the ports its DNS rules admit.
pub(super) fn dns_denied<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    dns: &Res<Pod>,
    port: u16,
) -> Option<(&'c Res<DynObject>, Vec<u16>)> {
    let ns = pod.ns_or_default();
    let mine: Vec<&Res<DynObject>> = a
        .cluster
        .other
        .iter()
        .filter(|o| o.kind == "CiliumNetworkPolicy" && o.ns_or_default() == ns)
        .filter(|o| {
            let spec = o.data.get("spec");
            let sel = spec
                .and_then(|s| s.get("endpointSelector"))
                .and_then(|s| s.get("matchLabels"));
            spec.and_then(|s| s.get("egress")).is_some() && selects(sel, ns, pod.labels())
        })
        .collect();
    let first = *mine.first()?;
    let mut dns_ports = Vec::new();
    for o in &mine {
        let rules = o
            .data
            .get("spec")
            .and_then(|s| s.get("egress"))
            .and_then(Value::as_array);
        for r in rules.into_iter().flatten() {
            let peers = r.get("toEndpoints").and_then(Value::as_array);
            let reaches = match peers {
                Some(p) => p
                    .iter()
                    .any(|e| selects(e.get("matchLabels"), dns.ns_or_default(), dns.labels())),
                None => r.get("toEntities").is_some_and(|e| {
                    e.as_array()
                        .is_some_and(|v| v.iter().any(|x| x == "all" || x == "cluster"))
                }),
            };
            if !reaches {
                continue;
            }
            match ports(r) {
                None => return None,
                Some(p) if p.contains(&port) || p.is_empty() => return None,
                Some(p) => dns_ports.extend(p),
            }
        }
    }
    Some((first, dns_ports))
}

/// The rule sets of a CiliumNetworkPolicy (`spec`, and each of `specs`).
fn rule_sets(o: &DynObject) -> Vec<&Value> {
    o.data
        .get("spec")
        .into_iter()
        .chain(
            o.data
                .get("specs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .collect()
}

/// A pod whose Cilium egress to a name goes through `toFQDNs`, with no
/// egress rule of its policies sending DNS through Cilium's DNS proxy
/// (`toPorts[].rules.dns`): the proxy never sees the lookups, never learns
/// the names' addresses, and the egress to them stays denied
/// (cilium/cilium#11767). The policy that admits DNS without the rule.
pub(super) fn fqdn_unlearned(a: &Analysis<'_>, pod: &Res<Pod>, port: u16) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    let mut egress: Vec<(&Res<DynObject>, &Value)> = Vec::new();
    for o in a
        .cluster
        .other
        .iter()
        .filter(|o| o.kind == "CiliumNetworkPolicy" && o.ns_or_default() == ns)
    {
        for set in rule_sets(o) {
            let sel = set
                .get("endpointSelector")
                .and_then(|s| s.get("matchLabels"));
            if !selects(sel, ns, pod.labels()) {
                continue;
            }
            for r in set
                .get("egress")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                egress.push((o, r));
            }
        }
    }
    let fqdn = egress.iter().find(|(_, r)| {
        r.get("toFQDNs").is_some() && ports(r).is_none_or(|p| p.is_empty() || p.contains(&port))
    })?;
    let dns_rule = |r: &Value| {
        r.get("toPorts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|p| p.get("rules").and_then(|x| x.get("dns")).is_some())
    };
    if egress.iter().any(|(_, r)| dns_rule(r)) {
        return None;
    }
    let dns = egress
        .iter()
        .find(|(_, r)| ports(r).is_some_and(|p| p.contains(&53)))
        .map_or(fqdn.0, |(o, _)| *o);
    let names: Vec<&str> = fqdn
        .1
        .get("toFQDNs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            f.get("matchName")
                .or_else(|| f.get("matchPattern"))
                .and_then(Value::as_str)
        })
        .collect();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            dns.objref(),
            format!(
                "pod {} may reach {} only through CiliumNetworkPolicy {}'s `toFQDNs`, and no egress rule of its policies sends DNS through Cilium's DNS proxy (`rules: dns`): the proxy never learns the names' addresses, so egress to them stays denied",
                pod.name(),
                names.join(", "),
                fqdn.0.name()
            ),
        )
        .fix(format!(
            "Add DNS rules to the egress rule that allows port 53 in CiliumNetworkPolicy {ns}/{}: `toPorts: [{{ports: [{{port: \"53\", protocol: ANY}}], rules: {{dns: [{{matchPattern: \"*\"}}]}}}}]`; toFQDNs works only for lookups the DNS proxy sees.",
            dns.name()
        )),
    )
}
