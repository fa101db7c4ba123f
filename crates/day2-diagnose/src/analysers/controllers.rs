//! Controllers that do not reach their goal: a LoadBalancer Service without
//! an address (the cloud provider's error), a Job that failed (its pods'
//! exits), an HPA that cannot read metrics (metrics-server, resource
//! requests) or is pinned at its maximum.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

pub fn load_balancer<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    let Detail::Message(message) = &d.detail else {
        return vec![];
    };
    let ns = svc.ns_or_default();
    let link = d.events_with("SyncLoadBalancerFailed").last().map(|e| {
        Link::from_event(
            Loop::Network,
            e,
            "the cloud provider cannot create the load balancer",
        )
    });
    // Annotation keys: a DNS prefix (with a dot) before the slash, which
    // a Service's `namespace/name` in the same message does not have.
    let annotations: Vec<&str> = message
        .split(|c: char| c.is_whitespace() || c == ',' || c == '"')
        .filter(|w| {
            w.split_once('/')
                .is_some_and(|(prefix, _)| prefix.contains('.'))
                && (w.contains("load-balancer")
                    || w.contains("loadbalancer")
                    || w.starts_with("service."))
                && !w.contains("://")
        })
        .collect();
    // The controller's own events on the Service (MetalLB's
    // `AllocationFailed`), whatever the symptom's message.
    let said = a.cluster.events_for_obj(svc);
    if let Some(h) = std::iter::once(message.as_str())
        .chain(said.iter().map(|e| e.message_text()))
        .find_map(|m| {
            super::lb_pools::refused(a, svc, m)
                .or_else(|| super::lb_pools::outside_pools(a, svc, m))
                .or_else(|| super::metallb::sharing_refused(svc, m))
                .or_else(|| super::lb_causes::policy_refused(a, svc, m))
                .or_else(|| super::lb_refused::invalid(svc, m))
                .or_else(|| super::ingress_address::empty_cluster_name(a, m, None))
        })
    {
        return vec![h];
    }
    if message.is_empty() {
        if let Some(h) = super::metallb::legacy_config(a, svc)
            .or_else(|| super::metallb::config_elsewhere(a, svc))
            .or_else(|| super::lb_causes::silent_limit(a, svc))
            .or_else(|| super::lb_causes::no_provider(a, svc))
            .or_else(|| announcer_unlocked(a, svc))
            .or_else(|| super::lb_local::silent_announcer(a, svc))
        {
            return vec![h];
        }
        return vec![Hypothesis::new(
            35,
            Loop::Network,
            svc.objref(),
            format!("Service {ns}/{} of type LoadBalancer has no address and no load-balancer controller reported on it", svc.name()),
        )
        .fix("Check that a load-balancer controller runs (the cloud controller manager, AWS Load Balancer Controller, MetalLB on bare metal) and that spec.loadBalancerClass names one that exists.")
        .missing(crate::evidence::events_absent("EnsuringLoadBalancer/SyncLoadBalancerFailed"))
        .unexplained()];
    }
    if message.contains("could not find any suitable subnets") {
        return vec![Hypothesis::new(
            88,
            Loop::Network,
            svc.objref(),
            format!("the AWS cloud provider finds no subnet tagged for load balancers for Service {ns}/{}", svc.name()),
        )
        .fix("Tag the public subnets with kubernetes.io/role/elb=1 (internal load balancers: the private subnets with kubernetes.io/role/internal-elb=1) and, on older clusters, kubernetes.io/cluster/<cluster-name>=shared; or name subnets with the annotation service.beta.kubernetes.io/aws-load-balancer-subnets.")
        .links(link)];
    }
    if let Some(h) = super::lb_causes::refused_setting(svc, message, link.clone())
        .or_else(|| super::lb_causes::controller_credentials(a, svc, message, link.clone()))
        .or_else(|| super::ingress_address::empty_cluster_name(a, message, link.clone()))
    {
        return vec![h];
    }
    // A provider annotation set to nothing (a chart value left empty): the
    // provider reads the key and sends an empty value, and its API refuses
    // the request, whatever words it uses for that.
    let empty: Vec<&String> = svc
        .annotations()
        .iter()
        .filter(|(k, v)| {
            v.trim().is_empty()
                && k.split_once('/').is_some_and(|(p, _)| p.contains('.'))
                && (k.contains("load-balancer") || k.contains("loadbalancer"))
        })
        .map(|(k, _)| k)
        .collect();
    if let Some(key) = empty.first() {
        return vec![Hypothesis::new(
            84,
            Loop::Network,
            svc.objref(),
            format!(
                "Service {ns}/{} sets annotation {key} to an empty value, and the provider refuses the load balancer it builds from it: {}",
                svc.name(),
                day2_model::redact::excerpt(message, 200)
            ),
        )
        .fix(format!(
            "Give {key} a value (the name the provider expects there) or remove the annotation: `kubectl annotate service -n {ns} {} {key}-` (in a chart, leave the value out rather than empty); the service controller retries on its own.",
            svc.name()
        ))
        .links(link)];
    }
    if !annotations.is_empty() {
        let set = svc.annotations();
        let missing: Vec<&str> = annotations
            .iter()
            .copied()
            .filter(|k| !set.contains_key(*k))
            .collect();
        return vec![Hypothesis::new(
            85,
            Loop::Network,
            svc.objref(),
            format!(
                "the cloud provider needs configuration on Service {ns}/{} it does not have: {}",
                svc.name(),
                day2_model::redact::excerpt(message, 200)
            ),
        )
        .fix(format!(
            "Annotate the Service with what the provider asks for{}: `kubectl annotate service -n {ns} {} {}=<value>` (for Hetzner the location, e.g. load-balancer.hetzner.cloud/location=fsn1, or the network-zone).",
            if missing.is_empty() { String::new() } else { format!(" ({})", missing.join(", ")) },
            svc.name(),
            missing.first().or(annotations.first()).copied().unwrap_or("<annotation>")
        ))
        .links(link)];
    }
    let quota = [
        "quota",
        "LimitExceeded",
        "TooManyLoadBalancers",
        "CountLimitReached",
    ]
    .iter()
    .any(|w| message.contains(w));
    vec![
        Hypothesis::new(
            30,
            Loop::Network,
            svc.objref(),
            if quota {
                format!(
                    "the cloud account's load-balancer or IP quota is exhausted: {}",
                    day2_model::redact::excerpt(message, 200)
                )
            } else {
                format!(
                    "the cloud provider's load-balancer API fails for Service {ns}/{}: {}",
                    svc.name(),
                    day2_model::redact::excerpt(message, 200)
                )
            },
        )
        .fix(super::lb_causes::cloud_side_fix(a.cloud, message, quota))
        .missing("the cloud provider's side of the error (API status, quotas, credentials)")
        .links(link)
        .unexplained(),
    ]
}

