/* fields5_props.c - property lists of a 5.0 case: checked on load, built
 * into a property block to send, and the load-time check of a properties
 * pattern (matching is match_props.c). Ids, wire types and places come from
 * the codec's property table. See fields5.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_prop.h"
#include "case/fields5_int.h"

#define VBI_MAX 268435455L

/* The values a property's wire type can carry: what a case may send, the
 * values the spec forbids included (the broker is to refuse them). */
static void type_range(enum mqtt_prop_type t, long *lo, long *hi)
{
	*lo = 0;
	*hi = t == MQTT_PROP_BYTE ? 255 : t == MQTT_PROP_U16 ? 65535 : t == MQTT_PROP_U32 ? 4294967295L : VBI_MAX;
}

static int is_numeric(enum mqtt_prop_type t)
{
	return t == MQTT_PROP_BYTE || t == MQTT_PROP_U16 || t == MQTT_PROP_U32 || t == MQTT_PROP_VBI;
}

const struct mqtt_prop_def *fields5_prop_key(const char *key, int *hex)
{
	char base[64];
	size_t n = strlen(key);
	*hex = 0;
	const struct mqtt_prop_def *d = mqtt_prop_find(key);
	if (d || n >= sizeof base || n < 5 || strcmp(key + n - 4, "_hex") != 0)
		return d;
	memcpy(base, key, n - 4);
	base[n - 4] = '\0';
	d = mqtt_prop_find(base);
	if (!d || (d->type != MQTT_PROP_STR && d->type != MQTT_PROP_BIN))
		return NULL;
	*hex = 1;
	return d;
}

int fields5_prop_default(const struct mqtt_prop_def *d, int type, long *out)
{
	/* The table words an absence; a default is a number it starts with.
	 * Session Expiry's "0" is the CONNECT's: absent from a CONNACK or a
	 * DISCONNECT, the CONNECT's value holds (3.2.2.3.2, 3.14.2.2.2). */
	if (!is_numeric(d->type) || !d->absent || d->absent[0] < '0' || d->absent[0] > '9')
		return 0;
	if (d == mqtt_prop_find("session_expiry_interval") && type != MQTT_CONNECT)
		return 0;
	*out = strtol(d->absent, NULL, 10);
	return 1;
}

static int validate_raw_item(const cJSON *o, const char *p, struct err *e)
{
	const cJSON *raw = cJSON_GetObjectItemCaseSensitive(o, "raw_hex");
	if (cJSON_GetArraySize(o) != 2 || !cJSON_IsString(raw))
		return err_set(e, "%s: a raw property is {\"id\": N, \"raw_hex\": \"...\"} and nothing else", p);
	char q[300];
	snprintf(q, sizeof q, "%s.id", p);
	return fields5_check_int(cJSON_GetObjectItemCaseSensitive(o, "id"), 0, VBI_MAX, q, e);
}

static int validate_value(const struct mqtt_prop_def *d, int hex, const cJSON *v, const char *p, struct err *e)
{
	long lo, hi;
	if (is_numeric(d->type)) {
		type_range(d->type, &lo, &hi);
		return fields5_check_int(v, lo, hi, p, e);
	}
	if (d->type == MQTT_PROP_PAIR) {
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !cJSON_IsString(cJSON_GetArrayItem(v, 0)) ||
		    !cJSON_IsString(cJSON_GetArrayItem(v, 1)))
			return err_set(e, "%s: expected [\"name\", \"value\"]", p);
		return 0;
	}
	return cJSON_IsString(v) ? 0 : err_set(e, "%s: expected %s", p, hex ? "a hex string" : "a string");
}

