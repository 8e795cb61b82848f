// Reading web/src/api.ts for the contract tests (the view's unit test and teach_api.rs): each
// `export interface`'s fields with their TypeScript types, and each `export type` alias; then
// `conforms` checks a serde_json value against a type: every field there and of its type,
// nested objects and arrays included, no field api.ts does not declare. One parser for both.

use std::collections::BTreeMap;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

/// A field's type and whether it is optional (`name?:`).
pub type Fields = BTreeMap<String, (String, bool)>;

pub struct Api {
    pub interfaces: BTreeMap<String, Fields>,
    pub aliases: BTreeMap<String, String>,
}

/// web/src/api.ts, read: the contract tests fail when it is missing.
pub fn read_api_ts() -> (String, Api) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src/api.ts");
    let ts = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}: the contract tests need web/src/api.ts"));
    let api = parse(&ts);
    (ts, api)
}

pub fn parse(ts: &str) -> Api {
    let mut interfaces = BTreeMap::new();
    let mut aliases = BTreeMap::new();
    let mut current: Option<(String, Fields)> = None;
    let mut alias: Option<(String, String)> = None;
    for line in ts.lines() {
        if let Some((name, text)) = alias.as_mut() {
            let code = line.split("//").next().unwrap_or("");
            text.push(' ');
            text.push_str(code.trim());
            if code.contains(';') {
                let t = text.split(';').next().unwrap_or("").trim().to_string();
                aliases.insert(name.clone(), t);
                alias = None;
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("export type ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            let after = rest[name.len()..].trim_start();
            let Some(body) = after.strip_prefix('=') else {
                continue;
            };
            if body.contains(';') {
                let t = body.split(';').next().unwrap_or("").trim().to_string();
                aliases.insert(name, t);
            } else {
                alias = Some((name, body.trim().to_string()));
            }
        } else if let Some(rest) = line.strip_prefix("export interface ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            current = Some((name, BTreeMap::new()));
        } else if line.starts_with('}') {
            if let Some((name, fields)) = current.take() {
                interfaces.insert(name, fields);
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
                let (optional, ty) = if let Some(ty) = after.strip_prefix("?:") {
                    (true, ty)
                } else if let Some(ty) = after.strip_prefix(':') {
                    (false, ty)
                } else {
                    continue;
                };
                // A method (`name(...)`) has no ':' right after its name: skipped above.
                let ty = ty.trim().trim_end_matches(';').trim().to_string();
                if !name.is_empty() {
                    fields.insert(name, (ty, optional));
                }
            }
        }
    }
    Api {
        interfaces,
        aliases,
    }
}

/// `ty` split at its top-level `|` (not inside `<>`, `()` or quotes).
fn union_parts(ty: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut part = String::new();
    for c in ty.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' | '(' if !quoted => depth += 1,
            '>' | ')' if !quoted => depth -= 1,
            '|' if !quoted && depth == 0 => {
                parts.push(part.trim().to_string());
                part.clear();
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    parts.push(part.trim().to_string());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

impl Api {
    /// Ok when `value` is of the TypeScript type `ty`; else where and why not.
    pub fn conforms(&self, value: &serde_json::Value, ty: &str, at: &str) -> Result<(), String> {
        use serde_json::Value;
        let parts = union_parts(ty);
        if parts.len() > 1 {
            let mut why = Vec::new();
            for p in &parts {
                match self.conforms(value, p, at) {
                    Ok(()) => return Ok(()),
                    Err(e) => why.push(e),
                }
            }
            return Err(format!(
                "{at}: {value} is none of {ty} ({})",
                why.join("; ")
            ));
        }
        let ty = ty.trim();
        if let Some(inner) = ty.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            return self.conforms(value, inner, at);
        }
        if let Some(elem) = ty.strip_suffix("[]") {
            let Value::Array(items) = value else {
                return Err(format!("{at}: {value} is not an array ({ty})"));
            };
            for (i, item) in items.iter().enumerate() {
                self.conforms(item, elem, &format!("{at}[{i}]"))?;
            }
            return Ok(());
        }
        if let Some(inner) = ty
            .strip_prefix("Required<")
            .and_then(|t| t.strip_suffix('>'))
        {
            return self.object(value, inner, at, true);
        }
        if let Some(inner) = ty
            .strip_prefix("Record<string,")
            .and_then(|t| t.strip_suffix('>'))
        {
            let Value::Object(map) = value else {
                return Err(format!("{at}: {value} is not an object ({ty})"));
            };
            for (k, v) in map {
                self.conforms(v, inner.trim(), &format!("{at}.{k}"))?;
            }
            return Ok(());
        }
        if ty.starts_with('"') {
            return match value {
                Value::String(s) if format!("\"{s}\"") == ty => Ok(()),
                _ => Err(format!("{at}: {value} is not {ty}")),
            };
        }
        let ok = match ty {
            "number" => value.is_number(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            "bigint" => false,
            _ => {
                if let Some(alias) = self.aliases.get(ty) {
                    return self.conforms(value, alias, at);
                }
                return self.object(value, ty, at, false);
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{at}: {value} is not a {ty}"))
        }
    }

    /// `value` is an object with exactly interface `name`'s fields, each of its type
    /// (`required`: optional fields must be there too).
    fn object(
        &self,
        value: &serde_json::Value,
        name: &str,
        at: &str,
        required: bool,
    ) -> Result<(), String> {
        let fields = self
            .interfaces
            .get(name)
            .ok_or_else(|| format!("{at}: api.ts has no type {name}"))?;
        let serde_json::Value::Object(map) = value else {
            return Err(format!("{at}: {value} is not an object ({name})"));
        };
        for key in map.keys() {
            if !fields.contains_key(key) {
                return Err(format!("{at}: {name} has no field {key} in api.ts"));
            }
        }
        for (field, (ty, optional)) in fields {
            match map.get(field) {
                Some(v) => self.conforms(v, ty, &format!("{at}.{field}"))?,
                None if *optional && !required => {}
                None => return Err(format!("{at}: {name}.{field} is missing")),
            }
        }
        Ok(())
    }

    /// Panics unless `value` is of interface or alias `name`, field for field and type for type.
    pub fn check(&self, name: &str, value: &serde_json::Value) {
        if let Err(why) = self.conforms(value, name, name) {
            panic!("{name}: the Rust view and web/src/api.ts differ: {why}");
        }
    }
}
