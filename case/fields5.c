/* fields5.c - the 5.0 fields of the case language: their keys, load-time
 * checks, and the building of reason codes and subscription options (the
 * property lists are fields5_props.c). See fields5.h. */
#include "case/fields5.h"

#include <stdio.h>
#include <string.h>

#include "codec/mqtt_reason.h"
#include "case/fields5_int.h"

#define T(x) (1u << MQTT_##x)
/* Every type with a property block (all but PINGREQ, PINGRESP; AUTH is 15). */
#define PROPS (0xFFFFu & ~(T(RESERVED0) | T(PINGREQ) | T(PINGRESP)))

/* Fields the codec's field table has a 5.0 row for take their key, packet
 * types and range from it (`codec`); the property block and the user
 * property patterns are ours, the properties themselves the codec's
 * property table's. */
static const struct fields5_def table[] = {
	{FIELDS5_CLEAN_START, MQTT_FIELD_CLEAN_START, NULL, 0, 1, 0},
	{FIELDS5_REASON_CODE, MQTT_FIELD_REASON_CODE, NULL, 0, 1, 1},
	{FIELDS5_REASON_CODES, MQTT_FIELD_REASON_CODES, NULL, 0, 1, 1},
	{FIELDS5_PROPERTIES, MQTT_FIELD_NONE, "properties", PROPS, 1, 1},
	{FIELDS5_PROPERTIES_LENGTH, MQTT_FIELD_NONE, "properties_length", PROPS, 1, 0},
	{FIELDS5_PROPERTIES_LENGTH_BYTES, MQTT_FIELD_NONE, "properties_length_bytes", PROPS, 1, 0},
	{FIELDS5_USER_PROPERTIES, MQTT_FIELD_NONE, "user_properties", PROPS, 0, 1},
	{FIELDS5_USER_PROPERTIES_ANY_ORDER, MQTT_FIELD_NONE, "user_properties_any_order", PROPS, 0, 1},
};
#define NTABLE (sizeof table / sizeof table[0])

/* The parts of a 5.0 SUBSCRIBE topic entry beside its filter, rows of the
 * codec's table: the bits of the Subscription Options byte (spec 3.8.3.1),
 * low to high, where each starts; and the byte whole. */
static const struct {
	enum mqtt_field_id id;
	unsigned shift;
} options[] = {
	{MQTT_FIELD_SUB_MAX_QOS, 0},
	{MQTT_FIELD_NO_LOCAL, 2},
	{MQTT_FIELD_RETAIN_AS_PUBLISHED, 3},
	{MQTT_FIELD_RETAIN_HANDLING, 4},
};
#define NOPTIONS (sizeof options / sizeof options[0])

const char *fields5_key(const struct fields5_def *d)
{
	return d->codec ? mqtt_field_get(d->codec)->key : d->key;
}

const struct fields5_def *fields5_find(const char *key)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (strcmp(fields5_key(&table[i]), key) == 0)
			return &table[i];
	return NULL;
}

int fields5_in(const struct fields5_def *d, int type)
{
	if (type < 0 || type >= 16)
		return 0;
	if (d->codec)
		return mqtt_field_in(mqtt_field_get(d->codec), MQTT_V5, (enum mqtt_type)type);
	return (d->types & (1u << type)) != 0;
}

/* The codec's row of a topic entry's part keyed `key`; NULL if none. */
static const struct mqtt_field_def *option_row(const char *key)
{
	const struct mqtt_field_def *f = mqtt_field_find(MQTT_V5, MQTT_FIELD_TOPICS, key);
	return f && f->id != MQTT_FIELD_FILTER ? f : NULL;
}

int fields5_is_option(const char *key)
{
	return option_row(key) != NULL;
}

int fields5_is_will_part(const char *key)
{
	return strcmp(key, "properties") == 0 || strcmp(key, "properties_length") == 0 ||
	       strcmp(key, "properties_length_bytes") == 0;
}

/* A number in lo..hi, or a template string (checked when the step runs). */
int fields5_check_int(const cJSON *v, long lo, long hi, const char *path, struct err *e)
{
	if (cJSON_IsString(v) && strchr(v->valuestring, '{'))
		return 0;
	if (!cJSON_IsNumber(v))
		return err_set(e, "%s: expected an integer", path);
	if (v->valuedouble < lo || v->valuedouble > hi || v->valuedouble != (double)(long)v->valuedouble)
		return err_set(e, "%s: %g is out of range %ld..%ld", path, v->valuedouble, lo, hi);
	return 0;
}

int fields5_validate_option(const char *key, const cJSON *v, const char *path, struct err *e)
{
	const struct mqtt_field_def *f = option_row(key);
	return fields5_check_int(v, f->lo, f->hi, path, e);
}

