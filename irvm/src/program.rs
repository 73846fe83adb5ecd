//! A loaded program: the LLVM module, its globals laid out in real memory, and the function table
//! (one entry per defined or declared function, lowered on first call).

use crate::consts::{self, Addresses};
use crate::isa::FuncId;
use crate::llvm::{Layout, Loaded, Val, ValKind};
use crate::translate::Code;
use std::collections::HashMap;

/// How irvm finds external symbols (libc, the runtime): supplied by the driver. On Linux that is
/// `dlsym`; on bare metal a static name -> address table.
pub trait Resolver {
    /// Address of the native function or variable `name`, if there is one.
    fn resolve(&self, name: &str) -> Option<usize>;
}

/// Calls the interpreter handles itself instead of calling native code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Intercept {
    None,
    /// `exit`: end the run with the status.
    Exit,
    /// setjmp and its other names: the interpreter records where it returns (`exec/jump.rs`).
    SetJmp,
    /// fork, and `pthread_exit` (glibc ends the thread by a forced unwind, which cannot cross
    /// the interpreter's frames): cannot work across the interpreter.
    Refuse,
    /// A C library function of [`LEAF_FUNCTIONS`]: called straight, without a frame record,
    /// when its call site passes only integer registers (`exec/native_call.rs`, `call_leaf`).
    Leaf,
}

/// C library functions that compute and return: they never call back into the program (no
/// function-pointer parameter), jump (longjmp), throw, end the process, block or take a lock,
/// and none is variadic. Calls of these from interpreted code need no frame record and no
/// release of the interpreter lock.
#[rustfmt::skip]
const LEAF_FUNCTIONS: &[&str] = &[
    // Strings and memory.
    "strlen", "strnlen", "strcmp", "strncmp", "strcasecmp", "strncasecmp", "strchr", "strrchr",
    "strspn", "strcspn", "strpbrk", "strstr", "strcpy", "strncpy", "stpcpy", "strcat", "strncat",
    "memcmp", "bcmp", "memchr", "memrchr", "memcpy", "memmove", "memset",
    // Integers and character classes (glibc's ctype macros read the `__ctype_*_loc` tables).
    "abs", "labs", "llabs", "toupper", "tolower", "isalpha", "isdigit", "isalnum", "isspace",
    "isupper", "islower", "isxdigit", "ispunct", "isprint", "__ctype_b_loc", "__ctype_toupper_loc",
    "__ctype_tolower_loc",
];

/// One function of the program.
pub(crate) struct Func {
    pub(crate) name: String,
    pub(crate) val: Val,
    /// Declared only (external): called natively.
    pub(crate) external: bool,
    pub(crate) intercept: Intercept,
    /// The lowered form, once called.
    pub(crate) code: Option<Box<Code>>,
    /// Native address: the resolved symbol for externals (0 until resolved). The tier manager stores
    /// JIT-compiled code here for defined functions.
    pub(crate) native: usize,
    /// Native-callable thunk address of a defined function, once its address escapes.
    pub(crate) thunk: usize,
    /// The host was asked for native code because irvm cannot interpret all of the function.
    pub(crate) native_asked: bool,
    /// How it uses computed goto (read from its body on first ask).
    pub(crate) computed_goto: std::sync::OnceLock<crate::labels::ComputedGoto>,
    /// Its signature as native code sees it (read from its type and attributes on first ask).
    pub(crate) signature: std::sync::OnceLock<crate::inspect::Signature>,
}

/// Global memory of the program (freed with it).
struct Arena {
    ptr: *mut u8,
    layout: std::alloc::Layout,
}

impl Drop for Arena {
    fn drop(&mut self) {
        if self.layout.size() > 0 {
            // SAFETY: allocated in `layout_globals` with exactly this layout.
            unsafe { std::alloc::dealloc(self.ptr, self.layout) };
        }
    }
}

/// The loaded program.
pub(crate) struct Program {
    pub(crate) name: String,
    pub(crate) ir: Loaded,
    pub(crate) dl: Layout,
    pub(crate) funcs: Vec<Func>,
    pub(crate) func_ids: HashMap<Val, FuncId>,
    /// Address of every global variable and alias.
    pub(crate) globals: HashMap<Val, u64>,
    arena: Arena,
    resolver: Box<dyn Resolver>,
    /// Owner key for thunks (the `Machine` that runs this program).
    pub(crate) owner: *mut (),
    pub(crate) thunk_handler: Option<crate::abi::thunk::Handler>,
    /// Lower loop headers with OSR points (set by `Machine::enable_osr` before any lowering).
    pub(crate) osr: bool,
    /// Lower `llvm.fmuladd` as a fused multiply-add (`Machine::set_fp_contraction`).
    pub(crate) fuse_fmuladd: bool,
    /// The thread-local variables (`Machine::load` fills it once the globals are initialized).
    pub(crate) tls: crate::threads::tls::Template,
    /// [`Program::call_shape`]'s cache, by function (empty until first used).
    call_shapes: Vec<Option<Option<crate::abi::classify::CallShape>>>,
}

