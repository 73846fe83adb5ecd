//! Guarded specialization with a compile thread: a function hot within its first call (an OSR
//! variant) asks for its whole-function code a call later, before irvm has recorded its
//! argument values; the job must wait for them (`Tiering::defer_for_values`) rather than be
//! built generic for the rest of the run.

mod support;

/// 20000 calls: the whole-function compile must be done before the program ends (about 0.25 s).
#[test]
fn a_function_hot_in_its_first_call_is_specialized_with_a_compile_thread() {
    let err = support::run_both(
        "spec_first_call",
        &["--tier", "auto", "--jit-threads", "1", "--verbose"],
        &["32", "32", "3", "20000"],
    );
    let conv: Vec<&str> = err.lines().filter(|l| l.starts_with("[tier] conv: ")).collect();
    assert!(conv.iter().any(|l| l.contains("OSR at loop header")), "conv entered no OSR variant:\n{err}");
    assert!(
        conv.iter().any(|l| l.contains(" specialized arg3=32 arg4=32 arg5=3 arg6=3 (100 % of calls)")),
        "conv's whole-function code is not specialized on its sizes:\n{err}"
    );
}