pub fn job<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Job(job) = d.subject else {
        return vec![];
    };
    let ns = job.ns_or_default();
    // What a fix to the pod template changes: the CronJob's `jobTemplate`
    // when a CronJob made this Job (its next run starts from there), else
    // the Job itself.
    let template = job
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.kind == "CronJob" && o.controller == Some(true))
        .map_or_else(
            || job.objref(),
            |o| ObjRef::new("CronJob", Some(ns), &o.name),
        );
    let pods = crate::model::job_pods(a.cluster, job);
    // Pods' results from phase one (image pulls, config errors, Pending).
    if let Some(r) = pods
        .iter()
        .find_map(|p| a.pod_result(ns, p.name()))
        .filter(|r| !r.unexplained)
    {
        let mut h = r.as_upstream(5);
        h.links.push(Link::new(
            Loop::Compute,
            d.since,
            job.objref(),
            format!("Job {} failed: its pods never ran", job.name()),
        ));
        return vec![h];
    }
    let exits: Vec<(String, i32, Option<String>, Option<String>)> = pods
        .iter()
        .filter(|p| model::phase(p) == "Failed")
        .flat_map(|p| {
            model::container_statuses(p).filter_map(|s| {
                let t = s.state.as_ref()?.terminated.as_ref()?;
                (t.exit_code != 0).then(|| {
                    (
                        s.name.clone(),
                        t.exit_code,
                        t.reason.clone(),
                        t.message.clone().filter(|m| !m.trim().is_empty()),
                    )
                })
            })
        })
        .collect();
    let said: Vec<String> = exits.iter().filter_map(|e| e.3.clone()).collect();
    let refused = super::webhook_call::refused_in_texts(a, d, &said, &template);
    if !refused.is_empty() {
        return refused;
    }
    let reason = match &d.detail {
        Detail::Message(m) => m.as_str(),
        _ => "",
    };
    let failed_link = d
        .events
        .iter()
        .rev()
        .find(|e| e.reason == "BackoffLimitExceeded" || e.reason == "DeadlineExceeded")
        .map(|e| Link::from_event(Loop::Compute, e, format!("Job {} failed", job.name())));
    if reason == "DeadlineExceeded" {
        if let Some(h) = super::job_sidecar::lingering(a, job, &template) {
            return vec![h.links(failed_link)];
        }
        return vec![
            Hypothesis::new(
                75,
                Loop::Compute,
                template.clone(),
                format!(
                    "Job {} ran longer than its activeDeadlineSeconds ({}s)",
                    job.name(),
                    job.spec
                        .as_ref()
                        .and_then(|s| s.active_deadline_seconds)
                        .unwrap_or(0)
                ),
            )
            .fix("Raise spec.activeDeadlineSeconds or make the work faster / split it.")
            .links(failed_link),
        ];
    }
    let Some((container, code, why, msg)) = exits.last().cloned() else {
        return vec![Hypothesis::new(
            25,
            Loop::Compute,
            job.objref(),
            format!("Job {} failed ({reason}) and none of its pods is left to say why", job.name()),
        )
        .fix(format!("The failed pods were removed: `kubectl get pods -n {ns} -l job-name={}` and `kubectl get events -n {ns}`; re-run the Job with a larger backoffLimit and read its pod's logs.", job.name()))
        .missing("the Job's failed pods and their logs")
        .links(failed_link)
        .unexplained()];
    };
    let same = exits
        .iter()
        .all(|(c, x, _, _)| *c == container && *x == code);
    // The kernel killed it at its memory limit: the limit is the cause,
    // whatever the work (the kubelet's reason `OOMKilled`, exit 137).
    if let Some((c, _, _, _)) = exits
        .iter()
        .rev()
        .find(|(_, _, why, _)| why.as_deref() == Some("OOMKilled"))
    {
        let limit = super::outside::template_container(job, c)
            .and_then(|x| x.resources.as_ref()?.limits.as_ref()?.get("memory"))
            .map(|q| q.0.clone());
        let at = limit
            .as_deref()
            .map(|l| format!(" at its memory limit of {l}"))
            .unwrap_or_default();
        let oom = exits
            .iter()
            .filter(|(_, _, why, _)| why.as_deref() == Some("OOMKilled"))
            .count();
        return vec![Hypothesis::new(
            86,
            Loop::Compute,
            template.clone(),
            format!("container {c} of Job {} was OOM-killed{at} ({oom} of {} failed pods), so the Job ran out of retries", job.name(), exits.len()),
        )
        .fix(format!(
            "Raise the memory limit (and request) of container {c} in Job {}'s template{}, or make the work use less memory; a chart that sets it (a hook Job's resources) usually takes it as a value. Then re-run the Job.",
            job.name(),
            limit.map(|l| format!(" above {l}")).unwrap_or_default()
        ))
        .links(failed_link)];
    }
    if same
        && let Some(h) = pods
            .iter()
            .find_map(|p| curl_to_closed_port(a, p, &container, code))
    {
        return vec![h.links(failed_link)];
    }
    // Helm in the Job refusing to take over an object another release owns.
    if let Some(h) = msg
        .as_deref()
        .and_then(|m| super::helm::ownership(m, &format!("Job {ns}/{}", job.name())))
    {
        return vec![h.links(failed_link)];
    }
    // The line that says why (a traceback's exception, a fatal line), not
    // the first lines of the output.
    let said = msg.as_deref().and_then(crate::messages::said::decisive);
    let detail = said
        .as_ref()
        .map(|m| format!(": `{}`", day2_model::redact::excerpt(m, 200)))
        .unwrap_or_default();
    if msg.is_some()
        && let Some(h) = super::follow::job_message(a, &pods, &container)
    {
        return vec![h.links(failed_link)];
    }
    if msg.is_none()
        && let Some(h) =
            super::outside::job_exit(job, &container, code, why.as_deref(), exits.len())
    {
        return vec![h.links(failed_link)];
    }
    if msg.is_some() || (same && exits.len() >= 2) {
        return vec![Hypothesis::new(
            if msg.is_some() { 80 } else { 70 },
            Loop::Compute,
            template.clone(),
            format!(
                "container {container} of Job {} exits with code {code} ({}) on every attempt ({} failed pods){detail}",
                job.name(),
                why.as_deref().unwrap_or("Error"),
                exits.len()
            ),
        )
        .fix(format!("The Job's command fails deterministically{}: read `kubectl logs -n {ns} job/{} -c {container}` and fix the command, args, image or inputs it names; retries do not help a constant exit code.", said.as_ref().map(|m| format!(" (it says `{}`)", day2_model::redact::excerpt(m, 200))).unwrap_or_default(), job.name()))
        .links(failed_link)];
    }
    vec![Hypothesis::new(
        30,
        Loop::Compute,
        job.objref(),
        format!("container {container} of Job {} exited with code {code} and left no termination message; nothing in the cluster says why", job.name()),
    )
    .fix(format!("Read the pod's log (`kubectl logs -n {ns} job/{} -c {container}`) before the pod is cleaned up; set terminationMessagePolicy: FallbackToLogsOnError so the reason stays in the status.", job.name()))
    .missing("the failed container's log")
    .links(failed_link)
    .unexplained()]
}

