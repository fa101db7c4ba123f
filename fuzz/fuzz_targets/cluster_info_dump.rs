//! `kubectl cluster-info dump`: the stdout form (JSON lists with pod logs
//! framed by `==== START logs for container … ====` lines between them), and
//! the folder form, whose `<ns>/<pod>/logs.txt` files are read as pod logs.
#![no_main]

#[path = "common.rs"]
mod common;

use day2_sources::{Input, load_snapshot};
use std::path::PathBuf;
use std::sync::OnceLock;

/// One folder for the whole run (created once; files are overwritten).
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("day2-fuzz-dump-{}", std::process::id()));
        let _ = std::fs::create_dir_all(d.join("shop/web-1"));
        d
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        common::load("dump.txt", rest);
        return;
    }
    // Folder form: the same bytes as a pod's logs and as a namespace's pods.
    let d = dir();
    if std::fs::write(d.join("shop/web-1/logs.txt"), rest).is_err()
        || std::fs::write(d.join("shop/pods.json"), rest).is_err()
    {
        return;
    }
    if let Ok(c) = load_snapshot(&[Input::Path(d.clone())], &common::options()) {
        for log in &c.logs {
            assert!(!log.pod.is_empty(), "a pod log without its pod");
        }
    }
});
