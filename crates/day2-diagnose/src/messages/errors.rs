//! Error text an application or a controller writes when it fails: the
//! container's `lastState.terminated.message` (the log tail, with
//! `terminationMessagePolicy: FallbackToLogsOnError`), waiting messages,
//! event messages and log lines. Each family is recognised by the spelling
//! its library prints:
//!
//! - DNS: every common resolver's words, see [`super::dns`].
//! - Connections: Go (`dial tcp <ip>:<port>: connect: connection refused`,
//!   `… i/o timeout`, `connect: no route to host`), Node.js (`connect
//!   ECONNREFUSED <ip>:<port>`, `ETIMEDOUT`, `EHOSTUNREACH`), redis-py
//!   (`Error 110 connecting to redis:6379. Connection timed out.`), botocore
//!   (`Could not connect to the endpoint URL: "https://…"`).
//! - TLS: Go's `crypto/x509` (`x509: certificate has expired or is not yet
//!   valid`, `x509: certificate signed by unknown authority`, `x509:
//!   certificate is valid for …, not …`).
//! - Cloud identity: AWS STS and SDKs (`WebIdentityErr`,
//!   `AssumeRoleWithWebIdentity`, `InvalidIdentityToken`, `ExpiredToken`,
//!   `AccessDenied`, `NoCredentialProviders`, EC2 IMDS), Entra ID
//!   (`AADSTS700016`, `AADSTS70021`, `AADSTS700213`, azidentity's
//!   `ManagedIdentityCredential`, `DefaultAzureCredential failed`), Google
//!   (`iam.serviceAccounts.getAccessToken`, `metadata.google.internal`,
//!   `Request had insufficient authentication scopes`, `PERMISSION_DENIED`).
//! - Architecture: the kernel's `exec format error` (ENOEXEC) when an image's
//!   binary is built for another CPU than the node's.
//! - An entrypoint the kernel cannot load: runc's init reports `execve`'s
//!   ENOENT for a path that exists when the script's interpreter (the
//!   shebang, often with a CRLF line ending) or the binary's dynamic loader
//!   is missing: `standard_init_linux.go:211: exec user process caused "no
//!   such file or directory"` (runc before 1.0), `exec user process caused:
//!   no such file or directory` (1.0), `exec /entrypoint.sh: no such file or
//!   directory` (1.1 and later). A command missing from `$PATH` is another
//!   message (`exec: "bash": executable file not found in $PATH`, exit 127).
//! - CoreDNS with nothing to forward to: `plugin/forward: no nameservers
//!   found` (coredns `plugin/pkg/parse/host.go`, `HostPortOrFile`, when the
//!   `forward` targets, a resolv.conf among them, hold no nameserver; the
//!   prefix is `plugin.Error("forward", …)`).
//! - A privileged port: Go's `listen tcp :53: bind: permission denied`,
//!   Node.js's `listen EACCES: permission denied 0.0.0.0:80`, nginx's
//!   `bind() to 0.0.0.0:80 failed (13: Permission denied)`: the kernel
//!   refuses ports below `net.ipv4.ip_unprivileged_port_start` (1024) to a
//!   process without `CAP_NET_BIND_SERVICE`.
//! - The Kubernetes API's refusals (RBAC, credentials), a client without
//!   in-cluster configuration and the objects errors name: see
//!   [`super::apiserver`].

use super::apiserver::{self, ApiError};
use super::dns;
pub use super::dns::DnsFailure;

/// How a connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// Something answered that nothing listens on the port.
    Refused,
    /// No answer at all: packets are dropped (a policy, a firewall, a dead host).
    Timeout,
    /// No route: the network says the address is unreachable.
    Unreachable,
    /// The library says it could not connect, without saying how.
    Unknown,
}

impl ConnectFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectFailure::Refused => "connection refused",
            ConnectFailure::Timeout => "connection timed out",
            ConnectFailure::Unreachable => "no route to host",
            ConnectFailure::Unknown => "could not connect",
        }
    }
}

/// Which cloud's identity service refused the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloudId {
    Aws,
    Azure,
    Gcp,
}

/// What the cloud identity error says went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthProblem {
    /// The role does not trust the token (AWS `AssumeRoleWithWebIdentity` denied).
    Trust,
    /// The token expired (AWS `ExpiredToken`).
    Expired,
    /// The token is not accepted by the provider (AWS `InvalidIdentityToken`).
    InvalidToken,
    /// No credentials at all were found (`NoCredentialProviders`, IMDS).
    NoCredentials,
    /// The identity is known but not allowed the action (`AccessDenied`, 403).
    Permission,
    /// Entra ID: no application with this client id in the tenant (`AADSTS700016`).
    UnknownClient,
    /// Entra ID: no federated credential matches the token (`AADSTS70021`, `AADSTS700213`).
    NoFederation,
    /// GKE: the Kubernetes ServiceAccount may not impersonate the Google one.
    Impersonation,
    /// GKE: the node's scopes do not cover the call.
    Scopes,
    /// The SDK found no credential in the chain (Azure `DefaultAzureCredential failed`).
    Other,
    /// AWS: the instance metadata service answers 401 (`EC2MetadataError …
    /// status code: 401`): it requires IMDSv2 tokens, and the token's PUT
    /// does not come back to a pod when the instance's hop limit is 1.
    MetadataToken,
}

/// One classified error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorClass {
    Dns {
        /// The name looked up, when the message says it.
        host: Option<String>,
        /// The resolver asked (`lookup x on 10.96.0.10:53`).
        server: Option<String>,
        failure: DnsFailure,
    },
    Connect {
        host: String,
        port: Option<u16>,
        failure: ConnectFailure,
    },
    /// A connection failed and the line names no peer (`Error: i/o timeout`).
    ConnectUnnamed { failure: ConnectFailure },
    Tls {
        /// `expired`, `unknown authority`, `name mismatch`.
        problem: &'static str,
    },
    /// The program cannot read its own private key or certificate
    /// ([`super::keys`]).
    KeyUnreadable(super::keys::Unreadable),
    CloudAuth {
        cloud: CloudId,
        problem: AuthProblem,
    },
    /// The node's kernel will not load a module the program asks for:
    /// kmod's `modprobe: ERROR: could not insert 'rbd': Key was rejected by
    /// service` (or `Exec format error`, `Invalid module format`) and
    /// `modprobe: FATAL: Module rbd not found in directory /lib/modules/…`.
    /// The host's kernel is the cause, outside the cluster.
    KernelModule { module: String, reason: String },
    /// The kernel cannot execute the image's binary: built for another CPU architecture.
    ExecFormat,
    /// The entrypoint exists but the kernel cannot load it: its interpreter
    /// or dynamic loader is missing from the image.
    EntrypointUnloadable,
    /// CoreDNS's `forward` found no nameserver in its targets.
    ForwardWithoutNameservers,
    /// CoreDNS's `loop` plugin saw its own probe come back and exits.
    ForwardingLoop,
    /// CoreDNS refuses a plugin's block of its Corefile at set-up and exits
    /// (`plugin/forward: not an IP address or file: "x"`).
    CorefileRefused { plugin: String },
    /// The kernel refuses to bind a port below 1024 to the process.
    PrivilegedPort { port: u16 },
    /// Another socket already holds the port the process binds
    /// (`bind: address already in use`, EADDRINUSE).
    PortInUse { port: Option<u16> },
    /// The program cannot parse a configuration file it reads at start-up
    /// (`/etc/coredns/Corefile:20 - Error during parsing: …`).
    ConfigFile { path: String },
    /// A per-user kernel limit of the node is used up: the `sysctl` that
    /// sets it (`fs.inotify.max_user_instances`, `fs.inotify.max_user_watches`).
    NodeLimit { sysctl: &'static str },
    /// A file the program needs at start-up is not there (`open /config/x:
    /// no such file or directory`, Envoy's `Invalid path: /config/x`).
    MissingFile { path: String },
    /// The kernel refuses a change of owner or mode, or a read or write, on
    /// a path ([`super::fs`]).
    Denied(super::fs::Denied),
    /// The Kubernetes API refused the client, or an error names an object
    /// ([`apiserver`]).
    Api(ApiError),
}

/// A classified error with the line it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub class: ErrorClass,
    pub line: String,
}

