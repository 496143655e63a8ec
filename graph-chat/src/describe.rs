//! One-line descriptions of system event messages: `Alice renamed the chat to "Graph Members"`.

use graph_models::{EventMessageDetail as Detail, Identity, IdentitySet, Property, TeamworkUserIdentity};
use std::collections::HashMap;

/// Display names by user id, from the chat's members: event payloads often carry only ids.
pub type Names = HashMap<String, String>;

/// Describes a system event in one line.
pub fn describe(detail: &Detail, names: &Names) -> String {
    let who = |set: &Property<IdentitySet>| actor(set, names);
    let users = |list: &Property<Vec<TeamworkUserIdentity>>| user_list(list, names);
    let quoted = |text: &Property<String>| format!("\"{}\"", text.as_deref().unwrap_or_default());
    match detail {
        Detail::ChatRenamedEventMessageDetail(it) => {
            format!("{} renamed the chat to {}", who(&it.initiator), quoted(&it.chat_display_name))
        }
        Detail::MembersAddedEventMessageDetail(it) => format!("{} added {}", who(&it.initiator), users(&it.members)),
        Detail::MembersDeletedEventMessageDetail(it) => {
            format!("{} removed {}", who(&it.initiator), users(&it.members))
        }
        Detail::MembersJoinedEventMessageDetail(it) => format!("{} joined", users(&it.members)),
        Detail::MembersLeftEventMessageDetail(it) => format!("{} left", users(&it.members)),
        Detail::CallStartedEventMessageDetail(it) => {
            format!("{} started a {}", who(&it.initiator), call_kind(&it.call_event_type))
        }
        Detail::CallEndedEventMessageDetail(it) => {
            let duration = it.call_duration.get().map(|d| format!(" after {}", d.as_str())).unwrap_or_default();
            format!("The {} ended{duration}", call_kind(&it.call_event_type))
        }
        Detail::CallRecordingEventMessageDetail(it) => format!(
            "Recording {} is {}",
            quoted(&it.call_recording_display_name),
            it.call_recording_status.get().map_or("unknown", |it| it.as_str())
        ),
        Detail::CallTranscriptEventMessageDetail(_) => "A call transcript is available".to_owned(),
        Detail::MessagePinnedEventMessageDetail(it) => format!("{} pinned a message", who(&it.initiator)),
        Detail::MessageUnpinnedEventMessageDetail(it) => format!("{} unpinned a message", who(&it.initiator)),
        Detail::TeamsAppInstalledEventMessageDetail(it) => {
            format!("{} added the app {}", who(&it.initiator), quoted(&it.teams_app_display_name))
        }
        Detail::TeamsAppRemovedEventMessageDetail(it) => {
            format!("{} removed the app {}", who(&it.initiator), quoted(&it.teams_app_display_name))
        }
        Detail::TeamsAppUpgradedEventMessageDetail(it) => {
            format!("{} upgraded the app {}", who(&it.initiator), quoted(&it.teams_app_display_name))
        }
        Detail::TabUpdatedEventMessageDetail(it) => format!("{} updated a tab", who(&it.initiator)),
        Detail::ConversationMemberRoleUpdatedEventMessageDetail(it) => {
            let member =
                it.conversation_member_user.get().map_or_else(|| "someone".to_owned(), |user| user_name(user, names));
            let roles = it.conversation_member_roles.get().map(|roles| roles.join(", ")).filter(|it| !it.is_empty());
            format!("{} made {member} {}", who(&it.initiator), roles.as_deref().unwrap_or("a member"))
        }
        Detail::MeetingPolicyUpdatedEventMessageDetail(it) => {
            let state = if it.meeting_chat_enabled.get() == Some(&false) { "off" } else { "on" };
            format!("{} turned meeting chat {state}", who(&it.initiator))
        }
        Detail::ChannelAddedEventMessageDetail(it) => {
            format!("{} added the channel {}", who(&it.initiator), quoted(&it.channel_display_name))
        }
        Detail::ChannelDeletedEventMessageDetail(it) => {
            format!("{} deleted the channel {}", who(&it.initiator), quoted(&it.channel_display_name))
        }
        Detail::ChannelRenamedEventMessageDetail(it) => {
            format!("{} renamed the channel to {}", who(&it.initiator), quoted(&it.channel_display_name))
        }
        Detail::ChannelDescriptionUpdatedEventMessageDetail(it) => {
            format!("{} changed the channel description", who(&it.initiator))
        }
        Detail::ChannelSetAsFavoriteByDefaultEventMessageDetail(it) => {
            format!("{} made a channel a favorite for everyone", who(&it.initiator))
        }
        Detail::ChannelUnsetAsFavoriteByDefaultEventMessageDetail(it) => {
            format!("{} stopped a channel being a favorite for everyone", who(&it.initiator))
        }
        Detail::TeamCreatedEventMessageDetail(it) => {
            format!("{} created the team {}", who(&it.initiator), quoted(&it.team_display_name))
        }
        Detail::TeamRenamedEventMessageDetail(it) => {
            format!("{} renamed the team to {}", who(&it.initiator), quoted(&it.team_display_name))
        }
        Detail::TeamDescriptionUpdatedEventMessageDetail(it) => {
            format!("{} changed the team description", who(&it.initiator))
        }
        Detail::TeamArchivedEventMessageDetail(it) => format!("{} archived the team", who(&it.initiator)),
        Detail::TeamUnarchivedEventMessageDetail(it) => format!("{} restored the team", who(&it.initiator)),
        Detail::TeamJoiningEnabledEventMessageDetail(it) => {
            format!("{} turned on joining the team by code", who(&it.initiator))
        }
        Detail::TeamJoiningDisabledEventMessageDetail(it) => {
            format!("{} turned off joining the team by code", who(&it.initiator))
        }
        _ => format!("System event ({})", detail.odata_type().as_deref().unwrap_or("of an unknown type")),
    }
}

fn call_kind(kind: &Property<graph_models::TeamworkCallEventType>) -> &'static str {
    match kind.get() {
        Some(graph_models::TeamworkCallEventType::Meeting) => "meeting",
        Some(graph_models::TeamworkCallEventType::ScreenShare) => "screen share",
        _ => "call",
    }
}

/// The user, else the application, of an identity set, by name.
fn actor(set: &Property<IdentitySet>, names: &Names) -> String {
    let Some(set) = set.get() else { return "Someone".to_owned() };
    [set.user(), set.application()]
        .into_iter()
        .filter_map(Property::get)
        .find_map(|identity| identity_name(identity, names))
        .unwrap_or_else(|| "Someone".to_owned())
}

fn identity_name(identity: &Identity, names: &Names) -> Option<String> {
    let (id, name) = (identity.id().as_deref(), identity.display_name().as_deref());
    name.filter(|it| !it.is_empty()).map(str::to_owned).or_else(|| id.and_then(|id| names.get(id).cloned()))
}

fn user_name(user: &TeamworkUserIdentity, names: &Names) -> String {
    identity_name(&Identity::TeamworkUserIdentity(user.clone()), names).unwrap_or_else(|| "someone".to_owned())
}

fn user_list(list: &Property<Vec<TeamworkUserIdentity>>, names: &Names) -> String {
    let users: Vec<String> =
        list.get().map(|it| it.iter().map(|user| user_name(user, names)).collect()).unwrap_or_default();
    match users.as_slice() {
        [] => "nobody".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
