//! What an HTTP probe's answer says about how the probe and the
//! application disagree, read along the probe's edge to the container it
//! asks: the probed port's name and the container's TLS settings, the
//! application's redirect and base-path settings (its environment, its
//! arguments, the ConfigMaps mounted into it).
//!
//! - a plain-HTTP probe answered with 400 by a port that serves TLS (Go's
//!   `net/http`: "Client sent an HTTP request to an HTTPS server") wants
//!   `scheme: HTTPS`;
//! - `server gave HTTP response to HTTPS client` from a plain-HTTP probe
//!   means the application redirected it to `https://` and the kubelet
//!   followed the redirect back to the plain port;
//! - a 404 from an application served under a base path wants the probe's
//!   path under that prefix.

use crate::analysis::Analysis;
use crate::messages::probe::{ProbeKind, ProbeOutcome, outcome};
use day2_model::pod::Pod;
use day2_model::{ObjRef, Res};
use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// A reading of the probe against the container.
pub struct Hint {
    pub score: u32,
    pub summary: String,
    pub fix: String,
    /// The cause is the application's own setting (compute), not the
    /// path to it.
    pub app: bool,
}

/// The program a shell or the runtime could not find: `/bin/sh: 1: curl:
/// not found` (dash), `sh: curl: not found` (busybox), `bash: curl: command
/// not found`, `exec: "curl": executable file not found in $PATH`.
fn missing_program(output: &str) -> Option<&str> {
    let line = output.lines().find(|l| {
        l.ends_with(": not found")
            || l.ends_with(": command not found")
            || l.contains("executable file not found in $PATH")
    })?;
    if let Some((_, rest)) = line.split_once("exec: \"") {
        return rest.split('"').next().filter(|p| !p.is_empty());
    }
    let head = line
        .strip_suffix(": not found")
        .or_else(|| line.strip_suffix(": command not found"))?;
    head.rsplit(": ")
        .next()
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.contains(' '))
}

fn scheme(p: Option<&Probe>) -> Option<String> {
    p.and_then(|p| p.http_get.as_ref())
        .map(|h| h.scheme.clone().unwrap_or_else(|| "HTTP".into()))
}

/// The ports a container declares, with their names.
pub(super) fn declared_ports(c: &Container) -> Vec<(i32, Option<&str>)> {
    c.ports
        .iter()
        .flatten()
        .map(|p| (p.container_port, p.name.as_deref()))
        .collect()
}

/// The container port a probe asks, with its declared name: the probe's
/// own port (a name resolved among the container's `declared` ports), else
/// the port the kubelet's message shows.
pub(super) fn asked_port<'a>(
    declared: &[(i32, Option<&'a str>)],
    spec_port: Option<&IntOrString>,
    seen: Option<u16>,
) -> Option<(i32, Option<&'a str>)> {
    let name_of = |n: i32| {
        declared
            .iter()
            .find(|(p, _)| *p == n)
            .and_then(|(_, nm)| *nm)
    };
    match spec_port {
        Some(IntOrString::Int(n)) => Some((*n, name_of(*n))),
        Some(IntOrString::String(s)) => declared
            .iter()
            .find(|(_, nm)| *nm == Some(s.as_str()))
            .copied(),
        None => seen.map(|n| (i32::from(n), name_of(i32::from(n)))),
    }
}

/// Why the probed port looks like TLS: its name, its number, or a TLS
/// certificate the container is given.
fn tls_port(
    a: &Analysis<'_>,
    ns: &str,
    c: &Container,
    port: i32,
    name: Option<&str>,
) -> Option<String> {
    if let Some(n) = name {
        let l = n.to_ascii_lowercase();
        if l.contains("https") || l.contains("tls") || l.contains("ssl") {
            return Some(format!("port {port} is named {n}"));
        }
    }
    if matches!(port, 443 | 8443 | 9443) {
        return Some(format!("port {port} is a TLS port"));
    }
    let tls_word = |s: &str| {
        let l = s.to_ascii_lowercase();
        l.contains("tls-cert") || l.contains("tls_cert") || l.contains("cert-file")
    };
    if let Some(x) = crate::model::command_line(c).find(|x| tls_word(x)) {
        return Some(format!("the container is started with `{x}`"));
    }
    a.references()
        .env(ns, c)
        .into_iter()
        .find(|e| tls_word(&e.name) && !e.value.is_empty())
        .map(|e| format!("the container is given env {}", e.name))
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on" | "enabled"
    )
}

