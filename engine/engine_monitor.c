/* engine_monitor.c - the invariants of engine_monitor.h, judged on every
 * packet a broker sends, from what the case's clients sent before it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_rule.h"
#include "codec/mqtt_topic.h"
#include "engine/engine_monitor.h"
#include "engine/engine_monitor_int.h"
#include "util/alloc.h"

/* The same invariants hold in 3.1.1 and 5.0; the clause each one is comes
 * from the codec's table for the connection's version. */
static const char *rule(enum mqtt_version v, enum mqtt_rule r)
{
	return mqtt_rule_clause(v, r);
}

struct mon_sub {
	char *filter;
	int qos;         /* requested until the SUBACK says what was granted */
	uint16_t pid;    /* of the SUBSCRIBE that made it */
	int refused;     /* SUBACK 0x80: no subscription */
};

/* An application message by identity: topic and payload. */
struct mon_message {
	uint8_t *topic;
	size_t tn;
	uint8_t *payload;
	size_t pn;
	int max_qos;     /* the highest QoS it was published with */
	size_t count;    /* times published at QoS 2 (publications) or delivered new at QoS 2 */
};

struct mon_session {
	char *client_id;
	struct mon_sub *subs;
	size_t nsubs;
	uint16_t *inflight;      /* ids of QoS 1/2 PUBLISHes to the client not yet acknowledged */
	uint32_t *inflight_msg;  /* ... and a hash of each one's topic and payload */
	size_t ninflight;
	char **stale;            /* filters of the session a CleanSession 1 connect discarded */
	size_t nstale;
	uint16_t *sending;       /* ids of the client's QoS 2 PUBLISHes before their PUBREL */
	size_t nsending;
	struct mon_message *delivered;
	size_t ndelivered;
};

void engine_monitor_conn_reset(struct mon_conn *c)
{
	c->seen_first = 0;
	c->disconnected = 0;
	c->session = 0;
	c->link = 0;
}

static struct mon_link *link_of(const struct engine_monitor *m, const struct mon_conn *c)
{
	return c->link ? &m->links[c->link - 1] : NULL;
}

static enum mqtt_version version_of(const struct engine_monitor *m, const struct mon_conn *c)
{
	const struct mon_link *l = link_of(m, c);
	return l ? l->version : MQTT_V311;
}

enum mqtt_version engine_monitor_conn_version(const struct engine_monitor *m, const struct mon_conn *c,
					      enum mqtt_version dflt)
{
	return c->link ? version_of(m, c) : dflt;
}

/* A CONNECT opens the connection's link: its version and, in 5.0, its limits. */
static void link_open(struct engine_monitor *m, struct mon_conn *c, enum mqtt_version v, const struct mqtt_packet *p)
{
	m->links = alloc_resize(m->links, (m->nlinks + 1) * sizeof *m->links);
	struct mon_link *l = &m->links[m->nlinks++];
	memset(l, 0, sizeof *l);
	l->version = v;
	if (v == MQTT_V5)
		mon_limits_connect(l, p);
	c->link = (long)m->nlinks;
}

static int ids_find(const uint16_t *v, size_t n, uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return (int)i;
	return -1;
}

static void ids_add(uint16_t **v, size_t *n, uint16_t id)
{
	if (ids_find(*v, *n, id) >= 0)
		return;
	*v = alloc_resize(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = id;
}

static void ids_del(uint16_t *v, size_t *n, uint16_t id)
{
	int i = ids_find(v, *n, id);
	if (i >= 0)
		v[i] = v[--*n];
}

/* FNV-1a over topic and payload: which message an id in flight carries. */
static uint32_t msg_hash(const struct mqtt_slice *t, const struct mqtt_slice *pl)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < t->n; i++)
		h = (h ^ t->p[i]) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (size_t i = 0; i < pl->n; i++)
		h = (h ^ pl->p[i]) * 16777619u;
	return h;
}

static void inflight_add(struct mon_session *s, uint16_t id, uint32_t h)
{
	int i = ids_find(s->inflight, s->ninflight, id);
	if (i >= 0) {
		s->inflight_msg[i] = h;
		return;
	}
	s->inflight = alloc_resize(s->inflight, (s->ninflight + 1) * sizeof *s->inflight);
	s->inflight_msg = alloc_resize(s->inflight_msg, (s->ninflight + 1) * sizeof *s->inflight_msg);
	s->inflight[s->ninflight] = id;
	s->inflight_msg[s->ninflight++] = h;
}

