//! A database refusing the password a crashing container presents:
//! PostgreSQL's `password authentication failed for user "x"`, MySQL's and
//! MariaDB's `Access denied for user 'x'@'host' (using password: YES)`. The
//! password comes from a Secret; a database keeps the password it was
//! initialised with on its volume, so a Secret written after that volume
//! (a chart reinstalled or upgraded without `existingSecret`, which
//! generates a new random password) no longer matches it
//! (ricsanfre/pi-cluster#256, Bitnami's "credentials do not match").
//! Also PostgreSQL refusing a data directory its group may read.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::{Loop, ObjRef, Pod};

/// The user a database refused, from its own words.
fn refused_user(text: &str) -> Option<&str> {
    if let Some((_, rest)) = text.split_once("password authentication failed for user \"") {
        return rest.split('"').next();
    }
    let (_, rest) = text.split_once("Access denied for user '")?;
    rest.contains("(using password: YES)")
        .then(|| rest.split('\'').next())
        .flatten()
}

/// Secrets the container reads a password from (`env` by `secretKeyRef`
/// with "pass" in the variable's or the key's name).
fn password_secrets<'p>(pod: &'p Pod, container: &str) -> Vec<&'p str> {
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter(|c| c.name == container)
        .flat_map(|c| c.env.iter().flatten())
        .filter_map(|e| {
            let r = e.value_from.as_ref()?.secret_key_ref.as_ref()?;
            let l = format!("{} {}", e.name, r.key).to_ascii_lowercase();
            l.contains("pass").then_some(r.name.as_str())
        })
        .collect()
}

pub fn refused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some((user, line)) = texts.iter().find_map(|t| {
        let user = refused_user(t)?;
        let line = t.lines().find(|l| l.contains(user)).unwrap_or(t).to_owned();
        Some((user.to_owned(), line))
    }) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let Some(secret) = password_secrets(pod, container).into_iter().find_map(|n| {
        a.cluster
            .secrets
            .iter()
            .find(|s| s.ns_or_default() == ns && s.name() == n)
    }) else {
        return vec![];
    };
    let seen = Link::new(
        Loop::Compute,
        d.since,
        pod.objref(),
        format!("the database refuses user {user}'s password"),
    )
    .with_evidence([day2_model::redact::excerpt(&line, 200)]);
    let secret_ref = ObjRef::new("Secret", Some(ns), secret.name());
    let written = model::creation(&secret.metadata);
    // The database's own pods read the same Secret; a volume of theirs
    // older than the Secret holds the password of before.
    let older = a
        .cluster
        .pods_in_namespace(ns)
        .filter(|p| p.name() != pod.name())
        .filter(|p| {
            p.spec.as_ref().is_some_and(|s| {
                s.containers
                    .iter()
                    .any(|c| password_secrets(p, &c.name).contains(&secret.name()))
            })
        })
        .flat_map(|p| {
            let claims: Vec<&str> = p
                .spec
                .as_ref()
                .map(|s| model::claims(s).collect())
                .unwrap_or_default();
            claims
                .into_iter()
                .filter_map(|c| a.cluster.pvc(p.ns_or_default(), c))
                .collect::<Vec<_>>()
        })
        .find(
            |pvc| matches!((model::creation(&pvc.metadata), written), (Some(v), Some(s)) if v < s),
        );
    let (score, summary, fix) = match older {
        Some(pvc) => (
            86,
            format!(
                "the database refuses the password of user {user}, and Secret {ns}/{} that holds it was written after claim {ns}/{} that holds the database's data, and a database keeps the password it was initialised with, so the new password in the Secret does not match it",
                secret.name(),
                pvc.name()
            ),
            format!(
                "Put the original password back in Secret {ns}/{} (a chart's `auth.existingSecret` pointing at a Secret you keep, so upgrades stop generating one), or change the user's password inside the database to the Secret's (`ALTER USER {user} WITH PASSWORD '…'` in PostgreSQL, `ALTER USER '{user}'@'%' IDENTIFIED BY '…'` in MySQL); deleting claim {ns}/{} re-initialises the database with the new password and loses its data.",
                secret.name(),
                pvc.name()
            ),
        ),
        None => (
            72,
            format!(
                "the database refuses user {user}'s password, which the pod reads from Secret {ns}/{}: the Secret and the database's own password for {user} differ",
                secret.name()
            ),
            format!(
                "Make them agree: set the password the database has in Secret {ns}/{} (or the chart's `existingSecret`), or change the user's password in the database to the Secret's; a chart reinstalled without `existingSecret` generates a new random password the existing database does not know.",
                secret.name()
            ),
        ),
    };
    vec![
        Hypothesis::new(score, Loop::Identity, secret_ref, summary)
            .fix(fix)
            .link(seen),
    ]
}

