//! Image pull failures: the kubelet's events and the container runtime's
//! error text inside them.
//!
//! Sources: kubernetes/kubernetes `pkg/kubelet/images/image_manager.go`
//! (`Failed` `Failed to pull image %q: %v`, `BackOff` `Back-off pulling image %q`,
//! `ErrImageNeverPull` `Container image %q is not present with pull policy of Never`);
//! the error bodies are containerd's and CRI-O's (`failed to resolve reference …: 401
//! Unauthorized`, `failed to authorize: failed to fetch anonymous token …`, `… not found`,
//! `pull access denied, repository does not exist or may require authorization …`) and,
//! on older nodes, dockershim's (`Error response from daemon: … no basic auth credentials`).

use super::{quoted_after, strip_combined};

/// What a pull error says about its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullClass {
    /// 401/403, `no basic auth credentials`, token endpoint refused: an identity problem.
    Identity,
    /// The reference names nothing: `not found`, `manifest unknown`.
    Reference,
    /// `pull access denied, repository does not exist or may require authorization`
    /// without a credential failure: either the repository is gone or private.
    DeniedOrMissing,
    /// The registry cannot be reached: timeouts, refused connections, DNS.
    Network,
    /// TLS trust failures (`x509: …`): an intercepting proxy or a private CA.
    Tls,
    /// `toomanyrequests` / 429: the registry's rate limit.
    RateLimit,
    /// The registry answered with a server error (HTTP 5xx: `502 Bad
    /// Gateway`, `503 Service Unavailable`): its own failure.
    ServerError,
    /// `imagePullPolicy: Never` and the image is not on the node.
    NeverPull,
    /// The reference does not parse.
    InvalidName,
    /// A name without a registry the runtime will not resolve (short-name
    /// mode enforcing, several registries could serve it).
    ShortName,
    /// The node's image file system is full while the runtime unpacks a
    /// layer (`failed to register layer: … no space left on device`).
    NodeDisk,
    /// No runtime error text to judge.
    Unknown,
}

impl PullClass {
    pub fn describe(self) -> &'static str {
        match self {
            PullClass::Identity => "the registry refused the node's credentials",
            PullClass::Reference => "the image reference does not exist",
            PullClass::DeniedOrMissing => {
                "the registry denied access: the repository does not exist or is private"
            }
            PullClass::Network => "the node cannot reach the registry",
            PullClass::Tls => "the node does not trust the registry's TLS certificate",
            PullClass::RateLimit => "the registry rate-limited the pulls",
            PullClass::ServerError => "the registry answered with a server error",
            PullClass::NeverPull => "imagePullPolicy is Never and the image is not on the node",
            PullClass::InvalidName => "the image reference is not a valid name",
            PullClass::ShortName => "the runtime will not pick a registry for a short image name",
            PullClass::NodeDisk => "the node's disk filled while the runtime unpacked the image",
            PullClass::Unknown => "the pull error text is not available",
        }
    }
}

/// Credential failures: an HTTP status or a missing/invalid credential.
const IDENTITY: &[&str] = &[
    "401 unauthorized",
    "403 forbidden",
    "unexpected status: 401",
    "unexpected status: 403",
    "no basic auth credentials",
    "authentication required",
    "unauthorized:",
    "invalid username/password",
    "credential provider",
];

const NETWORK: &[&str] = &[
    "i/o timeout",
    "connection refused",
    "no such host",
    "connection timed out",
    "connection reset by peer",
    "network is unreachable",
    "no route to host",
    "tls handshake timeout",
    "context deadline exceeded",
    "server misbehaving",
    "temporary failure in name resolution",
    "registry is unavailable",
    // The registry's end closed the connection before answering: `Get
    // https://quay.io/v2/: EOF` (cert-manager/cert-manager#2960, quay.io's
    // outage of 2020-05-28).
    "/v2/: eof",
    "unexpected eof",
];

const REFERENCE: &[&str] = &[
    "manifest unknown",
    // dockershim's distribution client: `Error reading manifest <tag> in
    // <repo>: manifest unknown`, cut short by some runtimes after the tag;
    // credential, network and rate-limit words were ruled out before.
    "error reading manifest",
    ": not found",
    "name unknown",
    "repository name not known",
    "no matching manifest for",
    // Docker before registry v2 clients: `Tag v2.4.0-rc not found in
    // repository quay.io/acme/api` (kubernetes/kubernetes#18435).
    "not found in repository",
];