/// Classify every line of a text; a line yields its most specific class
/// (identity before TLS before DNS before connection).
pub fn classify(text: &str) -> Vec<Classified> {
    let mut out: Vec<Classified> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // libpq before PostgreSQL 14 names the server on the two lines after
        // `could not connect to server: …`.
        let joined;
        let line = match lines.get(i + 1..i + 3) {
            Some([next, last])
                if line.contains("could not connect to server:")
                    && next.contains("Is the server running on host") =>
            {
                joined = format!("{} {} {}", line.trim(), next.trim(), last.trim());
                joined.as_str()
            }
            // The API server's refusal wrapped by a client's exception text
            // (fabric8's `… is forbidden: ` / `User "…" cannot get … ` /
            // `in the namespace "…".`).
            _ if line.trim_end().ends_with("forbidden:")
                && lines
                    .get(i + 1)
                    .is_some_and(|n| n.trim_start().starts_with("User \"")) =>
            {
                joined = lines[i..lines.len().min(i + 3)]
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                joined.as_str()
            }
            // The AWS SDK's error chain, one `caused by:` per line
            // (`WebIdentityErr: failed to retrieve credentials` / `caused by:
            // RequestError: send request failed` / `caused by: Post …: dial
            // tcp …: i/o timeout`): one error, read whole.
            _ if line.contains("Err: ")
                && lines
                    .get(i + 1)
                    .is_some_and(|n| n.trim_start().starts_with("caused by: ")) =>
            {
                let end = lines[i + 1..]
                    .iter()
                    .position(|n| !n.trim_start().starts_with("caused by: "))
                    .map_or(lines.len(), |p| i + 1 + p);
                joined = lines[i..end]
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                joined.as_str()
            }
            // Go's `lookup HOST on SERVER:53: …` broken after the host by a
            // terminal or a log shipper's line width.
            _ if line
                .rsplit_once("lookup ")
                .is_some_and(|(_, host)| !host.trim().is_empty() && !host.trim().contains(' '))
                && lines
                    .get(i + 1)
                    .is_some_and(|n| n.trim_start().starts_with("on ")) =>
            {
                joined = format!("{} {}", line.trim_end(), lines[i + 1].trim());
                joined.as_str()
            }
            _ => line,
        };
        if let Some(class) = classify_line(line)
            && !out.iter().any(|c| c.class == class)
        {
            out.push(Classified {
                class,
                line: line.trim().to_owned(),
            });
        }
    }
    out
}

/// CoreDNS's `loop` plugin giving up, in the spellings of its releases:
/// `Loop (127.0.0.1:55953 -> :53) detected for zone "."` (1.3 on),
/// `Forwarding loop detected in "." zone` (1.2.3 to 1.2.6) and
/// `Seen "HINFO IN …" more than twice, loop detected` (1.2.0 to 1.2.2),
/// each after `plugin/loop: ` (`plugin/loop/loop.go`, `setup.go`).
pub fn forwarding_loop(line: &str) -> bool {
    line.split_once("plugin/loop: ").is_some_and(|(_, rest)| {
        rest.starts_with("Loop (")
            || rest.starts_with("Forwarding loop detected")
            || rest.contains("loop detected")
    })
}

/// The most specific class of one line.
pub fn classify_line(line: &str) -> Option<ErrorClass> {
    // Before ENOEXEC: a module refused by the kernel says `Exec format
    // error` too, about the module and not the image.
    if let Some((module, reason)) = kernel_module(line) {
        return Some(ErrorClass::KernelModule { module, reason });
    }
    // The kernel's ENOEXEC as Go prints it, and as a shell does
    // (`/bin/sh: 1: exec: /app: Exec format error`).
    if line.contains("exec format error") || line.contains("Exec format error") {
        return Some(ErrorClass::ExecFormat);
    }
    let line = &*apiserver::unescape(line);
    if line.contains("plugin/forward: no nameservers found") {
        return Some(ErrorClass::ForwardWithoutNameservers);
    }
    if forwarding_loop(line) {
        return Some(ErrorClass::ForwardingLoop);
    }
    if entrypoint_unloadable(line) {
        return Some(ErrorClass::EntrypointUnloadable);
    }
    if let Some(port) = privileged_port(line) {
        return Some(ErrorClass::PrivilegedPort { port });
    }
    if let Some(port) = port_in_use(line) {
        return Some(ErrorClass::PortInUse { port });
    }
    if let Some(sysctl) = node_limit(line) {
        return Some(ErrorClass::NodeLimit { sysctl });
    }
    if let Some(path) = config_file(line) {
        return Some(ErrorClass::ConfigFile { path });
    }
    let api = |f: fn(&str) -> Option<ApiError>| f(line).map(ErrorClass::Api);
    api(apiserver::forbidden)
        .or_else(|| api(apiserver::owner_ref_refused))
        .or_else(|| api(apiserver::no_permissions))
        .or_else(|| api(apiserver::in_cluster))
        .or_else(|| api(apiserver::pod_cidr))
        .or_else(|| api(apiserver::unauthorized))
        .or_else(|| cloud_auth(line))
        .or_else(|| super::keys::unreadable(line).map(ErrorClass::KeyUnreadable))
        .or_else(|| tls(line))
        .or_else(|| mysql(line))
        .or_else(|| dns(line))
        .or_else(|| connect(line))
        .or_else(|| api(apiserver::not_found))
        .or_else(|| super::fs::denied(line).map(ErrorClass::Denied))
        .or_else(|| corefile_refused(line).map(|plugin| ErrorClass::CorefileRefused { plugin }))
        .or_else(|| missing_file(line).map(|path| ErrorClass::MissingFile { path }))
}

/// The path a line says is not there: absolute, or relative to the working
/// directory (`./config/plugin/x.sh`, resolved by its reader).
fn missing_file(line: &str) -> Option<String> {
    let l = line.to_ascii_lowercase();
    let absent = [
        "no such file or directory",
        "invalid path",
        "does not exist",
        "file not found",
    ]
    .iter()
    .any(|w| l.contains(w));
    if !absent {
        return None;
    }
    line.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | ')' | ',' | '='))
        .map(|t| t.trim_end_matches([':', '.', ';']))
        .filter(|t| {
            // Absolute, or relative to the working directory (`./config/x`).
            let rest = t.strip_prefix("./").or_else(|| t.strip_prefix('/'));
            rest.is_some_and(|r| r.contains('/') && !r.starts_with(['.', '/'])) && !t.ends_with('/')
        })
        // `file:51:17`: a position in a file that was read, where the parser
        // found what does not exist (a name its configuration references).
        .filter(|t| {
            t.rsplit_once(':')
                .is_none_or(|(_, n)| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
        })
        .find(|p| !p.starts_with("/proc/") && !p.starts_with("/dev/") && !p.starts_with("/sys/"))
        .map(str::to_owned)
}

/// The plugin whose set-up refused the Corefile: CoreDNS prints the error
/// alone, with no log level, and exits (`coremain/run.go`'s `mustLogFatal`
/// of the plugin's `plugin.Error(name, err)`: `plugin/forward: not an IP
/// address or file: "x"`), after the standard library's timestamp on some
/// releases. What a running server logs carries a level (`[ERROR]
/// plugin/errors: …`) and is not this; the loop plugin's and a parse
/// error's own spellings are read before.
fn corefile_refused(line: &str) -> Option<String> {
    let l = line.trim();
    let b = l.as_bytes();
    // `2021/03/03 11:37:40 `
    let stamped = b.len() > 20
        && b[..19].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'/',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
        && b[19] == b' ';
    let l = if stamped { &l[20..] } else { l };
    let l = l.strip_prefix("[FATAL] ").unwrap_or(l);
    let (name, rest) = l.strip_prefix("plugin/")?.split_once(": ")?;
    let valid = !name.is_empty()
        && !rest.trim().is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    valid.then(|| name.to_owned())
}

/// runc's init could not `execve` the entrypoint (ENOENT on a path it was given).
fn entrypoint_unloadable(line: &str) -> bool {
    const ENOENT: &str = "no such file or directory";
    if let Some(at) = line.find("exec user process caused") {
        return line[at..].contains(ENOENT);
    }
    // runc 1.1: `exec /path: no such file or directory`, the whole message.
    let l = line.trim().trim_end_matches('"');
    l.strip_prefix("exec /")
        .and_then(|rest| rest.strip_suffix(ENOENT))
        .and_then(|rest| rest.strip_suffix(": "))
        .is_some_and(|path| !path.is_empty() && !path.contains(char::is_whitespace))
}

