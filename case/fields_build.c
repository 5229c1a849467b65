/* fields_build.c - build a packet to send from a case's packet object. See fields.h. */
#include <stdio.h>
#include <string.h>

#include "case/fields.h"
#include "case/fields5.h"

struct bctx {
	const struct tmpl_ctx *c;
	struct arena *a;
	struct err *e;
	enum mqtt_version v;
	long dup, qos, retain; /* the PUBLISH flags the fields give */
	int clean, have_pid;
	uint8_t cflags;        /* the CONNECT flags the will implies */
};

static int get_int(struct bctx *b, const cJSON *v, long lo, long hi, long *out)
{
	return tmpl_int(b->c, v, lo, hi, b->a, out, b->e);
}

/* An integer field, within the range its codec row gives. */
static int get_field(struct bctx *b, enum mqtt_field_id id, const cJSON *v, long *out)
{
	const struct mqtt_field_def *f = mqtt_field_get(id);
	return get_int(b, v, f->lo, f->hi, out);
}

static const char *key_of(enum mqtt_field_id id)
{
	return mqtt_field_get(id)->key;
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
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(w, key_of(MQTT_FIELD_WILL_QOS));
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(w, key_of(MQTT_FIELD_WILL_RETAIN));
	if ((q && get_field(b, MQTT_FIELD_WILL_QOS, q, &qos) < 0) ||
	    (r && get_field(b, MQTT_FIELD_WILL_RETAIN, r, &retain) < 0))
		return err_prefix(b->e, "%s", key_of(MQTT_FIELD_WILL));
	if (get_str(b, w, key_of(MQTT_FIELD_WILL_TOPIC), &p->will_topic) < 0 ||
	    get_str(b, w, key_of(MQTT_FIELD_WILL_MESSAGE), &p->will_message) < 0)
		return err_prefix(b->e, "%s", key_of(MQTT_FIELD_WILL));
	/* A will always carries both fields on the wire; an absent one is empty. */
	p->will_topic.present = p->will_message.present = true;
	if (b->v == MQTT_V5 && fields5_build_will(w, b->c, b->a, &p->will_props, b->e) < 0)
		return -1;
	*flags |= (uint8_t)(MQTT_CF_WILL | qos << MQTT_CF_WILL_QOS_SHIFT | (retain ? MQTT_CF_WILL_RETAIN : 0));
	return 0;
}

static int build_topics(struct bctx *b, const cJSON *arr, struct mqtt_packet *p)
{
	const char *fk = key_of(MQTT_FIELD_FILTER), *tk = key_of(MQTT_FIELD_TOPICS);
	const struct mqtt_field_def *qf = mqtt_field_get(MQTT_FIELD_REQUESTED_QOS);
	int has_qos = mqtt_field_in(qf, b->v, p->type);
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		struct mqtt_entry *en = &p->entries[p->entry_count];
		memset(en, 0, sizeof *en);
		en->filter.len_override = -1;
		if (cJSON_IsString(it)) {
			if (get_str3(b, fk, it, NULL, NULL, &en->filter) < 0)
				return err_prefix(b->e, "%s[%zu]", tk, p->entry_count);
		} else if (get_str(b, it, fk, &en->filter) < 0) {
			return err_prefix(b->e, "%s[%zu]", tk, p->entry_count);
		}
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(it, qf->key);
		if (b->v == MQTT_V5 && p->type == MQTT_SUBSCRIBE) {
			/* 5.0: the byte is the Subscription Options (spec 3.8.3.1). */
			if (fields5_build_options(it, b->c, b->a, &en->qos, b->e) < 0)
				return err_prefix(b->e, "%s[%zu]", tk, p->entry_count);
			en->has_qos = true;
		} else if (has_qos && q) {
			long x;
			if (get_int(b, q, qf->lo, qf->hi, &x) < 0)
				return err_prefix(b->e, "%s[%zu].%s", tk, p->entry_count, qf->key);
			en->qos = (uint8_t)x;
			en->has_qos = true;
		} else if (has_qos && cJSON_IsString(it)) {
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
		if (get_field(b, MQTT_FIELD_SUBACK_CODE, v, &x) < 0)
			return -1; /* the caller names the field */
		p->codes[p->code_count++] = (uint8_t)x;
	}
	return 0;
}

static int get_u8(struct bctx *b, enum mqtt_field_id id, const cJSON *v, uint8_t *out)
{
	long x;
	if (get_field(b, id, v, &x) < 0)
		return -1;
	*out = (uint8_t)x;
	return 0;
}

static int get_u16(struct bctx *b, enum mqtt_field_id id, const cJSON *v, uint16_t *out)
{
	long x;
	if (get_field(b, id, v, &x) < 0)
		return -1;
	*out = (uint16_t)x;
	return 0;
}

