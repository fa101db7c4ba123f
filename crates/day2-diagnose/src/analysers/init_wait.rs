//! An init container that loops until a dependency answers (`until nslookup
//! redis; do sleep 2; done`, `until nc -z db 5432`, `pg_isready -h db`,
//! `wget`/`curl` of a URL) and never stops. The name it checks is looked up
//! in the cluster: a Service that does not exist is the reference to fix; a
//! Service without ready endpoints passes its own cause on; a Service that
//! is up means the check itself fails (busybox `nslookup` exits 1 when a
//! search domain answers NXDOMAIN under `ndots:5`, a port the Service does
//! not serve), and the template's command is what to change
//! (chatwoot/charts#200).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::{Loop, Pod, Res};

/// What a wait loop checks: (tool, host, port).
fn checks(script: &str) -> Vec<(&'static str, String, Option<u16>)> {
    let mut out = Vec::new();
    let words: Vec<&str> = script
        .split(|c: char| {
            c.is_whitespace() || c == ';' || c == '&' || c == '|' || c == '"' || c == '\''
        })
        .filter(|w| !w.is_empty())
        .collect();
    let host_of = |w: &str| -> Option<String> {
        let w = w.split("://").last().unwrap_or(w);
        let host = w.split(['/', ':']).next()?.trim_end_matches('.');
        (!host.is_empty()
            && !host.starts_with('-')
            && !host.starts_with('$')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .then(|| host.to_owned())
    };
    for (i, w) in words.iter().enumerate() {
        let rest = &words[i + 1..];
        let first_arg = || rest.iter().copied().find(|x| !x.starts_with('-'));
        match *w {
            "nslookup" | "host" | "dig" => {
                if let Some(h) = first_arg().and_then(host_of) {
                    out.push(("nslookup", h, None));
                }
            }
            "nc" | "ncat" => {
                // Options that take a value: `-w 2`, `-i 1`, `-p 1234`, `-s addr`, `-q 1`.
                let mut args: Vec<&str> = Vec::new();
                let mut skip = false;
                for x in rest {
                    if skip {
                        skip = false;
                    } else if x.starts_with('-') {
                        skip = matches!(*x, "-w" | "-i" | "-p" | "-s" | "-q" | "-W");
                    } else {
                        args.push(x);
                        if args.len() == 2 {
                            break;
                        }
                    }
                }
                if let [h, p] = args.as_slice()
                    && let Some(h) = host_of(h)
                {
                    out.push(("nc", h, p.parse().ok()));
                }
            }
            "pg_isready" | "mysqladmin" | "redis-cli" => {
                if let Some(h) = rest
                    .iter()
                    .position(|x| *x == "-h")
                    .and_then(|j| rest.get(j + 1))
                    .and_then(|h| host_of(h))
                {
                    out.push((
                        if *w == "pg_isready" {
                            "pg_isready"
                        } else {
                            "client"
                        },
                        h,
                        None,
                    ));
                }
            }
            "wget" | "curl" => {
                if let Some(h) = rest
                    .iter()
                    .find(|x| x.contains("://"))
                    .and_then(|u| host_of(u))
                {
                    out.push(("http", h, None));
                }
            }
            _ => {}
        }
    }
    out
}

/// A Service name and namespace from a DNS name (`redis`, `redis.cache`,
/// `redis.cache.svc.cluster.local`).
fn service_name<'h>(host: &'h str, ns: &'h str) -> (&'h str, &'h str) {
    let mut labels = host.split('.');
    let name = labels.next().unwrap_or(host);
    match labels.next() {
        Some(n) if n != "svc" => (name, n),
        _ => (name, ns),
    }
}

pub fn waits(a: &Analysis<'_>, pod: &Res<Pod>, container: &str) -> Option<Hypothesis> {
    let c = crate::model::spec_container(pod, container)?;
    let script = crate::model::command_line(c)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    if !(script.contains("until ") || script.contains("while ")) {
        return None;
    }
    let (tool, host, port) = checks(&script).into_iter().next()?;
    let ns = pod.ns_or_default();
    let (name, svc_ns) = service_name(&host, ns);
    let workload = crate::model::workload_ref(a.cluster, pod);
    let Some(svc) = a.service(svc_ns, name) else {
        if a.cluster.services.is_empty() {
            return None;
        }
        return Some(
            Hypothesis::new(
                72,
                Loop::Network,
                workload.clone(),
                format!("init container {container} waits for {host} ({tool}), and no Service {svc_ns}/{name} exists: it waits for ever"),
            )
            .fix(format!("Deploy what {workload} waits for (Service {svc_ns}/{name}: a dependency a chart value disabled, or one outside the cluster), or point the init container's check at where it really runs."))
        );
    };
    let pods = crate::symptoms::service::selected_pods(a, svc);
    let state = crate::symptoms::service::endpoint_state(a, svc, &pods);
    if state.ready == 0 {
        return super::network::resolve_service(a, svc, 1).map(|mut h| {
            h.score = h.score.saturating_sub(2);
            h
        });
    }
    let served = port.is_none_or(|p| {
        svc.spec
            .iter()
            .flat_map(|s| s.ports.iter().flatten())
            .any(|sp| sp.port == i32::from(p))
    });
    let why = if !served {
        format!(
            "it checks port {} which Service {svc_ns}/{name} does not serve",
            port.unwrap_or(0)
        )
    } else if tool == "nslookup" {
        "busybox `nslookup` exits 1 when any search domain answers NXDOMAIN (the pod's `ndots:5` search list), even though the name resolves".to_owned()
    } else {
        "the check fails for a reason of its own (its tool, its arguments, the image's shell)"
            .to_owned()
    };
    Some(
        Hypothesis::new(
            74,
            Loop::Compute,
            workload.clone(),
            format!(
                "init container {container} waits until `{tool} {host}` succeeds, but Service {svc_ns}/{name} is up ({} ready endpoint(s)): the check itself never passes — {why}",
                state.ready
            ),
        )
        .fix(format!(
            "Change the wait in {workload}'s init container {container}: try it by hand (`kubectl exec -n {ns} {} -c {container} -- {tool} {host}`), then check the dependency in a way that succeeds once it answers (`nc -z {host} <port>`, or the fully qualified name with a trailing dot, `{name}.{svc_ns}.svc.cluster.local.`), or drop the init container and let the app retry.",
            pod.name()
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::{checks, service_name};

    #[test]
    fn wait_loops_name_the_host_they_check() {
        assert_eq!(
            checks("until nslookup chatwoot-chatwoot-redis-master; do echo waiting; sleep 2; done"),
            vec![(
                "nslookup",
                "chatwoot-chatwoot-redis-master".to_owned(),
                None
            )]
        );
        assert_eq!(
            checks("until nc -z -w 2 db.shop.svc.cluster.local 5432; do sleep 1; done"),
            vec![("nc", "db.shop.svc.cluster.local".to_owned(), Some(5432))]
        );
        assert_eq!(
            checks("while ! wget -qO- http://api:8080/healthz; do sleep 1; done"),
            vec![("http", "api".to_owned(), None)]
        );
        assert_eq!(checks("until [ -f /ready ]; do sleep 1; done"), vec![]);
        assert_eq!(
            service_name("db.shop.svc.cluster.local", "x"),
            ("db", "shop")
        );
        assert_eq!(service_name("redis", "x"), ("redis", "x"));
    }
}
