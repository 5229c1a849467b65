/* fields.c - the field table and the load-time validation of packet objects
 * (the builder is fields_build.c, the matcher match_packet.c). See fields.h. */
#include "case/fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(x) (1u << MQTT_##x)
#define ALL 0xFFFFu
#define PIDS (T(PUBLISH) | T(PUBACK) | T(PUBREC) | T(PUBREL) | T(PUBCOMP) | T(SUBSCRIBE) | T(SUBACK) | T(UNSUBSCRIBE) | T(UNSUBACK))

static const struct fields_def table[] = {
	{"type", FIELDS_TYPE, FIELDS_KIND_TYPE, ALL, 1, 1, 0, 0},
	{"flags", FIELDS_FLAGS, FIELDS_KIND_INT, ALL, 1, 1, 0, 15},
	{"dup", FIELDS_DUP, FIELDS_KIND_INT, T(PUBLISH), 1, 1, 0, 1},
	{"qos", FIELDS_QOS, FIELDS_KIND_INT, T(PUBLISH), 1, 1, 0, 3},
	{"retain", FIELDS_RETAIN, FIELDS_KIND_INT, T(PUBLISH), 1, 1, 0, 1},
	{"remaining_length", FIELDS_REMAINING_LENGTH, FIELDS_KIND_INT, ALL, 1, 1, 0, 4294967295L},
	{"remaining_length_bytes", FIELDS_REMAINING_LENGTH_BYTES, FIELDS_KIND_INT, ALL, 1, 0, 1, 5},
	{"extra_hex", FIELDS_EXTRA, FIELDS_KIND_HEX, ALL, 1, 0, 0, 0},
	{"protocol_name", FIELDS_PROTOCOL_NAME, FIELDS_KIND_STR, T(CONNECT), 1, 0, 0, 0},
	{"protocol_level", FIELDS_PROTOCOL_LEVEL, FIELDS_KIND_INT, T(CONNECT), 1, 0, 0, 255},
	{"connect_flags", FIELDS_CONNECT_FLAGS, FIELDS_KIND_INT, T(CONNECT), 1, 0, 0, 255},
	{"clean_session", FIELDS_CLEAN_SESSION, FIELDS_KIND_BOOL, T(CONNECT), 1, 0, 0, 1},
	{"keep_alive", FIELDS_KEEP_ALIVE, FIELDS_KIND_INT, T(CONNECT), 1, 0, 0, 65535},
	{"client_id", FIELDS_CLIENT_ID, FIELDS_KIND_STR, T(CONNECT), 1, 0, 0, 0},
	{"will", FIELDS_WILL, FIELDS_KIND_WILL, T(CONNECT), 1, 0, 0, 0},
	{"username", FIELDS_USERNAME, FIELDS_KIND_STR, T(CONNECT), 1, 0, 0, 0},
	{"password", FIELDS_PASSWORD, FIELDS_KIND_STR, T(CONNECT), 1, 0, 0, 0},
	{"session_present", FIELDS_SESSION_PRESENT, FIELDS_KIND_INT, T(CONNACK), 1, 1, 0, 1},
	{"ack_flags", FIELDS_ACK_FLAGS, FIELDS_KIND_INT, T(CONNACK), 1, 1, 0, 255},
	{"return_code", FIELDS_RETURN_CODE, FIELDS_KIND_INT, T(CONNACK), 1, 1, 0, 255},
	{"topic", FIELDS_TOPIC, FIELDS_KIND_STR, T(PUBLISH), 1, 1, 0, 0},
	{"payload", FIELDS_PAYLOAD, FIELDS_KIND_BYTES, T(PUBLISH), 1, 1, 0, 0},
	{"packet_id", FIELDS_PACKET_ID, FIELDS_KIND_INT, PIDS, 1, 1, 0, 65535},
	{"topics", FIELDS_TOPICS, FIELDS_KIND_TOPICS, T(SUBSCRIBE) | T(UNSUBSCRIBE), 1, 0, 0, 0},
	{"return_codes", FIELDS_RETURN_CODES, FIELDS_KIND_CODES, T(SUBACK), 1, 1, 0, 255},
};

const struct fields_def *fields_find(const char *key, enum fields_variant *variant)
{
	char base[64];
	size_t n = strlen(key);
	*variant = FIELDS_PLAIN;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, key) == 0)
			return &table[i];
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
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct fields_def *d = &table[i];
		if (strcmp(d->name, base) != 0)
			continue;
		if (d->kind == FIELDS_KIND_STR || (d->kind == FIELDS_KIND_BYTES && *variant == FIELDS_HEX))
			return d;
	}
	return NULL;
}

