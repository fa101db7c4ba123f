//! Sizes of the model's types: what one decoded object costs before its heap data.
//! `cargo run --release -p day2-bench --example sizes`
fn main() {
    use k8s_openapi::api::core::v1::*;
    use k8s_openapi::api::discovery::v1::Endpoint;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
    use std::mem::size_of;
    println!("Object {}", size_of::<day2_model::Object>());
    println!("Res<Pod> {}", size_of::<day2_model::Res<Pod>>());
    println!(
        "Pod {} PodSpec {} PodStatus {} Container {} ContainerStatus {} ObjectMeta {}",
        size_of::<Pod>(),
        size_of::<PodSpec>(),
        size_of::<PodStatus>(),
        size_of::<Container>(),
        size_of::<ContainerStatus>(),
        size_of::<ObjectMeta>()
    );
    println!(
        "Node {} Event {} Deployment {} RS {}",
        size_of::<Node>(),
        size_of::<day2_model::Event>(),
        size_of::<k8s_openapi::api::apps::v1::Deployment>(),
        size_of::<k8s_openapi::api::apps::v1::ReplicaSet>()
    );
    println!(
        "PodCondition {} ContainerPort {} EnvVar {} VolumeMount {} Volume {} Toleration {} OwnerReference {} PodIP {} Endpoint {} NodeCondition {} NodeAddress {} Taint {} ServicePort {} Probe {}",
        size_of::<PodCondition>(),
        size_of::<ContainerPort>(),
        size_of::<EnvVar>(),
        size_of::<VolumeMount>(),
        size_of::<Volume>(),
        size_of::<Toleration>(),
        size_of::<OwnerReference>(),
        size_of::<PodIP>(),
        size_of::<Endpoint>(),
        size_of::<NodeCondition>(),
        size_of::<NodeAddress>(),
        size_of::<Taint>(),
        size_of::<ServicePort>(),
        size_of::<Probe>(),
    );
}
