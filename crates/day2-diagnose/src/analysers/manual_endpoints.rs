//! A selector-less Service whose hand-written Endpoints do not back it
//! ([`crate::symptoms::manual_endpoints`]): the Endpoints object is the
//! root, with the port names it must carry.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::manual_endpoints::{endpoints_of, problem};
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, ObjRef};

pub fn unmatched<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    let Some(text) = problem(a, svc) else {
        return vec![];
    };
    let ns = svc.ns_or_default();
    let ports: Vec<String> = svc
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|p| {
            format!(
                "{{name: {}, port: {}}}",
                p.name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .unwrap_or("\"\""),
                p.target_port
                    .as_ref()
                    .map(|t| match t {
                        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) =>
                            n.to_string(),
                        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) =>
                            s.clone(),
                    })
                    .unwrap_or_else(|| p.port.to_string())
            )
        })
        .collect();
    let root = endpoints_of(a, svc).map_or_else(
        || ObjRef::new("Endpoints", Some(ns), svc.name()),
        |e| e.objref(),
    );
    vec![
        Hypothesis::new(84, Loop::Network, root, text)
            .fix(format!(
                "Write the Endpoints {ns}/{} with one port per Service port, each with the Service port's name: `ports: [{}]` under `subsets`, beside the addresses; or give Service {ns}/{} a selector so the endpoints controller writes them.",
                svc.name(),
                ports.join(", "),
                svc.name()
            )),
    ]
}
