//! Texts written by an earlier build (effe4f7, before the session crate's folders) still load:
//! a link, a stored text with its run, and a stored text with a scenario guide, each to the
//! moment and trace digest that build showed (`tests/fixtures/expected-*.txt`).

use raftlab_session::{link, stored, Page, Resumed};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `ticks`, `now_ms` and `digest` (hex) from an expected-*.txt.
fn expected(name: &str) -> (u64, u64, u64) {
    let text = fixture(name);
    let field = |key: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ').map(str::to_string))
            .unwrap_or_else(|| panic!("{name} has no {key}"))
    };
    (
        field("ticks").parse().expect("ticks"),
        field("now_ms").parse().expect("now_ms"),
        u64::from_str_radix(&field("digest"), 16).expect("digest"),
    )
}

fn moment(page: &Page) -> (u64, u64, u64) {
    (page.ticks(), page.now_ms(), page.trace_digest())
}

#[test]
fn a_stored_text_written_by_the_build_before_the_folders_restores_its_run_at_its_moment() {
    let (page, resumed) = stored::restore(&fixture("stored-effe4f7.txt")).expect("it loads");
    assert_eq!(resumed, Resumed::Run, "the run and its timeline come back");
    assert_eq!(moment(&page), expected("expected-effe4f7.txt"));
}

#[test]
fn a_link_written_by_the_build_before_the_folders_opens_the_same_run() {
    let link = link::decode(fixture("link-effe4f7.txt").trim()).expect("it decodes");
    assert_eq!(
        link.run.config.timing.append_entries_in_flight_max, None,
        "a link written before the in-flight cap replays without one"
    );
    let mut page = Page::from_link(link).expect("it opens");
    let (ticks, now_ms, digest) = expected("expected-effe4f7.txt");
    page.seek(now_ms);
    assert_eq!(moment(&page), (ticks, now_ms, digest));
}

#[test]
fn a_stored_scenario_written_by_the_build_before_the_folders_shows_the_scenario_again() {
    let (page, resumed) =
        stored::restore(&fixture("stored-scenario-effe4f7.txt")).expect("it loads");
    assert_eq!(resumed, Resumed::Run);
    assert_eq!(moment(&page), expected("expected-scenario-effe4f7.txt"));
    assert_eq!(
        page.scenario_id(),
        Some("leader-election"),
        "the guide comes back"
    );
}