static void inflight_del(struct mon_session *s, uint16_t id)
{
	int i = ids_find(s->inflight, s->ninflight, id);
	if (i < 0)
		return;
	s->ninflight--;
	s->inflight[i] = s->inflight[s->ninflight];
	s->inflight_msg[i] = s->inflight_msg[s->ninflight];
}

static struct mon_message *msg_find(struct mon_message **v, size_t *n, const struct mqtt_slice *t,
				    const struct mqtt_slice *pl, int add)
{
	for (size_t i = 0; i < *n; i++) {
		struct mon_message *x = &(*v)[i];
		if (x->tn == t->n && x->pn == pl->n && (!t->n || !memcmp(x->topic, t->p, t->n)) &&
		    (!pl->n || !memcmp(x->payload, pl->p, pl->n)))
			return x;
	}
	if (!add)
		return NULL;
	*v = alloc_resize(*v, (*n + 1) * sizeof **v);
	struct mon_message *x = &(*v)[(*n)++];
	memset(x, 0, sizeof *x);
	x->topic = alloc_bytes(t->n);
	if (t->n)
		memcpy(x->topic, t->p, t->n);
	x->tn = t->n;
	x->payload = alloc_bytes(pl->n);
	if (pl->n)
		memcpy(x->payload, pl->p, pl->n);
	x->pn = pl->n;
	x->max_qos = -1;
	return x;
}

static void session_clear(struct mon_session *s)
{
	for (size_t i = 0; i < s->nsubs; i++)
		free(s->subs[i].filter);
	free(s->subs);
	s->subs = NULL;
	s->nsubs = 0;
	s->ninflight = 0;
	s->nsending = 0;
}

/* The session of a client id, as index + 1. CleanSession 1 (or an empty id)
 * starts a new one: a connection still open under the old one (a takeover in
 * progress) keeps judging by the old. */
static long session_find(const struct engine_monitor *m, const struct mqtt_slice *id)
{
	for (size_t i = m->nsessions; id->n && i-- > 0;) {
		const struct mon_session *s = &m->sessions[i];
		if (strlen(s->client_id) == id->n && !memcmp(s->client_id, id->p, id->n))
			return (long)i + 1;
	}
	return 0;
}

/* The filters a new CleanSession 1 session must no longer deliver through. */
static void keep_stale(struct mon_session *to, const struct mon_session *from)
{
	for (size_t i = 0; i < from->nsubs + from->nstale; i++) {
		const char *f = i < from->nsubs ? from->subs[i].filter : from->stale[i - from->nsubs];
		to->stale = alloc_resize(to->stale, (to->nstale + 1) * sizeof *to->stale);
		to->stale[to->nstale++] = alloc_strdup(f);
	}
}

static long session_open(struct engine_monitor *m, const struct mqtt_slice *id, int clean)
{
	long old = session_find(m, id);
	if (old && !clean)
		return old;
	m->sessions = alloc_resize(m->sessions, (m->nsessions + 1) * sizeof *m->sessions);
	struct mon_session *s = &m->sessions[m->nsessions];
	memset(s, 0, sizeof *s);
	if (old)
		keep_stale(s, &m->sessions[old - 1]);
	s->client_id = alloc_bytes(id->n + 1);
	if (id->n)
		memcpy(s->client_id, id->p, id->n);
	s->client_id[id->n] = '\0';
	return (long)++m->nsessions;
}

static void note_published(struct engine_monitor *m, const struct mqtt_slice *t, const struct mqtt_slice *pl, int qos,
			   int new_qos2)
{
	struct mon_message *x = msg_find(&m->published, &m->npublished, t, pl, 1);
	if (qos > x->max_qos)
		x->max_qos = qos;
	x->count += new_qos2;
}

static void tx_connect(struct engine_monitor *m, struct mon_conn *c, const struct mqtt_packet *p)
{
	c->session = session_open(m, &p->client_id.s, (p->connect_flags & MQTT_CF_CLEAN_SESSION) != 0);
	if (p->connect_flags & MQTT_CF_WILL) {
		int wq = (p->connect_flags >> MQTT_CF_WILL_QOS_SHIFT) & 3;
		note_published(m, &p->will_topic.s, &p->will_message.s, wq, wq == 2);
	}
}

