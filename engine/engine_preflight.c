/* engine_preflight.c - one pre-flight CONNECT: can we connect (TCP, TLS,
 * WebSocket), and does the broker accept a plain CONNECT of this version?
 * If it cannot be reached, stays silent or refuses for another reason than
 * the version, the run is a set-up error, never a page of INCONCLUSIVE
 * verdicts (engine_preflight.h). */
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_rule.h"
#include "engine/engine_preflight.h"
#include "engine/sync_client.h"
#include "util/clock.h"

/* The CONNACK code by which a version says "not this protocol version":
 * 3.1.1's 0x01, 5.0's 0x84 (Unsupported Protocol Version). */
static unsigned version_refused_code(enum mqtt_version v)
{
	return v == MQTT_V5 ? 0x84 : 0x01;
}

static const char *code_name(enum mqtt_version v, unsigned code)
{
	const char *n = mqtt_return_code_name(v, MQTT_CONNACK, code);
	return n ? n : "no name known";
}

/* The end of a pre-flight that does not accept: pf and e say why. */
static int stop(struct sync_client *b, struct engine_preflight *pf, struct err *e, enum engine_pf_answer a,
		const char *what)
{
	char msg[sizeof e->msg];
	snprintf(msg, sizeof msg, "pre-flight: %s %s", pf->url, what);
	conn_close(&b->conn);
	pf->answer = a;
	snprintf(pf->why, sizeof pf->why, "%s", msg);
	err_set(e, "%s", msg);
	return a == ENGINE_PF_REFUSED ? 1 : -1;
}

/* The CONNECT as the trace shows it: its bytes, the password masked. */
static void log_connect(struct engine_preflight *pf, const struct mqtt_packet *p)
{
	int n = mqtt_encode(pf->version, p, pf->tx, sizeof pf->tx);
	pf->txn = n > 0 ? (size_t)n : 0;
	if (n > 0 && p->password.present && p->password.s.n <= (size_t)n)
		memset(pf->tx + n - p->password.s.n, '*', p->password.s.n);
	mqtt_print(p, pf->tx_text, sizeof pf->tx_text);
}

static void log_answer(struct engine_preflight *pf, const struct sync_client *b)
{
	pf->rxn = b->lastn > sizeof pf->rx ? sizeof pf->rx : b->lastn;
	if (pf->rxn)
		memcpy(pf->rx, b->last, pf->rxn);
	pf->first_is_connack = pf->rxn && pf->rx[0] >> 4 == MQTT_CONNACK;
}

/* A packet came (decoded or not): which rule of its version, if any, it breaks. */
static void judge(struct engine_preflight *pf, int decoded, const struct mqtt_packet *a, const struct mqtt_diag *d)
{
	if (!pf->first_is_connack) {
		pf->clause = mqtt_rule_clause(pf->version, MQTT_RULE_FIRST_CONNACK);
		snprintf(pf->what, sizeof pf->what, "the first packet is %s, not CONNACK",
			 mqtt_type_name((enum mqtt_type)(pf->rx[0] >> 4)));
		return;
	}
	struct mqtt_diag c;
	memset(&c, 0, sizeof c);
	if (!decoded) {
		pf->clause = d->clause;
		snprintf(pf->what, sizeof pf->what, "%s", d->msg);
	} else if (mqtt_check(pf->version, a, MQTT_FROM_SERVER, &c) < 0) {
		pf->clause = c.clause;
		snprintf(pf->what, sizeof pf->what, "%s", c.msg);
	}
}

/* An answer that is no packet of this version may be the other version's
 * CONNACK refusing it: a 3.1.1-only broker answers a 5.0 CONNECT with its
 * own 0x01, a 5.0-only one may answer a 3.1.1 CONNECT with 0x84. 1 if so,
 * the answer's text in pf. */
static int other_version_refusal(struct engine_preflight *pf, const struct sync_client *b)
{
	enum mqtt_version other = pf->version == MQTT_V5 ? MQTT_V311 : MQTT_V5;
	struct mqtt_packet a;
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	if (!b->lastn || mqtt_decode(other, b->last, b->lastn, &a, &d) < 0 || a.type != MQTT_CONNACK ||
	    a.return_code != version_refused_code(other))
		return 0;
	char text[200];
	mqtt_print(&a, text, sizeof text);
	snprintf(pf->rx_text, sizeof pf->rx_text, "%s (an MQTT %s CONNACK)", text, mqtt_version_name(other));
	return 1;
}

