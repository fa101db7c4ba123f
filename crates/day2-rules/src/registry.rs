//! The rule catalogue.

use crate::rules::*;
use crate::{Rule, RuleMeta};
use day2_model::Loop;
use day2_model::report::RuleInfo;

static ALL: &[&dyn Rule] = &[
    // identity
    &id001_static_cloud_credentials::StaticCloudCredentials,
    &id002_cloud_api_without_workload_identity::CloudApiWithoutWorkloadIdentity,
    &id003_cloud_credentials_in_plain_text::CloudCredentialsInPlainText,
    &id004_cloud_credentials_in_pod::CloudCredentialsInPod,
    &id005_cluster_admin_binding::ClusterAdminBinding,
    &id006_wildcard_rbac::WildcardRbac,
    &id007_automounted_token_not_needed::AutomountedTokenNotNeeded,
    &id008_missing_image_pull_secret::MissingImagePullSecret,
    &id009_private_registry_without_pull_identity::PrivateRegistryWithoutPullIdentity,
    &id010_default_service_account_permissions::DefaultServiceAccountPermissions,
    &id011_privileged_container::PrivilegedContainer,
    &id012_privilege_escalation_allowed::PrivilegeEscalationAllowed,
    &id013_run_as_root::RunAsRoot,
    &id014_host_namespaces::HostNamespaces,
    &id015_dangerous_capabilities::DangerousCapabilities,
    &id016_host_path_mount::HostPathMount,
    &id017_service_account_missing::ServiceAccountMissing,
    &id018_plain_text_secret::PlainTextSecret,
    // compute
    &cp001_missing_resource_requests::MissingRequests,
    &cp002_missing_memory_limit::MissingMemoryLimit,
    &cp003_limit_below_request::LimitBelowRequest,
    &cp004_request_exceeds_node_capacity::RequestExceedsNodeCapacity,
    &cp005_missing_pod_disruption_budget::MissingPodDisruptionBudget,
    &cp006_pdb_blocks_eviction::PdbBlocksEviction,
    &cp007_missing_priority_class::MissingPriorityClass,
    &cp008_hpa_resource_not_requested::HpaResourceNotRequested,
    &cp009_best_effort_pod::BestEffortPod,
    &cp010_pdb_selects_nothing::PdbSelectsNothing,
    &cp011_mutable_image_tag::MutableImageTag,
    &cp012_writable_root_filesystem::WritableRootFilesystem,
    &cp013_missing_seccomp_profile::MissingSeccompProfile,
    &cp014_host_port::HostPort,
    &cp015_hpa_target_mismatch::HpaTargetMismatch,
    &cp016_removed_api_version::RemovedApiVersion,
    // network
    &nw001_missing_readiness_probe::MissingReadinessProbe,
    &nw002_readiness_same_as_liveness::ReadinessSameAsLiveness,
    &nw003_probe_port_not_exposed::ProbePortNotExposed,
    &nw004_namespace_without_default_deny::NamespaceWithoutDefaultDeny,
    &nw005_pod_without_network_policy::PodWithoutNetworkPolicy,
    &nw006_database_reachable_from_all_pods::DatabaseReachableFromAllPods,
    &nw007_service_selects_no_pods::ServiceSelectsNoPods,
    &nw008_service_target_port_not_exposed::ServiceTargetPortNotExposed,
    &nw009_ingress_timeout_defaults::IngressTimeoutDefaults,
    &nw010_ingress_backend_missing::IngressBackendMissing,
    &nw011_traffic_policy_mismatch::TrafficPolicyMismatch,
    &nw012_missing_liveness_probe::MissingLivenessProbe,
    &nw013_ingress_without_tls::IngressWithoutTls,
    &nw014_probe_port_protocol_mismatch::ProbePortProtocolMismatch,
    &nw015_policy_peer_selects_no_namespace::PolicyPeerSelectsNoNamespace,
    // storage
    &st001_immediate_binding_zonal_storage::ImmediateBindingZonalStorage,
    &st002_database_in_deployment::DatabaseInDeployment,
    &st003_shared_read_write_once_claim::SharedReadWriteOnceClaim,
    &st004_stateful_without_zone_spread::StatefulWithoutZoneSpread,
    &st005_database_volume_deleted_with_claim::DatabaseVolumeDeletedWithClaim,
    &st006_multiple_default_storage_classes::MultipleDefaultStorageClasses,
    &st007_storage_class_missing::StorageClassMissing,
    &st008_statefulset_service_missing::StatefulsetServiceMissing,
    // observability
    &ob001_missing_golden_log_context::MissingGoldenContext,
    &ob002_service_without_red_metrics::ServiceWithoutRedMetrics,
    &ob003_cluster_without_use_metrics::ClusterWithoutUseMetrics,
    &ob004_dangling_monitor::DanglingMonitor,
];

