/* fields.c - what the case language adds to the codec's field table, and
 * the load-time validation of packet objects (the builder is fields_build.c,
 * the matcher match_packet.c). See fields.h. */
#include "case/fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/fields5.h"

/* The codec's top-level fields a case may name, and how. The pseudo-fields
 * of sending (remaining_length_bytes, extra_hex) are codec rows too: they
 * are fields of the packet model whose range the encoder defines; what is
 * of the case language about them is only that they cannot be matched. */

static const struct fields_def table[] = {
	{MQTT_FIELD_TYPE, 1, 1},
	{MQTT_FIELD_FLAGS, 1, 1},
	{MQTT_FIELD_DUP, 1, 1},
	{MQTT_FIELD_QOS, 1, 1},
	{MQTT_FIELD_RETAIN, 1, 1},
	{MQTT_FIELD_REMAINING_LENGTH, 1, 1},
	{MQTT_FIELD_REMAINING_LENGTH_BYTES, 1, 0},
	{MQTT_FIELD_EXTRA, 1, 0},
	{MQTT_FIELD_PROTOCOL_NAME, 1, 0},
	{MQTT_FIELD_PROTOCOL_LEVEL, 1, 0},
	{MQTT_FIELD_CONNECT_FLAGS, 1, 0},
	{MQTT_FIELD_CLEAN_SESSION, 1, 0},
	{MQTT_FIELD_KEEP_ALIVE, 1, 0},
	{MQTT_FIELD_CLIENT_ID, 1, 0},
	{MQTT_FIELD_WILL, 1, 0},
	{MQTT_FIELD_USERNAME, 1, 0},
	{MQTT_FIELD_PASSWORD, 1, 0},
	{MQTT_FIELD_SESSION_PRESENT, 1, 1},
	{MQTT_FIELD_ACK_FLAGS, 1, 1},
	{MQTT_FIELD_RETURN_CODE, 1, 1},
	{MQTT_FIELD_TOPIC, 1, 1},
	{MQTT_FIELD_PAYLOAD, 1, 1},
	{MQTT_FIELD_PACKET_ID, 1, 1},
	{MQTT_FIELD_TOPICS, 1, 0},
	{MQTT_FIELD_RETURN_CODES, 1, 1},
};

const struct fields_def *fields_all(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}

/* A key as the case language spells it: the field's own key, or a text
 * field's with _hex or _length, or a payload's with _hex. A hex-only field
 * (extra) is spelled with _hex only, and that is its plain form. */
const struct mqtt_field_def *fields_find_part(enum mqtt_field_id parent, const char *key, enum mqtt_version v,
					      enum fields_variant *variant)
{
	char base[64];
	size_t n = strlen(key);
	*variant = FIELDS_PLAIN;
	const struct mqtt_field_def *f = mqtt_field_find(v, parent, key);
	if (f && f->kind != MQTT_FIELD_KIND_HEX)
		return f;
	if (n >= sizeof base)
		return NULL;
	memcpy(base, key, n + 1);
	if (n > 4 && strcmp(base + n - 4, "_hex") == 0) {
		base[n - 4] = '\0';
		*variant = FIELDS_HEX;
	} else if (n > 7 && strcmp(base + n - 7, "_length") == 0) {
		base[n - 7] = '\0';
		*variant = FIELDS_LENGTH;
	} else {
		return NULL;
	}
	f = mqtt_field_find(v, parent, base);
	if (!f)
		return NULL;
	int text = f->kind == MQTT_FIELD_KIND_STR || f->kind == MQTT_FIELD_KIND_BIN;
	if (f->kind == MQTT_FIELD_KIND_HEX && *variant == FIELDS_HEX) {
		*variant = FIELDS_PLAIN;
		return f;
	}
	if (text || (f->kind == MQTT_FIELD_KIND_BYTES && *variant == FIELDS_HEX))
		return f;
	return NULL;
}

const struct fields_def *fields_find(const char *key, enum mqtt_version v, enum fields_variant *variant)
{
	const struct mqtt_field_def *f = fields_find_part(MQTT_FIELD_NONE, key, v, variant);
	for (size_t i = 0; f && i < sizeof table / sizeof table[0]; i++)
		if (table[i].id == f->id)
			return &table[i];
	return NULL;
}

int fields_type_from_name(enum mqtt_version v, const char *name)
{
	return mqtt_type_from_name_v(v, name);
}

int fields_type(enum mqtt_version v, const cJSON *obj, const char *path, struct err *e)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "type");
	if (!t)
		return err_set(e, "%s.type: required field missing", path);
	if (!cJSON_IsString(t))
		return err_set(e, "%s.type: expected a packet type name", path);
	int ty = fields_type_from_name(v, t->valuestring);
	if (ty < 0)
		return err_set(e, "%s.type: unknown packet type \"%s\"", path, t->valuestring);
	return ty;
}

/* The other version's name of a field this version does not have, for a
 * message that says why a key is refused; NULL when neither has it. */