static int refused(struct sync_client *b, struct engine_preflight *pf, struct err *e, const struct engine_opts *o,
		   uint8_t rc)
{
	enum mqtt_version v = pf->version;
	char why[240];
	int creds = v == MQTT_V5 ? rc == 0x86 || rc == 0x87 : rc == 4 || rc == 5;
	snprintf(why, sizeof why, "refused a plain CONNECT with %s code 0x%02x (%s)%s",
		 v == MQTT_V5 ? "reason" : "return", rc, code_name(v, rc),
		 creds && !o->username ? "; it wants credentials: --username and --password-file" : "");
	return stop(b, pf, e, rc == version_refused_code(v) ? ENGINE_PF_REFUSED : ENGINE_PF_FAILED, why);
}

/* The plain CONNECT of version v: no Will, clean, the run's credentials; in
 * 5.0 a Property Length of 0. */
static void connect_packet(struct mqtt_packet *p, const struct engine_preflight *pf, const struct engine_opts *o)
{
	sync_client_connect_packet_v(p, pf->version, pf->client_id, o->username, o->password);
	p->props.present = pf->version == MQTT_V5;
}

/* After the CONNECT: the answer, judged. */
static int answer(struct sync_client *b, struct engine_preflight *pf, const struct engine_opts *o, double t0,
		  double end, double limit, struct err *e)
{
	struct mqtt_packet a;
	int r = sync_client_recv(b, end, &a, e);
	pf->t_ms = clock_ms() - t0;
	char what[sizeof e->msg];
	if (r == 0) {
		snprintf(what, sizeof what, "did not answer CONNECT within %.0f ms (is it an MQTT %s broker?)", limit,
			 mqtt_version_name(pf->version));
		return stop(b, pf, e, ENGINE_PF_FAILED, what);
	}
	/* A close right after the CONNECT is how a broker may turn a version down. */
	if (r < 0 && !b->lastn) {
		snprintf(pf->rx_text, sizeof pf->rx_text, "closed: %s", e->msg);
		snprintf(what, sizeof what, "did not answer CONNECT with a CONNACK: %s", e->msg);
		return stop(b, pf, e, ENGINE_PF_REFUSED, what);
	}
	log_answer(pf, b);
	if (r < 0 && other_version_refusal(pf, b)) {
		snprintf(what, sizeof what, "answered the MQTT %s CONNECT with %s: it does not speak %s",
			 mqtt_version_name(pf->version), pf->rx_text, mqtt_version_name(pf->version));
		return stop(b, pf, e, ENGINE_PF_REFUSED, what);
	}
	if (r == 1)
		mqtt_print(&a, pf->rx_text, sizeof pf->rx_text);
	else
		snprintf(pf->rx_text, sizeof pf->rx_text, "%s", e->msg);
	judge(pf, r == 1, &a, &b->diag);
	if (!pf->clause && a.type == MQTT_CONNACK && a.return_code != 0)
		return refused(b, pf, e, o, a.return_code);
	sync_client_close(b);
	pf->answer = ENGINE_PF_ACCEPTED;
	return 0;
}

int engine_preflight(const struct conn_endpoint *ep, const struct engine_opts *o, enum mqtt_version v,
		     struct engine_preflight *pf, struct err *e)
{
	struct sync_client b;
	double limit = 5000 * o->time_scale, end = clock_ms() + limit;
	memset(pf, 0, sizeof *pf);
	pf->url = ep->url;
	pf->version = v;
	snprintf(pf->client_id, sizeof pf->client_id, "%s%spre%s", o->client_prefix ? o->client_prefix : "Ms",
		 o->run_prefix, v == MQTT_V5 ? "5" : "");
	if (sync_client_open(&b, ep, o->conn_ctx, end, e) < 0) {
		err_prefix(e, "pre-flight");
		snprintf(pf->why, sizeof pf->why, "%s", e->msg);
		return -1;
	}
	b.version = v;
	struct mqtt_packet p;
	connect_packet(&p, pf, o);
	pf->keep_alive = p.keep_alive;
	log_connect(pf, &p);
	double t0 = clock_ms();
	if (sync_client_send(&b, &p, e) < 0) {
		char what[sizeof e->msg];
		snprintf(what, sizeof what, "could not be sent a CONNECT: %s", e->msg);
		return stop(&b, pf, e, ENGINE_PF_FAILED, what);
	}
	return answer(&b, pf, o, t0, end, limit, e);
}
