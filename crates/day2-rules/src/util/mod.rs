//! Helpers rules share: containers of a pod spec, resources and security
//! context as Kubernetes applies them, images and databases, workloads by
//! selector, and NetworkPolicy semantics.

pub use day2_context::index::{ServiceIndex, WorkloadIndex};

mod containers;
mod hpa;
mod images;
mod isolation;
mod netpol;
mod objects;
mod ports;
mod rbac;
mod scraping;
mod secrets;
mod services;
mod storage;

pub use containers::*;
pub use hpa::*;
pub use images::*;
pub use isolation::*;
pub use netpol::*;
pub use objects::*;
pub use ports::*;
pub use rbac::*;
pub use scraping::*;
pub use secrets::*;
pub use services::*;
pub use storage::*;