/// Classify a runtime pull error (or a whole `Failed to pull image` message).
pub fn classify(text: &str) -> PullClass {
    let l = strip_combined(text).to_ascii_lowercase();
    let has = |pats: &[&str]| pats.iter().any(|p| l.contains(p));
    if l.is_empty() {
        PullClass::Unknown
    } else if has(&["no space left on device", "disk quota exceeded"]) {
        PullClass::NodeDisk
    } else if has(&[
        "toomanyrequests",
        "429 too many requests",
        "pull rate limit",
    ]) {
        PullClass::RateLimit
    } else if has(&[
        "500 internal server error",
        "502 bad gateway",
        "503 service unavailable",
        "504 gateway timeout",
        "unexpected http status: 5",
        "unexpected status: 5",
        "unexpected status code 5",
    ]) && !has(IDENTITY)
        // A layer refused after the manifest was served: the pull was
        // authorised, and the registry's blob store (its CDN, its bucket)
        // refuses the download (k0sproject/k0s#3713, quay.io).
        || (l.contains("/blobs/sha256:") && has(&["403 forbidden", "status code 403"]))
        // The registry's end breaks off the TLS handshake (an outage of its
        // front end, istio/istio#22672, or a proxy in between).
        || l.contains("remote error: tls: handshake failure")
    {
        // A server error beside a refusal of the credentials (the
        // runtime's attempts, aggregated as `[…, …]`): the refusal is what
        // the registry holds against this pull (Azure/acr#231).
        PullClass::ServerError
    } else if has(&["not present with pull policy of never", "errimageneverpull"]) {
        PullClass::NeverPull
    } else if has(&[
        "invalidimagename",
        "couldn't parse image",
        "invalid reference format",
    ]) {
        PullClass::InvalidName
    } else if has(&[
        "short name mode is enforcing",
        "short-name mode is enforcing",
    ]) {
        // CRI-O / containers-image with `short-name-mode = "enforcing"`: a
        // name without a registry that several registries could serve.
        PullClass::ShortName
    } else if has(&["x509:", "certificate signed by unknown authority"]) {
        PullClass::Tls
    } else if has(IDENTITY) {
        PullClass::Identity
    } else if has(NETWORK) {
        // Includes failures on the way to the token endpoint
        // (`failed to authorize: … dial tcp … no such host`).
        PullClass::Network
    } else if has(&[
        "failed to authorize",
        "failed to fetch anonymous token",
        "failed to fetch oauth token",
    ]) {
        PullClass::Identity
    } else if has(&[
        "pull access denied",
        "insufficient_scope",
        "may require 'docker login'",
        "requested access to the resource is denied",
        // The distribution spec's DENIED error code, as registries print it
        // (`denied: access forbidden`, `denied: requested access …`).
        ": denied: ",
    ]) {
        PullClass::DeniedOrMissing
    } else if has(REFERENCE) || l.ends_with("not found") {
        PullClass::Reference
    } else {
        PullClass::Unknown
    }
}

/// The image of a kubelet pull message (`Failed to pull image "x": …`, `Back-off pulling image "x"`).
pub fn image_of(msg: &str) -> Option<&str> {
    quoted_after(msg, "image ")
}

/// The runtime error of `Failed to pull image "x": <error>`.
pub fn pull_error(msg: &str) -> Option<&str> {
    let msg = strip_combined(msg);
    let rest = msg
        .strip_prefix("Failed to pull image ")?
        .strip_prefix('"')?;
    let close = rest.find('"')? + 1;
    rest[close..].strip_prefix(": ").map(str::trim)
}

/// The last pull's error that newer kubelets append to the back-off
/// waiting message (`pkg/kubelet/images/image_manager.go`: `Back-off pulling
/// image "x": <ErrImagePull | RegistryUnavailable | …>: <runtime error>`),
/// without the error's name; `None` for the bare older wording.
pub fn backoff_error(msg: &str) -> Option<&str> {
    let rest = msg
        .trim_start()
        .strip_prefix("Back-off pulling image ")?
        .strip_prefix('"')?;
    let close = rest.find('"')? + 1;
    let err = rest[close..].strip_prefix(": ")?.trim();
    let err = match err.split_once(": ") {
        Some((name, text))
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            text.trim()
        }
        _ => err,
    };
    (!err.is_empty()).then_some(err)
}

