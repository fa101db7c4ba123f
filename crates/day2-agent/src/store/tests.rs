//! The store: what it holds, what it tells as changed, what it refuses.

use super::*;
use serde_json::json;

fn pod(ns: &str, name: &str, image: &str) -> Value {
    json!({"metadata": {"namespace": ns, "name": name},
           "spec": {"containers": [{"name": "app", "image": image}]}})
}

fn images(s: &Store) -> Vec<String> {
    let c = s.cluster("test", Vec::new());
    let mut v: Vec<String> = c
        .stores
        .pods
        .iter()
        .map(|p| {
            format!(
                "{}/{}={}",
                p.ns_or_default(),
                p.name(),
                p.obj
                    .spec
                    .as_ref()
                    .and_then(|s| s.containers.first())
                    .and_then(|c| c.image.clone())
                    .unwrap_or_default()
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn apply_adds_then_replaces_an_object_by_namespace_and_name() {
    let mut s = Store::new("live:test");
    s.apply("v1", "Pod", pod("shop", "web", "web:1")).unwrap();
    s.apply("v1", "Pod", pod("db", "web", "web:1")).unwrap();
    s.apply("v1", "Pod", pod("shop", "web", "web:2")).unwrap();
    assert_eq!(images(&s), ["db/web=web:1", "shop/web=web:2"]);
    assert_eq!(s.counts(), [("Pod", 2)]);
}

fn node(rv: &str, ready: &str, heartbeat: &str) -> Value {
    json!({"metadata": {"name": "n1", "resourceVersion": rv},
           "status": {"conditions": [
               {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": heartbeat,
                "lastTransitionTime": "2026-01-01T00:00:00Z"},
               {"type": "Ready", "status": ready, "lastHeartbeatTime": heartbeat,
                "lastTransitionTime": "2026-01-01T00:00:00Z"}]}})
}

#[test]
fn a_heartbeat_or_a_new_resource_version_alone_is_not_a_change() {
    let mut s = Store::new("live:test");
    assert!(
        s.apply("v1", "Node", node("1", "True", "2026-01-01T10:00:00Z"))
            .unwrap()
    );
    let g = s.generation();
    // The kubelet's heartbeat: new times, new resourceVersion, same state.
    assert!(
        !s.apply("v1", "Node", node("2", "True", "2026-01-01T10:00:40Z"))
            .unwrap()
    );
    assert_eq!(s.generation(), g);
    // The node going NotReady is a change, heartbeat or not.
    assert!(
        s.apply("v1", "Node", node("3", "False", "2026-01-01T10:00:40Z"))
            .unwrap()
    );
    assert!(s.generation() > g);
    let c = s.cluster("test", Vec::new());
    let ready = c.stores.nodes[0]
        .obj
        .status
        .as_ref()
        .and_then(|st| st.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .map(|c| c.status.clone());
    assert_eq!(ready.as_deref(), Some("False"));
    // A pod's heartbeat-named field is not skipped: only a Node's are.
    let mut p = pod("shop", "web", "web:1");
    assert!(s.apply("v1", "Pod", p.clone()).unwrap());
    p["metadata"]["resourceVersion"] = json!("9");
    assert!(!s.apply("v1", "Pod", p.clone()).unwrap());
    p["status"] = json!({"conditions": [{"type": "Ready", "status": "True",
                                        "lastHeartbeatTime": "2026-01-01T10:00:00Z"}]});
    assert!(s.apply("v1", "Pod", p.clone()).unwrap());
    p["status"]["conditions"][0]["lastHeartbeatTime"] = json!("2026-01-01T10:05:00Z");
    assert!(s.apply("v1", "Pod", p).unwrap());
}

#[test]
fn a_cluster_built_after_the_last_one_is_the_cluster_built_whole() {
    let mut s = Store::new("live:test");
    for i in 0..20 {
        s.apply("v1", "Pod", pod("shop", &format!("web-{i}"), "web:1"))
            .unwrap();
    }
    s.apply("v1", "Node", node("1", "True", "2026-01-01T10:00:00Z"))
        .unwrap();
    s.apply(
        "v1",
        "Service",
        json!({"metadata": {"namespace": "shop", "name": "web"}, "spec": {"selector": {"app": "web"}}}),
    )
    .unwrap();
    let whole = |s: &Store| {
        let mut c = s.cluster("test", Vec::new());
        c.captured_at = None;
        format!("{c:?}")
    };
    let evaluate = |s: &mut Store| {
        let changed = s.take_changed();
        let prev = s.take_reuse();
        let mut c = s.cluster_after("test", Vec::new(), prev, changed);
        c.captured_at = None;
        let text = format!("{c:?}");
        s.keep_reuse(c.into_reuse());
        text
    };
    assert_eq!(evaluate(&mut s), whole(&s));
    // Nothing changed; a Service changed; a pod; a node; a pod deleted.
    assert_eq!(evaluate(&mut s), whole(&s));
    s.apply(
        "v1",
        "Service",
        json!({"metadata": {"namespace": "shop", "name": "web"}, "spec": {"selector": {"app": "typo"}}}),
    )
    .unwrap();
    assert_eq!(evaluate(&mut s), whole(&s));
    // The kubelet's update: a pod's status alone.
    let mut p = pod("shop", "web-2", "web:1");
    p["status"] = json!({"phase": "Failed", "reason": "Evicted"});
    s.apply("v1", "Pod", p).unwrap();
    assert_eq!(evaluate(&mut s), whole(&s));
    // What the indexes read: a pod's node and labels, a node's zone.
    let mut p = pod("shop", "web-3", "web:2");
    p["metadata"]["labels"] = json!({"app": "web"});
    p["spec"]["nodeName"] = json!("n1");
    s.apply("v1", "Pod", p).unwrap();
    assert_eq!(evaluate(&mut s), whole(&s));
    let mut n = node("2", "False", "2026-01-01T10:01:00Z");
    n["metadata"]["labels"] = json!({"topology.kubernetes.io/zone": "eu-west-1a"});
    s.apply("v1", "Node", n).unwrap();
    assert_eq!(evaluate(&mut s), whole(&s));
    s.delete("Pod", &pod("shop", "web-7", "web:1"));
    assert_eq!(evaluate(&mut s), whole(&s));
}

#[test]
fn the_kinds_that_changed_are_told_once_each() {
    use day2_model::StoredKind as K;
    let kinds = |ks: &[K]| KindSet::of(ks);
    let mut s = Store::new("live:test");
    // Nothing was evaluated yet: everything is to be read.
    assert_eq!(s.take_changed(), KindSet::ALL);
    assert_eq!(s.take_changed(), KindSet::EMPTY);
    s.apply("v1", "Pod", pod("shop", "web", "web:1")).unwrap();
    s.apply("v1", "Node", node("1", "True", "2026-01-01T10:00:00Z"))
        .unwrap();
    // A new pod is all of it, its status and phase too.
    let pod_status = KindSet::POD_STATUS.union(KindSet::POD_PHASE);
    assert_eq!(
        s.take_changed(),
        kinds(&[K::Pod, K::Node]).union(pod_status)
    );
    // The kubelet's update: the status alone, its phase with it.
    let mut p = pod("shop", "web", "web:1");
    p["status"] = json!({"phase": "Running"});
    s.apply("v1", "Pod", p.clone()).unwrap();
    assert_eq!(s.take_changed(), pod_status);
    // A container restarted: the status, the phase as it was.
    p["status"]["containerStatuses"] = json!([{"name": "app", "restartCount": 1}]);
    s.apply("v1", "Pod", p.clone()).unwrap();
    assert_eq!(s.take_changed(), KindSet::POD_STATUS);
    // The pod ran to completion: its phase changed.
    p["status"]["phase"] = json!("Succeeded");
    s.apply("v1", "Pod", p).unwrap();
    assert_eq!(s.take_changed(), pod_status);
    // A heartbeat is no change; a delete is.
    s.apply("v1", "Node", node("2", "True", "2026-01-01T10:00:40Z"))
        .unwrap();
    assert_eq!(s.take_changed(), KindSet::EMPTY);
    s.delete("Pod", &pod("shop", "web", "web:1"));
    assert_eq!(s.take_changed(), kinds(&[K::Pod]).union(pod_status));
    // A kind without a typed model changes the `Other` store.
    s.apply(
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
        json!({"metadata": {"namespace": "shop", "name": "web"}}),
    )
    .unwrap();
    assert_eq!(s.take_changed(), kinds(&[K::Other]));
    // A relist counts what was there and what is.
    s.relist_start("Node");
    s.relist_done("Node");
    assert_eq!(s.take_changed(), kinds(&[K::Node]));
    // An evaluation that failed gives its kinds back.
    s.mark_changed(kinds(&[K::Service]));
    assert_eq!(s.take_changed(), kinds(&[K::Service]));
}

#[test]
fn delete_removes_only_that_object() {
    let mut s = Store::new("live:test");
    s.apply("v1", "Pod", pod("shop", "a", "x")).unwrap();
    s.apply("v1", "Pod", pod("shop", "b", "x")).unwrap();
    let before = s.generation();
    s.delete("Pod", &pod("shop", "a", "x"));
    assert_eq!(images(&s), ["shop/b=x"]);
    assert!(s.generation() > before);
    // Deleting what is not there changes nothing.
    let g = s.generation();
    s.delete("Pod", &pod("shop", "a", "x"));
    assert_eq!(s.generation(), g);
}

#[test]
fn relist_replaces_the_kind_so_objects_deleted_while_disconnected_go_away() {
    let mut s = Store::new("live:test");
    s.relist_start("Pod");
    s.relist_item("v1", "Pod", pod("shop", "a", "x")).unwrap();
    s.relist_item("v1", "Pod", pod("shop", "b", "x")).unwrap();
    s.relist_done("Pod");
    assert!(s.synced("Pod"));
    s.apply(
        "v1",
        "Service",
        json!({"metadata": {"namespace": "shop", "name": "web"}}),
    )
    .unwrap();
    // The watch expired (410 Gone): the second list no longer has `a`, `b`
    // changed, and `c` is new. Until it completes, the old objects stand.
    s.relist_start("Pod");
    s.relist_item("v1", "Pod", pod("shop", "b", "y")).unwrap();
    assert_eq!(images(&s), ["shop/a=x", "shop/b=x"]);
    s.relist_item("v1", "Pod", pod("shop", "c", "x")).unwrap();
    s.relist_done("Pod");
    assert_eq!(images(&s), ["shop/b=y", "shop/c=x"]);
    // Other kinds are untouched, and nothing is counted twice.
    assert_eq!(s.counts(), [("Pod", 2), ("Service", 1)]);
    assert_eq!(s.len(), 3);
}

#[test]
fn a_secret_is_stored_without_its_values() {
    let mut s = Store::new("live:test");
    // base64 of an AWS example key id from AWS's documentation.
    s.apply(
        "v1",
        "Secret",
        json!({"metadata": {"namespace": "ci", "name": "aws"},
               "data": {"AWS_ACCESS_KEY_ID": "QUtJQUlPU0ZPRE5ON0VYQU1QTEU="}}),
    )
    .unwrap();
    let c = s.cluster("test", Vec::new());
    assert_eq!(c.stores.secrets.len(), 1);
    let dump = format!("{:?}", c.stores.secrets);
    assert!(!dump.contains("QUtJQUlPU0ZPRE5ON0VYQU1QTEU="), "{dump}");
    assert!(!dump.contains("AKIAIOSFODNN7EXAMPLE"), "{dump}");
}

#[test]
fn an_undecodable_object_is_a_note_until_it_is_fixed_or_deleted() {
    let mut s = Store::new("live:test");
    let bad = json!({"metadata": {"namespace": "shop", "name": "web"},
                     "spec": {"containers": "not a list"}});
    let e = s.apply("v1", "Pod", bad.clone()).unwrap_err();
    assert!(matches!(e, StoreError::Undecodable { .. }), "{e}");
    let c = s.cluster("test", Vec::new());
    let notes = &c.notes;
    assert_eq!(notes.len(), 1);
    assert!(notes[0].message.contains("Pod shop/web"), "{}", notes[0]);
    s.delete("Pod", &bad);
    assert!(s.cluster("test", Vec::new()).notes.is_empty());
}
