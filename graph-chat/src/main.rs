//! `graph-chat`: Teams chats through Microsoft Graph, or through the embedded mock server.

// Lines for stderr go through `notice`, which a closed stderr cannot make panic.
#![deny(clippy::print_stderr)]

mod archive;
mod archive_commands;
mod cli;
mod commands;
mod connect;
mod describe;
mod error;
mod export;
mod jsonl;
mod listen;
mod notify_commands;
mod outfile;
mod render;
mod sync;
mod text;

use clap::Parser;
use cli::{Cli, Command, MessagesCommand, OnlineCommand};
use error::CliError;
use std::io::Write;
use std::process::ExitCode;

/// mimalloc: building and freeing the owned models is much of the time typed decoding takes, and
/// mimalloc makes it about 17 % faster than the system allocator (BENCHMARKS.md). The libraries
/// leave the choice to the program.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => error.exit(),
        Err(error) => return fail(&CliError::Usage(one_line(&error.render().to_string()))),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => return fail(&CliError::Io(err)),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

/// `messages export` or `sync` without `--user`: getAllMessages is per user, so name the ones to
/// pick from.
fn missing_user(connection: &connect::Connection, command: &str) -> CliError {
    let Some(users) = connection.mock_users() else {
        return CliError::Usage(format!("{command} needs --user: a user id or user principal name (or --me for sync)"));
    };
    let users: Vec<String> = users.iter().map(|(id, upn)| format!("  {upn}  ({id})")).collect();
    let or_me = if command == "sync" { " (or --me)" } else { "" };
    CliError::Usage(format!("{command} needs --user{or_me}; the embedded mock's users are:\n{}", users.join("\n")))
}

/// clap's usage error on one line, as every other error: its lines up to the usage summary.
fn one_line(rendered: &str) -> String {
    let lines =
        rendered.lines().map(str::trim).take_while(|it| !it.starts_with("Usage:") && !it.starts_with("For more"));
    let text = lines.filter(|it| !it.is_empty()).collect::<Vec<_>>().join(" ");
    text.strip_prefix("error: ").unwrap_or(&text).to_owned()
}

/// One line on stderr. A closed stderr (`2>&1 | head -1`) is no reason to fail, nor to panic as
/// `eprintln!` does: the line is dropped.
pub fn notice(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn fail(error: &CliError) -> ExitCode {
    crate::notice(format_args!("graph-chat: error: {error}"));
    error.exit_code()
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let command = match cli.command {
        Command::Archive(command) => return archive_commands::run(command, cli.global.json),
        Command::Notifications(command) => return notify_commands::run(command),
        Command::Online(command) => command,
    };
    let connection = connect::connect(&cli.global).await?;
    let client = &connection.client;
    let json = cli.global.json;
    let mut out = std::io::stdout().lock();
    let writes_stdout = !matches!(command, OnlineCommand::Messages(MessagesCommand::Export { .. }));
    let result = match command {
        OnlineCommand::Chats(command) => commands::chats(client, command, json, &mut out).await,
        OnlineCommand::Messages(MessagesCommand::List { chat_id, top, since, until }) => {
            commands::list_messages(client, commands::ListMessages { chat_id, top, since, until }, json, &mut out).await
        }
        OnlineCommand::Messages(MessagesCommand::Export { user, out: file, model, since, until, top }) => {
            match user.ok_or_else(|| missing_user(&connection, "messages export")) {
                Ok(user) => export::export(client, export::Export { user, out: file, model, since, until, top })
                    .await
                    .map(|_| ()),
                Err(error) => Err(error),
            }
        }
        OnlineCommand::Members(command) => commands::members(client, command, json, &mut out).await,
        OnlineCommand::Listen(listen) => listen::listen(client, listen, json, &mut out).await,
        OnlineCommand::Sync { user, me, archive, model, top, with_hosted_contents, max_hosted_content_bytes } => {
            let hosted_contents = with_hosted_contents.then_some(max_hosted_content_bytes);
            let scope = match (me, user) {
                (true, _) => Ok(sync::Scope::Me),
                (false, Some(user)) => Ok(sync::Scope::User(user)),
                (false, None) => Err(missing_user(&connection, "sync")),
            };
            match scope {
                Ok(scope) => sync::sync(client, sync::Sync { scope, archive, model, top, hosted_contents })
                    .await
                    .and_then(|synced| writeln!(out, "{}", sync::summary(&synced)).map_err(CliError::Io)),
                Err(error) => Err(error),
            }
        }
    };
    connection.close().await;
    match result {
        // The reader closed stdout (`graph-chat ... | head -1`): it has all it wanted, so end
        // quietly and successfully, as Unix filters do.
        Err(CliError::Io(err)) if writes_stdout && err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}
