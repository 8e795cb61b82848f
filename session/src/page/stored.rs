//! What the page keeps in storage for one cluster, as one text (one `localStorage.setItem`,
//! so a reload never sees half a save):
//!
//! ```text
//! raftlab-image/1:<base64>          the image: options, network, the moment shown, every
//!                                   node's persister (`image`, versioned and checksummed)
//! raftlab-run-1.<base64url>         the run and the moment shown, in ms (`link`, versioned
//!                                   and checksummed), when it has a fresh start to replay
//! <ticks> <end_ms>                  the exact moment (ticks into the run: a ms holds many)
//!                                   and the furthest ms the run had reached
//! raftlab-guide/1:<base64>          optional: what guides the run (`Guide`, in the `codec`
//!                                   frame): the built-in scenario shown, by its id, or the
//!                                   run file's title and captions
//! ```
//!
//! The run's lines are left out for a cluster restored from an image alone (it has no fresh
//! start to replay) and for a run whose link is longer than `STORED_RUN_CHARS_MAX`
//! (`Saved::note` says so); the guide line is left out in free play without a run file, and
//! when it would take the run's lines past `STORED_RUN_CHARS_MAX` (said too). A text of the
//! image alone, or of the first three lines, is what earlier builds stored: both still load.
//!
//! `restore` replays the run to the moment and checks that every node's persisted state (and
//! the options, network and time) equals what the image holds; a scenario's run must also be
//! the scenario's (played again from its id: it is built in and deterministic), so its steps
//! come back. When the run or its guide is damaged or does not check out, it says why and
//! every node restarts from its persisted state alone (as from an image alone); a damaged
//! image is an error, as always.

use crate::codec::file::{check_text, Caption, CAPTIONS_MAX};
use crate::codec::image::{self, Image};
use crate::codec::link;
use crate::codec::{self, Alphabet, Format};
use crate::page::Page;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use raftlab::core::PersistentState;
use raftlab::sim::Stamp;
use serde::{Deserialize, Serialize};

/// The longest run link stored with the image, in characters (localStorage holds about 5 M
/// characters per origin; a 10-minute run with 12,000 requests is about 160,000).
pub const STORED_RUN_CHARS_MAX: usize = 1_000_000;

/// The guide line's frame: `raftlab-guide/1:<standard base64>`, magic `RLGD`, a postcard
/// `Guide`.
pub const GUIDE_V1: Format = Format {
    prefix: "raftlab-guide/",
    separator: ':',
    magic: *b"RLGD",
    version: 1,
    alphabet: Alphabet::Standard,
};

/// The longest scenario id a guide holds, in characters (the built-in ones are short).
pub const SCENARIO_ID_CHARS_MAX: usize = 64;

/// What guides a stored run: shown again after a reload. Stored with postcard, which numbers
/// the variants: a new kind of guide goes last (or in a new frame version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Guide {
    /// The built-in scenario shown (until "Take over"), by its id.
    Scenario { id: String },
    /// The run file's title and captions (a Lab 3 run, an imported file, a scenario taken
    /// over).
    File {
        title: Option<String>,
        captions: Vec<StoredCaption>,
    },
}

/// A caption as stored: its stamp and text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCaption {
    pub at: Stamp,
    pub text: String,
}

impl Guide {
    /// What guides `page`'s run, or None (free play without a run file).
    pub fn of(page: &Page) -> Option<Guide> {
        // A scenario whose rules changed inside it is no longer its built-in run: it comes
        // back as a run with the scenario's title and captions, as after Take over.
        if let Some(id) = page.scenario_id() {
            if page.scenario().is_some_and(|v| v.changed.is_none()) {
                return Some(Guide::Scenario { id: id.into() });
            }
        }
        let captions = page.file_captions();
        if page.title().is_none() && captions.is_empty() {
            return None;
        }
        Some(Guide::File {
            title: page.title().map(String::from),
            captions: captions
                .iter()
                .map(|c| StoredCaption {
                    at: c.at,
                    text: c.text.clone(),
                })
                .collect(),
        })
    }

