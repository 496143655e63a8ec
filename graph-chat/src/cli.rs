//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Read Microsoft Teams chats through Microsoft Graph, or through an embedded mock of it.
///
/// Credentials, first found wins: GRAPH_TOKEN; GRAPH_TENANT_ID + GRAPH_CLIENT_ID +
/// GRAPH_CLIENT_SECRET (+ GRAPH_AUTHORITY); AZURE_TENANT_ID + AZURE_CLIENT_ID +
/// AZURE_CLIENT_SECRET (+ AZURE_AUTHORITY_HOST). With none and no --base-url, graph-chat starts
/// the embedded mock server and talks to it.
#[derive(Debug, Parser)]
#[command(name = "graph-chat", version)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// Options for every command.
    #[command(flatten)]
    pub global: Global,
}

/// Options for every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Any Graph-compatible root, e.g. a proxy or graph-mock: http://127.0.0.1:PORT/v1.0.
    #[arg(long, global = true)]
    pub base_url: Option<String>,
    /// The national cloud: its Graph root, sign-in authority and scope.
    #[arg(long, global = true, value_enum, default_value_t = CloudArg::Global)]
    pub cloud: CloudArg,
    /// Ask for evolvable enum members (Prefer: include-unknown-enum-members).
    #[arg(long, global = true)]
    pub include_unknown_enum_members: bool,
    /// Machine output: one JSON object per line.
    #[arg(long, global = true)]
    pub json: bool,
    /// How often to retry throttled (429) and unavailable (503, 504) requests.
    #[arg(long, global = true, default_value_t = 6)]
    pub max_retries: u32,
    /// Use the embedded mock Graph server, even when credentials are set.
    #[cfg(feature = "mock")]
    #[arg(long, global = true, conflicts_with = "base_url")]
    pub mock: bool,
}

impl Global {
    /// Whether `--mock` asks for the embedded mock.
    pub fn wants_mock(&self) -> bool {
        #[cfg(feature = "mock")]
        return self.mock;
        #[cfg(not(feature = "mock"))]
        false
    }
}

/// A national cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CloudArg {
    /// graph.microsoft.com.
    Global,
    /// US Government L4 (GCC High).
    Usgov,
    /// US Government L5 (DoD).
    UsgovDod,
    /// Microsoft Graph operated by 21Vianet in China.
    China,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read an archive that `sync` wrote; no Graph access.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Change notifications saved from a webhook; no Graph access.
    #[command(subcommand)]
    Notifications(NotificationsCommand),
    /// The commands that talk to Graph.
    #[command(flatten)]
    Online(OnlineCommand),
}

/// The commands that talk to Graph (or the embedded mock).
#[derive(Debug, Subcommand)]
pub enum OnlineCommand {
    /// Keep a local archive of every message of a user's chats up to date: the first run pulls
    /// everything, later runs what changed; a killed run continues.
    Sync {
        /// The user id or user principal name, through getAllMessages/delta (application
        /// permissions). Leave it and --me out to see the embedded mock's users.
        #[arg(long, conflicts_with = "me")]
        user: Option<String>,
        /// The signed-in user's chats, one by one (delegated tokens, which have no getAllMessages).
        #[arg(long)]
        me: bool,
        /// The archive, an SQLite file; created if missing.
        #[arg(long)]
        archive: std::path::PathBuf,
        /// The licensing and payment model of getAllMessages; without it, evaluation mode.
        #[arg(long, value_enum, ignore_case = true, conflicts_with = "me")]
        model: Option<ModelArg>,
        /// Messages per page, 1 to 50 (first run only: later pages follow the stored links).
        #[arg(long)]
        top: Option<u32>,
        /// Also store the messages' hosted contents (inline images), each distinct one once.
        #[arg(long)]
        with_hosted_contents: bool,
        /// The largest hosted content to store, in bytes; a larger one is recorded as skipped.
        #[arg(long, default_value_t = graph_client::DEFAULT_MAX_HOSTED_CONTENT_BYTES, requires = "with_hosted_contents")]
        max_hosted_content_bytes: u64,
    },
    /// Subscribe to change notifications and print the messages they bring, decrypted, as they
    /// come; the subscription is renewed before it expires and deleted on Ctrl-C.
    Listen(Listen),
    /// Chats.
    #[command(subcommand)]
    Chats(ChatsCommand),
    /// Messages.
    #[command(subcommand)]
    Messages(MessagesCommand),
    /// Chat members.
    #[command(subcommand)]
    Members(MembersCommand),
}

/// Chat commands.
#[derive(Debug, Subcommand)]
pub enum ChatsCommand {
    /// List the chats of the signed-in user, or of --user.
    List {
        /// A user id or user principal name; without it, the signed-in user (/me).
        #[arg(long)]
        user: Option<String>,
        /// Inline navigation properties (machine output; the table always shows both).
        #[arg(long, value_enum)]
        expand: Vec<ExpandArg>,
        /// Chats per page, 1 to 50.
        #[arg(long)]
        top: Option<u32>,
    },
    /// Show one chat.
    Get {
        /// The chat id, e.g. 19:...@thread.v2.
        chat_id: String,
        /// Inline navigation properties.
        #[arg(long, value_enum)]
        expand: Vec<ExpandArg>,
    },
}

