//! A failed name lookup, in the words of each common resolver:
//!
//! - Go's resolver (`net/dnsclient_unix.go`, `net/net.go` `DNSError`):
//!   `lookup <host> on <server>:53: no such host`, `… i/o timeout`,
//!   `… server misbehaving`;
//! - glibc's `gai_strerror` (`Temporary failure in name resolution`,
//!   `Name or service not known`, `No address associated with hostname`), as
//!   Python (`socket.gaierror: [Errno -2] …`), Ruby, PostgreSQL (`could not
//!   translate host name "<host>" to address: …`) and Java
//!   (`UnknownHostException: <host>`) print it; macOS's `nodename nor
//!   servname provided`;
//! - musl's `gai_strerror` (`Name does not resolve`, `Try again` after a
//!   `getaddrinfo`/`gaierror`), the resolver of Alpine images;
//! - busybox (`libbb/xconnect.c` `str2sockaddr`): `bad address '<host>'`
//!   from `ping`, `wget`, `nc`, `telnet`; busybox `nslookup`: `can't resolve
//!   '<host>'`, `** server can't find <host>: NXDOMAIN`;
//! - Node.js: `getaddrinfo EAI_AGAIN <host>`, `getaddrinfo ENOTFOUND <host>`;
//! - curl (`lib/hostip.c`): `Could not resolve host: <host>`;
//! - MySQL clients: `Unknown MySQL server host '<host>'`;
//! - BIND's `dig` and `nslookup` (`bin/dig/dighost.c`): `;; connection
//!   timed out; no servers could be reached`, and since 9.18 `;;
//!   communications error to <server>#53: timed out`;
//! - resolvers reporting `SERVFAIL` or `NXDOMAIN`.

/// How a name lookup failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsFailure {
    /// The resolver got no answer (`i/o timeout`, `EAI_AGAIN`, `Temporary failure`).
    Timeout,
    /// The name does not exist (`no such host`, `NXDOMAIN`, `ENOTFOUND`).
    NotFound,
    /// The server answered with an error (`server misbehaving`, `SERVFAIL`).
    ServerFailure,
}

/// A failed lookup: the name, the server asked, how it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub host: Option<String>,
    pub server: Option<String>,
    pub failure: DnsFailure,
}

/// The failed lookup a line reports, if any.
pub fn lookup(line: &str) -> Option<Lookup> {
    go(line)
        .or_else(|| node(line))
        .or_else(|| bind(line))
        .or_else(|| libc(line))
}

/// BIND's `dig`/`nslookup`: no server answered. They name the server, not
/// the host (the command line did).
fn bind(line: &str) -> Option<Lookup> {
    if line.contains("no servers could be reached") {
        return Some(Lookup {
            host: None,
            server: None,
            failure: DnsFailure::Timeout,
        });
    }
    let rest = line.split_once("communications error to ")?.1;
    let (server, what) = rest.split_once(": ")?;
    what.starts_with("timed out").then(|| Lookup {
        host: None,
        server: Some(server.replace('#', ":")),
        failure: DnsFailure::Timeout,
    })
}

/// Go: `lookup <host> on <server>: <what>` or `lookup <host>: <what>`.
fn go(line: &str) -> Option<Lookup> {
    let at = line.find("lookup ")?;
    let rest = &line[at + "lookup ".len()..];
    let host_end = rest.find([' ', ':']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    let after = &rest[host_end..];
    let server = after.strip_prefix(" on ").and_then(|s| {
        let end = s.find(": ")?;
        Some(s[..end].to_owned())
    });
    let failure = if after.contains("no such host") {
        DnsFailure::NotFound
    } else if after.contains("server misbehaving") {
        DnsFailure::ServerFailure
    } else if after.contains("timeout") {
        DnsFailure::Timeout
    } else {
        return None;
    };
    (!host.is_empty()).then(|| Lookup {
        host: Some(host.to_owned()),
        server,
        failure,
    })
}

/// Node.js: `getaddrinfo EAI_AGAIN <host>` / `getaddrinfo ENOTFOUND <host>`.
fn node(line: &str) -> Option<Lookup> {
    for (code, failure) in [
        ("EAI_AGAIN", DnsFailure::Timeout),
        ("ENOTFOUND", DnsFailure::NotFound),
    ] {
        if let Some(at) = line.find(&format!("getaddrinfo {code}")) {
            let host = line[at + "getaddrinfo ".len() + code.len()..]
                .split_whitespace()
                .next()
                .map(|h| h.trim_matches(|c: char| c == '\'' || c == '"').to_owned());
            return Some(Lookup {
                host,
                server: None,
                failure,
            });
        }
    }
    None
}

/// glibc, musl, busybox, curl, Java, MySQL and resolvers' words.
fn libc(line: &str) -> Option<Lookup> {
    let has = |s: &str| line.contains(s);
    // musl's `Try again` is only a lookup failure after a getaddrinfo.
    let gai = has("getaddrinfo") || has("gaierror") || has("EAI_");
    let failure = if has("Temporary failure in name resolution") || (gai && has("Try again")) {
        DnsFailure::Timeout
    } else if has("Name or service not known")
        || has("Name does not resolve")
        || has("No address associated with hostname")
        || has("nodename nor servname provided")
        || has("UnknownHostException")
        || has("NXDOMAIN")
        || has("Could not resolve host")
        || has("Unknown MySQL server host")
        || has("can't resolve '")
        || busybox_bad_address(line).is_some()
    {
        DnsFailure::NotFound
    } else if has("SERVFAIL") {
        DnsFailure::ServerFailure
    } else {
        return None;
    };
    Some(Lookup {
        host: host(line),
        server: None,
        failure,
    })
}

/// busybox: `bad address '<host>'`, prefixed by the applet (`ping: `,
/// `wget: `, `nc: `); the quoted word is a host name, not prose.
fn busybox_bad_address(line: &str) -> Option<String> {
    single_quoted_after(line, "bad address ").filter(|h| is_host(h))
}

/// The name a resolver's message quotes.
fn host(line: &str) -> Option<String> {
    let quoted = |marker: &str| {
        super::quoted_after(line, marker)
            .map(str::to_owned)
            .or_else(|| single_quoted_after(line, marker))
    };
    let word_after = |marker: &str| {
        line.split_once(marker)
            .and_then(|(_, h)| h.split([':', ' ', '\'', '"', ',', ')', ']']).next())
            .map(|h| h.trim_end_matches('.'))
            .filter(|h| is_host(h))
            .map(str::to_owned)
    };
    quoted("Failed to resolve")
        .or_else(|| busybox_bad_address(line))
        .or_else(|| quoted("can't resolve "))
        .or_else(|| quoted("translate host name "))
        .or_else(|| quoted("Unknown MySQL server host "))
        .or_else(|| word_after("Could not resolve host: "))
        .or_else(|| word_after("UnknownHostException: "))
        .or_else(|| word_after("server can't find "))
        .filter(|h| is_host(h))
}

/// A DNS name or an address, as a resolver quotes it.
fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
}

