//! A program that expects a file where a volume is mounted whole: a volume
//! (a Secret, a ConfigMap) mounted at a file's path without `subPath`
//! puts a directory there, and the program refuses it (`Cookie file
//! /var/lib/rabbitmq/.erlang.cookie is of type directory`: an override
//! mounting the cookie Secret over the file, rabbitmq/cluster-operator#1422;
//! `EISDIR`, `Is a directory` elsewhere).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

fn says_directory(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains("is of type directory") || l.contains("is a directory") || l.contains("eisdir")
}

/// `texts`: what container `container` of `pod` said as it stopped.
pub fn over_file(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    texts: &[String],
) -> Vec<Hypothesis> {
    let Some(c) = model::spec_container(pod, container) else {
        return vec![];
    };
    let Some((line, mount)) = texts.iter().flat_map(|t| t.lines()).find_map(|l| {
        if !says_directory(l) {
            return None;
        }
        c.volume_mounts.iter().flatten().find_map(|m| {
            let path = m.mount_path.trim_end_matches('/');
            let at = l.find(path)?;
            // The path itself, not a prefix of a longer one.
            let next = l[at + path.len()..].chars().next();
            (m.sub_path.as_deref().is_none_or(str::is_empty)
                && path.len() > 1
                && !next.is_some_and(|ch| {
                    ch.is_ascii_alphanumeric() || matches!(ch, '/' | '.' | '_' | '-')
                }))
            .then_some((l.trim(), m))
        })
    }) else {
        return vec![];
    };
    let owner = model::workload_ref(a.cluster, pod);
    let file = mount
        .mount_path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_owned();
    vec![
        Hypothesis::new(
            84,
            Loop::Compute,
            owner.clone(),
            format!(
                "container {container} expects a file at {}, where volume {} is mounted whole, which makes it a directory: {}",
                mount.mount_path,
                mount.name,
                day2_model::redact::excerpt(line, 200)
            ),
        )
        .fix(format!(
            "Mount only the file: in {} give the volume mount of {} at {} a `subPath` naming the key ({file}), or mount the volume at the directory and point the program at the file in it; where an operator builds the pod, change the override in its custom resource that adds this mount.",
            owner.display(),
            mount.name,
            mount.mount_path
        )),
    ]
}