impl Drop for Program {
    fn drop(&mut self) {
        for f in &self.funcs {
            if f.thunk != 0 {
                crate::abi::thunk::unbind(f.thunk);
            }
        }
    }
}

fn intercept_for(name: &str) -> Intercept {
    match name {
        "exit" => Intercept::Exit,
        "setjmp" | "_setjmp" | "__sigsetjmp" | "sigsetjmp" => Intercept::SetJmp,
        "vfork" | "fork" | "pthread_exit" => Intercept::Refuse,
        _ if LEAF_FUNCTIONS.contains(&name) => Intercept::Leaf,
        _ => Intercept::None,
    }
}

impl Program {
    /// Build the function table and lay out the globals (initializers are written by `init_globals`
    /// once the owner is known, because function pointers in them need thunks).
    pub(crate) fn new(ir: Loaded, name: &str, resolver: Box<dyn Resolver>) -> Result<Program, String> {
        let dl = ir.layout();
        let mut funcs = Vec::new();
        let mut func_ids = HashMap::new();
        for f in ir.functions() {
            let fname = f.name();
            if fname.starts_with("llvm.") {
                continue; // intrinsics are lowered inline
            }
            func_ids.insert(f, FuncId(funcs.len() as u32));
            let external = f.is_declaration();
            funcs.push(Func {
                intercept: if external { intercept_for(&fname) } else { Intercept::None },
                name: fname,
                val: f,
                external,
                code: None,
                native: 0,
                thunk: 0,
                native_asked: false,
                computed_goto: std::sync::OnceLock::new(),
                signature: std::sync::OnceLock::new(),
            });
        }
        let mut p = Program {
            name: name.to_string(),
            dl,
            funcs,
            func_ids,
            globals: HashMap::new(),
            arena: Arena { ptr: std::ptr::null_mut(), layout: std::alloc::Layout::new::<u8>() },
            resolver,
            owner: std::ptr::null_mut(),
            thunk_handler: None,
            osr: false,
            fuse_fmuladd: false,
            tls: Default::default(),
            call_shapes: Vec::new(),
            ir,
        };
        p.layout_globals()?;
        Ok(p)
    }

