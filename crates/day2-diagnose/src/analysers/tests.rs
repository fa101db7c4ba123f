//! The analyser table's own checks.

use super::*;

#[test]
fn every_symptom_kind_has_an_analyser_and_a_contract_name() {
    for k in Kind::ALL {
        assert!(
            ANALYSERS.iter().any(|a| a.kinds.contains(&k)),
            "no analyser for {}",
            k.as_str()
        );
    }
    // The kinds DESIGN.md promises.
    for name in [
        "PodPending",
        "ImagePullBackOff",
        "CrashLoopBackOff",
        "OOMKilled",
        "PvcPending",
        "VolumeNodeAffinityConflict",
        "MultiAttach",
        "StatefulSetRolloutStuck",
        "ServiceWithoutReadyEndpoints",
        "IngressBackendMissing",
    ] {
        assert!(Kind::ALL.iter().any(|k| k.as_str() == name), "{name}");
    }
}
