//! The commands: each fetches through the client and prints a table or JSON lines.

use crate::cli::{ChatsCommand, ExpandArg, MembersCommand};
use crate::describe::{describe, Names};
use crate::error::CliError;
use crate::render::{clip, text, time, Table};
use crate::text::body_text;
use futures::TryStreamExt;
use graph_client::{ChatScope, GraphClient};
use graph_models::{Chat, ChatMessage, ChatMessageInfo, ConversationMember};
use std::io::Write;

/// Writes one JSON object per line.
fn json_line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> Result<(), CliError> {
    Ok(crate::jsonl::write_value(out, value)?)
}

/// The columns of a table: names, and the widths of all but the last.
type Columns = (&'static [&'static str], &'static [usize]);

/// Writes each item as it arrives, a JSON line or a table row, so that the first appears at once
/// and memory stays flat however long the listing.
async fn write_items<T: serde::Serialize>(
    out: &mut impl Write,
    mut items: graph_client::Items<T>,
    json: bool,
    (header, widths): Columns,
    row: impl Fn(&T) -> Vec<String>,
) -> Result<(), CliError> {
    if json {
        while let Some(item) = items.try_next().await? {
            json_line(out, &item)?;
        }
        return Ok(());
    }
    let mut rows = Table::new(out, header, widths);
    while let Some(item) = items.try_next().await? {
        rows.row(&row(&item))?;
    }
    Ok(rows.finish()?)
}

/// `chats list` and `chats get`.
pub async fn chats(
    client: &GraphClient,
    command: ChatsCommand,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        ChatsCommand::List { user, expand, top } => {
            let mut request = match &user {
                Some(user) => client.user(user).chats(),
                None => client.me().chats(),
            };
            // The table shows member counts and previews, so it always expands both.
            if !json || expand.contains(&ExpandArg::Members) {
                request = request.expand_members();
            }
            if !json || expand.contains(&ExpandArg::LastMessagePreview) {
                request = request.expand_last_message_preview();
            }
            if let Some(top) = top {
                request = request.top(top);
            }
            // The id comes last, unpadded, to be copied into `messages list`.
            let header = &["type", "topic", "members", "last message", "time", "id"];
            let widths = &[CHAT_TYPE_WIDTH, TOPIC_WIDTH, MEMBERS_WIDTH, PREVIEW_WIDTH, TIME_WIDTH];
            write_items(out, request.items(), json, (header, widths), chat_row).await?;
        }
        ChatsCommand::Get { chat_id, expand } => {
            let mut request = client.chat(&chat_id).get();
            if !json || expand.contains(&ExpandArg::Members) {
                request = request.expand_members();
            }
            if expand.contains(&ExpandArg::LastMessagePreview) {
                request = request.expand_last_message_preview();
            }
            let chat = request.send().await?;
            if json {
                json_line(out, &chat)?;
            } else {
                write_chat(out, &chat)?;
            }
        }
    }
    Ok(())
}

/// `oneOnOne`, the longest chat type the schema declares.
const CHAT_TYPE_WIDTH: usize = 8;
/// Topics (or member names) are clipped to this.
const TOPIC_WIDTH: usize = 32;
/// The width of the `MEMBERS` heading.
const MEMBERS_WIDTH: usize = 7;
/// Last-message previews are clipped to this.
const PREVIEW_WIDTH: usize = 40;

fn chat_row(chat: &Chat) -> Vec<String> {
    let members = chat.members.get();
    let topic = match chat.topic.as_deref().filter(|it| !it.is_empty()) {
        Some(topic) => topic.to_owned(),
        None => {
            members.map(|it| member_names(it).join(", ")).filter(|it| !it.is_empty()).unwrap_or_else(|| "-".to_owned())
        }
    };
    let preview = chat.last_message_preview.get();
    // The listing expands the members, so system events in previews can name people.
    let names = members.map(|it| member_names_by_id(it)).unwrap_or_default();
    vec![
        chat.chat_type.get().map_or("-".to_owned(), |it| it.to_string()),
        clip(&topic, TOPIC_WIDTH),
        members.map_or("-".to_owned(), |it| it.len().to_string()),
        preview.map_or("-".to_owned(), |it| clip(&preview_text(it, &names), PREVIEW_WIDTH)),
        preview.map_or("-".to_owned(), |it| time(&it.created_date_time)),
        text(&chat.id),
    ]
}

fn preview_text(preview: &ChatMessageInfo, names: &Names) -> String {
    if let Some(detail) = preview.event_detail.get() {
        return describe(detail, names);
    }
    if preview.is_deleted.get() == Some(&true) {
        return "(deleted)".to_owned();
    }
    let sender = preview.from.get().and_then(|from| from.identity()).and_then(|it| it.display_name().as_deref());
    let sender = sender.filter(|it| !it.is_empty()).map(|it| format!("{it}: ")).unwrap_or_default();
    format!("{sender}{}", body_text(&preview.body))
}

