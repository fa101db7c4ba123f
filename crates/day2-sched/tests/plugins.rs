//! Each filter plugin, firing and staying silent, with upstream's reasons.

mod common;

use common::*;
use serde_json::json;

#[test]
fn resources_count_bound_pods_and_the_aggregate_reads_like_the_event() {
    let c = cluster(vec![
        node("n-a", "us-east-1a", "4", "16Gi"),
        node("n-b", "us-east-1b", "2", "16Gi"),
        pod("shop", "busy", Some("n-a"), "3", "1Gi"),
        // Finished pods hold nothing.
        with(
            pod("shop", "done", Some("n-b"), "2", "1Gi"),
            "status.phase",
            json!("Succeeded"),
        ),
        pod("shop", "api", None, "2500m", "1Gi"),
    ]);
    let e = explain(c, "shop", "api");
    assert!(fits(&e).is_empty());
    assert_eq!(e.aggregate, "0/2 nodes are available: 2 Insufficient cpu.");
    assert_eq!(on(&e, "n-a").reasons(), ["Insufficient cpu"]);
    assert!(
        on(&e, "n-a").failures[0].detail.contains("1 of 4 free"),
        "{:?}",
        on(&e, "n-a").failures
    );
    assert!(
        on(&e, "n-b").failures[0].unresolvable,
        "2500m can never fit on a 2-cpu node"
    );
    assert!(
        e.suggestions
            .iter()
            .any(|s| s.starts_with("closest fit: n-a in us-east-1a lacks 1500m cpu")),
        "{:?}",
        e.suggestions
    );

    // The same pod asking for 1 cpu fits on both.
    let c = cluster(vec![
        node("n-a", "us-east-1a", "4", "16Gi"),
        node("n-b", "us-east-1b", "2", "16Gi"),
        pod("shop", "busy", Some("n-a"), "3", "1Gi"),
        pod("shop", "api", None, "1", "1Gi"),
    ]);
    let e = explain(c, "shop", "api");
    assert_eq!(fits(&e), ["n-a", "n-b"]);
    assert_eq!(e.aggregate, "2/2 nodes are available");
}

#[test]
fn init_containers_sidecars_overhead_extended_resources_and_pod_slots() {
    let gpu_node = with(
        node("gpu-1", "us-east-1a", "8", "32Gi"),
        "status.allocatable",
        json!({"cpu": "8", "memory": "32Gi", "pods": "1", "nvidia.com/gpu": "1"}),
    );
    let mut p = pod("ml", "train", None, "1", "1Gi");
    p["spec"]["containers"][0]["resources"]["limits"] = json!({"nvidia.com/gpu": "2"});
    p["spec"]["initContainers"] = json!([{"name": "fetch", "image": "x",
        "resources": {"requests": {"cpu": "7500m"}}}]);
    p["spec"]["overhead"] = json!({"cpu": "600m"});
    let c = cluster(vec![
        gpu_node,
        pod("ml", "other", Some("gpu-1"), "0", "0"),
        p,
    ]);
    let e = explain(c, "ml", "train");
    // pod slots (1 of 1 used), cpu max(1, 7.5) + 0.6 = 8.1 > 8, gpu 2 > 1.
    assert_eq!(
        on(&e, "gpu-1").reasons(),
        [
            "Too many pods",
            "Insufficient cpu",
            "Insufficient nvidia.com/gpu"
        ]
    );
    assert_eq!(e.pod.requests.get("cpu").map(String::as_str), Some("8100m"));
}

