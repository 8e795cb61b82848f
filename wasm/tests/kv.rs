//! The handle's key/value methods in a real browser (headless Chromium, as web.rs): a Put
//! through `kvOp` reaches every node's store, the clients, the history window and the verdict
//! come back as api.ts's objects, and bad arguments throw Errors that say what was wrong.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use raftlab_session::state_machine::StateMachineView;
use raftlab_session::view::kv_clients::KvClientsView;
use raftlab_session::view::kv_history::{check_packed, KvHistoryView, KvVerdictView};
use raftlab_wasm::Cluster;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn num(x: f64) -> JsValue {
    JsValue::from_f64(x)
}

fn s(x: &str) -> JsValue {
    JsValue::from_str(x)
}

fn cluster() -> Cluster {
    let o = Object::new();
    Reflect::set(&o, &s("nodes"), &num(3.0)).unwrap();
    Reflect::set(&o, &s("seed"), &num(1.0)).unwrap();
    Cluster::new(o.into()).unwrap()
}

fn thrown<T>(r: Result<T, JsError>) -> String {
    let e = match r {
        Ok(_) => panic!("expected an Error, the call succeeded"),
        Err(e) => JsValue::from(e),
    };
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    String::from(e.unchecked_ref::<js_sys::Error>().message())
}

fn clients(c: &Cluster) -> KvClientsView {
    serde_wasm_bindgen::from_value(c.kv_clients().unwrap()).unwrap()
}

#[wasm_bindgen_test]
fn a_put_through_the_handle_reaches_every_store_and_the_history_and_verdict_come_back() {
    let mut c = cluster();
    c.advance(num(2_000.0)).unwrap();
    c.kv_op(num(1.0), s("put"), s("k"), s("hello")).unwrap();
    for _ in 0..100 {
        if clients(&c).clients[0].pending.is_none() {
            break;
        }
        c.advance(num(20.0)).unwrap();
    }
    c.advance(num(200.0)).unwrap();
    let machines: Vec<StateMachineView> =
        serde_wasm_bindgen::from_value(c.state_machines().unwrap()).unwrap();
    for m in &machines {
        let kv = m.kv.as_ref().expect("the store is shown");
        assert_eq!(kv.keys[0].value, "hello", "S{}", m.node);
    }
    let h: KvHistoryView =
        serde_wasm_bindgen::from_value(c.kv_history(num(0.0), num(c.now_ms())).unwrap()).unwrap();
    assert_eq!(h.ops.len(), 1);
    assert!(h.ops[0].return_ms.is_some());
    assert!(c.kv_history_version() >= 2.0);
    let verdict = |c: &mut Cluster, check: JsValue| -> KvVerdictView {
        serde_wasm_bindgen::from_value(c.kv_verdict(check).unwrap()).unwrap()
    };
    // Without the run-file module's search: "checking".
    assert_eq!(verdict(&mut c, JsValue::UNDEFINED).verdict, "checking");
    // The search as the run-file module runs it (`checkKvHistory`).
    let search = Closure::<dyn Fn(Vec<u8>) -> String>::new(|b: Vec<u8>| check_packed(&b));
    let v = verdict(&mut c, search.as_ref().clone());
    assert_eq!(v.verdict, "linearizable", "{}", v.text);
    assert_eq!(
        verdict(&mut c, JsValue::UNDEFINED).verdict,
        "linearizable",
        "cached"
    );
    c.kv_load(num(2.0), num(10.0)).unwrap();
    assert_eq!(
        clients(&c).clients.len(),
        1,
        "the load starts C2 on its first tick"
    );
    c.advance(num(500.0)).unwrap();
    assert_eq!(clients(&c).clients.len(), 2);
}

#[wasm_bindgen_test]
fn bad_key_value_arguments_throw_errors_that_say_what_is_wrong() {
    let mut c = cluster();
    let cases: Vec<(String, &str)> = vec![
        (
            thrown(c.kv_op(num(0.0), s("get"), s("k"), JsValue::UNDEFINED)),
            "client",
        ),
        (
            thrown(c.kv_op(num(33.0), s("get"), s("k"), JsValue::UNDEFINED)),
            "client",
        ),
        (
            thrown(c.kv_op(num(1.5), s("get"), s("k"), JsValue::UNDEFINED)),
            "client",
        ),
        (
            thrown(c.kv_op(s("1"), s("get"), s("k"), JsValue::UNDEFINED)),
            "client must be a number",
        ),
        (
            thrown(c.kv_op(num(1.0), s("cas"), s("k"), JsValue::UNDEFINED)),
            "\"get\", \"put\" or \"append\"",
        ),
        (
            thrown(c.kv_op(num(1.0), s("put"), s("k"), JsValue::UNDEFINED)),
            "takes a value",
        ),
        (
            thrown(c.kv_op(num(1.0), s("get"), s(""), JsValue::UNDEFINED)),
            "key must not be empty",
        ),
        (
            thrown(c.kv_op(num(1.0), s("get"), s(&"k".repeat(65)), JsValue::UNDEFINED)),
            "at most 64",
        ),
        (
            thrown(c.kv_op(num(1.0), s("put"), s("k"), num(5.0))),
            "value must be a string",
        ),
        (thrown(c.kv_load(num(1.0), num(101.0))), "perSecond"),
        (thrown(c.kv_load(num(1.0), num(f64::NAN))), "perSecond"),
        (
            thrown(c.kv_connect(num(1.0), num(1.0))),
            "ids must be an array",
        ),
        (
            thrown(c.kv_connect(num(1.0), Array::of1(&num(4.0)).into())),
            "unknown node 4",
        ),
        (thrown(c.kv_verdict(num(5.0))), "check must be a function"),
        (thrown(c.kv_history(num(-1.0), num(10.0))), "fromMs"),
        (thrown(c.kv_history(num(0.0), num(f64::INFINITY))), "toMs"),
    ];
    for (message, expected) in cases {
        assert!(
            message.contains(expected),
            "expected {expected:?} in {message:?}"
        );
    }
    // A busy client refuses a second operation, in the simulator's words.
    c.advance(num(2_000.0)).unwrap();
    c.kv_op(num(1.0), s("get"), s("k"), JsValue::UNDEFINED)
        .unwrap();
    let m = thrown(c.kv_op(num(1.0), s("get"), s("k"), JsValue::UNDEFINED));
    assert!(m.contains("outstanding"), "{m}");
}
