//! Calico's own NetworkPolicy (`projectcalico.org/v3`, stored as
//! `crd.projectcalico.org/v1`) on the path to the cluster DNS. Calico
//! enforces it beside Kubernetes NetworkPolicies: a policy whose `selector`
//! selects a pod with `Egress` among its `types` isolates the pod's egress;
//! its rules are read in order, the first that matches decides (`Allow`,
//! `Deny`), and traffic no rule matches is denied at the end of the tier.
//! A rule that names a `protocol` matches only that protocol, so a DNS rule
//! for TCP leaves the UDP queries denied (projectcalico/calico#2199).
//! Kubernetes NetworkPolicies sit in the same tier at order 1000.

use super::*;
use day2_model::object::DynObject;
use serde_json::Value;

/// A Calico selector expression evaluated on `labels`: `all()`,
/// `has(k)`, `k == 'v'`, `k != 'v'`, `k in {'a', 'b'}`, `k not in {…}`,
/// `!`, `&&`, `||` and parentheses. `None` for what it cannot read.
pub(crate) fn selector_matches(expr: &str, labels: &BTreeMap<String, String>) -> Option<bool> {
    let tokens = tokenize(expr)?;
    let mut p = Parser {
        tokens: &tokens,
        at: 0,
        labels,
    };
    let v = p.or()?;
    (p.at == tokens.len()).then_some(v)
}

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Op(&'static str),
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = b[i..(i + 2).min(b.len())].iter().collect();
        if let Some(op) = ["==", "!=", "&&", "||"].into_iter().find(|o| *o == two) {
            out.push(Tok::Op(op));
            i += 2;
            continue;
        }
        if let Some(op) = ["!", "(", ")", "{", "}", ","]
            .into_iter()
            .find(|o| o.starts_with(c))
        {
            out.push(Tok::Op(op));
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let end = b[i + 1..].iter().position(|x| *x == c)? + i + 1;
            out.push(Tok::Str(b[i + 1..end].iter().collect()));
            i = end + 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], '-' | '_' | '.' | '/'))
        {
            i += 1;
        }
        if i == start {
            return None;
        }
        out.push(Tok::Word(b[start..i].iter().collect()));
    }
    Some(out)
}

struct Parser<'t, 'l> {
    tokens: &'t [Tok],
    at: usize,
    labels: &'l BTreeMap<String, String>,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }
    fn eat(&mut self, t: &Tok) -> bool {
        let hit = self.peek() == Some(t);
        if hit {
            self.at += 1;
        }
        hit
    }
    fn or(&mut self) -> Option<bool> {
        let mut v = self.and()?;
        while self.eat(&Tok::Op("||")) {
            v |= self.and()?;
        }
        Some(v)
    }
    fn and(&mut self) -> Option<bool> {
        let mut v = self.unary()?;
        while self.eat(&Tok::Op("&&")) {
            v &= self.unary()?;
        }
        Some(v)
    }
    fn unary(&mut self) -> Option<bool> {
        if self.eat(&Tok::Op("!")) {
            return self.unary().map(|v| !v);
        }
        if self.eat(&Tok::Op("(")) {
            let v = self.or()?;
            return self.eat(&Tok::Op(")")).then_some(v);
        }
        self.term()
    }
    fn string(&mut self) -> Option<String> {
        match self.tokens.get(self.at)? {
            Tok::Str(s) => {
                self.at += 1;
                Some(s.clone())
            }
            _ => None,
        }
    }
    fn set(&mut self) -> Option<Vec<String>> {
        if !self.eat(&Tok::Op("{")) {
            return None;
        }
        let mut out = Vec::new();
        while !self.eat(&Tok::Op("}")) {
            out.push(self.string()?);
            self.eat(&Tok::Op(","));
        }
        Some(out)
    }
    fn term(&mut self) -> Option<bool> {
        let Some(Tok::Word(w)) = self.tokens.get(self.at).cloned() else {
            return None;
        };
        self.at += 1;
        if w == "all" || w == "global" {
            return (self.eat(&Tok::Op("(")) && self.eat(&Tok::Op(")"))).then_some(true);
        }
        if w == "has" {
            if !self.eat(&Tok::Op("(")) {
                return None;
            }
            let Some(Tok::Word(k)) = self.tokens.get(self.at).cloned() else {
                return None;
            };
            self.at += 1;
            return self
                .eat(&Tok::Op(")"))
                .then(|| self.labels.contains_key(&k));
        }
        let value = self.labels.get(&w);
        if self.eat(&Tok::Op("==")) {
            let v = self.string()?;
            return Some(value == Some(&v));
        }
        if self.eat(&Tok::Op("!=")) {
            let v = self.string()?;
            return Some(value != Some(&v));
        }
        if self.eat(&Tok::Word("in".into())) {
            let s = self.set()?;
            return Some(value.is_some_and(|v| s.contains(v)));
        }
        if self.eat(&Tok::Word("not".into())) && self.eat(&Tok::Word("in".into())) {
            let s = self.set()?;
            return Some(value.is_none_or(|v| !s.contains(v)));
        }
        None
    }
}

