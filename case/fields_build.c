/* fields_build.c - build a packet to send from a case's packet object. See fields.h. */
#include <stdio.h>
#include <string.h>

#include "case/fields.h"

struct bctx {
	const struct tmpl_ctx *c;
	struct arena *a;
	struct err *e;
	long dup, qos, retain; /* the PUBLISH flags the fields give */
	int clean, have_pid;
	uint8_t cflags;        /* the CONNECT flags the will implies */
};

static int get_int(struct bctx *b, const cJSON *v, long lo, long hi, long *out)
{
	return tmpl_int(b->c, v, lo, hi, b->a, out, b->e);
}

/* Fill a string field from its text (v), bytes (h) and length override (l); any may be NULL. */
static int get_str3(struct bctx *b, const char *key, const cJSON *v, const cJSON *h, const cJSON *l, struct mqtt_str *s)
{
	if (v && h)
		return err_set(b->e, "%s: give %s or %s_hex, not both", key, key, key);
	if (v) {
		char *t;
		if (tmpl_expand(b->c, v->valuestring, b->a, &t, b->e) < 0)
			return err_prefix(b->e, "%s", key);
		s->present = true;
		s->s.p = (const uint8_t *)t;
		s->s.n = strlen(t);
	} else if (h) {
		uint8_t *p;
		size_t n;
		if (tmpl_hex(b->c, h->valuestring, b->a, &p, &n, b->e) < 0)
			return err_prefix(b->e, "%s_hex", key);
		s->present = true;
		s->s.p = p;
		s->s.n = n;
	}
	if (l) {
		long x;
		if (get_int(b, l, 0, 65535, &x) < 0)
			return err_prefix(b->e, "%s_length", key);
		s->len_override = (int32_t)x;
		s->present = true;
	}
	return 0;
}

/* Fill a string field from `key`, `key_hex` and `key_length` of obj. */
static int get_str(struct bctx *b, const cJSON *obj, const char *key, struct mqtt_str *s)
{
	char k[64];
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	snprintf(k, sizeof k, "%s_hex", key);
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(obj, k);
	snprintf(k, sizeof k, "%s_length", key);
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(obj, k);
	return get_str3(b, key, v, h, l, s);
}

static int build_will(struct bctx *b, const cJSON *w, struct mqtt_packet *p, uint8_t *flags)
{
	long qos = 0, retain = 0;
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(w, "qos");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(w, "retain");
	if ((q && get_int(b, q, 0, 3, &qos) < 0) || (r && get_int(b, r, 0, 1, &retain) < 0))
		return err_prefix(b->e, "will");
	if (get_str(b, w, "topic", &p->will_topic) < 0 || get_str(b, w, "message", &p->will_message) < 0)
		return err_prefix(b->e, "will");
	/* A will always carries both fields on the wire; an absent one is empty. */
	p->will_topic.present = p->will_message.present = true;
	*flags |= (uint8_t)(MQTT_CF_WILL | qos << MQTT_CF_WILL_QOS_SHIFT | (retain ? MQTT_CF_WILL_RETAIN : 0));
	return 0;
}

static int build_topics(struct bctx *b, const cJSON *arr, struct mqtt_packet *p)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		struct mqtt_entry *en = &p->entries[p->entry_count];
		memset(en, 0, sizeof *en);
		en->filter.len_override = -1;
		if (cJSON_IsString(it)) {
			if (get_str3(b, "filter", it, NULL, NULL, &en->filter) < 0)
				return err_prefix(b->e, "topics[%zu]", p->entry_count);
		} else if (get_str(b, it, "filter", &en->filter) < 0) {
			return err_prefix(b->e, "topics[%zu]", p->entry_count);
		}
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(it, "qos");
		if (p->type == MQTT_SUBSCRIBE && q) {
			long x;
			if (get_int(b, q, 0, 255, &x) < 0)
				return err_prefix(b->e, "topics[%zu].qos", p->entry_count);
			en->qos = (uint8_t)x;
			en->has_qos = true;
		} else if (p->type == MQTT_SUBSCRIBE && cJSON_IsString(it)) {
			en->has_qos = true; /* a bare filter string subscribes at QoS 0 */
		}
		p->entry_count++;
	}
	return 0;
}

