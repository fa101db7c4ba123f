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

/// Where an HTTP or TCP probe went, read from its output:
/// `Get "http://10.0.0.5:8080/healthz": ...` or `dial tcp 10.0.0.5:8080: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    pub port: u16,
    /// The HTTP path, when the output names a URL.
    pub path: Option<String>,
}

fn host_port(hp: &str) -> Option<u16> {
    // `[fd00::1]:8080` and `10.0.0.5:8080` alike: the port follows the last colon.
    let (_, port) = hp.rsplit_once(':')?;
    port.parse().ok()
}

pub fn target(output: &str) -> Option<ProbeTarget> {
    if let Some(url) = output
        .split_once("Get \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(url, _)| url)
    {
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .unwrap_or(url);
        let (hp, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if let Some(port) = host_port(hp) {
            return Some(ProbeTarget {
                port,
                path: Some(path.to_owned()),
            });
        }
    }
    let (_, rest) = output.split_once("dial tcp ")?;
    let hp = rest.split_once(": ").map(|(hp, _)| hp).unwrap_or(rest);
    Some(ProbeTarget {
        port: host_port(hp.trim())?,
        path: None,
    })
}

/// `Container <c> failed liveness probe, will be restarted` (also startup).
pub fn parse_killing(msg: &str) -> Option<(String, ProbeKind)> {
    let rest = strip_combined(msg).strip_prefix("Container ")?;
    let (name, rest) = rest.split_once(" failed ")?;
    let kind = if rest.starts_with("liveness probe") {
        ProbeKind::Liveness
    } else if rest.starts_with("startup probe") {
        ProbeKind::Startup
    } else {
        return None;
    };
    Some((name.to_owned(), kind))
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

    #[test]
    fn probe_targets_and_kills() {
        // pkg/kubelet/prober/prober.go with the net/http error of a closed port.
        let p = parse_unhealthy(r#"Readiness probe failed: Get "http://10.0.0.5:8080/healthz": dial tcp 10.0.0.5:8080: connect: connection refused"#).unwrap();
        assert_eq!(
            target(&p.output),
            Some(ProbeTarget {
                port: 8080,
                path: Some("/healthz".into())
            })
        );
        assert_eq!(outcome(&p.output), ProbeOutcome::Refused);
        // An HTTP status carries no URL.
        let p = parse_unhealthy("Liveness probe failed: HTTP probe failed with statuscode: 500")
            .unwrap();
        assert_eq!(outcome(&p.output), ProbeOutcome::HttpStatus(500));
        assert_eq!(target(&p.output), None);
        let p = parse_unhealthy(r#"Liveness probe failed: Get "https://[fd00::5]:8443/livez": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"#).unwrap();
        assert_eq!(outcome(&p.output), ProbeOutcome::Timeout);
        assert_eq!(target(&p.output).map(|t| t.port), Some(8443));
        // A TCP socket probe.
        let p =
            parse_unhealthy("Startup probe failed: dial tcp 10.1.2.3:5432: i/o timeout").unwrap();
        assert_eq!(p.kind, ProbeKind::Startup);
        assert_eq!(
            target(&p.output),
            Some(ProbeTarget {
                port: 5432,
                path: None
            })
        );
        // pkg/kubelet/kuberuntime: the kill that follows.
        assert_eq!(
            parse_killing("Container web failed liveness probe, will be restarted"),
            Some(("web".into(), ProbeKind::Liveness))
        );
        assert_eq!(
            parse_killing("Container web failed startup probe, will be restarted"),
            Some(("web".into(), ProbeKind::Startup))
        );
        assert_eq!(parse_killing("Stopping container web"), None);
    }
}
