// Reading web/src/api.ts for the contract tests (the view's unit test and teach_api.rs): the
// field names of each `export interface`, methods and comments skipped. One parser for both.

use std::collections::{BTreeMap, BTreeSet};
use std::string::String;

pub fn interfaces(ts: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, BTreeSet<String>)> = None;
    for line in ts.lines() {
        if let Some(rest) = line.strip_prefix("export interface ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            current = Some((name, BTreeSet::new()));
        } else if line.starts_with('}') {
            if let Some((name, fields)) = current.take() {
                out.insert(name, fields);
            }
        } else if let Some((_, fields)) = current.as_mut() {
            let t = line.trim_start().trim_start_matches("readonly ");
            if line.starts_with("  ")
                && !line.starts_with("   ")
                && !t.starts_with('/')
                && !t.starts_with('*')
            {
                let name: String = t.chars().take_while(|c| c.is_alphanumeric()).collect();
                let after = &t[name.len()..];
                if !name.is_empty() && (after.starts_with(':') || after.starts_with("?:")) {
                    fields.insert(name);
                }
            }
        }
    }
    out
}