/// A Service of type LoadBalancer that no controller reports on, while the
/// pods that would announce its address elect a leader they cannot lock
/// ([`super::leader_lock::lb_announcers`]).
fn announcer_unlocked(
    a: &Analysis<'_>,
    svc: &Res<k8s_openapi::api::core::v1::Service>,
) -> Option<Hypothesis> {
    let announcers = super::leader_lock::lb_announcers(a);
    let [(pod, role)] = announcers.as_slice() else {
        return None;
    };
    let ns = pod.ns_or_default();
    let sa = model::pod_service_account(pod);
    let workload = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            72,
            Loop::Identity,
            role.objref(),
            format!("Service {}/{} gets no address: {workload}, which writes load-balancer addresses, runs with leader election, and ServiceAccount {ns}/{sa} is bound to ClusterRole {}, which lets it create neither Leases nor ConfigMaps, so no replica ever takes the lock and none announces", svc.ns_or_default(), svc.name(), role.name()),
        )
        .fix(format!("Add `{{apiGroups: [\"coordination.k8s.io\"], resources: [\"leases\"], verbs: [\"get\", \"create\", \"update\", \"list\", \"watch\"]}}` to ClusterRole {} (or a Role with it in {ns}); `kubectl auth can-i create leases.coordination.k8s.io -n {ns} --as=system:serviceaccount:{ns}:{sa}` must answer yes.", role.name()))
        .missing(format!("the controller's log (`kubectl logs -n {ns} {}`), which names the refused call", pod.name())),
    )
}

