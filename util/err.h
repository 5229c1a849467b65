/*
 * err.h - error messages that travel up the call chain.
 *
 * Leaf functions say what went wrong; each layer up prepends where
 * ("cases/x.json: steps[2].expect: ..."). No malloc on the error path.
 */
#ifndef ERR_H
#define ERR_H

struct err {
	char msg[512];
};

/* Set the message (printf-style). Returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepend "<prefix>: " to the current message. Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