/// Whether a rule's protocol admits `protocol` (`TCP`, `UDP`; also by
/// number).
fn protocol_admits(rule: &Value, protocol: &str) -> Option<bool> {
    match rule.get("protocol") {
        None => Some(true),
        Some(Value::String(s)) => Some(s.eq_ignore_ascii_case(protocol)),
        Some(Value::Number(n)) => Some(match protocol {
            "TCP" => n.as_u64() == Some(6),
            "UDP" => n.as_u64() == Some(17),
            _ => false,
        }),
        _ => None,
    }
}

/// Whether a `ports` list admits `port` (numbers, `"a:b"` ranges).
fn ports_admit(ports: Option<&Value>, port: u16) -> Option<bool> {
    let Some(ports) = ports else {
        return Some(true);
    };
    let list = ports.as_array()?;
    let mut any = false;
    for p in list {
        any |= match p {
            Value::Number(n) => n.as_u64() == Some(u64::from(port)),
            Value::String(s) => match s.split_once(':') {
                Some((lo, hi)) => {
                    let (lo, hi): (u16, u16) = (lo.trim().parse().ok()?, hi.trim().parse().ok()?);
                    (lo..=hi).contains(&port)
                }
                None => s.trim().parse::<u16>().ok() == Some(port),
            },
            _ => return None,
        };
    }
    Some(any)
}

/// Whether one egress rule matches traffic from `pod` to `peer` on
/// `port`/`protocol`; `None` for a rule it cannot read (a negated match,
/// a service account or service selector).
fn rule_matches(
    a: &Analysis<'_>,
    policy_ns: Option<&str>,
    rule: &Value,
    peer: &Res<Pod>,
    port: u16,
    protocol: &str,
) -> Option<bool> {
    let obj = rule.as_object()?;
    if obj
        .keys()
        .any(|k| k.starts_with("not") || k == "icmp" || k == "http")
    {
        return None;
    }
    if !protocol_admits(rule, protocol)? {
        return Some(false);
    }
    let Some(dst) = rule.get("destination") else {
        return Some(true);
    };
    let dst_obj = dst.as_object()?;
    if dst_obj.keys().any(|k| {
        !matches!(
            k.as_str(),
            "selector" | "namespaceSelector" | "ports" | "nets"
        )
    }) {
        return None;
    }
    if !ports_admit(dst.get("ports"), port)? {
        return Some(false);
    }
    if let Some(nets) = dst.get("nets").and_then(Value::as_array) {
        let ip = peer
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.as_deref())
            .and_then(|i| i.parse::<IpAddr>().ok())?;
        if !nets
            .iter()
            .filter_map(Value::as_str)
            .any(|n| crate::netpol::cidr_contains(n, ip))
        {
            return Some(false);
        }
    }
    let ns_sel = dst.get("namespaceSelector").and_then(Value::as_str);
    match ns_sel {
        Some(sel) => {
            let mut ns_labels =
                day2_model::netpol::namespace_labels(a.cluster, peer.ns_or_default());
            ns_labels
                .entry("projectcalico.org/name".to_owned())
                .or_insert_with(|| peer.ns_or_default().to_owned());
            if !selector_matches(sel, &ns_labels)? {
                return Some(false);
            }
        }
        // A namespaced policy's selector names pods of its own namespace.
        None if dst.get("selector").is_some()
            && policy_ns.is_some_and(|ns| ns != peer.ns_or_default()) =>
        {
            return Some(false);
        }
        None => {}
    }
    match dst.get("selector").and_then(Value::as_str) {
        Some(sel) => selector_matches(sel, peer.labels()),
        None => Some(true),
    }
}

