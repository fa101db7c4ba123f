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
        .or_else(|| hcloud_code(err))
}

/// Hetzner Cloud's error code, in parentheses after its message: `Volume
/// assigning failed. Power off and back on the server id: 5057161 and try
/// again. (user_action_required)` (hetznercloud/csi-driver#118).
fn hcloud_code(err: &str) -> Option<String> {
    let inner = err.trim_end().strip_suffix(')')?.rsplit_once('(')?.1;
    (inner.contains('_') && inner.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .then(|| inner.to_owned())
}

/// A cloud API that failed on its side or limited the caller's rate, by
/// the HTTP status its SDKs quote: `POST https://api.digitalocean.com/…:
/// 500 Server was unable to give you a response`, `… 429 Too many
/// requests` (digitalocean/csi-digitalocean#81), Azure's `HTTPStatusCode:
/// 503`, GCE's `googleapi: Error 503`. The status as `HTTP 503`.
pub fn api_failed(err: &str) -> Option<String> {
    let status = |rest: &str| -> Option<u16> {
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let code: u16 = digits.parse().ok()?;
        (digits.len() == 3 && (code == 429 || (500..=599).contains(&code))).then_some(code)
    };
    let quoted = [
        "HTTPStatusCode:",
        "googleapi: Error ",
        "status code: ",
        "StatusCode=",
    ]
    .iter()
    .find_map(|p| err.split(p).skip(1).find_map(status));
    // A URL, then `: 500 `: the status line the SDK quotes.
    let after_url = || {
        err.split("https://").skip(1).find_map(|rest| {
            let (_, tail) = rest.split_once(": ")?;
            let code = status(tail)?;
            tail.get(3..4).filter(|c| *c == " ").map(|_| code)
        })
    };
    let code = quoted.or_else(after_url)?;
    Some(if code == 429 {
        "HTTP 429, the API's rate limit".to_owned()
    } else {
        format!("HTTP {code}, an error on the API's side")
    })
}

#[cfg(test)]
mod tests {
    use super::api_failed;

    #[test]
    fn cloud_api_failures_by_status() {
        let down = "rpc error: code = Internal desc = POST https://api.digitalocean.com/v2/volumes/b9e8/actions: 500 Server was unable to give you a response.";
        assert_eq!(
            api_failed(down).as_deref(),
            Some("HTTP 500, an error on the API's side")
        );
        let limited = "GET https://api.digitalocean.com/v2/volumes?name=pvc-1&region=nyc1: 429 Too many requests";
        assert_eq!(
            api_failed(limited).as_deref(),
            Some("HTTP 429, the API's rate limit")
        );
        // Refusals of the caller are not the API failing.
        assert_eq!(
            api_failed(
                "GET https://api.digitalocean.com/v2/volumes: 401 Unable to authenticate you"
            ),
            None
        );
        assert_eq!(
            api_failed("Retriable: false, RetryAfter: 0s, HTTPStatusCode: 403, RawError: x"),
            None
        );
        assert_eq!(api_failed("rpc error: code = Internal desc = failed"), None);
    }

    #[test]
    fn hetzner_codes_in_parentheses() {
        let err = "rpc error: code = Internal desc = failed to publish volume: Volume assigning failed. Power off and back on the server id: 5057161 and try again. (user_action_required)";
        assert_eq!(
            super::cloud_code(err).as_deref(),
            Some("user_action_required")
        );
        assert_eq!(super::cloud_code("mount failed (exit status 32)"), None);
    }
}
