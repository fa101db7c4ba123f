//! What mount(8) and its helpers print when the kubelet's mount fails, as
//! the kubelet quotes it in `MountVolume.SetUp failed … mount failed: exit
//! status 32 Mounting command: … Mounting arguments: … -t <type> … Output: …`
//! (`staging/src/k8s.io/mount-utils/mount_linux.go`):
//!
//! - util-linux before 2.33: `mount: wrong fs type, bad option, bad
//!   superblock on <src>, missing codepage or helper program, or other error
//!   (for several filesystems (e.g. nfs, cifs) you might need a
//!   /sbin/mount.<type> helper program)`; since: `mount: <dir>: bad option;
//!   for several filesystems (e.g. nfs, cifs) you might need a
//!   /sbin/mount.<type> helper program.` and `mount: <dir>: wrong fs type,
//!   bad option, bad superblock on <dev>, missing codepage or helper
//!   program, or other error.`;
//! - `mount: <dir>: unknown filesystem type '<type>'.` (the kernel has no
//!   such filesystem and no helper handles it).
//!
//! For file systems mounted through a helper (`nfs`, `cifs`, `glusterfs`,
//! `ceph`), those words mean the helper is not installed on the node; for
//! block file systems they mean the device does not hold the file system
//! asked for.

/// A classified mount(8) failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountFailure {
    /// The node lacks the `/sbin/mount.<fstype>` helper.
    HelperMissing { fstype: String },
    /// The device does not hold the file system asked for (or it is corrupt).
    WrongFsType { fstype: Option<String> },
    /// The NFS server refuses the node (`mount.nfs4: access denied by server
    /// while mounting`); `efs` when the mount is Amazon EFS's (`-t efs`),
    /// `iam` when its options ask for IAM authorisation.
    NfsAccessDenied { efs: bool, iam: bool },
    /// A host tool the CSI node plugin runs in the node's root (through
    /// `chroot /host` or `nsenter`) is not installed on the node:
    /// csi-driver-iscsi's `chroot: failed to run command 'iscsiadm': No such
    /// file or directory` (kubernetes-csi/csi-driver-iscsi#104), Go's `exec:
    /// "iscsiadm": executable file not found in $PATH`, a shell's
    /// `multipath: command not found`.
    HostToolMissing { tool: &'static str },
    /// A fresh block device that mount(8) finds `already mounted or mount
    /// point busy`: something on the host holds the device, most often
    /// multipathd claiming it (Longhorn's and iSCSI volumes, longhorn#1819).
    DeviceBusy { device: String },
}

/// File systems mount(8) hands to a `/sbin/mount.<type>` helper, with the
/// packages that install it (Debian/Ubuntu, RHEL/Fedora).
pub fn helper_package(fstype: &str) -> Option<(&'static str, &'static str)> {
    match fstype {
        "nfs" | "nfs4" => Some(("nfs-common", "nfs-utils")),
        "cifs" | "smb3" => Some(("cifs-utils", "cifs-utils")),
        "glusterfs" => Some(("glusterfs-client", "glusterfs-fuse")),
        "ceph" => Some(("ceph-common", "ceph-common")),
        _ => None,
    }
}

/// Tools block and network storage drivers run from the node's own root,
/// with the packages that install them (Debian/Ubuntu, RHEL/Fedora).
const HOST_TOOLS: [(&str, &str, &str); 7] = [
    ("iscsiadm", "open-iscsi", "iscsi-initiator-utils"),
    ("multipathd", "multipath-tools", "device-mapper-multipath"),
    ("multipath", "multipath-tools", "device-mapper-multipath"),
    ("nvme", "nvme-cli", "nvme-cli"),
    ("rbd", "ceph-common", "ceph-common"),
    ("sg_inq", "sg3-utils", "sg3_utils"),
    ("lsscsi", "lsscsi", "lsscsi"),
];

/// The packages that install host tool `tool` (Debian/Ubuntu, RHEL/Fedora).
pub fn host_tool_package(tool: &str) -> Option<(&'static str, &'static str)> {
    HOST_TOOLS
        .iter()
        .find(|(t, _, _)| *t == tool)
        .map(|(_, deb, rpm)| (*deb, *rpm))
}

