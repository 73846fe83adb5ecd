/* Calls every runtime.h function; its output must be the same natively, under `bareflow run`
 * (interpreted and tiered) and in the unikernel. Keyboard input is driven by the test. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "runtime.h"

int main(void) {
    vga_init();
    serial_init();
    vga_puts("rtapi: vga_puts works\n");
    serial_puts("rtapi: serial_puts works\n");

    uint32_t a = 0, b = 0, c = 0, d = 0;
    cpu_cpuid(0, &a, &b, &c, &d);
    char vendor[13];
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    int printable = 1;
    for (int i = 0; i < 12; i++) printable &= vendor[i] >= 0x20 && vendor[i] < 0x7f;
    printf("rtapi: cpuid max leaf %s, vendor string %s\n", a >= 1 ? "ok" : "BAD", printable ? "ok" : "BAD");
    /* What the CPU says, for a test that knows the CPU (QEMU's qemu64 model under TCG). */
    printf("rtapi: cpuid leaf 0: max leaf %u, vendor %s\n", a, printable ? vendor : "?");

    uint64_t t0 = cpu_rdtsc();
    volatile uint64_t spin = 0;
    for (int i = 0; i < 100000; i++) spin += (uint64_t)i;
    uint64_t t1 = cpu_rdtsc();
    printf("rtapi: rdtsc advances: %s\n", t1 > t0 ? "yes" : "NO");

    char line[64];
    int n = 0, ch;
    printf("rtapi: type a line> ");
    fflush(stdout);
    while ((ch = keyboard_getchar()) != -1 && ch != '\n' && n < 63) line[n++] = (char)ch;
    line[n] = 0;
    printf("\nrtapi: got \"%s\" (%d chars)%s\n", line, n, ch == -1 ? ", end of input" : "");
    return 0;
}
