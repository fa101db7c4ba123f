//! The ports a pod network's agents use between nodes, for a sandbox that
//! times out: Weave Net's IPAM hands a pod its address only once the
//! node's router agrees with its peers, so a security group or firewall
//! that drops Weave's ports between nodes leaves sandboxes waiting until
//! the runtime's deadline (weaveworks/weave#3451: TCP 6783 and UDP
//! 6783-6784 closed between EC2 instances). Other agents wait on theirs.

use crate::analysis::Analysis;

/// What to check between the nodes, when the cluster's pod network is one
/// whose sandbox set-up waits on its peers or its datastore.
pub(super) fn sandbox_wait_note(a: &Analysis<'_>, message: &str) -> Option<String> {
    let l = message.to_ascii_lowercase();
    if !(l.contains("deadlineexceeded")
        || l.contains("deadline exceeded")
        || l.contains("timed out"))
    {
        return None;
    }
    let runs = |needle: &str| {
        a.cluster.daemon_sets.iter().any(|d| {
            d.spec.template.spec.as_ref().is_some_and(|s| {
                s.containers
                    .iter()
                    .any(|c| c.image.as_deref().is_some_and(|i| i.contains(needle)))
            })
        })
    };
    if runs("weave-kube") {
        return Some(" The pod network is Weave Net: a pod's address comes from Weave's IPAM, which waits until the node's router reaches its peers, so sandboxes time out while the nodes cannot reach each other on Weave's ports: open TCP 6783 and UDP 6783-6784 between all nodes (security groups, host firewalls); `kubectl exec -n kube-system <weave pod> -c weave -- /home/weave/weave --local status connections` shows the peers it cannot reach.".to_owned());
    }
    if runs("calico/node") || runs("calico-node") {
        return Some(" The pod network is Calico: its CNI plugin asks the datastore (the API server, or Typha on TCP 5473) for each address, so check that the node reaches them, and that the nodes reach each other on Calico's ports (BGP TCP 179, VXLAN UDP 4789, IP-in-IP protocol 4) through their security groups and firewalls.".to_owned());
    }
    None
}
