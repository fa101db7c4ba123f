//! What decodes but cannot be right: negative replicas, a port out of range,
//! a quantity Kubernetes would refuse, the same object twice. Each becomes a
//! note naming the file, line and field; the object is kept (the analyses
//! read a bad quantity as absent, and the note says why).

use day2_model::k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use day2_model::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use day2_model::object::Stores;
use day2_model::{K8sObject, Note, Origin, Res};
use rustc_hash::FxHashMap;

/// Notes kept per kind of problem; the rest are counted.
const MAX_NOTES: usize = 100;

struct Notes<'a> {
    out: &'a mut Vec<Note>,
    kept: usize,
    more: usize,
}

impl Notes<'_> {
    fn push(&mut self, origin: &Origin, ptr: &str, what: &Who<'_>, message: String) {
        if self.kept >= MAX_NOTES {
            self.more += 1;
            return;
        }
        self.kept += 1;
        let at = origin
            .locate(Some(ptr))
            .map(|l| l.to_string())
            .or_else(|| origin.source.as_ref().map(ToString::to_string))
            .unwrap_or_default();
        self.out.push(Note {
            at,
            message: format!("{what}: field `{}`: {message}", crate::scrub::dotted(ptr)),
        });
    }
}

/// Check every object; notes go to `notes`.
pub(crate) fn objects(stores: &Stores, notes: &mut Vec<Note>) {
    // The two checks read the same objects and nothing else: side by side.
    let (mut twice, ()) = rayon::join(
        || {
            let mut twice = Vec::new();
            duplicates(stores, &mut twice);
            twice
        },
        || {
            let mut n = Notes {
                out: notes,
                kept: 0,
                more: 0,
            };
            values(stores, &mut n);
            let more = n.more;
            if more > 0 {
                notes.push(Note {
                    at: String::new(),
                    message: format!(
                        "and {more} more invalid fields (the first {MAX_NOTES} are listed)"
                    ),
                });
            }
        },
    );
    notes.append(&mut twice);
}

/// The object a note is about: formatted only when a note is written, so
/// checking a valid object allocates nothing for its name.
struct Who<'a>(&'a str, &'a str, &'a str);

impl std::fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.0, self.1, self.2)
    }
}

fn what<T: K8sObject>(r: &Res<T>) -> Who<'_> {
    Who(r.obj.kind(), r.ns_or_default(), r.name())
}

fn values(s: &Stores, n: &mut Notes<'_>) {
    for p in &s.pods {
        if let Some(spec) = &p.obj.spec {
            pod_spec(spec, "/spec", &p.origin, &what(p), n);
        }
    }
    for w in &s.deployments {
        let spec = &w.obj.spec;
        replicas(spec.replicas, &w.origin, &what(w), n);
        template(
            Some(&spec.template),
            "/spec/template",
            &w.origin,
            &what(w),
            n,
        );
    }
    for w in &s.stateful_sets {
        let spec = &w.obj.spec;
        replicas(spec.replicas, &w.origin, &what(w), n);
        template(
            Some(&spec.template),
            "/spec/template",
            &w.origin,
            &what(w),
            n,
        );
    }
    for w in &s.replica_sets {
        let spec = &w.obj.spec;
        replicas(spec.replicas, &w.origin, &what(w), n);
        template(
            spec.template.as_ref(),
            "/spec/template",
            &w.origin,
            &what(w),
            n,
        );
    }
    for w in &s.replication_controllers {
        if let Some(spec) = &w.obj.spec {
            replicas(spec.replicas, &w.origin, &what(w), n);
            template(
                spec.template.as_ref(),
                "/spec/template",
                &w.origin,
                &what(w),
                n,
            );
        }
    }
    for w in &s.daemon_sets {
        let spec = &w.obj.spec;
        template(
            Some(&spec.template),
            "/spec/template",
            &w.origin,
            &what(w),
            n,
        );
    }
    for w in &s.jobs {
        if let Some(spec) = &w.obj.spec {
            template(
                Some(&spec.template),
                "/spec/template",
                &w.origin,
                &what(w),
                n,
            );
        }
    }
    for w in &s.cron_jobs {
        if let Some(spec) = w.obj.spec.job_template.spec.as_ref() {
            let at = "/spec/jobTemplate/spec/template";
            template(Some(&spec.template), at, &w.origin, &what(w), n);
        }
    }
    for svc in &s.services {
        let Some(ports) = svc.obj.spec.as_ref().and_then(|s| s.ports.as_ref()) else {
            continue;
        };
        for (i, p) in ports.iter().enumerate() {
            let at = |field: &str| format!("/spec/ports/{i}/{field}");
            let who = what(svc);
            port(p.port, || at("port"), &svc.origin, &who, n);
            if let Some(IntOrString::Int(t)) = p.target_port {
                port(t, || at("targetPort"), &svc.origin, &who, n);
            }
            if let Some(np) = p.node_port
                && np != 0
            {
                port(np, || at("nodePort"), &svc.origin, &who, n);
            }
        }
    }
}

