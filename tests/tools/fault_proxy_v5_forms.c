/*
 * fault_proxy_v5_forms.c - faults in the encoding of a 5.0 PUBLISH the
 * broker delivers: a Remaining Length longer than it needs, a Response
 * Topic with a wildcard.
 * Each touches only connections whose CONNECT spoke 5.0, and only a
 * PUBLISH that has the property it breaks. Pins: tests/faults/5.0/.
 */
#include <string.h>

#include "codec/mqtt_prop.h"
#include "codec/mqtt_varint.h"
#include "tests/tools/fault_proxy.h"

static bool is_publish(const struct fp_conn *c, const struct fp_pkt *k)
{
	return fp_v5(c) && k->p.type == MQTT_PUBLISH;
}

/* The Remaining Length in one byte more than its value needs (MQTT-1.5.5-1). */
static void rl_padded(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = is_publish(c, k) && mqtt_vbi_size(k->p.remaining_length) < 4;
	if (!hit) {
		fp_forward(c, k);
		return;
	}
	k->p.rl_bytes = (uint8_t)(mqtt_vbi_size(k->p.remaining_length) + 1);
	fp_send_exact(c, &k->p);
}

/* One property's string replaced (its value, for a User Property); a
 * string rule of its own then breaks, not the UTF-8 one of 1.5.4. */
static void string_bad(struct fp_conn *c, struct fp_pkt *k, const char *key, const char *bad)
{
	struct mqtt_prop *p = is_publish(c, k) ? mqtt_props_get(&k->p.props, key) : NULL;
	if (p) {
		struct mqtt_str *s = strcmp(key, "user_property") == 0 ? &p->value : &p->str;
		s->s = (struct mqtt_slice){(const uint8_t *)bad, strlen(bad)};
	}
	fp_send_if(c, k, p != NULL);
}

static void response_topic_wild(struct fp_conn *c, struct fp_pkt *k) { string_bad(c, k, "response_topic", "re/#"); }

const struct fp_fault fp_v5_form_faults[] = {
	{"v5-publish-rl-padded", "5.0: a PUBLISH's Remaining Length in one byte more than it needs", rl_padded, NULL,
	 NULL, 0},
	{"v5-response-topic-wildcard", "5.0: a delivered Response Topic becomes \"re/#\"", response_topic_wild, NULL,
	 NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
