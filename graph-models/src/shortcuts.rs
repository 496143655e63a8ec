//! Short paths to what readers of chat messages look up most: who sent it, what it says, whom
//! it mentions. Each is a plain walk through the generated fields; nothing is cached.

use crate::{
    BodyType, ChatMessage, ChatMessageFromIdentitySet, ChatMessageMention, ConversationMember, Identity, Property,
};

impl ChatMessage {
    /// Who sent the message: the user, else the application (a bot, a connector), else the
    /// device. `None` for system event messages, which have no sender.
    ///
    /// ```
    /// # use graph_models::ChatMessage;
    /// let message: ChatMessage = serde_json::from_str(r##"{"from": {"user": {
    ///     "@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": "8ea0e38b", "displayName": "Adele"}}}"##).unwrap();
    /// assert_eq!(message.sender_name(), Some("Adele"));
    /// assert_eq!(message.sender_id(), Some("8ea0e38b"));
    /// ```
    pub fn sender(&self) -> Option<&Identity> {
        self.from.get().and_then(|from| from.identity())
    }

    /// The sender's display name, if the message has a sender with a non-empty name.
    pub fn sender_name(&self) -> Option<&str> {
        self.sender().and_then(|it| it.display_name().as_deref()).filter(|it| !it.is_empty())
    }

    /// The sender's id (an Entra object id for users, an app id for applications).
    pub fn sender_id(&self) -> Option<&str> {
        self.sender().and_then(|it| it.id().as_deref())
    }

    /// The body as received: html or text, see [`Self::body_is_html`].
    pub fn body_content(&self) -> Option<&str> {
        self.body.get().and_then(|it| it.content.as_deref())
    }

    /// Whether the body is html (most messages sent from Teams are).
    pub fn body_is_html(&self) -> bool {
        self.body.get().is_some_and(|it| it.content_type.get() == Some(&BodyType::Html))
    }

    /// The ids of the hosted contents (inline images) the body points at; see
    /// [`hosted_content_ids`](crate::hosted_content_ids).
    pub fn hosted_content_ids(&self) -> Vec<&str> {
        crate::hosted_content_ids(self.body_content().unwrap_or_default())
    }

    /// Whether the message was deleted (`deletedDateTime` is set; the body is then empty).
    pub fn is_deleted(&self) -> bool {
        self.deleted_date_time.is_value()
    }

    /// Whether the message is a system event (members added, chat renamed, a call, ...), which
    /// carries an `eventDetail` instead of a sender.
    pub fn is_system_event(&self) -> bool {
        self.event_detail.is_value()
    }
}

impl ChatMessageFromIdentitySet {
    /// The user, else the application, else the device.
    pub fn identity(&self) -> Option<&Identity> {
        first_identity([&self.user, &self.application, &self.device])
    }
}

impl ChatMessageMention {
    /// The id of the user mentioned, for a mention of a user.
    ///
    /// ```
    /// # use graph_models::ChatMessageMention;
    /// let mention: ChatMessageMention = serde_json::from_str(
    ///     r#"{"id": 0, "mentionText": "Adele", "mentioned": {"user": {"id": "8ea0e38b", "displayName": "Adele"}}}"#,
    /// ).unwrap();
    /// assert_eq!(mention.user_id(), Some("8ea0e38b"));
    /// ```
    pub fn user_id(&self) -> Option<&str> {
        self.mentioned.get()?.user.get()?.id().as_deref()
    }
}

impl ConversationMember {
    /// The member's Entra or Microsoft account user id, for the kinds of member that have one.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            ConversationMember::AadUserConversationMember(it) => it.user_id.as_deref(),
            ConversationMember::MicrosoftAccountUserConversationMember(it) => it.user_id.as_deref(),
            ConversationMember::SkypeForBusinessUserConversationMember(it) => it.user_id.as_deref(),
            _ => None,
        }
    }
}

fn first_identity(candidates: [&Property<Identity>; 3]) -> Option<&Identity> {
    candidates.into_iter().find_map(Property::get)
}

/// The ids of the hosted contents (inline images) an html body points at: the `{id}` of each
/// `.../hostedContents/{id}/$value`, once each, in order. What cannot be an id (empty, or with a
/// `/`, a quote, a `<` or a space in it) is passed over.
///
/// ```
/// let body = r#"<img src="https://graph.microsoft.com/v1.0/chats/19:a@thread.v2/messages/1/hostedContents/aWQ=/$value">"#;
/// assert_eq!(graph_models::hosted_content_ids(body), ["aWQ="]);
/// ```
pub fn hosted_content_ids(body: &str) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    let found = body.split("/hostedContents/").skip(1).filter_map(|rest| rest.split_once("/$value").map(|(id, _)| id));
    for id in found.filter(|id| !id.is_empty() && !id.contains(['/', '"', '<', ' '])) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}
