//! The one way to define a libc-ABI function, and the one way to define a named stub. Both
//! register the function in the symbol registry (`symbol_registry::register!`), so dlsym, the
//! JIT's resolver and the libc-ABI test see it; exported statics are registered next to their
//! definition with the same macro.

/// Define C-ABI functions exported under their C name when `export-libc` is on, each registered
/// under its C name in the symbol registry.
///
/// Two forms:
/// - `fn name(args) -> T { body }`: body returns `T` directly (no errno).
/// - `fn name(args) -> T = fail; { body }`: body returns `Result<T, Errno>`; `Err(e)` sets errno
///   to `e` and returns `fail` (-1, null...), as the C convention wants.
///
/// `bridge fn ...` (either form) defines one of the C shim's entries into Rust (`core_rt_*`): a C
/// name the shim calls, not part of the libc ABI, so not registered.
///
/// `alias fn name(args) -> T = target;` defines another name of `target` (glibc's `*64`
/// large-file names, the `*_unlocked` forms of a libc whose streams take no lock, `index` for
/// `strchr`): it calls `target` with its arguments, in their order, and has its contract.
///
/// Every function is `unsafe extern "C"`; a `# Safety` doc is given by the caller's doc comment
/// (by the macro for an alias).
#[macro_export]
macro_rules! libc_fn {
    () => {};
    (@define [$($m:tt)*] $name:ident ($($arg:ident : $ty:ty),* $(,)?) [$(-> $ret:ty)?] [] $body:block) => {
        $($m)*
        #[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
        pub unsafe extern "C" fn $name($($arg: $ty),*) $(-> $ret)? $body
    };
    (@define [$($m:tt)*] $name:ident ($($arg:ident : $ty:ty),* $(,)?) [-> $ret:ty] [= $fail:expr] $body:block) => {
        $($m)*
        #[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
        pub unsafe extern "C" fn $name($($arg: $ty),*) -> $ret {
            // The closure gives `?` in the body a Result to return into.
            #[allow(clippy::redundant_closure_call)]
            let r: Result<$ret, $crate::Errno> = (|| $body)();
            match r {
                Ok(v) => v,
                Err(e) => {
                    $crate::errno::set(e);
                    $fail
                }
            }
        }
    };
    (
        $(#[$m:meta])*
        alias fn $name:ident ($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? = $target:ident;
        $($rest:tt)*
    ) => {
        $(#[$m])*
        ///
        /// # Safety
        #[doc = concat!("As [`", stringify!($target), "`], which it calls with the same arguments.")]
        #[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
        pub unsafe extern "C" fn $name($($arg: $ty),*) $(-> $ret)? {
            // SAFETY: the caller keeps the target's contract, which is this function's.
            unsafe { $target($($arg),*) }
        }
        symbol_registry::register!(fn $name);
        $crate::libc_fn! { $($rest)* }
    };
    (
        $(#[$m:meta])*
        bridge fn $name:ident $args:tt $(-> $ret:ty)? $(= $fail:expr;)? $body:block
        $($rest:tt)*
    ) => {
        $crate::libc_fn! { @define [$(#[$m])*] $name $args [$(-> $ret)?] [$(= $fail)?] $body }
        $crate::libc_fn! { $($rest)* }
    };
    (
        $(#[$m:meta])*
        fn $name:ident $args:tt $(-> $ret:ty)? $(= $fail:expr;)? $body:block
        $($rest:tt)*
    ) => {
        $crate::libc_fn! { @define [$(#[$m])*] $name $args [$(-> $ret)?] [$(= $fail)?] $body }
        symbol_registry::register!(fn $name);
        $crate::libc_fn! { $($rest)* }
    };
}

/// Define named stubs: each prints `core-rt: stub <name> called` once on the console, sets errno
/// to ENOSYS and returns the documented failure value. A stub is registered like any export, and
/// its name is also recorded in the `.bf_stubs` section (the libc-ABI test's list of stubs).
///
/// `stub! { fn name(args) -> T = fail; ... }`
#[macro_export]
macro_rules! stub {
    () => {};
    (
        $(#[$m:meta])*
        fn $name:ident($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty = $fail:expr;
        $($rest:tt)*
    ) => {
        $(#[$m])*
        ///
        /// # Safety
        /// A named stub: its arguments are ignored, so any are safe.
        #[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
        pub unsafe extern "C" fn $name($(_: $ty),*) -> $ret {
            // The name, NUL-terminated, in section .bf_stubs: the libc-ABI test reads the linked
            // image's list of stubs from there (linker.ld keeps the section).
            const NAME: &str = concat!(stringify!($name), "\0");
            #[used]
            #[unsafe(link_section = ".bf_stubs")]
            static STUB_NAME: [u8; NAME.len()] = {
                let mut a = [0u8; NAME.len()];
                let b = NAME.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    a[i] = b[i];
                    i += 1;
                }
                a
            };
            static WARNED: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
            $crate::errno::stub_called(stringify!($name), &WARNED);
            $fail
        }
        symbol_registry::register!(fn $name);
        $crate::stub! { $($rest)* }
    };
}
