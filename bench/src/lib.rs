//! The benchmark's synthetic clusters.
#![forbid(unsafe_code)]

pub mod synth;