/// inotify's per-user limits, in the words runtimes print when they are used
/// up: instances (`inotify_init` fails with EMFILE: .NET's `The configured
/// user limit (128) on the number of inotify instances has been reached`,
/// Go's fsnotify `too many open files` from `inotify_init1`) and watches
/// (`inotify_add_watch` fails with ENOSPC: Node's `ENOSPC: System limit for
/// number of file watchers reached`, `no space left on device` from
/// fsnotify's `Add`).
fn node_limit(line: &str) -> Option<&'static str> {
    let l = line.to_ascii_lowercase();
    if l.contains("number of inotify instances")
        || l.contains("max_user_instances")
        || (l.contains("inotify_init") && l.contains("too many open files"))
        || (l.contains("fsnotify") && l.contains("too many open files"))
    {
        return Some("fs.inotify.max_user_instances");
    }
    if l.contains("limit for number of file watchers")
        || l.contains("max_user_watches")
        || (l.contains("inotify_add_watch") && l.contains("no space left on device"))
        || (l.contains("fsnotify") && l.contains("no space left on device"))
    {
        return Some("fs.inotify.max_user_watches");
    }
    // Elasticsearch's and OpenSearch's bootstrap check: `max virtual memory
    // areas vm.max_map_count [65530] is too low, increase to at least [262144]`.
    if l.contains("vm.max_map_count") && l.contains("too low") {
        return Some("vm.max_map_count");
    }
    None
}

/// The module and the kernel's reason of a refused module load, in kmod's
/// spellings (`tools/modprobe.c`, `tools/insmod.c`): `could not insert
/// 'rbd': Key was rejected by service`, `could not insert module rbd.ko:
/// Invalid module format`, `Module rbd not found in directory
/// /lib/modules/6.8.0-31-generic`.
fn kernel_module(line: &str) -> Option<(String, String)> {
    if let Some((_, rest)) = line.split_once("could not insert ") {
        let rest = rest.strip_prefix("module ").unwrap_or(rest);
        let (module, reason) = rest.split_once(": ")?;
        let module = module.trim_matches(['\'', '"', '`']);
        let module = module.strip_suffix(".ko").unwrap_or(module);
        let module = module.rsplit('/').next().unwrap_or(module);
        if module.is_empty() || module.contains(' ') {
            return None;
        }
        // A Go-quoted output ends `…service\n"`.
        let reason = reason
            .split(['"', '\n'])
            .next()
            .unwrap_or(reason)
            .split("\\n")
            .next()
            .unwrap_or(reason);
        return Some((module.to_owned(), reason.trim().to_owned()));
    }
    // libkmod's own words, from a tool that loads the module itself
    // (iscsiadm: `libkmod: kmod_module_insert_module: could not find module
    // by name='iscsi_tcp'`, longhorn/longhorn#1853).
    if let Some((_, rest)) = line.split_once("could not find module by name=") {
        let module: String = rest
            .trim_start_matches(['\'', '"'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            .collect();
        if !module.is_empty() {
            return Some((module, "module not found".to_owned()));
        }
    }
    // A tool that loads its module itself: `rbd: failed to load rbd kernel
    // module (1)` (rook/rook#1320, a 3.10 kernel).
    if let Some((_, rest)) = line.split_once("failed to load ")
        && let Some((module, after)) = rest.split_once(" kernel module")
        && !module.is_empty()
        && module
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        let code = after.trim();
        return Some((
            module.to_owned(),
            format!(
                "failed to load {module} kernel module{}",
                if code.is_empty() {
                    String::new()
                } else {
                    format!(" {code}")
                }
            ),
        ));
    }
    // iptables asks for the module behind an extension it cannot use:
    // `Warning: Extension MASQUERADE revision 0 not supported, missing
    // kernel module?` (the module is `xt_<EXTENSION>`).
    if let Some((before, _)) = line.split_once(" not supported, missing kernel module?")
        && let Some((_, ext)) = before.rsplit_once("Extension ")
        && let Some(name) = ext.split_whitespace().next()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Some((
            format!("xt_{name}"),
            format!("iptables extension {name} not supported, missing kernel module"),
        ));
    }
    // iptables without the table's module (`iptables-restore: unable to
    // initialize table 'nat'`, `can't initialize iptables table `nat'`):
    // the legacy backend needs `iptable_<table>` (istio/istio#44118).
    for marker in [
        "unable to initialize table '",
        "can't initialize iptables table `",
    ] {
        if let Some((_, rest)) = line.split_once(marker)
            && let Some(table) = rest.split(['\'', '`']).next()
            && !table.is_empty()
            && table.chars().all(|c| c.is_ascii_lowercase())
        {
            return Some((
                format!("iptable_{table}"),
                format!("iptables cannot initialize table {table}"),
            ));
        }
    }
    let (_, rest) = line.split_once("FATAL: Module ")?;
    let (module, dir) = rest.split_once(" not found in directory ")?;
    (!module.is_empty() && !module.contains(' ')).then(|| {
        (
            module.to_owned(),
            format!("not found in directory {}", dir.trim()),
        )
    })
}

/// The file a parse error names: an absolute path (a line number after a
/// colon dropped) on a line that says the file could not be parsed.
fn config_file(line: &str) -> Option<String> {
    let l = line.to_ascii_lowercase();
    let parse = [
        "error during parsing",
        "parse error",
        "parsing error",
        "error parsing",
        "failed to parse",
        "syntax error",
        "unknown directive",
        "yaml: line ",
        "cannot unmarshal",
        // A Go service's structured log: `msg="error loading config"
        // filename=/etc/loki/loki.yaml err="…"`.
        "error loading config",
        "failed to load config",
        "error reading config",
        // Grafana's provisioning: `datasource.yaml config is invalid`.
        "config is invalid",
        "invalid config",
        "configuration is invalid",
    ]
    .iter()
    .any(|w| l.contains(w));
    if !parse {
        return None;
    }
    let tokens = || {
        line.split(|c: char| {
            c.is_whitespace()
                || c == '"'
                || c == '\''
                || c == '('
                || c == ')'
                || c == ','
                || c == '='
        })
    };
    // A file named without its directory (`datasource.yaml config is
    // invalid`): the mounts or the namespace's ConfigMaps tell where it is.
    let bare = || {
        tokens()
            .map(|t| t.trim_end_matches([':', '.', ';']))
            .find(|t| {
                !t.contains('/')
                    && [".yaml", ".yml", ".json", ".toml", ".conf", ".ini", ".cfg"]
                        .iter()
                        .any(|e| t.len() > e.len() && t.ends_with(e))
            })
            .map(str::to_owned)
    };
    line.split(|c: char| {
        c.is_whitespace() || c == '"' || c == '\'' || c == '(' || c == ')' || c == ',' || c == '='
    })
    .filter(|t| t.starts_with('/') && t[1..].contains('/'))
    .map(|t| {
        let t = t.trim_end_matches([':', '.', ';']);
        // `/etc/app/conf.yaml:20` → the file.
        match t.rsplit_once(':') {
            Some((p, n)) if n.chars().all(|c| c.is_ascii_digit()) => p,
            _ => t,
        }
    })
    .find(|p| {
        p.rsplit('/').next().is_some_and(|f| !f.is_empty())
            && !p.starts_with("/proc/")
            && !p.starts_with("/dev/")
    })
    .map(str::to_owned)
    .or_else(bare)
}

/// The port of a bind the kernel refused with EACCES, when it is privileged.
/// EADDRINUSE in its spellings: Go's `listen tcp 169.254.20.10:8080: bind:
/// address already in use`, nginx's `bind() to 0.0.0.0:80 failed (98:
/// Address already in use)`, Node.js's `listen EADDRINUSE: address already
/// in use :::3000`, Java's `BindException: Address already in use`; the
/// port when the line names it.
fn port_in_use(line: &str) -> Option<Option<u16>> {
    let lower = line.to_ascii_lowercase();
    // ingress-nginx checks its ports before it starts: `Port 80 is already
    // in use. Please check the flag --http-port` (cmd/nginx/main.go).
    if let Some((before, _)) = lower.split_once(" is already in use")
        && let Some(port) = before
            .rsplit_once("port ")
            .and_then(|(_, p)| p.trim().parse::<u16>().ok())
            .filter(|p| *p > 0)
    {
        return Some(Some(port));
    }
    if !lower.contains("address already in use") && !lower.contains("eaddrinuse") {
        return None;
    }
    let port_of = |token: &str| -> Option<u16> {
        let token = token.trim_end_matches([':', ',', ')', '"']);
        token.rsplit_once(':')?.1.parse().ok()
    };
    let after = |marker: &str| {
        lower
            .find(marker)
            .and_then(|at| lower[at + marker.len()..].split_whitespace().next())
            .and_then(port_of)
    };
    Some(
        after("listen tcp ")
            .or_else(|| after("listen udp "))
            .or_else(|| after("bind() to "))
            .or_else(|| after("address already in use "))
            .filter(|p| *p > 0),
    )
}

