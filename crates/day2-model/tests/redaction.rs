//! Redaction against adversarial joins: credential fragments, markers and
//! separators run into each other with no space between. Whatever goes in,
//! one call leaves nothing a second call would find.

use day2_model::redact::{MARKER, redact};
use proptest::prelude::*;

/// Pieces of credentials and of the text around them, chosen so that a
/// replacement in one place can make a boundary for a token in the next.
const FRAGMENTS: &[&str] = &[
    "AKIA",
    "ASIA",
    "IOSFODNN7EXAMPLE",
    "QQQQQQQQ",
    "eyJ",
    "eyJhbGciOiJIUzI1NiJ9",
    ".",
    "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
    "ghp_",
    "xoxb-",
    "glpat-",
    "AIza",
    "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY",
    "MII",
    "password",
    "token",
    "=",
    ": ",
    "\"",
    "Bearer ",
    "Authorization: ",
    "https://",
    "user:",
    "@",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "[redacted]",
    " ",
    "\n",
    "0",
];

fn joined() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 1..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8192, ..ProptestConfig::default() })]

    #[test]
    fn one_call_reaches_the_end(text in joined()) {
        let once = redact(&text);
        prop_assert_eq!(redact(&once), once.clone(), "{:?}", text);
    }

    /// A planted access key never survives, whatever it is joined to.
    #[test]
    fn an_access_key_never_survives(before in joined(), after in joined()) {
        let text = format!("{before} AKIAIOSFODNN7CANARY1 {after}");
        let out = redact(&text);
        prop_assert!(!out.contains("IOSFODNN7CANARY1"), "{:?} -> {:?}", text, out);
    }
}

#[test]
fn the_marker_is_what_redaction_writes() {
    assert_eq!(redact("password=hunter2"), format!("password={MARKER}"));
}
