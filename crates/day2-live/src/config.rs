//! A client for the cluster the user means: `--kubeconfig`, `KUBECONFIG`,
//! `~/.kube/config` or the in-cluster service account; `--context` or the
//! current context. Token, client-certificate, exec-plugin (`aws eks
//! get-token`, `kubelogin`, `gke-gcloud-auth-plugin`) and OIDC credentials are
//! handled by kube's config loader exactly as kubectl does.

use crate::{LiveError, LiveOptions};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use std::time::Duration;

/// The client plus what the report says about the target.
pub struct Connection {
    pub client: Client,
    /// Context name (`in-cluster` for the pod's service account).
    pub context: String,
    /// API server URL.
    pub server: String,
}

/// Build the client. Nothing is sent to the server yet; exec plugins run on
/// the first request.
pub async fn connect(opts: &LiveOptions) -> Result<Connection, LiveError> {
    let (mut config, context) = load(opts).await?;
    config.read_timeout = Some(opts.timeout);
    config.reset_reader_on_write = true;
    config.connect_timeout = Some(opts.timeout.min(Duration::from_secs(30)));
    // day2 retries itself, with backoff, and reports what failed.
    config.default_retry = false;
    let server = config.cluster_url.to_string();
    let server = server.trim_end_matches('/').to_owned();
    let exec = config.auth_info.exec.clone();
    // Building the client runs the exec credential plugin, if any.
    let client = Client::try_from(config).map_err(|e| {
        if let kube::Error::Auth(_) = e {
            let mut message = crate::fetch::chain(&e);
            if let Some(x) = &exec {
                if let Some(cmd) = &x.command {
                    message = format!("credential plugin {cmd}: {message}");
                }
                if let Some(hint) = &x.install_hint {
                    message = format!("{message}\n{}", hint.trim());
                }
            }
            LiveError::Credentials {
                server: server.clone(),
                message,
            }
        } else {
            LiveError::Client {
                context: context.clone(),
                message: crate::fetch::chain(&e),
            }
        }
    })?;
    Ok(Connection {
        client,
        context,
        server,
    })
}

async fn load(opts: &LiveOptions) -> Result<(Config, String), LiveError> {
    let kubeconfig = match &opts.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).map_err(|e| LiveError::Kubeconfig {
            path: Some(path.clone()),
            message: crate::fetch::chain(&e),
        })?,
        None => match Kubeconfig::read() {
            Ok(k) => k,
            Err(kerr) => {
                // No kubeconfig: inside a pod, use its service account.
                if opts.context.is_none() {
                    match Config::incluster() {
                        Ok(c) => return Ok((c, "in-cluster".into())),
                        Err(ierr) => {
                            return Err(LiveError::NoConfig {
                                kubeconfig: crate::fetch::chain(&kerr),
                                in_cluster: crate::fetch::chain(&ierr),
                            });
                        }
                    }
                }
                return Err(LiveError::Kubeconfig {
                    path: None,
                    message: crate::fetch::chain(&kerr),
                });
            }
        },
    };
    let Some(context) = opts
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
        .filter(|c| !c.is_empty())
    else {
        return Err(LiveError::NoContext {
            available: kubeconfig.contexts.iter().map(|c| c.name.clone()).collect(),
        });
    };
    if !kubeconfig.contexts.iter().any(|c| c.name == context) {
        return Err(LiveError::UnknownContext {
            context,
            available: kubeconfig.contexts.iter().map(|c| c.name.clone()).collect(),
        });
    }
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| LiveError::Kubeconfig {
            path: opts.kubeconfig.clone(),
            message: format!("context {context}: {}", crate::fetch::chain(&e)),
        })?;
    Ok((config, context))
}
