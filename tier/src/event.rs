//! The tier log: one [`Event`] per tier change (its `--verbose` line, `Tiering::log_json`), with
//! a background compile's queue and build times.

use orc_bridge::OptLevel;

/// One tier change.
#[derive(Clone, Debug)]
pub struct Event {
    pub function: String,
    /// `None` = interpreted.
    pub from: Option<OptLevel>,
    pub to: OptLevel,
    pub reason: String,
    pub compile_ms: f64,
    /// The guarded specialization compiled (versions and shares), if any.
    pub specialized: Option<String>,
    /// How a background compile went (`None`: compiled synchronously).
    pub background: Option<BackgroundTimes>,
    /// Other app functions whose bodies the compile inlined (`CompiledFunction::inlined`): they
    /// run, without being entered, whenever this code does.
    pub inlined: Vec<String>,
}

/// A background compile's times, for the tier log.
#[derive(Clone, Copy, Debug)]
pub struct BackgroundTimes {
    /// From queued (first asked for) to taken by a compile thread.
    pub queue_ms: f64,
    /// The compile thread's CPU time for the build, where the platform measures it per thread:
    /// against the wall time of the build, how much of a CPU the thread got.
    pub cpu_ms: Option<f64>,
    /// The program's thread built it, from the backlog (`Tiering::help_compile`).
    pub by_program: bool,
    /// The share of the program's time (0 to 1) its function took while it waited, as last
    /// measured (`Tiering::help_compile`; `None` if never measured).
    pub share: Option<f64>,
}

pub(crate) fn tier_name(l: Option<OptLevel>) -> String {
    l.map_or("interp".into(), |l| l.to_string())
}

impl Event {
    /// The tier log line (`--verbose`).
    pub fn line(&self) -> String {
        let special = self.specialized.as_ref().map(|s| format!(" specialized {s}")).unwrap_or_default();
        let queued = self
            .background
            .map(|b| {
                let cpu = b.cpu_ms.map(|c| format!(", {c:.1} ms CPU")).unwrap_or_default();
                let by = if b.by_program { "by the program's thread from the backlog" } else { "in background" };
                let share = b.share.map(|s| format!(" ({:.0} % of the time)", s * 100.0)).unwrap_or_default();
                format!(", queued {:.1} ms{share}{cpu}, {by}", b.queue_ms)
            })
            .unwrap_or_default();
        format!(
            "[tier] {}: {} -> {}{special} ({}, {:.1} ms{queued})",
            self.function,
            tier_name(self.from),
            self.to,
            self.reason,
            self.compile_ms
        )
    }
}
