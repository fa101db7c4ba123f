//! What a container reaches outside the cluster, as its spec says: the
//! endpoints, buckets and URLs a failure with no message may be about.

use crate::evidence::Hypothesis;
use crate::model;
use day2_model::{Loop, Res};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Container;

/// A Job's container exits non-zero with no message, and its spec reaches
/// outside the cluster: a constant exit code is as likely theirs (a bucket
/// or endpoint gone or refusing) as the Job's, and nothing in the cluster
/// says which. `None` when it reaches nothing outside, or when its own
/// command fails whatever it meets (`exit 1`).
pub fn job_exit(
    job: &Res<Job>,
    container: &str,
    code: i32,
    why: Option<&str>,
    attempts: usize,
) -> Option<Hypothesis> {
    let c = template_container(job, container)?;
    let outside = reaches(c);
    if outside.is_empty() || fails_by_itself(c) {
        return None;
    }
    let ns = job.ns_or_default();
    let places = outside.join(", ");
    Some(
        Hypothesis::new(
            35,
            Loop::Compute,
            job.objref(),
            format!(
                "container {container} of Job {} exits with code {code} ({}) on {attempts} attempt(s) and leaves no message; it reaches outside the cluster ({places}), and nothing in the cluster says whether they or the Job are at fault",
                job.name(),
                why.unwrap_or("Error"),
            ),
        )
        .fix(format!(
            "Read the failed pod's log (`kubectl logs -n {ns} job/{} -c {container}`), and check what it reaches outside the cluster: that {places} exist and accept the Job's credentials. Set terminationMessagePolicy: FallbackToLogsOnError so the reason stays in the pod's status.",
            job.name(),
        ))
        .missing("the failed container's log, and the state of what it reaches outside the cluster")
        .unexplained(),
    )
}

/// A container of the Job's pod template.
pub fn template_container<'j>(job: &'j Res<Job>, name: &str) -> Option<&'j Container> {
    job.spec
        .as_ref()?
        .template
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == name)
}

/// The container's own command fails whatever it meets (`exit 1`, `false`).
fn fails_by_itself(c: &Container) -> bool {
    model::command_line(c).any(|a| {
        let a = a.trim();
        a == "false"
            || a.strip_prefix("exit ")
                .is_some_and(|n| n.trim().parse::<i32>().is_ok_and(|n| n != 0))
    })
}

/// Env variables whose name says they point somewhere.
const POINTERS: &[&str] = &[
    "BUCKET", "ENDPOINT", "_URL", "_URI", "_HOST", "REGION", "_DSN",
];

/// The container's literal env values that name a place outside the
/// cluster (`BUCKET_NAME=backups`, `ENDPOINT=s3.eu-central-1.amazonaws.com`),
/// and the URLs in its command line (`s3://$BUCKET_NAME/…`). In-cluster
/// names (`*.svc`, `*.cluster.local`, a single-label Service name) are left
/// to the dependency analysers. At most six, in spec order.
pub fn reaches(c: &Container) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in c.env.iter().flatten() {
        let Some(v) = e.value.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        let name = e.name.to_ascii_uppercase();
        let named = POINTERS.iter().any(|p| name.contains(p));
        // A bucket or a region is a name, not a host; anything else that
        // points somewhere is judged by its host.
        let plain_name = name.contains("BUCKET") || name.contains("REGION");
        if (named || v.contains("://")) && (plain_name || !in_cluster(v)) {
            out.push(day2_model::redact::redact(&format!("{}={v}", e.name)).into_owned());
        }
    }
    for arg in model::command_line(c) {
        for word in arg.split_whitespace() {
            let word = word.trim_matches(|ch| matches!(ch, '"' | '\'' | ',' | ';'));
            if let Some((scheme, rest)) = word.split_once("://")
                && !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '+')
                && !rest.is_empty()
                // An object store's URL names a bucket, not a host.
                && (matches!(scheme, "s3" | "gs" | "gcs" | "az" | "abfs" | "abfss" | "wasb" | "wasbs" | "swift")
                    || !in_cluster(rest))
                && !out.iter().any(|o| o == word)
            {
                out.push(day2_model::redact::redact(word).into_owned());
            }
        }
    }
    out.truncate(6);
    out
}

/// A host that resolves inside the cluster: a Service's name (one label,
/// or `.svc` and `.cluster.local` forms) or the loopback.
fn in_cluster(v: &str) -> bool {
    let host = v.split("://").last().unwrap_or(v);
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(['/', ':', '?']).next().unwrap_or(host);
    (!host.contains('.') && !host.is_empty())
        || host.ends_with(".svc")
        || host.contains(".svc.")
        || host.ends_with(".cluster.local")
        || host == "localhost"
        || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::reaches;
    use k8s_openapi::api::core::v1::Container;

    #[test]
    fn buckets_endpoints_and_urls_but_not_cluster_services() {
        let c: Container = serde_json::from_value(serde_json::json!({
            "name": "store",
            "command": ["/bin/sh", "-c", "s3cmd put /backup/snapshot.db s3://$BUCKET_NAME/$CLUSTER"],
            "env": [
                {"name": "BUCKET_NAME", "value": "kkp-qa-etcd-backups"},
                {"name": "ENDPOINT", "value": "s3.eu-central-1.amazonaws.com"},
                {"name": "DB_HOST", "value": "postgres.shop.svc.cluster.local"},
                {"name": "SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "s3", "key": "k"}}},
                {"name": "LOG_LEVEL", "value": "debug"},
                {"name": "CACHE_HOST", "value": "redis"},
                {"name": "REPORT_URL", "value": "https://bob:hunter2@reports.example.com/up"}
            ]
        }))
        .unwrap_or_default();
        assert_eq!(
            reaches(&c),
            [
                "BUCKET_NAME=kkp-qa-etcd-backups",
                "ENDPOINT=s3.eu-central-1.amazonaws.com",
                "REPORT_URL=https://bob:[redacted]@reports.example.com/up",
                "s3://$BUCKET_NAME/$CLUSTER"
            ]
        );
    }
}
