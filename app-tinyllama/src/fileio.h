/* fileio: read a whole file into memory with stdio only (fopen/fseek/ftell/fread/fclose, no mmap), so the
 * same code runs natively, under the bitcode interpreter and in the unikernel, whose files are boot modules. */
#ifndef TINYLLAMA_FILEIO_H
#define TINYLLAMA_FILEIO_H

#include <stddef.h>

/* Read the whole file at path into a new malloc'd buffer, starting `lead` bytes into it (so the caller can
 * choose the alignment of what follows a header). Sets *size to the file size. On failure prints one line
 * "tinyllama: PATH: <problem>" on stderr and returns NULL. Free the result with free(). */
unsigned char *file_read_all(const char *path, size_t lead, size_t *size);

#endif
