//! `ImagePullBackOff` / `ErrImagePull`: a container whose image cannot be pulled.
//!
//! Container state `waiting.reason` is `ErrImagePull` (message: the runtime
//! error), `ImagePullBackOff` (message: `Back-off pulling image "<img>"`,
//! on newer kubelets followed by `: <error name>: <runtime error>` of the last pull),
//! `ErrImageNeverPull`, `InvalidImageName` or `ImageInspectError` (the
//! runtime cannot read an image it holds: `Failed to inspect image …`); the kubelet's `Failed` events
//! carry `Failed to pull image "<img>": <runtime error>`
//! (kubernetes/kubernetes `pkg/kubelet/images/image_manager.go`).

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::evidence::events_absent;
use crate::messages::image::{self, PullClass};
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, Res};

pub fn detect<'c>(_a: &Analysis<'c>, pod: &'c Res<Pod>, events: &[&'c Event]) -> Vec<Detected<'c>> {
    let mut out = Vec::new();
    for cs in model::container_statuses(pod) {
        let Some(w) = cs.state.as_ref().and_then(|s| s.waiting.as_ref()) else {
            continue;
        };
        let reason = w.reason.as_deref().unwrap_or("");
        let kind = match reason {
            "ImagePullBackOff" | "ErrImageNeverPull" | "InvalidImageName" | "ImageInspectError" => {
                Kind::ImagePullBackOff
            }
            "ErrImagePull" => Kind::ErrImagePull,
            _ => continue,
        };
        let img = if cs.image.is_empty() {
            pod.spec
                .as_ref()
                .and_then(|s| s.containers.iter().find(|c| c.name == cs.name))
                .and_then(|c| c.image.clone())
                .unwrap_or_default()
        } else {
            cs.image.clone()
        };
        let field = format!("{{{}}}", cs.name);
        let mine = |e: &&Event| {
            e.field_path.as_deref().is_none_or(|f| f.ends_with(&field))
                && image::image_of(e.message_text()).is_none_or(|i| i == img)
        };
        let pull_events: Vec<&Event> = events
            .iter()
            .copied()
            .filter(mine)
            .filter(|e| {
                matches!(
                    &*e.reason,
                    "Failed" | "BackOff" | "Pulling" | "ErrImageNeverPull" | "InspectFailed"
                )
            })
            .collect();
        // The runtime error: the latest `Failed to pull image` event, else the waiting message.
        let failed = pull_events
            .iter()
            .rev()
            .find_map(|e| image::pull_error(e.message_text()).map(|m| (e, m)));
        let waiting_msg = w.message.as_deref().unwrap_or("");
        // Newer kubelets keep the last pull's error in the back-off message,
        // so it outlives the events.
        let backoff = image::backoff_error(waiting_msg);
        let error = match (failed, backoff) {
            (Some((_, m)), _) | (None, Some(m)) => Some(m.to_owned()),
            _ if kind == Kind::ErrImagePull && !waiting_msg.is_empty() => {
                Some(waiting_msg.to_owned())
            }
            _ if matches!(
                reason,
                "ErrImageNeverPull" | "InvalidImageName" | "ImageInspectError"
            ) =>
            {
                Some(format!("{reason}: {waiting_msg}"))
            }
            _ => None,
        };
        let mut class = error.as_deref().map_or(PullClass::Unknown, image::classify);
        // Docker Hub and registries built on distribution answer a private
        // repository and a missing one alike (`pull access denied …
        // repository does not exist or may require 'docker login'`); when
        // another attempt at the same image was met with the credential
        // challenge itself (`unauthorized: authentication required`, `401
        // Unauthorized`), the registry asked for credentials: read the
        // failures together, not only the latest.
        let mut error = error;
        if class == PullClass::DeniedOrMissing
            && let Some(challenge) = pull_events.iter().rev().find_map(|e| {
                image::pull_error(e.message_text())
                    .filter(|m| image::classify(m) == PullClass::Identity)
            })
        {
            class = PullClass::Identity;
            error = Some(challenge.to_owned());
        }
        let mut d = Detected::new(kind, pod.objref(), Subject::Pod(pod));
        d.since = pull_events
            .first()
            .and_then(|e| e.first)
            .or_else(|| model::condition(pod, "Ready").and_then(model::condition_since))
            .or_else(|| model::creation(&pod.metadata));
        d.evidence = evidence_of(&pull_events, 3);
        if !waiting_msg.is_empty() {
            d.evidence.push(format!(
                "container {} waiting: {reason}: {waiting_msg}",
                cs.name
            ));
        }
        if failed.is_none() && backoff.is_none() {
            d.missing
                .push(events_absent("kubelet `Failed to pull image`"));
        }
        d.events = pull_events;
        d.detail = Detail::Image {
            container: cs.name.clone(),
            image: img,
            error,
            class,
        };
        out.push(d);
    }
    out
}