/* Fields that are neither strings nor flags set by hand (those come after). */
static int build_field(struct bctx *b, enum mqtt_field_id id, const cJSON *it, struct mqtt_packet *p)
{
	long x;
	switch (id) {
	case MQTT_FIELD_DUP:
		return get_field(b, id, it, &b->dup);
	case MQTT_FIELD_QOS:
		return get_field(b, id, it, &b->qos);
	case MQTT_FIELD_RETAIN:
		return get_field(b, id, it, &b->retain);
	case MQTT_FIELD_REMAINING_LENGTH:
		if (get_field(b, id, it, &x) < 0)
			return -1;
		p->remaining_length = (uint32_t)x;
		p->rl_override = true;
		return 0;
	case MQTT_FIELD_REMAINING_LENGTH_BYTES:
		return get_u8(b, id, it, &p->rl_bytes);
	case MQTT_FIELD_EXTRA: {
		uint8_t *bytes;
		if (tmpl_hex(b->c, it->valuestring, b->a, &bytes, &p->extra.n, b->e) < 0)
			return -1;
		p->extra.p = bytes;
		return 0;
	}
	case MQTT_FIELD_PROTOCOL_LEVEL:
		return get_u8(b, id, it, &p->protocol_level);
	case MQTT_FIELD_CLEAN_SESSION:
		b->clean = cJSON_IsTrue(it);
		return 0;
	case MQTT_FIELD_KEEP_ALIVE:
		return get_u16(b, id, it, &p->keep_alive);
	case MQTT_FIELD_WILL:
		return build_will(b, it, p, &b->cflags);
	case MQTT_FIELD_SESSION_PRESENT:
		if (get_field(b, id, it, &x) < 0)
			return -1;
		p->ack_flags = (uint8_t)((p->ack_flags & ~1u) | (unsigned)x);
		return 0;
	case MQTT_FIELD_ACK_FLAGS:
		return get_u8(b, id, it, &p->ack_flags);
	case MQTT_FIELD_RETURN_CODE:
		return get_u8(b, id, it, &p->return_code);
	case MQTT_FIELD_PACKET_ID:
		b->have_pid = 1;
		return get_u16(b, id, it, &p->packet_id);
	case MQTT_FIELD_TOPICS:
		return build_topics(b, it, p);
	case MQTT_FIELD_RETURN_CODES:
		return build_codes(b, it, p);
	default:
		return 0; /* type, flags, connect_flags: applied last; strings: read by build_strings */
	}
}

static int build_strings(struct bctx *b, const cJSON *tmpl, struct mqtt_packet *p)
{
	if (get_str(b, tmpl, key_of(MQTT_FIELD_PROTOCOL_NAME), &p->protocol_name) < 0 ||
	    get_str(b, tmpl, key_of(MQTT_FIELD_CLIENT_ID), &p->client_id) < 0 ||
	    get_str(b, tmpl, key_of(MQTT_FIELD_USERNAME), &p->username) < 0 ||
	    get_str(b, tmpl, key_of(MQTT_FIELD_PASSWORD), &p->password) < 0 ||
	    get_str(b, tmpl, key_of(MQTT_FIELD_TOPIC), &p->topic) < 0)
		return -1;
	struct mqtt_str pl = {false, {NULL, 0}, -1};
	if (get_str(b, tmpl, key_of(MQTT_FIELD_PAYLOAD), &pl) < 0)
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
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(tmpl, key_of(MQTT_FIELD_FLAGS));
	if (f) {
		if (get_field(b, MQTT_FIELD_FLAGS, f, &x) < 0)
			return err_prefix(b->e, "%s", key_of(MQTT_FIELD_FLAGS));
		p->flags = (uint8_t)x;
	}
	f = cJSON_GetObjectItemCaseSensitive(tmpl, key_of(MQTT_FIELD_CONNECT_FLAGS));
	if (f) {
		if (get_field(b, MQTT_FIELD_CONNECT_FLAGS, f, &x) < 0)
			return err_prefix(b->e, "%s", key_of(MQTT_FIELD_CONNECT_FLAGS));
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
	/* A 5.0 CONNECT always has a Property Length (0 when nothing is set). */
	p->props.present = v == MQTT_V5;
}

int fields_build(const cJSON *tmpl, const struct tmpl_ctx *c, enum mqtt_version v, const char *default_client_id,
		 struct arena *a, struct mqtt_packet *p, struct err *e)
{
	struct bctx b = {c, a, e, v, 0, 0, 0, 0, 0, 0};
	int type = fields_type(v, tmpl, "packet", e);
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
		const struct fields5_def *d5 = v == MQTT_V5 ? fields5_find(it->string) : NULL;
		if (d5 && d5->id == FIELDS5_CLEAN_START)
			b.clean = cJSON_IsTrue(it);
		if (d5)
			continue; /* the rest are built by fields5_build, all at once */
		const struct fields_def *d = fields_find(it->string, v, &var);
		if (!d)
			return err_set(e, "%s: unknown field", it->string);
		enum mqtt_field_kind k = mqtt_field_get(d->id)->kind;
		if (k == MQTT_FIELD_KIND_STR || k == MQTT_FIELD_KIND_BIN || k == MQTT_FIELD_KIND_BYTES)
			continue; /* strings are read below, all variants at once */
		if (build_field(&b, d->id, it, p) < 0)
			return err_prefix(e, "%s", it->string);
	}
	if (build_strings(&b, tmpl, p) < 0)
		return -1;
	if (v == MQTT_V5 && fields5_build(tmpl, c, a, p, e) < 0)
		return -1;
	return build_flags(&b, tmpl, p);
}