fn single_quoted_after(s: &str, marker: &str) -> Option<String> {
    let rest = &s[s.find(marker)? + marker.len()..];
    let start = rest.find('\'')? + 1;
    let end = rest[start..].find('\'')? + start;
    Some(rest[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(line: &str) -> (Option<String>, DnsFailure) {
        let l = lookup(line).unwrap_or_else(|| panic!("no lookup in {line}"));
        (l.host, l.failure)
    }

    fn nf(h: &str) -> (Option<String>, DnsFailure) {
        (Some(h.to_owned()), DnsFailure::NotFound)
    }

    #[test]
    fn bind_tools_report_no_answer_with_the_server() {
        let old = lookup(";; connection timed out; no servers could be reached");
        assert_eq!(old.map(|l| l.failure), Some(DnsFailure::Timeout));
        let new = lookup(";; communications error to 10.43.0.10#53: timed out");
        assert_eq!(
            new.map(|l| (l.server, l.failure)),
            Some((Some("10.43.0.10:53".to_owned()), DnsFailure::Timeout))
        );
        assert_eq!(
            lookup(";; communications error to 10.43.0.10#53: connection refused"),
            None
        );
    }

    #[test]
    fn every_resolver_names_the_host() {
        // busybox ping / wget / nc (libbb/xconnect.c).
        assert_eq!(host_of("ping: bad address 'etcd'"), nf("etcd"));
        assert_eq!(
            host_of("wget: bad address 'api.shop.svc.cluster.local'"),
            nf("api.shop.svc.cluster.local")
        );
        // busybox nslookup.
        assert_eq!(host_of("nslookup: can't resolve 'db'"), nf("db"));
        assert_eq!(
            host_of("** server can't find redis.default: NXDOMAIN"),
            nf("redis.default")
        );
        // curl (lib/hostip.c), also inside a program's own sentence.
        assert_eq!(
            host_of("curl: (6) Could not resolve host: backend.shop"),
            nf("backend.shop")
        );
        assert_eq!(
            host_of(
                "https://rancher.example.com/ping is not accessible (Could not resolve host: rancher.example.com)"
            ),
            nf("rancher.example.com")
        );
        // glibc through PostgreSQL's libpq.
        assert_eq!(
            host_of(
                r#"psql: error: could not translate host name "postgres" to address: Name or service not known"#
            ),
            nf("postgres")
        );
        // Java.
        assert_eq!(
            host_of("java.net.UnknownHostException: kafka-0.kafka: Name or service not known"),
            nf("kafka-0.kafka")
        );
        // MySQL clients.
        assert_eq!(
            host_of("ERROR 2005 (HY000): Unknown MySQL server host 'mysql' (-2)"),
            nf("mysql")
        );
        // musl (Alpine) through Python.
        assert_eq!(
            lookup("socket.gaierror: [Errno -2] Name does not resolve").map(|l| l.failure),
            Some(DnsFailure::NotFound)
        );
        assert_eq!(
            lookup("socket.gaierror: [Errno -3] Try again").map(|l| l.failure),
            Some(DnsFailure::Timeout)
        );
        // glibc through Python.
        assert_eq!(
            lookup("socket.gaierror: [Errno -3] Temporary failure in name resolution")
                .map(|l| l.failure),
            Some(DnsFailure::Timeout)
        );
        assert_eq!(
            lookup("socket.gaierror: [Errno -5] No address associated with hostname")
                .map(|l| l.failure),
            Some(DnsFailure::NotFound)
        );
        // Node.js.
        assert_eq!(host_of("Error: getaddrinfo ENOTFOUND mongo"), nf("mongo"));
        // Go.
        let l = lookup("dial tcp: lookup db on 10.96.0.10:53: no such host");
        assert_eq!(
            l,
            Some(Lookup {
                host: Some("db".into()),
                server: Some("10.96.0.10:53".into()),
                failure: DnsFailure::NotFound
            })
        );
    }

    #[test]
    fn words_that_are_not_lookups() {
        for line in [
            "bad address 'this is prose'",
            "Try again later",
            "error: bad request, try again",
            "lookup table rebuilt in 3ms",
            "Could not resolve dependencies for project",
            "mount: bad option; for several filesystems",
        ] {
            assert_eq!(lookup(line), None, "{line}");
        }
    }
}
