//! The program's `thread_local` globals: one copy per thread. The thread that loaded the program
//! (the first thread) uses the globals' own storage; every other thread gets a [`Block`], a copy
//! of the [`Template`] (the variables' values right after their initializers were written, before
//! any constructor ran), made when its interpreter state is. `llvm.threadlocal.address` lowers
//! to `Op::TlsAddr`, which asks [`address`] for the running thread's copy.

use crate::llvm::Val;
use crate::vm::Machine;
use std::alloc::Layout;
use std::collections::HashMap;

/// One thread-local variable: where the first thread's copy is and where other copies sit in a
/// block.
struct Var {
    addr: u64,
    offset: usize,
}

/// The thread-local variables of a program and their initial values.
#[derive(Default)]
pub(crate) struct Template {
    vars: Vec<Var>,
    /// By global: index into `vars` (what `Op::TlsAddr` carries).
    index: HashMap<Val, u32>,
    /// The initial bytes of a block (each variable at its offset).
    image: Vec<u8>,
    align: usize,
}

impl Template {
    /// The defined `thread_local` globals of `prog`, with the values their initializers wrote.
    pub(crate) fn of(prog: &crate::program::Program) -> Template {
        let mut t = Template { align: 16, ..Template::default() };
        let mut placed = Vec::new();
        for g in prog.ir.globals() {
            if g.initializer().is_none() || !g.is_thread_local() {
                continue;
            }
            let ty = g.global_type();
            let align = (g.alignment().max(prog.dl.align(ty)).max(1)) as usize;
            let size = prog.dl.size(ty).max(1) as usize;
            let offset = t.image.len().next_multiple_of(align);
            t.align = t.align.max(align);
            t.image.resize(offset + size, 0);
            let addr = prog.globals[&g];
            t.index.insert(g, t.vars.len() as u32);
            t.vars.push(Var { addr, offset });
            placed.push((addr, offset, size));
        }
        for (addr, offset, size) in placed {
            // SAFETY: `addr` is this global's `size`-byte block in the program's global arena,
            // initialized by `init_globals`.
            let now = unsafe { std::slice::from_raw_parts(addr as *const u8, size) };
            t.image[offset..offset + size].copy_from_slice(now);
        }
        t
    }

    /// The index of thread-local global `g` (None: not a defined thread-local variable).
    pub(crate) fn var_of(&self, g: Val) -> Option<u32> {
        self.index.get(&g).copied()
    }

    /// Whether the program has thread-local variables.
    pub(crate) fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

/// One thread's copy of the thread-local variables (freed with the thread's interpreter state).
pub(crate) struct Block {
    ptr: *mut u8,
    layout: Layout,
}

impl Block {
    /// A fresh copy of `t`'s initial values.
    pub(crate) fn new(t: &Template) -> Block {
        let layout = Layout::from_size_align(t.image.len().max(1), t.align).expect("irvm: TLS block layout");
        // SAFETY: non-zero size.
        let ptr = unsafe { std::alloc::alloc(layout) };
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        // SAFETY: `ptr` is a fresh allocation of at least `image.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(t.image.as_ptr(), ptr, t.image.len()) };
        Block { ptr, layout }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with exactly this layout.
        unsafe { std::alloc::dealloc(self.ptr, self.layout) };
    }
}

/// The running thread's copy of thread-local variable `var`.
#[cold]
pub(crate) fn address(m: &Machine, var: u32) -> u64 {
    let v = &m.prog.tls.vars[var as usize];
    match &m.tls {
        None => v.addr,
        Some(b) => b.ptr as u64 + v.offset as u64,
    }
}
