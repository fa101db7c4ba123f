//! day2 snapshots, plain and gzip-compressed. The first byte picks the form:
//! even, the rest as it is (a corrupt gzip stream included); odd, the rest
//! compressed first, so the JSON inside a valid gzip stream is fuzzed too.
#![no_main]

#[path = "common.rs"]
mod common;

use std::io::Write;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        common::load("snapshot.json.gz", rest);
    } else {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        if gz.write_all(rest).is_err() {
            return;
        }
        if let Ok(bytes) = gz.finish() {
            common::load("snapshot.json.gz", &bytes);
        }
    }
});
