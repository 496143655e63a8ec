//! Simulated time: what was created, edited and deleted in the generated chats since the server
//! started, step by step. Step 0 is the generated dataset as it is; every step of time moves a
//! simulated clock one hour on and makes the changes it is asked for, chosen from the seed, so a
//! run is reproducible. Delta rounds are answered from this log.

use std::collections::HashMap;

/// What happened to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The message was posted.
    Created,
    /// Its text was edited.
    Edited,
    /// It was deleted; it keeps its place, with `deletedDateTime` set.
    Deleted,
}

/// One change to message `message` (its index in the chat, oldest first) of generated chat `chat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The step it was made in, from 1.
    pub step: u64,
    /// Its order within the step, from 0: its clock offset in seconds.
    pub order: u32,
    /// The generated chat.
    pub chat: usize,
    /// The message's index in the chat, oldest first.
    pub message: usize,
    /// What happened.
    pub kind: ChangeKind,
}

/// How many changes one step of simulated time makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Step {
    /// New messages.
    pub created: usize,
    /// Edited messages.
    pub edited: usize,
    /// Deleted messages.
    pub deleted: usize,
}

/// Every change so far, in order.
#[derive(Debug, Default)]
pub struct ChangeLog {
    step: u64,
    changes: Vec<Change>,
    /// Per message, the indexes of its changes in `changes`.
    by_message: HashMap<(usize, usize), Vec<usize>>,
    /// Per chat, the steps its new messages were created in, in order.
    created: HashMap<usize, Vec<u64>>,
}

impl ChangeLog {
    /// The current step.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// How many messages chat `chat`, which had `initial`, has at `step`.
    pub fn message_count(&self, chat: usize, initial: usize, step: u64) -> usize {
        initial + self.created.get(&chat).map_or(0, |steps| steps.partition_point(|it| *it <= step))
    }

    /// The latest change to a message at `step`, if any.
    pub fn latest(&self, chat: usize, message: usize, step: u64) -> Option<Change> {
        let indexes = self.by_message.get(&(chat, message))?;
        indexes.iter().rev().map(|it| self.changes[*it]).find(|it| it.step <= step)
    }

    /// The messages changed after step `since` up to `until`, each once, ordered by chat and
    /// message.
    pub fn changed_between(&self, since: u64, until: u64) -> Vec<(usize, usize)> {
        let start = self.changes.partition_point(|it| it.step <= since);
        let end = self.changes.partition_point(|it| it.step <= until);
        let mut changed: Vec<(usize, usize)> =
            self.changes[start..end.max(start)].iter().map(|it| (it.chat, it.message)).collect();
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// Moves time on by one step over `chats` generated chats of `initial` messages each, and
    /// returns the new step. Deleted messages are neither edited nor deleted again.
    pub fn advance(&mut self, seed: u64, chats: usize, initial: usize, step: Step) -> u64 {
        self.step += 1;
        if chats == 0 {
            return self.step;
        }
        let mut random = Random(seed ^ self.step.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut order = 0u32;
        let kinds = std::iter::repeat_n(ChangeKind::Created, step.created)
            .chain(std::iter::repeat_n(ChangeKind::Edited, step.edited))
            .chain(std::iter::repeat_n(ChangeKind::Deleted, step.deleted));
        for kind in kinds {
            let chat = random.below(chats);
            let count = self.message_count(chat, initial, self.step);
            let message = match kind {
                ChangeKind::Created => count,
                _ if count == 0 => continue,
                _ => random.below(count),
            };
            let deleted = self.latest(chat, message, self.step).is_some_and(|it| it.kind == ChangeKind::Deleted);
            if deleted {
                continue;
            }
            if kind == ChangeKind::Created {
                self.created.entry(chat).or_default().push(self.step);
            }
            self.by_message.entry((chat, message)).or_default().push(self.changes.len());
            self.changes.push(Change { step: self.step, order, chat, message, kind });
            order += 1;
        }
        self.step
    }
}

/// A small deterministic generator (SplitMix64).
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % bound as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_create_edit_and_delete_and_rounds_see_each_message_once() {
        let mut log = ChangeLog::default();
        let step = log.advance(7, 3, 10, Step { created: 4, edited: 5, deleted: 2 });
        assert_eq!(step, 1);
        let total: usize = (0..3).map(|chat| log.message_count(chat, 10, 1)).sum();
        assert_eq!(total, 34);
        assert_eq!((0..3).map(|chat| log.message_count(chat, 10, 0)).sum::<usize>(), 30, "step 0 is the start");
        let changed = log.changed_between(0, 1);
        assert!(!changed.is_empty() && changed.len() <= 11);
        assert!(changed.windows(2).all(|it| it[0] < it[1]), "sorted and distinct");
        assert!(log.changed_between(1, 1).is_empty());
        log.advance(7, 3, 10, Step { deleted: 1, ..Step::default() });
        assert_eq!(log.changed_between(1, 2).len(), 1);
    }
}