/// A navigation property to inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpandArg {
    /// The chat's members.
    Members,
    /// A preview of the chat's last message.
    #[value(name = "lastMessagePreview")]
    LastMessagePreview,
}

/// Message commands.
#[derive(Debug, Subcommand)]
pub enum MessagesCommand {
    /// List the messages of a chat, newest first.
    List {
        /// The chat id.
        chat_id: String,
        /// Messages per page, 1 to 50.
        #[arg(long)]
        top: Option<u32>,
        /// Only messages modified after this time (RFC 3339).
        #[arg(long, value_parser = rfc3339)]
        since: Option<jiff::Timestamp>,
        /// Only messages modified before this time (RFC 3339).
        #[arg(long, value_parser = rfc3339)]
        until: Option<jiff::Timestamp>,
    },
    /// Export every message of every chat of a user (getAllMessages) as JSON lines, as received.
    Export {
        /// The user id or user principal name. Leave it out to see the embedded mock's users.
        #[arg(long)]
        user: Option<String>,
        /// The file to write, one message per line.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The licensing and payment model; without it, evaluation mode.
        #[arg(long, value_enum, ignore_case = true)]
        model: Option<ModelArg>,
        /// Only messages modified after this time (RFC 3339).
        #[arg(long, value_parser = rfc3339)]
        since: Option<jiff::Timestamp>,
        /// Only messages modified before this time (RFC 3339).
        #[arg(long, value_parser = rfc3339)]
        until: Option<jiff::Timestamp>,
        /// Messages per page, 1 to 50.
        #[arg(long)]
        top: Option<u32>,
    },
}

/// A getAllMessages payment model, named as Graph writes it (`model=A`); either case is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// Model A: security and compliance apps.
    #[value(name = "A")]
    A,
    /// Model B: other apps.
    #[value(name = "B")]
    B,
}

impl From<ModelArg> for graph_client::Model {
    fn from(model: ModelArg) -> Self {
        match model {
            ModelArg::A => graph_client::Model::A,
            ModelArg::B => graph_client::Model::B,
        }
    }
}

/// `listen`'s options.
#[derive(Debug, Args)]
pub struct Listen {
    /// The local port the webhook listens on (127.0.0.1); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The RSA private key (PEM) that decrypts the notifications.
    #[arg(long)]
    pub key: std::path::PathBuf,
    /// Its certificate (PEM), which the subscription names to encrypt under.
    #[arg(long)]
    pub cert: std::path::PathBuf,
    /// One chat's messages (`/chats/{id}/messages`).
    #[arg(long, conflicts_with = "user")]
    pub chat: Option<String>,
    /// Every chat of a user (`/users/{id}/chats/getAllMessages`); with neither, every chat of
    /// the tenant (`/chats/getAllMessages`).
    #[arg(long)]
    pub user: Option<String>,
    /// The URL Graph posts to, when it is not the local one (a public https tunnel to --port).
    #[arg(long)]
    pub notification_url: Option<String>,
    /// The subscription's lifetime in minutes, at most 4320; over 60, lifecycle notifications
    /// come to the same URL.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(i64).range(1..=4320))]
    pub minutes: i64,
    /// Check each delivery's validation tokens against this key set (a file, or an https URL
    /// such as `https://login.microsoftonline.com/common/discovery/v2.0/keys`).
    #[arg(long, requires = "app_id")]
    pub jwks: Option<String>,
    /// The app id the validation tokens must be for.
    #[arg(long, requires = "jwks")]
    pub app_id: Option<String>,
}

/// Notification commands.
#[derive(Debug, Subcommand)]
pub enum NotificationsCommand {
    /// Decrypt a saved notification collection (stdin without FILE): each resource as one JSON
    /// line, exactly as decrypted; exit 1 with the reason if any notification fails.
    Decrypt {
        /// The RSA private key (PEM).
        #[arg(long)]
        key: std::path::PathBuf,
        /// The collection's JSON; stdin without it.
        file: Option<std::path::PathBuf>,
    },
}

/// Archive commands.
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Write the latest version of every message (or every version) as JSON lines, exactly as
    /// received, ordered by chat id, creation time and message id.
    Export {
        /// The archive.
        #[arg(long)]
        archive: std::path::PathBuf,
        /// The file to write, one message per line.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Every version of every message, oldest first, not only the latest.
        #[arg(long)]
        all_versions: bool,
    },
    /// Count messages, versions, deletions, chats and bytes.
    Stats {
        /// The archive.
        #[arg(long)]
        archive: std::path::PathBuf,
    },
}

/// Member commands.
#[derive(Debug, Subcommand)]
pub enum MembersCommand {
    /// List the members of a chat.
    List {
        /// The chat id.
        chat_id: String,
    },
}

/// A `--since`/`--until` time, with an error that says what is expected.
fn rfc3339(text: &str) -> Result<jiff::Timestamp, String> {
    text.parse().map_err(|_| "expected an RFC 3339 time such as 2026-01-31T09:00:00Z".to_owned())
}
