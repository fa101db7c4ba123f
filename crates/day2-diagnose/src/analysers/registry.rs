//! The table of analysers: which symptom kinds each reads, in the order
//! that breaks ties between equal scores.

use super::*;
use crate::symptoms::Kind;

use Kind::*;

/// Every analyser, in order of preference when scores tie.
pub static ANALYSERS: &[Analyser] = &[
    // Pending pods
    Analyser {
        kinds: &[PodPending],
        run: pending::gated,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::volume_zone,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::unbound_claims,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::cordoned,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::volume_limits,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::autoscaler_limits,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::resources,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::taints,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::node_selection,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::constraints,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::static_volumes,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::host_ports_held,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::karpenter_pool,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::held_by_terminating,
    },
    Analyser {
        kinds: &[PodPending],
        run: init::held,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::unadvertised,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::service_affinity,
    },
    Analyser {
        kinds: &[PodPending],
        run: pending::virtual_node,
    },
    // Image pulls
    Analyser {
        kinds: &[ImagePullBackOff, ErrImagePull],
        run: image::identity,
    },
    Analyser {
        kinds: &[ImagePullBackOff, ErrImagePull],
        run: image::reference,
    },
    Analyser {
        kinds: &[ImagePullBackOff, ErrImagePull],
        run: image::network,
    },
    Analyser {
        kinds: &[ImagePullBackOff, ErrImagePull],
        run: image::rate_limit,
    },
    Analyser {
        kinds: &[ImagePullBackOff, ErrImagePull],
        run: image::server_error,
    },
    Analyser {
        kinds: &[ImagePullBackOff, ErrImagePull],
        run: image::node_disk,
    },
    Analyser {
        kinds: &[ImagePullBackOff, ErrImagePull],
        run: image::unknown,
    },
    // Crashes
    Analyser {
        kinds: &[OomKilled, CrashLoopBackOff],
        run: crash::memory,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, OomKilled, ProbeFailing],
        run: probe::cause,
    },
    Analyser {
        kinds: &[
            CrashLoopBackOff,
            ProbeFailing,
            ImagePullBackOff,
            ErrImagePull,
            CreateContainerConfigError,
            SandboxCreateFailed,
        ],
        run: node_diff::split,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, ProbeFailing],
        run: metadata_policy::sidecar_cut_off,
    },
    Analyser {
        kinds: &[CrashLoopBackOff],
        run: fs_group::ignored,
    },
    Analyser {
        kinds: &[CrashLoopBackOff],
        run: config_file::refused,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, ProbeFailing],
        run: listen_family::ipv4_wildcard,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: listen_family::no_private_address,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, ProbeFailing],
        run: forward_policy::dropped,
    },
    Analyser {
        kinds: &[CrashLoopBackOff],
        run: crash_words::read,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: huge_pages::sigbus,
    },
    Analyser {
        kinds: &[ProbeFailing],
        run: bgp::mesh_down,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: db_password::refused,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: db_password::data_dir_mode,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: db_password::redis_noauth,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: cache_sync::namespaced_only,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: cache_sync::ungranted,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed, FailedMount],
        run: identity_label::on_workload,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: unused_identity::unused,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: sub_path::missing_key,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: nginx_resolver::unresolved,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: jvm_cgroup::too_old,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: kubeconfig_user::refused,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: child_killed::killed_child,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: cni_range::overlapping,
    },
    Analyser {
        kinds: &[CrashLoopBackOff],
        run: cni_range::outside_net_conf,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, ProbeFailing],
        run: iptables_backend::mismatched,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: crd_version::unserved,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: follow::errors,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, ProbeFailing],
        run: follow::dns_cut_off,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: named::service_args,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: dependency::down,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: config_names::dangling,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: memory_setting::over_limit,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: crash::cluster_domain,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: rbac::dangling_role_ref,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: crash::exit_code,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: command_line::refused,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: app_storage::data_volume,
    },
    // Storage
    Analyser {
        kinds: &[PvcPending],
        run: storage::provisioning,
    },
    Analyser {
        kinds: &[MultiAttach],
        run: multi_attach::multi_attach,
    },
    Analyser {
        kinds: &[FailedMount, FailedAttachVolume],
        run: multi_attach::held_elsewhere,
    },
    Analyser {
        kinds: &[FailedAttachVolume, VolumeNodeAffinityConflict],
        run: storage::attach,
    },
    Analyser {
        kinds: &[FailedMount],
        run: storage::mount,
    },
    Analyser {
        kinds: &[FailedMount],
        run: cert_issuance::never_issued,
    },
    Analyser {
        kinds: &[FailedMount],
        run: secrets_provider::missing,
    },
    Analyser {
        kinds: &[FailedMount],
        run: secrets_provider::class_missing,
    },
    Analyser {
        kinds: &[FailedMount],
        run: csi_name::unnamed,
    },
    Analyser {
        kinds: &[FailedMount, PodPending],
        run: consumer::node_name_bypasses_binding,
    },
    Analyser {
        kinds: &[FailedMount],
        run: mount_source::source,
    },
    Analyser {
        kinds: &[FailedMount],
        run: ownership::fs_group_change,
    },
    Analyser {
        kinds: &[FailedMount],
        run: host_path::type_mismatch,
    },
    Analyser {
        kinds: &[StatefulSetRolloutStuck],
        run: workload::statefulset,
    },
    // Network
    Analyser {
        kinds: &[ServiceWithoutReadyEndpoints],
        run: manual_endpoints::unmatched,
    },
    Analyser {
        kinds: &[ServiceWithoutReadyEndpoints],
        run: network::selector_mismatch,
    },
    Analyser {
        kinds: &[ServiceWithoutReadyEndpoints],
        run: service_port::port_mismatch,
    },
    Analyser {
        kinds: &[ServiceWithoutReadyEndpoints],
        run: network::pods_not_ready,
    },
    Analyser {
        kinds: &[ServiceWithoutReadyEndpoints],
        run: follow::service_pods_cut_off,
    },
    Analyser {
        kinds: &[ServiceWithoutReadyEndpoints, StatefulSetRolloutStuck],
        run: probe_path::unreached,
    },
    Analyser {
        kinds: &[StatefulSetRolloutStuck, ProbeFailing],
        run: peer_port::shut,
    },
    Analyser {
        kinds: &[ProbeFailing, CrashLoopBackOff, ServiceWithoutReadyEndpoints],
        run: node_hostname::by_hostname,
    },
    Analyser {
        kinds: &[IngressBackendMissing, IngressBackendUnavailable],
        run: network::ingress,
    },
    Analyser {
        kinds: &[IngressBackendMissing],
        run: route::backend,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: gce_backends::unhealthy_backend,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: follow::ingress_shut_out,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: follow::route_shut_out,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: backend_port::unserved_port,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: backend_port::unnamed_port,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: backend_port::fargate_instance,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: ingress_tls::missing_secret,
    },
    Analyser {
        kinds: &[IngressBackendUnavailable],
        run: ingress_class::unclaimed,
    },
    // Nodes
    Analyser {
        kinds: &[NodeNotReady],
        run: zone::outage,
    },
    Analyser {
        kinds: &[NodeNotReady],
        run: node::not_ready,
    },
    // Controllers that cannot create pods, pods that cannot start, evictions
    Analyser {
        kinds: &[PodCreateFailed],
        run: create_timeout::failed_create,
    },
    Analyser {
        kinds: &[SandboxCreateFailed],
        run: start::sandbox,
    },
    Analyser {
        kinds: &[FailedMount, FailedAttachVolume],
        run: volume_backend::backend_down,
    },
    Analyser {
        kinds: &[CreateContainerConfigError],
        run: start::config_error,
    },
    Analyser {
        kinds: &[FailedMount],
        run: start::csi_driver,
    },
    Analyser {
        kinds: &[FailedMount],
        run: csi_registration::target_outside,
    },
    Analyser {
        kinds: &[Evicted],
        run: pressure::evicted,
    },
    Analyser {
        kinds: &[Evicted],
        run: admission_rejected::refused,
    },
    Analyser {
        kinds: &[DrainBlocked],
        run: drain::blocked,
    },
    Analyser {
        kinds: &[NodePressure],
        run: pressure::node_pressure,
    },
    Analyser {
        kinds: &[LoadBalancerPending],
        run: role_arn::malformed,
    },
    Analyser {
        kinds: &[LoadBalancerPending],
        run: controllers::load_balancer,
    },
    Analyser {
        kinds: &[LoadBalancerPending],
        run: ingress_address::pending,
    },
    Analyser {
        kinds: &[LoadBalancerPending],
        run: lb_nodes::unidentified,
    },
    Analyser {
        kinds: &[LoadBalancerPending],
        run: lb_local::unannounced,
    },
    Analyser {
        kinds: &[JobFailed],
        run: controllers::job,
    },
    Analyser {
        kinds: &[HpaLimited],
        run: controllers::hpa,
    },
    Analyser {
        kinds: &[HpaLimited],
        run: keda_scaler::refused,
    },
    Analyser {
        kinds: &[HpaLimited],
        run: pod_cidr_overlap::metrics,
    },
    Analyser {
        kinds: &[CrashLoopBackOff, JobFailed],
        run: pod_cidr_overlap::crash,
    },
    Analyser {
        kinds: mesh_server_first::KINDS,
        run: mesh_server_first::server_first,
    },
    Analyser {
        kinds: mesh_protocol::KINDS,
        run: mesh_protocol::protocol_handled,
    },
    Analyser {
        kinds: duplicate_agent::KINDS,
        run: duplicate_agent::second_copy,
    },
    Analyser {
        kinds: weave_range::KINDS,
        run: weave_range::over_nodes,
    },
    Analyser {
        kinds: rbac_unbound::KINDS,
        run: rbac_unbound::unbound,
    },
    // Any symptom of a pod or pod template: what is wrong along its references.
    Analyser {
        kinds: &[
            PodPending,
            ErrImagePull,
            ImagePullBackOff,
            OomKilled,
            CrashLoopBackOff,
            PodCreateFailed,
            SandboxCreateFailed,
            CreateContainerConfigError,
            FailedMount,
            ProbeFailing,
        ],
        run: walk::references,
    },
    // The reference graph around a Service, Ingress, autoscaler, webhook or
    // NetworkPolicy: what is wrong along its edges.
    Analyser {
        kinds: &[
            ServiceWithoutReadyEndpoints,
            IngressBackendMissing,
            IngressBackendUnavailable,
            HpaLimited,
            PodCreateFailed,
            CrashLoopBackOff,
            ProbeFailing,
        ],
        run: walk::graph::references,
    },
];