/// The host tool a message says could not be run because it is absent.
fn host_tool_missing(message: &str) -> Option<&'static str> {
    let absent = message.contains("No such file or directory")
        || message.contains("executable file not found")
        || message.contains("command not found");
    if !absent {
        return None;
    }
    HOST_TOOLS.iter().map(|(t, _, _)| *t).find(|t| {
        [
            format!("failed to run command '{t}'"),
            format!("exec: \"{t}\""),
            format!("{t}: command not found"),
            format!("failed to execute {t}"),
        ]
        .iter()
        .any(|p| message.contains(p.as_str()))
    })
}

/// The `-t <type>` of the kubelet's `Mounting arguments`.
pub fn fstype(message: &str) -> Option<String> {
    let args = &message[message.find("Mounting arguments:")?..];
    let mut words = args.split_whitespace();
    while let Some(w) = words.next() {
        if w == "-t" {
            return words.next().map(str::to_owned);
        }
    }
    None
}

/// Classify the mount(8) output a `FailedMount` message quotes.
pub fn classify(message: &str) -> Option<MountFailure> {
    let fstype = fstype(message).or_else(|| {
        let rest = &message[message.find("unknown filesystem type '")? + 25..];
        rest.split('\'').next().map(str::to_owned)
    });
    if message.contains("access denied by server") {
        let efs = message.contains("-t efs") || message.contains("efs.csi.aws.com");
        // The options follow `-o` in the kubelet's `Mounting arguments:`.
        let iam = message
            .split_once(" -o ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|opts| opts.split(',').any(|o| o == "iam"));
        return Some(MountFailure::NfsAccessDenied { efs, iam });
    }
    if let Some(tool) = host_tool_missing(message) {
        return Some(MountFailure::HostToolMissing { tool });
    }
    if message.contains("already mounted or mount point busy")
        && let Some(device) = message.split_whitespace().find(|w| w.starts_with("/dev/"))
    {
        return Some(MountFailure::DeviceBusy {
            device: device.to_owned(),
        });
    }
    let helper_words = message.contains("need a /sbin/mount.<type> helper program")
        || message.contains("missing codepage or helper program")
        || message.contains("unknown filesystem type");
    if !helper_words && !message.contains("wrong fs type") {
        return None;
    }
    match fstype {
        Some(t) if helper_package(&t).is_some() && helper_words => {
            Some(MountFailure::HelperMissing { fstype: t })
        }
        t if message.contains("wrong fs type") => Some(MountFailure::WrongFsType { fstype: t }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_new_util_linux_without_the_nfs_helper() {
        let old = "MountVolume.SetUp failed for volume \"data\" : mount failed: exit status 32 Mounting command: systemd-run Mounting arguments: --description=Kubernetes transient mount for /var/lib/kubelet/pods/p/volumes/kubernetes.io~nfs/data --scope -- mount -t nfs 10.0.0.3:/export /var/lib/kubelet/pods/p/volumes/kubernetes.io~nfs/data Output: Running scope as unit run-1.scope. mount: wrong fs type, bad option, bad superblock on 10.0.0.3:/export, missing codepage or helper program, or other error (for several filesystems (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program) In some cases useful info is found in syslog - try dmesg | tail or so.";
        assert_eq!(
            classify(old),
            Some(MountFailure::HelperMissing {
                fstype: "nfs".into()
            })
        );
        let new = "MountVolume.SetUp failed for volume \"share\" : mount failed: exit status 32 Mounting command: mount Mounting arguments: -t cifs -o <masked> //fs/share /var/lib/kubelet/pods/p/volumes/kubernetes.io~csi/share/mount Output: mount: /var/lib/kubelet/pods/p/volumes/kubernetes.io~csi/share/mount: bad option; for several filesystems (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program.";
        assert_eq!(
            classify(new),
            Some(MountFailure::HelperMissing {
                fstype: "cifs".into()
            })
        );
        let unknown = "mount failed: exit status 32 Output: mount: /mnt/x: unknown filesystem type 'glusterfs'.";
        assert_eq!(
            classify(unknown),
            Some(MountFailure::HelperMissing {
                fstype: "glusterfs".into()
            })
        );
    }

    #[test]
    fn a_block_device_with_another_file_system() {
        let m = "MountVolume.MountDevice failed for volume \"pvc-1\" : rpc error: code = Internal desc = mount failed: exit status 32 Mounting command: mount Mounting arguments: -t xfs -o defaults /dev/nvme1n1 /var/lib/kubelet/plugins/kubernetes.io/csi/pv/pvc-1/globalmount Output: mount: /var/lib/kubelet/plugins/kubernetes.io/csi/pv/pvc-1/globalmount: wrong fs type, bad option, bad superblock on /dev/nvme1n1, missing codepage or helper program, or other error.";
        assert_eq!(
            classify(m),
            Some(MountFailure::WrongFsType {
                fstype: Some("xfs".into())
            })
        );
    }

    #[test]
    fn a_host_tool_the_node_lacks() {
        // kubernetes-csi/csi-driver-iscsi#104.
        let m = "MountVolume.MountDevice failed for volume \"pv-name\" : rpc error: code = Internal desc = chroot: failed to run command 'iscsiadm': No such file or directory";
        assert_eq!(
            classify(m),
            Some(MountFailure::HostToolMissing { tool: "iscsiadm" })
        );
        let go = "rpc error: code = Internal desc = exec: \"multipath\": executable file not found in $PATH";
        assert_eq!(
            classify(go),
            Some(MountFailure::HostToolMissing { tool: "multipath" })
        );
        assert_eq!(
            host_tool_package("iscsiadm"),
            Some(("open-iscsi", "iscsi-initiator-utils"))
        );
        // The tool ran and failed: not a missing tool.
        let ran = "rpc error: code = Internal desc = iscsiadm: No session found. iscsiadm: cannot make connection to 10.0.0.5: No route to host";
        assert_eq!(classify(ran), None);
        // The driver's own formatter is read elsewhere (its image, not the node).
        let mkfs = "exec: \"mkfs.xfs\": executable file not found in $PATH";
        assert_eq!(classify(mkfs), None);
    }

    #[test]
    fn other_mount_failures_are_not_read() {
        for m in [
            "MountVolume.SetUp failed for volume \"data\" : mount failed: exit status 32 Mounting arguments: -t nfs 10.0.0.3:/export /mnt Output: mount.nfs: Connection timed out",
            "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data]: timed out waiting for the condition",
        ] {
            assert_eq!(classify(m), None, "{m}");
        }
    }

    #[test]
    fn an_nfs_server_refusing_the_node_and_efs_without_iam() {
        let m = "MountVolume.SetUp failed for volume \"pv\" : rpc error: code = Internal desc = Could not mount \"fs-1:/\" at \"/var/lib/kubelet/x\": mount failed: exit status 32 Mounting command: mount Mounting arguments: -t efs -o accesspoint=fsap-1,tls fs-1:/ /var/lib/kubelet/x Output: b'mount.nfs4: access denied by server while mounting 127.0.0.1:/'";
        assert_eq!(
            classify(m),
            Some(MountFailure::NfsAccessDenied {
                efs: true,
                iam: false
            })
        );
        // A plain NFS server's refusal: not EFS.
        assert_eq!(
            classify(
                "MountVolume.SetUp failed for volume \"data\" : mount failed: exit status 32 Output: mount.nfs: access denied by server while mounting 10.0.0.3:/export"
            ),
            Some(MountFailure::NfsAccessDenied {
                efs: false,
                iam: false
            })
        );
        let with_iam = m.replace("accesspoint=fsap-1,tls", "accesspoint=fsap-1,tls,iam");
        assert_eq!(
            classify(&with_iam),
            Some(MountFailure::NfsAccessDenied {
                efs: true,
                iam: true
            })
        );
    }
}