/// The registry host an image is pulled from (`docker.io` when none is named).
pub fn registry_of(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, rest))
            if !rest.is_empty()
                && (first.contains('.') || first.contains(':') || first == "localhost") =>
        {
            first
        }
        _ => "docker.io",
    }
}

/// Registries whose identity is the node's cloud identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryKind {
    /// `<account>.dkr.ecr.<region>.amazonaws.com` (and ECR Public).
    Ecr,
    /// `<name>.azurecr.io`.
    Acr,
    /// `gcr.io`, `<region>-docker.pkg.dev`.
    Gar,
    DockerHub,
    Other,
}

pub fn registry_kind(host: &str) -> RegistryKind {
    if host.contains(".dkr.ecr.") || host == "public.ecr.aws" {
        RegistryKind::Ecr
    } else if host.ends_with(".azurecr.io") || host.ends_with(".azurecr.cn") {
        RegistryKind::Acr
    } else if host.ends_with("gcr.io") || host.ends_with("-docker.pkg.dev") {
        RegistryKind::Gar
    } else if matches!(
        host,
        "docker.io" | "registry-1.docker.io" | "index.docker.io"
    ) {
        RegistryKind::DockerHub
    } else {
        RegistryKind::Other
    }
}

/// Registries that serve public repositories to anonymous pulls, and answer
/// `401 Unauthorized` (or `insufficient_scope`) for a repository or tag
/// they do not hold as much as for a private one: a pull without
/// credentials refused there is first a wrong or vanished name.
pub fn serves_anonymous(host: &str) -> bool {
    registry_kind(host) == RegistryKind::DockerHub
        || matches!(
            host,
            "quay.io" | "ghcr.io" | "registry.k8s.io" | "k8s.gcr.io" | "mcr.microsoft.com"
        )
}

/// Registries that hold public images only: no credential opens more, so
/// a `403 Forbidden` there refuses the client (its address, its network
/// path), not a missing secret.
pub fn public_only(host: &str) -> bool {
    matches!(
        host,
        "registry.k8s.io" | "k8s.gcr.io" | "mcr.microsoft.com" | "public.ecr.aws"
    )
}

/// An image reference without its tag or digest (`quay.io/org/app:1` →
/// `quay.io/org/app`).
pub fn repository(image: &str) -> &str {
    let name = image.split('@').next().unwrap_or(image);
    match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => name,
    }
}

