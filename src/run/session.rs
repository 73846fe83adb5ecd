//! One `bareflow run` as a value: the [`Session`] owns the machine (irvm) and the run's
//! [`Host`] — the tier manager, the snapshot session, the timed regions and the at-exit work —
//! and is passed explicitly. irvm calls the host back through `irvm::Hooks` during the run; C
//! and JIT code reach the session only through `bareflow_tier::api::LiveSession`.

use super::coverage::Coverage;
use super::snapshots::{self, SnapshotSession};
use bareflow_tier::Tiering;
use bareflow_tier::api::Regions;
use irvm::{FuncId, Machine, OsrDecision, Outcome};

/// A run: the machine and its host (separate values, so that irvm can hand the host a `&mut
/// Machine` in its hooks).
pub struct Session {
    pub machine: Box<Machine>,
    pub host: Host,
}

impl Session {
    /// Run the program's `main` with `argv` (argv[0] = the program), the host as irvm's hooks.
    pub fn run(&mut self, argv: &[String]) -> Outcome {
        self.machine.run_main_with(argv, &mut self.host)
    }
}

/// Where the profile goes at the end of the run (`--profile-out`, `--profile-table`).
pub struct ReportSpec {
    pub out: Option<String>,
    pub table: bool,
    /// The `--tier` asked for, as the profile names it.
    pub tier: &'static str,
}

/// Everything of a run that is not irvm's.
pub struct Host {
    /// The tier manager (None for `--tier interp`).
    pub tiering: Option<Tiering>,
    /// `--state`: the store and what this run started from.
    pub snapshots: Option<SnapshotSession>,
    pub coverage: Coverage,
    /// `jit_profile_begin` / `jit_profile_end` regions.
    pub regions: Regions,
    pub report: ReportSpec,
    /// `--tier interp`: what it takes to start a JIT for the functions irvm cannot interpret
    /// (made on the first such call).
    pub jit_on_demand: Option<OnDemand>,
    /// The at-exit work is done (it runs once, whichever way the program ends).
    finished: bool,
}

/// The JIT of an `--tier interp` run, not made until a function irvm cannot interpret is called.
pub struct OnDemand {
    pub bitcode: Vec<u8>,
    pub program: String,
    pub verbose: bool,
    pub fp_contract: bool,
}

impl OnDemand {
    /// Make the tier manager (without tier marks: nothing else tiers up).
    fn start(self, m: &mut Machine) -> Option<Tiering> {
        let t = Tiering::new(m, &self.bitcode, &self.program, Default::default(), self.verbose);
        match t {
            Ok(mut t) => {
                t.jit.set_fp_contraction(self.fp_contract);
                Some(t)
            }
            Err(e) => {
                eprintln!("bareflow run: note: cannot start the JIT for functions irvm cannot interpret: {e}");
                None
            }
        }
    }
}

impl Host {
    pub fn new(tiering: Option<Tiering>, coverage: Coverage, report: ReportSpec) -> Host {
        Host {
            tiering,
            snapshots: None,
            coverage,
            regions: Regions::default(),
            report,
            jit_on_demand: None,
            finished: false,
        }
    }

    /// The at-exit work, once — after `main` returns, at `exit` from JIT code, or when the
    /// program ends inside a native callback: no compiles for the program any more, the
    /// snapshot saved (`--state`), the runtime coverage reported, the profile written where the
    /// flags ask. Returns false if writing the profile failed.
    pub fn finish(&mut self, m: &mut Machine, status: Option<i32>) -> bool {
        if std::mem::replace(&mut self.finished, true) {
            return true;
        }
        if let Some(t) = self.tiering.as_mut() {
            t.exiting = true;
        }
        match (self.snapshots.as_mut(), self.tiering.as_mut()) {
            (Some(s), Some(t)) => snapshots::finish(s, m, t, &mut self.coverage),
            _ => {
                self.coverage.finish(None);
            }
        }
        let r = &self.report;
        if r.out.is_none() && !r.table {
            return true;
        }
        let p = m.profile(status);
        if r.table {
            eprint!("{}", p.to_table());
        }
        if let Some(path) = &r.out
            && let Err(e) = std::fs::write(path, self.profile_json(&p) + "\n")
        {
            eprintln!("bareflow run: cannot write profile '{path}': {e}");
            return false;
        }
        true
    }

    /// The profile JSON with the tier log and timed regions added.
    fn profile_json(&self, p: &irvm::profile::Profile) -> String {
        let mut v: serde_json::Value = match serde_json::from_str(&p.to_json()) {
            Ok(v) => v,
            Err(_) => return p.to_json(),
        };
        v["tier"] = serde_json::Value::from(self.report.tier);
        if let Some(t) = &self.tiering {
            v["tiering"] = t.log_json();
        }
        let regions: Vec<serde_json::Value> = self
            .regions
            .totals()
            .into_iter()
            .map(|(n, c, k)| serde_json::json!({"name": n, "cycles": c, "count": k}))
            .collect();
        if !regions.is_empty() {
            v["regions"] = serde_json::Value::from(regions);
        }
        v.to_string()
    }
}

impl bareflow_tier::api::LiveRun for Session {
    fn parts(&mut self) -> (&mut Machine, Option<&mut Tiering>, &mut Regions) {
        (&mut self.machine, self.host.tiering.as_mut(), &mut self.host.regions)
    }

    fn exit(&mut self, code: i32) -> ! {
        self.host.finish(&mut self.machine, Some(code));
        self.machine.exit_with(&mut self.host, code, crate::platform::exit)
    }
}

impl irvm::Hooks for Host {
    fn on_call(&mut self, m: &mut Machine, f: FuncId) {
        if let Some(t) = self.tiering.as_mut() {
            t.on_call(m, f);
        }
    }

    fn on_native_only(&mut self, m: &mut Machine, f: FuncId, reason: &str) {
        if self.tiering.is_none()
            && let Some(d) = self.jit_on_demand.take()
        {
            self.tiering = d.start(m);
        }
        if let Some(t) = self.tiering.as_mut() {
            if self.report.tier == "interp" {
                eprintln!(
                    "bareflow run: note: --tier interp: '{}' is compiled by the JIT on its first call (irvm cannot interpret it: {reason})",
                    m.name(f)
                );
            }
            t.compile_unsupported(m, f, reason);
        }
    }

    fn on_osr(&mut self, m: &mut Machine, f: FuncId, point: u32) -> OsrDecision {
        match self.tiering.as_mut() {
            Some(t) => t.on_osr(m, f, point),
            None => OsrDecision::Never,
        }
    }

    fn on_exit(&mut self, m: &mut Machine, outcome: &Outcome) {
        let status = match outcome {
            Outcome::Exit(c) => Some(*c),
            Outcome::Error(e) => {
                eprintln!("{e}");
                None
            }
        };
        self.finish(m, status);
    }
}
