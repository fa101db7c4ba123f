//! Leader election on a `coordination.k8s.io/v1` Lease
//!
//! With several replicas, only the holder of the Lease writes reports and
//! Events; every replica watches, evaluates and serves metrics. The protocol
//! is client-go's (`tools/leaderelection/resourcelock/leaselock.go`): the
//! holder renews `renewTime` every [`RENEW`]; another replica takes the Lease
//! over when `renewTime + leaseDurationSeconds` has passed. Writes are
//! guarded by the Lease's `resourceVersion`, so two replicas racing for it
//! cannot both win.

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, PostParams};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a Lease holds without renewal.
pub const LEASE_SECONDS: i32 = 15;
/// How often the holder renews and the others try.
pub const RENEW: Duration = Duration::from_secs(5);

/// What the Lease says, for [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Ours: renew it.
    Renew,
    /// Free or expired: take it.
    Acquire,
    /// Someone else holds it.
    Follow,
}

/// Whether `me` renews, acquires or follows the Lease `spec` at `now`.
pub fn decide(spec: Option<&LeaseSpec>, me: &str, now: jiff::Timestamp) -> Decision {
    let Some(spec) = spec else {
        return Decision::Acquire;
    };
    match spec.holder_identity.as_deref() {
        None | Some("") => return Decision::Acquire,
        Some(h) if h == me => return Decision::Renew,
        Some(_) => {}
    }
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(LEASE_SECONDS));
    let renewed = spec
        .renew_time
        .as_ref()
        .or(spec.acquire_time.as_ref())
        .map(|t| t.0);
    match renewed {
        Some(t) if now.as_second() <= t.as_second().saturating_add(duration) => Decision::Follow,
        _ => Decision::Acquire,
    }
}

/// Campaign for the Lease `name` in `namespace` as `identity`, forever;
/// `leader` says whether this replica holds it. Winning the Lease wakes
/// `gained`: an evaluation made while following wrote nothing, and a quiet
/// cluster may not change again for hours.
pub async fn run(
    client: kube::Client,
    namespace: String,
    name: String,
    identity: String,
    leader: Arc<AtomicBool>,
    gained: Arc<tokio::sync::Notify>,
) {
    let api: Api<Lease> = Api::namespaced(client, &namespace);
    loop {
        let held = match step(&api, &name, &identity).await {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(lease = %format!("{namespace}/{name}"), error = %e, "leader election: the Lease could not be read or written");
                false
            }
        };
        let was = leader.swap(held, Ordering::SeqCst);
        if was != held {
            tracing::info!(lease = %format!("{namespace}/{name}"), identity = %identity, leader = held, "leader election: leadership changed");
            if held {
                gained.notify_one();
            }
        }
        tokio::time::sleep(RENEW).await;
    }
}

/// One round; `Ok(true)` when this replica holds the Lease afterwards.
async fn step(api: &Api<Lease>, name: &str, me: &str) -> Result<bool, kube::Error> {
    let now = jiff::Timestamp::now();
    let current = match api.get_opt(name).await? {
        Some(l) => l,
        None => {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(name.to_owned()),
                    ..ObjectMeta::default()
                },
                spec: Some(LeaseSpec {
                    holder_identity: Some(me.to_owned()),
                    lease_duration_seconds: Some(LEASE_SECONDS),
                    acquire_time: Some(MicroTime(now)),
                    renew_time: Some(MicroTime(now)),
                    lease_transitions: Some(0),
                    ..LeaseSpec::default()
                }),
            };
            return match api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(e),
            };
        }
    };
    let decision = decide(current.spec.as_ref(), me, now);
    if decision == Decision::Follow {
        return Ok(false);
    }
    let mut next = current.clone();
    let spec = next.spec.get_or_insert_with(LeaseSpec::default);
    if decision == Decision::Acquire {
        spec.holder_identity = Some(me.to_owned());
        spec.acquire_time = Some(MicroTime(now));
        spec.lease_transitions = Some(spec.lease_transitions.unwrap_or(0).saturating_add(1));
    }
    spec.lease_duration_seconds = Some(LEASE_SECONDS);
    spec.renew_time = Some(MicroTime(now));
    // `replace` sends the resourceVersion read above: a Lease changed in
    // between is a conflict, and the other replica won.
    match api.replace(name, &PostParams::default(), &next).await {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(holder: &str, renewed: i64) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(holder.into()),
            lease_duration_seconds: Some(15),
            renew_time: Some(MicroTime(jiff::Timestamp::from_second(renewed).unwrap())),
            ..LeaseSpec::default()
        }
    }

    fn at(s: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn a_missing_or_unheld_lease_is_acquired() {
        assert_eq!(decide(None, "a", at(100)), Decision::Acquire);
        assert_eq!(
            decide(Some(&spec("", 100)), "a", at(100)),
            Decision::Acquire
        );
    }

    #[test]
    fn the_holder_renews_and_the_others_follow_until_it_expires() {
        let s = spec("a", 100);
        assert_eq!(decide(Some(&s), "a", at(200)), Decision::Renew);
        assert_eq!(decide(Some(&s), "b", at(110)), Decision::Follow);
        assert_eq!(decide(Some(&s), "b", at(115)), Decision::Follow);
        assert_eq!(decide(Some(&s), "b", at(116)), Decision::Acquire);
    }
}
