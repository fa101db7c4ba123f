//! A process inside the container killed by SIGKILL while the container's
//! main process lives on to report it: a shell's or a supervisor's
//! `Killed` (bash prints it for a child that dies of signal 9; Vitess's
//! `Mysqld.Start(…) stderr: Killed`), and the container then exits with
//! its own code, not 137. Under a memory limit the kernel's OOM killer
//! picks the largest process of the container's cgroup, which is a child
//! when the main process is a wrapper, so the runtime never says
//! `OOMKilled` (vitessio/vitess#13118).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;
use day2_model::resources::{container_limit, format_amount};

/// A line that reports a child killed by SIGKILL: it ends in `Killed`
/// after a separator (`stderr: Killed`, `line 12:  4242 Killed  mysqld`),
/// or is that word alone.
fn reports_kill(text: &str) -> bool {
    text.lines().map(str::trim).any(|l| {
        l == "Killed"
            || l.strip_suffix("Killed").is_some_and(|head| {
                head.ends_with(": ") || head.ends_with("  ") || head.ends_with(':')
            })
            // bash's job report: `<pid> Killed <command>`.
            || l.split_once(" Killed ").is_some_and(|(head, _)| {
                head.split_whitespace()
                    .last()
                    .is_some_and(|w| w.parse::<u32>().is_ok())
            })
    })
}

pub fn killed_child<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    if !texts.iter().any(|t| reports_kill(t)) {
        return vec![];
    }
    let Some(limit) =
        model::spec_container(pod, container).and_then(|c| container_limit(c, "memory"))
    else {
        return vec![];
    };
    let workload = model::workload_ref(a.cluster, pod);
    let shown = format_amount("memory", limit);
    vec![
        Hypothesis::new(
            80,
            Loop::Compute,
            workload.clone(),
            format!(
                "a process in container {container} is killed by SIGKILL (its log says `Killed`) and the container then exits on its own: under its memory limit of {shown} the kernel's OOM killer kills the largest process of the container, a child of its main process, so the runtime reports an exit code, not OOMKilled"
            ),
        )
        .fix(format!(
            "Raise `resources.limits.memory` of container {container} in {workload} above {shown} (and its request with it) to what the program needs at start-up (a database's buffers and caches), or size the program down to the limit; `dmesg` or `journalctl -k` on the node shows `Memory cgroup out of memory: Killed process`."
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::reports_kill;

    #[test]
    fn a_killed_child_is_told_from_words_that_only_contain_killed() {
        assert!(reports_kill("Mysqld.Start(1683641048) stderr: Killed\n"));
        assert!(reports_kill(
            "/entrypoint.sh: line 12:  4242 Killed                  java -jar app.jar"
        ));
        assert!(reports_kill("Killed"));
        assert!(!reports_kill(
            "worker process 12 exited: all tasks Killed by the scheduler were retried"
        ));
        assert!(!reports_kill(
            "INFO shutting down: pod Killed by kubelet? no"
        ));
    }
}