/// PostgreSQL refuses a data directory others may read (`data directory
/// "…" has group or world access`, `Permissions should be u=rwx (0700)`):
/// a volume mounted with a pod `fsGroup` gets group permissions the kubelet
/// sets recursively on every start (bitnami/bitnami-docker-postgresql#91).
pub fn data_dir_mode<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _, line)) = crash_line(a, d, |l| {
        l.contains("data directory") && l.contains("has group or world access")
    }) else {
        return vec![];
    };
    let fs_group = pod
        .spec
        .as_ref()
        .and_then(|s| s.security_context.as_ref())
        .and_then(|c| c.fs_group);
    let workload = model::workload_ref(a.cluster, pod);
    let why = match fs_group {
        Some(g) => format!(
            "the pod sets `fsGroup: {g}`, so the kubelet gives the volume group read access on every mount"
        ),
        None => "the volume holding it gives its group or others access".to_owned(),
    };
    vec![Hypothesis::new(
        86,
        Loop::Storage,
        workload.clone(),
        format!("PostgreSQL in {workload} refuses to start: its data directory is readable by its group or others, and it requires 0700 (or 0750); {why}"),
    )
    .fix(format!("Make the data directory 0700 again before PostgreSQL starts: an init container that runs `chmod 700` on it (Bitnami charts: `volumePermissions.enabled: true`), or set `fsGroupChangePolicy: OnRootMismatch` / drop `fsGroup` from {workload}'s pod securityContext where the volume's owner is already right."))
    .link(
        Link::new(Loop::Compute, d.since, pod.objref(), "PostgreSQL refuses its data directory's permissions")
            .with_evidence([day2_model::redact::excerpt(&line, 200)]),
    )]
}

/// The crashing pod, its container, and the first line of what it left
/// (termination messages, events, logs) that `wanted` accepts.
fn crash_line<'c, 'd>(
    a: &Analysis<'c>,
    d: &'d Detected<'c>,
    wanted: impl Fn(&str) -> bool,
) -> Option<(&'c day2_model::Res<Pod>, &'d str, String)> {
    let pod = d.pod()?;
    let Detail::Crash { container, .. } = &d.detail else {
        return None;
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let line = texts
        .iter()
        .flat_map(|t| t.lines())
        .find(|l| wanted(l))?
        .to_owned();
    Some((pod, container.as_str(), line))
}

/// Redis refusing a client that sends no password: `NOAUTH Authentication
/// required.` (`-NOAUTH`). The server was given one (`requirepass`, a
/// chart's `auth.enabled`, the default of Bitnami's Redis chart) and the
/// client was not (oauth2-proxy/manifests#59).
pub fn redis_noauth<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, container, line)) =
        crash_line(a, d, |l| l.contains("NOAUTH Authentication required"))
    else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    // Where the server's password is: a Secret of the namespace with a
    // Redis password key.
    let secret = a
        .cluster
        .secrets
        .iter()
        .filter(|s| s.ns_or_default() == ns)
        .find_map(|s| {
            s.obj
                .keys
                .iter()
                .find(|k| k.name.contains("redis") && k.name.contains("pass"))
                .map(|k| format!(" (Secret {ns}/{}, key `{}`)", s.name(), k.name))
        })
        .unwrap_or_default();
    vec![
        Hypothesis::new(
            84,
            Loop::Compute,
            workload.clone(),
            format!(
                "container {container} of {workload} connects to Redis without a password, and the server requires one: `{}`",
                day2_model::redact::excerpt(line.trim(), 160)
            ),
        )
        .fix(format!(
            "Give {workload} the Redis password{secret}: the client's Redis password setting (oauth2-proxy: `--redis-password` or `OAUTH2_PROXY_REDIS_PASSWORD` from that Secret), or turn authentication off on the server (a chart's `auth.enabled: false`) where that is acceptable."
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::refused_user;

    #[test]
    fn the_refused_user_in_postgres_and_mysql_words() {
        assert_eq!(
            refused_user("FATAL: password authentication failed for user \"bn_keycloak\""),
            Some("bn_keycloak")
        );
        assert_eq!(
            refused_user(
                "ERROR 1045 (28000): Access denied for user 'app'@'10.0.0.7' (using password: YES)"
            ),
            Some("app")
        );
        assert_eq!(
            refused_user("Access denied for user 'app'@'10.0.0.7' (using password: NO)"),
            None
        );
    }
}