fn privileged_port(line: &str) -> Option<u16> {
    let lower = line.to_ascii_lowercase();
    let port_after = |marker: &str| -> Option<u16> {
        let at = lower.find(marker)?;
        let token = lower[at + marker.len()..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == ')' || c == ',')
            .next()?
            .trim_end_matches(':');
        token.rsplit_once(':')?.1.parse().ok()
    };
    let port = if lower.contains("bind: permission denied") {
        // Go: `listen tcp :53: bind: permission denied`, `listen udp 0.0.0.0:53: …`
        port_after("listen tcp ").or_else(|| port_after("listen udp "))
    } else if lower.contains("listen eacces") {
        // Node.js: `Error: listen EACCES: permission denied 0.0.0.0:80`
        port_after("permission denied ")
    } else if lower.contains("(13: permission denied)") {
        // nginx: `bind() to 0.0.0.0:80 failed (13: Permission denied)`
        port_after("bind() to ")
    } else {
        None
    }?;
    (port > 0 && port < 1024).then_some(port)
}

fn cloud_auth(line: &str) -> Option<ErrorClass> {
    use AuthProblem::*;
    let has = |s: &str| line.contains(s);
    let aws = |problem| {
        Some(ErrorClass::CloudAuth {
            cloud: CloudId::Aws,
            problem,
        })
    };
    let azure = |problem| {
        Some(ErrorClass::CloudAuth {
            cloud: CloudId::Azure,
            problem,
        })
    };
    let gcp = |problem| {
        Some(ErrorClass::CloudAuth {
            cloud: CloudId::Gcp,
            problem,
        })
    };
    // Entra ID codes (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
    if has("AADSTS700016") {
        return azure(UnknownClient);
    }
    if has("AADSTS70021") || has("AADSTS700213") || has("AADSTS700211") {
        return azure(NoFederation);
    }
    if has("AADSTS") || has("WorkloadIdentityCredential authentication failed") {
        return azure(Other);
    }
    if has("ManagedIdentityCredential")
        || has("DefaultAzureCredential failed")
        || has("DefaultAzureCredential: failed")
        || has("WorkloadIdentityCredential: no ")
        || azure_env_missing(line)
    {
        return azure(NoCredentials);
    }
    // Google.
    if has("iam.serviceAccounts.getAccessToken") || has("Unable to generate access token") {
        return gcp(Impersonation);
    }
    if has("Request had insufficient authentication scopes")
        || has("ACCESS_TOKEN_SCOPE_INSUFFICIENT")
    {
        return gcp(Scopes);
    }
    if has("metadata.google.internal") && (has("error") || has("Error") || has("failed")) {
        return gcp(NoCredentials);
    }
    if has("could not find default credentials") {
        return gcp(NoCredentials);
    }
    if has("PERMISSION_DENIED") || has("googleapi: Error 403") {
        return gcp(Permission);
    }
    // AWS STS and SDKs.
    if has("ExpiredToken") {
        return aws(Expired);
    }
    if has("InvalidIdentityToken") {
        return aws(InvalidToken);
    }
    if has("Not authorized to perform sts:AssumeRoleWithWebIdentity") {
        return aws(Trust);
    }
    // The exchange failed; the `caused by:` line that follows says why.
    // When that is a name lookup, the call never reached STS: the cluster's
    // DNS is the failure, not the identity (aws/karpenter-provider-aws#1836:
    // `lookup sts.<region>.amazonaws.com: i/o timeout` while CoreDNS has
    // nowhere to run).
    // The exchange never reached STS (`Post "https://sts…": dial tcp …: i/o
    // timeout`, kubernetes/autoscaler#5487): a path, not an identity.
    if (has("WebIdentityErr") || has("AssumeRoleWithWebIdentity"))
        && (dns(line).is_some() || (has("dial tcp") && connect(line).is_some()))
    {
        return None;
    }
    if has("WebIdentityErr") || has("AssumeRoleWithWebIdentity") {
        return aws(Other);
    }
    if (has("EC2MetadataError") || has("ec2imds"))
        && (has("status code: 401") || has("StatusCode: 401"))
    {
        return aws(MetadataToken);
    }
    if has("NoCredentialProviders")
        || has("Unable to locate credentials")
        || has("failed to refresh cached credentials, no EC2 IMDS role found")
        || has("EC2 IMDS")
    {
        return aws(NoCredentials);
    }
    // IAM's own refusal (`UnauthorizedOperation` of the EC2 API, and the
    // `User: ARN is not authorized to perform: ACTION` every AWS API says).
    if (has("AccessDenied") && super::fs::java_denied(line).is_none())
        || has("UnrecognizedClientException")
        || has("InvalidClientTokenId")
        || has("UnauthorizedOperation")
        || (has("arn:aws") && has(" is not authorized to perform: "))
    {
        return aws(Permission);
    }
    None
}

/// An application saying the environment the Azure workload-identity webhook
/// injects is not there: azidentity's `no tenant ID specified`, or an app's
/// own `azure tenant id environment variable is empty`, `AZURE_CLIENT_ID is
/// not set`.
fn azure_env_missing(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    let names = [
        "azure_tenant_id",
        "azure_client_id",
        "azure_federated_token_file",
        "azure tenant id",
        "azure client id",
        "azure federated token",
    ];
    let absent = [
        "empty",
        "not set",
        "missing",
        "not specified",
        "not found",
        "unset",
    ];
    names.iter().any(|n| l.contains(n)) && absent.iter().any(|a| l.contains(a))
}

fn tls(line: &str) -> Option<ErrorClass> {
    let problem = if line.contains("x509: certificate has expired or is not yet valid") {
        "expired or not yet valid"
    } else if line.contains("x509: certificate signed by unknown authority")
        || line.contains("unable to get local issuer certificate")
        || line.contains("self signed certificate in certificate chain")
    {
        "signed by an unknown authority"
    } else if line.contains("x509: certificate is valid for") {
        "issued for another name"
    } else {
        return None;
    };
    Some(ErrorClass::Tls { problem })
}

fn dns(line: &str) -> Option<ErrorClass> {
    dns::lookup(line).map(|l| ErrorClass::Dns {
        host: l.host,
        server: l.server,
        failure: l.failure,
    })
}

fn connect(line: &str) -> Option<ErrorClass> {
    let failure = if line.contains("connection refused")
        || line.contains("Connection refused")
        || line.contains("ECONNREFUSED")
    {
        ConnectFailure::Refused
    } else if line.contains("no route to host") || line.contains("EHOSTUNREACH") {
        ConnectFailure::Unreachable
    } else if line.contains("i/o timeout")
        || line.contains("ETIMEDOUT")
        || line.contains("Connection timed out")
        || line.contains("connection timed out")
        || line.contains("Timeout connecting to server")
        // ETIMEDOUT in musl's and BSD's words (busybox nc:
        // `nc: HOST (IP:PORT): Operation timed out`).
        || line.contains("Operation timed out")
        // A client's own deadline: `could not connect to host:6379 within 30000ms`,
        // libpq's `connect_timeout` (`connection to server at "10.0.0.5",
        // port 6432 failed: timeout expired`, apache/airflow#60271).
        || (line.contains("could not connect to ") && line.contains(" within "))
        || (line.contains("connection to server at ") && line.contains("timeout expired"))
    {
        ConnectFailure::Timeout
    } else if line.contains("Could not connect to the endpoint URL") {
        ConnectFailure::Unknown
    } else {
        return None;
    };
    match target(line) {
        Some((host, port)) => Some(ErrorClass::Connect {
            host,
            port,
            failure,
        }),
        None if failure != ConnectFailure::Unknown => Some(ErrorClass::ConnectUnnamed { failure }),
        None => None,
    }
}