/// A setting that makes the application redirect plain HTTP to HTTPS.
fn redirect_setting(a: &Analysis<'_>, ns: &str, c: &Container) -> Option<String> {
    let redirecting = |k: &str| {
        let k = k.to_ascii_uppercase().replace('-', "_");
        (k.contains("HTTPS") || k.contains("SSL") || k.contains("TLS"))
            && (k.contains("FORCE")
                || k.contains("REDIRECT")
                || k.contains("ONLY")
                || k.contains("REQUIRE"))
    };
    if let Some(e) = a
        .references()
        .env(ns, c)
        .into_iter()
        .find(|e| redirecting(&e.name) && truthy(&e.value))
    {
        return Some(format!("env {}={}", e.name, e.value));
    }
    crate::model::command_line(c)
        .find(|x| {
            x.starts_with("--")
                && redirecting(x.split('=').next().unwrap_or_default())
                && x.split_once('=').is_none_or(|(_, v)| truthy(v))
        })
        .map(|x| format!("`{x}`"))
}

const BASE_KEYS: [&str; 7] = [
    "BASEPATH",
    "BASE_PATH",
    "BASEURL",
    "BASE_URL",
    "PATH_PREFIX",
    "ROUTE_PREFIX",
    "CONTEXT_PATH",
];

fn base_key(k: &str) -> bool {
    let k = k.to_ascii_uppercase().replace(['-', '.'], "_");
    BASE_KEYS.iter().any(|b| k.contains(b))
}

/// A base path the application serves under: an environment variable, a
/// flag, or a `key: value` line of a ConfigMap mounted into the container.
fn base_path(a: &Analysis<'_>, pod: &Res<Pod>, c: &Container) -> Option<(String, String)> {
    let ns = pod.ns_or_default();
    let path_like = |v: &str| {
        let v = v.trim().trim_matches(['"', '\'']);
        let path = v
            .split_once("://")
            .and_then(|(_, r)| r.find('/').map(|i| &r[i..]))
            .unwrap_or(v);
        (path.starts_with('/') && path.len() > 1).then(|| path.trim_end_matches('/').to_owned())
    };
    for e in a.references().env(ns, c) {
        if base_key(&e.name)
            && let Some(p) = path_like(&e.value)
        {
            return Some((p, format!("env {}", e.name)));
        }
    }
    let xs: Vec<&String> = crate::model::command_line(c).collect();
    for (i, x) in xs.iter().enumerate() {
        let (flag, value) = match x.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (x.as_str(), xs.get(i + 1).map(|v| v.to_string())),
        };
        if flag.starts_with("--")
            && base_key(flag)
            && let Some(p) = value.as_deref().and_then(path_like)
        {
            return Some((p, format!("flag {flag}")));
        }
    }
    for cm in super::probe_listen::mounted_config_maps(a, pod, c) {
        let name = cm.name();
        for (file, text) in cm.data.iter().flatten() {
            for line in text.lines() {
                let Some((k, v)) = line.split_once([':', '=']) else {
                    continue;
                };
                if base_key(k.trim())
                    && let Some(p) = path_like(v)
                {
                    return Some((p, format!("`{}` in {file} of ConfigMap {name}", k.trim())));
                }
            }
        }
    }
    None
}

/// The status code of a probe's output: the kubelet's `statuscode: 404`,
/// or an exec probe's script that says `HTTP code 404`.
fn status(output: &str) -> Option<u16> {
    if let ProbeOutcome::HttpStatus(c) = outcome(output) {
        return Some(c);
    }
    let l = output.to_ascii_lowercase();
    let (_, rest) = l.split_once("http code ")?;
    rest.get(..3)?.parse().ok()
}