/// Every rule, in catalogue order.
pub fn all() -> &'static [&'static dyn Rule] {
    ALL
}

/// A rule by code (case-insensitive) or name.
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code) || r.meta().name == code)
}

/// The peer tools compared in the catalogue, as named at the start of a
/// `RuleMeta::peers` entry.
pub const PEERS: [&str; 5] = [
    "kube-score",
    "KubeLinter",
    "Polaris",
    "Checkov",
    "Kubescape",
];

/// Peer checks day2 does not implement, by loop, and why.
const PEER_ONLY: &[(&str, &str, &str)] = &[
    (
        "identity",
        "KubeLinter access-to-create-pods, access-to-secrets; Polaris clusterrolePodExecAttach, rolePodExecAttach and the matching binding checks; Checkov CKV_K8S_155–158, CKV2_K8S_1–5; Kubescape C-0002, C-0007, C-0015, C-0063, C-0065, C-0186, C-0188, C-0191, C-0278–C-0282",
        "Not yet: fine-grained RBAC capabilities (exec/attach, reading Secrets, escalate/bind/impersonate, creating pods). day2 audits cluster-admin grants (ID005), wildcards (ID006) and the default ServiceAccount (ID010). A gap.",
    ),
    (
        "identity",
        "KubeLinter read-secret-from-env-var; Checkov CKV_K8S_35",
        "Not implemented: consuming a Secret as env (`secretKeyRef`) rather than as a file is a style choice; literal secrets are reported (ID003 cloud keys, ID018 passwords, tokens and private keys).",
    ),
    (
        "identity",
        "KubeLinter deprecated-service-account-field; Kubescape C-0294",
        "Not implemented: the deprecated `serviceAccount` field still works (day2 reads it as Kubernetes does).",
    ),
    (
        "compute",
        "kube-score container-resources (CPU limit part); Polaris cpuLimitsMissing; Checkov CKV_K8S_11; Kubescape C-0050, C-0270; kube-score container-cpu-requests-equal-limits, container-memory-requests-equal-limits (optional)",
        "Deliberately not required: CPU is throttled, not killed, and CPU limits cause throttling at low utilisation; the method's budget is the request (CP001) plus a memory limit (CP002).",
    ),
    (
        "compute",
        "kube-score deployment-replicas, horizontalpodautoscaler-replicas; KubeLinter minimum-three-replicas, hpa-minimum-three-replicas; Polaris deploymentMissingReplicas, hpaMinAvailability, hpaMaxAvailability",
        "Not implemented: replica counts are an availability policy, not a law of the loops; disruption safety is judged by CP005/CP006.",
    ),
    (
        "compute",
        "kube-score container-ephemeral-storage-request-and-limit, deployment-strategy, cronjob-has-deadline, cronjob-restartpolicy; KubeLinter no-rolling-update-strategy, job-ttl-seconds-after-finished, restart-policy, pdb-unhealthy-pod-eviction-policy; Kubescape C-0073, C-0305",
        "Not implemented (ephemeral storage, batch hygiene, naked pods, unhealthy-pod eviction policy). `pdb-unhealthy-pod-eviction-policy` is a gap worth adding next to CP006.",
    ),
    (
        "compute",
        "kube-score *-pod-selector-labels-match-template-metadata-labels; KubeLinter mismatching-selector; Kubescape C-0296",
        "Not implemented: the API server rejects such controllers.",
    ),
    (
        "network",
        "KubeLinter dangling-networkpolicy, dangling-networkpolicypeer-podselector; Kubescape C-0299",
        "Not yet: policies that select nothing. A gap (NW004–NW006 judge what the policies do for the workloads that exist).",
    ),
    (
        "network",
        "Checkov CKV_K8S_152–154; Kubescape C-0059, C-0292",
        "Not implemented: ingress-nginx snippet annotations (CVE-2021-25742) and end-of-life controller versions. A gap.",
    ),
    (
        "network",
        "kube-score service-type; KubeLinter exposed-services, dnsconfig-options, ssh-port, privileged-ports; Kubescape C-0302",
        "Not implemented: Service types and ports are policy choices; Gateway API routes are not modelled yet.",
    ),
    (
        "storage",
        "kube-score deployment-has-host-podantiaffinity, statefulset-has-host-podantiaffinity; KubeLinter no-anti-affinity, no-node-affinity; Kubescape C-0257",
        "Not implemented: host anti-affinity is an availability preference; day2 checks what storage needs, the zone spread of stateful workloads (ST004).",
    ),
    (
        "observability",
        "KubeLinter required-annotation-email, required-label-owner; Polaris metadataAndInstanceMismatched; Kubescape C-0076, C-0077",
        "Not implemented: ownership labels are organisational conventions, not telemetry.",
    ),
    (
        "hardening",
        "kube-score container-security-context-user-group-id; Checkov CKV_K8S_29, CKV_K8S_30, CKV_K8S_40; KubeLinter unsafe-sysctls, unsafe-proc-mount; Polaris procMount, hostProcess, linuxHardening (AppArmor/SELinux part); Checkov PodSecurityPolicy checks",
        "Not implemented: high UIDs, sysctls, procMount, AppArmor/SELinux profiles, Windows host-process pods; PodSecurityPolicy was removed in Kubernetes 1.25.",
    ),
    (
        "other",
        "kube-score container-image-pull-policy, environment-variable-key-duplication, label-values; KubeLinter duplicate-env-var, schema-validation, sorted-keys, use-namespace; Polaris pullPolicyNotAlways; Checkov CKV_K8S_15, CKV_K8S_21, CKV_K8S_43, Tiller/dashboard and control-plane flag checks",
        "Out of scope: image pull policy and digests, manifest hygiene, schema validation, control-plane flags. Removed and deprecated API versions are CP016 (kube-score stable-version and KubeLinter no-extensions-v1beta cover a part of it).",
    ),
];