    /// The guide line's text.
    pub fn encode(&self) -> String {
        let payload = postcard::to_allocvec(self).unwrap_or_default();
        codec::encode(&GUIDE_V1, &payload)
    }

    /// The guide in `text`, checked: its frame, then each field against the run file's
    /// limits (`CAPTIONS_MAX`, `CAPTION_CHARS_MAX`, captions in time order).
    pub fn decode(text: &str) -> Result<Guide, String> {
        let payload = codec::decode(&GUIDE_V1, text).map_err(|e| e.to_string())?;
        let guide: Guide = postcard::from_bytes(&payload)
            .map_err(|e| format!("is corrupt (its fields do not read: {e})"))?;
        let bad = |e: crate::codec::file::FileError| format!("is corrupt ({e})");
        match &guide {
            Guide::Scenario { id } => {
                let chars = id.chars().count();
                if chars == 0 || chars > SCENARIO_ID_CHARS_MAX {
                    return Err(format!(
                        "is corrupt (a scenario id of {chars} characters, 1 to {SCENARIO_ID_CHARS_MAX})"
                    ));
                }
            }
            Guide::File { title, captions } => {
                if let Some(title) = title {
                    check_text("title", 1, title).map_err(bad)?;
                }
                if captions.len() > CAPTIONS_MAX {
                    return Err(format!(
                        "is corrupt ({} captions; at most {CAPTIONS_MAX})",
                        captions.len()
                    ));
                }
                for (i, c) in captions.iter().enumerate() {
                    check_text("caption", i + 1, &c.text).map_err(bad)?;
                    crate::run::validate::check_position(c.at.at_ms)
                        .map_err(|e| format!("is corrupt ({e})"))?;
                    if i > 0 && c.at < captions[i - 1].at {
                        return Err(format!(
                            "is corrupt (caption {} stamped before caption {i})",
                            i + 1
                        ));
                    }
                }
            }
        }
        Ok(guide)
    }

    /// Shows this guide on `page` (its run already restored); a scenario's from `scenarios`
    /// (the packed built-in scenarios, `built_in::decode`), which must then be given.
    fn apply(self, page: &mut Page, scenarios: Option<&[u8]>) -> Result<(), String> {
        match self {
            Guide::Scenario { id } => match scenarios {
                Some(packed) => page.resume_scenario(packed, &id),
                None => Err(String::from("the built-in scenarios are not loaded")),
            },
            Guide::File { title, captions } => {
                let captions = captions
                    .into_iter()
                    .map(|c| Caption {
                        at: c.at,
                        text: c.text,
                    })
                    .collect();
                page.set_title_and_captions(title, captions);
                Ok(())
            }
        }
    }