/// What the probe's answer says about the probe against the container.
pub fn hint(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    c: &Container,
    kind: ProbeKind,
    output: &str,
    workload: &ObjRef,
) -> Option<Hint> {
    let probe = match kind {
        ProbeKind::Readiness => c.readiness_probe.as_ref(),
        ProbeKind::Liveness => c.liveness_probe.as_ref(),
        ProbeKind::Startup => c.startup_probe.as_ref(),
    };
    let ns = pod.ns_or_default();
    let k = kind.as_str();
    let name = &c.name;
    let lower = output.to_ascii_lowercase();
    let scheme = scheme(probe);
    let plain = scheme
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("HTTP"));
    let seen = crate::messages::probe::target(output).map(|t| t.port);

    // An exec probe whose client the server refuses for want of its
    // password: `redis-cli ping` against a Redis with `requirepass`
    // (`(error) NOAUTH Authentication required.`), `mysqladmin ping`
    // without `-p` (`Access denied for user`), `psql` without PGPASSWORD.
    if let Some(cmd) = probe
        .and_then(|p| p.exec.as_ref())
        .and_then(|e| e.command.as_ref())
        .map(|c| c.join(" "))
        && [
            "noauth",
            "authentication required",
            "access denied for user",
            "password authentication failed",
            "wrongpass",
        ]
        .iter()
        .any(|w| lower.contains(w))
    {
        return Some(Hint {
            app: true,
            score: 84,
            summary: format!(
                "its {k} probe runs `{cmd}` without the password the server requires, and the server refuses it ({})",
                output.trim()
            ),
            fix: format!(
                "Give the {k} probe of container {name} in {workload} the server's password from the container's environment (`redis-cli -a \"$REDIS_PASSWORD\" ping`, or REDISCLI_AUTH; `mysqladmin ping -p\"$MYSQL_ROOT_PASSWORD\"`; PGPASSWORD for psql), from the same Secret the server reads its password from, or probe the port instead (`tcpSocket`)."
            ),
        });
    }

    // An exec probe whose program the image does not have: a shell's
    // `curl: not found` (`command not found` in bash) or the runtime's
    // `executable file not found in $PATH`; a chart that probes with curl
    // on an image that ships none (grafana/alloy#4226).
    if let Some(cmd) = probe
        .and_then(|p| p.exec.as_ref())
        .and_then(|e| e.command.as_ref())
        .map(|c| c.join(" "))
        && let Some(program) = missing_program(output)
    {
        return Some(Hint {
            app: true,
            score: 86,
            summary: format!(
                "its {k} probe runs `{cmd}`, and the image of container {name} has no `{program}` ({}): the probe fails whatever the application's state",
                output.trim()
            ),
            fix: format!(
                "Probe container {name} of {workload} without `{program}`: an `httpGet` {k}Probe on the application's health endpoint (or a `tcpSocket` probe), or a command the image has; or use an image that ships `{program}`."
            ),
        });
    }

    // The kubelet probes the pod's IP unless the probe names a host
    // (`pkg/kubelet/prober/prober.go`: `host = status.PodIP`); a process
    // told to listen on the loopback address refuses it.
    let probes_pod_ip = probe
        .and_then(|p| p.http_get.as_ref())
        .is_none_or(|h| h.host.as_deref().is_none_or(str::is_empty));
    if lower.contains("connection refused")
        && probes_pod_ip
        && let Some(flag) = super::probe_listen::loopback_listen(c).or_else(|| {
            seen.and_then(|port| super::probe_listen::loopback_in_config(a, pod, c, port))
        })
    {
        return Some(Hint {
            app: true,
            score: 88,
            summary: format!(
                "container {name} is told to listen on the loopback address only (`{flag}`), and the kubelet probes the pod's IP, so every {k} probe is refused{}",
                if kind == ProbeKind::Readiness {
                    ""
                } else {
                    " and the kubelet restarts it"
                }
            ),
            fix: format!(
                "Make container {name} of {workload} listen on all addresses: replace `{flag}` with `0.0.0.0` (or the pod IP from the downward API, `status.podIP`); 127.0.0.1 inside the pod is not what the kubelet, Services or other pods reach."
            ),
        });
    }

    // A control-plane component in the node's network that listens where it
    // was told by default, on 127.0.0.1 (the controller manager's and the
    // scheduler's `--address` before 1.x's secure ports,
    // kubernetes/kubernetes#12740): the kubelet probes the node's address.
    let host_network = pod
        .spec
        .as_ref()
        .is_some_and(|s| s.host_network == Some(true));
    let component = crate::model::command_line(c)
        .any(|x| x.ends_with("controller-manager") || x.ends_with("scheduler"));
    let told = crate::model::command_line(c)
        .any(|x| x.starts_with("--address") || x.starts_with("--bind-address"));
    if lower.contains("connection refused") && probes_pod_ip && host_network && component && !told {
        return Some(Hint {
            app: true,
            score: 84,
            summary: format!(
                "container {name} runs in the node's network and listens on 127.0.0.1 by default (no `--address` or `--bind-address`), while its {k} probe asks the node's address, so every probe is refused"
            ),
            fix: format!(
                "Set `host: 127.0.0.1` in the {k} probe's httpGet of {workload} (as kubeadm's static pods do), or start it with `--address=0.0.0.0` (`--bind-address` on later releases)."
            ),
        });
    }

    // An HTTP server asked in TLS, after the probe followed a redirect to https.
    if lower.contains("server gave http response to https client") {
        if plain {
            let why = redirect_setting(a, ns, c);
            return Some(Hint {
                app: false,
                score: 86,
                summary: format!(
                    "the application in container {name} redirects the plain-HTTP {k} probe to https://{}, and the kubelet follows the redirect to a port that speaks plain HTTP (`server gave HTTP response to HTTPS client`)",
                    why.as_deref()
                        .map(|w| format!(" ({w})"))
                        .unwrap_or_default()
                ),
                fix: format!(
                    "Stop the application in {workload} redirecting its health endpoint: {}exempt the probe's path from the redirect, or send the header the redirect checks through the probe's httpHeaders (`X-Forwarded-Proto: https`).",
                    why.map(|w| format!(
                        "turn off the HTTPS redirect ({w}) where TLS ends before the pod, "
                    ))
                    .unwrap_or_default()
                ),
            });
        }
        if scheme.is_some() {
            return Some(Hint {
                app: false,
                score: 84,
                summary: format!(
                    "the {k} probe of container {name} speaks HTTPS to a port that serves plain HTTP (`server gave HTTP response to HTTPS client`)"
                ),
                fix: format!(
                    "Set the probe's httpGet `scheme: HTTP` in {workload} (the port serves plain HTTP), or serve TLS on it."
                ),
            });
        }
    }

    let code = status(output);
    let tls_refusal = lower.contains("http request to an https server");
    if plain
        && (code == Some(400) || tls_refusal)
        && let Some((port, pname)) = asked_port(
            &declared_ports(c),
            probe.and_then(|p| p.http_get.as_ref()).map(|h| &h.port),
            seen,
        )
        && let Some(why) = tls_port(a, ns, c, port, pname)
    {
        return Some(Hint {
            app: false,
            score: 86,
            summary: format!(
                "the {k} probe of container {name} speaks plain HTTP to port {port}, which serves TLS ({why}): the server answers a plain request with HTTP 400"
            ),
            fix: format!(
                "Set `scheme: HTTPS` on the probe's httpGet in {workload} (the kubelet does not verify the certificate), or probe a plain-HTTP port of the application."
            ),
        });
    }

    if let Some(h) = metrics_probe(c, probe, output, k, workload) {
        return Some(h);
    }

    // A server whose health endpoints are its project's own.
    if code == Some(404)
        && let Some((project, live, ready)) = c.image.as_deref().and_then(known_health)
    {
        let asked = probe
            .and_then(|p| p.http_get.as_ref())
            .and_then(|h| h.path.clone())
            .unwrap_or_else(|| "/".into());
        let want = if kind == ProbeKind::Readiness {
            ready
        } else {
            live
        };
        if asked != want {
            return Some(Hint {
                app: false,
                score: 86,
                summary: format!(
                    "the {k} probe of container {name} asks {project} for {asked}, which it does not serve (HTTP 404): its health endpoints are {live} and {ready}"
                ),
                fix: format!(
                    "Set `{k}Probe.httpGet.path: {want}` on container {name} in {workload} (the chart's probe path value, if a chart renders it)."
                ),
            });
        }
    }

    if code == Some(404)
        && let Some((base, source)) = base_path(a, pod, c)
    {
        let asked = probe
            .and_then(|p| p.http_get.as_ref())
            .and_then(|h| h.path.clone())
            .or_else(|| crate::messages::probe::target(output).and_then(|t| t.path));
        if asked.as_deref().is_some_and(|p| p.starts_with(&base)) {
            return None;
        }
        let asked_text = asked.as_deref().unwrap_or("its path");
        return Some(Hint {
            app: true,
            score: 84,
            summary: format!(
                "the application in container {name} is served under the base path {base} ({source}), but its {k} probe asks for {asked_text} outside it: HTTP 404"
            ),
            fix: format!(
                "Put the probe's path in {workload} under the base path: ask for {base}{} (the chart's health-check path, e.g. `healthCheckPath`), or serve the application at the root (basePath rewriting).",
                asked.as_deref().filter(|p| *p != "/").unwrap_or("/")
            ),
        });
    }
    None
}

