//! README's time-travel figures, natively: the page's cluster (`Page`, what the wasm glue
//! drives) in a 10-minute virtual run, and a link's size per action.
//!
//!   cargo run --release -p raftlab-session --example measure
//!
//! The same scenarios as `node scripts/measure.mjs travel` (which measures them in headless
//! Chromium through the `Cluster` handle): 5 nodes, seed 7, 20 client requests per virtual
//! second, a crash and a restart every minute; then 60 seeks to fixed pseudo-random moments
//! (seek + state() + recent events: what a slider move costs) and 20 steps back. Memory is the
//! heap the process holds (a counting allocator), so it is exact for this build.

use raftlab_session::stored;
use raftlab_session::time_travel::{MARKERS_MAX, RECENT_EVENTS_MAX};
use raftlab_session::{link, Options, Page, CHECKPOINTS_MAX, CHECKPOINT_SPACING_MS};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The system allocator, counting the bytes held.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size(), Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        HELD.fetch_add(new_size, Relaxed);
        HELD.fetch_sub(layout.size(), Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn held() -> usize {
    HELD.load(Relaxed)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// median, p95 and max of `ms`, in ms.
fn spread(ms: &mut [f64]) -> String {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    format!(
        "median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    )
}

/// The pseudo-random moments of measure.mjs (same each run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = (self.0 * 1_103_515_245 + 12_345) % 2_147_483_648;
        self.0 as f64 / 2_147_483_648.0
    }
}

fn main() {
    let before = held();
    let t0 = Instant::now();
    let mut page = Page::new(Options {
        nodes: 5,
        ..Options::with_seed(7)
    })
    .expect("valid options");
    let mut n = 0;
    for s in 0..600 {
        for _ in 0..20 {
            let _ = page.request(&format!("m{n}"));
            n += 1;
            page.advance(50).expect("a short advance");
        }
        if s % 60 == 30 {
            let _ = page.crash((s / 60) % 5);
        }
        if s % 60 == 45 {
            let _ = page.restart((s / 60) % 5);
        }
    }
    let build_s = t0.elapsed().as_secs_f64();
    let end = page.travel().end_ms();
    let after = held();
    let sim_bytes = {
        let h = held();
        let copy = page.sim().clone();
        let bytes = held() - h;
        drop(copy);
        bytes
    };
    let mut rand = Lcg(12_345);
    let mut seeks = Vec::new();
    for _ in 0..60 {
        let t = (rand.next() * end as f64) as u64;
        let s0 = Instant::now();
        page.seek(t);
        let _ = page.state();
        let _ = page.recent_events();
        seeks.push(s0.elapsed().as_secs_f64() * 1000.0);
    }
    let mut backs = Vec::new();
    for _ in 0..20 {
        page.seek((rand.next() * end as f64) as u64);
        let s0 = Instant::now();
        page.step_back();
        let _ = page.state();
        backs.push(s0.elapsed().as_secs_f64() * 1000.0);
    }
    let travel = page.travel();
    println!(
        "## Time travel: a {}-minute virtual run (5 nodes, 20 requests per virtual s, a crash and a restart every minute: {} inputs; recorded in {build_s:.1} s)",
        end / 60_000,
        travel.run().inputs.len()
    );
    println!();
    println!(
        "seek to a random moment, then state() and the recent events (60 seeks): {}",
        spread(&mut seeks)
    );
    println!(
        "step back one event, then state() (20 steps): {}",
        spread(&mut backs)
    );
    println!();
    println!(
        "checkpoints: {} held (at most CHECKPOINTS_MAX = {CHECKPOINTS_MAX} + the start), {} virtual ms apart (at first {CHECKPOINT_SPACING_MS}; doubled each time {CHECKPOINTS_MAX} are full)",
        travel.checkpoints(),
        travel.spacing_ms()
    );
    println!(
        "markers: {} (at most MARKERS_MAX = {MARKERS_MAX}); event-log lines per checkpoint: at most RECENT_EVENTS_MAX = {RECENT_EVENTS_MAX}",
        travel.markers().len()
    );
    println!(
        "heap held by the cluster: {} after the run ({} bytes); one simulation (a checkpoint's copy, without its narrator and lines): {} bytes",
        mib(after - before),
        after - before,
        sim_bytes
    );
    let link_chars = page.link().expect("a fresh run").len();
    let saved = stored::save(&page);
    println!(
        "link of that run: {link_chars} characters; what localStorage keeps of it (image + run + moment): {} characters{}",
        saved.text.len(),
        saved.note.map_or(String::new(), |n| format!(" ({n})"))
    );

    // A 5-minute session with 50 actions (requests, a crash and a restart), as measure.mjs.
    let mut page = Page::new(Options {
        nodes: 5,
        ..Options::with_seed(11)
    })
    .expect("valid options");
    let empty = page.link().expect("fresh").len();
    for i in 0..50 {
        page.advance(6_000).expect("a short advance");
        let _ = match i {
            20 => page.crash(1),
            30 => page.restart(1),
            _ => page.request(&format!("x={i}")).map(|_| ()),
        };
    }
    let inputs = page.travel().run().inputs.len();
    let chars = page.link().expect("fresh").len();
    let text = link::encode(page.travel().run(), Some(page.now_ms()));
    assert_eq!(text.len(), chars);
    println!();
    println!(
        "link of a 5-minute run with {inputs} actions: {chars} characters ({empty} with none: {:.1} per action)",
        (chars - empty) as f64 / inputs as f64
    );
}
