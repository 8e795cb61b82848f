//! Makes the 28 Lab 3 tests of `lab3.rs` callable from `lab3-run` and `lab3_export.rs`: writes
//! `$OUT_DIR/lab3_tests.rs`, a copy of `lab3.rs` whose `#[test] fn`s are plain `pub fn`s
//! (outside `cargo test`, `#[test]` items do not exist) and without its inner doc comment
//! (`include!` takes items only). `lab3.rs` stays the one source of the tests.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=lab3.rs");
    let source = std::fs::read_to_string("lab3.rs").expect("tests/lab3.rs is readable");
    let mut out = String::with_capacity(source.len());
    let mut test_next = false;
    for line in source.lines() {
        if line.starts_with("//!") {
            continue;
        }
        if line.trim() == "#[test]" {
            test_next = true;
            continue;
        }
        if test_next {
            let name = line
                .strip_prefix("fn ")
                .unwrap_or_else(|| panic!("a #[test] not followed by `fn`: {line}"));
            out.push_str("pub fn ");
            out.push_str(name);
            test_next = false;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    let dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dir.join("lab3_tests.rs"), out).expect("OUT_DIR is writable");
}
