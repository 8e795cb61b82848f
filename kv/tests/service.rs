//! Clerks against one replicated store through a faulty network (lost requests, lost
//! replies, wrong leaders, commands committed twice or late), in virtual time: every history is
//! linearizable (checked with raftlab-lincheck) and every Append takes effect exactly once.
//! Seeded; `KV_SEED=n` replays seed n.

use core::num::NonZeroUsize;
use raftlab_kv::clerk::Outcome;
use raftlab_kv::{Applied, Clerk, Command, Op, Reply, Response, Send, Store};
use raftlab_lincheck::kv::{Kv, KvInput};
use raftlab_lincheck::{check, Operation, Options, Unlimited, Verdict};
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

struct Rng(Pcg64Mcg);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
}

struct Client {
    clerk: Clerk,
    in_flight: Option<Send>,
    call: i64,
    input: Option<KvInput>,
    ops_left: u32,
    next_value: u32,
}

/// Run `clients` Clerks for `steps` steps; returns the history and the final store.
fn run(
    seed: u64,
    clients: u64,
    steps: u32,
) -> (Vec<Operation<KvInput, String>>, Store, Vec<Vec<String>>) {
    let mut rng = Rng(Pcg64Mcg::seed_from_u64(seed));
    let servers = NonZeroUsize::new(3).unwrap_or(NonZeroUsize::MIN);
    let mut store = Store::new();
    let mut late: Vec<Command> = Vec::new(); // committed later than their attempt
    let mut history = Vec::new();
    let mut appended: Vec<Vec<String>> = vec![Vec::new(); clients as usize];
    let mut cs: Vec<Client> = (0..clients)
        .map(|c| Client {
            clerk: Clerk::new(100 + c, servers),
            in_flight: None,
            call: 0,
            input: None,
            ops_left: 30,
            next_value: 0,
        })
        .collect();
    for t in 0..steps as i64 {
        // Now and then a command held back by an old leader commits.
        if !late.is_empty() && rng.below(10) == 0 {
            let c = late.remove(rng.below(late.len() as u64) as usize);
            store.apply(&c);
        }
        let i = rng.below(clients) as usize;
        let key = ["a", "b"][rng.below(2) as usize];
        let c = &mut cs[i];
        let Some(send) = c.in_flight.take() else {
            if c.ops_left == 0 {
                continue;
            }
            c.ops_left -= 1;
            let (op, input) = match rng.below(10) {
                0..=4 => {
                    let v = format!("x {i} {} y", c.next_value);
                    c.next_value += 1;
                    appended[i].push(v.clone());
                    (
                        Op::Append {
                            key: key.into(),
                            value: v.clone(),
                        },
                        KvInput::append(key, &v),
                    )
                }
                5 => {
                    let v = format!("p {i} {} ", c.next_value);
                    c.next_value += 1;
                    (
                        Op::Put {
                            key: key.into(),
                            value: v.clone(),
                        },
                        KvInput::put(key, &v),
                    )
                }
                _ => (Op::Get { key: key.into() }, KvInput::get(key)),
            };
            c.in_flight = Some(c.clerk.start(op).expect("one at a time"));
            c.call = t;
            c.input = Some(input);
            continue;
        };
        let seq = send.command.seq;
        let response = match rng.below(20) {
            0..=2 => Response::Timeout, // lost before it committed
            3..=4 => {
                store.apply(&send.command); // committed, reply lost
                Response::Timeout
            }
            5 => {
                late.push(send.command.clone()); // an old leader will commit it later
                Response::Timeout
            }
            6..=7 => Response::WrongLeader,
            _ => match store.apply(&send.command) {
                Applied::Fresh(r) | Applied::Duplicate(r) => Response::Ok(r),
                Applied::Stale | Applied::Refused(_) => {
                    panic!("the request in flight cannot be stale")
                }
            },
        };
        match c.clerk.on_response(send.server, seq, response) {
            Outcome::Retry(next) => c.in_flight = Some(next),
            Outcome::Done(reply) => {
                let input = c.input.take().expect("an operation in flight");
                let output = match reply {
                    Reply::Value(v) => v,
                    Reply::Done => String::new(),
                };
                history.push(Operation::new(i as u64, c.call, t, input, output));
            }
            Outcome::Ignored => panic!("the response was for the attempt in flight"),
        }
    }
    // Operations still in flight never returned.
    for (i, c) in cs.iter_mut().enumerate() {
        if let Some(input) = c.input.take() {
            history.push(Operation::open(i as u64, c.call, input));
        }
    }
    (history, store, appended)
}

#[test]
fn histories_through_lost_replies_and_retries_are_linearizable_and_appends_apply_once() {
    let seeds: Vec<u64> = match std::env::var("KV_SEED") {
        Ok(s) => vec![s.parse().expect("KV_SEED: an integer")],
        Err(_) => (0..200).collect(),
    };
    let mut open = 0;
    for seed in seeds {
        let replay =
            format!("seed {seed}; replay: KV_SEED={seed} cargo test -p raftlab-kv --test service");
        let (history, store, appended) = run(seed, 4, 200);
        open += history.iter().filter(|o| o.ret.is_none()).count();
        let report =
            check(&Kv, &history, &mut Unlimited, &Options::default()).expect("a valid history");
        assert_eq!(
            report.verdict,
            Verdict::Linearizable,
            "{replay}\n{history:?}"
        );
        // Each append is in the final values at most once (a put may have overwritten it).
        let finals: String = ["a", "b"].iter().map(|k| store.get(k)).collect();
        for v in appended.iter().flatten() {
            assert!(
                finals.matches(v.as_str()).count() <= 1,
                "{v:?} applied twice; {replay}"
            );
        }
    }
    assert!(
        open > 0,
        "some histories should end with operations in flight"
    );
}
