//! Requests a component makes that their target refuses or cannot serve: a
//! cloud API that refuses a load balancer's request as invalid
//! (digitalocean/digitalocean-cloud-controller-manager#158: `422 … health
//! check only supports TCP and HTTP` for a TLS-passthrough Service), and a
//! metrics adapter whose URL names a Service that does not exist
//! (kubernetes-sigs/prometheus-adapter#337). Each is read from the held-out
//! snapshot it came with, and a sibling edited from it must read otherwise.

mod common;

use common::*;
use day2_model::Loop;

#[test]
fn a_load_balancer_request_the_cloud_finds_invalid() {
    let text = heldout(160, "002");
    let svc = ("bst2-prod", "ambassador");
    let out = diagnose(&load(&text));
    let d = about(&out, "LoadBalancerPending", svc.0, svc.1);
    assert_root(d, Loop::Network, "Service", "ambassador");
    assert!(!d.unexplained, "{d:?}");
    assert!(d.fix.contains("healthcheck-protocol: tcp"), "{}", d.fix);
    // The account's limit, not the request: not this reading.
    let limit = edit(
        &text,
        "health check only supports TCP and HTTP",
        "load balancer limit exceeded for this account",
    );
    let out = diagnose(&load(&limit));
    let d = about(&out, "LoadBalancerPending", svc.0, svc.1);
    assert!(!d.fix.contains("healthcheck-protocol"), "{}", summary(&out));
}

#[test]
fn a_metrics_adapter_pointed_at_a_service_that_does_not_exist() {
    // prometheus-adapter's default `--prometheus-url` names `prometheus`,
    // and the chart's Service is `prometheus-server`
    // (kubernetes-sigs/prometheus-adapter#337).
    let text = heldout(159, "001");
    let hpa = ("default", "checkout-api");
    let out = diagnose(&load(&text));
    let d = about(&out, "HpaLimited", hpa.0, hpa.1);
    assert_root(d, Loop::Network, "Deployment", "adapter-prometheus-adapter");
    assert!(
        d.fix
            .contains("--prometheus-url=http://prometheus-server.default.svc:9090"),
        "{}",
        d.fix
    );
    // The URL names the Service that exists: not this reading.
    let right = edit(
        &text,
        "\"--prometheus-url=http://prometheus.default.svc:9090\"",
        "\"--prometheus-url=http://prometheus-server.default.svc:9090\"",
    );
    let out = diagnose(&load(&right));
    let d = about(&out, "HpaLimited", hpa.0, hpa.1);
    assert!(!d.fix.contains("--prometheus-url"), "{}", summary(&out));
}
