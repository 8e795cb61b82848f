//! JavaScript numbers into the session layer's typed arguments: whole numbers, 1-based node
//! ids into 0-based `NodeId`s, virtual ms with fractions, a partial NetworkOptions. Plain Rust
//! (no `JsValue`), so every range check, NaN and Infinity included, is tested natively here.
//! Errors are the sentences `lib.rs` prefixes with the call and throws.

use raftlab_session::options::{Network, ADVANCE_MS_MAX, DELAY_MS_LIMIT, SAFE_INTEGER_MAX};
use raftlab_session::raftlab::core::NodeId;

/// "2.5", "NaN", "Infinity": a JavaScript number as JavaScript prints it (near enough).
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if x.fract() == 0.0 && x.abs() <= SAFE_INTEGER_MAX as f64 {
        // Whole numbers, the common case, without float formatting.
        let whole = format!("{}", x.abs() as u64);
        if x < 0.0 {
            format!("-{whole}")
        } else {
            whole
        }
    } else {
        fraction(x)
    }
}

/// A number with a fraction, or beyond 2^53. In the browser JavaScript prints it (so the wasm
/// module carries no float formatting: README, "Weight"); natively Rust's `{}` does.
#[cfg(target_arch = "wasm32")]
fn fraction(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
fn fraction(x: f64) -> String {
    format!("{x}")
}

/// A whole number in `lo..=hi` from a JavaScript number, or an error naming `what`.
pub fn whole(what: &str, x: f64, lo: u64, hi: u64) -> Result<u64, String> {
    if !x.is_finite() || x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
        return Err(format!(
            "{what} must be a whole number {lo}..{hi}, got {}",
            js_number(x)
        ));
    }
    Ok(x as u64)
}

/// A node id 1..n from JavaScript as the simulator's 0-based index.
pub fn node_index(id: f64, n: usize) -> Result<NodeId, String> {
    if !id.is_finite() || id.fract() != 0.0 {
        return Err(format!(
            "id must be a node id 1..{n}, got {}",
            js_number(id)
        ));
    }
    if id < 1.0 || id > n as f64 {
        return Err(format!(
            "unknown node {}: this cluster has nodes 1..{n}",
            js_number(id)
        ));
    }
    Ok(id as usize - 1)
}

/// Groups of 1-based node ids as groups of `NodeId`s (the session layer checks duplicates).
pub fn groups(groups: &[Vec<f64>], n: usize) -> Result<Vec<Vec<NodeId>>, String> {
    groups
        .iter()
        .map(|g| g.iter().map(|&id| node_index(id, n)).collect())
        .collect()
}

/// A message id from `state().messages`.
pub fn message_id(id: f64) -> Result<u64, String> {
    whole("id", id, 0, SAFE_INTEGER_MAX)
        .map_err(|e| format!("{e} (a message id from state().messages)"))
}

fn virtual_ms(ms: f64) -> Result<f64, String> {
    if !ms.is_finite() || ms < 0.0 {
        return Err(format!(
            "ms must be a finite number >= 0, got {}",
            js_number(ms)
        ));
    }
    Ok(ms)
}

/// The virtual ms `seek(ms)` shows: the millisecond `ms` falls in.
pub fn seek_ms(ms: f64) -> Result<u64, String> {
    Ok(virtual_ms(ms)?.floor().min(SAFE_INTEGER_MAX as f64) as u64)
}

/// The page's clock hands out fractions of a virtual ms; the simulation runs whole ones.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fraction {
    /// Fraction of a virtual ms that `advance` has not run yet.
    // Invariant: 0 <= ms < 1.
    ms: f64,
}

impl Fraction {
    /// The whole virtual ms to run for `advance(ms)`, keeping the rest for the next call.
    pub fn advance(&mut self, ms: f64) -> Result<u64, String> {
        let ms = virtual_ms(ms)?;
        if ms > ADVANCE_MS_MAX as f64 {
            return Err(format!(
                "ms must be at most {ADVANCE_MS_MAX} per call, got {}",
                js_number(ms)
            ));
        }
        let total = self.ms + ms;
        let whole = total.floor();
        self.ms = total - whole;
        Ok(whole as u64)
    }

    /// Forget the fraction (the moment shown jumped, or an action happened there).
    pub fn reset(&mut self) {
        self.ms = 0.0;
    }
}

/// A partial NetworkOptions: the fields given to `setNetwork`, as JavaScript values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NetworkPatch {
    pub drop_rate: Option<f64>,
    pub delay_ms_min: Option<f64>,
    pub delay_ms_max: Option<f64>,
    pub long_reordering: Option<bool>,
}

