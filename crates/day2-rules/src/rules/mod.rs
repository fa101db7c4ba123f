//! One module per rule, named `<code>_<name>`.

pub mod cp001_missing_requests;
pub mod id001_static_cloud_credentials;
pub mod nw001_missing_readiness_probe;
pub mod ob001_missing_golden_context;
pub mod st001_immediate_binding_zonal_storage;