static int validate_item(const cJSON *o, const char *p, struct err *e)
{
	if (!cJSON_IsObject(o) || cJSON_GetArraySize(o) == 0)
		return err_set(e, "%s: expected an object of one property, e.g. {\"session_expiry_interval\": 30}", p);
	if (cJSON_GetObjectItemCaseSensitive(o, "id"))
		return validate_raw_item(o, p, e);
	if (cJSON_GetArraySize(o) != 1)
		return err_set(e, "%s: one property per entry (repeat the entry to repeat it)", p);
	int hex;
	const struct mqtt_prop_def *d = fields5_prop_key(o->child->string, &hex);
	char q[300];
	snprintf(q, sizeof q, "%s.%s", p, o->child->string);
	if (!d)
		return err_set(e, "%s: unknown property (a raw one is {\"id\": N, \"raw_hex\": \"...\"})", q);
	return validate_value(d, hex, o->child, q, e);
}

int fields5_validate_props_send(const cJSON *v, const char *path, struct err *e)
{
	if (cJSON_IsString(v) && strcmp(v->valuestring, "absent") == 0)
		return 0;
	if (!cJSON_IsArray(v))
		return err_set(e, "%s: expected a list of properties, or \"absent\"", path);
	if (cJSON_GetArraySize(v) > MQTT_MAX_PROPS)
		return err_set(e, "%s: at most %d properties", path, MQTT_MAX_PROPS);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char p[300];
		snprintf(p, sizeof p, "%s[%zu]", path, i++);
		if (validate_item(it, p, e) < 0)
			return -1;
	}
	return 0;
}

int fields5_validate_value_object(const cJSON *v, const char *path, struct err *e)
{
	if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) == 0)
		return err_set(e, "%s: expected a value, or an object with capture/not/one_of/min/max", path);
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char p[300];
		snprintf(p, sizeof p, "%s.%s", path, it->string);
		const char *k = it->string;
		if (strcmp(k, "capture") == 0 && (!cJSON_IsString(it) || !it->valuestring[0]))
			return err_set(e, "%s: expected a variable name", p);
		if (strcmp(k, "one_of") == 0 && (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0))
			return err_set(e, "%s: expected a non-empty array", p);
		if ((strcmp(k, "min") == 0 || strcmp(k, "max") == 0) && !cJSON_IsNumber(it) && !cJSON_IsString(it) &&
		    !(cJSON_IsArray(it) && cJSON_GetArraySize(it) > 0))
			return err_set(e, "%s: expected a bound (a number or template) or a list of values", p);
		if (strcmp(k, "capture") && strcmp(k, "one_of") && strcmp(k, "min") && strcmp(k, "max") && strcmp(k, "not"))
			return err_set(e, "%s: unknown field (expected capture, not, one_of, min or max)", p);
	}
	return 0;
}

int fields5_validate_pairs(const cJSON *v, const char *path, struct err *e)
{
	if (!cJSON_IsArray(v))
		return err_set(e, "%s: expected a list of [\"name\", \"value\"] pairs", path);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2 || !cJSON_IsString(cJSON_GetArrayItem(it, 0)) ||
		    !cJSON_IsString(cJSON_GetArrayItem(it, 1)))
			return err_set(e, "%s[%zu]: expected [\"name\", \"value\"]", path, i);
		i++;
	}
	return 0;
}

/* One property's pattern: "absent", a value, a list (every occurrence, in
 * order), or a matcher object. */
static int validate_pattern(const cJSON *v, const char *p, struct err *e)
{
	if (cJSON_IsNumber(v) || cJSON_IsString(v) || cJSON_IsBool(v))
		return 0;
	if (cJSON_IsArray(v)) {
		const cJSON *x;
		cJSON_ArrayForEach(x, v)
		{
			if (!cJSON_IsNumber(x) && !cJSON_IsString(x))
				return err_set(e, "%s: expected a list of values, one per occurrence", p);
		}
		return 0;
	}
	return fields5_validate_value_object(v, p, e);
}

