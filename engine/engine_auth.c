/* engine_auth.c - a declared enhanced-authentication exchange (--auth FILE,
 * spec 4.12) as the client plays it: each AUTH 0x18 (Continue
 * authentication) from the broker that names the declared method is
 * answered by AUTH 0x18 with the method and the next datum, and taken as
 * read (a re-authentication, AUTH 0x19, starts the data over). The data
 * are masked wherever the trace shows what the client sent, as the
 * password is. */
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_encode.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_prop.h"
#include "engine/engine_int.h"
#include "util/alloc.h"

#define AUTH_CONTINUE 0x18
#define AUTH_REAUTHENTICATE 0x19

void engine_auth_mask(const struct engine_opts *o, uint8_t *b, size_t n)
{
	for (size_t k = 0; k < o->nauth_data; k++) {
		const struct mqtt_slice *d = &o->auth_data[k];
		for (size_t i = 0; d->n && i + d->n <= n; i++)
			if (memcmp(b + i, d->p, d->n) == 0) {
				memset(b + i, '*', d->n);
				i += d->n - 1;
			}
	}
}

static void add_prop(struct mqtt_props *pr, const char *key, struct mqtt_slice s)
{
	struct mqtt_prop *p = mqtt_props_add(pr, key); /* an AUTH's second of two: never full */
	p->str.present = true;
	p->str.s = s;
}

/* Does the AUTH name method m? */
static int names_method(const struct mqtt_packet *p, const char *m)
{
	const struct mqtt_prop *a = mqtt_props_get(&p->props, "authentication_method");
	return a && a->str.s.n == strlen(m) && memcmp(a->str.s.p, m, a->str.s.n) == 0;
}

int engine_auth_answer(struct engine_case *r, int ci, const struct mqtt_packet *got, double now)
{
	const struct engine_opts *o = r->o;
	struct engine_client *c = &r->cl[ci];
	/* Only an AUTH that continues the declared method's exchange: any other
	 * is left for the steps to judge (a client would not go on with it). */
	if (got->type != MQTT_AUTH || got->reason_code != AUTH_CONTINUE || !o->auth_method ||
	    !names_method(got, o->auth_method))
		return 0;
	if (1 + c->auth_round >= o->nauth_data) {
		engine_client_wire(r, ci, WIRE_NOTE, NULL, 0,
				   "auto_auth: the broker asks for more authentication than --auth declares; not answered",
				   NULL, now);
		return 0;
	}
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_AUTH);
	p.has_reason_code = true;
	p.reason_code = AUTH_CONTINUE;
	add_prop(&p.props, "authentication_method",
		 (struct mqtt_slice){(const uint8_t *)o->auth_method, strlen(o->auth_method)});
	add_prop(&p.props, "authentication_data", o->auth_data[1 + c->auth_round++]);
	size_t n = mqtt_encode_size(MQTT_V5, &p);
	uint8_t *b = arena_alloc(&r->arena, n ? n : 1), *logged = arena_alloc(&r->arena, n ? n : 1);
	if (!n || mqtt_encode(MQTT_V5, &p, b, n) < 0)
		return 0;
	memcpy(logged, b, n);
	engine_auth_mask(o, logged, n);
	char text[300];
	mqtt_print_v(MQTT_V5, &p, text, sizeof text);
	size_t l = strlen(text);
	snprintf(text + l, sizeof text - l, " (auto_auth)");
	engine_client_send(r, ci, b, logged, n, text, now);
	return 1;
}

void engine_auth_sent(struct engine_case *r, int ci, const struct mqtt_packet *p)
{
	if (p->type == MQTT_AUTH && p->reason_code == AUTH_REAUTHENTICATE)
		r->cl[ci].auth_round = 0;
}
