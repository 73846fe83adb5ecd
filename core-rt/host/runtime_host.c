/* runtime.h for a natively compiled Linux program: the host backing of BareFlow's runtime API
 * (the same behaviour `bareflow run` gives interpreted and JIT-compiled code). */
#include "../include/runtime.h"
#include <cpuid.h>
#include <stdio.h>
#include <x86intrin.h>

void vga_init(void) {}
void vga_puts(const char *str) { fputs(str, stdout); fflush(stdout); }
void serial_init(void) {}
void serial_puts(const char *str) { fputs(str, stderr); }
int keyboard_getchar(void) { int c = getchar(); return c == EOF ? -1 : c; }
uint64_t cpu_rdtsc(void) { return __rdtsc(); }
void cpu_cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx) {
    __cpuid_count(leaf, 0, *eax, *ebx, *ecx, *edx);
}
