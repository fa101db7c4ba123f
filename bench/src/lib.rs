//! The benchmark's synthetic clusters.
//!
//! Depends on `day2-model` and `day2-sources`.
#![forbid(unsafe_code)]

pub mod manifests;
pub mod synth;
