//! How long builds take in this run: the largest function body a whole-function job built so
//! far and the time that build took, from which the time of a build of another function is
//! expected (`Tiering::queue` gives a main work whose O3 build would be long O1 code first).

use std::time::Duration;

/// The largest build so far: (instructions of the function's body, time the build took).
/// The largest, because a build has a cost of its own whatever the size, so a small
/// function's pace overstates a large one's: app-tinyllama's `compare_index`, a few
/// instructions, took 0.35 s under QEMU/TCG, `dot`, 218, 0.7 s.
#[derive(Default)]
pub(crate) struct BuildPace {
    largest: Option<(usize, Duration)>,
}

impl BuildPace {
    /// A whole-function build of `instructions` took `took`.
    pub(crate) fn note(&mut self, instructions: usize, took: Duration) {
        if self.largest.is_none_or(|(largest, _)| instructions >= largest) {
            self.largest = Some((instructions, took));
        }
    }

    /// How long a build of a function of `instructions` would take at the pace of the largest
    /// build so far; `None` if that one was less than half its size (or none was built).
    pub(crate) fn expected(&self, instructions: usize) -> Option<Duration> {
        let (done, took) = self.largest.filter(|&(done, _)| 2 * done >= instructions)?;
        Some(took.mul_f64(instructions as f64 / done.max(1) as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_is_expected_from_the_largest_build_of_at_least_half_its_size() {
        let mut pace = BuildPace::default();
        assert_eq!(pace.expected(389), None, "nothing built yet");
        pace.note(10, Duration::from_millis(350));
        assert_eq!(pace.expected(389), None, "a build of 10 instructions says nothing of 389");
        assert_eq!(pace.expected(20), Some(Duration::from_millis(700)));
        pace.note(218, Duration::from_millis(700));
        // A smaller build later does not replace the largest.
        pace.note(50, Duration::from_millis(300));
        let expected = pace.expected(389).unwrap();
        assert!((expected.as_secs_f64() - 0.7 * 389.0 / 218.0).abs() < 1e-9, "{expected:?}");
        assert_eq!(pace.expected(437), None, "218 is less than half of 437");
    }
}