#[test]
fn cordon_taints_and_the_first_failing_plugin_per_node() {
    let tainted = with(
        node("db-1", "us-east-1a", "2", "8Gi"),
        "spec.taints",
        json!([{"key": "dedicated", "value": "payments", "effect": "NoSchedule"},
               {"key": "soft", "effect": "PreferNoSchedule"}]),
    );
    let cordoned = with(
        node("n-c", "us-east-1c", "8", "8Gi"),
        "spec.unschedulable",
        json!(true),
    );
    let c = cluster(vec![
        tainted,
        cordoned,
        node("n-b", "us-east-1b", "1", "8Gi"),
        pod("shop", "api", None, "4", "1Gi"),
    ]);
    let e = explain(c, "shop", "api");
    // db-1 fails taints and resources; the scheduler reports only the taint.
    assert_eq!(
        on(&e, "db-1").reasons(),
        ["node(s) had untolerated taint(s)", "Insufficient cpu"]
    );
    assert_eq!(on(&e, "n-c").reasons(), ["node(s) were unschedulable"]);
    assert_eq!(
        e.aggregate,
        "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable."
    );
    assert!(
        e.suggestions.iter().any(|s| s.contains("uncordon n-c")),
        "{:?}",
        e.suggestions
    );

    // Tolerating the taint and the cordon (as DaemonSets do) opens both.
    let mut p = pod("shop", "agent", None, "1", "1Gi");
    p["spec"]["tolerations"] = json!([{"key": "dedicated", "operator": "Exists"},
        {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]);
    let c = cluster(vec![
        with(
            node("db-1", "us-east-1a", "2", "8Gi"),
            "spec.taints",
            json!([{"key": "dedicated", "value": "payments", "effect": "NoExecute"}]),
        ),
        with(
            node("n-c", "us-east-1c", "8", "8Gi"),
            "spec.unschedulable",
            json!(true),
        ),
        p,
    ]);
    assert_eq!(fits(&explain(c, "shop", "agent")), ["db-1", "n-c"]);
}

#[test]
fn a_taint_only_blocks_and_the_suggestion_names_the_toleration() {
    let c = cluster(vec![
        with(
            node("db-1", "us-east-1a", "8", "8Gi"),
            "spec.taints",
            json!([{"key": "dedicated", "value": "payments", "effect": "NoSchedule"}]),
        ),
        pod("shop", "api", None, "1", "1Gi"),
    ]);
    let e = explain(c, "shop", "api");
    assert_eq!(
        e.aggregate,
        "0/1 nodes are available: 1 node(s) had untolerated taint(s)."
    );
    assert!(
        e.suggestions
            .iter()
            .any(|s| s.starts_with("add a toleration for dedicated=payments:NoSchedule")),
        "{:?}",
        e.suggestions
    );
}

#[test]
fn node_selector_and_required_affinity() {
    let ssd = with(
        node("n-a", "us-east-1a", "8", "8Gi"),
        "metadata.labels.disk",
        json!("ssd"),
    );
    let mut big = node("n-b", "us-east-1b", "8", "8Gi");
    big["metadata"]["labels"]["cores"] = json!("64");
    let mut p = pod("shop", "db", None, "1", "1Gi");
    p["spec"]["nodeSelector"] = json!({"disk": "ssd"});
    let mut q = pod("shop", "batch", None, "1", "1Gi");
    q["spec"]["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
    "nodeSelectorTerms": [
        {"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["32"]}]},
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n-c"]}]}
    ]}}});
    let c = cluster(vec![ssd, big, node("n-c", "us-east-1c", "8", "8Gi"), p, q]);
    let e = explain(c, "shop", "db");
    assert_eq!(fits(&e), ["n-a"]);
    assert_eq!(
        on(&e, "n-b").reasons(),
        ["node(s) didn't match Pod's node affinity/selector"]
    );
    assert!(on(&e, "n-b").failures[0].detail.contains("disk=ssd"));
    assert_eq!(fits(&explain(c, "shop", "batch")), ["n-b", "n-c"]);
}