void engine_monitor_tx_packet(struct engine_monitor *m, struct mon_conn *c, enum mqtt_version v,
			      const struct mqtt_packet *p)
{
	if (p->type == MQTT_CONNECT) {
		if (!c->link)
			link_open(m, c, v, p);
		tx_connect(m, c, p);
		return;
	}
	if (c->link)
		mon_limits_tx(link_of(m, c), p);
	if (!c->session)
		return;
	struct mon_session *s = &m->sessions[c->session - 1];
	int qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	switch (p->type) {
	case MQTT_SUBSCRIBE:
		for (size_t i = 0; i < p->entry_count; i++) {
			s->subs = alloc_resize(s->subs, (s->nsubs + 1) * sizeof *s->subs);
			struct mon_sub *u = &s->subs[s->nsubs++];
			const struct mqtt_slice *f = &p->entries[i].filter.s;
			u->filter = alloc_bytes(f->n + 1);
			if (f->n)
				memcpy(u->filter, f->p, f->n);
			u->filter[f->n] = '\0';
			u->qos = p->entries[i].qos & 3;
			u->pid = p->packet_id;
			u->refused = 0;
		}
		break;
	case MQTT_PUBLISH: {
		/* A repeat of a QoS 2 PUBLISH before its PUBREL is the same message. */
		int new2 = qos == 2 && ids_find(s->sending, s->nsending, p->packet_id) < 0;
		if (qos == 2)
			ids_add(&s->sending, &s->nsending, p->packet_id);
		note_published(m, &p->topic.s, &p->payload, qos, new2);
		break;
	}
	case MQTT_PUBREL:
		ids_del(s->sending, &s->nsending, p->packet_id);
		break;
	case MQTT_PUBACK:
	case MQTT_PUBCOMP:
		inflight_del(s, p->packet_id);
		break;
	default:
		break;
	}
}

/* Decode a packet the client sent: in the connection's version, or for its
 * CONNECT, in the version its Protocol Level names. 0, or -1 if it does not decode. */
static int tx_decode(const struct engine_monitor *m, const struct mon_conn *c, const uint8_t *b, size_t n,
		     struct mqtt_packet *p, enum mqtt_version *v)
{
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	*v = version_of(m, c);
	if (c->link || (b[0] >> 4) != MQTT_CONNECT)
		return mqtt_decode(*v, b, n, p, &d) < 0 ? -1 : 0;
	int ok = mqtt_decode(MQTT_V311, b, n, p, &d) >= 0;
	if (ok && p->protocol_level != mqtt_version_level(MQTT_V5))
		return 0;
	*v = MQTT_V5;
	int ok5 = mqtt_decode(MQTT_V5, b, n, p, &d) >= 0;
	if (ok5 && p->protocol_level == mqtt_version_level(MQTT_V5))
		return 0;
	/* Not 5.0 either: as 3.1.1 if that decoded. A 5.0-form CONNECT of
	 * another level opens no 5.0 link: the broker need not answer in 5.0. */
	*v = MQTT_V311;
	if (ok5 && !ok)
		return 0;
	return ok ? mqtt_decode(MQTT_V311, b, n, p, &d) >= 0 ? 0 : -1 : -1;
}

void engine_monitor_tx(struct engine_monitor *m, struct mon_conn *c, const uint8_t *b, size_t n)
{
	size_t off = 0;
	while (off < n) {
		struct mqtt_frame f;
		struct mqtt_diag d;
		memset(&d, 0, sizeof d);
		if (mqtt_frame_next(version_of(m, c), b + off, n - off, &f, &d) <= 0)
			return;
		struct mqtt_packet p;
		enum mqtt_version v;
		if (tx_decode(m, c, b + off, f.total_len, &p, &v) == 0)
			engine_monitor_tx_packet(m, c, v, &p);
		off += f.total_len;
	}
}

