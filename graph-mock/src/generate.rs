//! Deterministic made-up tenant data: users, chats, members and messages, each computed on demand
//! from (seed, chat index, message index), so that any amount costs no memory.
//!
//! Every chat type, message type, importance, event-detail subtype and member subtype appears;
//! messages carry mentions, reactions, attachments, html and text bodies, edits and deletions.

use crate::changes::{Change, ChangeKind};
use graph_models::{
    AdditionalProperties, BodyType, Chat, ChatMessage, ChatMessageActions, ChatMessageAttachment,
    ChatMessageFromIdentitySet, ChatMessageHistoryItem, ChatMessageImportance, ChatMessageMention,
    ChatMessageMentionedIdentitySet, ChatMessagePolicyViolation, ChatMessageReaction, ChatMessageReactionIdentitySet,
    ChatMessageType, ChatType, ChatViewpoint, ConversationMember, DateTimeOffset, EventMessageDetail, Flags, Identity,
    ItemBody, Property, TeamworkApplicationIdentity, TeamworkApplicationIdentityType, TeamworkOnlineMeetingInfo,
    TeamworkUserIdentity, TeamworkUserIdentityType,
};
use serde_json::{json, Value};

/// The tenant every generated object belongs to.
pub const TENANT_ID: &str = "2432b57b-0abd-43db-aa7b-16eadd115d34";

/// Made-up people; user 0 is the signed-in user (`/me`) and a member of every chat.
const PEOPLE: &[&str] = &[
    "Adele Vance",
    "Alex Wilber",
    "Diego Siciliani",
    "Grady Archie",
    "Isaiah Langer",
    "Johanna Lorenz",
    "Lee Gu",
    "Lidia Holloway",
    "Lynne Robbins",
    "Megan Bowen",
    "Miriam Graham",
    "Nestor Wilke",
];

const TOPICS: &[&str] = &["Graph Members", "Release planning", "Lunch", "Incident 4512", "Design review", "Roadmap"];
const WORDS: &[&str] = &[
    "status", "deploy", "lunch", "review", "release", "graph", "meeting", "notes", "roadmap", "budget", "draft",
    "customer", "launch", "sync", "ticket", "build",
];

/// One made-up user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The object id, a UUID.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The user principal name.
    pub upn: String,
}

/// The generated part of the dataset.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    chats: usize,
    per_chat: usize,
    /// Where generated time starts: 2024-01-01T00:00:00Z.
    epoch: jiff::Timestamp,
}

impl Generator {
    /// A generator of `chats` chats of `per_chat` messages each.
    pub fn new(seed: u64, chats: usize, per_chat: usize) -> Self {
        Generator { seed, chats, per_chat, epoch: jiff::Timestamp::from_second(1_704_067_200).expect("in range") }
    }

    /// How many chats there are.
    pub fn chat_count(&self) -> usize {
        self.chats
    }

    /// How many messages each chat has.
    pub fn messages_per_chat(&self) -> usize {
        self.per_chat
    }

    /// The users of the tenant.
    pub fn users() -> Vec<User> {
        (0..PEOPLE.len()).map(user).collect()
    }

    /// The id of chat `c`.
    pub fn chat_id(&self, c: usize) -> String {
        format!("19:{:016x}{:016x}@thread.v2", mix(self.seed, c as u64, 1), mix(self.seed, c as u64, 2))
    }

    /// The user indexes of chat `c`'s members; user 0 is always first.
    pub fn member_users(&self, c: usize) -> Vec<usize> {
        let count = match self.chat_type(c) {
            ChatType::OneOnOne => 2,
            _ => 3 + c % 4,
        };
        let mut users = vec![0];
        let mut next = 1 + (mix(self.seed, c as u64, 3) as usize) % (PEOPLE.len() - 1);
        while users.len() < count {
            if !users.contains(&next) {
                users.push(next);
            }
            next = 1 + next % (PEOPLE.len() - 1);
        }
        users
    }

    fn chat_type(&self, c: usize) -> ChatType {
        [ChatType::Group, ChatType::OneOnOne, ChatType::Meeting][c % 3].clone()
    }