fn write_chat(out: &mut impl Write, chat: &Chat) -> Result<(), CliError> {
    let members = chat.members.get().map(|it| member_names(it).join(", "));
    let rows = [
        ("id", text(&chat.id)),
        ("type", chat.chat_type.get().map_or("-".to_owned(), |it| it.to_string())),
        ("topic", text(&chat.topic)),
        ("created", time(&chat.created_date_time)),
        ("updated", time(&chat.last_updated_date_time)),
        ("members", members.filter(|it| !it.is_empty()).unwrap_or_else(|| "-".to_owned())),
        ("web url", text(&chat.web_url)),
    ];
    for (name, value) in rows {
        writeln!(out, "{name:<8} {value}")?;
    }
    Ok(())
}

fn member_names(members: &[ConversationMember]) -> Vec<String> {
    members.iter().map(|it| member_display_name(it).unwrap_or("?").to_owned()).collect()
}

/// What `messages list` asks for.
pub struct ListMessages {
    /// The chat id.
    pub chat_id: String,
    /// Messages per page.
    pub top: Option<u32>,
    /// Only messages modified after this.
    pub since: Option<jiff::Timestamp>,
    /// Only messages modified before this.
    pub until: Option<jiff::Timestamp>,
}

/// `messages list`; `messages export` lives in `export.rs`.
pub async fn list_messages(
    client: &GraphClient,
    command: ListMessages,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let ListMessages { chat_id, top, since, until } = command;
    let chat = client.chat(&chat_id);
    let names = if json { Names::new() } else { names(&chat).await? };
    let mut request = chat.messages();
    if let Some(top) = top {
        request = request.top(top);
    }
    if let Some(since) = since {
        request = request.modified_after(since);
    }
    if let Some(until) = until {
        request = request.modified_before(until);
    }
    let columns: Columns = (&["time", "from", "message"], &[TIME_WIDTH, NAME_WIDTH]);
    write_items(out, request.items(), json, columns, |message| message_row(message, &names)).await
}

/// `2024-01-01 00:39`.
pub(crate) const TIME_WIDTH: usize = 16;
/// Sender names are clipped to this.
pub(crate) const NAME_WIDTH: usize = 24;

pub(crate) fn message_row(message: &ChatMessage, names: &Names) -> Vec<String> {
    let (from, body) = if let Some(detail) = message.event_detail.get() {
        ("-".to_owned(), describe(detail, names))
    } else if message.is_deleted() {
        (message.sender_name().unwrap_or("-").to_owned(), "(deleted)".to_owned())
    } else {
        let edited = if message.last_edited_date_time.is_value() { " (edited)" } else { "" };
        (message.sender_name().unwrap_or("-").to_owned(), format!("{}{edited}", body_text(&message.body)))
    };
    vec![time(&message.created_date_time), clip(&from, NAME_WIDTH), clip(&body, 100)]
}

/// Display names of the chat's members by user id, for events that name people by id only.
async fn names(chat: &ChatScope) -> Result<Names, CliError> {
    let members: Vec<ConversationMember> = chat.members().items().try_collect().await?;
    Ok(member_names_by_id(&members))
}

/// Display names by user id, of the members that have both.
fn member_names_by_id(members: &[ConversationMember]) -> Names {
    members
        .iter()
        .filter_map(|member| {
            let user_id = member.user_id()?;
            Some((user_id.to_owned(), member_display_name(member)?.to_owned()))
        })
        .collect()
}

/// `members list`.
pub async fn members(
    client: &GraphClient,
    command: MembersCommand,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let MembersCommand::List { chat_id } = command;
    let columns: Columns = (&["name", "roles", "kind", "user id"], &[NAME_WIDTH, ROLES_WIDTH, KIND_WIDTH]);
    write_items(out, client.chat(&chat_id).members().items(), json, columns, member_row).await
}

fn member_row(member: &ConversationMember) -> Vec<String> {
    let odata_type = member.odata_type();
    let kind = odata_type
        .as_deref()
        .unwrap_or("-")
        .trim_start_matches("#microsoft.graph.")
        .trim_end_matches("ConversationMember");
    let roles = member.roles().get().map(|it| it.join(", ")).unwrap_or_default();
    vec![
        clip(member_display_name(member).unwrap_or("-"), NAME_WIDTH),
        if roles.is_empty() { "-".to_owned() } else { roles },
        kind.to_owned(),
        member.user_id().unwrap_or("-").to_owned(),
    ]
}

/// Fits `owner`, the one role Graph names; a longer list pushes the rest of its row right.
const ROLES_WIDTH: usize = 5;
/// Fits `aadUser`, the usual member kind; a longer one pushes the rest of its row right.
const KIND_WIDTH: usize = 7;

fn member_display_name(member: &ConversationMember) -> Option<&str> {
    member.display_name().as_deref()
}