static int build_codes(struct bctx *b, const cJSON *arr, struct mqtt_packet *p)
{
	long x;
	const cJSON *v;
	cJSON_ArrayForEach(v, arr)
	{
		if (get_int(b, v, 0, 255, &x) < 0)
			return err_prefix(b->e, "return_codes");
		p->codes[p->code_count++] = (uint8_t)x;
	}
	return 0;
}

static int get_u8(struct bctx *b, const cJSON *v, long lo, long hi, uint8_t *out)
{
	long x;
	if (get_int(b, v, lo, hi, &x) < 0)
		return -1;
	*out = (uint8_t)x;
	return 0;
}

static int get_u16(struct bctx *b, const cJSON *v, uint16_t *out)
{
	long x;
	if (get_int(b, v, 0, 65535, &x) < 0)
		return -1;
	*out = (uint16_t)x;
	return 0;
}

/* Fields that are neither strings nor flags set by hand (those come after). */
static int build_field(struct bctx *b, enum fields_id id, const cJSON *it, struct mqtt_packet *p)
{
	long x;
	switch (id) {
	case FIELDS_DUP:
		return get_int(b, it, 0, 1, &b->dup);
	case FIELDS_QOS:
		return get_int(b, it, 0, 3, &b->qos);
	case FIELDS_RETAIN:
		return get_int(b, it, 0, 1, &b->retain);
	case FIELDS_REMAINING_LENGTH:
		if (get_int(b, it, 0, 4294967295L, &x) < 0)
			return -1;
		p->remaining_length = (uint32_t)x;
		p->rl_override = true;
		return 0;
	case FIELDS_REMAINING_LENGTH_BYTES:
		return get_u8(b, it, 1, 5, &p->rl_bytes);
	case FIELDS_EXTRA: {
		uint8_t *bytes;
		if (tmpl_hex(b->c, it->valuestring, b->a, &bytes, &p->extra.n, b->e) < 0)
			return -1;
		p->extra.p = bytes;
		return 0;
	}
	case FIELDS_PROTOCOL_LEVEL:
		return get_u8(b, it, 0, 255, &p->protocol_level);
	case FIELDS_CLEAN_SESSION:
		b->clean = cJSON_IsTrue(it);
		return 0;
	case FIELDS_KEEP_ALIVE:
		return get_u16(b, it, &p->keep_alive);
	case FIELDS_WILL:
		return build_will(b, it, p, &b->cflags);
	case FIELDS_SESSION_PRESENT:
		if (get_int(b, it, 0, 1, &x) < 0)
			return -1;
		p->ack_flags = (uint8_t)((p->ack_flags & ~1u) | (unsigned)x);
		return 0;
	case FIELDS_ACK_FLAGS:
		return get_u8(b, it, 0, 255, &p->ack_flags);
	case FIELDS_RETURN_CODE:
		return get_u8(b, it, 0, 255, &p->return_code);
	case FIELDS_PACKET_ID:
		b->have_pid = 1;
		return get_u16(b, it, &p->packet_id);
	case FIELDS_TOPICS:
		return build_topics(b, it, p);
	case FIELDS_RETURN_CODES:
		return build_codes(b, it, p);
	default:
		return 0; /* type, flags, connect_flags: applied last; strings: read by build_strings */
	}
}

