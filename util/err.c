/* err.c - see err.h. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	char head[256];
	char old[sizeof e->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* Truncation keeps the head (the location), which matters most. */
	size_t h = strlen(head), o = strlen(old), cap = sizeof e->msg - 1;
	if (h > cap)
		h = cap;
	memcpy(e->msg, head, h);
	size_t n = h;
	if (n + 2 <= cap) {
		memcpy(e->msg + n, ": ", 2);
		n += 2;
	}
	if (o > cap - n)
		o = cap - n;
	memcpy(e->msg + n, old, o);
	e->msg[n + o] = '\0';
	return -1;
}