/// What decides `pod`'s egress to `peer` among Calico's policies: `None`
/// when no Calico policy isolates it, a Kubernetes policy or a rule admits
/// it, or a policy cannot be read; otherwise the policy that denies it and
/// whether a rule of it denies (rather than no rule admitting).
fn egress_denied<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    peer: &Res<Pod>,
    port: u16,
    protocol: &str,
    k8s_allows: bool,
) -> Option<(&'c Res<DynObject>, bool)> {
    let ns = pod.ns_or_default();
    let mut isolating: Vec<(&Res<DynObject>, f64)> = Vec::new();
    for o in a.cluster.other.iter().filter(|o| {
        o.api_version.contains("projectcalico.org")
            && (o.kind == "GlobalNetworkPolicy"
                || (o.kind == "NetworkPolicy" && o.ns_or_default() == ns))
    }) {
        let spec = o.data.get("spec")?;
        let egress = match spec.get("types").and_then(Value::as_array) {
            Some(t) => t.iter().any(|x| x == "Egress"),
            None => spec.get("egress").is_some(),
        };
        if !egress {
            continue;
        }
        let sel = spec
            .get("selector")
            .and_then(Value::as_str)
            .unwrap_or("all()");
        if !selector_matches(sel, pod.labels())? {
            continue;
        }
        let order = spec
            .get("order")
            .and_then(Value::as_f64)
            .unwrap_or(f64::INFINITY);
        isolating.push((o, order));
    }
    let first = isolating.first()?.0;
    isolating.sort_by(|x, y| x.1.total_cmp(&y.1));
    for (o, order) in &isolating {
        if k8s_allows && *order > 1000.0 {
            return None;
        }
        let policy_ns = (o.kind == "NetworkPolicy").then(|| o.ns_or_default());
        let rules = o
            .data
            .get("spec")
            .and_then(|s| s.get("egress"))
            .and_then(Value::as_array);
        for r in rules.into_iter().flatten() {
            if !rule_matches(a, policy_ns, r, peer, port, protocol)? {
                continue;
            }
            match r.get("action").and_then(Value::as_str) {
                Some("Allow") => return None,
                Some("Deny") => return Some((o, true)),
                Some("Log") => {}
                _ => return None,
            }
        }
    }
    if k8s_allows {
        return None;
    }
    Some((first, false))
}

/// The DNS queries (UDP to `target` on the DNS pod `dns`) that a Calico
/// policy denies: the hypothesis naming it, with what its DNS rules admit.
pub(super) fn dns_denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    dns: &Res<Pod>,
    target: u16,
    k8s_allows: bool,
    what: &str,
) -> Option<Hypothesis> {
    let (policy, by_rule) = egress_denied(a, pod, dns, target, "UDP", k8s_allows)?;
    // Whether TCP gets through: the rule names TCP alone.
    let tcp_only = egress_denied(a, pod, dns, target, "TCP", k8s_allows).is_none();
    let kind = if policy.kind == "GlobalNetworkPolicy" {
        "Calico GlobalNetworkPolicy"
    } else {
        "Calico NetworkPolicy"
    };
    let name = match policy.metadata.namespace.as_deref() {
        Some(ns) => format!("{ns}/{}", policy.name()),
        None => policy.name().to_owned(),
    };
    let why = if by_rule {
        "a Deny rule of it matches them".to_owned()
    } else if tcp_only {
        format!("its rules admit the DNS pods on TCP {target} only, and queries go over UDP")
    } else {
        format!("no rule of it admits the DNS pods on UDP {target}")
    };
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            policy.objref(),
            format!("{what}: {kind} {name} isolates the pod's egress, and {why}"),
        )
        .fix(format!("Admit DNS over UDP in {kind} {name}: an egress rule `action: Allow, protocol: UDP, destination: {{selector: \"k8s-app == 'kube-dns'\", namespaceSelector: \"projectcalico.org/name == 'kube-system'\", ports: [{target}]}}` beside the TCP one (most lookups use UDP; TCP is the fallback for large answers).")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn calico_selectors() {
        let l = labels(&[("k8s-app", "kube-dns"), ("tier", "infra")]);
        assert_eq!(selector_matches("k8s-app == 'kube-dns'", &l), Some(true));
        assert_eq!(selector_matches("k8s-app != 'kube-dns'", &l), Some(false));
        assert_eq!(selector_matches("all()", &l), Some(true));
        assert_eq!(selector_matches("has(tier) && !has(role)", &l), Some(true));
        assert_eq!(
            selector_matches("tier in {'web', \"infra\"}", &l),
            Some(true)
        );
        assert_eq!(selector_matches("tier not in {'infra'}", &l), Some(false));
        assert_eq!(
            selector_matches("(role == 'x' || tier == 'infra')", &l),
            Some(true)
        );
        // What it cannot read.
        assert_eq!(selector_matches("k8s-app ==", &l), None);
        assert_eq!(selector_matches("k8s-app starts with 'kube'", &l), None);
    }

    #[test]
    fn ports_and_protocols() {
        assert_eq!(ports_admit(Some(&serde_json::json!([53])), 53), Some(true));
        assert_eq!(
            ports_admit(Some(&serde_json::json!(["1000:2000"])), 1500),
            Some(true)
        );
        assert_eq!(ports_admit(Some(&serde_json::json!([80])), 53), Some(false));
        assert_eq!(
            protocol_admits(&serde_json::json!({"protocol": "TCP"}), "UDP"),
            Some(false)
        );
        assert_eq!(
            protocol_admits(&serde_json::json!({"protocol": 17}), "UDP"),
            Some(true)
        );
        assert_eq!(protocol_admits(&serde_json::json!({}), "UDP"), Some(true));
    }
}