#[test]
fn host_ports_conflict_on_protocol_and_address() {
    let mut web = pod("shop", "web", Some("n-a"), "100m", "64Mi");
    web["spec"]["containers"][0]["ports"] = json!([{"containerPort": 80, "hostPort": 8080}]);
    let mut tcp = pod("shop", "tcp", None, "100m", "64Mi");
    tcp["spec"]["containers"][0]["ports"] =
        json!([{"containerPort": 80, "hostPort": 8080, "hostIP": "10.0.0.1"}]);
    let mut udp = pod("shop", "udp", None, "100m", "64Mi");
    udp["spec"]["containers"][0]["ports"] =
        json!([{"containerPort": 80, "hostPort": 8080, "protocol": "UDP"}]);
    let c = cluster(vec![node("n-a", "us-east-1a", "8", "8Gi"), web, tcp, udp]);
    assert_eq!(
        explain(c, "shop", "tcp").aggregate,
        "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."
    );
    assert_eq!(fits(&explain(c, "shop", "udp")), ["n-a"]);
    // A bound pod does not conflict with itself.
    assert_eq!(fits(&explain(c, "shop", "web")), ["n-a"]);
}

fn spread_pod(name: &str, node: Option<&str>) -> serde_json::Value {
    let mut p = pod("shop", name, node, "100m", "64Mi");
    p["metadata"]["labels"] = json!({"app": "web"});
    p["spec"]["topologySpreadConstraints"] = json!([{"maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}}}]);
    p
}

#[test]
fn topology_spread_counts_domains_and_honours_min_domains() {
    let nodes = vec![
        node("n-a", "us-east-1a", "8", "8Gi"),
        node("n-b", "us-east-1b", "8", "8Gi"),
        node("n-c", "us-east-1c", "8", "8Gi"),
    ];
    let mut items = nodes.clone();
    items.extend([
        spread_pod("w1", Some("n-a")),
        spread_pod("w2", Some("n-a")),
        spread_pod("w3", Some("n-b")),
        spread_pod("new", None),
    ]);
    let c = cluster(items);
    let e = explain(c, "shop", "new");
    // a=2, b=1, c=0: only zone c keeps the skew within 1.
    assert_eq!(fits(&e), ["n-c"]);
    assert_eq!(
        e.aggregate,
        "1/3 nodes are available: 2 node(s) didn't match pod topology spread constraints."
    );

    // minDomains 4 with 3 zones: the global minimum counts as 0, so c (0+1) still fits, b (1+1) not.
    let mut items = nodes.clone();
    let mut p = spread_pod("new", None);
    p["spec"]["topologySpreadConstraints"][0]["minDomains"] = json!(4);
    items.extend([
        spread_pod("w1", Some("n-a")),
        spread_pod("w3", Some("n-b")),
        spread_pod("w4", Some("n-c")),
        p,
    ]);
    let e = explain(cluster(items), "shop", "new");
    assert!(fits(&e).is_empty(), "{e:#?}");

    // A node without the topology label is rejected outright.
    let mut bare = node("bare", "x", "8", "8Gi");
    bare["metadata"]["labels"] = json!({"kubernetes.io/hostname": "bare"});
    let c = cluster(vec![bare, spread_pod("new", None)]);
    assert_eq!(
        explain(c, "shop", "new").nodes[0].reasons(),
        ["node(s) didn't match pod topology spread constraints (missing required label)"]
    );
}

#[test]
fn topology_spread_node_inclusion_policies() {
    // The tainted zone-c node is excluded from the domains only when nodeTaintsPolicy is Honor.
    let tainted = with(
        node("n-c", "us-east-1c", "8", "8Gi"),
        "spec.taints",
        json!([{"key": "dedicated", "value": "x", "effect": "NoSchedule"}]),
    );
    let mk = |policy: Option<&str>| {
        let mut p = spread_pod("new", None);
        if let Some(pol) = policy {
            p["spec"]["topologySpreadConstraints"][0]["nodeTaintsPolicy"] = json!(pol);
        }
        cluster(vec![
            node("n-a", "us-east-1a", "8", "8Gi"),
            node("n-b", "us-east-1b", "8", "8Gi"),
            tainted.clone(),
            spread_pod("w1", Some("n-a")),
            spread_pod("w2", Some("n-b")),
            p,
        ])
    };
    // Ignore (default): zone c (0) is the minimum; a and b (1+1-0=2) fail the skew.
    assert!(fits(&explain(mk(None), "shop", "new")).is_empty());
    // Honor: domains are a=1, b=1, so both fit.
    assert_eq!(
        fits(&explain(mk(Some("Honor")), "shop", "new")),
        ["n-a", "n-b"]
    );
}

#[test]
fn pod_affinity_anti_affinity_and_existing_pods_anti_affinity() {
    let mut cache = pod("shop", "cache", Some("n-a"), "100m", "64Mi");
    cache["metadata"]["labels"] = json!({"app": "cache"});
    let mut api = pod("shop", "api", None, "100m", "64Mi");
    api["spec"]["affinity"] = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "topology.kubernetes.io/zone"}]}});
    let mut solo = pod("shop", "solo", None, "100m", "64Mi");
    solo["spec"]["affinity"] = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "kubernetes.io/hostname"}]}});
    // A running pod that refuses to share a zone with app=batch.
    let mut loner = pod("shop", "loner", Some("n-b"), "100m", "64Mi");
    loner["spec"]["affinity"] = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "batch"}}, "topologyKey": "topology.kubernetes.io/zone"}]}});
    let batch = pod("shop", "batch", None, "100m", "64Mi");
    let c = cluster(vec![
        node("n-a", "us-east-1a", "8", "8Gi"),
        node("n-a2", "us-east-1a", "8", "8Gi"),
        node("n-b", "us-east-1b", "8", "8Gi"),
        cache,
        api,
        solo,
        loner,
        batch,
    ]);
    let e = explain(c, "shop", "api");
    assert_eq!(fits(&e), ["n-a", "n-a2"]);
    assert_eq!(
        on(&e, "n-b").reasons(),
        ["node(s) didn't match pod affinity rules"]
    );
    let e = explain(c, "shop", "solo");
    assert_eq!(fits(&e), ["n-a2", "n-b"]);
    assert_eq!(
        on(&e, "n-a").reasons(),
        ["node(s) didn't match pod anti-affinity rules"]
    );
    let e = explain(c, "shop", "batch");
    assert_eq!(fits(&e), ["n-a", "n-a2"]);
    assert_eq!(
        on(&e, "n-b").reasons(),
        ["node(s) didn't satisfy existing pods anti-affinity rules"]
    );

    // The first pod of a self-affine group may go anywhere.
    let mut first = pod("shop", "first", None, "100m", "64Mi");
    first["metadata"]["labels"] = json!({"app": "ring"});
    first["spec"]["affinity"] = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "ring"}}, "topologyKey": "topology.kubernetes.io/zone"}]}});
    let c = cluster(vec![node("n-a", "us-east-1a", "8", "8Gi"), first]);
    assert_eq!(fits(&explain(c, "shop", "first")), ["n-a"]);
}

