//! GET requests with a per-request timeout and retries with exponential backoff.
//!
//! This is the only place that talks to the API server, and it can only send
//! `GET`: day2 never writes to a cluster it reads.

use kube::Client;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Why a GET failed (after retries, when retrying made sense).
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    /// The server answered with an error status.
    Status {
        code: u16,
        reason: String,
        message: String,
        /// `metadata.continue` of a `410 Gone` (inconsistent continuation).
        continue_token: Option<String>,
    },
    /// No answer within the timeout.
    Timeout,
    /// Credentials could not be obtained (exec plugin, token file, …).
    Auth(String),
    /// Connection, TLS or protocol error.
    Transport(String),
}

impl Failure {
    pub(crate) fn code(&self) -> Option<u16> {
        match self {
            Failure::Status { code, .. } => Some(*code),
            _ => None,
        }
    }

    fn retryable(&self) -> bool {
        match self {
            Failure::Status { code, .. } => matches!(code, 429 | 500 | 502 | 503 | 504),
            Failure::Timeout | Failure::Transport(_) => true,
            Failure::Auth(_) => false,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status {
                code,
                reason,
                message,
                ..
            } => {
                let text = if message.is_empty() { reason } else { message };
                if text.is_empty() {
                    write!(f, "HTTP {code}")
                } else {
                    write!(f, "{text} ({code})")
                }
            }
            Failure::Timeout => f.write_str("no answer within the timeout"),
            Failure::Auth(m) => write!(f, "cannot obtain credentials: {m}"),
            Failure::Transport(m) => f.write_str(m),
        }
    }
}

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Delay before attempt `attempt + 1` (`attempt` ≥ 1): base·2^(attempt−1),
    /// capped, with up to 25 % jitter so parallel lists do not retry in step.
    fn delay(&self, attempt: u32, salt: u64) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.cap);
        let jitter = splitmix(salt) % 256;
        exp + exp.mul_f64(jitter as f64 / 1024.0)
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Sends GETs; counts them.
pub(crate) struct Fetcher {
    client: Client,
    timeout: Duration,
    retry: RetryPolicy,
    sent: AtomicU64,
}

impl Fetcher {
    pub(crate) fn new(client: Client, timeout: Duration, retry: RetryPolicy) -> Self {
        Fetcher {
            client,
            timeout,
            retry,
            sent: AtomicU64::new(0),
        }
    }

    /// Requests sent so far (retries included).
    pub(crate) fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// GET `path` (absolute path with query, relative to the server).
    pub(crate) async fn get(&self, path: &str) -> Result<String, Failure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let n = self.sent.fetch_add(1, Ordering::Relaxed);
            let request = http::Request::get(path)
                .header(http::header::ACCEPT, "application/json")
                .body(Vec::new())
                .map_err(|e| Failure::Transport(format!("bad request path {path}: {e}")))?;
            let outcome =
                tokio::time::timeout(self.timeout, self.client.request_text(request)).await;
            let (failure, retry_after) = match outcome {
                Ok(Ok(text)) => return Ok(text),
                Ok(Err(e)) => classify(e),
                Err(_) => (Failure::Timeout, None),
            };
            if !failure.retryable() || attempt >= self.retry.attempts {
                return Err(failure);
            }
            let delay = self.retry.delay(attempt, n);
            let delay = retry_after.map_or(delay, |ra| ra.clamp(delay, Duration::from_secs(30)));
            tokio::time::sleep(delay).await;
        }
    }
}

fn classify(e: kube::Error) -> (Failure, Option<Duration>) {
    match e {
        kube::Error::Api(s) => {
            let retry_after = s
                .details
                .as_ref()
                .map(|d| d.retry_after_seconds)
                .filter(|s| *s > 0)
                .map(|s| Duration::from_secs(u64::from(s)));
            let continue_token = s
                .metadata
                .as_ref()
                .and_then(|m| m.continue_.clone())
                .filter(|c| !c.is_empty());
            (
                Failure::Status {
                    code: s.code,
                    reason: s.reason,
                    message: s.message,
                    continue_token,
                },
                retry_after,
            )
        }
        kube::Error::Auth(a) => (Failure::Auth(chain(&a)), None),
        other => {
            if is_auth(&other) {
                (Failure::Auth(chain(&other)), None)
            } else if is_timeout(&other) {
                // The client's read timeout (the same --request-timeout)
                // fired before ours: the same failure, said the same way.
                (Failure::Timeout, None)
            } else {
                (Failure::Transport(chain(&other)), None)
            }
        }
    }
}

/// A timed-out read anywhere in the chain (hyper-timeout's `TimedOut`).
fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cur = err.source();
    }
    false
}

/// An error anywhere in the chain is a credentials error.
fn is_auth(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<kube::client::AuthError>().is_some() {
            return true;
        }
        if let Some(kube::Error::Auth(_)) = err.downcast_ref::<kube::Error>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The error and its sources, one line.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        // kube's wrappers name its own variants; the user needs the cause.
        let s = ["ServiceError: ", "HyperError: "]
            .iter()
            .fold(s.as_str(), |s, p| s.strip_prefix(p).unwrap_or(s))
            .to_owned();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// Percent-encode a query value (continue tokens are base64 with `=`, `+`, `/`).
pub(crate) fn encode_query(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        let d1 = p.delay(1, 7);
        let d2 = p.delay(2, 7);
        let d9 = p.delay(9, 7);
        assert!(d1 >= Duration::from_millis(250) && d1 < Duration::from_millis(320));
        assert!(d2 >= Duration::from_millis(500) && d2 < Duration::from_millis(640));
        assert!(d9 >= Duration::from_secs(8) && d9 <= Duration::from_secs(10));
    }

    #[test]
    fn continue_tokens_are_encoded() {
        assert_eq!(encode_query("eyJ2Ij0+/x=="), "eyJ2Ij0%2B%2Fx%3D%3D");
        assert_eq!(encode_query("abc-_.~"), "abc-_.~");
    }
}
