//! The JSON of each generated object: nodes, namespaces, workloads and
//! their pods, storage, Services and events.

use super::*;

impl Plan {
    pub(super) fn node(&self, n: &NodeP, rng: &mut Rng) -> Value {
        let pool = &POOLS[n.pool];
        let zone = ZONES[n.zone];
        let mut labels = json!({
            "eks.amazonaws.com/capacityType": if n.pool == 1 { "SPOT" } else { "ON_DEMAND" },
            "eks.amazonaws.com/nodegroup": pool.name,
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": n.name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": pool.instance,
            "topology.ebs.csi.aws.com/zone": zone,
            "topology.kubernetes.io/region": "us-east-1",
            "topology.kubernetes.io/zone": zone
        });
        let mut capacity = json!({"cpu": pool.cpu.to_string(), "ephemeral-storage": "104845292Ki", "memory": format!("{}Ki", pool.mem_ki), "pods": pool.pods.to_string()});
        let mut allocatable = json!({"cpu": format!("{}m", pool.cpu * 1000 - 90), "ephemeral-storage": "95551679124", "memory": format!("{}Ki", pool.mem_ki - 1_000_000), "pods": pool.pods.to_string()});
        let mut taints = Vec::new();
        if pool.gpu {
            labels["nvidia.com/gpu.present"] = "true".into();
            capacity["nvidia.com/gpu"] = "1".into();
            allocatable["nvidia.com/gpu"] = "1".into();
            taints
                .push(json!({"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}));
        }
        if n.unschedulable {
            taints.push(json!({"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "timeAdded": ts(-1800)}));
        }
        if !n.ready {
            taints.push(json!({"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(-600)}));
            taints.push(json!({"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(-595)}));
        }
        let hb = ts(NOW - BASE - rng.below(40) as i64);
        let since = ts(n.created + 40);
        let cond = |t: &str, status: &str, reason: &str| json!({"lastHeartbeatTime": hb, "lastTransitionTime": since, "reason": reason, "status": status, "type": t});
        let mut ready = if n.ready {
            cond("Ready", "True", "KubeletReady")
        } else {
            cond("Ready", "Unknown", "NodeStatusUnknown")
        };
        ready["message"] = if n.ready {
            "kubelet is posting ready status"
        } else {
            "Kubelet stopped posting node status."
        }
        .into();
        let mut spec = json!({"providerID": format!("aws:///{zone}/{}", n.instance_id)});
        if !taints.is_empty() {
            spec["taints"] = taints.into();
        }
        if n.unschedulable {
            spec["unschedulable"] = true.into();
        }
        json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "annotations": {"alpha.kubernetes.io/provided-node-ip": n.ip, "node.alpha.kubernetes.io/ttl": "0"},
                "creationTimestamp": ts(n.created),
                "labels": labels,
                "name": n.name,
                "resourceVersion": rv(rng),
                "uid": n.uid
            },
            "spec": spec,
            "status": {
                "addresses": [{"address": n.ip, "type": "InternalIP"}, {"address": n.name, "type": "Hostname"}],
                "allocatable": allocatable,
                "capacity": capacity,
                "conditions": [
                    cond("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                    cond("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                    cond("PIDPressure", "False", "KubeletHasSufficientPID"),
                    ready
                ],
                "nodeInfo": {
                    "architecture": "amd64",
                    "bootID": rng.uuid(),
                    "containerRuntimeVersion": "containerd://1.7.25",
                    "kernelVersion": "6.1.124-134.200.amzn2023.x86_64",
                    "kubeProxyVersion": "v1.32.0-eks-aeac579",
                    "kubeletVersion": "v1.32.0-eks-aeac579",
                    "machineID": rng.hex(32),
                    "operatingSystem": "linux",
                    "osImage": "Amazon Linux 2023.6.20250115",
                    "systemUUID": format!("ec2{}", &rng.uuid()[3..])
                }
            }
        })
    }

    pub(super) fn namespace(&self, i: usize) -> Value {
        let name = &self.namespaces[i];
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"creationTimestamp": ts(-40 * 86400), "labels": {"kubernetes.io/metadata.name": name}, "name": name, "resourceVersion": (1000 + i).to_string(), "uid": self.ns_uids[i]}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    }

    pub(super) fn labels(&self, w: &Workload) -> Value {
        json!({"app": w.name})
    }

    pub(super) fn container_json(&self, c: &ContainerP, w: &Workload) -> Value {
        if self.spec.adversarial {
            let image = c.image.split(':').next().unwrap_or(&c.image);
            let port = c.port.unwrap_or(8080);
            return json!({
                "image": format!("{image}:latest"),
                "name": c.name,
                "ports": [{"containerPort": port, "hostPort": port}],
                "securityContext": {"privileged": true, "runAsUser": 0, "capabilities": {"add": ["SYS_ADMIN", "NET_ADMIN"]}},
                "env": [{"name": "DB_PASSWORD", "value": "hunter2-not-a-real-password"}],
            });
        }
        let mut v = json!({"image": c.image, "name": c.name});
        if let Some(p) = c.port {
            v["ports"] = json!([{"containerPort": p}]);
        }
        let mut resources = Map::new();
        if let Some((cpu, mem)) = c.limits {
            resources.insert(
                "limits".into(),
                json!({"cpu": format!("{cpu}m"), "memory": format!("{mem}Mi")}),
            );
        }
        if let Some((cpu, mem)) = c.requests {
            resources.insert(
                "requests".into(),
                json!({"cpu": format!("{cpu}m"), "memory": format!("{mem}Mi")}),
            );
        }
        v["resources"] = resources.into();
        let port = c.port.unwrap_or(8080);
        if c.readiness {
            v["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": port}});
        }
        if c.liveness {
            v["livenessProbe"] = json!({"httpGet": {"path": "/healthz", "port": port}});
        }
        if c.env > 0 {
            let mut env = vec![
                json!({"name": "LOG_LEVEL", "value": "info"}),
                json!({"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": format!("{}-db", w.name)}}}),
            ];
            env.truncate(c.env);
            v["env"] = env.into();
        }
        v
    }

    /// The pod spec of a workload's template (pods add their node and volumes).
    pub(super) fn pod_spec(&self, w: &Workload, rng: &mut Rng) -> Value {
        let containers: Vec<Value> = w
            .containers
            .iter()
            .map(|c| self.container_json(c, w))
            .collect();
        let mut spec = json!({"containers": containers, "serviceAccountName": w.sa});
        if w.kind == WKind::Job {
            spec["restartPolicy"] = "Never".into();
        }
        if w.gpu {
            spec["tolerations"] =
                json!([{"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}]);
            spec["nodeSelector"] = json!({"eks.amazonaws.com/nodegroup": "gpu"});
            spec["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] = "1".into();
        }
        if w.kind == WKind::StatefulSet {
            spec["containers"][0]["volumeMounts"] =
                json!([{"mountPath": "/var/lib/data", "name": "data"}]);
        }
        if w.kind == WKind::Deployment && w.replicas > 2 && rng.chance(40) {
            spec["topologySpreadConstraints"] = json!([{"labelSelector": {"matchLabels": {"app": w.name}}, "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"}]);
        }
        if w.kind == WKind::DaemonSet {
            spec["hostNetwork"] = true.into();
            spec["priorityClassName"] = "system-node-critical".into();
            spec["tolerations"] = json!([{"operator": "Exists"}]);
        }
        spec
    }

    pub(super) fn pod(&self, p: &PodP, rng: &mut Rng) -> Value {
        let w = &self.workloads[p.w];
        let ns = &self.namespaces[w.ns];
        let mut labels = self.labels(w);
        let (owner_kind, owner_name, owner_uid, owner_api) = match w.kind {
            WKind::Deployment => {
                labels["pod-template-hash"] = w.hash.clone().into();
                (
                    "ReplicaSet",
                    format!("{}-{}", w.name, w.hash),
                    w.rs_uid.as_str(),
                    "apps/v1",
                )
            }
            WKind::StatefulSet => {
                labels["controller-revision-hash"] = format!("{}-{}", w.name, w.hash).into();
                labels["statefulset.kubernetes.io/pod-name"] = p.name.clone().into();
                labels["apps.kubernetes.io/pod-index"] = p.ordinal.to_string().into();
                ("StatefulSet", w.name.clone(), w.uid.as_str(), "apps/v1")
            }
            WKind::DaemonSet => {
                labels["controller-revision-hash"] = w.hash.clone().into();
                ("DaemonSet", w.name.clone(), w.uid.as_str(), "apps/v1")
            }
            WKind::Job => {
                labels["batch.kubernetes.io/job-name"] = w.name.clone().into();
                ("Job", w.name.clone(), w.uid.as_str(), "batch/v1")
            }
        };
        let mut spec = self.pod_spec(w, rng);
        if w.kind == WKind::StatefulSet {
            spec["volumes"] = json!([{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-{}", p.name)}}]);
        }
        if self.spec.adversarial {
            token_volume(&mut spec, &p.uid);
        }
        let node = p.node.map(|n| &self.nodes[n]);
        if let Some(n) = node {
            spec["nodeName"] = n.name.clone().into();
        }
        let status = self.pod_status(p, w, node);
        let meta = json!({
            "creationTimestamp": ts(p.start - 2),
            "labels": labels,
            "name": p.name,
            "namespace": ns,
            "ownerReferences": [{"apiVersion": owner_api, "controller": true, "kind": owner_kind, "name": owner_name, "uid": owner_uid}],
            "uid": p.uid
        });
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status})
    }

    pub(super) fn pod_status(&self, p: &PodP, w: &Workload, node: Option<&NodeP>) -> Value {
        let start = p.start;
        if node.is_none() {
            return json!({"conditions": [{"lastTransitionTime": ts(start), "message": unschedulable_message(self.spec.nodes), "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}], "phase": "Pending"});
        }
        let ready = matches!(p.state, State::Running | State::OomRestarted);
        let statuses: Vec<Value> = w
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let main = i == 0;
                let (state, last, restarts, ready_c) = match p.state {
                    State::CrashLoop if main => (
                        json!({"waiting": {"message": format!("back-off 5m0s restarting failed container={} pod={}_{}({})", c.name, p.name, self.namespaces[w.ns], p.uid), "reason": "CrashLoopBackOff"}}),
                        Some(json!({"terminated": {"exitCode": 1, "finishedAt": ts(NOW - BASE - 120), "reason": "Error", "startedAt": ts(NOW - BASE - 125)}})),
                        7 + (p.start.unsigned_abs() % 40) as usize,
                        false,
                    ),
                    State::ImagePull if main => (
                        json!({"waiting": {"message": format!("Back-off pulling image \"{}\"", c.image), "reason": "ImagePullBackOff"}}),
                        None,
                        0,
                        false,
                    ),
                    State::OomRestarted if main => (
                        json!({"running": {"startedAt": ts(NOW - BASE - 900)}}),
                        Some(json!({"terminated": {"exitCode": 137, "finishedAt": ts(NOW - BASE - 901), "reason": "OOMKilled", "startedAt": ts(start + 20)}})),
                        1 + (p.start.unsigned_abs() % 5) as usize,
                        true,
                    ),
                    State::Succeeded => (
                        json!({"terminated": {"exitCode": 0, "finishedAt": ts(start + 300), "reason": "Completed", "startedAt": ts(start + 5)}}),
                        None,
                        0,
                        false,
                    ),
                    _ => (json!({"running": {"startedAt": ts(start + 5)}}), None, 0, ready),
                };
                let mut s = json!({"name": c.name, "ready": ready_c, "restartCount": restarts, "state": state});
                if let Some(l) = last {
                    s["lastState"] = l;
                }
                s
            })
            .collect();
        let phase = if p.state == State::Succeeded {
            "Succeeded"
        } else {
            "Running"
        };
        let mut ready_cond =
            json!({"status": if ready { "True" } else { "False" }, "type": "Ready"});
        if !ready {
            ready_cond["reason"] = if p.state == State::Succeeded {
                "PodCompleted"
            } else {
                "ContainersNotReady"
            }
            .into();
        }
        json!({
            "conditions": [ready_cond],
            "containerStatuses": statuses,
            "phase": phase,
            "podIP": p.ip
        })
    }

    pub(super) fn workload_meta(
        &self,
        w: &Workload,
        name: &str,
        uid: &str,
        rng: &mut Rng,
    ) -> Value {
        json!({
            "creationTimestamp": ts(w.created),
            "generation": w.generation,
            "labels": self.labels(w),
            "name": name,
            "namespace": self.namespaces[w.ns],
            "resourceVersion": rv(rng),
            "uid": uid
        })
    }

    /// The objects of workload `wi`: the controller, its ReplicaSets, Service, EndpointSlice, claims and volumes.
    pub(super) fn workload_objects(&self, wi: usize, rng: &mut Rng) -> WorkloadObjects {
        let w = &self.workloads[wi];
        let ns = &self.namespaces[w.ns];
        let ready = w
            .pods
            .iter()
            .filter(|p| matches!(self.pods[**p].state, State::Running | State::OomRestarted))
            .count();
        let mut out = WorkloadObjects::default();
        let tpl_spec = self.pod_spec(w, rng);
        let mut tpl_labels = self.labels(w);
        let selector = json!({"matchLabels": {"app": w.name}});
        let meta = self.workload_meta(w, &w.name, &w.uid, rng);
        let replicas = w.replicas;
        match w.kind {
            WKind::Deployment => {
                let available = ready.min(replicas);
                let ok = available == replicas;
                out.main = Some(json!({
                    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
                    "spec": {"replicas": replicas, "selector": selector, "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec}},
                    "status": {"availableReplicas": available, "conditions": [{"lastTransitionTime": ts(w.created + 30), "reason": if ok { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" }, "status": if ok { "True" } else { "False" }, "type": "Available"}], "observedGeneration": w.generation, "readyReplicas": available, "replicas": replicas, "updatedReplicas": replicas}
                }));
                let owner = json!([{"apiVersion": "apps/v1", "controller": true, "kind": "Deployment", "name": w.name, "uid": w.uid}]);
                let mut rs_set = vec![(w.hash.as_str(), w.rs_uid.as_str(), replicas, available)];
                if let Some((h, u)) = &w.old_rs {
                    rs_set.push((h, u, 0, 0));
                }
                for (hash, uid, r, a) in rs_set {
                    let name = format!("{}-{hash}", w.name);
                    let mut m = self.workload_meta(w, &name, uid, rng);
                    m["labels"]["pod-template-hash"] = hash.into();
                    m["ownerReferences"] = owner.clone();
                    // Old ReplicaSets keep their template; the current one's is the Deployment's.
                    let mut l = tpl_labels.clone();
                    l["pod-template-hash"] = hash.into();
                    let tpl = if r == 0 {
                        self.pod_spec(w, rng)
                    } else {
                        out.main
                            .as_ref()
                            .map(|d| d["spec"]["template"]["spec"].clone())
                            .unwrap_or_default()
                    };
                    out.replica_sets.push(json!({
                        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": m,
                        "spec": {"replicas": r, "selector": {"matchLabels": {"app": w.name, "pod-template-hash": hash}}, "template": {"metadata": {"labels": l}, "spec": tpl}},
                        "status": {"availableReplicas": a, "observedGeneration": 1, "readyReplicas": a, "replicas": r}
                    }));
                }
            }
            WKind::StatefulSet => {
                let (class, binding, _) = CLASSES[w.class];
                out.main = Some(json!({
                    "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
                    "spec": {"replicas": replicas, "selector": selector, "serviceName": w.service.as_deref().unwrap_or(&w.name),
                             "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec},
                             "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Gi"}}, "storageClassName": class}}]},
                    "status": {"availableReplicas": ready, "currentReplicas": replicas, "observedGeneration": w.generation, "readyReplicas": ready, "replicas": replicas, "updatedReplicas": replicas}
                }));
                for (k, pi) in w.pods.iter().enumerate() {
                    let p = &self.pods[*pi];
                    let claim = format!("data-{}", p.name);
                    let claim_uid = rng.uuid();
                    // WaitForFirstConsumer binds where the pod runs; Immediate binds at once, in any zone.
                    let zone = match (binding, p.node) {
                        ("Immediate", _) => Some((w.ns + k) % 3),
                        (_, Some(n)) => Some(self.nodes[n].zone),
                        _ => None,
                    };
                    let mut pvc = json!({
                        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                        "metadata": {"creationTimestamp": ts(w.created), "labels": {"app": w.name}, "name": claim, "namespace": ns, "resourceVersion": rv(rng), "uid": claim_uid},
                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Gi"}}, "storageClassName": class},
                        "status": {"phase": "Pending"}
                    });
                    let Some(zone) = zone else {
                        out.pvcs.push(pvc);
                        continue;
                    };
                    let pv = format!("pvc-{claim_uid}");
                    if let Some(n) = p.node.filter(|_| binding != "Immediate") {
                        pvc["metadata"]["annotations"] =
                            json!({"volume.kubernetes.io/selected-node": self.nodes[n].name});
                    }
                    pvc["spec"]["volumeName"] = pv.clone().into();
                    pvc["status"] = json!({"capacity": {"storage": "20Gi"}, "phase": "Bound"});
                    out.pvcs.push(pvc);
                    out.pvs.push(json!({
                        "apiVersion": "v1", "kind": "PersistentVolume",
                        "metadata": {"creationTimestamp": ts(w.created + 5), "name": pv, "resourceVersion": rv(rng), "uid": rng.uuid()},
                        "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "20Gi"}, "claimRef": {"name": claim, "namespace": ns, "uid": claim_uid},
                                 "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-0{}", rng.hex(16))},
                                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.ebs.csi.aws.com/zone", "operator": "In", "values": [ZONES[zone]]}]}]}},
                                 "persistentVolumeReclaimPolicy": "Delete", "storageClassName": class},
                        "status": {"phase": "Bound"}
                    }));
                }
            }
            WKind::DaemonSet => {
                tpl_labels["controller-revision-hash"] = w.hash.clone().into();
                out.main = Some(json!({
                    "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta,
                    "spec": {"selector": selector, "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec}},
                    "status": {"currentNumberScheduled": replicas, "desiredNumberScheduled": replicas, "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready, "observedGeneration": w.generation, "updatedNumberScheduled": replicas}
                }));
            }
            WKind::Job => {
                out.main = Some(json!({
                    "apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                    "spec": {"backoffLimit": 6, "completions": 1, "parallelism": 1, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": w.uid}}, "template": {"metadata": {"labels": tpl_labels}, "spec": tpl_spec}},
                    "status": {"completionTime": ts(w.created + 310), "conditions": [{"lastTransitionTime": ts(w.created + 310), "status": "True", "type": "Complete"}], "startTime": ts(w.created), "succeeded": 1}
                }));
            }
        }
        if let Some(svc) = &w.service {
            let port = w.containers[0].port.unwrap_or(8080);
            let headless = w.kind == WKind::StatefulSet;
            let ip = if headless {
                "None".to_owned()
            } else {
                format!("172.20.{}.{}", rng.below(256), 1 + rng.below(254))
            };
            let svc_uid = rng.uuid();
            out.service = Some(json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"creationTimestamp": ts(w.created), "labels": self.labels(w), "name": svc, "namespace": ns, "resourceVersion": rv(rng), "uid": svc_uid},
                "spec": {"clusterIP": ip, "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": port}], "selector": {"app": w.name}, "type": "ClusterIP"}
            }));
            let endpoints: Vec<Value> = w
                .pods
                .iter()
                .map(|pi| &self.pods[*pi])
                .filter_map(|p| {
                    p.node?;
                    let ready = matches!(p.state, State::Running | State::OomRestarted);
                    Some(json!({"addresses": [p.ip], "conditions": {"ready": ready}, "targetRef": {"kind": "Pod", "name": p.name}}))
                })
                .collect();
            out.endpoint_slice = Some(json!({
                "addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "endpoints": endpoints, "kind": "EndpointSlice",
                "metadata": {"labels": {"kubernetes.io/service-name": svc}, "name": format!("{svc}-{}", rng.suffix(5)), "namespace": ns, "ownerReferences": [{"apiVersion": "v1", "controller": true, "kind": "Service", "name": svc, "uid": svc_uid}]},
                "ports": [{"name": "http", "port": port, "protocol": "TCP"}]
            }));
        }
        out
    }

    pub(super) fn storage_classes(&self) -> Vec<Value> {
        CLASSES
            .iter()
            .map(|(name, binding, default)| {
                let mut meta = json!({"creationTimestamp": ts(-40 * 86400), "name": name, "resourceVersion": "1234"});
                if *default {
                    meta["annotations"] =
                        json!({"storageclass.kubernetes.io/is-default-class": "true"});
                }
                json!({"allowVolumeExpansion": true, "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta, "parameters": {"type": name}, "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete", "volumeBindingMode": binding})
            })
            .collect()
    }

    // ---------------------------------------------------------------- events

    /// Event `k` of the cluster: chosen deterministically from the pods, workloads and nodes.
    /// An event; in the adversarial profile its message runs to about 1 KB
    /// (a kubelet or controller quoting a long error, as they do).
    pub(super) fn event_of_profile(&self, k: usize, rng: &mut Rng) -> Value {
        let mut e = self.event(k, rng);
        if self.spec.adversarial
            && let Some(Value::String(m)) = e.get_mut("message")
        {
            while m.len() < 1000 {
                m.push_str(" (retrying: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp 10.100.0.10:443: i/o timeout\")");
            }
        }
        e
    }

    pub(super) fn event(&self, k: usize, rng: &mut Rng) -> Value {
        let p = &self.pods[k * 7919 % self.pods.len().max(1)];
        let w = &self.workloads[p.w];
        let ns = self.namespaces[w.ns].as_str();
        let node = p.node.map(|n| &self.nodes[n]);
        let host = node.map_or("", |n| n.name.as_str());
        let t = NOW - BASE - rng.below(3300) as i64;
        let c = &w.containers[k % w.containers.len()];
        let pod_ref = |field: bool| {
            let mut r = json!({"kind": "Pod", "name": p.name, "namespace": ns, "uid": p.uid});
            if field {
                r["fieldPath"] = format!("spec.containers{{{}}}", c.name).into();
            }
            r
        };
        // A legacy (core/v1) event from a recorder: count, first and last timestamps, source.
        let legacy = |rng: &mut Rng,
                      involved: Value,
                      reason: &str,
                      msg: String,
                      type_: &str,
                      component: &str,
                      count: usize|
         -> Value {
            let name = format!(
                "{}.{}",
                involved["name"].as_str().unwrap_or(""),
                rng.hex(16)
            );
            let mut e = json!({
                "apiVersion": "v1", "count": count, "involvedObject": involved, "kind": "Event", "lastTimestamp": ts(t), "message": msg,
                "metadata": {"name": name, "namespace": involved["namespace"].as_str().unwrap_or("default")},
                "reason": reason, "source": {"component": component}, "type": type_
            });
            // A repeated event tells when it started.
            if count > 1 {
                e["firstTimestamp"] = ts(t - rng.below(3000) as i64).into();
            }
            e
        };
        // An events.k8s.io-written event (the scheduler) as read through core/v1.
        let modern = |rng: &mut Rng,
                      reason: &str,
                      action: &str,
                      msg: String,
                      type_: &str,
                      series: Option<usize>|
         -> Value {
            let mut e = json!({
                "action": action, "apiVersion": "v1", "eventTime": ts_micro(t, rng.next()), "involvedObject": pod_ref(false), "kind": "Event", "message": msg,
                "metadata": {"name": format!("{}.{}", p.name, rng.hex(16)), "namespace": ns},
                "reason": reason, "reportingComponent": "default-scheduler", "type": type_
            });
            if let Some(n) = series {
                e["series"] =
                    json!({"count": n, "lastObservedTime": ts_micro(t + 240, rng.next())});
            }
            e
        };
        let choice = rng.below(100);
        match (p.state, choice) {
            (State::Pending, 0..=79) => {
                if choice < 70 {
                    modern(
                        rng,
                        "FailedScheduling",
                        "Scheduling",
                        unschedulable_message(self.spec.nodes),
                        "Warning",
                        choice.is_multiple_of(3).then_some(2 + k % 30),
                    )
                } else {
                    let nr = json!({"kind": "Pod", "name": p.name, "namespace": ns, "uid": p.uid});
                    legacy(rng, nr, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached, 3 Insufficient cpu".into(), "Normal", "cluster-autoscaler", 1 + k % 40)
                }
            }
            (State::CrashLoop, 0..=59) => legacy(
                rng,
                pod_ref(true),
                "BackOff",
                format!(
                    "Back-off restarting failed container {} in pod {}_{ns}({})",
                    c.name, p.name, p.uid
                ),
                "Warning",
                "kubelet",
                10 + k % 200,
            ),
            (State::ImagePull, 0..=39) => legacy(
                rng,
                pod_ref(true),
                "Failed",
                format!(
                    "Failed to pull image \"{}\": failed to pull and unpack image \"{}\": failed to resolve reference \"{}\": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials",
                    c.image, c.image, c.image
                ),
                "Warning",
                "kubelet",
                5 + k % 20,
            ),
            (State::ImagePull, 40..=79) => legacy(
                rng,
                pod_ref(true),
                "BackOff",
                format!("Back-off pulling image \"{}\"", c.image),
                "Normal",
                "kubelet",
                20 + k % 100,
            ),
            (State::OomRestarted, 0..=49) => legacy(
                rng,
                pod_ref(true),
                "Killing",
                format!(
                    "Container {} failed liveness probe, will be restarted",
                    c.name
                ),
                "Normal",
                "kubelet",
                1 + k % 4,
            ),
            (_, 0..=9) => modern(
                rng,
                "Scheduled",
                "Binding",
                format!("Successfully assigned {ns}/{} to {host}", p.name),
                "Normal",
                None,
            ),
            (_, 10..=19) => legacy(
                rng,
                pod_ref(false),
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
                "Normal",
                "kubelet",
                1,
            ),
            (_, 20..=29) => legacy(
                rng,
                pod_ref(false),
                "Created",
                format!("Created container: {}", c.name),
                "Normal",
                "kubelet",
                1,
            ),
            (_, 30..=39) => legacy(
                rng,
                pod_ref(false),
                "Started",
                format!("Started container {}", c.name),
                "Normal",
                "kubelet",
                1,
            ),
            (_, 40..=54) if c.readiness => legacy(
                rng,
                pod_ref(true),
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503".to_owned(),
                "Warning",
                "kubelet",
                1 + k % 12,
            ),
            (_, 55..=64) if w.kind == WKind::Deployment => {
                let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{}-{}", w.name, w.hash), "namespace": ns, "uid": w.rs_uid});
                legacy(
                    rng,
                    rs,
                    "SuccessfulCreate",
                    format!("Created pod: {}", p.name),
                    "Normal",
                    "replicaset-controller",
                    1,
                )
            }
            (_, 65..=69) if w.kind == WKind::Deployment => {
                let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": w.name, "namespace": ns, "uid": w.uid});
                legacy(
                    rng,
                    d,
                    "ScalingReplicaSet",
                    format!(
                        "Scaled up replica set {}-{} from 0 to {}",
                        w.name, w.hash, w.replicas
                    ),
                    "Normal",
                    "deployment-controller",
                    1,
                )
            }
            (_, 70..=74) if w.kind == WKind::StatefulSet => {
                let s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "name": w.name, "namespace": ns, "uid": w.uid});
                legacy(
                    rng,
                    s,
                    "SuccessfulCreate",
                    format!("create Pod {} in StatefulSet {} successful", p.name, w.name),
                    "Normal",
                    "statefulset-controller",
                    1,
                )
            }
            (_, 75..=79) if node.is_some() => {
                let n = node.map_or(&self.nodes[0], |n| n);
                let nr = json!({"kind": "Node", "name": n.name, "uid": n.name});
                let status = if n.ready { "NodeReady" } else { "NodeNotReady" };
                let mut e = legacy(
                    rng,
                    nr,
                    status,
                    format!("Node {} status is now: {status}", n.name),
                    "Normal",
                    "kubelet",
                    1,
                );
                e["metadata"]["namespace"] = "default".into();
                e
            }
            (_, 80..=86) => {
                // A native events.k8s.io/v1 object (`kubectl get events.events.k8s.io -o json`).
                json!({
                    "action": "Binding", "apiVersion": "events.k8s.io/v1", "eventTime": ts_micro(t, rng.next()), "kind": "Event",
                    "metadata": {"name": format!("{}.{}", p.name, rng.hex(16)), "namespace": ns},
                    "note": format!("Successfully assigned {ns}/{} to {host}", p.name), "reason": "Scheduled", "regarding": pod_ref(false),
                    "reportingController": "default-scheduler", "reportingInstance": "default-scheduler-ip-10-0-0-10", "type": "Normal"
                })
            }
            _ => legacy(
                rng,
                pod_ref(false),
                "Pulling",
                format!("Pulling image \"{}\"", c.image),
                "Normal",
                "kubelet",
                1,
            ),
        }
    }
}

/// The token volume the API server's ServiceAccount admission adds to every
/// pod, and its mount in each container: named `kube-api-access-` and five
/// random characters, so no two pods' specs are the same as stored (the
/// characters here come from the pod's uid, not the generator's stream).
fn token_volume(spec: &mut Value, uid: &str) {
    let suffix: String = uid
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .rev()
        .take(5)
        .collect();
    let name = format!("kube-api-access-{suffix}");
    let mount = json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": name, "readOnly": true});
    if let Some(cs) = spec["containers"].as_array_mut() {
        for c in cs {
            match c["volumeMounts"].as_array_mut() {
                Some(m) => m.push(mount.clone()),
                None => c["volumeMounts"] = json!([mount.clone()]),
            }
        }
    }
    let volume = json!({"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
    ]}});
    match spec["volumes"].as_array_mut() {
        Some(v) => v.push(volume),
        None => spec["volumes"] = json!([volume]),
    }
}