    /// Chat `c` without its navigation properties.
    pub fn chat(&self, c: usize) -> Chat {
        let chat_type = self.chat_type(c);
        let created = self.epoch + jiff::SignedDuration::from_hours(c as i64);
        let topic = match chat_type {
            ChatType::OneOnOne => Property::Null,
            ChatType::Meeting => Property::Value(format!("Meeting: {}", TOPICS[c % TOPICS.len()])),
            _ => Property::Value(TOPICS[c % TOPICS.len()].to_owned()),
        };
        let id = self.chat_id(c);
        let online_meeting_info = match chat_type {
            ChatType::Meeting => {
                let mut info = TeamworkOnlineMeetingInfo::default();
                info.calendar_event_id = Property::Value(format!("AAMkA{:x}", mix(self.seed, c as u64, 4)));
                info.join_web_url =
                    Property::Value(format!("https://teams.microsoft.com/l/meetup-join/{}", encode(&id)));
                info.organizer = Property::Value(user_identity(0, TeamworkUserIdentityType::AadUser));
                Property::Value(Box::new(info))
            }
            _ => Property::Null,
        };
        let read =
            if c % 4 == 0 { "0001-01-01T00:00:00Z".to_owned() } else { self.time(c, self.per_chat / 2).to_string() };
        let mut viewpoint = ChatViewpoint::default();
        viewpoint.is_hidden = Property::Value(false);
        viewpoint.last_message_read_date_time = Property::Value(DateTimeOffset::new(read));
        let mut chat = Chat::default();
        chat.web_url =
            Property::Value(format!("https://teams.microsoft.com/l/chat/{}/0?tenantId={TENANT_ID}", encode(&id)));
        chat.id = Property::Value(id);
        chat.chat_type = Property::Value(chat_type);
        chat.topic = topic;
        chat.created_date_time = Property::Value(created.into());
        chat.last_updated_date_time = Property::Value(self.last_modified(c, self.per_chat.saturating_sub(1)).into());
        chat.tenant_id = Property::Value(TENANT_ID.to_owned());
        chat.online_meeting_info = online_meeting_info;
        chat.viewpoint = Property::Value(viewpoint);
        chat
    }

    /// The members of chat `c`, cycling through every concrete member type.
    pub fn members(&self, c: usize) -> Vec<ConversationMember> {
        self.member_users(c)
            .into_iter()
            .enumerate()
            .map(|(k, u)| {
                let kinds = ConversationMember::ODATA_TYPES;
                // The signed-in user is always an Entra user; the others take every kind in turn.
                let kind = if k == 0 { kinds[0] } else { kinds[(c + k) % kinds.len()] };
                let person = user(u);
                let superset = json!({
                    "@odata.type": kind,
                    "id": format!("MCMjMiMj{:x}", mix(self.seed, c as u64 * 100 + k as u64, 5)),
                    "displayName": person.name,
                    "roles": if k == 0 { json!(["owner"]) } else { json!([]) },
                    "visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
                    "userId": person.id, "email": person.upn, "tenantId": TENANT_ID,
                    "anonymousGuestId": format!("guest-{u}"), "azureCommunicationServicesId": format!("8:acs:{u}"),
                    "microsoftAccountUserId": person.id, "phoneNumber": format!("+1425555{u:04}"),
                    "skypeId": format!("live:{u}"),
                });
                keep_declared(superset)
            })
            .collect()
    }

    /// The index of the message of chat `c` whose id is `id`, if the id is one of its
    /// generated ones (a number of milliseconds).
    pub fn message_index(&self, c: usize, id: &str) -> Option<usize> {
        let millis: i64 = id.parse().ok()?;
        let seconds = (millis - self.epoch.as_millisecond()) / 1000 - (c % 60) as i64;
        (seconds >= 0 && seconds % 60 == 0).then_some((seconds / 60) as usize)
    }

    /// When message `j` of chat `c` was created; strictly increasing in `j`.
    pub fn time(&self, c: usize, j: usize) -> jiff::Timestamp {
        self.epoch + jiff::SignedDuration::from_secs(j as i64 * 60 + (c % 60) as i64)
    }

