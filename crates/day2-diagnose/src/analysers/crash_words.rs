//! The crash readings that each recognise one program's or one kernel's
//! words, run as one analyser: a binary the kernel will not start for its
//! file capabilities ([`super::file_caps`]), an admission webhook refusing
//! the program's own calls ([`super::webhook_call`]), PostgreSQL
//! refusing the mode of its data directory ([`super::pg_permissions`]),
//! a kernel without flannel's vxlan module ([`flannel_backend`]),
//! calico-node detecting another node's address ([`calico_address`]), and
//! a custom object the crash names by kind and name ([`named_object`]), and
//! the metadata service out of a pod's reach on a Karpenter node class
//! ([`imds_hop`]), and an ingress controller publishing a Service that has
//! no load-balancer address ([`publish_service`]), and an agent stopped by
//! its host's own state ([`host_state`]), and a driver that finds no
//! providerID on its node ([`provider_id`]), and aws-node whose ipamd
//! never comes up ([`ipamd`]), and iptables refused for a capability the
//! container drops ([`capability_dropped`]), and a kernel setting under a
//! read-only `/proc/sys` ([`super::follow::sysctl`]), and a port of
//! ingress-nginx's TCP/UDP services it cannot bind ([`services_port`]), and a
//! network volume's stale mount the runtime cannot use ([`stale_mount`]), and
//! a volume mounted whole where a program expects a file ([`dir_mount`]).

mod calico_address;
mod capability_dropped;
mod dir_mount;
mod flannel_backend;
mod host_state;
mod imds_hop;
mod ipamd;
mod named_object;
mod provider_id;
mod publish_service;
mod services_port;
mod stale_mount;
mod url_setting;

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::Detected;

pub fn read<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let mut out = super::file_caps::refused(a, d);
    out.extend(super::webhook_call::refused_in_crash(a, d));
    out.extend(super::pg_permissions::invalid_mode(a, d));
    out.extend(flannel_backend::without_vxlan(a, d));
    out.extend(flannel_backend::iface_absent(a, d));
    out.extend(host_state::host_state(a, d));
    out.extend(calico_address::address_taken(a, d));
    out.extend(named_object::names_object(a, d));
    out.extend(imds_hop::hop_limit(a, d));
    out.extend(url_setting::bare_url(a, d));
    out.extend(publish_service::no_ingress_points(a, d));
    out.extend(provider_id::missing(a, d));
    out.extend(ipamd::never_up(a, d));
    out.extend(capability_dropped::network_caps(a, d));
    out.extend(services_port::unbindable(a, d));
    // The readings below share the crash's texts, read once.
    if let (Some(pod), crate::symptoms::Detail::Crash { container, .. }) = (d.pod(), &d.detail) {
        let texts = super::follow::crash_texts(a, d, pod, container);
        out.extend(stale_mount::stale(a, pod, container, &texts));
        out.extend(dir_mount::over_file(a, pod, container, &texts));
        out.extend(super::follow::sysctl::read_only(a, pod, container, &texts));
    }
    out
}
