//! A network volume whose client cannot speak to its server the way the
//! volume's objects ask: an NFS version the server does not serve (no
//! `nfsvers` in the mount options, the client tries v4 first: WinNFSd
//! serves only v3, kubernetes-csi/csi-driver-nfs#176), an iSCSI portal
//! named by a host name where the node's initiator records portals by
//! address (`iscsiadm: No records found`, democratic-csi/democratic-csi#275
//! and #353).

use day2_model::k8s_openapi::api::core::v1::PersistentVolume;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};

/// The volume a mount error names, as a PersistentVolume of the input.
fn volume<'c>(a: &Analysis<'c>, message: &str) -> Option<&'c Res<PersistentVolume>> {
    let (_, name, _) = crate::messages::volume::parse_operation_error(message)?;
    a.cluster.pv(name)
}

pub(super) fn refused(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    let h = if message.contains("requested NFS version or transport protocol is not supported") {
        nfs_version(a, pod, message)?
    } else if message.contains("iscsiadm: No records found") {
        portal_by_name(a, message)?
    } else {
        return None;
    };
    Some(h.links(link))
}

fn nfs_version(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    let pv = volume(a, message)?;
    let spec = pv.spec.as_ref()?;
    let options = spec.mount_options.clone().unwrap_or_default();
    let class = day2_model::cluster::volume_class_name(pv)
        .filter(|c| !c.is_empty())
        .and_then(|c| a.cluster.storage_class(c));
    let asked = options
        .iter()
        .chain(
            class
                .and_then(|c| c.mount_options.as_ref())
                .into_iter()
                .flatten(),
        )
        .find(|o| o.contains("vers="))
        .cloned();
    let node = crate::model::node_name(pod).unwrap_or("?");
    let said = match &asked {
        Some(o) => format!("it mounts with `{o}`, a version the server does not serve"),
        None => "it sets no NFS version (`nfsvers`) in its mount options, so the client on the node tries the newest (v4.x) first".to_owned(),
    };
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            pv.objref(),
            format!("node {node}'s NFS client and the server of PersistentVolume {} agree on no protocol version (`mount.nfs: requested NFS version or transport protocol is not supported`): {said}", pv.name()),
        )
        .fix(format!("Set the version the server serves in PersistentVolume {}'s `mountOptions` (`nfsvers=3` for a server that speaks only NFSv3, as WinNFSd and many NAS defaults do; `nfsvers=4.1` for one that serves only v4){}; mount options of a bound volume apply on the next mount: delete the pod after the change.", pv.name(), class.map(|c| format!(", or in StorageClass {}'s mountOptions for new volumes", c.name())).unwrap_or_default())),
    )
}

fn portal_by_name(a: &Analysis<'_>, message: &str) -> Option<Hypothesis> {
    let pv = volume(a, message)?;
    let attrs = pv.spec.as_ref()?.csi.as_ref()?.volume_attributes.as_ref()?;
    let portal = attrs
        .iter()
        .find(|(k, v)| k.to_ascii_lowercase().contains("portal") && !v.is_empty())
        .map(|(_, v)| v.as_str())?;
    let host = portal.rsplit_once(':').map_or(portal, |(h, _)| h);
    if host
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok()
    {
        return None;
    }
    Some(
        Hypothesis::new(
            82,
            Loop::Storage,
            pv.objref(),
            format!("PersistentVolume {} gives its iSCSI portal as host name `{portal}`; the node's initiator records discovered targets by the portal's address, so logging in to `{host}` finds no record (`iscsiadm: No records found`)", pv.name()),
        )
        .fix(format!("Give the driver the portal's IP address, not a host name: set the iSCSI `targetPortal` in the driver's configuration (democratic-csi: `iscsi.targetPortal` in its driver config) to `<ip>:3260`; volumes keep the portal they were created with, so recreate PersistentVolume {} (its claim) after the change.", pv.name())),
    )
}
