//! JSON sources: `kubectl get -o json` lists, streams of objects, typed lists.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::load("fuzz.json", data);
});
