//! A meshed client whose connections to a Service fail because of what its
//! mesh does with the Service's port: Istio's MySQL filter on a port named
//! `mysql-…` (istio/istio#10062), Linkerd's protocol detection on a Redis
//! port that is not opaque (linkerd/linkerd2#5344). Each is read from the
//! held-out snapshot it came with, and a sibling edited from it must read
//! otherwise.

mod common;

use common::*;
use day2_model::Loop;

const ISTIO_POD: (&str, &str) = ("billing", "ledger-api-7f95c6d8b9-hx4zd");

#[test]
fn istio_parsing_a_port_named_for_mysql() {
    let text = heldout(151, "003");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", ISTIO_POD.0, ISTIO_POD.1);
    assert_root(d, Loop::Network, "Service", "ledger-db");
    assert!(d.fix.contains("tcp-33061"), "{}", d.fix);
    // The port declared as plain TCP: the sidecar does not parse it.
    let tcp = edit(&text, "\"name\":\"mysql-33061\"", "\"name\":\"tcp-33061\"");
    let out = diagnose(&load(&tcp));
    let d = about(&out, "CrashLoopBackOff", ISTIO_POD.0, ISTIO_POD.1);
    assert_ne!(d.root_cause.object.name, "ledger-db", "{}", summary(&out));
    // Istio 1.5 keeps its MySQL filter off unless asked: not the cause.
    let newer = edit(&text, "proxyv2:1.1.5", "proxyv2:1.5.0");
    let out = diagnose(&load(&newer));
    let d = about(&out, "CrashLoopBackOff", ISTIO_POD.0, ISTIO_POD.1);
    assert_ne!(d.root_cause.object.name, "ledger-db", "{}", summary(&out));
}

const LINKERD_POD: (&str, &str) = ("shop", "cart-api-84c7b9f6d5-d9w2k");
const REDIS_SERVICE: &str =
    "\"kind\":\"Service\",\"metadata\":{\"name\":\"redis-master\",\"namespace\":\"shop\",";

#[test]
fn linkerd_detecting_the_protocol_of_a_redis_port() {
    let text = heldout(153, "003");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", LINKERD_POD.0, LINKERD_POD.1);
    assert_root(d, Loop::Network, "Service", "redis-master");
    assert!(d.fix.contains("opaque-ports=6379"), "{}", d.fix);
    // The Service's port already opaque: Linkerd leaves it alone.
    let opaque = edit(
        &text,
        REDIS_SERVICE,
        &format!(
            "{}\"annotations\":{{\"config.linkerd.io/opaque-ports\":\"6379\"}},",
            REDIS_SERVICE
        ),
    );
    let out = diagnose(&load(&opaque));
    let d = about(&out, "CrashLoopBackOff", LINKERD_POD.0, LINKERD_POD.1);
    assert_ne!(
        d.root_cause.object.name,
        "redis-master",
        "{}",
        summary(&out)
    );
    // The clients skip the port in their proxy-init rules.
    let skipped = edit(
        &text,
        "\"--outbound-ports-to-ignore\",\"443\"",
        "\"--outbound-ports-to-ignore\",\"443,6379\"",
    );
    let out = diagnose(&load(&skipped));
    let d = about(&out, "CrashLoopBackOff", LINKERD_POD.0, LINKERD_POD.1);
    assert_ne!(
        d.root_cause.object.name,
        "redis-master",
        "{}",
        summary(&out)
    );
    // Linkerd 2.10 makes Redis's port opaque by default.
    let newer = edit(&text, "proxy:stable-2.9.0", "proxy:stable-2.10.0");
    let out = diagnose(&load(&newer));
    let d = about(&out, "CrashLoopBackOff", LINKERD_POD.0, LINKERD_POD.1);
    assert_ne!(
        d.root_cause.object.name,
        "redis-master",
        "{}",
        summary(&out)
    );
}
