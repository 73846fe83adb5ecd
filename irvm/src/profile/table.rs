//! Text table of a `Profile`: one line per function, sorted by exclusive cycles.

use super::Profile;
use std::fmt::Write;

impl Profile {
    /// A table for humans (exclusive cycles descending).
    pub fn to_table(&self) -> String {
        let total: u64 = self.functions.iter().map(|f| f.exclusive_cycles).sum::<u64>().max(1);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:>14} {:>6} {:>14} {:>12} {:>14}  {:<11} function",
            "excl.cycles", "excl%", "incl.cycles", "calls", "IR insts", "kind"
        );
        for f in &self.functions {
            let _ = writeln!(
                s,
                "{:>14} {:>5.1}% {:>14} {:>12} {:>14}  {:<11} {}",
                f.exclusive_cycles,
                100.0 * f.exclusive_cycles as f64 / total as f64,
                f.inclusive_cycles,
                f.calls,
                f.instructions,
                f.kind,
                f.name
            );
        }
        let _ = writeln!(s, "total cycles: {} (lowering to irvm code: {})", self.total_cycles, self.translate_cycles);
        let _ = writeln!(
            s,
            "lowered {} functions in {:.0} us ({:.1} us per function)",
            self.lowering.functions,
            self.lowering.micros,
            self.lowering.micros_per_function()
        );
        s
    }
}
