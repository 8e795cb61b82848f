//! One validation at every entrance: a run the page opens (from a run file or a link) is one
//! it can link and reload; one it cannot is refused at the door, with the same reason at
//! every entrance (`Run::validate`).
//!
//! Seeded as the rest of the suite: a fresh seed per run, `RAFTLAB_SEED=n` pins it.

use raftlab::sim::rng::Rng;
use raftlab::sim::{Input, SimConfig, Stamp};
use raftlab_session::{link, stored, Page, Resumed, Run, RunFile};

mod common;

/// What became of a run at the entrances: Err(reason) when refused, with the same reason at
/// each, or Ok when it opened, linked and reloaded.
fn through_every_entrance(run: &Run) -> Result<(), String> {
    let file_text = RunFile::of(run.clone()).write();
    let link_text = link::encode(run, Some(0));
    let from_file = RunFile::read(&file_text).map_err(|e| match e {
        raftlab_session::FileError::Run(e) => e.to_string(),
        e => panic!("the run file is refused for something else: {e}"),
    });
    let from_link = link::decode(&link_text).map_err(|e| match e {
        raftlab_session::LinkError::Run(e) => e.to_string(),
        e => panic!("the link is refused for something else: {e}"),
    });
    let checked = run.validate().map_err(|e| e.to_string());
    match (&from_file, &from_link) {
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "the run file and the link give one reason");
            assert_eq!(Err(a.clone()), checked, "and it is Run::validate's");
            return Err(a.clone());
        }
        (Ok(_), Ok(_)) => assert_eq!(checked, Ok(())),
        _ => panic!(
            "one entrance accepts what another refuses: file {from_file:?}, link {from_link:?}"
        ),
    }
    let page = Page::from_run_file(from_file.unwrap())
        .unwrap_or_else(|e| panic!("an accepted run file opens: {e}"));
    let linked = page
        .link()
        .unwrap_or_else(|e| panic!("an opened run file links: {e}"));
    let reopened = Page::from_link(link::decode(&linked).expect("its link decodes"))
        .unwrap_or_else(|e| panic!("its link opens: {e}"));
    assert_eq!(reopened.trace_digest(), page.trace_digest());
    let (restored, resumed) = stored::restore(&stored::save(&page).text)
        .unwrap_or_else(|e| panic!("an opened run file reloads: {e}"));
    assert_eq!(resumed, Resumed::Run, "a reload brings back its run");
    assert_eq!(restored.trace_digest(), page.trace_digest());
    Page::from_link(from_link.unwrap()).expect("an accepted link opens");
    Ok(())
}

fn run_with(config: SimConfig) -> Run {
    let mut run = Run::new(config);
    run.record(
        Stamp {
            at_ms: 700,
            actions: 0,
        },
        Input::Crash { node: 0 },
    );
    run
}

#[test]
fn a_two_node_run_file_is_refused_at_import_with_the_reason() {
    let why = through_every_entrance(&run_with(SimConfig::new(2, 5)))
        .expect_err("a 2-node run is not one the page can link and reload");
    assert!(why.contains("3 to 9 nodes"), "{why}");
}

#[test]
fn a_run_file_with_a_90_s_election_timeout_is_refused_at_import_with_the_reason() {
    let mut config = SimConfig::new(3, 5);
    config.timing.election_timeout_ms_min = 90_000;
    config.timing.election_timeout_ms_max = 120_000;
    let why = through_every_entrance(&run_with(config))
        .expect_err("a 90 s election timeout is past the page's 60 s");
    assert!(why.contains("60000"), "{why}");
}

#[test]
fn every_generated_run_one_entrance_accepts_the_others_accept_and_reload_too() {
    common::seeded(
        "run_entrances",
        "every_generated_run_one_entrance_accepts_the_others_accept_and_reload_too",
        |seed| {
            let mut rng = Rng::new(seed);
            let (mut accepted, mut refused) = (0, 0);
            for _ in 0..40 {
                let nodes = rng.below(12) as usize;
                let mut config = SimConfig::new(nodes, rng.next_u64());
                let pick = |rng: &mut Rng| match rng.below(4) {
                    0 => 1 + rng.below(1_000),
                    1 => 1 + rng.below(70_000),
                    2 => 50_000 + rng.below(80_000),
                    _ => 100 + rng.below(500),
                };
                config.timing.heartbeat_ms = pick(&mut rng).min(500);
                config.timing.election_timeout_ms_min = pick(&mut rng);
                config.timing.election_timeout_ms_max =
                    config.timing.election_timeout_ms_min * (1 + rng.below(2));
                if rng.below(3) == 0 {
                    config.snapshot_every = Some(rng.below(2_000_000));
                }
                match through_every_entrance(&run_with(config)) {
                    Ok(()) => accepted += 1,
                    Err(_) => refused += 1,
                }
            }
            assert!(
                accepted > 0 && refused > 0,
                "{accepted} accepted, {refused} refused"
            );
        },
    );
}