static const char *other_version(enum mqtt_version v, enum mqtt_field_id parent, const char *key)
{
	enum mqtt_version o = v == MQTT_V5 ? MQTT_V311 : MQTT_V5;
	enum fields_variant var;
	int theirs = fields_find_part(parent, key, o, &var) != NULL;
	if (o == MQTT_V5 && parent == MQTT_FIELD_NONE)
		theirs |= fields5_find(key) != NULL;
	if (o == MQTT_V5 && parent == MQTT_FIELD_TOPICS)
		theirs |= fields5_is_option(key);
	if (o == MQTT_V5 && parent == MQTT_FIELD_WILL)
		theirs |= fields5_is_will_part(key);
	return theirs ? mqtt_version_name(o) : NULL;
}

static int unknown_field(enum mqtt_version v, enum mqtt_field_id parent, const char *key, const char *p,
			 struct err *e)
{
	const char *o = other_version(v, parent, key);
	if (o)
		return err_set(e, "%s: a field of MQTT %s only; this case speaks %s", p, o, mqtt_version_name(v));
	return err_set(e, "%s: unknown field", p);
}

/* A string given for an integer must be a template, or spell an integer. */
static int int_text_ok(const cJSON *v, const char *path, struct err *e)
{
	if (!cJSON_IsString(v) || strchr(v->valuestring, '{'))
		return 0;
	char *end;
	strtol(v->valuestring, &end, 0);
	if (!v->valuestring[0] || *end)
		return err_set(e, "%s: expected an integer, got \"%s\"", path, v->valuestring);
	return 0;
}

/* An expect-side value: literal, template, or a matcher object. */
static int validate_match_value(const cJSON *v, const char *path, struct err *e)
{
	if (cJSON_IsNumber(v) || cJSON_IsString(v) || cJSON_IsBool(v))
		return 0;
	if (!cJSON_IsObject(v))
		return err_set(e, "%s: expected a value, or an object with capture/not/one_of/min/max", path);
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char p[300];
		snprintf(p, sizeof p, "%s.%s", path, it->string);
		if (strcmp(it->string, "capture") == 0) {
			if (!cJSON_IsString(it) || !it->valuestring[0])
				return err_set(e, "%s: expected a variable name", p);
		} else if (strcmp(it->string, "not") == 0) {
			if (validate_match_value(it, p, e) < 0)
				return -1;
		} else if (strcmp(it->string, "one_of") == 0 || strcmp(it->string, "min") == 0 ||
			   strcmp(it->string, "max") == 0) {
			if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0)
				return err_set(e, "%s: expected a non-empty array", p);
			const cJSON *x;
			cJSON_ArrayForEach(x, it)
			{
				if (!cJSON_IsNumber(x) && !cJSON_IsString(x))
					return err_set(e, "%s: expected numbers or templates", p);
			}
		} else {
			return err_set(e, "%s: unknown field (expected capture, not, one_of, min or max)", p);
		}
	}
	if (cJSON_GetArraySize(v) == 0)
		return err_set(e, "%s: empty object", path);
	return 0;
}

/* An object of parts (a will, a topics entry): each key must name a part of
 * `parent`; integers (qos, retain, NAME_length) may be templates, the rest
 * are strings. Which types have a part is checked at its parent only. */
static int validate_parts(enum mqtt_version ver, enum mqtt_field_id parent, const cJSON *o, const char *path, struct err *e)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, o)
	{
		enum fields_variant var;
		char p[300];
		snprintf(p, sizeof p, "%s.%s", path, it->string);
		if (ver == MQTT_V5 && parent == MQTT_FIELD_TOPICS && fields5_is_option(it->string)) {
			if (fields5_validate_option(it->string, it, p, e) < 0)
				return -1;
			continue;
		}
		if (ver == MQTT_V5 && parent == MQTT_FIELD_WILL && fields5_is_will_part(it->string)) {
			if (fields5_validate_will_part(it->string, it, p, e) < 0)
				return -1;
			continue;
		}
		const struct mqtt_field_def *f = fields_find_part(parent, it->string, ver, &var);
		if (!f)
			return unknown_field(ver, parent, it->string, p, e);
		int is_int = var == FIELDS_LENGTH || (var == FIELDS_PLAIN && f->kind == MQTT_FIELD_KIND_INT);
		if (is_int ? !(cJSON_IsNumber(it) || cJSON_IsString(it) || cJSON_IsBool(it)) : !cJSON_IsString(it))
			return err_set(e, "%s.%s: expected %s", path, it->string, is_int ? "an integer" : "a string");
	}
	return 0;
}

/* topics: filter strings, or objects of filter (text, hex, length) and qos. */
static int validate_topics(enum mqtt_version ver, const cJSON *v, const char *p, struct err *e)
{
	if (!cJSON_IsArray(v))
		return err_set(e, "%s: expected an array", p);
	if (cJSON_GetArraySize(v) > MQTT_MAX_ENTRIES)
		return err_set(e, "%s: at most %d entries", p, MQTT_MAX_ENTRIES);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char q[300];
		snprintf(q, sizeof q, "%s[%zu]", p, i++);
		if (cJSON_IsString(it))
			continue;
		if (!cJSON_IsObject(it))
			return err_set(e, "%s: expected a filter string or an object", q);
		if (validate_parts(ver, MQTT_FIELD_TOPICS, it, q, e) < 0)
			return -1;
	}
	return 0;
}