/// Whether a container looks like a controller built on controller-runtime
/// (kubebuilder, operator-sdk): its flags, or an operator's name.
fn controller_runtime(c: &Container) -> bool {
    let flags = c.args.iter().flatten().chain(c.command.iter().flatten());
    let flagged = flags.clone().any(|a| {
        a.contains("--health-probe-bind-address")
            || a.contains("--metrics-bind-address")
            || a.contains("--leader-elect")
    });
    flagged
        || ["operator", "controller-manager", "manager"]
            .iter()
            .any(|w| c.name.contains(w) || c.image.as_deref().is_some_and(|i| i.contains(w)))
}

/// A probe that asks the metrics endpoint and fails: metrics are not health,
/// their listener may be off or elsewhere, and operators built on
/// controller-runtime serve `/healthz` and `/readyz` on their own port
/// (`--health-probe-bind-address`, `:8081` in kubebuilder's and
/// operator-sdk's scaffolds).
fn metrics_probe(
    c: &Container,
    probe: Option<&Probe>,
    output: &str,
    k: &str,
    workload: &ObjRef,
) -> Option<Hint> {
    let http = probe.and_then(|p| p.http_get.as_ref())?;
    let path = http.path.as_deref().unwrap_or("/");
    let port_named_metrics = matches!(&http.port, IntOrString::String(n) if n.contains("metrics"));
    if !(path.trim_end_matches('/') == "/metrics" || port_named_metrics) {
        return None;
    }
    let failed = matches!(
        outcome(output),
        ProbeOutcome::Refused | ProbeOutcome::Timeout | ProbeOutcome::HttpStatus(400..)
    );
    if !failed {
        return None;
    }
    let name = &c.name;
    let operator = controller_runtime(c);
    Some(Hint {
        app: false,
        score: if operator { 84 } else { 78 },
        summary: format!(
            "the {k} probe of container {name} asks the metrics endpoint ({path}), not a health endpoint, and fails there{}",
            if operator {
                ": the container is a controller, whose health endpoints are /healthz and /readyz on their own port"
            } else {
                ""
            }
        ),
        fix: if operator {
            format!(
                "Point the {k} probe of {workload} at the health endpoint: controller-runtime operators serve /healthz (liveness) and /readyz (readiness) on port 8081 (`--health-probe-bind-address=:8081`); declare that port and probe it. Their metrics listener can be off or moved (`--metrics-bind-address`), which is why {path} does not answer."
            )
        } else {
            format!(
                "Point the {k} probe of {workload} at a health endpoint the application serves (/healthz, /livez, /ready), not {path}: metrics can be slow, authenticated or served on another port."
            )
        },
    })
}