/// MySQL's and MariaDB's client library (`libmysql/errmsg.cc`):
/// `CR_CONN_HOST_ERROR` `Can't connect to MySQL server on 'HOST' (ERRNO)`
/// (`'HOST:PORT'` from MySQL 8; MariaDB's `Can't connect to server on`),
/// `CR_UNKNOWN_HOST` `Unknown MySQL server host 'HOST' (ERRNO)`, and the
/// bare `mysql_real_connect failed` of programs that print only the call
/// (ml-metadata: `mysql_real_connect failed: errno: , error: `), whose peer
/// is then the one the container's configuration names.
fn mysql(line: &str) -> Option<ErrorClass> {
    let quoted = |marker: &str| -> Option<(&str, &str)> {
        let at = line.find(marker)? + marker.len();
        let rest = &line[at..];
        let end = rest.find('\'')?;
        Some((&rest[..end], &rest[end + 1..]))
    };
    // The errno in parentheses after the host: the C library's, or Python's `[Errno N] …`.
    let errno = |after: &str| -> Option<i32> {
        let inner = after.trim_start().strip_prefix('(')?;
        let inner = inner.strip_prefix("[Errno ").unwrap_or(inner);
        let end = inner
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
            .map_or(inner.len(), |(i, _)| i);
        inner[..end].parse().ok()
    };
    if let Some((host, after)) = quoted("Unknown MySQL server host '") {
        let failure = match errno(after) {
            // EAI_AGAIN: the resolver did not answer.
            Some(-3) => DnsFailure::Timeout,
            _ => DnsFailure::NotFound,
        };
        return Some(ErrorClass::Dns {
            host: Some(host.to_owned()).filter(|h| !h.is_empty()),
            server: None,
            failure,
        });
    }
    if let Some((target, after)) = quoted("Can't connect to MySQL server on '")
        .or_else(|| quoted("Can't connect to server on '"))
    {
        let (host, port) = host_port(target)?;
        let failure = match errno(after) {
            Some(110 | 10060) => ConnectFailure::Timeout,
            Some(111 | 10061) => ConnectFailure::Refused,
            Some(113 | 10065) => ConnectFailure::Unreachable,
            _ => match connect(after) {
                Some(
                    ErrorClass::Connect { failure, .. } | ErrorClass::ConnectUnnamed { failure },
                ) => failure,
                _ => ConnectFailure::Unknown,
            },
        };
        return Some(ErrorClass::Connect {
            host,
            port,
            failure,
        });
    }
    if line.contains("mysql_real_connect failed") {
        return Some(match connect(line) {
            Some(c) => c,
            None => ErrorClass::ConnectUnnamed {
                failure: ConnectFailure::Unknown,
            },
        });
    }
    None
}

/// The peer a configuration value names: a URL, `host:port`, or a host
/// name or address on its own.
pub fn endpoint(value: &str) -> Option<(String, Option<u16>)> {
    let value = value.trim();
    if value.contains("://") {
        return url_target(value);
    }
    if value.contains(char::is_whitespace) || value.contains('/') || value.contains(',') {
        return None;
    }
    host_port(value)
}

/// The address a connection error names: `dial tcp 10.0.0.1:443`,
/// `ECONNREFUSED 10.0.0.1:5432`, `connecting to redis:6379`, a URL.
fn target(line: &str) -> Option<(String, Option<u16>)> {
    let after = |markers: &[&str]| {
        markers.iter().find_map(|marker| {
            let at = line.rfind(marker)?;
            let token = line[at + marker.len()..]
                .split(|c: char| {
                    c.is_whitespace() || c == '"' || c == ',' || c == '\'' || c == '\\'
                })
                .next()
                .unwrap_or("")
                .trim_end_matches(['.', ':']);
            host_port(token)
        })
    };
    if let Some(hp) = after(&[
        "dial tcp ",
        "dial udp ",
        "ECONNREFUSED ",
        "EHOSTUNREACH ",
        "ETIMEDOUT ",
    ]) {
        return Some(hp);
    }
    if let Some(hp) = url_target(line) {
        return Some(hp);
    }
    if let Some(hp) = libpq_target(line) {
        return Some(hp);
    }
    // OpenBSD netcat: `nc: connect to HOST port PORT (tcp) failed: …`.
    if let Some((_, rest)) = line.split_once("connect to ")
        && let Some((host, after_port)) = rest.split_once(" port ")
        && !host.is_empty()
        && !host.contains(' ')
        && let Some(port) = after_port
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|p| p.parse().ok())
    {
        return Some((host.to_owned(), Some(port)));
    }
    // busybox netcat: `nc: HOST (IP:PORT): Operation timed out`.
    if let Some(rest) = line.trim_start().strip_prefix("nc: ")
        && let Some((host, after)) = rest.split_once(" (")
        && !host.is_empty()
        && !host.contains(' ')
        && let Some(port) = after
            .split_once("):")
            .and_then(|(ip_port, _)| ip_port.rsplit_once(':'))
            .and_then(|(_, p)| p.parse().ok())
    {
        return Some((host.to_owned(), Some(port)));
    }
    // `connecting to redis:6379`: only with a port, the words after `connect to` are often prose.
    after(&["connecting to ", "connect to "]).filter(|(_, p)| p.is_some())
}

