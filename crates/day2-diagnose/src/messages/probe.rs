//! Probe events of the kubelet.
//!
//! Source: kubernetes/kubernetes `pkg/kubelet/prober/prober.go`:
//! `Unhealthy` (Warning) `%s probe failed: %s` and `%s probe errored: %v`
//! (newest `%s probe errored and resulted in %s state: %s`) with probe type
//! `Readiness`, `Liveness` or `Startup`; `pkg/kubelet/kuberuntime` `Killing`
//! `Container %s failed liveness probe, will be restarted`.

use super::strip_combined;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    Readiness,
    Liveness,
    Startup,
}

impl ProbeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "readiness",
            ProbeKind::Liveness => "liveness",
            ProbeKind::Startup => "startup",
        }
    }
}

/// A failed probe: which one and what it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeFailure {
    pub kind: ProbeKind,
    pub output: String,
}

pub fn parse_unhealthy(msg: &str) -> Option<ProbeFailure> {
    let msg = strip_combined(msg);
    let (kind, rest) = if let Some(r) = msg.strip_prefix("Readiness probe ") {
        (ProbeKind::Readiness, r)
    } else if let Some(r) = msg.strip_prefix("Liveness probe ") {
        (ProbeKind::Liveness, r)
    } else if let Some(r) = msg.strip_prefix("Startup probe ") {
        (ProbeKind::Startup, r)
    } else {
        return None;
    };
    let output = rest
        .strip_prefix("failed:")
        .or_else(|| rest.strip_prefix("errored:"))
        .or_else(|| rest.split_once("state:").map(|(_, o)| o))
        .unwrap_or(rest)
        .trim()
        .to_owned();
    Some(ProbeFailure { kind, output })
}

/// What a probe's output says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// The app answered with an error status (`HTTP probe failed with statuscode: 503`).
    HttpStatus(u16),
    /// The probe timed out (`context deadline exceeded`, `i/o timeout`).
    Timeout,
    /// Nothing listens on the port (`connection refused`).
    Refused,
    Other,
}

pub fn outcome(output: &str) -> ProbeOutcome {
    let l = output.to_ascii_lowercase();
    if let Some(code) = l
        .split("statuscode: ")
        .nth(1)
        .and_then(|c| c.trim().get(..3))
        .and_then(|c| c.parse().ok())
    {
        return ProbeOutcome::HttpStatus(code);
    }
    if l.contains("deadline exceeded") || l.contains("timeout") || l.contains("timed out") {
        ProbeOutcome::Timeout
    } else if l.contains("connection refused") {
        ProbeOutcome::Refused
    } else {
        ProbeOutcome::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_messages() {
        // kubernetes/kubernetes#115469
        let p = parse_unhealthy(r#"Readiness probe failed: Get "http://10.244.54.71:18051/healthcheck": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"#).unwrap();
        assert_eq!(p.kind, ProbeKind::Readiness);
        assert_eq!(outcome(&p.output), ProbeOutcome::Timeout);
        // projectcontour/contour#5771
        let p = parse_unhealthy("Readiness probe failed: HTTP probe failed with statuscode: 503")
            .unwrap();
        assert_eq!(outcome(&p.output), ProbeOutcome::HttpStatus(503));
        let p = parse_unhealthy(r#"Liveness probe failed: Get "http://10.244.0.19:80/": dial tcp 10.244.0.19:80: connect: connection refused"#).unwrap();
        assert_eq!(
            (p.kind, outcome(&p.output)),
            (ProbeKind::Liveness, ProbeOutcome::Refused)
        );
        assert!(parse_unhealthy("Back-off restarting failed container").is_none());
    }
}