    /// What the guide is, in words: "the scenario \"figure-8\"", "the run file's title and
    /// 12 captions".
    fn name(&self) -> String {
        match self {
            Guide::Scenario { id } => format!("the scenario {id:?}"),
            Guide::File { title, captions } => format!(
                "the run file's {}{} caption{}",
                if title.is_some() { "title and " } else { "" },
                captions.len(),
                if captions.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

/// The text to store and, when the run was left out of it for its length, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub text: String,
    pub note: Option<String>,
}

/// How a stored text came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resumed {
    /// The run replayed to the stored moment and matched the stored nodes: timeline included.
    Run,
    /// No run was stored: every node restarted from its persisted state.
    Nodes,
    /// A run was stored but could not be used (the reason): every node restarted from its
    /// persisted state.
    NodesInstead(String),
}

/// The text that stores `page` at the moment shown.
pub fn save(page: &Page) -> Saved {
    save_within(page, STORED_RUN_CHARS_MAX)
}

/// `save`, with the run left out when its link passes `run_chars_max` characters.
fn save_within(page: &Page, run_chars_max: usize) -> Saved {
    let mut text = image::encode(&page.image());
    let mut note = None;
    if let Ok(run) = page.link() {
        if run.len() <= run_chars_max {
            text.push('\n');
            text.push_str(&run);
            text.push('\n');
            text.push_str(&format!("{} {}", page.ticks(), page.travel().end_ms()));
            if let Some(guide) = Guide::of(page) {
                let line = guide.encode();
                if run.len() + line.len() <= run_chars_max {
                    text.push('\n');
                    text.push_str(&line);
                } else {
                    note = Some(format!(
                        "Stored without {}: with them the run takes {} characters, at most {run_chars_max}: a reload brings back the run and its timeline without them",
                        guide.name(),
                        run.len() + line.len()
                    ));
                }
            }
        } else {
            note = Some(format!(
                "Stored without its run: the run ({} actions) is too long to store with the cluster ({} characters, at most {run_chars_max}): a reload restarts every node from its persisted state, without the timeline",
                page.travel().run().inputs.len(),
                run.len()
            ));
        }
    }
    Saved { text, note }
}

/// The cluster of a stored text: its run at its moment when that checks out, else every node
/// restarted from its persisted state, with the reason. Err: the image itself is bad
/// (foreign, another version, truncated, corrupt, inconsistent).
#[cfg(feature = "built-in-scenarios")]
pub fn restore(text: &str) -> Result<(Page, Resumed), String> {
    restore_in(text, Some(crate::scenario::built_in::PACKED))
}

/// `restore`, with a stored scenario's steps from `scenarios` (the packed built-in scenarios,
/// `built_in::decode`); without them a stored scenario's run is not resumed (every node
/// restarts from its persisted state, and `Resumed::NodesInstead` says why).
pub fn restore_in(text: &str, scenarios: Option<&[u8]>) -> Result<(Page, Resumed), String> {
    let mut lines = text.splitn(4, '\n');
    let image_text = lines.next().unwrap_or("");
    let image = image::decode(image_text).map_err(|e| e.to_string())?;
    let Some(run_text) = lines.next() else {
        return Ok((Page::restore(&image)?, Resumed::Nodes));
    };
    let moment = lines.next();
    match resume(&image, run_text, moment, lines.next(), scenarios) {
        Ok(page) => Ok((page, Resumed::Run)),
        Err(why) => Ok((Page::restore(&image)?, Resumed::NodesInstead(why))),
    }
}

/// The stored run replayed to its moment, with its guide, if it matches `image`.
fn resume(
    image: &Image,
    run_text: &str,
    moment: Option<&str>,
    guide: Option<&str>,
    scenarios: Option<&[u8]>,
) -> Result<Page, String> {
    let link = link::decode(run_text).map_err(|e| format!("the stored run is damaged: {e}"))?;
    let numbers: Option<(u64, u64)> = moment.and_then(|m| {
        let (ticks, end_ms) = m.trim().split_once(' ')?;
        Some((ticks.parse().ok()?, end_ms.parse().ok()?))
    });
    let (ticks, end_ms) = numbers.ok_or("the stored run's moment is missing or damaged")?;
    let guide = guide
        .map(|g| {
            Guide::decode(g).map_err(|e| {
                format!("the stored run's scenario or run-file captions (its last line) {e}")
            })
        })
        .transpose()?;
    let mut page = Page::from_link_to(link, end_ms)
        .map_err(|e| format!("the stored run cannot be replayed: {e}"))?;
    if let Some(guide) = guide {
        let name = guide.name();
        guide
            .apply(&mut page, scenarios)
            .map_err(|e| format!("the stored run cannot be shown as {name}: {e}"))?;
    }
    if page.ticks() != ticks && !page.seek_ticks(ticks) {
        return Err(format!(
            "the stored run ends before its stored moment (tick {ticks})"
        ));
    }
    match difference(image, &page.image()) {
        None => Ok(page),
        Some(what) => Err(format!(
            "the stored run does not replay to the state the nodes stored: {what}"
        )),
    }
}

/// The first way `replayed` differs from `stored`, in words, or None when they are equal.
pub fn difference(stored: &Image, replayed: &Image) -> Option<String> {
    if stored.options != replayed.options {
        return Some("the cluster's options differ".into());
    }
    if stored.network != replayed.network {
        return Some("the network settings differ".into());
    }
    if stored.now_ms != replayed.now_ms {
        return Some(format!(
            "the nodes were stored at {} ms, the run replays to {} ms",
            stored.now_ms, replayed.now_ms
        ));
    }
    if stored.persisters.len() != replayed.persisters.len() {
        return Some("the number of nodes differs".into());
    }
    for (i, (s, r)) in stored
        .persisters
        .iter()
        .zip(&replayed.persisters)
        .enumerate()
    {
        if s.raftstate != r.raftstate {
            let nodes = stored.persisters.len();
            let say = |bytes: &[u8]| match PersistentState::restore(bytes, nodes) {
                Ok(p) => format!(
                    "currentTerm {}, votedFor {}, last log index {}",
                    p.current_term,
                    p.voted_for.map_or("none".into(), |v| format!("S{}", v + 1)),
                    p.log.last_index()
                ),
                Err(_) => format!("{} bytes", bytes.len()),
            };
            return Some(format!(
                "S{}'s persisted state differs (stored: {}; replayed: {})",
                i + 1,
                say(&s.raftstate),
                say(&r.raftstate)
            ));
        }
        if s.snapshot != r.snapshot {
            return Some(format!("S{}'s snapshot differs", i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::options::Options;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn played(seed: u64) -> Page {
        let mut p = Page::new(Options::with_seed(seed)).unwrap();
        p.advance(2_000).unwrap();
        for i in 0..6 {
            if p.leader().is_some() {
                p.request(&format!("cmd-{i}")).unwrap();
            }
            p.advance(300).unwrap();
        }
        p.crash(1).unwrap();
        p.advance(700).unwrap();
        p
    }

    #[test]
    fn a_stored_run_comes_back_at_the_same_moment_with_its_timeline() {
        let mut p = played(31);
        let end = p.now_ms();
        // In the past, mid-millisecond (events after a seek, more at the same ms to come):
        // the exact tick comes back, not the end of that millisecond.
        p.seek(end - 1_234);
        let mid = loop {
            assert!(p.step_forward());
            let (ticks, ms) = (p.ticks(), p.now_ms());
            p.seek(ms);
            let later = p.ticks();
            assert!(p.seek_ticks(ticks));
            if later != ticks {
                break ticks;
            }
        };
        assert_eq!(p.ticks(), mid);
        let saved = save(&p);
        assert_eq!(saved.note, None);
        assert_eq!(saved.text.lines().count(), 3);
        let (q, how) = restore(&saved.text).unwrap();
        assert_eq!(how, Resumed::Run);
        assert_eq!(q.now_ms(), p.now_ms());
        assert_eq!(q.ticks(), p.ticks());
        assert_eq!(q.trace_digest(), p.trace_digest());
        assert_eq!(q.state(), p.state());
        assert_eq!(q.travel().end_ms(), end, "the recorded future is back too");
        assert_eq!(q.travel().run(), p.travel().run());
        assert_eq!(
            q.travel().markers(),
            p.travel().markers(),
            "the same markers, the actions' included"
        );
        assert!(q.link().is_ok(), "a resumed run can still be shared");
    }

    #[test]
    fn an_image_alone_restarts_every_node_from_its_persisted_state() {
        let p = played(32);
        let image_only = image::encode(&p.image());
        let (q, how) = restore(&image_only).unwrap();
        assert_eq!(how, Resumed::Nodes);
        assert_eq!(q.now_ms(), p.now_ms());
        assert!(q.link().is_err(), "no fresh start");
        // Its own save is the image alone again.
        assert_eq!(save(&q).text.lines().count(), 1);
    }

    #[test]
    fn a_damaged_or_mismatched_run_is_reported_and_the_nodes_restart_instead() {
        let p = played(33);
        let text = save(&p).text;
        let lines: Vec<&str> = text.lines().collect();
        let reason = |text: &str| match restore(text).unwrap() {
            (q, Resumed::NodesInstead(why)) => {
                assert_eq!(q.now_ms(), p.now_ms());
                why
            }
            (_, how) => panic!("expected the run refused, got {how:?}"),
        };
        // One character of the link flipped: its checksum.
        let mut link: Vec<char> = lines[1].chars().collect();
        let mid = link.len() / 2;
        link[mid] = if link[mid] == 'A' { 'B' } else { 'A' };
        let link: String = link.into_iter().collect();
        let why = reason(&format!("{}\n{}\n{}", lines[0], link, lines[2]));
        assert!(why.starts_with("the stored run is damaged"), "{why}");
        // A damaged moment.
        let why = reason(&format!("{}\n{}\nbanana", lines[0], lines[1]));
        assert!(why.contains("moment"), "{why}");
        // Another run's link with this image: the replay does not match what was stored.
        let other = save(&played(34)).text;
        let other_link = other.lines().nth(1).unwrap();
        let why = reason(&format!("{}\n{}\n{}", lines[0], other_link, lines[2]));
        assert!(why.starts_with("the stored run does not replay"), "{why}");
        // The same run at an earlier moment than the image's.
        let why = reason(&format!(
            "{}\n{}\n{} {}",
            lines[0],
            lines[1],
            p.ticks() / 2,
            p.now_ms()
        ));
        assert!(why.contains("does not replay"), "{why}");
        // A bad image is an error, as always, whatever follows it.
        assert!(restore(&format!("garbage\n{}\n{}", lines[1], lines[2])).is_err());
    }

    #[test]
    fn a_run_too_long_to_store_is_left_out_and_said() {
        let p = played(36);
        let run_chars = p.link().unwrap().len();
        let saved = save_within(&p, run_chars - 1);
        assert_eq!(saved.text, image::encode(&p.image()), "the image alone");
        let note = saved.note.expect("a note");
        assert!(
            note.contains(&format!(
                "({run_chars} characters, at most {})",
                run_chars - 1
            )),
            "{note}"
        );
        assert_eq!(save_within(&p, run_chars).note, None);
        assert_eq!(restore(&saved.text).unwrap().1, Resumed::Nodes);
    }

    /// A text the previous build stored (image, run, moment; no guide line): seed 7, a
    /// request at 1,500 ms, played to 1,800 ms and shown at 1,600 ms.
    const PREVIOUS_VERSION_TEXT: &str = "raftlab-image/1:UkxJTQFOAAAAbnnjvmS8tWcFB6wCZArADAAUPAAFCwEBAQAAAQEDeD0xAAsBAQEAAAEBA3g9MQALAQEBAAABAQN4PTEACwEBAQAAAQEDeD0xAAsBAQEAAAEBA3g9MQA=\nraftlab-run-1.UkxSTgEhAAAAo87SIdahReoFB6wC2ARkFDwUPAAAAAABCgABAcAMAdwLiQEAAQN4PTE\n157 1800";

    #[test]
    fn a_text_of_the_previous_version_still_loads_with_its_run() {
        let (q, how) = restore(PREVIOUS_VERSION_TEXT).unwrap();
        assert_eq!(how, Resumed::Run);
        assert_eq!((q.now_ms(), q.ticks()), (1_600, 157));
        assert_eq!(q.travel().end_ms(), 1_800);
        assert_eq!(q.travel().run().inputs.len(), 1);
        assert!(q.scenario().is_none() && q.title().is_none() && q.captions().is_empty());
        // Saved again, it is the same three lines: free play has no guide line.
        assert_eq!(save(&q).text, PREVIOUS_VERSION_TEXT);
    }

    fn guide_line(text: &str) -> &str {
        let line = text.lines().nth(3).expect("a guide line");
        assert!(line.starts_with("raftlab-guide/1:"), "{line}");
        line
    }

    #[test]
    fn a_scenarios_run_restored_without_the_scenarios_restarts_its_nodes_and_says_why() {
        // The page's main module restores before the scenarios' file has arrived only if its
        // fetch failed (boot.ts fetches it first when a run is stored).
        let mut p = Page::from_scenario("figure-8").unwrap();
        p.next_step().unwrap();
        let saved = save(&p);
        let (q, how) = restore_in(&saved.text, None).unwrap();
        match how {
            Resumed::NodesInstead(why) => assert!(
                why.contains("the built-in scenarios are not loaded"),
                "{why}"
            ),
            other => panic!("expected the nodes restarted, got {other:?}"),
        }
        assert_eq!(q.scenario(), None);
        let (q, how) = restore_in(&saved.text, Some(crate::scenario::built_in::PACKED)).unwrap();
        assert_eq!(how, Resumed::Run);
        assert_eq!(q.scenario(), p.scenario());
    }

    #[test]
    fn a_scenario_comes_back_by_its_id_at_the_same_step_and_moment() {
        let mut p = Page::from_scenario("figure-8").unwrap();
        for _ in 0..3 {
            p.next_step().unwrap();
        }
        assert!(p.step_forward() && p.step_forward());
        let saved = save(&p);
        assert_eq!(saved.note, None);
        assert_eq!(saved.text.lines().count(), 4);
        assert_eq!(
            Guide::decode(guide_line(&saved.text)),
            Ok(Guide::Scenario {
                id: "figure-8".into()
            })
        );
        let (mut q, how) = restore(&saved.text).unwrap();
        assert_eq!(how, Resumed::Run);
        assert_eq!((q.now_ms(), q.ticks()), (p.now_ms(), p.ticks()));
        assert_eq!(
            q.scenario(),
            p.scenario(),
            "the same steps, the same step shown"
        );
        assert_eq!(q.scenario().unwrap().current, 4);
        assert_eq!(q.title(), p.title());
        assert_eq!(q.travel().end_ms(), p.travel().end_ms());
        assert_eq!(
            q.next_step().unwrap(),
            5,
            "its steps work as before the reload"
        );

        // Played on past its end (the scenario stays shown): still the scenario's run.
        let mut p = Page::from_scenario("leader-election").unwrap();
        let end = p.travel().end_ms();
        p.seek(end);
        p.advance(700).unwrap();
        p.request("after-the-end").unwrap();
        p.advance(100).unwrap();
        assert!(p.scenario().is_some());
        let (q, how) = restore(&save(&p).text).unwrap();
        assert_eq!(how, Resumed::Run);
        assert_eq!(q.scenario(), p.scenario());
        assert_eq!(q.travel().run(), p.travel().run());
    }

    #[test]
    fn after_take_over_the_run_comes_back_in_free_play_with_the_scenarios_captions() {
        let mut p = Page::from_scenario("leader-crash").unwrap();
        p.go_to_step(2).unwrap();
        p.take_over().unwrap();
        p.advance(300).unwrap();
        let text = save(&p).text;
        assert!(matches!(
            Guide::decode(guide_line(&text)),
            Ok(Guide::File { .. })
        ));
        let (q, how) = restore(&text).unwrap();
        assert_eq!(how, Resumed::Run);
        assert!(q.scenario().is_none(), "no longer a scenario");
        assert_eq!(q.title(), p.title());
        assert_eq!(q.captions(), p.captions());
        assert_eq!(q.now_ms(), p.now_ms());
    }

    #[test]
    fn a_scenario_with_a_rule_broken_inside_it_comes_back_as_its_run_with_its_captions() {
        let mut p = Page::from_scenario("figure-8").unwrap();
        p.go_to_step(9).unwrap();
        p.break_rule("commit-current-term", true).unwrap().unwrap();
        p.next_step().unwrap();
        let text = save(&p).text;
        assert!(matches!(
            Guide::decode(guide_line(&text)),
            Ok(Guide::File { .. })
        ));
        let (q, how) = restore(&text).unwrap();
        assert_eq!(how, Resumed::Run, "no error: the run comes back");
        assert_eq!(q.travel().run(), p.travel().run());
        assert_eq!((q.now_ms(), q.title()), (p.now_ms(), p.title()));
        assert!(q.rules()[0].broken);
    }

    fn run_file_page() -> Page {
        let run = played(37).travel().run().clone();
        let at = |at_ms, actions| Stamp { at_ms, actions };
        let file = crate::codec::file::RunFile {
            title: Some("TestFigure8Unreliable3C, seed 1: Test (3C): Figure 8 (unreliable)".into()),
            run,
            captions: alloc::vec![
                Caption {
                    at: at(0, 0),
                    text: "make_config(5, unreliable)".into(),
                },
                Caption {
                    at: at(2_100, 7),
                    text: "crash1(S3) \"quoted\"\nand a new line".into(),
                },
            ],
            end: None,
            trace_digest: None,
        };
        let mut p = Page::from_run_file(file).unwrap();
        p.seek(2_500);
        p
    }

    #[test]
    fn a_run_files_title_and_captions_come_back() {
        let p = run_file_page();
        let saved = save(&p);
        assert_eq!(saved.note, None);
        assert_eq!(
            saved.text.lines().count(),
            4,
            "a caption's new line stays inside the frame"
        );
        let (q, how) = restore(&saved.text).unwrap();
        assert_eq!(how, Resumed::Run);
        assert_eq!(q.title(), p.title());
        assert_eq!(q.captions(), p.captions());
        assert_eq!(q.captions().len(), 2);
        assert_eq!((q.now_ms(), q.ticks()), (p.now_ms(), p.ticks()));
        assert_eq!(save(&q).text, saved.text, "saved again, the same text");
    }

    #[test]
    fn a_guide_that_would_pass_the_limit_is_left_out_and_said() {
        let p = run_file_page();
        let full = save(&p).text;
        let run_chars = p.link().unwrap().len();
        let guide_chars = guide_line(&full).len();
        let saved = save_within(&p, run_chars + guide_chars - 1);
        assert_eq!(saved.text.lines().count(), 3, "the run, without the guide");
        let note = saved.note.expect("a note");
        assert!(
            note.starts_with("Stored without the run file's title and 2 captions")
                && note.contains(&format!("at most {}", run_chars + guide_chars - 1)),
            "{note}"
        );
        let (q, how) = restore(&saved.text).unwrap();
        assert_eq!(how, Resumed::Run);
        assert!(q.title().is_none() && q.captions().is_empty());
        assert_eq!(save_within(&p, run_chars + guide_chars).note, None);
    }

    #[test]
    fn a_damaged_or_mismatched_guide_is_reported_and_the_nodes_restart_instead() {
        let p = Page::from_scenario("figure-8").unwrap();
        let text = save(&p).text;
        let lines: Vec<&str> = text.lines().collect();
        let reason = |text: &str| match restore(text).unwrap() {
            (q, Resumed::NodesInstead(why)) => {
                assert!(q.scenario().is_none() && q.title().is_none());
                why
            }
            (_, how) => panic!("expected the run refused, got {how:?}"),
        };
        let with = |guide: &str| format!("{}\n{}\n{}\n{}", lines[0], lines[1], lines[2], guide);
        // One character flipped: its checksum.
        let mut flipped: Vec<char> = lines[3].chars().collect();
        let mid = flipped.len() - 4;
        flipped[mid] = if flipped[mid] == 'A' { 'B' } else { 'A' };
        let why = reason(&with(&flipped.into_iter().collect::<String>()));
        assert!(
            why.starts_with(
                "the stored run's scenario or run-file captions (its last line) is corrupt"
            ),
            "{why}"
        );
        // Cut short.
        let why = reason(&with(&lines[3][..lines[3].len() - 6]));
        assert!(why.contains("is truncated"), "{why}");
        // Another version.
        let why = reason(&with(&lines[3].replacen("/1:", "/2:", 1)));
        assert!(why.contains("has format version 2"), "{why}");
        // A frame whose fields do not read.
        let why = reason(&with(&codec::encode(&GUIDE_V1, &[7, 7, 7])));
        assert!(why.contains("its fields do not read"), "{why}");
        // Fields past the run file's limits, or out of order.
        let long = Guide::File {
            title: None,
            captions: alloc::vec![StoredCaption {
                at: Stamp::default(),
                text: "x".repeat(crate::codec::file::CAPTION_CHARS_MAX + 1),
            }],
        };
        let why = reason(&with(&long.encode()));
        assert!(why.contains("at most 500"), "{why}");
        let caption = |at_ms| StoredCaption {
            at: Stamp { at_ms, actions: 0 },
            text: "c".into(),
        };
        let unordered = Guide::File {
            title: None,
            captions: alloc::vec![caption(200), caption(100)],
        };
        let why = reason(&with(&unordered.encode()));
        assert!(why.contains("caption 2 stamped before caption 1"), "{why}");
        let why = reason(&with(&Guide::Scenario { id: String::new() }.encode()));
        assert!(why.contains("scenario id of 0 characters"), "{why}");
        // A scenario this build does not have.
        let why = reason(&with(
            &Guide::Scenario {
                id: "no-such".into(),
            }
            .encode(),
        ));
        assert!(
            why.starts_with("the stored run cannot be shown as the scenario \"no-such\"")
                && why.contains("no-such"),
            "{why}"
        );
        // Another scenario's id over this run: the runs differ.
        let why = reason(&with(
            &Guide::Scenario {
                id: "leader-election".into(),
            }
            .encode(),
        ));
        assert!(
            why.contains("is not the scenario \"leader-election\"'s run"),
            "{why}"
        );
        // The scenario's id over a run of the scenario forked before its end.
        let mut forked = Page::from_scenario("figure-8").unwrap();
        forked.go_to_step(2).unwrap();
        forked.crash(0).unwrap();
        let forked_text = save(&forked).text;
        let f: Vec<&str> = forked_text.lines().collect();
        let why = reason(&format!("{}\n{}\n{}\n{}", f[0], f[1], f[2], lines[3]));
        assert!(why.contains("the scenario \"figure-8\""), "{why}");
        // Untouched, it loads.
        assert_eq!(restore(&text).unwrap().1, Resumed::Run);
    }

    #[test]
    fn difference_names_the_node_and_its_paper_fields() {
        let p = played(35);
        let stored = p.image();
        let mut replayed = stored.clone();
        let leader = (0..replayed.persisters.len())
            .find(|&i| !stored.persisters[i].raftstate.is_empty())
            .unwrap();
        let mut state = PersistentState::restore(&stored.persisters[leader].raftstate, 5).unwrap();
        state.current_term += 1;
        replayed.persisters[leader].raftstate = state.encode();
        let what = difference(&stored, &replayed).unwrap();
        assert!(
            what.starts_with(&format!("S{}'s persisted state differs", leader + 1))
                && what.contains(&format!("currentTerm {}", state.current_term)),
            "{what}"
        );
        assert_eq!(difference(&stored, &stored), None);
    }
}
