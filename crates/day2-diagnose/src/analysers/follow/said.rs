//! The Services a container's own words name, as the peers it talks to.

use super::connect::{Target, resolve_host};
use super::*;

/// The Services a container's own words name by `host:port` or `IP:port`
/// (`failed to open database connection to db.shop.svc.cluster.local:3306`,
/// a read's `10.0.0.7:51544->10.96.71.12:6379`), with the port named.
pub fn said_services<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    texts: &[String],
) -> Vec<(&'c Res<Service>, Option<u16>)> {
    let ns = pod.ns_or_default();
    let mut out: Vec<(&'c Res<Service>, Option<u16>)> = Vec::new();
    for t in texts {
        for token in t.split(|c: char| {
            c.is_whitespace() || matches!(c, '>' | ',' | '(' | ')' | '"' | '\'' | '[' | ']')
        }) {
            let token = token.trim_end_matches(['.', ':', ';']);
            let Some((host, Some(port))) = crate::messages::errors::endpoint(token) else {
                continue;
            };
            if let Target::Service(s) = resolve_host(a, ns, &host)
                && !out
                    .iter()
                    .any(|(o, p)| std::ptr::eq(*o, s) && *p == Some(port))
            {
                out.push((s, Some(port)));
            }
        }
    }
    out
}
