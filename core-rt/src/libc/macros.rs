//! The one way to define a libc-ABI function, and the one way to define a named stub.

/// Define C-ABI functions exported under their C name when `export-libc` is on.
///
/// Two forms:
/// - `fn name(args) -> T { body }`: body returns `T` directly (no errno).
/// - `fn name(args) -> T = fail { body }`: body returns `Result<T, Errno>`; `Err(e)` sets errno
///   to `e` and returns `fail` (-1, null...), as the C convention wants.
///
/// Every function is `unsafe extern "C"`; a `# Safety` doc is given by the caller's doc comment.
#[macro_export]
macro_rules! libc_fn {
    () => {};
    (
        $(#[$m:meta])*
        fn $name:ident($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block
        $($rest:tt)*
    ) => {
        $(#[$m])*
        #[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
        pub unsafe extern "C" fn $name($($arg: $ty),*) $(-> $ret)? $body
        $crate::libc_fn! { $($rest)* }
    };
    (
        $(#[$m:meta])*
        fn $name:ident($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty = $fail:expr; $body:block
        $($rest:tt)*
    ) => {
        $(#[$m])*
        #[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
        pub unsafe extern "C" fn $name($($arg: $ty),*) -> $ret {
            // The closure gives `?` in the body a Result to return into.
            #[allow(clippy::redundant_closure_call)]
            let r: Result<$ret, $crate::libc::Errno> = (|| $body)();
            match r {
                Ok(v) => v,
                Err(e) => {
                    $crate::libc::errno::set(e);
                    $fail
                }
            }
        }
        $crate::libc_fn! { $($rest)* }
    };
}

/// Define named stubs: each prints `core-rt: stub <name> called` once on the console, sets errno
/// to ENOSYS and returns the documented failure value.
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
            $crate::libc::errno::stub_called(stringify!($name), &WARNED);
            $fail
        }
        $crate::stub! { $($rest)* }
    };
}
