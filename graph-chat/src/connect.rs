//! Choosing what to talk to: the real service, a Graph-compatible root, or the embedded mock.

use crate::cli::{CloudArg, Global};
use crate::error::CliError;
use graph_client::{ClientCredentials, Cloud, GraphClient, RetryPolicy};
use graph_mock::MockServer;

/// A ready client and, when it talks to the embedded mock, the running mock.
pub struct Connection {
    /// The client.
    pub client: GraphClient,
    /// Keeps the embedded mock alive as long as the client needs it.
    pub mock: Option<MockServer>,
}

/// Credentials found in the environment.
enum Credentials {
    Token(String),
    ClientSecret { tenant: String, client_id: String, secret: String, authority: Option<String> },
}

fn credentials_from_env() -> Option<Credentials> {
    let var = |name: &str| std::env::var(name).ok().filter(|it| !it.is_empty());
    if let Some(token) = var("GRAPH_TOKEN") {
        return Some(Credentials::Token(token));
    }
    match (var("GRAPH_TENANT_ID"), var("GRAPH_CLIENT_ID"), var("GRAPH_CLIENT_SECRET")) {
        (Some(tenant), Some(client_id), Some(secret)) => {
            Some(Credentials::ClientSecret { tenant, client_id, secret, authority: var("GRAPH_AUTHORITY") })
        }
        _ => None,
    }
}

/// Connects as the options and the environment say: `--mock`, or credentials with the cloud or
/// `--base-url`; with no credentials and no `--base-url`, the embedded mock, with a notice.
pub async fn connect(global: &Global) -> Result<Connection, CliError> {
    let credentials = if global.mock { None } else { credentials_from_env() };
    let cloud = match global.cloud {
        CloudArg::Global => Cloud::Global,
        CloudArg::Usgov => Cloud::UsGovL4,
        CloudArg::UsgovDod => Cloud::UsGovL5,
        CloudArg::China => Cloud::China,
    };
    let mut builder = GraphClient::builder()
        .cloud(cloud)
        .include_unknown_enum_members(global.include_unknown_enum_members)
        .retry_policy(RetryPolicy::default().max_retries(global.max_retries));
    let mut mock = None;
    match credentials {
        Some(Credentials::Token(token)) => builder = builder.bearer_token(token),
        Some(Credentials::ClientSecret { tenant, client_id, secret, authority }) => {
            let mut provider = ClientCredentials::new(tenant, client_id, secret);
            if let Some(authority) = authority {
                provider = provider.authority(authority);
            }
            builder = builder.token_provider(provider);
        }
        None if global.base_url.is_some() && !global.mock => {
            return Err(CliError::Usage(
                "no credentials for --base-url: set GRAPH_TOKEN, or GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET"
                    .to_owned(),
            ));
        }
        None => {
            if !global.mock {
                eprintln!("graph-chat: no credentials set, so using the embedded mock Graph server (--mock hides this notice)");
            }
            let server = graph_mock::start(graph_mock::MockConfig::default()).await.map_err(CliError::Io)?;
            builder = builder.base_url(server.base_url()).bearer_token(server.token());
            mock = Some(server);
        }
    }
    if let Some(base_url) = &global.base_url {
        builder = builder.base_url(base_url.clone());
    }
    Ok(Connection { client: builder.build()?, mock })
}
