// C++ exceptions at the borders between native code and the interpreter (see docs/irvm.md,
// "C++ exceptions"). Rust frames (panic=abort) must never be unwound: a native call made by irvm
// runs inside a `catch (...)` here and comes back with the exception as a handle; irvm pops its
// interpreted frames and the thunk that native code entered through rethrows the same exception
// into its native caller.

#include <exception>
#include <utility>

extern "C" void irvm_call_native(void *f, void *img);

// Call `f` through irvm's trampoline; 0 if it returned, 1 if it threw (`*thrown` then owns the
// exception: give it to irvm_rethrow, irvm_rethrow_uncaught or irvm_drop_exception).
extern "C" int irvm_call_native_catching(void *f, void *img, void **thrown) {
    try {
        irvm_call_native(f, img);
        return 0;
    } catch (...) {
        *thrown = new std::exception_ptr(std::current_exception());
        return 1;
    }
}

static std::exception_ptr take(void *thrown) {
    auto *held = static_cast<std::exception_ptr *>(thrown);
    std::exception_ptr e = std::move(*held);
    delete held;
    return e;
}

// Throw the exception again from here, into the native caller of irvm's thunk (whose asm frame
// has unwind information).
extern "C" [[noreturn]] void irvm_rethrow(void *thrown) { std::rethrow_exception(take(thrown)); }

// The exception left the program's outermost frame: std::terminate, as for native code (the
// C++ runtime prints what was thrown).
extern "C" [[noreturn]] void irvm_rethrow_uncaught(void *thrown) noexcept { std::rethrow_exception(take(thrown)); }

extern "C" void irvm_drop_exception(void *thrown) { delete static_cast<std::exception_ptr *>(thrown); }