/// The health endpoints of servers whose projects define them, by image:
/// (project, liveness path, readiness path).
fn known_health(image: &str) -> Option<(&'static str, &'static str, &'static str)> {
    let repo = crate::messages::image::repository(image);
    let name = repo.rsplit('/').next().unwrap_or(repo);
    // Prometheus and the exporters, Alertmanager and Pushgateway it ships
    // (`/-/healthy`, `/-/ready` in their web packages).
    let prom_org = repo.starts_with("prom/")
        || repo.contains("quay.io/prometheus/")
        || repo.contains("/prometheus/");
    if prom_org || matches!(name, "prometheus" | "alertmanager" | "pushgateway") {
        return Some(("a Prometheus project server", "/-/healthy", "/-/ready"));
    }
    match name {
        "grafana" | "grafana-oss" | "grafana-enterprise" => {
            Some(("Grafana", "/api/health", "/api/health"))
        }
        "loki" | "tempo" | "mimir" => Some(("Grafana's server", "/ready", "/ready")),
        "vault" => Some(("Vault", "/v1/sys/health", "/v1/sys/health")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::known_health;

    #[test]
    fn health_endpoints_are_known_by_image_whatever_the_registry_and_tag() {
        for image in [
            "prom/statsd-exporter:v0.28.0",
            "quay.io/prometheus/alertmanager:v0.27.0",
            "registry.local:5000/prometheus/pushgateway@sha256:abc",
            "docker.io/bitnami/prometheus:2.51.0",
        ] {
            assert_eq!(
                known_health(image).map(|k| k.1),
                Some("/-/healthy"),
                "{image}"
            );
        }
        assert_eq!(
            known_health("grafana/grafana:10.4.1").map(|k| k.1),
            Some("/api/health")
        );
        assert_eq!(known_health("registry.local:5000/app/web:1.0"), None);
        assert_eq!(known_health("nginx"), None);
    }

    #[test]
    fn a_program_the_image_lacks_is_read_from_the_shell_or_the_runtime() {
        use super::missing_program;
        assert_eq!(missing_program("/bin/sh: 1: curl: not found"), Some("curl"));
        assert_eq!(missing_program("sh: wget: not found\n"), Some("wget"));
        assert_eq!(missing_program("bash: nc: command not found"), Some("nc"));
        assert_eq!(
            missing_program(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"curl\": executable file not found in $PATH: unknown"
            ),
            Some("curl")
        );
        assert_eq!(
            missing_program("HTTP probe failed with statuscode: 404"),
            None
        );
        assert_eq!(missing_program("Error: key not found"), None);
    }
}