static void rx_suback(struct mon_session *s, const struct mqtt_packet *p)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nsubs; i++) {
		struct mon_sub *u = &s->subs[i];
		if (u->pid != p->packet_id || k >= p->code_count)
			continue;
		uint8_t rc = p->codes[k++];
		/* 0x80 in 3.1.1; in 5.0 every code from 0x80 on is a refusal. */
		if (rc >= 0x80)
			u->refused = 1;
		else if (rc <= 2)
			u->qos = rc;
		u->pid = 0; /* answered: a later SUBSCRIBE may reuse the id */
	}
}

/* The part of a filter that topics are matched against: in 5.0, a Shared
 * Subscription "$share/{ShareName}/{filter}" matches by its {filter}
 * (4.8.2); which member gets a message is the broker's choice, so every
 * member's delivery is judged as if it were the only one. */
static const char *filter_part(enum mqtt_version v, const char *filter)
{
	static const char share[] = "$share/";
	if (v != MQTT_V5 || strncmp(filter, share, sizeof share - 1) != 0)
		return filter;
	const char *name = filter + sizeof share - 1, *slash = strchr(name, '/');
	return slash && slash > name ? slash + 1 : filter;
}

/* Like mqtt_topic_match, but a leading wildcard also matches a '$' topic. */
static int matches(enum mqtt_version v, const char *subscribed, const struct mqtt_slice *t)
{
	const char *filter = filter_part(v, subscribed);
	size_t fn = strlen(filter);
	if (mqtt_topic_match((const uint8_t *)filter, fn, t->p, t->n))
		return 1;
	if (!t->n || t->p[0] != '$' || filter[0] == '$')
		return 0;
	uint8_t *name = alloc_bytes(t->n);
	memcpy(name, t->p, t->n);
	name[0] = 'x';
	int r = mqtt_topic_match((const uint8_t *)filter, fn, name, t->n);
	free(name);
	return r;
}

/* A delivery on `topic` (the name an alias stands for, in 5.0). */
static const char *rx_publish(struct engine_monitor *m, struct mon_session *s, enum mqtt_version v,
			      const struct mqtt_packet *p, const struct mqtt_slice *topic, char *what, size_t n)
{
	int qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	int dup = (p->flags & MQTT_PF_DUP) != 0, retain = (p->flags & MQTT_PF_RETAIN) != 0;
	int grant = -1;
	size_t nmatch = 0;
	for (size_t i = 0; i < s->nsubs; i++)
		if (!s->subs[i].refused && matches(v, s->subs[i].filter, topic)) {
			nmatch++;
			if (s->subs[i].qos > grant)
				grant = s->subs[i].qos;
		}
	int tl = topic->n > 200 ? 200 : (int)topic->n;
	if (!nmatch) {
		for (size_t i = 0; i < s->nstale; i++)
			if (matches(v, s->stale[i], topic)) {
				snprintf(what, n, "PUBLISH on \"%.*s\" through \"%s\", a subscription of the session that "
					 "%s 1 discarded", tl, (const char *)topic->p, s->stale[i],
					 v == MQTT_V5 ? "Clean Start" : "CleanSession");
				return rule(v, MQTT_RULE_SESSION_DISCARDED);
			}
		snprintf(what, n, "PUBLISH on \"%.*s\" matches none of the client's subscriptions (%zu)", tl,
			 (const char *)topic->p, s->nsubs);
		return rule(v, MQTT_RULE_PUBLISH_MATCHES);
	}
	if (qos > grant) {
		snprintf(what, n, "PUBLISH on \"%.*s\" at QoS %d; the matching subscriptions grant at most QoS %d", tl,
			 (const char *)topic->p, qos, grant);
		return rule(v, MQTT_RULE_PUBLISH_GRANT);
	}
	const struct mon_message *pub = msg_find(&m->published, &m->npublished, topic, &p->payload, 0);
	if (pub && qos > pub->max_qos) {
		snprintf(what, n, "PUBLISH on \"%.*s\" at QoS %d; the message was published at QoS %d at most", tl,
			 (const char *)topic->p, qos, pub->max_qos);
		return rule(v, MQTT_RULE_PUBLISH_GRANT);
	}
	/* The same message again under its id is a re-send (its DUP flag is the
	 * cases' to judge); another message under an id in flight is a reuse. */
	uint32_t h = msg_hash(topic, &p->payload);
	int k = qos > 0 ? ids_find(s->inflight, s->ninflight, p->packet_id) : -1;
	if (k >= 0 && !dup && s->inflight_msg[k] != h) {
		snprintf(what, n, "a new PUBLISH with packet id %u while another message with that id is unacknowledged",
			 p->packet_id);
		return rule(v, MQTT_RULE_PACKET_ID_IN_USE);
	}
	int resend = k >= 0 && s->inflight_msg[k] == h;
	if (qos > 0)
		inflight_add(s, p->packet_id, h);
	if (qos != 2 || dup || resend || retain || !pub)
		return NULL;
	struct mon_message *d = msg_find(&s->delivered, &s->ndelivered, topic, &p->payload, 1);
	if (++d->count > pub->count * nmatch) {
		snprintf(what, n, "QoS 2 message on \"%.*s\" delivered new %zu times: published %zu times, %zu matching subscriptions",
			 tl, (const char *)topic->p, d->count, pub->count, nmatch);
		return rule(v, MQTT_RULE_QOS2_RECEIVER);
	}
	return NULL;
}

