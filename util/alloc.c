/* alloc.c - allocation that never returns NULL (see alloc.h for why). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

static void *or_die(void *p)
{
	if (!p) {
		fputs("mqttspec: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *alloc_bytes(size_t n)
{
	return or_die(malloc(n ? n : 1));
}

void *alloc_zeroed(size_t n, size_t size)
{
	return or_die(calloc(n ? n : 1, size ? size : 1));
}

void *alloc_resize(void *p, size_t n)
{
	return or_die(realloc(p, n ? n : 1));
}

void *alloc_array(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return or_die(NULL);
	return alloc_resize(p, n * size);
}

char *alloc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(alloc_bytes(n), s, n);
}