/// `(major, minor)` of an image's tag: `v0.13.4`, `0.7.4`,
/// `0.13.1-debian-11-r0`.
pub fn tag_version(image: &str) -> Option<(u32, u32)> {
    let tag = image.rsplit_once(':')?.1;
    let mut parts = tag.trim_start_matches('v').split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The AWS region of an ECR host.
pub fn ecr_region(host: &str) -> Option<&str> {
    let rest = &host[host.find(".dkr.ecr.")? + ".dkr.ecr.".len()..];
    rest.split('.').next()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_back_off_message_of_newer_kubelets_carries_the_last_pull_error() {
        // The kubelet's own composition: "%s: %s" of "Back-off pulling image %q"
        // and "%s: %s" of the error and the runtime's text.
        let m = "Back-off pulling image \"ghcr.io/acme/cart:9.9\": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image \"ghcr.io/acme/cart:9.9\": failed to resolve reference \"ghcr.io/acme/cart:9.9\": ghcr.io/acme/cart:9.9: not found";
        let e = super::backoff_error(m).unwrap();
        assert!(e.starts_with("rpc error: code = NotFound"), "{e}");
        assert_eq!(super::classify(e), super::PullClass::Reference);
        let r = "Back-off pulling image \"r.example/app:1\": RegistryUnavailable: image pull failed for r.example/app:1 because the registry is unavailable: dial tcp: i/o timeout";
        assert!(
            super::backoff_error(r)
                .unwrap()
                .starts_with("image pull failed for r.example/app:1")
        );
        assert_eq!(
            super::backoff_error("Back-off pulling image \"nginx:1.99\""),
            None
        );
        assert_eq!(
            super::backoff_error("Failed to pull image \"nginx\": x"),
            None
        );
    }

    use super::*;

    #[test]
    fn a_registry_that_closes_the_connection_is_the_network_path() {
        let e = "rpc error: code = Unknown desc = Error response from daemon: Get https://quay.io/v2/: EOF";
        assert_eq!(classify(e), PullClass::Network);
        // EOF in an image's name or a tag is nothing of the kind.
        assert_eq!(
            classify("rpc error: code = NotFound desc = eof-tools/app:1: not found"),
            PullClass::Reference
        );
    }

    #[test]
    fn the_release_is_read_from_the_image_tag() {
        assert_eq!(
            tag_version("quay.io/metallb/controller:v0.13.4"),
            Some((0, 13))
        );
        assert_eq!(tag_version("metallb/controller:v0.12.1"), Some((0, 12)));
        assert_eq!(tag_version("quay.io/metallb/controller@sha256:abc"), None);
        assert_eq!(tag_version("metallb/controller"), None);
    }

    #[test]
    fn identity_failures() {
        for msg in [
            // canonical/microk8s#3541
            r#"Failed to pull image "782534010321.dkr.ecr.eu-west-2.amazonaws.com/soap:v1.1": rpc error: code = Unknown desc = failed to pull and unpack image "782534010321.dkr.ecr.eu-west-2.amazonaws.com/soap:v1.1": failed to resolve reference "782534010321.dkr.ecr.eu-west-2.amazonaws.com/soap:v1.1": pulling from host 782534010321.dkr.ecr.eu-west-2.amazonaws.com failed with status code [manifests v1.1]: 401 Unauthorized"#,
            // Azure/AKS#4459
            r#"Failed to pull image "reg.azurecr.io/main/app:v5.0.0": failed to pull and unpack image "reg.azurecr.io/main/app:v5.0.0": failed to resolve reference "reg.azurecr.io/main/app:v5.0.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://reg.azurecr.io/oauth2/token?scope=repository%3Amain%2Fapp%3Apull&service=reg.azurecr.io: 401 Unauthorized"#,
            // CrowdStrike/terraform-kubectl-falcon#27
            r#"Failed to pull image "registry.crowdstrike.com/kubernetes_protection/kpagent:0.917.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry.crowdstrike.com/kubernetes_protection/kpagent:0.917.0": failed to resolve reference "registry.crowdstrike.com/kubernetes_protection/kpagent:0.917.0": failed to authorize: failed to fetch oauth token: unexpected status: 403"#,
            // kubernetes/community#4003 (dockershim)
            r#"Failed to pull image "": rpc error: code = Unknown desc = Error response from daemon: Get https://XXXXXX.dkr.ecr.ap-southeast-1.amazonaws.com/v2/webbook/webbook/manifests/latest: no basic auth credentials"#,
            // kubernetes/kops#16762
            r#"failed to resolve reference "123456789101.dkr.ecr.ap-southeast-2.amazonaws.com/k8s-example/pause@sha256:7031": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials"#,
            // helm/helm#12189
            r#"Failed to pull image "smartsitealfaacr.azurecr.io/aem6.5-authbaseimage:v2": rpc error: code = Unknown desc = Error response from daemon: Head "https://smartsitealfaacr.azurecr.io/v2/aem6.5-authbaseimage/manifests/v2": unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information."#,
        ] {
            assert_eq!(classify(msg), PullClass::Identity, "{msg}");
        }
    }

    #[test]
    fn a_manifest_the_registry_does_not_have() {
        // concourse/concourse-chart#30 (dockershim, cut after the tag), and
        // the full form with an unknown manifest.
        for msg in [
            r#"Failed to pull image "concourse/concourse:8.4.1": rpc error: code = Unknown desc = Error reading manifest 8.4.1"#,
            r#"Failed to pull image "app:2": rpc error: code = Unknown desc = Error response from daemon: error reading manifest 2 in docker.io/library/app: manifest unknown: manifest unknown"#,
        ] {
            assert_eq!(classify(msg), PullClass::Reference, "{msg}");
        }
        // A credential failure on the way stays one.
        assert_eq!(
            classify(
                r#"Error response from daemon: error reading manifest 1 in r.example/app: unauthorized: authentication required"#
            ),
            PullClass::Identity
        );
    }

    #[test]
    fn not_identity() {
        assert_eq!(
            classify(
                r#"failed to pull and unpack image "docker.io/library/nginx:1.27.9": failed to resolve reference "docker.io/library/nginx:1.27.9": docker.io/library/nginx:1.27.9: not found"#
            ),
            PullClass::Reference
        );
        assert_eq!(
            classify(
                r#"rpc error: code = NotFound desc = failed to pull and unpack image "123.dkr.ecr.us-east-1.amazonaws.com/api:v9": failed to resolve reference "123.dkr.ecr.us-east-1.amazonaws.com/api:v9": 123.dkr.ecr.us-east-1.amazonaws.com/api:v9: not found"#
            ),
            PullClass::Reference
        );
        // kubernetes/kubeadm#2936
        assert_eq!(
            classify(
                r#"failed to do request: Head "https://registry.k8s.io/v2/pause/manifests/3.9": dial tcp 34.96.108.209:443: connect: connection timed out"#
            ),
            PullClass::Network
        );
        assert_eq!(
            classify(
                r#"failed to authorize: failed to fetch oauth token: Post "https://auth.docker.io/token": dial tcp: lookup auth.docker.io on 10.0.0.2:53: no such host"#
            ),
            PullClass::Network
        );
        assert_eq!(
            classify(
                "toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"
            ),
            PullClass::RateLimit
        );
        // appscode/charts#1069
        assert_eq!(
            classify(
                r#"failed to resolve reference "docker.io/appscode/kubed:v0.13.2": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"#
            ),
            PullClass::DeniedOrMissing
        );
        // The distribution spec's DENIED code, as GitLab's registry prints it.
        assert_eq!(
            classify(
                "Error response from daemon: Get https://registry.example.com/v2/a/b/manifests/1: denied: access forbidden"
            ),
            PullClass::DeniedOrMissing
        );
        assert_eq!(classify(""), PullClass::Unknown);
        assert_eq!(
            classify(
                "Failed to pull image \"quay.io/acme/api:v2.4.0-rc\": Tag v2.4.0-rc not found in repository quay.io/acme/api"
            ),
            PullClass::Reference
        );
        // stackrox/stackrox: a 20 GB root volume.
        assert_eq!(
            classify(
                "Failed to pull image \"quay.io/stackrox-io/main:4.1.3\": rpc error: code = Unknown desc = failed to register layer: Error processing tar file(exit status 1): write /usr/local/bin/ldb: no space left on device"
            ),
            PullClass::NodeDisk
        );
    }

    #[test]
    fn message_parts() {
        let m = r#"Failed to pull image "shop/web:1.4.3": rpc error: code = NotFound desc = x: not found"#;
        assert_eq!(image_of(m), Some("shop/web:1.4.3"));
        assert_eq!(
            pull_error(m),
            Some("rpc error: code = NotFound desc = x: not found")
        );
        assert_eq!(
            image_of(r#"Back-off pulling image "nginx:1""#),
            Some("nginx:1")
        );
        assert_eq!(
            registry_of("123.dkr.ecr.us-east-1.amazonaws.com/api:1"),
            "123.dkr.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(registry_of("nginx:1"), "docker.io");
        assert_eq!(
            ecr_region("123.dkr.ecr.us-east-1.amazonaws.com"),
            Some("us-east-1")
        );
        assert_eq!(registry_kind("x.azurecr.io"), RegistryKind::Acr);
    }

    #[test]
    fn a_registry_that_fails_on_its_side() {
        // dockerd and containerd spellings of a 5xx answer.
        for m in [
            "Failed to pull image \"quay.io/k8scsi/livenessprobe:v1.1.0\": rpc error: code = Unknown desc = Error response from daemon: received unexpected HTTP status: 502 Bad Gateway",
            "failed to pull and unpack image \"docker.io/library/nginx:1.25\": failed to copy: httpReadSeeker: failed open: unexpected status code 503 Service Unavailable",
        ] {
            assert_eq!(classify(m), PullClass::ServerError, "{m}");
        }
        // A 4xx is not the registry's failure.
        assert_ne!(
            classify("unexpected status: 401 Unauthorized"),
            PullClass::ServerError
        );
    }
}