/// The HPA works out utilisation over every pod its target's selector
/// matches, not only the target's own (the replica calculator's
/// `calculateRequests`, pkg/controller/podautoscaler), and fails with
/// `missing request for <resource>[ in container <c> of Pod <pod>]` at the
/// first one without a request. When that pod (named in the message, else
/// found among the matched ones) is not one of the target's, the target is
/// not what to change: a pod left behind with its labels is (a chart's test
/// hook, a pod run by hand, a Job's pod).
fn foreign_pod_without_request(
    a: &Analysis<'_>,
    hpa: &Res<HorizontalPodAutoscaler>,
    what: &str,
) -> Option<Hypothesis> {
    let ns = hpa.ns_or_default();
    let target = &hpa.spec.scale_target_ref;
    let resource = what.split_whitespace().next().unwrap_or("cpu");
    let named = what
        .split(" of Pod ")
        .nth(1)
        .map(|p| p.trim().trim_end_matches(['.', '"']));
    fn in_ns<'a, T: day2_model::K8sObject>(
        v: &'a [Res<T>],
        ns: &str,
        name: &str,
    ) -> Option<&'a Res<T>> {
        v.iter()
            .find(|o| o.ns_or_default() == ns && o.name() == name)
    }
    let c = a.cluster;
    let selector = match target.kind.as_str() {
        "Deployment" => in_ns(&c.deployments, ns, &target.name).map(|d| &d.spec.selector),
        "StatefulSet" => in_ns(&c.stateful_sets, ns, &target.name).map(|d| &d.spec.selector),
        "ReplicaSet" => in_ns(&c.replica_sets, ns, &target.name).map(|d| &d.spec.selector),
        _ => None,
    }?;
    let own: Vec<&str> = a
        .cluster
        .pods_of(&target.kind, ns, &target.name)
        .iter()
        .map(|p| p.name())
        .collect();
    // The request as the API server stores it (a limit alone is copied
    // into the requests), which is what the replica calculator reads.
    let lacks = |p: &Res<Pod>| {
        p.spec.as_ref().is_some_and(|s| {
            s.containers
                .iter()
                .any(|c| day2_model::resources::container_request(c, resource).is_none())
        })
    };
    let matched = a.cluster.pods_matching(ns, selector);
    let pod = matched
        .iter()
        .copied()
        .find(|p| !own.contains(&p.name()) && named.map_or_else(|| lacks(p), |n| p.name() == n))?;
    let phase = model::phase(pod);
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map(|o| format!(", created by {} {}", o.kind, o.name))
        .unwrap_or_default();
    let target_ref = ObjRef::new(target.kind.clone(), Some(ns), target.name.clone());
    Some(
        Hypothesis::new(
            90,
            Loop::Compute,
            pod.objref(),
            format!("the selector of {target_ref} also matches Pod {ns}/{} ({phase}{owner}), which is not one of its pods and requests no {resource}: the HPA counts every matched pod, so it fails with missing request for {resource}", pod.name()),
        )
        .fix(format!("Delete Pod {ns}/{} (`kubectl delete pod -n {ns} {}`) and keep such pods out of the selector of {target_ref}: give them a label the selector does not match (for a chart's test hook, its own component label and `helm.sh/hook-delete-policy: hook-succeeded`), or set a {resource} request on them.", pod.name(), pod.name())),
    )
}

