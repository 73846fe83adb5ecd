//! irvm's error type: what failed — loading the input, starting the program, or running it —
//! with the one-line message that names the input or the function. Hosts match on the kind and
//! print the message (`bareflow run` prefixes the input kinds with its own name).

use std::fmt;

/// An irvm failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The bitcode could not be loaded: malformed, unsupported, or an undefined external
    /// variable (the message names the input).
    Load(String),
    /// The program has no `main` to run (`declared`: only a declaration of it).
    NoMain { program: String, declared: bool },
    /// The run could not be prepared: destructors without `atexit`, the thunk pool exhausted
    /// (the message names the program or the limit).
    Setup(String),
    /// A run-time error of the interpreter or of the program: an unsupported instruction
    /// reached, a stack exhausted, a refused call… (`irvm: function 'f': …`).
    Run(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(m) | Error::Setup(m) | Error::Run(m) => f.write_str(m),
            Error::NoMain { program, declared: false } => write!(f, "{program}: no function 'main'"),
            Error::NoMain { program, declared: true } => write!(f, "{program}: 'main' is only declared"),
        }
    }
}

impl std::error::Error for Error {}
