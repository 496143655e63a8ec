//! Choosing what to talk to: the real service, a Graph-compatible root, or the embedded mock.
//!
//! Credentials, first found wins: `GRAPH_TOKEN` (a bearer token); then client credentials from
//! `GRAPH_TENANT_ID`, `GRAPH_CLIENT_ID`, `GRAPH_CLIENT_SECRET` (and `GRAPH_AUTHORITY`); then the
//! same from the Azure SDKs' `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` (and
//! `AZURE_AUTHORITY_HOST`). The two client-credential sets are never mixed
//! ([`ClientCredentials::from_env`]).

use crate::cli::{CloudArg, Global};
use crate::error::CliError;
use graph_client::{ClientCredentials, Cloud, GraphClient, GraphClientBuilder, RetryPolicy};

/// The variables that select client credentials, in either convention.
const CREDENTIAL_VARIABLES: [&str; 6] = [
    "GRAPH_TENANT_ID",
    "GRAPH_CLIENT_ID",
    "GRAPH_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
];

/// What to do about missing credentials.
const SET_CREDENTIALS: &str =
    "set GRAPH_TOKEN, or GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET (or their AZURE_ names)";

/// A ready client and, when it talks to the embedded mock, the running mock.
pub struct Connection {
    /// The client.
    pub client: GraphClient,
    /// Keeps the embedded mock alive as long as the client needs it.
    #[cfg(feature = "mock")]
    pub mock: Option<graph_mock::MockServer>,
}

impl Connection {
    /// The embedded mock's users (id and principal name), if this is the embedded mock.
    pub fn mock_users(&self) -> Option<Vec<(String, String)>> {
        #[cfg(feature = "mock")]
        if let Some(mock) = &self.mock {
            return Some(mock.users().iter().map(|user| (user.id.clone(), user.upn.clone())).collect());
        }
        None
    }

    /// Stops the embedded mock, if there is one.
    pub async fn close(self) {
        #[cfg(feature = "mock")]
        if let Some(mock) = self.mock {
            mock.shutdown().await;
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|it| !it.is_empty())
}

/// Credentials found in the environment.
enum Credentials {
    Token(String),
    // Boxed: the client's secret and endpoints are several times the size of a token.
    Client(Box<ClientCredentials>),
}

/// The credentials the environment names, or `None` without any.
fn credentials() -> Result<Option<Credentials>, CliError> {
    if let Some(token) = var("GRAPH_TOKEN") {
        return Ok(Some(Credentials::Token(token)));
    }
    if !CREDENTIAL_VARIABLES.iter().any(|name| var(name).is_some()) {
        return Ok(None);
    }
    let credentials = ClientCredentials::from_env().map_err(|err| CliError::Usage(err.to_string()))?;
    Ok(Some(Credentials::Client(Box::new(credentials))))
}

/// Connects as the options and the environment say: `--mock`, or credentials with the cloud or
/// `--base-url`; with no credentials and no `--base-url`, the embedded mock, with a notice.
pub async fn connect(global: &Global) -> Result<Connection, CliError> {
    let cloud = match global.cloud {
        CloudArg::Global => Cloud::Global,
        CloudArg::Usgov => Cloud::UsGovL4,
        CloudArg::UsgovDod => Cloud::UsGovL5,
        CloudArg::China => Cloud::China,
    };
    let builder = GraphClient::builder()
        .cloud(cloud)
        .include_unknown_enum_members(global.include_unknown_enum_members)
        .retry_policy(RetryPolicy::default().max_retries(global.max_retries));
    let mut builder = match if global.wants_mock() { None } else { credentials()? } {
        Some(Credentials::Token(token)) => builder.bearer_token(token),
        Some(Credentials::Client(credentials)) => builder.token_provider(*credentials),
        None if global.base_url.is_some() => {
            return Err(CliError::Usage(format!("no credentials for --base-url: {SET_CREDENTIALS}")))
        }
        None => return embedded_mock(builder, global).await,
    };
    if let Some(base_url) = &global.base_url {
        builder = builder.base_url(base_url.clone());
    }
    Ok(Connection {
        client: builder.build()?,
        #[cfg(feature = "mock")]
        mock: None,
    })
}

#[cfg(feature = "mock")]
async fn embedded_mock(builder: GraphClientBuilder, global: &Global) -> Result<Connection, CliError> {
    if !global.wants_mock() {
        crate::notice(format_args!(
            "graph-chat: no credentials set, so using the embedded mock Graph server (--mock hides this notice)"
        ));
    }
    let server = graph_mock::start(graph_mock::MockConfig::default()).await.map_err(CliError::Io)?;
    let client = builder.base_url(server.base_url()).bearer_token(server.token()).build()?;
    Ok(Connection { client, mock: Some(server) })
}

#[cfg(not(feature = "mock"))]
async fn embedded_mock(_builder: GraphClientBuilder, _global: &Global) -> Result<Connection, CliError> {
    Err(CliError::Usage(format!(
        "no credentials: {SET_CREDENTIALS}; this build has no embedded mock (cargo feature `mock`)"
    )))
}