    /// When message `j` of chat `c` was last modified: edits and deletions come 30 s after
    /// creation, so this too increases strictly with `j`.
    pub fn last_modified(&self, c: usize, j: usize) -> jiff::Timestamp {
        let changed = matches!(self.kind(c, j), Kind::Edited | Kind::Deleted | Kind::Reactions);
        self.time(c, j) + jiff::SignedDuration::from_secs(if changed { 30 } else { 0 })
    }

    /// The simulated clock at a change: an hour per step after the generated messages, a second
    /// per change within the step.
    fn clock(&self, change: &Change) -> jiff::Timestamp {
        let generated_end = self.per_chat as i64 * 60 + 86_400;
        self.epoch + jiff::SignedDuration::from_secs(generated_end + change.step as i64 * 3600 + change.order as i64)
    }

    /// Message `change.message` of its chat as the change left it.
    pub fn changed_message(&self, change: &Change) -> ChatMessage {
        let (c, j) = (change.chat, change.message);
        let mut message = self.message(c, j);
        let at: graph_models::DateTimeOffset = self.clock(change).into();
        match change.kind {
            ChangeKind::Created => {
                message.id = Property::Value(self.clock(change).as_millisecond().to_string());
                message.created_date_time = Property::Value(at.clone());
                message.last_edited_date_time = Property::Null;
                message.deleted_date_time = Property::Null;
                message.body = Property::Value(text_body(self.sentence(c, j)));
            }
            ChangeKind::Edited => {
                message.last_edited_date_time = Property::Value(at.clone());
                message.body =
                    Property::Value(text_body(format!("{} (edited in step {})", self.sentence(c, j), change.step)));
            }
            ChangeKind::Deleted => {
                message.deleted_date_time = Property::Value(at.clone());
                message.body = Property::Value(html_body(String::new()));
            }
        }
        message.etag = Property::Value(self.clock(change).as_millisecond().to_string());
        message.last_modified_date_time = Property::Value(at);
        message
    }

    fn kind(&self, c: usize, j: usize) -> Kind {
        KINDS[(j + c) % KINDS.len()]
    }

