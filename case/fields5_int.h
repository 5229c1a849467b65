/*
 * fields5_int.h - what fields5.c and fields5_props.c share. Private to them.
 */
#ifndef FIELDS5_INT_H
#define FIELDS5_INT_H

#include "case/fields5.h"

/* A number in lo..hi, or a template string (checked when the step runs). */
int fields5_check_int(const cJSON *v, long lo, long hi, const char *path, struct err *e);

/* A matcher object: capture, not, one_of, min, max (a bound, or a list
 * whose smallest / largest is meant). */
int fields5_validate_value_object(const cJSON *v, const char *path, struct err *e);

/* A reason code to match (a value, name, list, or matcher object). */
int fields5_validate_code_match(const cJSON *v, int type, const char *path, struct err *e);

/* "properties" to send: "absent", or a list of one-property objects. */
int fields5_validate_props_send(const cJSON *v, const char *path, struct err *e);

/* "properties" to match in a packet of `type`: "absent", or an object. */
int fields5_validate_props_match(const cJSON *v, int type, const char *path, struct err *e);

/* A list of [name, value] pairs of strings (user properties). */
int fields5_validate_pairs(const cJSON *v, const char *path, struct err *e);

/* The property block of `obj` (its properties, properties_length,
 * properties_length_bytes) into out. Present when the object names any of
 * them but "properties": "absent", or when `present` says it is by
 * default. */
int fields5_build_props(const cJSON *obj, const struct tmpl_ctx *c, struct arena *a, int present,
			struct mqtt_props *out, struct err *e);

#endif
