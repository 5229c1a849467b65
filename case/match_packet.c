/* match_packet.c - one received packet against one pattern. See match.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_print.h"
#include "case/fields.h"
#include "case/match.h"
#include "case/fields5.h"
#include "case/match_int.h"

/* A value the pattern gives: an integer, or bytes. */
static int want_int(struct mctx *m, const cJSON *v, long *out)
{
	struct err e;
	struct tmpl_ctx c = *m->c;
	c.overlay = m->binds;
	if (tmpl_int(&c, v, -2147483648L, 4294967295L, m->a, out, &e) < 0) {
		snprintf(m->why, m->whylen, "%s", e.msg);
		return -1;
	}
	return 0;
}

static int want_bytes(struct mctx *m, const cJSON *v, int hex, const uint8_t **p, size_t *n)
{
	struct err e;
	struct tmpl_ctx c = *m->c;
	c.overlay = m->binds;
	if (!cJSON_IsString(v)) {
		snprintf(m->why, m->whylen, "expected a string value");
		return -1;
	}
	if (hex) {
		uint8_t *b;
		if (tmpl_hex(&c, v->valuestring, m->a, &b, n, &e) < 0)
			goto bad;
		*p = b;
		return 0;
	}
	char *s;
	if (tmpl_expand(&c, v->valuestring, m->a, &s, &e) < 0)
		goto bad;
	*p = (const uint8_t *)s;
	*n = strlen(s);
	return 0;
bad:
	snprintf(m->why, m->whylen, "%s", e.msg);
	return -1;
}

/* {"min": B} / {"max": B} with one bound B (not a list): actual >= B / <= B. */
static int cmp_bound(struct mctx *m, const char *name, const cJSON *k, long actual)
{
	long w;
	if (want_int(m, k, &w) < 0)
		return -1;
	int is_min = strcmp(k->string, "min") == 0;
	if (is_min ? actual >= w : actual <= w)
		return 1;
	snprintf(m->why, m->whylen, "%s: expected %s %ld, got %ld", name, is_min ? "at least" : "at most", w, actual);
	return 0;
}

/* Compare an actual integer with a pattern value. 1 match, 0 not, -1 error. */
int match_cmp_int(struct mctx *m, const char *name, const cJSON *v, long actual)
{
	if (!cJSON_IsObject(v)) {
		long w;
		if (want_int(m, v, &w) < 0)
			return -1;
		if (w == actual)
			return 1;
		snprintf(m->why, m->whylen, "%s: expected %ld, got %ld", name, w, actual);
		return 0;
	}
	const cJSON *k;
	cJSON_ArrayForEach(k, v)
	{
		if (strcmp(k->string, "not") == 0) {
			int r = match_cmp_int(m, name, k, actual);
			if (r < 0)
				return -1;
			if (r) {
				snprintf(m->why, m->whylen, "%s: expected anything but %ld, got it", name, actual);
				return 0;
			}
		} else if ((strcmp(k->string, "min") == 0 || strcmp(k->string, "max") == 0) && !cJSON_IsArray(k)) {
			int r = cmp_bound(m, name, k, actual);
			if (r <= 0)
				return r;
		} else if (strcmp(k->string, "one_of") == 0 || strcmp(k->string, "min") == 0 ||
			   strcmp(k->string, "max") == 0) {
			int is_min = strcmp(k->string, "min") == 0, is_max = strcmp(k->string, "max") == 0, found = 0;
			long best = 0;
			const cJSON *x;
			cJSON_ArrayForEach(x, k)
			{
				long w;
				if (want_int(m, x, &w) < 0)
					return -1;
				if (w == actual)
					found = 1;
				if (x == k->child || (is_max ? w > best : w < best))
					best = w;
			}
			if (is_min || is_max ? best != actual : !found) {
				if (is_min || is_max)
					snprintf(m->why, m->whylen, "%s: expected %ld (the %s of the given values), got %ld", name,
						 best, is_min ? "smallest" : "largest", actual);
				else
					snprintf(m->why, m->whylen, "%s: expected one of the given values, got %ld", name, actual);
				return 0;
			}
		}
	}
	const cJSON *cap = cJSON_GetObjectItemCaseSensitive(v, "capture");
	if (cap) {
		char buf[32];
		snprintf(buf, sizeof buf, "%ld", actual);
		tmpl_vars_set(m->binds, cap->valuestring, buf);
	}
	return 1;
}

static void show_bytes(char *out, size_t n, const uint8_t *p, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < len && o + 8 < n; i++) {
		if (i == 48) {
			o += (size_t)snprintf(out + o, n - o, "...");
			break;
		}
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", p[i]);
		out[o] = '\0';
	}
}

