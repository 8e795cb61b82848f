//! Write a key/value history shaped like 6.5840's and porcupine's kv test histories, as
//! lincheck JSON lines, to stdout:
//!
//!   cargo run --release -p raftlab-lincheck --example kv_history -- CLIENTS OPS_PER_CLIENT [KEYS] [SEED] [stale|uniform]...
//!
//! Each client runs its operations one after another (50% append `x <client> <j> y`, 5% put,
//! the rest get, on a random key of KEYS, 10 by default), each lasting a random time and
//! taking effect in the last quarter of it, as a Raft server applies a command shortly before
//! it replies (`uniform`: anywhere inside it, which makes far harder histories); outputs are what a store applying them in that
//! order returns, so the history is linearizable. `stale` then makes one get (the last whose
//! key has changed since an earlier get) return that earlier get's value.

use std::fmt::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, default: u64| {
        args.get(i)
            .map_or(default, |s| s.parse().expect("a number"))
    };
    let (clients, per_client, keys, seed) = (num(0, 10), num(1, 100), num(2, 10), num(3, 1));
    let stale = args.iter().skip(4).any(|s| s == "stale");
    let uniform = args.iter().skip(4).any(|s| s == "uniform");

    let mut rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    // (point, client, call, return, op, key, value)
    let mut ops = Vec::new();
    for client in 0..clients {
        let mut t = next(100) as i64;
        for j in 0..per_client {
            let call = t;
            let ret = call + 1 + next(400) as i64;
            let span = (ret - call) as u64;
            let point = if uniform {
                call + next(span) as i64
            } else {
                ret - next(span / 4 + 1) as i64
            };
            let key = next(keys).to_string();
            let r = next(100);
            let op = if r < 50 {
                "append"
            } else if r < 55 {
                "put"
            } else {
                "get"
            };
            ops.push((
                point,
                client,
                call,
                ret,
                op,
                key,
                format!("x {client} {j} y"),
            ));
            t = ret + next(50) as i64;
        }
    }
    ops.sort();
    let mut store = std::collections::HashMap::<String, String>::new();
    let mut outputs = Vec::with_capacity(ops.len());
    for (_, _, _, _, op, key, value) in &ops {
        let v = store.entry(key.clone()).or_default();
        match *op {
            "append" => v.push_str(value),
            "put" => *v = value.clone(),
            _ => {}
        }
        outputs.push(v.clone());
    }
    if stale {
        // The last get whose key's value differs from that of an earlier get of the same key.
        let mut first_get = std::collections::HashMap::<&str, usize>::new();
        let mut target = None;
        for (i, (_, _, _, _, op, key, _)) in ops.iter().enumerate() {
            if *op == "get" {
                match first_get.get(key.as_str()) {
                    Some(&e) if outputs[e] != outputs[i] && ops[e].3 < ops[i].2 => {
                        target = Some((i, e))
                    }
                    None => {
                        first_get.insert(key, i);
                    }
                    _ => {}
                }
            }
        }
        let (i, e) = target.expect("no get to make stale");
        outputs[i] = outputs[e].clone();
    }
    let mut out = String::new();
    for ((_, client, call, ret, op, key, value), output) in ops.iter().zip(&outputs) {
        let tail = if *op == "get" {
            format!("\"output\": {output:?}")
        } else {
            format!("\"value\": {value:?}")
        };
        writeln!(out, "{{\"client\": {client}, \"call\": {call}, \"return\": {ret}, \"op\": \"{op}\", \"key\": {key:?}, {tail}}}").unwrap();
    }
    print!("{out}");
}