    fn layout_globals(&mut self) -> Result<(), String> {
        let mut offsets = Vec::new();
        let mut size = 0u64;
        let mut align = 16u64;
        for g in self.ir.globals() {
            if g.initializer().is_none() {
                let n = g.name();
                // An undefined weak variable is null, as the linker makes it.
                let addr = match self.resolver.resolve(&n) {
                    Some(a) => a,
                    None if g.is_extern_weak() => 0,
                    // The C runtime's start files define the module handle C++ destructors are
                    // registered under (`__cxa_atexit(f, obj, &__dso_handle)`): one word of
                    // the program's own.
                    None if n == "__dso_handle" => {
                        size = size.div_ceil(8) * 8;
                        offsets.push((g, size));
                        size += 8;
                        continue;
                    }
                    None => return Err(format!("undefined external variable '{n}'")),
                };
                self.globals.insert(g, addr as u64);
                continue;
            }
            let t = g.global_type();
            let a = g.alignment().max(self.dl.align(t)).max(1);
            align = align.max(a);
            size = size.div_ceil(a) * a;
            offsets.push((g, size));
            size += self.dl.size(t).max(1);
        }
        let layout = std::alloc::Layout::from_size_align(size.max(1) as usize, align as usize)
            .map_err(|_| "globals too large".to_string())?;
        // SAFETY: non-zero size.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            return Err(format!("cannot allocate {size} bytes of globals"));
        }
        self.arena = Arena { ptr, layout };
        for (g, off) in offsets {
            self.globals.insert(g, ptr as u64 + off);
        }
        Ok(())
    }

    /// Write every global's initializer into its memory.
    pub(crate) fn init_globals(&mut self) -> Result<(), String> {
        for g in self.ir.globals() {
            let Some(init) = g.initializer() else { continue };
            let addr = self.globals[&g];
            let size = self.dl.store_size(g.global_type()) as usize;
            // SAFETY: `addr` is this global's `size`-byte block inside the arena.
            let out = unsafe { std::slice::from_raw_parts_mut(addr as *mut u8, size) };
            consts::write(self.dl, self, init, out).map_err(|e| format!("global '{}': {e}", g.name()))?;
        }
        Ok(())
    }

    /// Resolve an external function's native address (cached).
    pub(crate) fn resolve_external(&mut self, f: FuncId) -> Result<usize, String> {
        let e = &mut self.funcs[f.0 as usize];
        if e.native == 0 {
            e.native = match self.resolver.resolve(&e.name) {
                Some(a) => a,
                // An undefined weak function is null, as the linker makes it (a call of it
                // faults, as native code's would).
                None if e.val.is_extern_weak() => return Ok(0),
                None => return Err(format!("undefined external function '{}'", e.name)),
            };
        }
        Ok(e.native)
    }

    /// A native-callable address for function `f` (its symbol, or a thunk into the interpreter).
    pub(crate) fn function_address(&mut self, f: FuncId) -> Result<usize, String> {
        if self.funcs[f.0 as usize].external {
            return self.resolve_external(f);
        }
        let e = &mut self.funcs[f.0 as usize];
        if e.thunk == 0 {
            let h = self.thunk_handler.ok_or("function pointers need a running machine")?;
            e.thunk = crate::abi::thunk::bind(self.owner, f.0, h)
                .ok_or_else(|| format!("too many address-taken functions (limit {})", crate::abi::thunk::POOL))?;
        }
        Ok(e.thunk)
    }

    /// Functions listed in `@llvm.global_ctors` / `@llvm.global_dtors` (`name`), as (priority,
    /// function), sorted by priority (stable: equal priorities keep their order).
    pub(crate) fn structors(&self, name: &str) -> Vec<(u64, FuncId)> {
        let mut out = Vec::new();
        for g in self.ir.globals() {
            if g.name() != name {
                continue;
            }
            let Some(init) = g.initializer() else { continue };
            let n = init.ty().len() as u32;
            for k in 0..n {
                let Some(e) = init.const_elem(k) else { continue };
                let (Some(prio), Some(f)) = (e.const_elem(0), e.const_elem(1)) else { continue };
                if let Some(&id) = self.func_ids.get(&f) {
                    out.push((prio.const_u64(), id));
                }
            }
        }
        out.sort_by_key(|p| p.0);
        out
    }

    /// Names the program uses but does not define (functions and variables; `llvm.*` intrinsics
    /// excluded), in module order.
    pub(crate) fn external_names(&self) -> Vec<String> {
        self.ir
            .functions()
            .into_iter()
            .chain(self.ir.globals())
            .filter(|v| v.is_declaration())
            .map(|v| v.name())
            .filter(|n| !n.is_empty() && !n.starts_with("llvm."))
            .collect()
    }

    /// How native callers pass defined function `f`'s arguments (as its lowered code's
    /// `own_sig`), from its type alone — no body needed; None for vararg functions and
    /// signatures irvm cannot classify. Cached.
    pub(crate) fn call_shape(&mut self, f: u32) -> Option<crate::abi::classify::CallShape> {
        if self.call_shapes.is_empty() {
            self.call_shapes = vec![None; self.funcs.len()];
        }
        let val = self.funcs[f as usize].val;
        let dl = self.dl;
        *self.call_shapes[f as usize].get_or_insert_with(|| {
            if val.fn_type().is_vararg() { None } else { crate::translate::own_sig(dl, val).map(|s| s.shape()) }
        })
    }

    /// Resolve any symbol by name (used for `exit` in nested contexts and the like).
    pub(crate) fn resolve_symbol(&self, name: &str) -> Option<usize> {
        self.resolver.resolve(name)
    }
}

impl Addresses for Program {
    fn block_address(&mut self, f: Val, b: Val) -> Result<u64, String> {
        let id = self.func_ids.get(&f).ok_or("blockaddress of an unknown function")?;
        let idx = f.blocks().iter().position(|x| *x == b).ok_or("blockaddress of an unknown block")?;
        Ok(consts::BLOCK_ADDRESS_TAG | (u64::from(id.0) << 24) | idx as u64)
    }

    fn address_of(&mut self, g: Val) -> Result<u64, String> {
        match g.kind() {
            ValKind::Function => {
                let id = *self.func_ids.get(&g).ok_or_else(|| format!("address of intrinsic '{}'", g.name()))?;
                Ok(self.function_address(id)? as u64)
            }
            ValKind::GlobalAlias if !self.globals.contains_key(&g) => {
                let addr = consts::scalar(self.dl, self, g.aliasee())?;
                self.globals.insert(g, addr);
                Ok(addr)
            }
            _ => self.globals.get(&g).copied().ok_or_else(|| format!("unknown global '{}'", g.name())),
        }
    }
}