const char *engine_monitor_rx(struct engine_monitor *m, struct mon_conn *c, const struct mqtt_packet *p, int broken,
			      char *what, size_t n)
{
	int first = !c->seen_first;
	c->seen_first = 1;
	enum mqtt_version v = version_of(m, c);
	/* 5.0's enhanced authentication: AUTH may precede the CONNACK. */
	if (first && p->type == MQTT_AUTH && c->link && link_of(m, c)->auth && v == MQTT_V5) {
		c->seen_first = 0;
		return NULL;
	}
	if (first && p->type != MQTT_CONNACK) {
		snprintf(what, n, "the first packet on the connection is %s, not CONNACK", mqtt_type_name(p->type));
		return rule(v, MQTT_RULE_FIRST_CONNACK);
	}
	if (c->disconnected && rule(v, MQTT_RULE_AFTER_DISCONNECT)) {
		snprintf(what, n, "a %s after the broker's DISCONNECT", mqtt_type_name(p->type));
		return rule(v, MQTT_RULE_AFTER_DISCONNECT);
	}
	c->disconnected = p->type == MQTT_DISCONNECT;
	/* A refusing PUBREC ends the exchange, however ill-formed its properties:
	 * the id's next PUBLISH is a new message (MQTT-4.3.3-9). */
	if (c->session && p->type == MQTT_PUBREC && p->reason_code >= 0x80) {
		struct mon_session *s = &m->sessions[c->session - 1];
		ids_del(s->sending, &s->nsending, p->packet_id);
	}
	if (broken)
		return NULL;
	struct mon_link *l = link_of(m, c);
	struct mqtt_slice topic = p->topic.s;
	const char *r = l ? mon_limits_rx(l, p, what, n) : NULL;
	if (l && p->type == MQTT_PUBLISH && !mon_limits_topic(l, p, &topic))
		return r; /* an alias it never set: the delivery cannot be placed */
	if (!c->session)
		return r;
	struct mon_session *s = &m->sessions[c->session - 1];
	if (p->type == MQTT_SUBACK)
		rx_suback(s, p);
	else if (p->type == MQTT_PUBLISH) {
		char w2[400];
		const char *q = rx_publish(m, s, v, p, &topic, w2, sizeof w2);
		if (!r && q) {
			snprintf(what, n, "%s", w2);
			r = q;
		}
	}
	return r;
}

static void msgs_free(struct mon_message *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].topic);
		free(v[i].payload);
	}
	free(v);
}

void engine_monitor_free(struct engine_monitor *m)
{
	for (size_t i = 0; i < m->nsessions; i++) {
		struct mon_session *s = &m->sessions[i];
		session_clear(s);
		free(s->client_id);
		free(s->inflight);
		free(s->inflight_msg);
		for (size_t k = 0; k < s->nstale; k++)
			free(s->stale[k]);
		free(s->stale);
		free(s->sending);
		msgs_free(s->delivered, s->ndelivered);
	}
	free(m->sessions);
	msgs_free(m->published, m->npublished);
	for (size_t i = 0; i < m->nlinks; i++)
		mon_limits_free(&m->links[i]);
	free(m->links);
	memset(m, 0, sizeof *m);
}