static int build_strings(struct bctx *b, const cJSON *tmpl, struct mqtt_packet *p)
{
	if (get_str(b, tmpl, "protocol_name", &p->protocol_name) < 0 || get_str(b, tmpl, "client_id", &p->client_id) < 0 ||
	    get_str(b, tmpl, "username", &p->username) < 0 || get_str(b, tmpl, "password", &p->password) < 0 ||
	    get_str(b, tmpl, "topic", &p->topic) < 0)
		return -1;
	struct mqtt_str pl = {false, {NULL, 0}, -1};
	if (get_str(b, tmpl, "payload", &pl) < 0)
		return -1;
	p->payload = pl.s;
	return 0;
}

/* The flags the fields imply, then those a case sets by hand, which win. */
static int build_flags(struct bctx *b, const cJSON *tmpl, struct mqtt_packet *p)
{
	long x;
	switch (p->type) {
	case MQTT_CONNECT:
		b->cflags |= (uint8_t)(b->clean ? MQTT_CF_CLEAN_SESSION : 0);
		b->cflags |= (uint8_t)(p->username.present ? MQTT_CF_USERNAME : 0);
		b->cflags |= (uint8_t)(p->password.present ? MQTT_CF_PASSWORD : 0);
		p->connect_flags = b->cflags;
		break;
	case MQTT_PUBLISH:
		p->flags = (uint8_t)((b->dup ? MQTT_PF_DUP : 0) | b->qos << MQTT_PF_QOS_SHIFT | (b->retain ? MQTT_PF_RETAIN : 0));
		p->has_packet_id = b->qos > 0 || b->have_pid;
		break;
	default:
		p->has_packet_id = b->have_pid || p->type == MQTT_SUBSCRIBE || p->type == MQTT_UNSUBSCRIBE;
		break;
	}
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(tmpl, "flags");
	if (f) {
		if (get_int(b, f, 0, 15, &x) < 0)
			return err_prefix(b->e, "flags");
		p->flags = (uint8_t)x;
	}
	f = cJSON_GetObjectItemCaseSensitive(tmpl, "connect_flags");
	if (f) {
		if (get_int(b, f, 0, 255, &x) < 0)
			return err_prefix(b->e, "connect_flags");
		p->connect_flags = (uint8_t)x;
	}
	return 0;
}

void fields_connect_defaults(struct mqtt_packet *p, enum mqtt_version v, const char *client_id)
{
	mqtt_packet_set_protocol(p, v);
	p->connect_flags = MQTT_CF_CLEAN_SESSION;
	p->keep_alive = 60;
	p->client_id.present = true;
	p->client_id.s.p = (const uint8_t *)client_id;
	p->client_id.s.n = strlen(client_id);
}

int fields_build(const cJSON *tmpl, const struct tmpl_ctx *c, enum mqtt_version v, const char *default_client_id,
		 struct arena *a, struct mqtt_packet *p, struct err *e)
{
	struct bctx b = {c, a, e, 0, 0, 0, 0, 0, 0};
	int type = fields_type(tmpl, "packet", e);
	if (type < 0)
		return -1;
	mqtt_packet_init(p, (enum mqtt_type)type);
	int req = mqtt_type_required_flags(p->type);
	p->flags = req < 0 ? 0 : (uint8_t)req;
	if (p->type == MQTT_CONNECT)
		fields_connect_defaults(p, v, default_client_id);
	b.clean = (p->connect_flags & MQTT_CF_CLEAN_SESSION) != 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, tmpl)
	{
		enum fields_variant var;
		const struct fields_def *d = fields_find(it->string, &var);
		if (!d)
			return err_set(e, "%s: unknown field", it->string);
		if (d->kind == FIELDS_KIND_STR || d->kind == FIELDS_KIND_BYTES)
			continue; /* strings are read below, all variants at once */
		/* return_codes names the field in its own errors */
		if (build_field(&b, d->id, it, p) < 0)
			return d->id == FIELDS_RETURN_CODES ? -1 : err_prefix(e, "%s", it->string);
	}
	if (build_strings(&b, tmpl, p) < 0)
		return -1;
	return build_flags(&b, tmpl, p);
}