int fields5_validate_props_match(const cJSON *v, int type, const char *path, struct err *e)
{
	if (cJSON_IsString(v) && strcmp(v->valuestring, "absent") == 0)
		return 0;
	if (!cJSON_IsObject(v))
		return err_set(e, "%s: expected an object of property: pattern, or \"absent\"", path);
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char p[300];
		snprintf(p, sizeof p, "%s.%s", path, it->string);
		int hex;
		const struct mqtt_prop_def *d = fields5_prop_key(it->string, &hex);
		if (!d)
			return err_set(e, "%s: unknown property", p);
		if (d->type == MQTT_PROP_PAIR)
			return err_set(e, "%s: match user properties with user_properties (in order) or user_properties_any_order",
				       p);
		if (!mqtt_prop_allowed(d, (unsigned)type))
			return err_set(e, "%s: a %s never carries it (the codec's property table)", p,
				       mqtt_prop_place_name((unsigned)type));
		if (validate_pattern(it, p, e) < 0)
			return -1;
	}
	return 0;
}

/* Text or bytes of a string or binary value. */
static int build_text(const cJSON *v, int hex, const struct tmpl_ctx *c, struct arena *a, struct mqtt_str *s,
		      struct err *e)
{
	s->present = true;
	if (hex) {
		uint8_t *b;
		if (tmpl_hex(c, v->valuestring, a, &b, &s->s.n, e) < 0)
			return -1;
		s->s.p = b;
		return 0;
	}
	char *t;
	if (tmpl_expand(c, v->valuestring, a, &t, e) < 0)
		return -1;
	s->s.p = (const uint8_t *)t;
	s->s.n = strlen(t);
	return 0;
}

static int build_item(const cJSON *o, const struct tmpl_ctx *c, struct arena *a, struct mqtt_prop *pr,
		      struct err *e)
{
	long x;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (id) {
		uint8_t *b;
		if (tmpl_int(c, id, 0, VBI_MAX, a, &x, e) < 0 ||
		    tmpl_hex(c, cJSON_GetObjectItemCaseSensitive(o, "raw_hex")->valuestring, a, &b, &pr->raw.n, e) < 0)
			return -1;
		pr->id = (uint32_t)x;
		pr->has_raw = true;
		pr->raw.p = b;
		return 0;
	}
	int hex;
	const struct mqtt_prop_def *d = fields5_prop_key(o->child->string, &hex);
	pr->id = d->id;
	long lo, hi;
	if (is_numeric(d->type)) {
		type_range(d->type, &lo, &hi);
		if (tmpl_int(c, o->child, lo, hi, a, &x, e) < 0)
			return err_prefix(e, "%s", o->child->string);
		pr->num = (uint32_t)x;
		return 0;
	}
	if (d->type == MQTT_PROP_PAIR)
		return build_text(cJSON_GetArrayItem(o->child, 0), 0, c, a, &pr->str, e) < 0 ||
				       build_text(cJSON_GetArrayItem(o->child, 1), 0, c, a, &pr->value, e) < 0
			       ? err_prefix(e, "%s", o->child->string)
			       : 0;
	return build_text(o->child, hex, c, a, &pr->str, e) < 0 ? err_prefix(e, "%s", o->child->string) : 0;
}

int fields5_build_props(const cJSON *obj, const struct tmpl_ctx *c, struct arena *a, int present,
			struct mqtt_props *out, struct err *e)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, "properties");
	const cJSON *len = cJSON_GetObjectItemCaseSensitive(obj, "properties_length");
	const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(obj, "properties_length_bytes");
	long x;
	mqtt_props_init(out);
	out->present = present || (list && cJSON_IsArray(list)) || len || bytes;
	if (cJSON_IsString(list))
		out->present = false; /* "absent": the Property Length is dropped */
	if (len && (tmpl_int(c, len, 0, 4294967295L, a, &x, e) < 0))
		return err_prefix(e, "properties_length");
	if (len)
		out->len_override = x;
	if (bytes && tmpl_int(c, bytes, 1, 5, a, &x, e) < 0)
		return err_prefix(e, "properties_length_bytes");
	if (bytes)
		out->len_bytes = (uint8_t)x;
	const cJSON *it;
	if (!cJSON_IsArray(list))
		return 0;
	cJSON_ArrayForEach(it, list)
	{
		if (build_item(it, c, a, &out->items[out->count], e) < 0)
			return err_prefix(e, "properties[%zu]", out->count);
		out->count++;
	}
	return 0;
}
