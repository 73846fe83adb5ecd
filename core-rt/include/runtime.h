/* runtime.h — BareFlow's runtime API for C applications.
 *
 * Implemented by core-rt in the unikernel (interpreted, JIT-compiled and appliance code call the
 * same functions), and by the host when the application runs as a Linux process (under
 * `bareflow run`, or compiled natively and linked with core-rt/host/runtime_host.c).
 * Memory and string functions are the C library's (malloc, free, memcpy, memset). */
#ifndef BAREFLOW_RUNTIME_H
#define BAREFLOW_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Clear the VGA text screen (80x25) and put the cursor home.
 * Linux: does nothing (the terminal is the screen). */
void vga_init(void);

/* Write a NUL-terminated string on the VGA text screen ('\n' starts a new line, the screen scrolls).
 * Linux: written to standard output. */
void vga_puts(const char *str);

/* Make sure the serial line (COM1, 115200 8N1) is set up. Idempotent: core-rt sets it up at boot.
 * Linux: does nothing. */
void serial_init(void);

/* Write a NUL-terminated string to the serial line ('\n' is sent as "\r\n").
 * Linux: written to standard error. */
void serial_puts(const char *str);

/* Wait for a key and return its character (0..255): from the PS/2 keyboard or the serial line,
 * whichever has one first; Enter gives '\n'. Returns -1 when no more input can come.
 * Linux: the next byte of standard input, -1 at end of file. */
int keyboard_getchar(void);

/* The CPU's time-stamp counter (cycles since reset on QEMU/most machines). */
uint64_t cpu_rdtsc(void);

/* Execute CPUID for `leaf` (sub-leaf 0) and store the four result registers. */
void cpu_cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx);

#ifdef __cplusplus
}
#endif

#endif
