//! The benchmark's synthetic clusters.
#![forbid(unsafe_code)]

pub mod manifests;
pub mod synth;
