//! One module per filter plugin (or family of plugins).

pub mod fit;
pub mod interpod;
pub mod node;
pub mod ports;
pub mod spread;
pub mod volumes;