    /// Message `j` of chat `c`.
    pub fn message(&self, c: usize, j: usize) -> ChatMessage {
        let members = self.member_users(c);
        let sender = members[(j + mix(self.seed, c as u64, j as u64) as usize) % members.len()];
        let created = self.time(c, j);
        let modified = self.last_modified(c, j);
        let mut message = ChatMessage::default();
        message.id = Property::Value((created.as_millisecond()).to_string());
        message.etag = Property::Value(modified.as_millisecond().to_string());
        message.chat_id = Property::Value(self.chat_id(c));
        message.message_type = Property::Value(ChatMessageType::Message);
        message.created_date_time = Property::Value(created.into());
        message.last_modified_date_time = Property::Value(modified.into());
        message.last_edited_date_time = Property::Null;
        message.deleted_date_time = Property::Null;
        message.reply_to_id = Property::Null;
        message.subject = Property::Null;
        message.summary = Property::Null;
        message.importance = Property::Value(ChatMessageImportance::Normal);
        message.locale = Property::Value("en-us".to_owned());
        message.web_url = Property::Null;
        message.channel_identity = Property::Null;
        message.policy_violation = Property::Null;
        message.event_detail = Property::Null;
        message.from = Property::Value(Box::new(from_user(sender, TeamworkUserIdentityType::AadUser)));
        message.body = Property::Value(text_body(self.sentence(c, j)));
        message.attachments = Property::Value(Vec::new());
        message.mentions = Property::Value(Vec::new());
        message.reactions = Property::Value(Vec::new());
        message.message_history = Property::Value(Vec::new());
        match self.kind(c, j) {
            Kind::Text => {}
            Kind::Mention => {
                let mentioned = members[(j + 1) % members.len()];
                message.body = Property::Value(html_body(format!(
                    "<div><div><at id=\"0\">{}</at>&nbsp;{}</div></div>",
                    user(mentioned).name,
                    self.sentence(c, j)
                )));
                message.mentions = Property::Value(vec![mention(0, mentioned)]);
            }
            Kind::Reactions => {
                let reactor = members[(j + 1) % members.len()];
                let mut who = ChatMessageReactionIdentitySet::default();
                who.application = Property::Null;
                who.device = Property::Null;
                who.user = Property::Value(Identity::TeamworkUserIdentity(user_identity(
                    reactor,
                    TeamworkUserIdentityType::AadUser,
                )));
                let mut reaction = ChatMessageReaction::default();
                reaction.reaction_type = Property::Value(["like", "heart", "laugh", "💯"][j % 4].to_owned());
                reaction.display_name = Property::Value(["Like", "Heart", "Laugh", "Hundred points"][j % 4].to_owned());
                reaction.reaction_content_url = Property::Null;
                reaction.created_date_time = Property::Value(modified.into());
                reaction.user = Property::Value(Box::new(who));
                let mut history = ChatMessageHistoryItem::default();
                history.actions = Property::Value(Flags::new(vec![ChatMessageActions::ReactionAdded]));
                history.modified_date_time = Property::Value(modified.into());
                history.reaction = Property::Value(reaction.clone());
                message.message_history = Property::Value(vec![history]);
                message.reactions = Property::Value(vec![reaction]);
                message.body = Property::Value(html_body(format!("<p>{}</p>", self.sentence(c, j))));
            }
            Kind::Attachment if j % 2 == 0 => {
                // An inline image: the body points at its hosted content, as Teams writes it.
                let url = format!(
                    "https://graph.microsoft.com/v1.0/chats/{}/messages/{}/hostedContents/{}/$value",
                    self.chat_id(c),
                    created.as_millisecond(),
                    hosted_content_id(c, j)
                );
                message.body = Property::Value(html_body(format!(
                    "<p>{}</p><p><img src=\"{url}\" width=\"1\" height=\"1\" alt=\"image\"></p>",
                    self.sentence(c, j)
                )));
            }
            Kind::Attachment => {
                let name = format!("{}.docx", WORDS[j % WORDS.len()]);
                let attachment_id =
                    format!("{:08x}-0000-4000-8000-{:012x}", mix(self.seed, c as u64, j as u64) as u32, j);
                message.body = Property::Value(html_body(format!(
                    "<p>{}</p><attachment id=\"{attachment_id}\"></attachment>",
                    self.sentence(c, j)
                )));
                let mut attachment = ChatMessageAttachment::default();
                attachment.id = Property::Value(attachment_id);
                attachment.content_type = Property::Value("reference".to_owned());
                attachment.content_url =
                    Property::Value(format!("https://contoso.sharepoint.com/sites/chat/Shared%20Documents/{name}"));
                attachment.content = Property::Null;
                attachment.name = Property::Value(name);
                attachment.thumbnail_url = Property::Null;
                attachment.teams_app_id = Property::Null;
                message.attachments = Property::Value(vec![attachment]);
            }
            Kind::Edited => {
                message.last_edited_date_time = Property::Value(modified.into());
                message.body = Property::Value(text_body(format!("{} (edited)", self.sentence(c, j))));
            }
            Kind::Deleted => {
                message.deleted_date_time = Property::Value(modified.into());
                message.body = Property::Value(html_body(String::new()));
            }
            Kind::Bot => {
                let mut bot = TeamworkApplicationIdentity::default();
                bot.id = Property::Value("28:4c4ff3a4-0a25-4c4e-8c6b-6b1c0c8d1a2b".to_owned());
                bot.display_name = Property::Value("Build Bot".to_owned());
                bot.application_identity_type = Property::Value(TeamworkApplicationIdentityType::Bot);
                let mut from = ChatMessageFromIdentitySet::default();
                from.application = Property::Value(Identity::TeamworkApplicationIdentity(bot));
                from.device = Property::Null;
                from.user = Property::Null;
                message.from = Property::Value(Box::new(from));
                message.importance = Property::Value(ChatMessageImportance::High);
                message.body = Property::Value(html_body(format!("<p><b>Build {j}</b> {}</p>", self.sentence(c, j))));
            }
            Kind::EmailUser => {
                message.from = Property::Value(Box::new(from_user(sender, TeamworkUserIdentityType::EmailUser)));
            }
            Kind::Urgent => {
                message.importance = Property::Value(ChatMessageImportance::Urgent);
                message.subject = Property::Value(format!("Re: {}", TOPICS[j % TOPICS.len()]));
            }
            Kind::PolicyViolation => {
                let mut tip = graph_models::ChatMessagePolicyViolationPolicyTip::default();
                tip.compliance_url = Property::Value("https://contoso.com/dlp".to_owned());
                tip.general_text = Property::Value("This message was blocked.".to_owned());
                tip.matched_condition_descriptions = Property::Value(vec!["Credit Card Number".to_owned()]);
                let mut violation = ChatMessagePolicyViolation::default();
                violation.dlp_action = Property::Value(Flags::new(vec![
                    graph_models::ChatMessagePolicyViolationDlpActionTypes::NotifySender,
                    graph_models::ChatMessagePolicyViolationDlpActionTypes::BlockAccess,
                ]));
                violation.justification_text = Property::Null;
                violation.user_action =
                    Property::Value(Flags::new(vec![graph_models::ChatMessagePolicyViolationUserActionTypes::None]));
                violation.verdict_details = Property::Value(Flags::new(vec![
                    graph_models::ChatMessagePolicyViolationVerdictDetailsTypes::AllowOverrideWithoutJustification,
                ]));
                violation.policy_tip = Property::Value(tip);
                message.policy_violation = Property::Value(Box::new(violation));
            }
            Kind::Event => {
                let details = EventMessageDetail::ODATA_TYPES;
                let kind = details[(c * 7 + j / KINDS.len()) % details.len()];
                message.message_type = Property::Value(ChatMessageType::SystemEventMessage);
                message.from = Property::Null;
                message.body = Property::Value(html_body("<systemEventMessage/>".to_owned()));
                message.event_detail = Property::Value(self.event_detail(kind, c, j, &members));
            }
        }
        message
    }