/// The peer checks a rule lists for one tool (`""` when none).
fn peer_cell(m: &RuleMeta, tool: &str) -> String {
    m.peers
        .iter()
        .filter_map(|p| p.strip_prefix(tool).and_then(|r| r.strip_prefix(' ')))
        .collect::<Vec<_>>()
        .join("; ")
        .replace('|', "\\|")
}

/// Markdown headings of a rule's documentation, pushed two levels down
/// (code blocks untouched).
fn demote(md: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in md.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            out.push_str("##");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `docs/rules.md`: the catalogue generated from every rule's [`RuleMeta`],
/// the comparison with the peer tools by loop, and each rule's documentation.
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# day2 rules\n\n<!-- Generated from the rules' metadata by `day2_rules::registry::markdown()`. Do not edit: run `DAY2_UPDATE_DOCS=1 cargo test -p day2-rules --test docs`. -->\n"
    );
    let _ = writeln!(
        s,
        "{} rules, one file each under `crates/day2-rules/src/rules/`. `day2 rules` lists them, `day2 rule CODE` prints one rule's documentation with an example that fires, one that passes, and the fix for your cloud.\n",
        ALL.len()
    );
    let _ = writeln!(
        s,
        "Every finding can be suppressed on its object with the annotation `day2.dev/ignore: \"CODE,…\"` (on the object or its pod template, with an optional `day2.dev/ignore-reason`), and rules can be disabled or re-graded in `.day2.yaml`.\n"
    );
    let _ = writeln!(
        s,
        "## Sources\n\nRules read the same model from every source, but a source shows more or less of the cluster. **Manifests** may be one application among many: rules about the whole cluster (default-deny per namespace, USE coverage, PriorityClasses, missing StorageClasses, ServiceAccounts or pull Secrets) stay silent or lower their severity where the files cannot show the answer, and the checklist says `unknown`. **Snapshots** and the **live** API show everything, so those rules judge the whole cluster. Each rule's \"Per source\" section says exactly what it does. A rule fixture whose first line is `# source: snapshot` is evaluated as a snapshot.\n"
    );
    let _ = writeln!(
        s,
        "## Placement of pod-hardening checks\n\nThe peers' pod-hardening checks are outside the four loops; day2 covers them at parity and files them by what they protect. Checks about *who* a workload effectively is — privileged mode (ID011), privilege escalation (ID012), running as root (ID013), host namespaces (ID014), capabilities (ID015), host paths and runtime sockets (ID016) — are in the **identity** loop: each can turn a pod into the node, with the node's credentials and cloud role. Checks about what the container does on its node — mutable image tags (CP011), writable root filesystems (CP012), seccomp (CP013), host ports (CP014) — are in the **compute** loop.\n"
    );
    let _ = writeln!(s, "## Catalogue\n");
    for l in Loop::ALL {
        let _ = writeln!(
            s,
            "### {}\n\n| code | name | severity | summary |\n|---|---|---|---|",
            l.title()
        );
        for r in ALL.iter().filter(|r| r.meta().loop_ == l) {
            let m = r.meta();
            let _ = writeln!(
                s,
                "| [{code}](#{anchor}) | `{name}` | {sev} | {summary} |",
                code = m.code,
                anchor = format!("{}-{}", m.code, m.name).to_lowercase(),
                name = m.name,
                sev = m.severity,
                summary = m.summary.replace('|', "\\|")
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "## Compared with the peers\n\nThe checks of kube-score, KubeLinter, Polaris, Checkov and Kubescape that cover the same ground as each day2 rule (from the survey of their sources; \"partial\" means the peer checks less than the rule). An empty row is ground no peer covers. The peers check no StorageClass, no claim access mode, no database placement and no metrics scraping at all.\n\nEvery peer check named here is exercised by fixtures of day2's own, written from the same concern: `crates/day2-rules/fixtures/<CODE>/peer-*.yaml` fire or stay silent as the peer would, and `differs-*.yaml` show where the rule deliberately decides otherwise (its documentation says why under **Differs from peers**). Each fixture names the peer check and the peer's source it mirrors; `tests/peer_fixtures.rs` fails when a claimed check has none.\n"
    );
    for l in Loop::ALL {
        let rules: Vec<&RuleMeta> = ALL
            .iter()
            .map(|r| r.meta())
            .filter(|m| m.loop_ == l)
            .collect();
        let covered = rules
            .iter()
            .filter(|m| PEERS.iter().any(|t| !peer_cell(m, t).is_empty()))
            .count();
        let _ = writeln!(
            s,
            "### {} — {} rules, {} with a peer equivalent\n\n| day2 | {} |\n|---|{}",
            l.title(),
            rules.len(),
            covered,
            PEERS.join(" | "),
            "---|".repeat(PEERS.len())
        );
        for m in rules {
            let cells: Vec<String> = PEERS.iter().map(|t| peer_cell(m, t)).collect();
            let _ = writeln!(s, "| {} `{}` | {} |", m.code, m.name, cells.join(" | "));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "### Peer checks day2 does not implement\n\n| area | peer checks | day2 |\n|---|---|---|"
    );
    for (area, checks, why) in PEER_ONLY {
        let _ = writeln!(
            s,
            "| {area} | {} | {} |",
            checks.replace('|', "\\|"),
            why.replace('|', "\\|")
        );
    }
    let _ = writeln!(s, "\n## Rules\n");
    for r in ALL {
        s.push_str(&demote(&r.meta().docs()));
        s.push('\n');
    }
    s.trim_end().to_owned() + "\n"
}

/// The catalogue as renderers need it.
pub fn infos() -> Vec<RuleInfo> {
    ALL.iter().map(|r| r.meta().info()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Context;
    use crate::config::Config;
    use crate::engine::run_rules;
    use day2_model::SourceKind;
    use day2_sources::testing::{cluster_from_yaml, fixture_source};
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        for r in ALL {
            let m = r.meta();
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            let prefix = match m.loop_ {
                day2_model::Loop::Identity => "ID",
                day2_model::Loop::Compute => "CP",
                day2_model::Loop::Network => "NW",
                day2_model::Loop::Storage => "ST",
                day2_model::Loop::Observability => "OB",
            };
            assert!(
                m.code.starts_with(prefix),
                "{} is in loop {}",
                m.code,
                m.loop_
            );
            assert_eq!(m.code.len(), 5, "{}", m.code);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                m.name
            );
            assert!(
                !m.summary.is_empty()
                    && !m.rationale.trim().is_empty()
                    && !m.fix.generic.is_empty(),
                "{}",
                m.code
            );
        }
        for l in Loop::ALL {
            assert!(
                ALL.iter().any(|r| r.meta().loop_ == l),
                "no rule for loop {l}"
            );
        }
    }

    /// One file per rule, `<code>_<snake name>.rs`, and fixtures under `fixtures/<CODE>/`.
    #[test]
    fn files_follow_the_naming_convention() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for r in ALL {
            let m = r.meta();
            let file = format!(
                "src/rules/{}_{}.rs",
                m.code.to_lowercase(),
                m.name.replace('-', "_")
            );
            assert!(
                root.join(&file).is_file(),
                "{} should live in {file}",
                m.code
            );
            for (kind, text) in [("fire", m.fixtures.fire), ("silent", m.fixtures.silent)] {
                let path = root.join(format!("fixtures/{}/{kind}.yaml", m.code));
                let on_disk = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(
                    on_disk, text,
                    "{} includes another rule's {kind} fixture",
                    m.code
                );
            }
        }
        let files = std::fs::read_dir(root.join("src/rules")).unwrap().count();
        assert_eq!(
            files,
            ALL.len() + 1,
            "every rule file is registered (plus mod.rs)"
        );
    }

    /// Every rule, enabled alone, fires on its `fire` fixture and stays
    /// silent on its `silent` fixture.
    #[test]
    fn fixtures_fire_and_stay_silent() {
        let mut failures = Vec::new();
        for r in ALL {
            let m = r.meta();
            let config = Config {
                enable: vec![m.code.to_owned()],
                ..Config::default()
            };
            for (text, should_fire) in [(m.fixtures.fire, true), (m.fixtures.silent, false)] {
                let cluster = cluster_from_yaml(text, fixture_source(text))
                    .unwrap_or_else(|e| panic!("{} fixture does not parse: {e}", m.code));
                let cx = Context::new(&cluster, &config);
                let findings = run_rules(&cx, &[*r]);
                if should_fire && findings.is_empty() {
                    failures.push(format!("{} did not fire on its fire fixture", m.code));
                } else if !should_fire && !findings.is_empty() {
                    let msgs: Vec<_> = findings
                        .iter()
                        .map(|f| format!("  {}: {}", f.object, f.message))
                        .collect();
                    failures.push(format!(
                        "{} fired on its silent fixture:\n{}",
                        m.code,
                        msgs.join("\n")
                    ));
                }
                assert!(findings.iter().all(|f| f.rule == m.code));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn suppression_by_annotation() {
        let yaml = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, annotations: {day2.dev/ignore: "CP001", day2.dev/ignore-reason: "batch"}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}, annotations: {day2.dev/ignore: "missing-resource-requests"}}
    spec: {containers: [{name: app, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  selector: {matchLabels: {app: w}}
  template:
    metadata: {labels: {app: w}}
    spec: {containers: [{name: app, image: nginx}]}
"#;
        let cluster = cluster_from_yaml(yaml, SourceKind::Manifests).unwrap();
        let config = Config::default();
        let cx = Context::new(&cluster, &config);
        let f = run_rules(&cx, &[by_code("CP001").unwrap()]);
        let objs: Vec<_> = f.iter().map(|f| f.object.name.as_str()).collect();
        assert_eq!(objs, vec!["worker"]);
        let config = Config {
            exclude_namespaces: vec!["shop".into()],
            ..Config::default()
        };
        let cx = Context::new(&cluster, &config);
        assert!(run_rules(&cx, &[by_code("CP001").unwrap()]).is_empty());
    }
}
