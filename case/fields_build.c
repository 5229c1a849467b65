/* fields_build.c - build a packet to send from a case's packet object. See fields.h. */
#include <stdio.h>
#include <string.h>

#include "case/fields.h"

struct bctx {
	const struct tmpl_ctx *c;
	struct arena *a;
	struct err *e;
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

int fields_build(const cJSON *tmpl, const struct tmpl_ctx *c, const char *default_client_id, struct arena *a,
		 struct mqtt_packet *p, struct err *e)
{
	struct bctx b = {c, a, e};
	int type = fields_type(tmpl, "packet", e);
	if (type < 0)
		return -1;
	mqtt_packet_init(p, (enum mqtt_type)type);
	int req = mqtt_type_required_flags(p->type);
	p->flags = req < 0 ? 0 : (uint8_t)req;
	long dup = 0, qos = 0, retain = 0, x;
	int clean = 1, have_pid = 0;
	uint8_t cflags = 0;
	if (p->type == MQTT_CONNECT) {
		mqtt_packet_set_protocol(p, MQTT_V311);
		p->keep_alive = 60;
		p->client_id.present = true;
		p->client_id.s.p = (const uint8_t *)default_client_id;
		p->client_id.s.n = strlen(default_client_id);
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, tmpl)
	{
		enum fields_variant var;
		const struct fields_def *d = fields_find(it->string, &var);
		if (!d)
			return err_set(e, "%s: unknown field", it->string);
		if (d->kind == FIELDS_KIND_STR || d->kind == FIELDS_KIND_BYTES)
			continue; /* strings are read below, all variants at once */
		int rc = 0;
		switch (d->id) {
		case FIELDS_TYPE:
		case FIELDS_FLAGS:
		case FIELDS_CONNECT_FLAGS:
			break; /* applied last, so they override what the fields imply */
		case FIELDS_DUP:
			rc = get_int(&b, it, 0, 1, &dup);
			break;
		case FIELDS_QOS:
			rc = get_int(&b, it, 0, 3, &qos);
			break;
		case FIELDS_RETAIN:
			rc = get_int(&b, it, 0, 1, &retain);
			break;
		case FIELDS_REMAINING_LENGTH:
			rc = get_int(&b, it, 0, 4294967295L, &x);
			p->remaining_length = (uint32_t)x;
			p->rl_override = true;
			break;
		case FIELDS_REMAINING_LENGTH_BYTES:
			rc = get_int(&b, it, 1, 5, &x);
			p->rl_bytes = (uint8_t)x;
			break;
		case FIELDS_EXTRA: {
			uint8_t *bytes;
			size_t n;
			rc = tmpl_hex(c, it->valuestring, a, &bytes, &n, e);
			p->extra.p = bytes;
			p->extra.n = n;
			break;
		}
		case FIELDS_PROTOCOL_LEVEL:
			rc = get_int(&b, it, 0, 255, &x);
			p->protocol_level = (uint8_t)x;
			break;
		case FIELDS_CLEAN_SESSION:
			clean = cJSON_IsTrue(it);
			break;
		case FIELDS_KEEP_ALIVE:
			rc = get_int(&b, it, 0, 65535, &x);
			p->keep_alive = (uint16_t)x;
			break;
		case FIELDS_WILL:
			rc = build_will(&b, it, p, &cflags);
			break;
		case FIELDS_SESSION_PRESENT:
			rc = get_int(&b, it, 0, 1, &x);
			p->ack_flags = (uint8_t)((p->ack_flags & ~1u) | (unsigned)x);
			break;
		case FIELDS_ACK_FLAGS:
			rc = get_int(&b, it, 0, 255, &x);
			p->ack_flags = (uint8_t)x;
			break;
		case FIELDS_RETURN_CODE:
			rc = get_int(&b, it, 0, 255, &x);
			p->return_code = (uint8_t)x;
			break;
		case FIELDS_PACKET_ID:
			rc = get_int(&b, it, 0, 65535, &x);
			p->packet_id = (uint16_t)x;
			have_pid = 1;
			break;
		case FIELDS_TOPICS:
			rc = build_topics(&b, it, p);
			break;
		case FIELDS_RETURN_CODES: {
			const cJSON *v;
			cJSON_ArrayForEach(v, it)
			{
				if (get_int(&b, v, 0, 255, &x) < 0)
					return err_prefix(e, "return_codes");
				p->codes[p->code_count++] = (uint8_t)x;
			}
			break;
		}
		case FIELDS_PROTOCOL_NAME:
		case FIELDS_CLIENT_ID:
		case FIELDS_USERNAME:
		case FIELDS_PASSWORD:
		case FIELDS_TOPIC:
		case FIELDS_PAYLOAD:
			break;
		}
		if (rc < 0)
			return err_prefix(e, "%s", it->string);
	}
	if (get_str(&b, tmpl, "protocol_name", &p->protocol_name) < 0 || get_str(&b, tmpl, "client_id", &p->client_id) < 0 ||
	    get_str(&b, tmpl, "username", &p->username) < 0 || get_str(&b, tmpl, "password", &p->password) < 0 ||
	    get_str(&b, tmpl, "topic", &p->topic) < 0)
		return -1;
	struct mqtt_str pl = {false, {NULL, 0}, -1};
	if (get_str(&b, tmpl, "payload", &pl) < 0)
		return -1;
	p->payload = pl.s;

	switch (p->type) {
	case MQTT_CONNECT:
		cflags |= (uint8_t)(clean ? MQTT_CF_CLEAN_SESSION : 0);
		cflags |= (uint8_t)(p->username.present ? MQTT_CF_USERNAME : 0);
		cflags |= (uint8_t)(p->password.present ? MQTT_CF_PASSWORD : 0);
		p->connect_flags = cflags;
		break;
	case MQTT_PUBLISH:
		p->flags = (uint8_t)((dup ? MQTT_PF_DUP : 0) | qos << MQTT_PF_QOS_SHIFT | (retain ? MQTT_PF_RETAIN : 0));
		p->has_packet_id = qos > 0 || have_pid;
		break;
	default:
		p->has_packet_id = have_pid || p->type == MQTT_SUBSCRIBE || p->type == MQTT_UNSUBSCRIBE;
		break;
	}
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(tmpl, "flags");
	if (f) {
		if (get_int(&b, f, 0, 15, &x) < 0)
			return err_prefix(e, "flags");
		p->flags = (uint8_t)x;
	}
	f = cJSON_GetObjectItemCaseSensitive(tmpl, "connect_flags");
	if (f) {
		if (get_int(&b, f, 0, 255, &x) < 0)
			return err_prefix(e, "connect_flags");
		p->connect_flags = (uint8_t)x;
	}
	return 0;
}