int fields_type(const cJSON *obj, const char *path, struct err *e)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "type");
	if (!t)
		return err_set(e, "%s.type: required field missing", path);
	if (!cJSON_IsString(t))
		return err_set(e, "%s.type: expected a packet type name", path);
	int ty = mqtt_type_from_name(t->valuestring);
	if (ty < 0)
		return err_set(e, "%s.type: unknown packet type \"%s\"", path, t->valuestring);
	return ty;
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

static int validate_str_obj(const cJSON *o, const char *path, const char *const *keys, struct err *e)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, o)
	{
		int known = 0;
		for (const char *const *k = keys; *k; k++)
			if (strcmp(*k, it->string) == 0)
				known = 1;
		if (!known)
			return err_set(e, "%s.%s: unknown field", path, it->string);
		size_t n = strlen(it->string);
		int is_int = strcmp(it->string, "qos") == 0 || strcmp(it->string, "retain") == 0 ||
			     (n > 7 && strcmp(it->string + n - 7, "_length") == 0);
		if (is_int ? !(cJSON_IsNumber(it) || cJSON_IsString(it) || cJSON_IsBool(it)) : !cJSON_IsString(it))
			return err_set(e, "%s.%s: expected %s", path, it->string, is_int ? "an integer" : "a string");
	}
	return 0;
}

/* topics: filter strings, or objects of filter (text, hex, length) and qos. */
static int validate_topics(const cJSON *v, const char *p, struct err *e)
{
	static const char *const keys[] = {"filter", "filter_hex", "filter_length", "qos", NULL};
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
		if (validate_str_obj(it, q, keys, e) < 0)
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

static int validate_field(const struct fields_def *d, enum fields_variant var, const cJSON *v, int mode,
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
	case FIELDS_KIND_TYPE:
		return 0;
	case FIELDS_KIND_INT:
	case FIELDS_KIND_BOOL:
		if (int_text_ok(v, p, e) < 0)
			return -1;
		if (mode == 'e')
			return validate_match_value(v, p, e);
		if (cJSON_IsNumber(v) && (v->valuedouble < d->lo || v->valuedouble > d->hi))
			return err_set(e, "%s: %g is out of range %ld..%ld", p, v->valuedouble, d->lo, d->hi);
		if (d->kind == FIELDS_KIND_BOOL ? !cJSON_IsBool(v) : !(cJSON_IsNumber(v) || cJSON_IsString(v)))
			return err_set(e, "%s: expected %s", p, d->kind == FIELDS_KIND_BOOL ? "true or false" : "an integer");
		return 0;
	case FIELDS_KIND_STR:
	case FIELDS_KIND_BYTES:
	case FIELDS_KIND_HEX:
		if (mode == 'e')
			return validate_match_value(v, p, e);
		return cJSON_IsString(v) ? 0 : err_set(e, "%s: expected a string", p);
	case FIELDS_KIND_WILL: {
		static const char *const keys[] = {"topic", "topic_hex", "topic_length", "message", "message_hex",
						   "message_length", "qos", "retain", NULL};
		if (!cJSON_IsObject(v))
			return err_set(e, "%s: expected an object", p);
		return validate_str_obj(v, p, keys, e);
	}
	case FIELDS_KIND_TOPICS:
		return validate_topics(v, p, e);
	case FIELDS_KIND_CODES:
		return validate_codes(v, mode, p, e);
	}
	return 0;
}

int fields_validate(const cJSON *pkt, int mode, const char *path, struct err *e)
{
	if (!cJSON_IsObject(pkt))
		return err_set(e, "%s: expected a packet object", path);
	int type = fields_type(pkt, path, e);
	if (type < 0)
		return -1;
	const cJSON *it;
	cJSON_ArrayForEach(it, pkt)
	{
		char p[300];
		snprintf(p, sizeof p, "%s.%s", path, it->string);
		enum fields_variant var;
		const struct fields_def *d = fields_find(it->string, &var);
		if (!d)
			return err_set(e, "%s: unknown field", p);
		if (!(mode == 's' ? d->send : d->expect))
			return err_set(e, "%s: not a field that can be %s", p, mode == 's' ? "sent" : "matched");
		if (!(d->types & (1u << type)))
			return err_set(e, "%s: a %s packet has no such field", p, mqtt_type_name((enum mqtt_type)type));
		if (validate_field(d, var, it, mode, p, e) < 0)
			return -1;
	}
	return 0;
}
