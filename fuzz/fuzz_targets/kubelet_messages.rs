//! The kubelet's event messages (probe failures, image pulls) and the
//! attach/detach and mount messages of volumes, as day2-diagnose parses them.
#![no_main]

use day2_diagnose::messages::{image, probe, quoted_after, volume};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let msg = String::from_utf8_lossy(data);
    if let Some(p) = probe::parse_unhealthy(&msg) {
        let _ = p.kind.as_str();
        let _ = probe::outcome(&p.output);
    }
    let _ = probe::outcome(&msg);
    let _ = image::classify(&msg).describe();
    if let Some(img) = image::image_of(&msg) {
        let host = image::registry_of(img);
        let _ = image::registry_kind(host);
        let _ = image::ecr_region(host);
    }
    let _ = image::pull_error(&msg);
    let _ = image::registry_kind(&msg);
    let _ = image::ecr_region(&msg);
    let _ = volume::parse_multi_attach(&msg);
    let _ = volume::parse_operation_error(&msg);
    let _ = volume::parse_mount_wait(&msg);
    let _ = volume::classify_error(&msg);
    let _ = quoted_after(&msg, "volume ");
});
