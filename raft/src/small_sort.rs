//! `sort_small`: insertion sort for the few-element slices the core, the simulator and the
//! session sort (one entry per node: at most nine).
//!
//! Why not `sort_unstable` / `select_nth_unstable`: each instantiation of the standard
//! library's pattern-defeating quicksort or introselect brings 1 to 3 KiB of wasm (small-sort
//! networks, pivot selection, heapsort fallback); the page's module had about 14 KiB of them
//! for slices of nine elements or fewer (README, "Weight"). Insertion sort is a few dozen
//! bytes per instantiation and, at this size, as fast.

/// Sorts `v` by `less` (stable). Quadratic: meant for slices of a few dozen elements at most.
pub fn sort_small_by<T, F: FnMut(&T, &T) -> bool>(v: &mut [T], mut less: F) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Sorts `v` ascending (stable). Quadratic: meant for slices of a few dozen elements at most.
pub fn sort_small<T: Ord>(v: &mut [T]) {
    sort_small_by(v, |a, b| a < b);
}

#[cfg(test)]
mod tests {
    use super::{sort_small, sort_small_by};
    use alloc::vec::Vec;

    #[test]
    fn sort_small_sorts_every_arrangement_of_up_to_seven_elements_as_sort_does() {
        // Every sequence of length 0..=7 over the values 0..4 (duplicates included).
        for len in 0..=7u32 {
            for code in 0..4u32.pow(len) {
                let v: Vec<(u32, u32)> = (0..len).map(|i| ((code / 4u32.pow(i)) % 4, i)).collect();
                let mut ours = v.clone();
                sort_small_by(&mut ours, |a, b| a.0 < b.0);
                let mut theirs = v.clone();
                theirs.sort_by_key(|x| x.0); // stable: ties keep their order
                assert_eq!(ours, theirs, "{v:?}");
                let mut plain: Vec<u32> = v.iter().map(|x| x.0).collect();
                sort_small(&mut plain);
                assert!(plain.windows(2).all(|w| w[0] <= w[1]), "{v:?}");
            }
        }
    }
}