fn claim(name: &str, class: &str, volume: Option<&str>, mode: &str) -> serde_json::Value {
    let mut c = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "db"},
        "spec": {"storageClassName": class, "accessModes": [mode],
            "resources": {"requests": {"storage": "10Gi"}}},
        "status": {"phase": "Pending"}});
    if let Some(v) = volume {
        c["spec"]["volumeName"] = json!(v);
        c["status"]["phase"] = json!("Bound");
    }
    c
}

fn zonal_pv(name: &str, zone: &str, class: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
        "spec": {"storageClassName": class, "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"],
            "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-{name}")},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]}]}]}}}})
}

fn class(name: &str, mode: &str, provisioner: &str) -> serde_json::Value {
    json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
        "provisioner": provisioner, "volumeBindingMode": mode})
}

fn db_pod(name: &str, node: Option<&str>, claim: &str) -> serde_json::Value {
    let mut p = pod("db", name, node, "500m", "1Gi");
    p["spec"]["volumes"] = json!([{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]);
    p
}

#[test]
fn bound_volumes_pin_the_pod_to_their_zone() {
    let c = cluster(vec![
        node("n-a", "us-east-1a", "1", "8Gi"),
        node("n-b", "us-east-1b", "8", "8Gi"),
        class("gp3", "Immediate", "ebs.csi.aws.com"),
        zonal_pv("pv-1", "us-east-1a", "gp3"),
        claim("data-0", "gp3", Some("pv-1"), "ReadWriteOnce"),
        pod("db", "hog", Some("n-a"), "800m", "1Gi"),
        db_pod("postgres-0", None, "data-0"),
    ]);
    let e = explain(c, "db", "postgres-0");
    assert_eq!(
        e.aggregate,
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match PersistentVolume's node affinity."
    );
    assert!(
        on(&e, "n-b").failures[0]
            .detail
            .contains("lives in us-east-1a")
    );
    assert!(
        e.suggestions
            .iter()
            .any(|s| s.contains("n-a in us-east-1a lacks 300m cpu")),
        "{:?}",
        e.suggestions
    );
}

#[test]
fn claims_missing_unbound_or_waiting_for_first_consumer() {
    let c = cluster(vec![
        node("n-a", "us-east-1a", "8", "8Gi"),
        node("n-b", "us-east-1b", "8", "8Gi"),
        class("gp3", "Immediate", "ebs.csi.aws.com"),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "zonal-b"},
            "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "WaitForFirstConsumer",
            "allowedTopologies": [{"matchLabelExpressions": [{"key": "topology.kubernetes.io/zone", "values": ["us-east-1b"]}]}]}),
        class(
            "local",
            "WaitForFirstConsumer",
            "kubernetes.io/no-provisioner",
        ),
        claim("unbound", "gp3", None, "ReadWriteOnce"),
        claim("later", "zonal-b", None, "ReadWriteOnce"),
        claim("local-data", "local", None, "ReadWriteOnce"),
        with(
            zonal_pv("local-a", "us-east-1a", "local"),
            "spec.csi",
            json!(null),
        ),
        db_pod("missing", None, "nope"),
        db_pod("immediate", None, "unbound"),
        db_pod("wffc", None, "later"),
        db_pod("local", None, "local-data"),
    ]);
    let e = explain(c, "db", "missing");
    assert_eq!(
        e.aggregate,
        "0/2 nodes are available: persistentvolumeclaim \"nope\" not found."
    );
    assert!(e.nodes.iter().all(|n| !n.fits));
    let e = explain(c, "db", "immediate");
    assert_eq!(
        e.aggregate,
        "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."
    );
    assert!(e.suggestions[0].contains("WaitForFirstConsumer"));
    let e = explain(c, "db", "wffc");
    assert_eq!(fits(&e), ["n-b"]);
    assert_eq!(
        on(&e, "n-a").reasons(),
        ["node(s) didn't find available persistent volumes to bind"]
    );
    // No provisioner: only the node the local PV admits.
    assert_eq!(fits(&explain(c, "db", "local")), ["n-a"]);
}