/* return_codes: integers to send, or values to match. */
static int validate_codes(const cJSON *v, int mode, const char *p, struct err *e)
{
	if (!cJSON_IsArray(v))
		return err_set(e, "%s: expected an array", p);
	if (cJSON_GetArraySize(v) > MQTT_MAX_ENTRIES)
		return err_set(e, "%s: at most %d entries", p, MQTT_MAX_ENTRIES);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char q[300];
		snprintf(q, sizeof q, "%s[%zu]", p, i++);
		if (mode == 'e' ? validate_match_value(it, q, e) < 0 : !(cJSON_IsNumber(it) || cJSON_IsString(it)))
			return mode == 'e' ? -1 : err_set(e, "%s: expected an integer", q);
	}
	return 0;
}

static int validate_field(enum mqtt_version ver, const struct mqtt_field_def *d, enum fields_variant var, const cJSON *v, int mode,
			  const char *p, struct err *e)
{
	if (var != FIELDS_PLAIN) {
		if (mode == 'e' && var == FIELDS_LENGTH)
			return err_set(e, "%s: only for sending", p);
		if (var == FIELDS_HEX ? !cJSON_IsString(v) : !(cJSON_IsNumber(v) || cJSON_IsString(v)))
			return err_set(e, "%s: expected %s", p, var == FIELDS_HEX ? "a hex string" : "an integer");
		return 0;
	}
	switch (d->kind) {
	case MQTT_FIELD_KIND_TYPE:
		return 0;
	case MQTT_FIELD_KIND_INT:
	case MQTT_FIELD_KIND_BOOL:
		if (int_text_ok(v, p, e) < 0)
			return -1;
		if (mode == 'e')
			return validate_match_value(v, p, e);
		if (cJSON_IsNumber(v) && (v->valuedouble < d->lo || v->valuedouble > d->hi))
			return err_set(e, "%s: %g is out of range %ld..%ld", p, v->valuedouble, d->lo, d->hi);
		if (d->kind == MQTT_FIELD_KIND_BOOL ? !cJSON_IsBool(v) : !(cJSON_IsNumber(v) || cJSON_IsString(v)))
			return err_set(e, "%s: expected %s", p, d->kind == MQTT_FIELD_KIND_BOOL ? "true or false" : "an integer");
		return 0;
	case MQTT_FIELD_KIND_STR:
	case MQTT_FIELD_KIND_BIN:
	case MQTT_FIELD_KIND_BYTES:
	case MQTT_FIELD_KIND_HEX:
		if (mode == 'e')
			return validate_match_value(v, p, e);
		return cJSON_IsString(v) ? 0 : err_set(e, "%s: expected a string", p);
	case MQTT_FIELD_KIND_WILL:
		if (!cJSON_IsObject(v))
			return err_set(e, "%s: expected an object", p);
		return validate_parts(ver, d->id, v, p, e);
	case MQTT_FIELD_KIND_TOPICS:
		return validate_topics(ver, v, p, e);
	case MQTT_FIELD_KIND_CODES:
		return validate_codes(v, mode, p, e);
	}
	return 0;
}

static int validate5(const struct fields5_def *d, int type, const cJSON *it, int mode, const char *p, struct err *e)
{
	if (!(mode == 's' ? d->send : d->expect))
		return err_set(e, "%s: not a field that can be %s", p, mode == 's' ? "sent" : "matched");
	if (!fields5_in(d, type))
		return err_set(e, "%s: a %s packet has no such field", p, mqtt_type_name_v(MQTT_V5, (enum mqtt_type)type));
	return fields5_validate(d, type, it, mode, p, e);
}

int fields_validate(enum mqtt_version v, const cJSON *pkt, int mode, const char *path, struct err *e)
{
	if (!cJSON_IsObject(pkt))
		return err_set(e, "%s: expected a packet object", path);
	int type = fields_type(v, pkt, path, e);
	if (type < 0)
		return -1;
	const cJSON *it;
	cJSON_ArrayForEach(it, pkt)
	{
		char p[300];
		snprintf(p, sizeof p, "%s.%s", path, it->string);
		enum fields_variant var;
		const struct fields5_def *d5 = v == MQTT_V5 ? fields5_find(it->string) : NULL;
		if (d5 && validate5(d5, type, it, mode, p, e) < 0)
			return -1;
		if (d5)
			continue;
		const struct fields_def *d = fields_find(it->string, v, &var);
		if (!d)
			return unknown_field(v, MQTT_FIELD_NONE, it->string, p, e);
		if (!(mode == 's' ? d->send : d->expect))
			return err_set(e, "%s: not a field that can be %s", p, mode == 's' ? "sent" : "matched");
		const struct mqtt_field_def *f = mqtt_field_get(d->id);
		if (!mqtt_field_in(f, v, (enum mqtt_type)type))
			return err_set(e, "%s: a %s packet has no such field", p, mqtt_type_name((enum mqtt_type)type));
		if (validate_field(v, f, var, it, mode, p, e) < 0)
			return -1;
	}
	return 0;
}
