/*
 * mqtt_prop.c - reading and writing a 5.0 property block (see mqtt_prop.h).
 *
 * Writing is faithful: the ids, values, raw overrides and the Property
 * Length are written as given. Reading is bounded by the block's own length
 * and the packet's end, so a lying length never reads outside the packet.
 */
#include "codec/mqtt_prop.h"

#include <string.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_int.h"
#include "codec/mqtt_varint.h"

struct mqtt_prop *mqtt_props_get(const struct mqtt_props *props, const char *key)
{
	const struct mqtt_prop_def *d = mqtt_prop_find(key);
	for (size_t i = 0; d != NULL && i < props->count; i++)
		if (props->items[i].id == d->id)
			return (struct mqtt_prop *)&props->items[i];
	return NULL;
}

struct mqtt_prop *mqtt_props_add(struct mqtt_props *props, const char *key)
{
	const struct mqtt_prop_def *d = mqtt_prop_find(key);
	if (d == NULL || props->count >= MQTT_MAX_PROPS)
		return NULL;
	struct mqtt_prop *p = &props->items[props->count++];
	memset(p, 0, sizeof *p);
	p->id = d->id;
	p->str.len_override = p->value.len_override = -1;
	props->present = true;
	return p;
}

bool mqtt_props_required(enum mqtt_type t)
{
	return t == MQTT_CONNECT || t == MQTT_CONNACK || t == MQTT_PUBLISH || t == MQTT_SUBSCRIBE ||
	       t == MQTT_SUBACK || t == MQTT_UNSUBSCRIBE || t == MQTT_UNSUBACK;
}

size_t mqtt_vbi_size(uint32_t value)
{
	size_t n = 1;
	for (uint32_t v = value >> 7; v != 0; v >>= 7)
		n++;
	return n;
}

struct pw {
	uint8_t *out; /* NULL: count only */
	size_t pos;
};

static void pw_u8(struct pw *w, uint8_t b)
{
	if (w->out != NULL)
		w->out[w->pos] = b;
	w->pos++;
}

static void pw_num(struct pw *w, uint32_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		pw_u8(w, (uint8_t)(v >> (8 * i)));
}

static int pw_vbi(struct pw *w, uint32_t v, uint8_t min_bytes)
{
	uint8_t tmp[5];
	int n = mqtt_varint_encode(v, min_bytes, tmp, sizeof tmp);
	if (n < 0)
		return MQTT_ERR_INVALID;
	for (int i = 0; i < n; i++)
		pw_u8(w, tmp[i]);
	return 0;
}

static int pw_bytes(struct pw *w, struct mqtt_slice s)
{
	if (s.n > MQTT_MAX_REMAINING_LENGTH)
		return MQTT_ERR_INVALID;
	if (w->out != NULL && s.n > 0)
		memcpy(w->out + w->pos, s.p, s.n);
	w->pos += s.n;
	return 0;
}

static int pw_str(struct pw *w, const struct mqtt_str *s)
{
	if (s->s.n > 0xFFFF || s->len_override > 0xFFFF)
		return MQTT_ERR_INVALID;
	pw_num(w, (uint32_t)(s->len_override >= 0 ? (size_t)s->len_override
						  : s->s.n), 2);
	return pw_bytes(w, s->s);
}

static int pw_value(struct pw *w, const struct mqtt_prop *p)
{
	if (p->has_raw)
		return pw_bytes(w, p->raw);
	const struct mqtt_prop_def *def = mqtt_prop_get(p->id);
	if (def == NULL)
		return 0; /* an unknown id: only `raw` can say its value */
	switch (def->type) {
	case MQTT_PROP_BYTE:
		if (p->num > 0xFF)
			return MQTT_ERR_INVALID;
		pw_u8(w, (uint8_t)p->num);
		return 0;
	case MQTT_PROP_U16:
		if (p->num > 0xFFFF)
			return MQTT_ERR_INVALID;
		pw_num(w, p->num, 2);
		return 0;
	case MQTT_PROP_U32:
		pw_num(w, p->num, 4);
		return 0;
	case MQTT_PROP_VBI:
		return pw_vbi(w, p->num, 0);
	case MQTT_PROP_STR:
	case MQTT_PROP_BIN:
		return pw_str(w, &p->str);
	case MQTT_PROP_PAIR:
		TRY(pw_str(w, &p->str));
		return pw_str(w, &p->value);
	}
	return MQTT_ERR_INVALID;
}

static int pw_items(struct pw *w, const struct mqtt_props *props)
{
	if (props->count > MQTT_MAX_PROPS)
		return MQTT_ERR_INVALID;
	for (size_t i = 0; i < props->count; i++) {
		TRY(pw_vbi(w, props->items[i].id, 0));
		TRY(pw_value(w, &props->items[i]));
	}
	return 0;
}

int mqtt_props_length(const struct mqtt_props *props)
{
	struct pw count = {NULL, 0};
	TRY(pw_items(&count, props));
	return (int)count.pos;
}

int mqtt_props_write(const struct mqtt_props *props, uint8_t *out)
{
	if (!props->present)
		return 0;
	if (props->len_bytes > 5 ||
	    props->len_override > (int64_t)MQTT_MAX_REMAINING_LENGTH)
		return MQTT_ERR_INVALID;
	struct pw count = {NULL, 0};
	TRY(pw_items(&count, props));
	if (count.pos > MQTT_MAX_REMAINING_LENGTH)
		return MQTT_ERR_INVALID;
	uint32_t len = props->len_override >= 0 ? (uint32_t)props->len_override
						: (uint32_t)count.pos;
	struct pw w = {out, 0};
	TRY(pw_vbi(&w, len, props->len_bytes));
	TRY(pw_items(&w, props));
	return (int)w.pos;
}

