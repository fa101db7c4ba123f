//! The conditions of an object the model has no type for.

use super::DynObject;

impl DynObject {
    /// The entries of `status.conditions`, as most controllers write them
    /// (`type`, `status`, `reason`, `message`).
    pub fn conditions(&self) -> impl Iterator<Item = &serde_json::Value> {
        self.data
            .get("status")
            .and_then(|s| s.get("conditions"))
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
    }
}