pub fn hpa<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Hpa(hpa) = d.subject else {
        return vec![];
    };
    let Detail::Message(message) = &d.detail else {
        return vec![];
    };
    let ns = hpa.ns_or_default();
    let target = &hpa.spec.scale_target_ref;
    let target_ref = ObjRef::new(target.kind.clone(), Some(ns), target.name.clone());
    let link = d.events.iter().rev().find(|e| e.is_warning()).map(|e| {
        Link::from_event(
            Loop::Observability,
            e,
            "the HPA cannot compute a recommendation",
        )
    });
    if message.contains("missing request for") {
        let what = message
            .split("missing request for ")
            .nth(1)
            .unwrap_or("")
            .trim();
        if let Some(h) = super::sidecar_request::injected(a, ns, &target.kind, &target.name, what)
            .or_else(|| foreign_pod_without_request(a, hpa, what))
        {
            return vec![h.links(link)];
        }
        return vec![Hypothesis::new(
            88,
            Loop::Compute,
            target_ref.clone(),
            format!("the HPA scales on utilisation but {target_ref} declares no request: missing request for {what}"),
        )
        .fix(format!("Set resources.requests (cpu/memory, whichever the HPA targets) on every container of {target_ref}, sidecars included; utilisation is usage divided by the request."))
        .links(link)];
    }
    if let Some(h) = super::metrics_adapter::unavailable(a, message, link.clone())
        .or_else(|| super::metrics_adapter::adapter_error(a, message, link.clone()))
        .or_else(|| super::metrics_adapter::scaled_twice(a, &target_ref, link.clone()))
    {
        return vec![h];
    }
    // The resource metrics API (metrics-server's), not an adapter's
    // `custom.metrics.k8s.io` or `external.metrics.k8s.io`.
    let adapter = message.contains("external.metrics.k8s.io")
        || message.contains("custom.metrics.k8s.io")
        || message.contains("external metrics API")
        || message.contains("custom metrics API");
    if !adapter && (message.contains("metrics.k8s.io") || message.contains("resource metrics API"))
    {
        let api = crate::symptoms::autoscaling::metrics_api(a);
        if let Some(h) = api.and_then(|api| {
            super::apiservice_path::policy_in_front(a, api)
                .or_else(|| super::apiservice_path::discovery_times_out(a, api))
        }) {
            return vec![h.links(link)];
        }
        // By name (a chart's release name follows it) or by image.
        let server = a.cluster.deployments.iter().find(|d| {
            d.name().starts_with("metrics-server")
                || d.spec.template.spec.as_ref().is_some_and(|s| {
                    s.containers.iter().any(|c| {
                        c.image
                            .as_deref()
                            .is_some_and(|i| i.contains("/metrics-server:"))
                    })
                })
        });
        // Its pods run but never become Ready: metrics-server is ready once
        // it has scraped the kubelets, so it cannot.
        let unready = server.is_some_and(|s| {
            let pods = a.cluster.pods_of("Deployment", s.ns_or_default(), s.name());
            !pods.is_empty()
                && pods
                    .iter()
                    .all(|p| model::phase(p) == "Running" && !model::is_ready(p))
        });
        if let Some(s) = server.filter(|_| unready) {
            return vec![Hypothesis::new(
                86,
                Loop::Observability,
                s.objref(),
                format!("metrics-server ({}) runs but never becomes Ready (its readiness probe fails until it has scraped the kubelets), so the resource metrics API has no endpoints and the HPA reads no metrics", s.objref()),
            )
            .fix(format!("Read its log (`kubectl logs -n {} deploy/{}`). `x509: cannot validate certificate for <node IP> because it doesn't contain any IP SANs` is the usual cause: the kubelets' serving certificates are self-signed without IP SANs; give them signed certificates (`serverTLSBootstrap: true` in the kubelet configuration, then approve the kubelet-serving CSRs), or, on a test cluster, start metrics-server with `--kubelet-insecure-tls`. `no such host` for node names: `--kubelet-preferred-address-types=InternalIP`.", s.ns_or_default(), s.name()))
            .links(link)];
        }
        let (obj, summary) = match (api, server) {
            (None, None) => (
                ObjRef::new("APIService", None, "v1beta1.metrics.k8s.io"),
                "no metrics-server is installed (no APIService v1beta1.metrics.k8s.io, no metrics-server Deployment): the resource metrics API the HPA reads does not exist".to_owned(),
            ),
            (_, Some(s)) => (
                s.objref(),
                format!("the resource metrics API returns no metrics: metrics-server ({}) does not serve them, most often because it cannot scrape the kubelets (their certificates, their names)", s.objref()),
            ),
            (Some(api), None) => (
                api.objref(),
                "APIService v1beta1.metrics.k8s.io is registered but its backend does not answer".to_owned(),
            ),
        };
        return vec![Hypothesis::new(
            85,
            Loop::Observability,
            obj,
            summary,
        )
        .fix(format!("Install or repair metrics-server (`kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml`) and check `kubectl get apiservice v1beta1.metrics.k8s.io` is Available; `kubectl top pods` works once it is.{}", if server.is_some() { " When it runs and returns nothing, its log says why it cannot scrape the kubelets: node names it cannot resolve (`no such host`: `--kubelet-preferred-address-types=InternalIP`), or serving certificates without IP SANs (`serverTLSBootstrap: true`, or `--kubelet-insecure-tls` on a test cluster)." } else { "" }))
        .links(link)];
    }
    let max = hpa.spec.max_replicas;
    let current = hpa
        .status
        .as_ref()
        .and_then(|s| s.current_replicas)
        .unwrap_or(0);
    if current >= max {
        return vec![Hypothesis::new(
            60,
            Loop::Compute,
            hpa.objref(),
            format!("HPA {ns}/{} wants more replicas than its maxReplicas {max}", hpa.name()),
        )
        .fix(format!("Raise maxReplicas of HPA {ns}/{} if the cluster has room, or lower the per-pod load (more efficient code, larger requests).", hpa.name()))
        .links(link)];
    }
    vec![Hypothesis::new(
        30,
        Loop::Observability,
        hpa.objref(),
        format!("HPA {ns}/{} cannot compute its target: {}", hpa.name(), day2_model::redact::excerpt(message, 200)),
    )
    .fix("Read `kubectl describe hpa` and check the metrics API (resource, custom or external) the HPA uses.")
    .missing("the metrics adapter's state")
    .links(link)
    .unexplained()]
}