/* Reading. */

struct pr {
	enum mqtt_version v;
	const uint8_t *in;
	size_t pos, end; /* end: the block's end, not past the packet */
	const char *what;
	struct mqtt_diag *diag;
};

static int pr_short(struct pr *r, const char *name, size_t need)
{
	return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, r->pos, r->v,
			     MQTT_RULE_PROP_LENGTH,
			     "%s: %s needs %zu bytes, %zu left in the block",
			     r->what, name, need, r->end - r->pos);
}

/* A Variable Byte Integer inside the block, in its shortest form. */
static int pr_vbi(struct pr *r, uint32_t *v, const char *name)
{
	struct mqtt_diag inner = {0};
	int n = mqtt_varint_decode(r->v, r->in + r->pos, r->end - r->pos, v,
				   &inner);
	if (n == 0)
		return pr_short(r, name, r->end - r->pos + 1);
	if (n < 0)
		return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED,
				     r->pos + inner.offset, r->v,
				     MQTT_RULE_LENGTH_BYTES,
				     "%s: %s continues past 4 bytes", r->what,
				     name);
	if ((size_t)n != mqtt_vbi_size(*v))
		return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, r->pos, r->v,
				     MQTT_RULE_VBI_MINIMAL,
				     "%s: %s %lu takes %d bytes, %zu would do",
				     r->what, name, (unsigned long)*v, n,
				     mqtt_vbi_size(*v));
	r->pos += (size_t)n;
	return 0;
}

static int pr_num(struct pr *r, uint32_t *v, size_t bytes, const char *name)
{
	if (r->end - r->pos < bytes)
		return pr_short(r, name, bytes);
	uint32_t acc = 0;
	for (size_t i = 0; i < bytes; i++)
		acc = acc << 8 | r->in[r->pos + i];
	*v = acc;
	r->pos += bytes;
	return 0;
}

static int pr_str(struct pr *r, struct mqtt_str *s, const char *name)
{
	uint32_t n = 0;
	size_t at = r->pos;
	TRY(pr_num(r, &n, 2, name));
	if (n > r->end - r->pos)
		return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, at, r->v,
				     MQTT_RULE_PROP_LENGTH,
				     "%s: %s length %lu runs past the block "
				     "(%zu bytes left)",
				     r->what, name, (unsigned long)n,
				     r->end - r->pos);
	s->present = true;
	s->s.p = r->in + r->pos;
	s->s.n = n;
	s->len_override = -1;
	r->pos += n;
	return 0;
}

static int pr_value(struct pr *r, const struct mqtt_prop_def *def,
		    struct mqtt_prop *p)
{
	switch (def->type) {
	case MQTT_PROP_BYTE:
		return pr_num(r, &p->num, 1, def->name);
	case MQTT_PROP_U16:
		return pr_num(r, &p->num, 2, def->name);
	case MQTT_PROP_U32:
		return pr_num(r, &p->num, 4, def->name);
	case MQTT_PROP_VBI:
		return pr_vbi(r, &p->num, def->name);
	case MQTT_PROP_STR:
	case MQTT_PROP_BIN:
		return pr_str(r, &p->str, def->name);
	case MQTT_PROP_PAIR:
		TRY(pr_str(r, &p->str, def->name));
		return pr_str(r, &p->value, def->name);
	}
	return 0;
}

static int pr_item(struct pr *r, struct mqtt_props *props)
{
	if (props->count == MQTT_MAX_PROPS)
		return mqtt_err_diag(r->diag, MQTT_ERR_LIMIT, r->pos, r->v,
				     MQTT_RULE_NONE, "%s: more than %d",
				     r->what, MQTT_MAX_PROPS);
	struct mqtt_prop *p = &props->items[props->count];
	mqtt_prop_init(p);
	size_t at = r->pos;
	TRY(pr_vbi(r, &p->id, "property identifier"));
	const struct mqtt_prop_def *def = mqtt_prop_get(p->id);
	if (def == NULL)
		return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, at, r->v,
				     MQTT_RULE_PROP_UNKNOWN,
				     "%s: property identifier 0x%02lx is not "
				     "defined",
				     r->what, (unsigned long)p->id);
	TRY(pr_value(r, def, p));
	props->count++;
	return 0;
}

int mqtt_props_read(enum mqtt_version v, const uint8_t *in, size_t pos,
		    size_t end, struct mqtt_props *props, const char *what,
		    struct mqtt_diag *diag)
{
	mqtt_props_reset(props);
	if (pos >= end)
		return mqtt_err_diag(diag, MQTT_ERR_MALFORMED, pos, v,
				     MQTT_RULE_PROPS_MISSING,
				     "%s: the Property Length is missing",
				     what);
	struct pr r = {v, in, pos, end, what, diag};
	uint32_t len;
	int n = mqtt_varint_decode(v, in + pos, end - pos, &len, NULL);
	if (n == 0)
		return pr_short(&r, "Property Length", end - pos + 1);
	if (n < 0)
		return mqtt_err_diag(diag, MQTT_ERR_MALFORMED, pos + 3, v,
				     MQTT_RULE_LENGTH_BYTES,
				     "%s: Property Length continues past 4 "
				     "bytes", what);
	r.pos += (size_t)n;
	if (len > end - r.pos)
		return mqtt_err_diag(diag, MQTT_ERR_MALFORMED, pos, v,
				     MQTT_RULE_PROP_LENGTH,
				     "%s: Property Length %lu runs past the "
				     "packet (%zu bytes left)",
				     what, (unsigned long)len, end - r.pos);
	props->present = true;
	props->len_bytes = (uint8_t)n;
	r.end = r.pos + len;
	while (r.pos < r.end)
		TRY(pr_item(&r, props));
	return (int)r.end;
}