/// The server PostgreSQL's client library (libpq, `fe-connect.c`) names:
/// `connection to server at "HOST" (IP), port N failed: …` (PostgreSQL 14
/// on), or the older `Is the server running on host "HOST" (IP) and
/// accepting TCP/IP connections on port N?`, which [`classify`] reads as one
/// line with the `could not connect to server: …` line before it.
fn libpq_target(line: &str) -> Option<(String, Option<u16>)> {
    let quoted = |marker: &str| {
        let at = line.find(marker)? + marker.len();
        let rest = &line[at..];
        let end = rest.find('"')?;
        Some(rest[..end].to_owned())
    };
    let port = |marker: &str| {
        let at = line.find(marker)? + marker.len();
        let digits: String = line[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<u16>().ok()
    };
    if let Some(host) = quoted("connection to server at \"") {
        return host_port(&host).map(|(h, _)| (h, port(", port ")));
    }
    let host = quoted("Is the server running on host \"")?;
    host_port(&host).map(|(h, _)| (h, port("connections on port ")))
}

/// The host and port of the first URL in a line (the scheme's port by default).
fn url_target(line: &str) -> Option<(String, Option<u16>)> {
    let at = line.find("://")?;
    let scheme = &line[..at];
    let default_port = if scheme.ends_with("https") {
        Some(443)
    } else if scheme.ends_with("http") {
        Some(80)
    } else {
        None
    };
    let authority = line[at + 3..]
        .split(['/', '"', ' ', '?', '\'', '\\'])
        .next()
        .unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (h, p) = host_port(authority)?;
    Some((h, p.or(default_port)))
}

/// `host:port`, `host`, `[v6]:port`.
fn host_port(token: &str) -> Option<(String, Option<u16>)> {
    if token.is_empty() {
        return None;
    }
    let (host, port) = match token.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
            (h, p.parse().ok())
        }
        _ => (token, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    valid.then(|| (host.to_owned(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> ErrorClass {
        match classify_line(line) {
            Some(c) => c,
            None => panic!("not classified: {line}"),
        }
    }

    #[test]
    fn a_module_the_kernel_refuses_is_not_the_image_s_architecture() {
        // rook/rook#14431 and canonical/microk8s#4362, as kmod prints them.
        assert_eq!(
            classify_line("modprobe: ERROR: could not insert 'rbd': Key was rejected by service"),
            Some(ErrorClass::KernelModule {
                module: "rbd".into(),
                reason: "Key was rejected by service".into()
            })
        );
        assert_eq!(
            classify_line(
                r#"failed to load rbd: "modprobe: ERROR: could not insert 'rbd': Exec format error\n""#
            ),
            Some(ErrorClass::KernelModule {
                module: "rbd".into(),
                reason: "Exec format error".into()
            })
        );
        assert_eq!(
            classify_line(
                "modprobe: FATAL: Module nbd not found in directory /lib/modules/5.15.0-1019-aws"
            ),
            Some(ErrorClass::KernelModule {
                module: "nbd".into(),
                reason: "not found in directory /lib/modules/5.15.0-1019-aws".into()
            })
        );
        assert_eq!(
            classify_line(
                "insmod: ERROR: could not insert module /tmp/x/wg.ko: Invalid module format"
            ),
            Some(ErrorClass::KernelModule {
                module: "wg".into(),
                reason: "Invalid module format".into()
            })
        );
        assert_eq!(
            classify_line(
                "Command error output: xtables parameter problem: iptables-restore: unable to initialize table 'nat'"
            ),
            Some(ErrorClass::KernelModule {
                module: "iptable_nat".into(),
                reason: "iptables cannot initialize table nat".into()
            })
        );
        // An image's binary stays what it was.
        assert_eq!(
            classify_line("exec /usr/local/bin/docker-entrypoint.sh: exec format error"),
            Some(ErrorClass::ExecFormat)
        );
    }

    #[test]
    fn an_entrypoint_the_kernel_cannot_load_in_each_runc_wording() {
        for line in [
            "standard_init_linux.go:211: exec user process caused \"no such file or directory\"",
            "standard_init_linux.go:228: exec user process caused: no such file or directory",
            "exec /docker-entrypoint.sh: no such file or directory",
        ] {
            assert_eq!(one(line), ErrorClass::EntrypointUnloadable, "{line}");
        }
        // A command missing from the image is not this: its exit code says so.
        assert_eq!(
            classify_line(
                "starting container process caused \"exec: \\\"bash\\\": stat bash: no such file or directory\""
            ),
            None
        );
    }

    #[test]
    fn a_bind_refused_on_a_privileged_port() {
        assert_eq!(
            one("Listen: listen tcp :53: bind: permission denied"),
            ErrorClass::PrivilegedPort { port: 53 }
        );
        assert_eq!(
            one("Error: listen EACCES: permission denied 0.0.0.0:80"),
            ErrorClass::PrivilegedPort { port: 80 }
        );
        assert_eq!(
            one("nginx: [emerg] bind() to 0.0.0.0:443 failed (13: Permission denied)"),
            ErrorClass::PrivilegedPort { port: 443 }
        );
        assert_eq!(
            classify_line("listen tcp :8080: bind: permission denied"),
            None
        );
    }

    #[test]
    fn go_resolver_errors_name_the_host_and_the_server() {
        // kubernetes/kubeadm#1688
        assert_eq!(
            one(
                "panic: dial tcp: lookup postgres.shop.svc.cluster.local on 172.20.0.10:53: read udp 10.100.3.17:48212->172.20.0.10:53: i/o timeout"
            ),
            ErrorClass::Dns {
                host: Some("postgres.shop.svc.cluster.local".into()),
                server: Some("172.20.0.10:53".into()),
                failure: DnsFailure::Timeout
            }
        );
        assert_eq!(
            one("dial tcp: lookup api.internal on 10.96.0.10:53: no such host"),
            ErrorClass::Dns {
                host: Some("api.internal".into()),
                server: Some("10.96.0.10:53".into()),
                failure: DnsFailure::NotFound
            }
        );
        assert_eq!(
            one("dial tcp: lookup registry.example.com on 10.96.0.10:53: server misbehaving"),
            ErrorClass::Dns {
                host: Some("registry.example.com".into()),
                server: Some("10.96.0.10:53".into()),
                failure: DnsFailure::ServerFailure
            }
        );
        assert_eq!(
            one("dial tcp: lookup kubernetes.default.svc: i/o timeout"),
            ErrorClass::Dns {
                host: Some("kubernetes.default.svc".into()),
                server: None,
                failure: DnsFailure::Timeout
            }
        );
    }

    #[test]
    fn libc_node_and_java_resolver_errors() {
        assert_eq!(
            one(
                "urllib3.exceptions.NameResolutionError: <urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve 'api.stripe.com' ([Errno -3] Temporary failure in name resolution)"
            ),
            ErrorClass::Dns {
                host: Some("api.stripe.com".into()),
                server: None,
                failure: DnsFailure::Timeout
            }
        );
        assert_eq!(
            one("Error: getaddrinfo EAI_AGAIN mysql-db"),
            ErrorClass::Dns {
                host: Some("mysql-db".into()),
                server: None,
                failure: DnsFailure::Timeout
            }
        );
        assert!(matches!(
            one("java.net.UnknownHostException: kafka-0.kafka: Name or service not known"),
            ErrorClass::Dns { host: Some(h), failure: DnsFailure::NotFound, .. } if h == "kafka-0.kafka"
        ));
        assert!(matches!(
            one(";; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 1"),
            ErrorClass::Dns {
                failure: DnsFailure::ServerFailure,
                ..
            }
        ));
    }

    #[test]
    fn connection_failures_name_host_and_port() {
        // busybox netcat (strimzi/strimzi-kafka-operator, a helm test pod).
        assert_eq!(
            one("nc: kates-cluster-kafka-bootstrap (10.96.40.9:9092): Operation timed out"),
            ErrorClass::Connect {
                host: "kates-cluster-kafka-bootstrap".into(),
                port: Some(9092),
                failure: ConnectFailure::Timeout
            }
        );
        // OpenBSD netcat.
        assert_eq!(
            one("nc: connect to 10.56.134.27 port 8080 (tcp) failed: Connection timed out"),
            ErrorClass::Connect {
                host: "10.56.134.27".into(),
                port: Some(8080),
                failure: ConnectFailure::Timeout
            }
        );
        assert_eq!(
            one("Error 110 connecting to redis:6379. Connection timed out."),
            ErrorClass::Connect {
                host: "redis".into(),
                port: Some(6379),
                failure: ConnectFailure::Timeout
            }
        );
        assert_eq!(
            one("Error: connect EHOSTUNREACH 10.100.4.88:5432"),
            ErrorClass::Connect {
                host: "10.100.4.88".into(),
                port: Some(5432),
                failure: ConnectFailure::Unreachable
            }
        );
        assert_eq!(
            one(
                r#"{"level":"error","msg":"Failed to get API Group-Resources","error":"Get \"https://10.43.0.1:443/api?timeout=32s\": dial tcp 10.43.0.1:443: i/o timeout"}"#
            ),
            ErrorClass::Connect {
                host: "10.43.0.1".into(),
                port: Some(443),
                failure: ConnectFailure::Timeout
            }
        );
        assert_eq!(
            one("dial tcp 10.0.0.12:8080: connect: connection refused"),
            ErrorClass::Connect {
                host: "10.0.0.12".into(),
                port: Some(8080),
                failure: ConnectFailure::Refused
            }
        );
        assert_eq!(
            one(
                r#"{"msg":"Could not connect to the endpoint URL: \"https://0a1b.r2.cloudflarestorage.com/platform-backups?list-type=2\""}"#
            ),
            ErrorClass::Connect {
                host: "0a1b.r2.cloudflarestorage.com".into(),
                port: Some(443),
                failure: ConnectFailure::Unknown
            }
        );
        assert_eq!(classify_line("server started on :8080"), None);
        assert_eq!(
            one("Error: i/o timeout"),
            ErrorClass::ConnectUnnamed {
                failure: ConnectFailure::Timeout
            }
        );
        assert_eq!(
            classify_line("could not connect to the database, retrying"),
            None
        );
        assert_eq!(
            one("exec /usr/local/bin/docker-entrypoint.sh: exec format error"),
            ErrorClass::ExecFormat
        );
    }

    #[test]
    fn cloud_identity_errors_by_cloud_and_problem() {
        let auth = |l: &str| match one(l) {
            ErrorClass::CloudAuth { cloud, problem } => (cloud, problem),
            other => panic!("{other:?}"),
        };
        // kubernetes/autoscaler#4282
        assert_eq!(
            auth(
                "caused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"
            ),
            (CloudId::Aws, AuthProblem::Trust)
        );
        assert_eq!(
            auth(
                "Failed to create AWS Manager: cannot autodiscover ASGs: WebIdentityErr: failed to retrieve credentials"
            ),
            (CloudId::Aws, AuthProblem::Other)
        );
        // aws/karpenter-provider-aws#1836: the exchange never reached STS.
        assert!(matches!(
            classify_line(
                r#"{"level":"FATAL","message":"Checking EC2 API connectivity, WebIdentityErr: failed to retrieve credentials\ncaused by: RequestError: send request failed\ncaused by: Post \"https://sts.ap-northeast-2.amazonaws.com/\": dial tcp: lookup sts.ap-northeast-2.amazonaws.com: i/o timeout"}"#
            ),
            Some(ErrorClass::Dns { .. })
        ));
        // azure-service-operator#3123: no token file, the pod was not mutated.
        assert_eq!(
            auth(
                "\tWorkloadIdentityCredential: no token file specified. Check pod configuration or set TokenFilePath in the options"
            ),
            (CloudId::Azure, AuthProblem::NoCredentials)
        );
        assert_eq!(
            auth(
                "InvalidIdentityToken: No OpenIDConnect provider found in your account for https://oidc.eks.us-west-2.amazonaws.com/id/ABC"
            ),
            (CloudId::Aws, AuthProblem::InvalidToken)
        );
        assert_eq!(
            auth(
                "ExpiredTokenException: Token expired: current date/time 1704727325 must be before the expiration date/time 1704726922"
            ),
            (CloudId::Aws, AuthProblem::Expired)
        );
        assert_eq!(
            auth("NoCredentialProviders: no valid providers in chain. Deprecated."),
            (CloudId::Aws, AuthProblem::NoCredentials)
        );
        // kubernetes-sigs/aws-load-balancer-controller#2584 (IMDSv2, hop limit 1).
        assert_eq!(
            auth(
                "failed to introspect vpcID from EC2Metadata, specify --aws-vpc-id instead if EC2Metadata is unavailable: EC2MetadataError: failed to make EC2Metadata request\n\n\tstatus code: 401, request id: "
            ),
            (CloudId::Aws, AuthProblem::MetadataToken)
        );
        assert_eq!(
            auth(
                "AccessDeniedException: User: arn:aws:sts::1:assumed-role/node-role/i-0 is not authorized to perform: dynamodb:PutItem"
            ),
            (CloudId::Aws, AuthProblem::Permission)
        );
        // Azure/azure-workload-identity#340
        assert_eq!(
            auth(
                "AADSTS70021: No matching federated identity record found for presented assertion."
            ),
            (CloudId::Azure, AuthProblem::NoFederation)
        );
        assert_eq!(
            auth("AADSTS700016: Application with identifier 'msi' was not found in the directory"),
            (CloudId::Azure, AuthProblem::UnknownClient)
        );
        assert_eq!(
            auth(
                "DefaultAzureCredential failed to retrieve a token from the included credentials."
            ),
            (CloudId::Azure, AuthProblem::NoCredentials)
        );
        // A refusal wrapped over lines by a Java client (spring-cloud/spring-cloud-kubernetes#759).
        let wrapped = "Message: Forbidden!Configured service account doesn't have access. \nService account may have been revoked. configmaps \"frontend\" is forbidden: \nUser \"system:serviceaccount:dev:default\" cannot get resource \"configmaps\" in API group \"\" \nin the namespace \"dev\".";
        let c = classify(wrapped);
        assert!(
            matches!(&c[..], [Classified { class: ErrorClass::Api(ApiError::Forbidden { verb: Some(v), scope: Some(s), .. }), .. }] if v == "get" && s == "dev"),
            "{c:?}"
        );
        // The webhook's environment missing: azidentity's wording, and an app's own.
        for line in [
            "WorkloadIdentityCredential: no tenant ID specified. Check pod configuration or set TenantID in the options",
            "failed to create auth provider from configuration: azure tenant id environment variable is empty",
            "AZURE_CLIENT_ID is not set",
        ] {
            assert_eq!(
                auth(line),
                (CloudId::Azure, AuthProblem::NoCredentials),
                "{line}"
            );
        }
        // external-secrets/external-secrets#2255
        assert_eq!(
            auth(
                "Unable to generate access token; IAM returned 403 Forbidden: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."
            ),
            (CloudId::Gcp, AuthProblem::Impersonation)
        );
        assert_eq!(
            auth("googleapi: Error 403: Request had insufficient authentication scopes."),
            (CloudId::Gcp, AuthProblem::Scopes)
        );
    }

    #[test]
    fn a_missing_file_is_read_with_its_path() {
        assert_eq!(
            classify_line(
                "[critical][main] error initializing config '  /config/envoy.json': Invalid path: /config/envoy.json"
            ),
            Some(ErrorClass::MissingFile {
                path: "/config/envoy.json".into()
            })
        );
        assert_eq!(
            classify_line("Error: open /etc/app/settings.yaml: no such file or directory"),
            Some(ErrorClass::MissingFile {
                path: "/etc/app/settings.yaml".into()
            })
        );
        // node-problem-detector's rule path, relative to its working directory.
        assert_eq!(
            classify_line(
                r#"F0922 00:32:38.970308       1 custom_plugin_monitor.go:78] Failed to validate custom plugin config {Plugin:custom}: rule path "./config/plugin/network_problem.sh" does not exist. Rule: &{Type:temporary}"#
            ),
            Some(ErrorClass::MissingFile {
                path: "./config/plugin/network_problem.sh".into()
            })
        );
        assert_eq!(classify_line("no such file or directory"), None);
        // A position in a file that was read (grafana/k8s-monitoring-helm#1581).
        assert!(!matches!(
            classify_line(
                "/etc/alloy/config.alloy:51:17: component \"remote.kubernetes.secret.otlp.data\" does not exist or is out of scope"
            ),
            Some(ErrorClass::MissingFile { .. })
        ));
    }

    #[test]
    fn a_port_in_use_is_read_with_its_port() {
        assert_eq!(
            classify_line("listen tcp 169.254.20.10:8080: bind: address already in use"),
            Some(ErrorClass::PortInUse { port: Some(8080) })
        );
        assert_eq!(
            classify_line(
                "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)"
            ),
            Some(ErrorClass::PortInUse { port: Some(80) })
        );
        assert_eq!(
            classify_line("rbd: failed to load rbd kernel module (1)"),
            Some(ErrorClass::KernelModule {
                module: "rbd".into(),
                reason: "failed to load rbd kernel module (1)".into()
            })
        );
        assert_eq!(
            classify_line(
                "\texit status 2: Warning: Extension MASQUERADE revision 0 not supported, missing kernel module?"
            ),
            Some(ErrorClass::KernelModule {
                module: "xt_MASQUERADE".into(),
                reason: "iptables extension MASQUERADE not supported, missing kernel module".into()
            })
        );
        assert_eq!(
            classify_line(
                "F0210 01:36:39.123645       5 main.go:59] Port 80 is already in use. Please check the flag --http-port"
            ),
            Some(ErrorClass::PortInUse { port: Some(80) })
        );
        assert_eq!(
            classify_line("Error: listen EADDRINUSE: address already in use :::3000"),
            Some(ErrorClass::PortInUse { port: Some(3000) })
        );
        assert_eq!(
            classify_line("java.net.BindException: Address already in use"),
            Some(ErrorClass::PortInUse { port: None })
        );
    }

    #[test]
    fn rbac_and_tls() {
        // coredns/coredns#5918
        assert_eq!(
            one(
                r#"failed to list *v1.Namespace: namespaces is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "namespaces" in API group "" at the cluster scope"#
            ),
            ErrorClass::Api(ApiError::Forbidden {
                namespace: "kube-system".into(),
                service_account: "coredns".into(),
                verb: Some("list".into()),
                resource: Some("namespaces".into()),
                group: Some(String::new()),
                scope: None,
            })
        );
        assert_eq!(
            one(
                "Post \"https://webhook.svc:443/mutate\": x509: certificate has expired or is not yet valid: current time 2024-01-01T00:00:00Z is after 2023-12-31T00:00:00Z"
            ),
            ErrorClass::Tls {
                problem: "expired or not yet valid"
            }
        );
    }

    #[test]
    fn one_class_per_distinct_error() {
        let c = classify(
            "start\ndial tcp: lookup db on 10.96.0.10:53: no such host\nretry\ndial tcp: lookup db on 10.96.0.10:53: no such host\n",
        );
        assert_eq!(c.len(), 1);
        assert!(c[0].line.starts_with("dial tcp: lookup db"));
    }

    #[test]
    fn inotify_limits_used_up_on_the_node() {
        let instances = ErrorClass::NodeLimit {
            sysctl: "fs.inotify.max_user_instances",
        };
        let watches = ErrorClass::NodeLimit {
            sysctl: "fs.inotify.max_user_watches",
        };
        for (line, want) in [
            // .NET (FileSystemWatcher).
            (
                "Unhandled exception. System.IO.IOException: The configured user limit (128) on the number of inotify instances has been reached, or the per-process limit on the number of open file descriptors has been reached.",
                &instances,
            ),
            // Go's fsnotify.
            (
                "failed to create fsnotify watcher: too many open files",
                &instances,
            ),
            // Node.js (chokidar).
            (
                "Error: ENOSPC: System limit for number of file watchers reached, watch '/app/src'",
                &watches,
            ),
            (
                "inotify_add_watch(/var/log/pods): no space left on device",
                &watches,
            ),
        ] {
            assert_eq!(classify_line(line).as_ref(), Some(want), "{line}");
        }
        // Running out of disk is not a watch limit.
        assert_ne!(
            classify_line("write /data/x: no space left on device"),
            Some(watches)
        );
    }

    #[test]
    fn a_configuration_file_the_program_cannot_parse() {
        let file = |l: &str| match classify_line(l) {
            Some(ErrorClass::ConfigFile { path }) => Some(path),
            _ => None,
        };
        // CoreDNS (caddyfile), nginx, a YAML config.
        assert_eq!(
            file("plugin/proxy: /etc/coredns/Corefile:20 - Error during parsing: Wrong argument count or unexpected line ending after '.'").as_deref(),
            Some("/etc/coredns/Corefile")
        );
        assert_eq!(
            file("nginx: [emerg] unknown directive \"proxy_pas\" in /etc/nginx/conf.d/default.conf:12").as_deref(),
            Some("/etc/nginx/conf.d/default.conf")
        );
        assert_eq!(
            file(
                "error: failed to parse /config/app.yaml: yaml: line 7: did not find expected key"
            )
            .as_deref(),
            Some("/config/app.yaml")
        );
        // No parse error, or no file.
        assert_eq!(
            file("open /etc/app/conf.yaml: no such file or directory"),
            None
        );
        assert_eq!(file("failed to parse the response"), None);
    }

    #[test]
    fn coredns_forwarding_loop_in_each_release_spelling() {
        for line in [
            "[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone \".\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO 4547991504243258144.3688648895315093531.\"",
            "2018/11/12 08:01:02 [FATAL] plugin/loop: Forwarding loop detected in \".\" zone. Exiting. See https://coredns.io/plugins/loop#troubleshooting. Probe query: \"HINFO 5842.4411.\".",
            "2018/09/06 13:02:45 [FATAL] plugin/loop: Seen \"HINFO IN 2050421060481615995.5620656063561519376.\" more than twice, loop detected",
        ] {
            assert_eq!(
                classify_line(line),
                Some(ErrorClass::ForwardingLoop),
                "{line}"
            );
        }
        // The plugin loading, and loops elsewhere, are not a forwarding loop.
        assert_ne!(
            classify_line("[INFO] plugin/loop: starting"),
            Some(ErrorClass::ForwardingLoop)
        );
        assert_ne!(
            classify_line("redirect loop detected for https://shop.example.com/"),
            Some(ErrorClass::ForwardingLoop)
        );
    }

    #[test]
    fn libpq_names_the_server_it_could_not_reach() {
        // Before PostgreSQL 14: three lines (`fe-connect.c`, connectFailureMessage).
        let old = "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection timed out\n\tIs the server running on host \"db.c9xk2.us-east-1.rds.amazonaws.com\" (10.20.40.17) and accepting\n\tTCP/IP connections on port 5432?\n";
        let c = classify(old);
        assert_eq!(
            c.first().map(|c| &c.class),
            Some(&ErrorClass::Connect {
                host: "db.c9xk2.us-east-1.rds.amazonaws.com".into(),
                port: Some(5432),
                failure: ConnectFailure::Timeout
            })
        );
        // PostgreSQL 14 on: one line.
        let new = "psycopg.OperationalError: connection to server at \"orders-db.shop.svc\" (10.96.4.7), port 5433 failed: Connection refused";
        assert_eq!(
            classify_line(new),
            Some(ErrorClass::Connect {
                host: "orders-db.shop.svc".into(),
                port: Some(5433),
                failure: ConnectFailure::Refused
            })
        );
        // libpq's own deadline (`connect_timeout`), apache/airflow#60271.
        let expired = "(psycopg2.OperationalError) connection to server at \"10.237.14.15\", port 6432 failed: timeout expired";
        assert_eq!(
            classify_line(expired),
            Some(ErrorClass::Connect {
                host: "10.237.14.15".into(),
                port: Some(6432),
                failure: ConnectFailure::Timeout
            })
        );
    }

    #[test]
    fn mysql_clients_name_the_server_and_the_errno() {
        let connect = |host: &str, port: Option<u16>, failure| ErrorClass::Connect {
            host: host.into(),
            port,
            failure,
        };
        // MySQL 5.7 (host only), MySQL 8 (host:port), Python's mysqlclient, MariaDB.
        for (line, want) in [
            (
                "ERROR 2003 (HY000): Can't connect to MySQL server on 'db.shop.svc' (111)",
                connect("db.shop.svc", None, ConnectFailure::Refused),
            ),
            (
                "ERROR 2003 (HY000): Can't connect to MySQL server on 'mysql:3307' (110)",
                connect("mysql", Some(3307), ConnectFailure::Timeout),
            ),
            (
                "django.db.utils.OperationalError: (2003, \"Can't connect to MySQL server on 'mariadb' ([Errno 113] No route to host)\")",
                connect("mariadb", None, ConnectFailure::Unreachable),
            ),
            (
                "ERROR 2002 (HY000): Can't connect to server on '10.0.3.187' (115)",
                connect("10.0.3.187", None, ConnectFailure::Unknown),
            ),
            (
                "ERROR 2005 (HY000): Unknown MySQL server host 'mysql-primary' (-2)",
                ErrorClass::Dns {
                    host: Some("mysql-primary".into()),
                    server: None,
                    failure: DnsFailure::NotFound,
                },
            ),
            // awslabs/kubeflow-manifests#509: ml-metadata names neither host nor errno.
            (
                "F1117 18:20:27.558673     1 metadata_store_server_main.cc:236] Check failed: absl::OkStatus() == status (OK vs. INTERNAL: mysql_real_connect failed: errno: , error:  [mysql-error-info=''])",
                ErrorClass::ConnectUnnamed {
                    failure: ConnectFailure::Unknown,
                },
            ),
        ] {
            assert_eq!(classify_line(line), Some(want), "{line}");
        }
    }

    #[test]
    fn coredns_refusing_a_plugin_block_at_set_up() {
        // coredns/coredns#4500, and the same after a timestamp.
        for line in [
            "plugin/forward: not an IP address or file: \"dc-consul-agent-dns.default.svc.cluster.local\"",
            "2021/03/03 11:37:40 plugin/kubernetes: unknown property 'upstream'",
            "[FATAL] plugin/hosts: open /etc/extra-hosts: no such file",
        ] {
            assert!(
                matches!(
                    classify_line(line),
                    Some(ErrorClass::CorefileRefused { .. })
                ),
                "{line}: {:?}",
                classify_line(line)
            );
        }
        // A running server's log lines, and errors the plugins pass on, are not.
        for line in [
            "[ERROR] plugin/errors: 2 example.org. A: read udp 10.1.0.3:41502->8.8.8.8:53: i/o timeout",
            "[INFO] plugin/ready: Still waiting on: \"kubernetes\"",
            "plugin/kubernetes: Get \"https://10.96.0.1:443/version\": dial tcp 10.96.0.1:443: i/o timeout",
        ] {
            assert!(
                !matches!(
                    classify_line(line),
                    Some(ErrorClass::CorefileRefused { .. })
                ),
                "{line}"
            );
        }
    }

    #[test]
    fn a_lookup_broken_after_its_host_is_read_as_one() {
        let c = super::classify(
            "lookup results-db.tekton.svc.cluster.local\non 169.254.169.254:53: read udp 10.4.0.7:40712->169.254.169.254:53: i/o timeout\nfatal: Failed to connect to database",
        );
        assert!(
            matches!(&c[0].class, super::ErrorClass::Dns { host, .. } if host.as_deref() == Some("results-db.tekton.svc.cluster.local")),
            "{c:?}"
        );
    }

    #[test]
    fn a_shells_exec_format_error_is_the_architecture() {
        assert_eq!(
            super::classify_line("/bin/sh: 1: exec: /node-problem-detector: Exec format error"),
            Some(super::ErrorClass::ExecFormat)
        );
    }

    #[test]
    fn ec2s_unauthorized_operation_is_a_refused_permission() {
        let c = super::classify(
            "dry-run EC2 API call failed: operation error EC2: DescribeAvailabilityZones, https response error StatusCode: 403, api error UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::1:assumed-role/ebs/x is not authorized to perform: ec2:DescribeAvailabilityZones",
        );
        assert!(
            matches!(
                c[0].class,
                super::ErrorClass::CloudAuth {
                    problem: super::AuthProblem::Permission,
                    ..
                }
            ),
            "{c:?}"
        );
    }
}