int fields5_validate_will_part(const char *key, const cJSON *v, const char *path, struct err *e)
{
	if (strcmp(key, "properties") == 0)
		return fields5_validate_props_send(v, path, e);
	if (strcmp(key, "properties_length") == 0)
		return fields5_check_int(v, 0, 4294967295L, path, e);
	return fields5_check_int(v, 1, 5, path, e);
}

int fields5_is_reason_name(const char *s)
{
	return (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z');
}

/* "No matching subscribers" as a case spells it: no_matching_subscribers. */
static int snake_is(const char *name, const char *key)
{
	for (; *name && *key; name++, key++) {
		char c = *name >= 'A' && *name <= 'Z' ? (char)(*name - 'A' + 'a') : *name;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		if (c != *key)
			return 0;
	}
	return !*name && !*key;
}

int fields5_reason_by_name(int type, const char *name)
{
	uint8_t codes[64];
	size_t n = mqtt_reason_codes((enum mqtt_type)type, codes, sizeof codes);
	for (size_t i = 0; i < n && i < sizeof codes; i++)
		if (snake_is(mqtt_reason_name((enum mqtt_type)type, codes[i]), name))
			return codes[i];
	return -1;
}

/* One code: a number, a template, or a name of the type's table; to match,
 * a matcher object too ({"min": 128} in a set). */
static int validate_code(const cJSON *x, int type, const char *path, struct err *e);

/* A matcher object's codes under "not" and "one_of": names of the table too. */
static int validate_code_object(const cJSON *x, int type, const char *path, struct err *e)
{
	if (fields5_validate_value_object(x, path, e) < 0)
		return -1;
	for (const char *k = "not\0one_of\0"; *k; k += strlen(k) + 1) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, k);
		int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 1;
		for (int i = 0; v && i < n; i++) {
			const cJSON *it = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, i) : v;
			char p[320];
			snprintf(p, sizeof p, "%s.%s", path, k);
			if (cJSON_IsString(it) && validate_code(it, type, p, e) < 0)
				return -1;
		}
	}
	return 0;
}

static int validate_code(const cJSON *x, int type, const char *path, struct err *e)
{
	if (cJSON_IsObject(x))
		return validate_code_object(x, type, path, e);
	const struct mqtt_field_def *f = mqtt_field_get(MQTT_FIELD_REASON_CODE);
	if (cJSON_IsNumber(x))
		return fields5_check_int(x, f->lo, f->hi, path, e);
	if (!cJSON_IsString(x))
		return err_set(e, "%s: expected a code (a number or a name)", path);
	if (fields5_is_reason_name(x->valuestring) && fields5_reason_by_name(type, x->valuestring) < 0)
		return err_set(e, "%s: \"%s\" is no reason code of a %s (names are the spec's, in snake case)", path,
			       x->valuestring, mqtt_type_name_v(MQTT_V5, (enum mqtt_type)type));
	return 0;
}

static int validate_send_code(const cJSON *x, int type, const char *path, struct err *e)
{
	return cJSON_IsObject(x) ? err_set(e, "%s: expected a code (a number or a name)", path) : validate_code(x, type, path, e);
}

/* A reason code to match: a value, a name, a template; a list of them (a
 * set); or an object of capture, not, one_of, min, max (a bound). */
int fields5_validate_code_match(const cJSON *v, int type, const char *path, struct err *e)
{
	if (!cJSON_IsArray(v))
		return validate_code(v, type, path, e);
	if (cJSON_GetArraySize(v) == 0)
		return err_set(e, "%s: expected a non-empty list of codes", path);
	const cJSON *x;
	cJSON_ArrayForEach(x, v)
	{
		if (validate_code(x, type, path, e) < 0)
			return -1;
	}
	return 0;
}

static int validate_codes(const cJSON *v, int type, int mode, const char *path, struct err *e)
{
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > MQTT_MAX_ENTRIES)
		return err_set(e, "%s: expected an array of at most %d codes", path, MQTT_MAX_ENTRIES);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char p[300];
		snprintf(p, sizeof p, "%s[%zu]", path, i++);
		if ((mode == 'e' ? fields5_validate_code_match(it, type, p, e) : validate_send_code(it, type, p, e)) < 0)
			return -1;
	}
	return 0;
}

