//! The program's `thread_local` globals: one copy per thread. The thread that loaded the program
//! (the first thread) uses the globals' own storage; every other thread gets a [`Block`], a copy
//! of the variables' values right after their initializers were written (before any constructor
//! ran), on its first access. A thread's block hangs off a pthread key of the [`Blocks`] (freed by
//! the key's destructor when the thread ends), so interpreted code (`Op::TlsAddr`, from
//! `llvm.threadlocal.address`) and JIT-compiled code (through the host's `tls_address`) reach the
//! same copy without any lock.

use crate::llvm::Val;
use std::alloc::Layout;
use std::collections::HashMap;
use std::sync::Arc;

/// The key value of the first thread: its copies are the globals themselves.
const FIRST_THREAD: usize = 1;

/// One thread-local variable: where the first thread's copy is and where other copies sit in a
/// block.
struct Var {
    addr: u64,
    offset: usize,
}

/// The thread-local variables of a program, as the translator sees them.
#[derive(Default)]
pub(crate) struct Template {
    /// By global: index into the variables (what `Op::TlsAddr` carries).
    index: HashMap<Val, u32>,
    blocks: Option<Arc<Blocks>>,
}

/// The variables, their initial values and the per-thread copies (shared by every thread).
pub(crate) struct Blocks {
    vars: Vec<Var>,
    /// By the first thread's address: the variable (for JIT code, which knows only that).
    by_first: HashMap<u64, u32>,
    /// The initial bytes of a block (each variable at its offset).
    image: Vec<u8>,
    align: usize,
    /// Each thread's `Box<Block>` (null: none yet; [`FIRST_THREAD`]: the globals themselves).
    key: libc::pthread_key_t,
}

impl Template {
    /// The defined `thread_local` globals of `prog`, with the values their initializers wrote.
    /// Call on the thread that runs the program (it becomes the first thread).
    pub(crate) fn of(prog: &crate::program::Program) -> Result<Template, String> {
        let mut index = HashMap::new();
        let mut vars = Vec::new();
        let mut image = Vec::new();
        let mut align = 16;
        for g in prog.ir.globals() {
            if g.initializer().is_none() || !g.is_thread_local() {
                continue;
            }
            let ty = g.global_type();
            let a = g.alignment().max(prog.dl.align(ty)).max(1) as usize;
            let size = prog.dl.size(ty).max(1) as usize;
            let offset = image.len().next_multiple_of(a);
            align = align.max(a);
            let addr = prog.globals[&g];
            // SAFETY: `addr` is this global's `size`-byte block in the program's global arena,
            // initialized by `init_globals`.
            let now = unsafe { std::slice::from_raw_parts(addr as *const u8, size) };
            image.resize(offset, 0);
            image.extend_from_slice(now);
            index.insert(g, vars.len() as u32);
            vars.push(Var { addr, offset });
        }
        if vars.is_empty() {
            return Ok(Template { index, blocks: None });
        }
        let mut key: libc::pthread_key_t = 0;
        // SAFETY: `key` is a valid out pointer; `block_end` has the destructor's C signature.
        if unsafe { libc::pthread_key_create(&mut key, Some(block_end)) } != 0 {
            return Err("thread-local variables: pthread_key_create failed".into());
        }
        // SAFETY: a live key; the marker is not a pointer the destructor frees.
        unsafe { libc::pthread_setspecific(key, FIRST_THREAD as *const libc::c_void) };
        let by_first = vars.iter().enumerate().map(|(k, v)| (v.addr, k as u32)).collect();
        Ok(Template { index, blocks: Some(Arc::new(Blocks { vars, by_first, image, align, key })) })
    }

    /// The index of thread-local global `g` (None: not a defined thread-local variable).
    pub(crate) fn var_of(&self, g: Val) -> Option<u32> {
        self.index.get(&g).copied()
    }

    /// The per-thread copies (None: the program has no thread-local variables).
    pub(crate) fn blocks(&self) -> Option<&Arc<Blocks>> {
        self.blocks.as_ref()
    }

    /// The calling thread's copy of variable `var` (an index [`Template::var_of`] gave).
    #[cold]
    pub(crate) fn address(&self, var: u32) -> u64 {
        self.blocks.as_ref().map_or(0, |b| b.address(var))
    }
}

impl Blocks {
    /// The calling thread's copy of variable `var`.
    pub(crate) fn address(&self, var: u32) -> u64 {
        let v = &self.vars[var as usize];
        // SAFETY: a live key (deleted only when `self` is dropped).
        let mut b = unsafe { libc::pthread_getspecific(self.key) } as usize;
        if b == FIRST_THREAD {
            return v.addr;
        }
        if b == 0 {
            b = Box::into_raw(Box::new(Block::new(self))) as usize;
            // SAFETY: a live key; the slot owns the block until `block_end`.
            unsafe { libc::pthread_setspecific(self.key, b as *const libc::c_void) };
        }
        // SAFETY: a non-marker value of the key is a `Box<Block>` of this thread.
        let block = unsafe { &*(b as *const Block) };
        block.ptr as u64 + v.offset as u64
    }

    /// The calling thread's copy of the variable whose first thread's copy is at `first` (None:
    /// not a thread-local variable).
    pub(crate) fn address_of_first(&self, first: u64) -> Option<u64> {
        self.by_first.get(&first).map(|&var| self.address(var))
    }
}

impl Drop for Blocks {
    fn drop(&mut self) {
        // SAFETY: the key was created in `Template::of`; blocks of threads still running leak.
        unsafe { libc::pthread_key_delete(self.key) };
    }
}

/// One thread's copy of the thread-local variables.
struct Block {
    ptr: *mut u8,
    layout: Layout,
}

impl Block {
    /// A fresh copy of the initial values.
    fn new(b: &Blocks) -> Block {
        let layout = Layout::from_size_align(b.image.len().max(1), b.align).expect("irvm: TLS block layout");
        // SAFETY: non-zero size.
        let ptr = unsafe { std::alloc::alloc(layout) };
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        // SAFETY: `ptr` is a fresh allocation of at least `image.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(b.image.as_ptr(), ptr, b.image.len()) };
        Block { ptr, layout }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with exactly this layout.
        unsafe { std::alloc::dealloc(self.ptr, self.layout) };
    }
}

/// The key's destructor: the thread has ended; free its block.
extern "C" fn block_end(b: *mut libc::c_void) {
    if b as usize != FIRST_THREAD {
        // SAFETY: non-marker values of the key are `Box<Block>`s made by `Blocks::address`,
        // owned by the key until now.
        drop(unsafe { Box::from_raw(b.cast::<Block>()) });
    }
}
