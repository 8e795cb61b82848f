//! Writes `session/scenarios/built-in.postcard`, the packed built-in scenarios the page ships
//! (`raftlab_session::built_in`), from their JSON sources in `session/scenarios/`:
//!
//!   cargo run -p raftlab-session --example pack-scenarios
//!
//! `built_in`'s test fails until this is run after a source changes.

fn main() {
    let bytes = match raftlab_session::built_in::pack() {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("pack-scenarios: a scenario source does not read: {e}");
            std::process::exit(1);
        }
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/built-in.postcard");
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
