/* The symbol registry for C definitions (symbol-registry/src/lib.rs): BF_EXPORT(name) after a
 * definition emits its record into the link section bf_exports, the table dlsym, the JIT's
 * resolver and the libc-ABI test read. The record is the Rust `symbol_registry::Export`: the
 * address, the name's length, the name NUL-terminated, padded to 8 bytes. The name is the one
 * written (a #define that renames the definition, as the shim's host builds do, changes the
 * address taken, not the registered name). Without BF_REGISTRY (core-libc's `registry` feature,
 * off in the appliance) it emits nothing: a record keeps its function in the link. */
#ifndef BF_EXPORT_H
#define BF_EXPORT_H

#include <stddef.h>

#ifdef BF_REGISTRY
/* Register `sym` under the name `cname` (a string literal). */
#define BF_EXPORT_NAMED(sym, cname)                                                                \
    __attribute__((used, retain, section("bf_exports"), aligned(8))) static const struct {         \
        const void *addr;                                                                          \
        size_t len;                                                                                \
        char name[sizeof(cname)];                                                                  \
    } bf_export_record_##sym = {(const void *)&sym, sizeof(cname) - 1, cname}
#else
#define BF_EXPORT_NAMED(sym, cname) struct bf_export_unused_##sym
#endif

/* Register `sym` under its name as written. */
#define BF_EXPORT(sym) BF_EXPORT_NAMED(sym, #sym)

#endif
