/*
 * alloc.h - allocation that never returns NULL.
 *
 * Out of memory is handled the same way everywhere: a message and abort().
 * mqttspec's allocations are small and bounded (packets are capped at 1 MiB,
 * inboxes by count), so exhaustion means the machine is gone, not that one
 * case went wrong; no caller has a sensible way on.
 */
#ifndef ALLOC_H
#define ALLOC_H

#include <stddef.h>

void *alloc_bytes(size_t n);                     /* malloc */
void *alloc_zeroed(size_t n, size_t size);       /* calloc, n * size checked */
void *alloc_resize(void *p, size_t n);           /* realloc */
void *alloc_array(void *p, size_t n, size_t size); /* realloc of n * size, checked */
char *alloc_strdup(const char *s);

#endif
