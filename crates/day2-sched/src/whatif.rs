//! What-if changes: hypothetical nodes of a given shape, and different
//! requests for the pod.

use crate::amounts::Amounts;
use crate::state::SimNode;
use k8s_openapi::api::core::v1::Taint;
use std::fmt;

/// `--add-node cpu=8,memory=32Gi,pods=110,zone=us-east-1a,count=2,label=k=v,taint=k=v:NoSchedule`
#[derive(Debug, Clone, PartialEq)]
pub struct NodeShape {
    pub allocatable: Amounts,
    pub pods: i64,
    pub zone: Option<String>,
    pub count: usize,
    pub labels: Vec<(String, String)>,
    pub taints: Vec<Taint>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

fn amount(resource: &str, v: &str, what: &str) -> Result<i64, ParseError> {
    day2_model::resources::amount(resource, v)
        .filter(|n| *n >= 0)
        .ok_or_else(|| ParseError(format!("{what}: {resource}={v} is not a quantity")))
}

fn parse_taint(s: &str) -> Result<Taint, ParseError> {
    let bad = || ParseError(format!("taint {s:?}: expected key[=value]:Effect"));
    let (kv, effect) = s.rsplit_once(':').ok_or_else(bad)?;
    if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        return Err(ParseError(format!(
            "taint {s:?}: effect must be NoSchedule, PreferNoSchedule or NoExecute"
        )));
    }
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k, Some(v.to_owned())),
        None => (kv, None),
    };
    if key.is_empty() {
        return Err(bad());
    }
    Ok(Taint {
        key: key.to_owned(),
        value,
        effect: effect.to_owned(),
        time_added: None,
    })
}

impl NodeShape {
    pub fn parse(s: &str) -> Result<NodeShape, ParseError> {
        let mut shape = NodeShape {
            allocatable: Amounts::default(),
            pods: 110,
            zone: None,
            count: 1,
            labels: Vec::new(),
            taints: Vec::new(),
        };
        let what = format!("--add-node {s}");
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| ParseError(format!("{what}: {part:?} is not key=value")))?;
            match k {
                "zone" => shape.zone = Some(v.to_owned()),
                "count" => {
                    shape.count = v
                        .parse::<usize>()
                        .ok()
                        .filter(|c| (1..=1000).contains(c))
                        .ok_or_else(|| ParseError(format!("{what}: count must be 1..1000")))?
                }
                "pods" => shape.pods = amount("pods", v, &what)?,
                "label" => {
                    let (lk, lv) = v.split_once('=').unwrap_or((v, ""));
                    shape.labels.push((lk.to_owned(), lv.to_owned()));
                }
                "taint" => shape.taints.push(parse_taint(v)?),
                res => {
                    let n = amount(res, v, &what)?;
                    shape.allocatable.set(res, n);
                }
            }
        }
        if shape.allocatable.cpu == 0 && shape.allocatable.memory == 0 {
            return Err(ParseError(format!(
                "{what}: give the node's allocatable at least as cpu=… or memory=…"
            )));
        }
        Ok(shape)
    }

    /// Short form for output: `2 × cpu=8, memory=32Gi in us-east-1a`.
    pub fn describe(&self) -> String {
        let res: Vec<String> = self
            .allocatable
            .iter()
            .map(|(k, v)| format!("{k}={}", day2_model::resources::format_amount(k, v)))
            .collect();
        let mut s = format!("{} × {}", self.count, res.join(", "));
        if let Some(z) = &self.zone {
            s.push_str(&format!(" in {z}"));
        }
        for (k, v) in &self.labels {
            s.push_str(&format!(", label {k}={v}"));
        }
        for t in &self.taints {
            s.push_str(&format!(
                ", taint {}",
                crate::plugins::node::describe_taint(t)
            ));
        }
        s
    }

    /// The hypothetical nodes, named `whatif-<zone>-<n>`.
    pub(crate) fn nodes(&self, first: usize) -> Vec<SimNode> {
        (0..self.count)
            .map(|i| {
                let name = format!(
                    "whatif-{}-{}",
                    self.zone.as_deref().unwrap_or("node"),
                    first + i + 1
                );
                let mut labels = day2_model::selector::Labels::new();
                labels.insert("kubernetes.io/hostname".into(), name.clone());
                if let Some(z) = &self.zone {
                    labels.insert("topology.kubernetes.io/zone".into(), z.clone());
                    // Region: the zone without its trailing letter (us-east-1a → us-east-1).
                    let region = z.trim_end_matches(|c: char| c.is_ascii_lowercase());
                    if !region.is_empty() && region != z {
                        labels.insert("topology.kubernetes.io/region".into(), region.to_owned());
                    }
                }
                for (k, v) in &self.labels {
                    labels.insert(k.clone(), v.clone());
                }
                SimNode {
                    zone: day2_model::zone_of(&labels).map(str::to_owned),
                    name,
                    labels,
                    taints: self.taints.clone(),
                    unschedulable: false,
                    allocatable: self.allocatable.clone(),
                    max_pods: self.pods,
                    requested: Amounts::default(),
                    pods: Vec::new(),
                    ports: Vec::new(),
                    distinct_ports: Vec::new(),
                    volume_limits: Vec::new(),
                    csi_volumes: Default::default(),
                    hypothetical: true,
                }
            })
            .collect()
    }
}

/// `--requests cpu=500m,memory=1Gi`: the pod's requests, replaced per resource.
pub fn parse_requests(s: &str, base: &Amounts) -> Result<Amounts, ParseError> {
    let mut out = base.clone();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            ParseError(format!("--requests {s}: {part:?} is not resource=quantity"))
        })?;
        out.set(k, amount(k, v, &format!("--requests {s}"))?);
    }
    out.scalar.retain(|(_, v)| *v != 0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shapes_and_rejects_nonsense() {
        let s = NodeShape::parse(
            "cpu=8,memory=32Gi,zone=us-east-1a,count=2,label=pool=db,taint=dedicated=db:NoSchedule",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.allocatable.cpu, 8000);
        assert_eq!(s.allocatable.memory, 32 << 30);
        assert_eq!(s.count, 2);
        assert_eq!(s.taints[0].value.as_deref(), Some("db"));
        let nodes = s.nodes(0);
        assert_eq!(nodes[1].name, "whatif-us-east-1a-2");
        assert_eq!(
            nodes[0]
                .labels
                .get("topology.kubernetes.io/region")
                .map(String::as_str),
            Some("us-east-1")
        );
        assert!(NodeShape::parse("cpu=lots").is_err());
        assert!(NodeShape::parse("zone=a").is_err());
        assert!(NodeShape::parse("cpu=1,taint=x:Sometimes").is_err());
        assert!(NodeShape::parse("cpu=1,count=0").is_err());
    }

    #[test]
    fn requests_replace_per_resource() {
        let base = Amounts {
            cpu: 4000,
            memory: 1 << 30,
            ..Amounts::default()
        };
        let r = parse_requests("cpu=500m", &base).unwrap_or_default();
        assert_eq!((r.cpu, r.memory), (500, 1 << 30));
        assert!(parse_requests("cpu", &base).is_err());
    }
}
