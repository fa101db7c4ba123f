//! A mount whose driver cannot set up TLS on the node: the driver process
//! runs on the host (a FUSE client, a systemd unit) and reads the node's
//! CA bundle, which a custom node image or an old one may lack or break
//! (awslabs/mountpoint-s3-csi-driver#241: `AWS_IO_TLS_CTX_ERROR, Failed to
//! create tls context` on an image with custom CAs, gone on a newer EKS AMI).

/// What to check on `node` when the mount error says TLS could not start.
pub(super) fn note(node: &str, message: &str) -> Option<String> {
    let l = message.to_ascii_lowercase();
    let tls = l.contains("tls_ctx_error")
        || l.contains("failed to create tls context")
        || l.contains("x509: certificate signed by unknown authority")
        || l.contains("unable to get local issuer certificate");
    tls.then(|| {
        format!(
            " The driver cannot set up TLS on {node}: it reads the node's CA certificates (/etc/ssl/certs, /etc/pki), which the node image provides. Compare the node image (AMI) and its CA bundle with a node where the mount works (custom CAs added to the image, a bundle the image's update broke), move the node group to a current image, and check the bundle (`openssl s_client -connect <endpoint>:443` from the node)."
        )
    })
}
