//! kube-scheduler's FailedScheduling / PodScheduled messages and
//! cluster-autoscaler's scale-up events, as day2-diagnose parses them.
#![no_main]

use day2_diagnose::messages::{autoscaler, scheduler, split_counted, strip_combined};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let msg = String::from_utf8_lossy(data);
    let _ = strip_combined(&msg);
    let _ = split_counted(&msg);
    if let Some(fit) = scheduler::parse_fit_error(&msg) {
        // What the diagnoses do with a parsed message.
        let _ = fit.count(|r| matches!(r, scheduler::Reason::Insufficient(_)));
        let _ = fit.has(|r| *r == scheduler::Reason::VolumeNodeAffinity);
        let _ = fit.prefilter_is("unbound");
        let _ = fit.histogram();
        for (_, r) in fit.reasons.iter().chain(&fit.preemption) {
            let _ = scheduler::Reason::classify(r);
        }
    }
    if let Some(ups) = autoscaler::parse_triggered(&msg) {
        for up in ups {
            let _ = up.group.len();
        }
    }
    if let Some(no) = autoscaler::parse_not_triggered(&msg) {
        let _ = no.limits();
    }
});
