/* match5.c - the 5.0 fields of a pattern against a received packet: reason
 * codes (values, sets, bounds), properties (values, absence, the spec's
 * defaults, captures) and user properties (in order, or as a multiset).
 * See cases/README.md, "MQTT 5.0". */
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_prop.h"
#include "codec/mqtt_reason.h"
#include "case/match_int.h"

static const char *code_name(int type, long code)
{
	const char *n = mqtt_reason_name((enum mqtt_type)type, (unsigned)code);
	return n ? n : "not in the packet's table";
}

static int is_name(const cJSON *x)
{
	return cJSON_IsString(x) && fields5_is_reason_name(x->valuestring);
}

/* A matcher object's codes under "not" and "one_of" given by name
 * ({"not": "packet_identifier_not_found"}) as their values, which is what
 * match_cmp_int reads: a copy to free, or NULL when it names none. */
static cJSON *names_as_values(const cJSON *v, int type)
{
	cJSON *d = NULL;
	for (const char *k = "not\0one_of\0"; *k; k += strlen(k) + 1) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, k);
		int n = cJSON_IsArray(x) ? cJSON_GetArraySize(x) : 1;
		for (int i = 0; x && i < n; i++) {
			const cJSON *it = cJSON_IsArray(x) ? cJSON_GetArrayItem(x, i) : x;
			if (!is_name(it))
				continue;
			if (!d)
				d = cJSON_Duplicate(v, 1);
			cJSON *num = cJSON_CreateNumber(fields5_reason_by_name(type, it->valuestring));
			cJSON *dx = cJSON_GetObjectItemCaseSensitive(d, k);
			if (cJSON_IsArray(dx))
				cJSON_ReplaceItemInArray(dx, i, num);
			else
				cJSON_ReplaceItemInObjectCaseSensitive(d, k, num);
		}
	}
	return d;
}

/* One code: a name of the packet's table (checked on load), or what
 * match_cmp_int takes (a literal, a template, a matcher object, whose
 * "not" and "one_of" may name codes too). */
static int cmp_one(struct mctx *m, const char *name, const cJSON *v, int type, long actual)
{
	if (cJSON_IsObject(v)) {
		cJSON *d = names_as_values(v, type);
		int r = match_cmp_int(m, name, d ? d : v, actual);
		cJSON_Delete(d);
		return r;
	}
	if (!is_name(v))
		return match_cmp_int(m, name, v, actual);
	int want = fields5_reason_by_name(type, v->valuestring);
	if (want == actual)
		return 1;
	snprintf(m->why, m->whylen, "%s: expected 0x%02x (%s), got 0x%02lx (%s)", name, want, v->valuestring, actual,
		 code_name(type, actual));
	return 0;
}

/* A reason code against one code or a set (a list: any of them). */
static int cmp_code(struct mctx *m, const char *name, const cJSON *v, int type, long actual)
{
	if (!cJSON_IsArray(v))
		return cmp_one(m, name, v, type, actual);
	const cJSON *x;
	cJSON_ArrayForEach(x, v)
	{
		int r = cmp_one(m, name, x, type, actual);
		if (r != 0)
			return r;
	}
	snprintf(m->why, m->whylen, "%s: expected one of the listed codes, got 0x%02lx (%s)", name, actual,
		 code_name(type, actual));
	return 0;
}

static int match_codes(struct mctx *m, const cJSON *v, const struct mqtt_packet *pkt)
{
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	if (n != pkt->code_count) {
		snprintf(m->why, m->whylen, "reason_codes: expected %zu codes, got %zu", n, pkt->code_count);
		return 0;
	}
	const cJSON *x;
	cJSON_ArrayForEach(x, v)
	{
		char nm[32];
		snprintf(nm, sizeof nm, "reason_codes[%zu]", i);
		int r = cmp_code(m, nm, x, (int)pkt->type, pkt->codes[i++]);
		if (r <= 0)
			return r;
	}
	return 1;
}

/* One occurrence of a property against a pattern value. */
static int cmp_prop(struct mctx *m, const char *name, const struct mqtt_prop_def *d, int hex, const cJSON *v,
		    const struct mqtt_prop *p)
{
	if (d->type == MQTT_PROP_STR || d->type == MQTT_PROP_BIN)
		return match_cmp_bytes(m, name, v, hex, p->str.s.p, p->str.s.n);
	return match_cmp_int(m, name, v, (long)p->num);
}

static int is_absent(const cJSON *v)
{
	return cJSON_IsString(v) && strcmp(v->valuestring, "absent") == 0;
}

/* A property the packet does not carry: "absent" holds; a value meets the
 * spec's default where there is one; anything else fails. */
static int prop_missing(struct mctx *m, const char *name, const struct mqtt_prop_def *d, const cJSON *v,
			const struct mqtt_packet *pkt)
{
	long dflt;
	if (is_absent(v))
		return 1;
	if (!cJSON_IsArray(v) && fields5_prop_default(d, (int)pkt->type, &dflt)) {
		int r = match_cmp_int(m, name, v, dflt);
		if (r == 0) {
			size_t l = strlen(m->why);
			snprintf(m->why + l, m->whylen - l, " (absent: the spec's default)");
		}
		return r;
	}
	snprintf(m->why, m->whylen, "%s: expected one, the packet has none (absent means %s)", name,
		 d->absent ? d->absent : "none");
	return 0;
}

