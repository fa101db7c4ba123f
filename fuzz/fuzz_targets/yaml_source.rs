//! YAML manifests: document splitting, the YAML parser, positions, decoding.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::load("fuzz.yaml", data);
});