int match_cmp_bytes(struct mctx *m, const char *name, const cJSON *v, int hex, const uint8_t *ap, size_t an)
{
	if (!cJSON_IsObject(v)) {
		const uint8_t *wp;
		size_t wn;
		if (want_bytes(m, v, hex, &wp, &wn) < 0)
			return -1;
		if (wn == an && (an == 0 || memcmp(wp, ap, an) == 0))
			return 1;
		char w[200], g[200];
		show_bytes(w, sizeof w, wp, wn);
		show_bytes(g, sizeof g, ap, an);
		snprintf(m->why, m->whylen, "%s: expected \"%s\", got \"%s\"", name, w, g);
		return 0;
	}
	const cJSON *k;
	cJSON_ArrayForEach(k, v)
	{
		if (strcmp(k->string, "not") == 0 || strcmp(k->string, "one_of") == 0) {
			int neg = k->string[0] == 'n', found = 0;
			const cJSON *x;
			if (neg) {
				int r = match_cmp_bytes(m, name, k, hex, ap, an);
				if (r < 0)
					return -1;
				found = r;
			} else {
				cJSON_ArrayForEach(x, k)
				{
					int r = match_cmp_bytes(m, name, x, hex, ap, an);
					if (r < 0)
						return -1;
					found |= r;
				}
			}
			if (neg ? found : !found) {
				char g[200];
				show_bytes(g, sizeof g, ap, an);
				snprintf(m->why, m->whylen, "%s: \"%s\" is %s", name, g,
					 neg ? "the value it must not be" : "none of the expected values");
				return 0;
			}
		} else if (strcmp(k->string, "min") == 0 || strcmp(k->string, "max") == 0) {
			snprintf(m->why, m->whylen, "%s: min and max apply to integers only", name);
			return -1;
		}
	}
	const cJSON *cap = cJSON_GetObjectItemCaseSensitive(v, "capture");
	if (cap) {
		char *s = arena_strndup(m->a, (const char *)ap, an);
		tmpl_vars_set(m->binds, cap->valuestring, s);
	}
	return 1;
}

static int match_codes(struct mctx *m, const cJSON *it, const struct mqtt_packet *pkt)
{
	size_t n = (size_t)cJSON_GetArraySize(it);
	if (n != pkt->code_count) {
		snprintf(m->why, m->whylen, "%s: expected %zu codes, got %zu", mqtt_field_get(MQTT_FIELD_RETURN_CODES)->key, n,
			 pkt->code_count);
		return 0;
	}
	size_t i = 0;
	int r = 1;
	const cJSON *v;
	cJSON_ArrayForEach(v, it)
	{
		char nm[32];
		snprintf(nm, sizeof nm, "%s[%zu]", mqtt_field_get(MQTT_FIELD_RETURN_CODES)->key, i);
		r = match_cmp_int(m, nm, v, pkt->codes[i++]);
		if (r <= 0)
			break;
	}
	return r;
}

/* One field of the pattern against the packet: 1 match, 0 not, -1 error. */
static int match_field(struct mctx *m, const struct fields_def *d, enum fields_variant var, const cJSON *it,
		       const struct mqtt_packet *pkt)
{
	const char *k = mqtt_field_get(d->id)->key;
	switch (d->id) {
	case MQTT_FIELD_TYPE:
		return 1;
	case MQTT_FIELD_FLAGS:
		return match_cmp_int(m, k, it, pkt->flags);
	case MQTT_FIELD_DUP:
		return match_cmp_int(m, k, it, (pkt->flags & MQTT_PF_DUP) ? 1 : 0);
	case MQTT_FIELD_QOS:
		return match_cmp_int(m, k, it, (pkt->flags >> MQTT_PF_QOS_SHIFT) & 3);
	case MQTT_FIELD_RETAIN:
		return match_cmp_int(m, k, it, pkt->flags & MQTT_PF_RETAIN);
	case MQTT_FIELD_REMAINING_LENGTH:
		return match_cmp_int(m, k, it, (long)pkt->remaining_length);
	case MQTT_FIELD_SESSION_PRESENT:
		return match_cmp_int(m, k, it, pkt->ack_flags & 1);
	case MQTT_FIELD_ACK_FLAGS:
		return match_cmp_int(m, k, it, pkt->ack_flags);
	case MQTT_FIELD_RETURN_CODE:
		return match_cmp_int(m, k, it, pkt->return_code);
	case MQTT_FIELD_PACKET_ID:
		if (!pkt->has_packet_id) {
			snprintf(m->why, m->whylen, "%s: expected one, the packet has none", k);
			return 0;
		}
		return match_cmp_int(m, k, it, pkt->packet_id);
	case MQTT_FIELD_TOPIC:
		return match_cmp_bytes(m, k, it, var == FIELDS_HEX, pkt->topic.s.p, pkt->topic.s.n);
	case MQTT_FIELD_PAYLOAD:
		return match_cmp_bytes(m, k, it, var == FIELDS_HEX, pkt->payload.p, pkt->payload.n);
	case MQTT_FIELD_RETURN_CODES:
		return match_codes(m, it, pkt);
	default:
		snprintf(m->why, m->whylen, "%s: cannot be matched", it->string);
		return -1;
	}
}

int match_packet(enum mqtt_version v, const cJSON *pattern, const struct mqtt_packet *pkt, const struct tmpl_ctx *c,
		 struct tmpl_vars *binds, struct arena *a, char *why, size_t whylen)
{
	struct mctx m = {c, binds, a, why, whylen};
	why[0] = '\0';
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(pattern, "type");
	if ((int)pkt->type != fields_type_from_name(v, t->valuestring)) {
		snprintf(why, whylen, "type: expected %s, got %s", t->valuestring, mqtt_type_name(pkt->type));
		return 0;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, pattern)
	{
		enum fields_variant var;
		const struct fields5_def *d5 = v == MQTT_V5 ? fields5_find(it->string) : NULL;
		if (d5) {
			int r = match5_field(&m, d5, it, pkt);
			if (r <= 0)
				return r;
			continue;
		}
		const struct fields_def *d = fields_find(it->string, v, &var);
		if (!d) {
			snprintf(why, whylen, "%s: unknown field", it->string);
			return -1;
		}
		int r = match_field(&m, d, var, it, pkt);
		if (r <= 0)
			return r;
	}
	return 1;
}