static int match_prop(struct mctx *m, const char *key, const cJSON *v, const struct mqtt_packet *pkt)
{
	int hex;
	const struct mqtt_prop_def *d = fields5_prop_key(key, &hex);
	char name[96];
	snprintf(name, sizeof name, "properties.%s", key);
	const struct mqtt_prop *at[MQTT_MAX_PROPS];
	size_t n = 0;
	for (size_t i = 0; i < pkt->props.count; i++)
		if (pkt->props.items[i].id == d->id)
			at[n++] = &pkt->props.items[i];
	if (n == 0)
		return prop_missing(m, name, d, v, pkt);
	if (is_absent(v)) {
		snprintf(m->why, m->whylen, "%s: expected none, the packet has %zu", name, n);
		return 0;
	}
	if (!cJSON_IsArray(v))
		return cmp_prop(m, name, d, hex, v, at[0]);
	if ((size_t)cJSON_GetArraySize(v) != n) {
		snprintf(m->why, m->whylen, "%s: expected %d, the packet has %zu", name, cJSON_GetArraySize(v), n);
		return 0;
	}
	size_t i = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, v)
	{
		int r = cmp_prop(m, name, d, hex, x, at[i++]);
		if (r <= 0)
			return r;
	}
	return 1;
}

static int match_props(struct mctx *m, const cJSON *v, const struct mqtt_packet *pkt)
{
	if (is_absent(v)) {
		if (!pkt->props.present)
			return 1;
		snprintf(m->why, m->whylen, "properties: expected no Property Length, got one (%zu properties)",
			 pkt->props.count);
		return 0;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		int r = match_prop(m, it->string, it, pkt);
		if (r <= 0)
			return r;
	}
	return 1;
}

/* 1 if the pair (name, value) of the packet equals the pattern's pair. */
static int pair_is(struct mctx *m, const cJSON *want, const struct mqtt_prop *p)
{
	int r = match_cmp_bytes(m, "name", cJSON_GetArrayItem(want, 0), 0, p->str.s.p, p->str.s.n);
	if (r <= 0)
		return r;
	return match_cmp_bytes(m, "value", cJSON_GetArrayItem(want, 1), 0, p->value.s.p, p->value.s.n);
}

/* The packet's User Properties against the list: in order, or (any_order)
 * the same pairs as a multiset. */
static int match_pairs(struct mctx *m, const cJSON *v, int any_order, const struct mqtt_packet *pkt)
{
	const struct mqtt_prop_def *d = mqtt_prop_find("user_property");
	const struct mqtt_prop *at[MQTT_MAX_PROPS];
	int used[MQTT_MAX_PROPS] = {0};
	size_t n = 0, i = 0;
	for (size_t k = 0; d && k < pkt->props.count; k++)
		if (pkt->props.items[k].id == d->id)
			at[n++] = &pkt->props.items[k];
	const char *key = any_order ? "user_properties_any_order" : "user_properties";
	if ((size_t)cJSON_GetArraySize(v) != n) {
		snprintf(m->why, m->whylen, "%s: expected %d pairs, got %zu", key, cJSON_GetArraySize(v), n);
		return 0;
	}
	const cJSON *x;
	cJSON_ArrayForEach(x, v)
	{
		int found = 0;
		for (size_t k = any_order ? 0 : i; k < (any_order ? n : i + 1) && !found; k++) {
			int r = used[k] ? 0 : pair_is(m, x, at[k]);
			if (r < 0)
				return -1;
			if (r)
				found = used[k] = 1;
		}
		if (!found) {
			snprintf(m->why, m->whylen, "%s[%zu]: [\"%s\", \"%s\"] %s", key, i, cJSON_GetArrayItem(x, 0)->valuestring,
				 cJSON_GetArrayItem(x, 1)->valuestring, any_order ? "is not among the packet's pairs" : "is not the pair at this place");
			return 0;
		}
		i++;
	}
	return 1;
}

int match5_field(struct mctx *m, const struct fields5_def *d, const cJSON *v, const struct mqtt_packet *pkt)
{
	switch (d->id) {
	case FIELDS5_REASON_CODE:
		/* A short form's code is 0x00 (the decoder keeps it so). */
		return cmp_code(m, "reason_code", v, (int)pkt->type,
				pkt->type == MQTT_CONNACK ? pkt->return_code : pkt->reason_code);
	case FIELDS5_REASON_CODES:
		return match_codes(m, v, pkt);
	case FIELDS5_PROPERTIES:
		return match_props(m, v, pkt);
	case FIELDS5_USER_PROPERTIES:
	case FIELDS5_USER_PROPERTIES_ANY_ORDER:
		return match_pairs(m, v, d->id == FIELDS5_USER_PROPERTIES_ANY_ORDER, pkt);
	default:
		snprintf(m->why, m->whylen, "%s: cannot be matched", fields5_key(d));
		return -1;
	}
}
