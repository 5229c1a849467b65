/*
 * fault_proxy_v5_features.c - 5.0 features that no broker here offers, put
 * in front of one by the proxy: once done as the spec permits (the cases
 * about the feature must PASS, not be NOT APPLICABLE: their pins say
 * `PASS case-id`), and in broken forms that must FAIL. Like the other 5.0
 * faults, each touches only connections whose CONNECT spoke 5.0.
 *
 *   Topic Aliases to the client (3.3.2.3.4): the proxy names each topic
 *   once with an alias and then sends the alias alone, within the Topic
 *   Alias Maximum of the client's CONNECT.
 *   Server Keep Alive (3.2.2.3.14): a CONNECT asking a Keep Alive over
 *   KA_CAP s gets Server Keep Alive KA_SERVER s in its CONNACK, and the
 *   proxy closes the client when it has heard nothing from it for one and
 *   a half times that (the broker behind still holds the client's value).
 *
 * State per connection lives in a small ring here, keyed by connection id
 * (one proxy serves one run).
 */
#include <string.h>

#include "codec/mqtt_prop.h"
#include "tests/tools/fault_proxy.h"

#define ALIAS_CONNS 1024 /* connections remembered (a ring; more than a run has open at once) */
#define ALIAS_TOPICS 4 /* aliases the proxy uses per connection, at most */
#define KA_CAP 300     /* a Keep Alive above this (s) is capped */
#define KA_SERVER 2    /* to this Server Keep Alive (s) */

enum alias_mode { ALIAS_RIGHT, ALIAS_OVER, ALIAS_ZERO };

struct alias_conn {
	unsigned id;	/* the connection; 0: a free slot */
	uint32_t max;	/* the client's Topic Alias Maximum (0: none) */
	bool capped;	/* its Keep Alive was over KA_CAP */
	uint16_t keep_alive; /* the CONNECT's */
	char topic[ALIAS_TOPICS][FP_TOPIC_CAP];
	unsigned next;	/* the alias slot to reuse when all are taken */
};

static struct alias_conn conns[ALIAS_CONNS];

static struct alias_conn *conn_of(const struct fp_conn *c)
{
	struct alias_conn *a = &conns[c->id % ALIAS_CONNS];
	return a->id == c->id ? a : NULL;
}

static void prop_put_num(struct mqtt_props *pr, const char *key, uint32_t v)
{
	struct mqtt_prop *p = mqtt_props_add(pr, key);
	if (p)
		p->num = v;
}

/* Every 5.0 CONNECT: what the features need of it. */
static void remember_connect(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_CONNECT)
		return;
	struct alias_conn *a = &conns[c->id % ALIAS_CONNS];
	memset(a, 0, sizeof *a);
	a->id = c->id;
	const struct mqtt_prop *m = mqtt_props_get(&p->props, "topic_alias_maximum");
	a->max = m ? m->num : 0;
	a->capped = p->keep_alive > KA_CAP;
	a->keep_alive = p->keep_alive;
}

/* ---- Topic Aliases to the client ---- */

/* The alias slot of `t` (0-based), or -1. */
static int alias_find(const struct alias_conn *a, struct mqtt_slice t, unsigned slots)
{
	for (unsigned i = 0; i < slots; i++)
		if (strlen(a->topic[i]) == t.n && memcmp(a->topic[i], t.p, t.n) == 0)
			return (int)i;
	return -1;
}

static void alias_publish(struct fp_conn *c, struct fp_pkt *k, enum alias_mode mode)
{
	struct alias_conn *a = conn_of(c);
	struct mqtt_slice t = k->p.topic.s;
	bool hit = fp_v5(c) && a && a->max > 0 && k->p.type == MQTT_PUBLISH && t.n > 0 && t.n < FP_TOPIC_CAP &&
		   !mqtt_props_get(&k->p.props, "topic_alias");
	if (!hit) {
		fp_forward(c, k);
		return;
	}
	unsigned slots = a->max < ALIAS_TOPICS ? a->max : ALIAS_TOPICS;
	int i = alias_find(a, t, slots);
	if (i >= 0) {
		k->p.topic.s.n = 0; /* the alias alone stands for the topic */
	} else {
		i = (int)(a->next++ % slots);
		memcpy(a->topic[i], t.p, t.n);
		a->topic[i][t.n] = '\0';
	}
	uint32_t alias = mode == ALIAS_ZERO ? 0 : mode == ALIAS_OVER ? a->max + 1u : (uint32_t)i + 1u;
	prop_put_num(&k->p.props, "topic_alias", alias);
	fp_send(c, &k->p);
}

static void alias_right(struct fp_conn *c, struct fp_pkt *k) { alias_publish(c, k, ALIAS_RIGHT); }
static void alias_over(struct fp_conn *c, struct fp_pkt *k) { alias_publish(c, k, ALIAS_OVER); }
static void alias_zero(struct fp_conn *c, struct fp_pkt *k) { alias_publish(c, k, ALIAS_ZERO); }

/* ---- Server Keep Alive ---- */

static void ka_connack(struct fp_conn *c, struct fp_pkt *k)
{
	struct alias_conn *a = conn_of(c);
	bool hit = fp_v5(c) && a && a->capped && k->p.type == MQTT_CONNACK && k->p.return_code == 0 &&
		   !mqtt_props_get(&k->p.props, "server_keep_alive");
	if (hit)
		prop_put_num(&k->p.props, "server_keep_alive", KA_SERVER);
	fp_send_if(c, k, hit);
}

/* Each packet from a capped client restarts its one and a half periods. */
static void ka_enforce(struct fp_conn *c, const struct mqtt_packet *p)
{
	remember_connect(c, p);
	struct alias_conn *a = conn_of(c);
	if (fp_v5(c) && a && a->capped)
		fp_close_after(c, KA_SERVER * 1500.0);
}

/* The client's own Keep Alive, but a quarter of it: each packet from the
 * client restarts 1.5 x KA / 4, and no Server Keep Alive says so. */
static void ka_quartered(struct fp_conn *c, const struct mqtt_packet *p)
{
	remember_connect(c, p);
	struct alias_conn *a = conn_of(c);
	if (fp_v5(c) && a && a->keep_alive > 0)
		fp_close_after(c, a->keep_alive * 1500.0 / 4);
}

const struct fp_fault fp_v5_feature_faults[] = {
	{"v5-keep-alive-quartered", "5.0: the client's Keep Alive enforced as a quarter of itself, unannounced", NULL,
	 ka_quartered, NULL, 0},
	{"v5-alias-out", "5.0: topics to the client by Topic Alias, within its Topic Alias Maximum (permitted)",
	 alias_right, remember_connect, NULL, 0},
	{"v5-alias-over", "5.0: topics to the client by a Topic Alias one over its Topic Alias Maximum", alias_over,
	 remember_connect, NULL, 0},
	{"v5-alias-zero", "5.0: topics to the client by Topic Alias 0", alias_zero, remember_connect, NULL, 0},
	{"v5-server-keep-alive", "5.0: a Keep Alive over 300 s capped by Server Keep Alive 2, enforced (permitted)",
	 ka_connack, ka_enforce, NULL, 0},
	{"v5-server-keep-alive-unheld", "5.0: a Keep Alive over 300 s capped by Server Keep Alive 2, never enforced",
	 ka_connack, remember_connect, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
