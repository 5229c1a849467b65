/*
 * json_util.h - strict reading of cJSON trees with error paths.
 * Every getter names the JSON path in its error: "steps[2].send.qos: expected an integer".
 */
#ifndef JSON_UTIL_H
#define JSON_UTIL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/err.h"

/* Parse a whole file. On a syntax error: "line L, column C: JSON syntax error". */
cJSON *json_util_parse_file(const char *path, struct err *e);
/* Parse text (NUL-terminated). */
cJSON *json_util_parse(const char *text, struct err *e);

/* Fail with "<path>.<key>: unknown field" for a key not in the NULL-terminated list. */
int json_util_known_keys(const cJSON *obj, const char *path, const char *const *keys, struct err *e);

/* Typed getters: return 0 (found), 1 (absent, and !required), -1 error. */
int json_util_str(const cJSON *obj, const char *key, const char *path, int required, const char **out, struct err *e);
int json_util_int(const cJSON *obj, const char *key, const char *path, int required, long lo, long hi, long *out, struct err *e);
int json_util_bool(const cJSON *obj, const char *key, const char *path, int required, int *out, struct err *e);

/* A JSON number holding an integer a double represents exactly (|x| <= 2^53):
 * 0 and *out set, else -1 (not a number, a fraction, 1e300, inf). Converting
 * anything else to long is undefined behaviour. */
int json_util_long(const cJSON *v, long *out);

/* Read a whole file into a NUL-terminated buffer (caller frees). */
char *json_util_read_file(const char *path, size_t *len, struct err *e);

#endif
