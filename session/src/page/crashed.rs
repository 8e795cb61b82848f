//! What a crashed node still has: its persisted raft state and snapshot, decoded once per
//! change of its persister (not once per frame). The page reads a crashed node's term,
//! votedFor and log from here (`view`, `log_window`).

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use raftlab::core::{NodeId, PersistentState};
use raftlab::sim::service::StateMachine;
use raftlab::sim::Simulation;

/// A crashed node's persister, decoded.
#[derive(Clone, Debug, Default)]
pub struct Decoded {
    pub state: PersistentState,
    pub service: StateMachine,
}

struct Slot {
    // Invariant: `raftstate` and `snapshot` are the persister's bytes `decoded` was decoded
    // from. The raftstate is a copy, compared by content (the persister patches its bytes in
    // place, so no address says "unchanged"; a memcmp is far cheaper than a decode); the
    // snapshot is held (not only compared by address), so an address is never reused while
    // the entry exists and `Arc::ptr_eq` means "unchanged".
    raftstate: Vec<u8>,
    snapshot: Arc<[u8]>,
    decoded: Decoded,
}

/// The cache, one slot per node (the page's view reads it through `&Page`).
#[derive(Default)]
pub struct CrashedStates {
    slots: RefCell<Vec<Option<Slot>>>,
    decodes: Cell<u64>,
}

impl CrashedStates {
    /// `f` of node `i`'s persisted state, decoded now only when its persister changed since
    /// the last call. Undecodable bytes read as the empty state (the image decoder, not the
    /// view, reports corrupt stored data).
    pub fn with<R>(&self, sim: &Simulation, i: NodeId, f: impl FnOnce(&Decoded) -> R) -> R {
        let persister = &sim.node(i).persister;
        let mut slots = self.slots.borrow_mut();
        if slots.len() < sim.len() {
            slots.resize_with(sim.len(), || None);
        }
        let fresh = match &slots[i] {
            Some(e) => {
                e.raftstate[..] == *persister.raftstate()
                    && Arc::ptr_eq(&e.snapshot, persister.snapshot())
            }
            None => false,
        };
        if !fresh {
            self.decodes.set(self.decodes.get() + 1);
            let bytes = persister.raftstate();
            let state = if bytes.is_empty() {
                PersistentState::default()
            } else {
                PersistentState::decode(bytes).unwrap_or_default()
            };
            let service = StateMachine::decode(persister.snapshot()).unwrap_or_default();
            slots[i] = Some(Slot {
                raftstate: persister.raftstate().to_vec(),
                snapshot: persister.snapshot().clone(),
                decoded: Decoded { state, service },
            });
        }
        match &slots[i] {
            Some(e) => f(&e.decoded),
            None => f(&Decoded::default()),
        }
    }

    /// Persisters decoded since the cache was made (a test checks it does not decode per call).
    pub fn decodes(&self) -> u64 {
        self.decodes.get()
    }
}
