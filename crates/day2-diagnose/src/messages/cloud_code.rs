//! Error codes as the cloud SDKs quote them in the errors the cluster's
//! controllers pass on.

/// The error code a cloud API returned, as its SDKs quote it: Azure's
/// `Code="AttachDiskWhileBeingDetached"`, AWS's `api error
/// VolumeInUse:`/`(IncorrectState)`, GCE's `"reason": "resourceInUseByAnotherResource"`.
pub fn cloud_code(err: &str) -> Option<String> {
    let word = |rest: &str| -> Option<String> {
        let w: String = rest
            .trim_start_matches(['"', ' '])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        (w.len() > 3 && w.chars().any(|c| c.is_ascii_alphabetic())).then_some(w)
    };
    // `StatusCode=409` precedes Azure's `Code="…"`: the first word-like code.
    if let Some(w) = err.split("Code=").skip(1).find_map(word) {
        return Some(w);
    }
    if let Some((_, rest)) = err.split_once("api error ") {
        return word(rest);
    }
    err.split_once("\"reason\":")
        .and_then(|(_, rest)| word(rest))
}