int fields5_validate(const struct fields5_def *d, int type, const cJSON *v, int mode, const char *path, struct err *e)
{
	switch (d->id) {
	case FIELDS5_CLEAN_START:
		return cJSON_IsBool(v) ? 0 : err_set(e, "%s: expected true or false", path);
	case FIELDS5_REASON_CODE:
		return mode == 'e' ? fields5_validate_code_match(v, type, path, e) : validate_send_code(v, type, path, e);
	case FIELDS5_REASON_CODES:
		return validate_codes(v, type, mode, path, e);
	case FIELDS5_PROPERTIES:
		return mode == 'e' ? fields5_validate_props_match(v, type, path, e) : fields5_validate_props_send(v, path, e);
	case FIELDS5_PROPERTIES_LENGTH:
		return fields5_check_int(v, 0, 4294967295L, path, e);
	case FIELDS5_PROPERTIES_LENGTH_BYTES:
		return fields5_check_int(v, 1, 5, path, e);
	case FIELDS5_USER_PROPERTIES:
	case FIELDS5_USER_PROPERTIES_ANY_ORDER:
		return fields5_validate_pairs(v, path, e);
	}
	return 0;
}

int fields5_build_options(const cJSON *entry, const struct tmpl_ctx *c, struct arena *a, uint8_t *out,
			  struct err *e)
{
	long x;
	*out = 0;
	if (!cJSON_IsObject(entry))
		return 0; /* a bare filter: QoS 0, every option 0 */
	const struct mqtt_field_def *whole = mqtt_field_get(MQTT_FIELD_SUB_OPTIONS);
	const cJSON *raw = cJSON_GetObjectItemCaseSensitive(entry, whole->key);
	if (raw) {
		if (tmpl_int(c, raw, whole->lo, whole->hi, a, &x, e) < 0)
			return err_prefix(e, "%s", whole->key);
		*out = (uint8_t)x;
		return 0;
	}
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct mqtt_field_def *f = mqtt_field_get(options[i].id);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, f->key);
		if (!v)
			continue;
		if (tmpl_int(c, v, f->lo, f->hi, a, &x, e) < 0)
			return err_prefix(e, "%s", f->key);
		*out |= (uint8_t)((unsigned)x << options[i].shift);
	}
	return 0;
}

/* The types whose reason code and Property Length a short form may drop. */
static int has_short_form(enum mqtt_type t)
{
	return t == MQTT_PUBACK || t == MQTT_PUBREC || t == MQTT_PUBREL || t == MQTT_PUBCOMP ||
	       t == MQTT_DISCONNECT || t == MQTT_RESERVED15;
}

/* A code to send: a number, a template, or a name of the type's table. */
static int get_code(const cJSON *v, int type, const struct tmpl_ctx *c, struct arena *a, long *x, struct err *e)
{
	if (cJSON_IsString(v) && fields5_is_reason_name(v->valuestring)) {
		*x = fields5_reason_by_name(type, v->valuestring);
		return *x < 0 ? err_set(e, "\"%s\": no such reason code", v->valuestring) : 0;
	}
	const struct mqtt_field_def *f = mqtt_field_get(MQTT_FIELD_REASON_CODE);
	return tmpl_int(c, v, f->lo, f->hi, a, x, e);
}

static int build_codes(const cJSON *arr, const struct tmpl_ctx *c, struct arena *a, struct mqtt_packet *p,
		       struct err *e)
{
	const cJSON *v;
	long x;
	cJSON_ArrayForEach(v, arr)
	{
		if (get_code(v, (int)p->type, c, a, &x, e) < 0)
			return err_prefix(e, "reason_codes[%zu]", p->code_count);
		p->codes[p->code_count++] = (uint8_t)x;
	}
	return 0;
}

int fields5_build(const cJSON *tmpl, const struct tmpl_ctx *c, struct arena *a, struct mqtt_packet *p, struct err *e)
{
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(tmpl, "reason_code");
	const cJSON *codes = cJSON_GetObjectItemCaseSensitive(tmpl, "reason_codes");
	long x;
	if (rc && get_code(rc, (int)p->type, c, a, &x, e) < 0)
		return err_prefix(e, "reason_code");
	if (rc && p->type == MQTT_CONNACK)
		p->return_code = (uint8_t)x;
	else if (rc)
		p->reason_code = (uint8_t)x;
	if (codes && build_codes(codes, c, a, p, e) < 0)
		return -1;
	/* A short form unless the case names a part of the long one. */
	int keep = !has_short_form(p->type);
	if (fields5_build_props(tmpl, c, a, keep, &p->props, e) < 0)
		return -1;
	if (has_short_form(p->type))
		p->has_reason_code = rc != NULL || p->props.present;
	return 0;
}

int fields5_build_will(const cJSON *will, const struct tmpl_ctx *c, struct arena *a, struct mqtt_props *out,
		       struct err *e)
{
	if (fields5_build_props(will, c, a, 1, out, e) < 0)
		return err_prefix(e, "will");
	return 0;
}
