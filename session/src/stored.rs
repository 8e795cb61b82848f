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
//! ```
//!
//! The last two lines are left out for a cluster restored from an image alone (it has no
//! fresh start to replay) and for a run whose link is longer than `STORED_RUN_CHARS_MAX`
//! (`Saved::note` says so). A text of the image alone is what earlier builds stored.
//!
//! `restore` replays the run to the moment and checks that every node's persisted state (and
//! the options, network and time) equals what the image holds. When the run is damaged or
//! does not replay to that state, it says why and every node restarts from its persisted
//! state alone (as from an image alone); a damaged image is an error, as always.

use crate::image::{self, Image};
use crate::link;
use crate::page::Page;
use alloc::format;
use alloc::string::{String, ToString};
use raftlab::core::PersistentState;

/// The longest run link stored with the image, in characters (localStorage holds about 5 M
/// characters per origin; a 10-minute run with 12,000 requests is about 160,000).
pub const STORED_RUN_CHARS_MAX: usize = 1_000_000;

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
        } else {
            note = Some(format!(
                "the run ({} actions) is too long to store with the cluster ({} characters, at most {run_chars_max}): a reload restarts every node from its persisted state, without the timeline",
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
pub fn restore(text: &str) -> Result<(Page, Resumed), String> {
    let mut lines = text.splitn(3, '\n');
    let image_text = lines.next().unwrap_or("");
    let image = image::decode(image_text).map_err(|e| e.to_string())?;
    let Some(run_text) = lines.next() else {
        return Ok((Page::restore(&image)?, Resumed::Nodes));
    };
    match resume(&image, run_text, lines.next()) {
        Ok(page) => Ok((page, Resumed::Run)),
        Err(why) => Ok((Page::restore(&image)?, Resumed::NodesInstead(why))),
    }
}

/// The stored run replayed to its moment, if it matches `image`.
fn resume(image: &Image, run_text: &str, moment: Option<&str>) -> Result<Page, String> {
    let link = link::decode(run_text).map_err(|e| format!("the stored run is damaged: {e}"))?;
    let numbers: Option<(u64, u64)> = moment.and_then(|m| {
        let (ticks, end_ms) = m.trim().split_once(' ')?;
        Some((ticks.parse().ok()?, end_ms.parse().ok()?))
    });
    let (ticks, end_ms) = numbers.ok_or("the stored run's moment is missing or damaged")?;
    let mut page = Page::from_link_to(link, end_ms)
        .map_err(|e| format!("the stored run cannot be replayed: {e}"))?;
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
    use crate::options::Options;
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
