//! day2's analysis context: what the rules and the diagnosis both read.
//!
//! A [`Context`] holds the [`day2_model::Cluster`], the `.day2.yaml`
//! [`Config`] and the cloud, and builds the workload list and the
//! workload and Service indexes ([`index`]) once, on first use. It sits
//! between `day2-model` (its only day2 dependency) and the analyses
//! (`day2-rules`, `day2-diagnose`), so neither depends on the other for it.
#![forbid(unsafe_code)]

pub mod config;
mod context;
pub mod index;

pub use config::{Config, ConfigError, KubeVersion};
pub use context::Context;
