//! The tester's Clerk handle: Get / Put / Append that block the calling activity, in virtual
//! time, until the simulator's Clerk has finished the operation (6.5840's `ck.Get` keeps
//! trying forever; here the 120 s limit ends a Clerk that never finishes).

use super::KvConfig;
use crate::kv::Op;
use crate::lab::Lab;
use crate::sim::Input;

/// How long a waiting Clerk sleeps at most before it looks at the 120 s limit again, in
/// virtual ms (it wakes at once when its operation returns).
const WAIT_SLICE_MS: u64 = 1000;

/// One of the simulator's clients, as the tester holds it (config.go's `*Clerk`: copies
/// name the same client).
#[derive(Clone, Debug)]
pub struct Clerk {
    /// The simulator's client id (0-based).
    pub(super) client: u32,
}

impl Clerk {
    pub(super) fn new(client: u32) -> Clerk {
        Clerk { client }
    }

    /// The simulator's client id (0-based; the page shows it as C<id + 1>).
    pub fn id(&self) -> u32 {
        self.client
    }

    /// ck.Get(key): the value, `""` for a key never written.
    pub fn get(&self, cfg: &mut KvConfig, key: &str) -> String {
        self.run(cfg, Op::Get { key: key.into() })
            .unwrap_or_default()
    }

    /// ck.Put(key, value).
    pub fn put(&self, cfg: &mut KvConfig, key: &str, value: &str) {
        let op = Op::Put {
            key: key.into(),
            value: value.into(),
        };
        self.run(cfg, op);
    }

    /// ck.Append(key, value).
    pub fn append(&self, cfg: &mut KvConfig, key: &str, value: &str) {
        let op = Op::Append {
            key: key.into(),
            value: value.into(),
        };
        self.run(cfg, op);
    }

    /// Start `op` and sleep until it returned; its output.
    fn run(&self, cfg: &mut KvConfig, op: Op) -> Option<String> {
        let op_id = {
            let mut lab = cfg.lab();
            let op_id = lab.sim.kv_history().len();
            let input = Input::KvOp {
                client: self.client,
                op,
            };
            if let Err(e) = lab.apply_input(input.clone()) {
                lab.fail(&format!("the tester's {input:?} was refused: {e}"));
            }
            if lab.sim.kv_history().len() != op_id + 1 {
                lab.fail(&format!(
                    "the simulator did not record client C{}'s operation as history entry {op_id}",
                    self.client + 1
                ));
            }
            lab.after_events();
            op_id
        };
        loop {
            if let Some(output) = returned(&cfg.lab(), op_id) {
                return output;
            }
            cfg.lab().check_timeout();
            cfg.cfg
                .sleep_until(WAIT_SLICE_MS, move |lab| returned(lab, op_id).is_some());
        }
    }
}

/// Some(output) once history operation `op_id` has returned.
fn returned(lab: &Lab, op_id: usize) -> Option<Option<String>> {
    let op = &lab.sim.kv_history()[op_id];
    op.return_ms.map(|_| op.output.clone())
}
