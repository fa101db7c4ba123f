//! A file operation the kernel refuses on a path, in the words of the tools
//! that print it: coreutils (`chown: changing ownership of '<p>': Operation
//! not permitted`, `chmod: changing permissions of '<p>': …`, `mkdir: cannot
//! create directory '<p>': Permission denied`), busybox (`chown: <p>:
//! Operation not permitted`), Go's `os.PathError` (`open <p>: permission
//! denied`), Python (`PermissionError: [Errno 13] Permission denied: '<p>'`),
//! Node.js (`EACCES: permission denied, open '<p>'`) and PostgreSQL's
//! initdb (`could not change permissions of directory "<p>": Operation not
//! permitted`). `Operation not permitted` (EPERM) is a change of owner or
//! mode refused; `Permission denied` (EACCES) a read or write refused.

/// What the kernel refused on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub path: String,
    /// EPERM: changing owner or mode (`chown`, `chmod`) was refused.
    pub ownership: bool,
    /// EROFS: the file system is mounted read-only (`Read-only file system`).
    pub read_only: bool,
}

/// The refused path a line names, if any.
pub fn denied(line: &str) -> Option<Denied> {
    let ownership = line.contains("Operation not permitted");
    let lower = line.to_ascii_lowercase();
    let read_only = lower.contains("read-only file system");
    // Grafana's own check: `GF_PATHS_DATA='/var/lib/grafana' is not writable.`
    let unwritable = lower.contains("is not writable");
    if let Some(path) = java_denied(line) {
        return Some(Denied {
            path,
            ownership,
            read_only,
        });
    }
    if !ownership && !read_only && !unwritable && !lower.contains("permission denied") {
        return None;
    }
    let path = quoted_path(line).or_else(|| {
        // busybox `chown: /p: Operation not permitted`, Go `open /p:
        // permission denied`, bash `/script.sh: line 3: /p: Permission
        // denied`: the last path before the refusal is the refused one.
        let end = lower
            .find("permission denied")
            .or_else(|| lower.find("operation not permitted"))
            .or_else(|| lower.find("read-only file system"))
            .or_else(|| lower.find("is not writable"))
            .unwrap_or(line.len());
        line[..end]
            .split_whitespace()
            .map(|w| w.trim_matches(|c| matches!(c, ':' | '\'' | '"' | '‘' | '’' | '“' | '”')))
            .rfind(|w| w.starts_with('/') && w.len() > 1)
            .map(str::to_owned)
    })?;
    Some(Denied {
        path,
        ownership,
        read_only,
    })
}

/// Java's `java.nio.file.AccessDeniedException: /p` (EACCES on a path), and
/// Elasticsearch's `AccessDeniedException[/p]` wrapping it.
pub fn java_denied(line: &str) -> Option<String> {
    let at = line.find("AccessDeniedException")? + "AccessDeniedException".len();
    let rest = line[at..]
        .strip_prefix(": ")
        .or_else(|| line[at..].strip_prefix('['))?;
    let path: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ']' | ';' | '"' | ','))
        .collect();
    (path.starts_with('/') && path.len() > 1).then_some(path)
}

/// The first quoted absolute path of a line (`'…'`, `"…"`, or coreutils'
/// `‘…’` in a UTF-8 locale).
fn quoted_path(line: &str) -> Option<String> {
    for (open, close) in [('\'', '\''), ('"', '"'), ('‘', '’'), ('“', '”')] {
        let mut rest = line;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            let inner = &after[..end];
            if inner.starts_with('/') && !inner.contains(' ') {
                return Some(inner.to_owned());
            }
            rest = &after[end + close.len_utf8()..];
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(path: &str, ownership: bool) -> Option<Denied> {
        Some(Denied {
            path: path.into(),
            ownership,
            read_only: false,
        })
    }

    #[test]
    fn java_names_the_path_it_may_not_open() {
        // elastic/helm-charts#889.
        assert_eq!(
            denied(
                "Caused by: java.nio.file.AccessDeniedException: /usr/share/elasticsearch/data/nodes"
            ),
            d("/usr/share/elasticsearch/data/nodes", false)
        );
        assert_eq!(
            denied("nested: AccessDeniedException[/usr/share/elasticsearch/data/nodes];"),
            d("/usr/share/elasticsearch/data/nodes", false)
        );
        // AWS's own `AccessDeniedException: User: arn:… is not authorized` is no path.
        assert_eq!(
            denied(
                "AccessDeniedException: User: arn:aws:sts::1:assumed-role/r/i is not authorized to perform: dynamodb:PutItem"
            ),
            None
        );
    }

    #[test]
    fn grafana_s_own_check_names_the_path() {
        // grafana/grafana-operator#300.
        assert_eq!(
            denied("GF_PATHS_DATA='/var/lib/grafana' is not writable."),
            d("/var/lib/grafana", false)
        );
    }

    #[test]
    fn each_tool_names_the_path() {
        assert_eq!(
            denied("chown: changing ownership of '/bitnami/postgresql': Operation not permitted"),
            d("/bitnami/postgresql", true)
        );
        assert_eq!(
            denied("chown: /var/lib/mysql/ibdata1: Operation not permitted"),
            d("/var/lib/mysql/ibdata1", true)
        );
        assert_eq!(
            denied(
                r#"initdb: error: could not change permissions of directory "/var/lib/postgresql/data": Operation not permitted"#
            ),
            d("/var/lib/postgresql/data", true)
        );
        // coreutils in a UTF-8 locale (bitnami/charts#3471).
        assert_eq!(
            denied("mkdir: cannot create directory ‘/data/pgdata’: Permission denied"),
            d("/data/pgdata", false)
        );
        // busybox on a read-only mount (grafana on an export mounted ro).
        assert_eq!(
            denied(
                "mkdir: can't create directory '/var/lib/grafana/plugins': Read-only file system"
            ),
            Some(Denied {
                path: "/var/lib/grafana/plugins".into(),
                ownership: false,
                read_only: true,
            })
        );
        // bash names its script first (bitnami/bitnami-docker-minio).
        assert_eq!(
            denied(
                "/opt/bitnami/scripts/libminio.sh: line 315: /data/.access_key: Permission denied"
            ),
            d("/data/.access_key", false)
        );
        assert_eq!(
            denied("mkdir: cannot create directory '/data/db': Permission denied"),
            d("/data/db", false)
        );
        assert_eq!(
            denied("PermissionError: [Errno 13] Permission denied: '/models/cache'"),
            d("/models/cache", false)
        );
        assert_eq!(
            denied("Error: EACCES: permission denied, open '/app/data/db.json'"),
            d("/app/data/db.json", false)
        );
        assert_eq!(
            denied("level=error msg=\"open /prometheus/queries.active: permission denied\""),
            d("/prometheus/queries.active", false)
        );
    }

    #[test]
    fn refusals_without_a_path_are_not_read() {
        for line in [
            "Error from server (Forbidden): pods is forbidden: permission denied",
            "ssh: handshake failed: Permission denied (publickey)",
            "all good",
        ] {
            assert_eq!(denied(line), None, "{line}");
        }
    }
}
