//! The platform's symbol resolver chain for irvm (and the JIT's runtime symbols): the bareflow.h
//! C API and the platform's table (runtime.h; on bare metal every core-rt export) first, then,
//! on Linux, the dynamic loader.

use bareflow_tier::links::ChainResolver;
use std::collections::HashMap;

/// The chain for this build.
pub fn platform() -> ChainResolver {
    let table: HashMap<&'static str, usize> = crate::symbols::table().into_iter().collect();
    #[cfg(not(feature = "baremetal"))]
    let fallback: Option<Box<dyn irvm::Resolver>> = Some(Box::new(irvm::host::DlsymResolver::new()));
    #[cfg(feature = "baremetal")]
    let fallback: Option<Box<dyn irvm::Resolver>> = None;
    ChainResolver { table, fallback }
}
