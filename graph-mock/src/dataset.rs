//! The data the server answers from: the documented examples first, then the generated chats.

use crate::config::DatasetConfig;
use crate::generate::{Generator, User};
use crate::seeds::{seed_chats, SeedChat};
use graph_models::{Chat, ChatMessage, ChatMessageInfo, ConversationMember, Property};
use std::collections::HashMap;

/// A chat of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatRef {
    /// A documented chat, by index; every user sees these.
    Seed(usize),
    /// A generated chat, by index; its members see it.
    Generated(usize),
}

/// Everything served.
#[derive(Debug)]
pub struct Dataset {
    seeds: Vec<SeedChat>,
    generator: Generator,
    generated_ids: HashMap<String, usize>,
    users: Vec<User>,
}

impl Dataset {
    /// Builds the dataset; generated messages are made when asked for.
    pub fn new(config: &DatasetConfig) -> Self {
        let seeds = if config.seed_examples { seed_chats() } else { Vec::new() };
        let generator = Generator::new(config.seed, config.chats, config.messages_per_chat);
        let generated_ids = (0..config.chats).map(|c| (generator.chat_id(c), c)).collect();
        Dataset { seeds, generator, generated_ids, users: Generator::users() }
    }

    /// The users; user 0 is `/me`.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The index of the user with this id or user principal name.
    pub fn user_index(&self, user: &str) -> Option<usize> {
        self.users.iter().position(|it| it.id.eq_ignore_ascii_case(user) || it.upn.eq_ignore_ascii_case(user))
    }

    /// The chats `user` sees, documented ones first.
    pub fn chats_of(&self, user: usize) -> Vec<ChatRef> {
        let seeds = (0..self.seeds.len()).map(ChatRef::Seed);
        let generated = (0..self.generator.chat_count())
            .filter(|c| self.generator.member_users(*c).contains(&user))
            .map(ChatRef::Generated);
        seeds.chain(generated).collect()
    }

    /// The chat with this id.
    pub fn find(&self, id: &str) -> Option<ChatRef> {
        if let Some(c) = self.generated_ids.get(id) {
            return Some(ChatRef::Generated(*c));
        }
        self.seeds.iter().position(|it| it.chat.id.as_deref() == Some(id)).map(ChatRef::Seed)
    }

    /// Whether `user` sees the chat.
    pub fn is_visible_to(&self, chat: ChatRef, user: usize) -> bool {
        match chat {
            ChatRef::Seed(_) => true,
            ChatRef::Generated(c) => self.generator.member_users(c).contains(&user),
        }
    }

    /// The chat without navigation properties.
    pub fn chat(&self, chat: ChatRef) -> Chat {
        match chat {
            ChatRef::Seed(index) => self.seeds[index].chat.clone(),
            ChatRef::Generated(c) => self.generator.chat(c),
        }
    }

    /// The chat's members.
    pub fn members(&self, chat: ChatRef) -> Vec<ConversationMember> {
        match chat {
            ChatRef::Seed(index) => self.seeds[index].members.clone(),
            ChatRef::Generated(c) => self.generator.members(c),
        }
    }

    /// A preview of the newest message, as `$expand=lastMessagePreview` shows it.
    pub fn preview(&self, chat: ChatRef) -> Option<ChatMessageInfo> {
        if let ChatRef::Seed(index) = chat {
            if let Some(preview) = &self.seeds[index].preview {
                return Some(preview.clone());
            }
        }
        (self.message_count(chat) > 0).then(|| {
            let message = self.message(chat, 0);
            let mut preview = ChatMessageInfo::default();
            preview.id = message.id;
            preview.created_date_time = message.created_date_time;
            preview.is_deleted = Property::Value(message.deleted_date_time.is_value());
            preview.message_type = message.message_type;
            preview.event_detail = message.event_detail;
            preview.from = message.from;
            preview.body = message.body;
            preview
        })
    }

    /// How many messages the chat has.
    pub fn message_count(&self, chat: ChatRef) -> usize {
        match chat {
            ChatRef::Seed(index) => self.seeds[index].messages.len(),
            ChatRef::Generated(_) => self.generator.messages_per_chat(),
        }
    }

    /// The message at `position`, newest first.
    pub fn message(&self, chat: ChatRef, position: usize) -> ChatMessage {
        match chat {
            ChatRef::Seed(index) => self.seeds[index].messages[position].clone(),
            ChatRef::Generated(c) => self.generator.message(c, self.generator.messages_per_chat() - 1 - position),
        }
    }
}