#[test]
fn read_write_once_pod_and_attach_limits() {
    let csinode = |name: &str, count: i32| {
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "CSINode",
        "metadata": {"name": name},
        "spec": {"drivers": [{"name": "ebs.csi.aws.com", "nodeID": name, "allocatable": {"count": count}}]}})
    };
    let c = cluster(vec![
        node("n-a", "us-east-1a", "8", "8Gi"),
        node("n-a2", "us-east-1a", "8", "8Gi"),
        csinode("n-a", 1),
        csinode("n-a2", 2),
        class("gp3", "WaitForFirstConsumer", "ebs.csi.aws.com"),
        zonal_pv("pv-1", "us-east-1a", "gp3"),
        zonal_pv("pv-2", "us-east-1a", "gp3"),
        claim("one", "gp3", Some("pv-1"), "ReadWriteOncePod"),
        claim("two", "gp3", Some("pv-2"), "ReadWriteOnce"),
        db_pod("holder", Some("n-a"), "one"),
        db_pod("second", None, "one"),
        db_pod("other", None, "two"),
    ]);
    let e = explain(c, "db", "second");
    assert!(fits(&e).is_empty());
    assert_eq!(
        e.aggregate,
        "0/2 nodes are available: 2 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod."
    );
    let e = explain(c, "db", "other");
    assert_eq!(on(&e, "n-a").reasons(), ["node(s) exceed max volume count"]);
    assert_eq!(fits(&e), ["n-a2"]);
}

