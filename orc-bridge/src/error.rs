//! Errors of orc-bridge: one enum, by what failed (input, LLVM, target, linking, profile, OSR),
//! each with a one-line message naming the module/function; plus the helpers that turn LLVM's
//! error channels (LLVMErrorRef, C strings, fatal errors) into it.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::fmt;

use llvm_sys::core::LLVMDisposeMessage;
use llvm_sys::error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage};

/// An orc-bridge failure, by what failed, with a one-line message such as
/// `orc-bridge: function 'dot' (module 'app.bc') at O3: symbol 'sqrtf' is not defined`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The module or the request does not fit: not bitcode, malformed or invalid IR, a function
    /// that is missing or only declared, a name with a NUL byte, an unknown option value.
    Input(String),
    /// An LLVM operation failed (its own message): JIT set-up, a pass pipeline, code generation.
    Llvm(String),
    /// The native target cannot be used (not built in, no target machine for the CPU).
    Target(String),
    /// Linking into the JIT failed: a host address missing, a symbol undefined, an object that
    /// does not load, code already removed.
    Link(String),
    /// Profile data that does not fit the function (a block out of range, a wrong weight count).
    Profile(String),
    /// An OSR entry cannot be built for this loop header (a value of a kind OSR cannot carry).
    Osr(String),
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The message, without the `orc-bridge: ` prefix.
    pub fn message(&self) -> &str {
        match self {
            Error::Input(m)
            | Error::Llvm(m)
            | Error::Target(m)
            | Error::Link(m)
            | Error::Profile(m)
            | Error::Osr(m) => m,
        }
    }

    /// The same kind of error with the message prefixed by what was being done, e.g.
    /// `function 'f' at O2`.
    pub fn context(self, what: impl fmt::Display) -> Self {
        let wrap = |m: String| format!("{what}: {m}");
        match self {
            Error::Input(m) => Error::Input(wrap(m)),
            Error::Llvm(m) => Error::Llvm(wrap(m)),
            Error::Target(m) => Error::Target(wrap(m)),
            Error::Link(m) => Error::Link(wrap(m)),
            Error::Profile(m) => Error::Profile(wrap(m)),
            Error::Osr(m) => Error::Osr(wrap(m)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "orc-bridge: {}", self.message())
    }
}

impl std::error::Error for Error {}

/// Consume an `LLVMErrorRef`: `Ok(())` for success (null), else its message.
pub(crate) fn check(err: LLVMErrorRef) -> Result<()> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: `err` is a non-null error we own; LLVMGetErrorMessage consumes it and returns a
    // C string that we free with LLVMDisposeErrorMessage after copying it.
    let msg = unsafe {
        let raw = LLVMGetErrorMessage(err);
        let msg = CStr::from_ptr(raw).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(raw);
        msg
    };
    Err(Error::Llvm(one_line(&msg)))
}

/// Copy and free a C string that LLVM allocated for us (LLVMDisposeMessage).
///
/// # Safety
/// `raw` must be null or a string allocated by LLVM that the caller owns.
pub(crate) unsafe fn take_message(raw: *mut c_char) -> String {
    if raw.is_null() {
        return String::new();
    }
    // SAFETY: per the contract, `raw` is a live NUL-terminated string we own.
    unsafe {
        let s = CStr::from_ptr(raw).to_string_lossy().into_owned();
        LLVMDisposeMessage(raw);
        s
    }
}

/// A C string for LLVM; names with interior NUL bytes are an error naming the input.
pub(crate) fn cstring(what: &str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::Input(format!("{what} '{}' contains a NUL byte", s.escape_debug())))
}

/// Collapse LLVM's multi-line messages to one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

thread_local! {
    /// What orc-bridge is doing right now, named in the message if LLVM hits a fatal error.
    static DOING: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Marks what is being done until dropped; LLVM's fatal error handler prints it.
pub(crate) struct Doing(String);

impl Doing {
    pub(crate) fn new(what: String) -> Doing {
        // `try_with`: compiles may run while the process exits (a destructor the interpreter
        // hands to the JIT), after the thread's locals are gone; the note is then skipped.
        let prev = DOING.try_with(|d| std::mem::replace(&mut *d.borrow_mut(), what)).unwrap_or_default();
        Doing(prev)
    }
}

impl Drop for Doing {
    fn drop(&mut self) {
        let prev = std::mem::take(&mut self.0);
        let _ = DOING.try_with(|d| *d.borrow_mut() = prev);
    }
}

/// LLVM's fatal error handler: LLVM exits the process after it returns. We cannot unwind out of
/// C++ (panic=abort, EH off), so the best we can do is a clear one-line message naming the input
/// that was being processed. Bad input is checked before it can reach LLVM's fatal paths
/// (bitcode errors go through the diagnostic handler, modules are verified before codegen).
extern "C" fn fatal_error(reason: *const c_char) {
    let reason = if reason.is_null() {
        String::from("(no reason given)")
    } else {
        // SAFETY: LLVM passes a NUL-terminated message that lives for this call.
        unsafe { CStr::from_ptr(reason) }.to_string_lossy().into_owned()
    };
    let doing = DOING.try_with(|d| d.borrow().clone()).unwrap_or_default();
    let doing = if doing.is_empty() { String::from("LLVM") } else { doing };
    eprintln!("orc-bridge: fatal LLVM error while {doing}: {}", one_line(&reason));
}

/// Install [`fatal_error`] as LLVM's fatal error handler, once per process.
pub(crate) fn install_fatal_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: the handler is a plain extern "C" fn that lives for the whole program; LLVM allows
    // one handler, and `ONCE` installs it only once.
    ONCE.call_once(|| unsafe { llvm_sys::error_handling::LLVMInstallFatalErrorHandler(Some(fatal_error)) });
}
