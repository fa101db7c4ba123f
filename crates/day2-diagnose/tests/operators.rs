//! An object only a custom resource's operator makes, missing because the
//! operator cannot work: a RedisFailover's Service while the operator's
//! ClusterRoleBinding names its account in another namespace
//! (spotahome/redis-operator#381), and an Azure Service Operator
//! resource's Secret while the operator's egress policy shuts it out of the
//! cluster DNS (Azure/azure-service-operator#3259). Each is read from the
//! held-out snapshot it came with, and a sibling edited from it must read
//! otherwise; and a configuration file a program refuses, read as the
//! ConfigMap it comes from (grafana/helm-charts#3856).

mod common;

use common::*;
use day2_model::Loop;

#[test]
fn an_operator_bound_in_another_namespace() {
    let text = heldout(161, "010");
    let pod = ("cart", "cart-api-5f7d8b9c44-2pvzm");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(d, Loop::Identity, "ClusterRoleBinding", "redisoperator");
    assert!(d.fix.contains("namespace: redis-operator"), "{}", d.fix);
    // The binding names the account the operator runs as: not this reading.
    let bound = edit(
        &text,
        "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"redisoperator\",\"namespace\":\"default\"}]",
        "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"redisoperator\",\"namespace\":\"redis-operator\"}]",
    );
    let out = diagnose(&load(&bound));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(
        d.root_cause.object.kind != "ClusterRoleBinding",
        "{}",
        summary(&out)
    );
    // A stale subject beside the right one: the operator is granted, and
    // the stale one is not the cause.
    let both = edit(
        &text,
        "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"redisoperator\",\"namespace\":\"default\"}]",
        "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"redisoperator\",\"namespace\":\"default\"},{\"kind\":\"ServiceAccount\",\"name\":\"redisoperator\",\"namespace\":\"redis-operator\"}]",
    );
    let out = diagnose(&load(&both));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(
        d.root_cause.object.kind != "ClusterRoleBinding",
        "{}",
        summary(&out)
    );
}

#[test]
fn an_operator_that_resolves_no_name() {
    let text = heldout(161, "004");
    let out = diagnose(&load(&text));
    let d = out
        .diagnoses
        .iter()
        .find(|d| d.symptom.object.namespace.as_deref() == Some("payments"))
        .unwrap_or_else(|| panic!("{}", summary(&out)));
    assert_root(
        d,
        Loop::Network,
        "NetworkPolicy",
        "azure-service-operator-allow-egress",
    );
    // The policy lets DNS out: the operator resolves, and its policy is
    // not the reading.
    let open = edit(
        &text,
        "\"ports\":[{\"port\":443,\"protocol\":\"TCP\"}",
        "\"ports\":[{\"port\":53,\"protocol\":\"UDP\"},{\"port\":53,\"protocol\":\"TCP\"},{\"port\":443,\"protocol\":\"TCP\"}",
    );
    let out = diagnose(&load(&open));
    assert!(
        !out.diagnoses
            .iter()
            .any(|d| d.root_cause.object.name == "azure-service-operator-allow-egress"),
        "{}",
        summary(&out)
    );
}

#[test]
fn a_configuration_file_refused_at_start_up() {
    // Loki 3 refuses structured metadata on a v12 schema; its file comes
    // from ConfigMap loki (grafana/helm-charts#3856).
    let text = heldout(158, "101");
    let pod = ("monitoring", "loki-backend-0");
    let out = diagnose(&load(&text));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert_root(d, Loop::Compute, "ConfigMap", "loki");
    assert!(d.fix.contains("allow_structured_metadata"), "{}", d.fix);
    // No argument names the file, and two ConfigMaps are mounted: which
    // one it refuses is not known.
    let unnamed = text.replace("\"-config.file=/etc/loki/config/config.yaml\",", "");
    assert_ne!(unnamed, text);
    let out = diagnose(&load(&unnamed));
    let d = about(&out, "CrashLoopBackOff", pod.0, pod.1);
    assert!(d.root_cause.object.kind != "ConfigMap", "{}", summary(&out));
}