/// A container running curl that exits 7 (`CURLE_COULDNT_CONNECT`, the
/// exit codes of curl(1)) against a URL whose host is a Service of the
/// cluster and whose port that Service does not serve: the connection is
/// refused because the URL names the wrong port.
fn curl_to_closed_port(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    code: i32,
) -> Option<Hypothesis> {
    if code != 7 {
        return None;
    }
    let c = crate::model::spec_container(pod, container)?;
    let words: Vec<&str> = c
        .command
        .iter()
        .chain(c.args.iter())
        .flatten()
        .flat_map(|a| a.split_whitespace())
        .map(|w| w.trim_matches(|ch| ch == '"' || ch == '\''))
        .collect();
    if !words.iter().any(|w| *w == "curl" || w.ends_with("/curl")) {
        return None;
    }
    let url = words
        .iter()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))?;
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?']).next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<i32>().ok()?),
        None => (authority, if scheme == "https" { 443 } else { 80 }),
    };
    let mut labels = host.split('.');
    let name = labels.next()?;
    let svc_ns = labels.next().unwrap_or(pod.ns_or_default());
    let svc = a.service(svc_ns, name)?;
    let ports: Vec<i32> = svc
        .spec
        .as_ref()?
        .ports
        .iter()
        .flatten()
        .map(|p| p.port)
        .collect();
    if ports.is_empty() || ports.contains(&port) {
        return None;
    }
    let served = ports
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let suggest = format!("{scheme}://{host}:{}", ports[0]);
    let owner = model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            82,
            Loop::Network,
            owner.clone(),
            format!("container {container} runs curl against {url}, port {port} of Service {svc_ns}/{name}, which serves only port(s) {served}: curl exits 7 (could not connect) on every attempt"),
        )
        .fix(format!("Call the port the Service serves: `{suggest}` in the command of container {container} in {owner} (or add port {port} to Service {svc_ns}/{name}).")),
    )
}
