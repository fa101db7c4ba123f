//! PostgreSQL refusing a data directory on a claim whose mode is not its
//! own: `data directory "…" has invalid permissions`, `Permissions should
//! be u=rwx (0700) or u=rwx,g=rx (0750)`. The volume's mode is the cause:
//! the kubelet's fsGroup ownership change makes a volume group-writable
//! (and setgid) on every mount, and file storage keeps its server's mode
//! (goharbor/harbor#15285: Harbor's database on a gp2 claim after a
//! restart).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// The directory of PostgreSQL's refusal.
fn refused_dir(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("data directory \"")?;
    let (dir, rest) = rest.split_once('"')?;
    rest.trim_start()
        .starts_with("has invalid permissions")
        .then_some(dir)
}

pub fn invalid_mode<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some(dir) = texts.iter().find_map(|t| refused_dir(t)) else {
        return vec![];
    };
    let Some((vol, pvc)) = super::follow::volume::claim_at(a, pod, container, dir) else {
        return vec![];
    };
    let fs_group = pod
        .spec
        .as_ref()
        .and_then(|s| s.security_context.as_ref())
        .and_then(|s| s.fs_group);
    let owner = model::workload_ref(a.cluster, pod);
    let why = match fs_group {
        Some(g) => format!(
            "the pod sets fsGroup {g}, so the kubelet gives the volume to group {g} with group write (and setgid) on every mount"
        ),
        None => "the volume's directory keeps the mode its storage gives it".to_owned(),
    };
    vec![
        Hypothesis::new(
            86,
            Loop::Storage,
            pvc.objref(),
            format!(
                "PostgreSQL in container {container} refuses its data directory {dir} on volume {vol} (claim {}/{}): its mode is not 0700 or 0750; {why}",
                pvc.ns_or_default(),
                pvc.name()
            ),
        )
        .fix(format!(
            "Give the data directory the mode PostgreSQL requires before it starts: an init container of {owner} running `chmod 0700 {dir}` as the data's owner (the chart's own permission init container, where it has one), and `fsGroupChangePolicy: OnRootMismatch` so the kubelet stops re-applying group permissions on every mount; or point PGDATA at a subdirectory the server creates itself."
        )),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_postgres_refusal() {
        assert_eq!(
            super::refused_dir(
                "2021-07-07 23:32:28.593 UTC [1] FATAL:  data directory \"/var/lib/postgresql/data/pgdata/pg13\" has invalid permissions"
            ),
            Some("/var/lib/postgresql/data/pgdata/pg13")
        );
        assert_eq!(
            super::refused_dir("FATAL:  data directory \"/data\" has wrong ownership"),
            None
        );
    }
}
