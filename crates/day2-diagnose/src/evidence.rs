//! The vocabulary analysers speak: chain links, hypotheses, and the findings
//! they can name as root causes.

use day2_model::report::{ChainLink, Confidence, RootCause};
use day2_model::{Cloud, Event, Finding, Loop, ObjRef};
use jiff::Timestamp;
use rustc_hash::FxHashMap;

/// One step of a causal chain, before it is ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub loop_: Loop,
    pub at: Option<Timestamp>,
    pub object: ObjRef,
    pub what: String,
    pub evidence: Vec<String>,
}

impl Link {
    pub fn new(
        loop_: Loop,
        at: Option<Timestamp>,
        object: ObjRef,
        what: impl Into<String>,
    ) -> Link {
        Link {
            loop_,
            at,
            object,
            what: what.into(),
            evidence: Vec::new(),
        }
    }

    /// A link dated by an event (its first occurrence), with the event as evidence.
    pub fn from_event(loop_: Loop, e: &Event, what: impl Into<String>) -> Link {
        Link {
            loop_,
            at: e.first.or(e.last),
            object: e.involved.clone(),
            what: what.into(),
            evidence: vec![e.evidence()],
        }
    }

    pub fn with_evidence(mut self, ev: impl IntoIterator<Item = String>) -> Link {
        self.evidence.extend(ev);
        self
    }

    pub fn into_chain(self) -> ChainLink {
        ChainLink {
            loop_: self.loop_,
            at: self.at,
            object: self.object,
            what: self.what,
            evidence: self.evidence,
        }
    }
}

/// One analyser's answer: a root cause with the evidence for it and a score
/// (0–100) saying how well the evidence supports it.
#[derive(Debug, Clone)]
pub struct Hypothesis {
    pub score: u32,
    pub root: RootCause,
    pub links: Vec<Link>,
    pub fix: String,
    pub missing: Vec<String>,
    /// The cluster does not hold the cause (see `Diagnosis::unexplained`).
    pub unexplained: bool,
}

impl Hypothesis {
    pub fn new(score: u32, loop_: Loop, object: ObjRef, summary: impl Into<String>) -> Hypothesis {
        Hypothesis {
            score: score.min(100),
            root: RootCause {
                loop_,
                rule: None,
                summary: summary.into(),
                object,
            },
            links: Vec::new(),
            fix: String::new(),
            missing: Vec::new(),
            unexplained: false,
        }
    }

    /// Mark the cause as not held by the input: the summary says what to
    /// look at next.
    pub fn unexplained(mut self) -> Hypothesis {
        self.unexplained = true;
        self
    }

    pub fn rule(mut self, rule: Option<&str>) -> Hypothesis {
        self.root.rule = rule.map(str::to_owned);
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Hypothesis {
        self.fix = fix.into();
        self
    }

    pub fn link(mut self, l: Link) -> Hypothesis {
        self.links.push(l);
        self
    }

    pub fn links(mut self, ls: impl IntoIterator<Item = Link>) -> Hypothesis {
        self.links.extend(ls);
        self
    }

    pub fn missing(mut self, m: impl Into<String>) -> Hypothesis {
        self.missing.push(m.into());
        self
    }
}

pub fn confidence(score: u32) -> Confidence {
    match score {
        70.. => Confidence::High,
        40..70 => Confidence::Medium,
        _ => Confidence::Low,
    }
}

/// Findings by the object they are about.
pub struct FindingIndex<'f> {
    by_object: FxHashMap<(String, Option<String>, String), Vec<&'f Finding>>,
}

impl<'f> FindingIndex<'f> {
    pub fn new(findings: &'f [Finding]) -> Self {
        let mut by_object: FxHashMap<_, Vec<&Finding>> = FxHashMap::default();
        for f in findings {
            by_object
                .entry((
                    f.object.kind.clone(),
                    f.object.namespace.clone(),
                    f.object.name.clone(),
                ))
                .or_default()
                .push(f);
        }
        FindingIndex { by_object }
    }

    pub fn on(&self, o: &ObjRef) -> &[&'f Finding] {
        self.by_object
            .get(&(o.kind.clone(), o.namespace.clone(), o.name.clone()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The finding of rule `code` on the object, if the rule ran and fired.
    pub fn rule_on(&self, code: &str, o: &ObjRef) -> Option<&'f Finding> {
        self.on(o).iter().copied().find(|f| f.rule == code)
    }

    /// The first finding of any of these rules on the object.
    pub fn any_of(&self, codes: &[&str], o: &ObjRef) -> Option<&'f Finding> {
        codes.iter().find_map(|c| self.rule_on(c, o))
    }
}

/// A cloud-specific text: the cloud's own when given, else the generic one.
pub fn per_cloud(cloud: Cloud, generic: &str, aws: &str, azure: &str, gcp: &str) -> String {
    let t = match cloud {
        Cloud::Aws => aws,
        Cloud::Azure => azure,
        Cloud::Gcp => gcp,
        Cloud::Generic => generic,
    };
    if t.is_empty() { generic } else { t }.to_owned()
}

/// Missing-evidence note for events that are absent.
pub fn events_absent(what: &str) -> String {
    format!(
        "no {what} events for this object in the input (events expire after the API server's --event-ttl, 1h by default; absence is weak evidence)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_bands() {
        assert_eq!(confidence(90), Confidence::High);
        assert_eq!(confidence(55), Confidence::Medium);
        assert_eq!(confidence(20), Confidence::Low);
    }
}
