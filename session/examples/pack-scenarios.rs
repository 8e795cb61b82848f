//! Writes `session/scenarios/built-in.postcard`, the packed built-in scenarios the page ships
//! (`raftlab_session::built_in`), and `built-in-list.postcard`, the "Scenario" list (ids,
//! titles, what each teaches), from their JSON sources in `session/scenarios/`:
//!
//!   cargo run -p raftlab-session --example pack-scenarios
//!
//! `built_in`'s tests fail until this is run after a source changes.

fn main() {
    use raftlab_session::built_in;
    for (name, pack) in [
        ("built-in.postcard", built_in::pack as fn() -> _),
        ("built-in-list.postcard", built_in::pack_list),
    ] {
        let bytes = match pack() {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("pack-scenarios: a scenario source does not read: {e}");
                std::process::exit(1);
            }
        };
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("pack-scenarios: could not write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!(
            "pack-scenarios: wrote {} ({} bytes)",
            path.display(),
            bytes.len()
        );
    }
}