fn replicas(r: Option<i32>, origin: &Origin, what: &Who<'_>, n: &mut Notes<'_>) {
    if let Some(r) = r
        && r < 0
    {
        let msg = format!("{r} replicas is invalid (must be 0 or more)");
        n.push(origin, "/spec/replicas", what, msg);
    }
}

/// `ptr` is built only for a bad port: most ports are fine.
fn port(p: i32, ptr: impl FnOnce() -> String, origin: &Origin, what: &Who<'_>, n: &mut Notes<'_>) {
    if !(1..=65535).contains(&p) {
        let msg = format!("port {p} is invalid (must be 1 to 65535)");
        n.push(origin, &ptr(), what, msg);
    }
}

fn template(t: Option<&PodTemplateSpec>, at: &str, origin: &Origin, what: &Who<'_>, n: &mut Notes) {
    if let Some(spec) = t.and_then(|t| t.spec.as_ref()) {
        pod_spec(spec, &format!("{at}/spec"), origin, what, n);
    }
}

fn pod_spec(spec: &PodSpec, at: &str, origin: &Origin, what: &Who<'_>, n: &mut Notes<'_>) {
    let lists = [
        ("containers", Some(&spec.containers)),
        ("initContainers", spec.init_containers.as_ref()),
    ];
    for (field, list) in lists {
        for (i, c) in list.into_iter().flatten().enumerate() {
            container(c, &format!("{at}/{field}/{i}"), origin, what, n);
        }
    }
}

fn container(c: &Container, at: &str, origin: &Origin, what: &Who<'_>, n: &mut Notes<'_>) {
    for (i, p) in c.ports.iter().flatten().enumerate() {
        let ptr = |field: &str| format!("{at}/ports/{i}/{field}");
        port(p.container_port, || ptr("containerPort"), origin, what, n);
        if let Some(h) = p.host_port
            && h != 0
        {
            port(h, || ptr("hostPort"), origin, what, n);
        }
    }
    let Some(res) = &c.resources else {
        return;
    };
    for (field, map) in [("requests", &res.requests), ("limits", &res.limits)] {
        for (name, q) in map.iter().flatten() {
            // The pointer is built only for a bad quantity.
            let ptr = || {
                format!(
                    "{at}/resources/{field}/{}",
                    name.replace('~', "~0").replace('/', "~1")
                )
            };
            match day2_model::quantity::parse(&q.0) {
                None => n.push(
                    origin,
                    &ptr(),
                    what,
                    format!(
                        "`{}` is not a valid quantity; read as no {}",
                        q.0,
                        singular(field)
                    ),
                ),
                Some(m) if m.0 < 0 => n.push(
                    origin,
                    &ptr(),
                    what,
                    format!("`{}` is negative; read as no {}", q.0, singular(field)),
                ),
                Some(_) => {}
            }
        }
    }
}

fn singular(field: &str) -> &str {
    field.strip_suffix('s').unwrap_or(field)
}

/// The same kind, namespace and name twice: analyses that look an object up
/// by name find the first, so the second is named with the first's place.
fn duplicates(s: &Stores, notes: &mut Vec<Note>) {
    let mut seen: FxHashMap<(&str, &str, &str), &Origin> = FxHashMap::default();
    seen.reserve(s.len());
    let mut kept = 0usize;
    let mut more = 0usize;
    macro_rules! each {
        ($($field:ident),*) => {$(
            for r in &s.$field {
                let name = r.name();
                if name.is_empty() {
                    continue;
                }
                let key = (r.obj.kind(), r.ns_or_default(), name);
                match seen.get(&key) {
                    None => {
                        seen.insert(key, &r.origin);
                    }
                    Some(first) => {
                        if kept >= MAX_NOTES {
                            more += 1;
                            continue;
                        }
                        kept += 1;
                        let first = first
                            .locate(None)
                            .map_or_else(|| "an earlier input".to_owned(), |l| l.to_string());
                        notes.push(Note {
                            at: r.origin.locate(None).map(|l| l.to_string()).unwrap_or_default(),
                            message: format!(
                                "{} {}/{} is defined twice (first at {first}); lookups by name use the first",
                                key.0, key.1, key.2
                            ),
                        });
                    }
                }
            }
        )*};
    }
    each!(
        pods,
        nodes,
        namespaces,
        services,
        endpoints,
        service_accounts,
        config_maps,
        pvs,
        pvcs,
        replication_controllers,
        limit_ranges,
        resource_quotas,
        deployments,
        replica_sets,
        stateful_sets,
        daemon_sets,
        jobs,
        cron_jobs,
        hpas,
        pdbs,
        priority_classes,
        storage_classes,
        csi_nodes,
        csi_drivers,
        volume_attachments,
        ingresses,
        ingress_classes,
        network_policies,
        endpoint_slices,
        roles,
        cluster_roles,
        role_bindings,
        cluster_role_bindings,
        secrets,
        other
    );
    if more > 0 {
        notes.push(Note {
            at: String::new(),
            message: format!(
                "and {more} more objects defined twice (the first {MAX_NOTES} are listed)"
            ),
        });
    }
}