impl NetworkPatch {
    /// `current` with the given fields changed, checked as a whole.
    pub fn patched(&self, current: Network) -> Result<Network, String> {
        let mut net = current;
        if let Some(rate) = self.drop_rate {
            if !rate.is_finite() || !(0.0..=1.0).contains(&rate) {
                return Err(format!(
                    "dropRate must be a probability 0..1, got {}",
                    js_number(rate)
                ));
            }
            net.drop_permille = (rate * 1000.0).round() as u32;
        }
        if let Some(min) = self.delay_ms_min {
            net.delay_ms_min = whole("delayMsMin", min, 0, DELAY_MS_LIMIT)?;
        }
        if let Some(max) = self.delay_ms_max {
            net.delay_ms_max = whole("delayMsMax", max, 0, DELAY_MS_LIMIT)?;
        }
        if let Some(on) = self.long_reordering {
            net.long_reordering = on;
        }
        net.validate()?;
        Ok(net)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_are_whole_numbers_1_to_n() {
        assert_eq!(node_index(1.0, 5), Ok(0));
        assert_eq!(node_index(5.0, 5), Ok(4));
        assert_eq!(
            node_index(0.0, 5).unwrap_err(),
            "unknown node 0: this cluster has nodes 1..5"
        );
        assert_eq!(
            node_index(6.0, 5).unwrap_err(),
            "unknown node 6: this cluster has nodes 1..5"
        );
        assert_eq!(
            node_index(f64::NAN, 5).unwrap_err(),
            "id must be a node id 1..5, got NaN"
        );
        assert_eq!(
            node_index(f64::INFINITY, 5).unwrap_err(),
            "id must be a node id 1..5, got Infinity"
        );
        assert_eq!(
            node_index(1.5, 5).unwrap_err(),
            "id must be a node id 1..5, got 1.5"
        );
        assert!(groups(&[vec![1.0, 7.0]], 5)
            .unwrap_err()
            .contains("unknown node 7"));
        assert_eq!(
            groups(&[vec![1.0, 2.0], vec![3.0]], 5),
            Ok(vec![vec![0, 1], vec![2]])
        );
        assert!(message_id(-1.0).unwrap_err().contains("state().messages"));
    }

    #[test]
    fn virtual_ms_are_finite_and_not_negative_and_fractions_add_up() {
        let mut f = Fraction::default();
        assert_eq!(
            f.advance(-1.0).unwrap_err(),
            "ms must be a finite number >= 0, got -1"
        );
        assert_eq!(
            f.advance(f64::NAN).unwrap_err(),
            "ms must be a finite number >= 0, got NaN"
        );
        assert!(f.advance(60_001.0).unwrap_err().contains("at most 60000"));
        assert_eq!(f.advance(0.4), Ok(0));
        assert_eq!(f.advance(0.4), Ok(0));
        assert_eq!(f.advance(0.4), Ok(1), "0.4 + 0.4 + 0.4 ms run one whole ms");
        f.reset();
        assert_eq!(f.advance(0.9), Ok(0));
        assert_eq!(
            seek_ms(f64::NAN).unwrap_err(),
            "ms must be a finite number >= 0, got NaN"
        );
        assert!(seek_ms(-5.0).unwrap_err().contains("got -5"));
        assert_eq!(seek_ms(12.7), Ok(12));
        assert_eq!(seek_ms(1e300), Ok(SAFE_INTEGER_MAX));
    }

    #[test]
    fn a_network_patch_changes_only_its_fields_and_is_checked_whole() {
        let patch = |p: NetworkPatch| p.patched(Network::DEFAULT);
        assert!(patch(NetworkPatch {
            drop_rate: Some(2.0),
            ..Default::default()
        })
        .unwrap_err()
        .contains("dropRate"));
        assert!(patch(NetworkPatch {
            delay_ms_min: Some(80.0),
            delay_ms_max: Some(50.0),
            ..Default::default()
        })
        .unwrap_err()
        .contains("delayMsMin (80) must not exceed delayMsMax (50)"));
        assert!(patch(NetworkPatch {
            delay_ms_max: Some(10_001.0),
            ..Default::default()
        })
        .unwrap_err()
        .contains("delayMsMax"));
        let net = patch(NetworkPatch {
            drop_rate: Some(0.25),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            net,
            Network {
                drop_permille: 250,
                ..Network::DEFAULT
            }
        );
    }
}
