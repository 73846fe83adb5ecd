/* core-rt's dlsym inside the unikernel (tests/tier_boot.rs): names the kernel registers (LLVM's GDB JIT hook, a
 * core-rt export), a text symbol found only in the image's symbol map, and failures with their dlerror message. */
#include <dlfcn.h>
#include <stdio.h>

static void show(void *h, const char *name) {
    void *p = dlsym(h, name);
    if (p) {
        printf("dlsym %s = %p\n", name, p);
    } else {
        const char *e = dlerror();
        printf("dlsym %s = NULL (%s)\n", name, e ? e : "no dlerror");
    }
}

int main(void) {
    void *self = dlopen(NULL, RTLD_NOW);
    printf("dlopen(NULL) %s\n", self ? "ok" : "failed");
    show(self, "llvm_orc_registerJITLoaderGDBWrapper");
    show(RTLD_DEFAULT, "strlen");
    show(RTLD_DEFAULT, "core_rt_boot");
    show(self, "no_such_symbol_here");
    void *lib = dlopen("libm.so.6", RTLD_NOW);
    const char *e = lib ? NULL : dlerror();
    printf("dlopen(libm.so.6) %s\n", e ? e : "opened");
    return 0;
}
