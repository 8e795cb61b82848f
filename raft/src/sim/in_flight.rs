//! The messages on the wire, by id. Ids are handed out in sending order, one apart, so the
//! table is a window of slots from the oldest message not yet delivered: finding, adding and
//! removing a message are O(1) and move nothing but the message itself (a map keyed by id
//! shifted every message in a node at each delivery).

use super::wire::InFlight;
use alloc::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub(super) struct InFlightTable {
    /// Slot k holds message `first_id + k`, or None once it was delivered or dropped.
    /// Invariant: the front slot, if any, is occupied.
    slots: VecDeque<Option<InFlight>>,
    /// The id of the front slot.
    first_id: u64,
}

impl InFlightTable {
    /// Add `message`, whose id must be the next one after every id added so far.
    pub(super) fn insert(&mut self, message: InFlight) {
        if self.slots.is_empty() {
            self.first_id = message.id;
        }
        assert_eq!(
            message.id,
            self.first_id + self.slots.len() as u64,
            "message ids are handed out in order, one apart"
        );
        self.slots.push_back(Some(message));
    }

    fn slot(&self, id: u64) -> Option<usize> {
        let k = usize::try_from(id.checked_sub(self.first_id)?).ok()?;
        (k < self.slots.len()).then_some(k)
    }

    pub(super) fn get(&self, id: u64) -> Option<&InFlight> {
        self.slots.get(self.slot(id)?)?.as_ref()
    }

    pub(super) fn get_mut(&mut self, id: u64) -> Option<&mut InFlight> {
        let k = self.slot(id)?;
        self.slots.get_mut(k)?.as_mut()
    }

    pub(super) fn remove(&mut self, id: u64) -> Option<InFlight> {
        let k = self.slot(id)?;
        let message = self.slots[k].take();
        while self.slots.front().is_some_and(Option::is_none) {
            self.slots.pop_front();
            self.first_id += 1;
        }
        message
    }

    /// The messages in id (sending) order.
    pub(super) fn values(&self) -> impl Iterator<Item = &InFlight> {
        self.slots.iter().flatten()
    }
}