    fn event_detail(&self, kind: &str, c: usize, j: usize, members: &[usize]) -> EventMessageDetail {
        let initiator = json!({"application": null, "device": null,
            "user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": user(members[0]).id,
                     "displayName": null, "userIdentityType": "aadUser", "tenantId": TENANT_ID}});
        let member_list: Vec<Value> = members
            .iter()
            .skip(1)
            .map(|u| json!({"id": user(*u).id, "displayName": null, "userIdentityType": "aadUser", "tenantId": TENANT_ID}))
            .collect();
        let name = TOPICS[(c + j) % TOPICS.len()];
        // Every property any event type has; `keep_declared` drops what this type does not declare.
        let superset = json!({
            "@odata.type": kind,
            "initiator": initiator, "meetingOrganizer": initiator,
            "members": member_list, "visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
            "chatId": self.chat_id(c), "chatDisplayName": name,
            "teamId": "19:team@thread.tacv2", "teamDisplayName": name, "teamDescription": "A team",
            "channelId": "19:channel@thread.tacv2", "channelDisplayName": name, "channelDescription": "A channel",
            "tabId": "tab-1", "teamsAppId": "com.contoso.app", "teamsAppDisplayName": "Contoso",
            "callId": format!("call-{c}-{j}"), "callDuration": "PT1M13S", "callEventType": "meeting",
            "callParticipants": [{"participant": initiator}],
            "callRecordingDisplayName": "Recording", "callRecordingDuration": "PT45M",
            "callRecordingStatus": "success", "callRecordingUrl": "https://contoso.sharepoint.com/recording.mp4",
            "callTranscriptICalUid": "ical-1", "meetingChatEnabled": true, "meetingChatId": self.chat_id(c),
            "conversationMemberRoles": ["owner"], "conversationMemberUser": member_list.first().cloned().unwrap_or(Value::Null),
            "eventDateTime": self.time(c, j).to_string(),
        });
        keep_declared(superset)
    }

    fn sentence(&self, c: usize, j: usize) -> String {
        let length = 4 + (mix(self.seed, c as u64, j as u64) % 24) as usize;
        (0..length)
            .map(|k| WORDS[(mix(self.seed, (c * 31 + j) as u64, k as u64) % WORDS.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a generated message shows; the cycle runs through all of them every 12 messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Mention,
    Reactions,
    Attachment,
    Edited,
    Deleted,
    Bot,
    EmailUser,
    Urgent,
    PolicyViolation,
    Event,
}

const KINDS: &[Kind] = &[
    Kind::Text,
    Kind::Mention,
    Kind::Reactions,
    Kind::Event,
    Kind::Attachment,
    Kind::Edited,
    Kind::Bot,
    Kind::Deleted,
    Kind::EmailUser,
    Kind::Urgent,
    Kind::PolicyViolation,
    Kind::Event,
];

/// A polymorphic value read from `superset`, a superset of the properties of every type of its
/// family, without those its type does not declare (the annotations stay).
fn keep_declared<T: serde::de::DeserializeOwned + Undeclared>(mut superset: Value) -> T {
    let read = |value: &Value| serde_json::from_value::<T>(value.clone()).expect("a valid polymorphic value");
    let undeclared: Vec<String> = read(&superset).undeclared().iter().map(|(key, _)| key.to_owned()).collect();
    if let Value::Object(object) = &mut superset {
        object.retain(|key, _| key.starts_with('@') || !undeclared.contains(key));
    }
    read(&superset)
}

/// The undeclared properties of a polymorphic value.
trait Undeclared {
    fn undeclared(&self) -> &AdditionalProperties;
}

impl Undeclared for EventMessageDetail {
    fn undeclared(&self) -> &AdditionalProperties {
        self.additional_properties()
    }
}

impl Undeclared for ConversationMember {
    fn undeclared(&self) -> &AdditionalProperties {
        self.additional_properties()
    }
}

fn user(index: usize) -> User {
    let name = PEOPLE[index % PEOPLE.len()];
    let upn = format!("{}@contoso.com", name.split(' ').next().unwrap_or(name).to_lowercase());
    User {
        id: format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            0x8b08_1ef6u32 + index as u32,
            index,
            index,
            index,
            index * 7919
        ),
        name: name.to_owned(),
        upn,
    }
}

fn user_identity(index: usize, kind: TeamworkUserIdentityType) -> TeamworkUserIdentity {
    let person = user(index);
    let mut additional = AdditionalProperties::new();
    additional.insert("tenantId", TENANT_ID);
    let mut identity = TeamworkUserIdentity::default();
    identity.id = Property::Value(person.id);
    identity.display_name = Property::Value(person.name);
    identity.user_identity_type = Property::Value(kind);
    identity.additional_properties = additional;
    identity
}

fn from_user(index: usize, kind: TeamworkUserIdentityType) -> ChatMessageFromIdentitySet {
    let mut from = ChatMessageFromIdentitySet::default();
    from.application = Property::Null;
    from.device = Property::Null;
    from.user = Property::Value(Identity::TeamworkUserIdentity(user_identity(index, kind)));
    from
}

fn mention(id: i32, index: usize) -> ChatMessageMention {
    let mut mentioned = ChatMessageMentionedIdentitySet::default();
    mentioned.application = Property::Null;
    mentioned.device = Property::Null;
    mentioned.conversation = Property::Null;
    mentioned.user =
        Property::Value(Identity::TeamworkUserIdentity(user_identity(index, TeamworkUserIdentityType::AadUser)));
    let mut mention = ChatMessageMention::default();
    mention.id = Property::Value(id);
    mention.mention_text = Property::Value(user(index).name);
    mention.mentioned = Property::Value(Box::new(mentioned));
    mention
}

/// The id of the inline image of message `j` of chat `c`: opaque, as the service's are.
fn hosted_content_id(c: usize, j: usize) -> String {
    format!("aWQ9MC1ldXMtZDEtOG{c:x}Z{j:x}")
}

/// The bytes every generated inline image has: a 1×1 PNG.
pub const IMAGE_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0xb5, 0x1c, 0x0c, 0x02, 0x00, 0x00, 0x00, 0x0b, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x30, 0x81, 0xd0, 0x2f, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn text_body(content: String) -> ItemBody {
    body(BodyType::Text, content)
}

fn html_body(content: String) -> ItemBody {
    body(BodyType::Html, content)
}

fn body(content_type: BodyType, content: String) -> ItemBody {
    let mut body = ItemBody::default();
    body.content_type = Property::Value(content_type);
    body.content = Property::Value(content);
    body
}

fn encode(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// SplitMix64 over the three inputs: a stable, seedable hash for reproducible data.
fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z = seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
