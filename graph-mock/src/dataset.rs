//! The data the server answers from: the documented examples first, then the generated chats.

use crate::changes::{ChangeLog, Step};
use crate::config::DatasetConfig;
use crate::generate::{Generator, User};
use crate::seeds::{seed_chats, SeedChat};
use graph_models::{Chat, ChatMessage, ChatMessageInfo, ConversationMember, Property};
use std::collections::HashMap;
use std::sync::RwLock;

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
    seed: u64,
    /// What simulated time changed in the generated chats.
    log: RwLock<ChangeLog>,
}

impl Dataset {
    /// Builds the dataset; generated messages are made when asked for.
    pub fn new(config: &DatasetConfig) -> Self {
        let seeds = if config.seed_examples { seed_chats() } else { Vec::new() };
        let generator = Generator::new(config.seed, config.chats, config.messages_per_chat);
        let generated_ids = (0..config.chats).map(|c| (generator.chat_id(c), c)).collect();
        let log = RwLock::new(ChangeLog::default());
        Dataset { seeds, generator, generated_ids, users: Generator::users(), seed: config.seed, log }
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

    /// How many messages the chat has now.
    pub fn message_count(&self, chat: ChatRef) -> usize {
        self.message_count_at(chat, self.step())
    }

    /// The message at `position`, newest first, as it is now.
    pub fn message(&self, chat: ChatRef, position: usize) -> ChatMessage {
        self.message_at(chat, position, self.step())
    }

    /// How many messages the chat had at `step` of simulated time.
    pub fn message_count_at(&self, chat: ChatRef, step: u64) -> usize {
        match chat {
            ChatRef::Seed(index) => self.seeds[index].messages.len(),
            ChatRef::Generated(c) => self.log().message_count(c, self.generator.messages_per_chat(), step),
        }
    }

    /// The message at `position`, newest first, as it was at `step` of simulated time.
    pub fn message_at(&self, chat: ChatRef, position: usize, step: u64) -> ChatMessage {
        match chat {
            ChatRef::Seed(index) => self.seeds[index].messages[position].clone(),
            ChatRef::Generated(c) => self.indexed_message(c, self.message_count_at(chat, step) - 1 - position, step),
        }
    }

    /// Message `j` (oldest first) of generated chat `c` as it was at `step`.
    pub fn indexed_message(&self, c: usize, j: usize, step: u64) -> ChatMessage {
        match self.log().latest(c, j, step) {
            Some(change) => self.generator.changed_message(&change),
            None => self.generator.message(c, j),
        }
    }

    /// The message with this id in the chat, as it is now.
    pub fn find_message(&self, chat: ChatRef, id: &str) -> Option<ChatMessage> {
        let is_it = |message: &ChatMessage| message.id.get().map(String::as_str) == Some(id);
        match chat {
            ChatRef::Seed(index) => self.seeds[index].messages.iter().find(|it| is_it(it)).cloned(),
            ChatRef::Generated(c) => {
                let (step, count) = (self.step(), self.message_count(chat));
                let initial = self.generator.messages_per_chat();
                // Generated ids are times the index can be computed from; new messages are few.
                let candidates = self.generator.message_index(c, id).filter(|j| *j < initial).into_iter();
                candidates.chain(initial..count).map(|j| self.indexed_message(c, j, step)).find(is_it)
            }
        }
    }

    /// The latest change to message `j` of generated chat `c` at `step`, if any.
    pub fn latest_change(&self, c: usize, j: usize, step: u64) -> Option<crate::changes::Change> {
        self.log().latest(c, j, step)
    }

    /// The current step of simulated time; 0 until the first [`advance`](Self::advance).
    pub fn step(&self) -> u64 {
        self.log().step()
    }

    /// Moves simulated time on by a step that makes the changes `step` asks for.
    pub fn advance(&self, step: Step) -> u64 {
        let mut log = self.log.write().unwrap_or_else(|it| it.into_inner());
        log.advance(self.seed, self.generator.chat_count(), self.generator.messages_per_chat(), step)
    }

    /// The generated messages (chat index, message index) changed after step `since` up to `until`.
    pub fn changed_between(&self, since: u64, until: u64) -> Vec<(usize, usize)> {
        self.log().changed_between(since, until)
    }

    fn log(&self) -> std::sync::RwLockReadGuard<'_, ChangeLog> {
        // A panic while holding the lock leaves a consistent log: `advance` pushes at the end.
        self.log.read().unwrap_or_else(|it| it.into_inner())
    }
}