#[test]
fn ready_write_once_in_use_elsewhere_is_a_note_not_a_filter() {
    let c = cluster(vec![
        node("n-a", "us-east-1a", "8", "8Gi"),
        node("n-a2", "us-east-1a", "8", "8Gi"),
        class("gp3", "WaitForFirstConsumer", "ebs.csi.aws.com"),
        zonal_pv("pv-1", "us-east-1a", "gp3"),
        claim("data", "gp3", Some("pv-1"), "ReadWriteOnce"),
        db_pod("old", Some("n-a"), "data"),
        db_pod("new", None, "data"),
    ]);
    let e = explain(c, "db", "new");
    assert_eq!(fits(&e), ["n-a", "n-a2"]);
    assert!(
        e.notes.iter().any(|n| n.contains("Multi-Attach")),
        "{:?}",
        e.notes
    );
}

#[test]
fn volume_zone_labels_on_the_pv() {
    let mut pv = zonal_pv("pv-1", "us-east-1a", "gp3");
    pv["spec"]["nodeAffinity"] = json!(null);
    pv["metadata"]["labels"] = json!({"topology.kubernetes.io/zone": "us-east-1a__us-east-1c"});
    let c = cluster(vec![
        node("n-a", "us-east-1a", "8", "8Gi"),
        node("n-b", "us-east-1b", "8", "8Gi"),
        node("n-c", "us-east-1c", "8", "8Gi"),
        class("gp3", "Immediate", "ebs.csi.aws.com"),
        pv,
        claim("data", "gp3", Some("pv-1"), "ReadWriteOnce"),
        db_pod("p", None, "data"),
    ]);
    let e = explain(c, "db", "p");
    assert_eq!(fits(&e), ["n-a", "n-c"]);
    assert_eq!(
        on(&e, "n-b").reasons(),
        ["node(s) had no available volume zone"]
    );
}

#[test]
fn node_name_and_no_nodes() {
    // Bound to a node that is gone: it fits nowhere.
    let mut p = pod("shop", "pinned", None, "100m", "64Mi");
    p["spec"]["nodeName"] = json!("n-gone");
    let c = cluster(vec![
        node("n-a", "us-east-1a", "8", "8Gi"),
        node("n-b", "us-east-1b", "8", "8Gi"),
        p,
    ]);
    let e = explain(c, "shop", "pinned");
    assert_eq!(
        on(&e, "n-a").reasons(),
        ["node(s) didn't match the requested node name"]
    );
    assert!(fits(&e).is_empty());
    // Bound to an existing node: judged as if scheduled again, its own usage not counted.
    let c = cluster(vec![
        node("n-a", "us-east-1a", "1", "8Gi"),
        node("n-b", "us-east-1b", "1", "8Gi"),
        pod("shop", "running", Some("n-b"), "800m", "64Mi"),
    ]);
    let e = explain(c, "shop", "running");
    assert_eq!(fits(&e), ["n-a", "n-b"]);
    assert!(e.notes.iter().any(|n| n.contains("already bound to n-b")));

    let c = cluster(vec![pod("shop", "lonely", None, "100m", "64Mi")]);
    assert_eq!(
        explain(c, "shop", "lonely").aggregate,
        "no nodes available to schedule pods"
    );
}
