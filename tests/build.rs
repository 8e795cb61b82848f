//! Makes the Lab 3 and Lab 4 tests of `lab3.rs` and `lab4.rs` callable from `lab3-run`,
//! `lab3_export.rs` and `lab4_export.rs`: writes `$OUT_DIR/lab3_tests.rs` and
//! `$OUT_DIR/lab4_tests.rs`, copies whose `#[test] fn`s are plain `pub fn`s (outside `cargo
//! test`, `#[test]` items do not exist) and without their inner doc comments (`include!`
//! takes items only). `lab3.rs` and `lab4.rs` stay the one source of the tests.

use std::path::PathBuf;

fn main() {
    for suite in ["lab3", "lab4"] {
        let path = format!("{suite}.rs");
        println!("cargo:rerun-if-changed={path}");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("tests/{path}: {e}"));
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
        std::fs::write(dir.join(format!("{suite}_tests.rs")), out).expect("OUT_DIR is writable");
    }
}
