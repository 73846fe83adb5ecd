// The C++ runtime pieces core-libc defines itself; everything else of the C++ ABI comes from
// libstdc++.a / libsupc++ (guards, RTTI, the unwinder glue), running on core-libc. The symbol
// registry lists all of them, these included, through core-libc/build.rs's C++ runtime table.
// operator new/delete go to malloc/free; on exhaustion they report the size and abort instead of
// throwing (LLVM is built without exceptions), so an out-of-memory JIT says so on the console.
#ifdef BF_EXPORT_LIBC
#include <new>
#include <stddef.h>


extern "C" {
void *malloc(size_t);
void free(void *);
int posix_memalign(void **, size_t, size_t);
[[noreturn]] void core_rt_cxx_fatal(const char *what, size_t n);
}

static void *alloc_or_die(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) core_rt_cxx_fatal("operator new: out of memory", n);
    return p;
}

static void *aligned_or_die(size_t n, std::align_val_t a) {
    void *p = nullptr;
    size_t al = static_cast<size_t>(a);
    if (al < sizeof(void *)) al = sizeof(void *);
    if (posix_memalign(&p, al, n ? n : 1) != 0) core_rt_cxx_fatal("operator new (aligned): out of memory", n);
    return p;
}

void *operator new(size_t n) { return alloc_or_die(n); }
void *operator new[](size_t n) { return alloc_or_die(n); }
void *operator new(size_t n, const std::nothrow_t &) noexcept { return malloc(n ? n : 1); }
void *operator new[](size_t n, const std::nothrow_t &) noexcept { return malloc(n ? n : 1); }
void *operator new(size_t n, std::align_val_t a) { return aligned_or_die(n, a); }
void *operator new[](size_t n, std::align_val_t a) { return aligned_or_die(n, a); }
void operator delete(void *p) noexcept { free(p); }
void operator delete[](void *p) noexcept { free(p); }
void operator delete(void *p, size_t) noexcept { free(p); }
void operator delete[](void *p, size_t) noexcept { free(p); }
void operator delete(void *p, std::align_val_t) noexcept { free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { free(p); }
void operator delete(void *p, size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void *p, size_t, std::align_val_t) noexcept { free(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { free(p); }

extern "C" void __cxa_pure_virtual() { core_rt_cxx_fatal("pure virtual function called", 0); }
extern "C" void __cxa_deleted_virtual() { core_rt_cxx_fatal("deleted virtual function called", 0); }

// What crtbegin.o defines in a hosted program (a BareFlow image links no start files): the handle
// of this "shared object" that the static destructors' __cxa_atexit registrations name
// (libstdc++'s own, and an AOT-compiled C++ program's in an appliance). Hidden, as crtbegin's.
extern "C" {
__attribute__((visibility("hidden"))) void *__dso_handle = &__dso_handle;
}
#endif
