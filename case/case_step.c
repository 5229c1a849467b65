/* case_step.c - the steps of a case, with the connect/subscribe/publish
 * macros and repeat expanded (see cases/README.md, "Steps"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case_load.h"
#include "codec/mqtt_rule.h"
#include "case/fields.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "case/tmpl.h"

static const char *const step_keys[] = {"client", "open", "connect", "subscribe", "unsubscribe", "publish", "send", "expect",
					"disconnect", "close", "wait_ms", "wait_timer", "repeat", "as", "start", "steps", "checks",
					"level", "within_ms", "timer", "label", "from", "when", "note", "peek", "scaled", "polices", "ws", "branch", NULL};
static const char *const actions[] = {"open", "connect", "subscribe", "unsubscribe", "publish", "send", "expect",
				      "disconnect", "close", "wait_ms", "wait_timer", "repeat", NULL};

static const char *const kind_names[] = {
	[CASE_STEP_OPEN] = "open",	     [CASE_STEP_SEND] = "send",	  [CASE_STEP_SEND_HEX] = "send",
	[CASE_STEP_EXPECT] = "expect",	     [CASE_STEP_DISCONNECT] = "disconnect", [CASE_STEP_CLOSE] = "close",
	[CASE_STEP_WAIT] = "wait",
};

const char *case_step_kind_name(enum case_step_kind k)
{
	return kind_names[k];
}

long case_step_window_ms(const struct case_step *s)
{
	if (s->within_ms >= 0)
		return s->within_ms;
	return s->expect.kind == CASE_EXPECT_NOTHING ? CASE_QUIET_MS : CASE_PACKET_MS;
}

/* What one JSON step has in common with every step it expands to. */
struct common {
	const char *path;
	int client;
	int cleanup;
	struct case_gate *gates;
	size_t ngates;
};

static struct case_step *new_step(struct case_load *L, const struct common *c, enum case_step_kind kind,
				  const char *suffix)
{
	struct case_spec *cs = L->cs;
	size_t n = cs->nsteps + cs->ncleanup;
	if (n == L->cap_steps) {
		L->cap_steps = L->cap_steps ? L->cap_steps * 2 : 16;
		cs->steps = alloc_resize(cs->steps, L->cap_steps * sizeof *cs->steps);
		L->labels = alloc_resize(L->labels, L->cap_steps * sizeof *L->labels);
	}
	struct case_step *s = &cs->steps[n];
	memset(s, 0, sizeof *s);
	L->labels[n] = NULL;
	s->kind = kind;
	s->client = c->client;
	s->within_ms = -1;
	s->from = -1;
	char p[400];
	snprintf(p, sizeof p, "%s%s", c->path, suffix);
	s->path = alloc_strdup(p);
	if (c->ngates) {
		s->gates = alloc_zeroed(c->ngates, sizeof *s->gates);
		for (size_t i = 0; i < c->ngates; i++) {
			s->gates[i].var = alloc_strdup(c->gates[i].var);
			s->gates[i].nvalues = c->gates[i].nvalues;
			s->gates[i].has_min = c->gates[i].has_min;
			s->gates[i].has_max = c->gates[i].has_max;
			s->gates[i].min = c->gates[i].min;
			s->gates[i].max = c->gates[i].max;
			s->gates[i].values = alloc_zeroed(c->gates[i].nvalues, sizeof(char *));
			for (size_t j = 0; j < c->gates[i].nvalues; j++)
				s->gates[i].values[j] = alloc_strdup(c->gates[i].values[j]);
		}
		s->ngates = c->ngates;
	}
	if (c->cleanup)
		cs->ncleanup++;
	else
		cs->nsteps++;
	return s;
}

static int find_client(struct case_load *L, const char *name)
{
	for (size_t i = 0; i < L->cs->nclients; i++)
		if (strcmp(L->cs->clients[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A gate's bounds: {"min": N}, {"max": N} or both. */
static int parse_gate_bounds(struct case_gate *g, const cJSON *o, const char *path, struct err *e)
{
	static const char *const keys[] = {"min", "max", NULL};
	char p[400];
	snprintf(p, sizeof p, "%s.%s", path, g->var);
	if (json_util_known_keys(o, p, keys, e) < 0)
		return -1;
	const cJSON *lo = cJSON_GetObjectItemCaseSensitive(o, "min"), *hi = cJSON_GetObjectItemCaseSensitive(o, "max");
	if (!lo && !hi)
		return err_set(e, "%s: expected \"min\" or \"max\" (or both)", p);
	if ((lo && json_util_long(lo, &g->min) < 0) || (hi && json_util_long(hi, &g->max) < 0))
		return err_set(e, "%s: a bound must be an integer", p);
	g->has_min = lo != NULL;
	g->has_max = hi != NULL;
	return 0;
}

static int parse_gates(struct case_load *L, const cJSON *w, const char *path, struct common *c, struct err *e)
{
	if (!cJSON_IsObject(w) || cJSON_GetArraySize(w) == 0)
		return err_set(e, "%s: expected an object of variable: value(s)", path);
	c->ngates = (size_t)cJSON_GetArraySize(w);
	c->gates = alloc_zeroed(c->ngates, sizeof *c->gates);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, w)
	{
		struct case_gate *g = &c->gates[i++];
		g->var = alloc_strdup(it->string);
		case_load_ref_add(L, it->string, path);
		if (cJSON_IsObject(it)) {
			if (parse_gate_bounds(g, it, path, e) < 0)
				return -1;
			continue;
		}
		const cJSON *v;
		size_t n = cJSON_IsArray(it) ? (size_t)cJSON_GetArraySize(it) : 1;
		g->values = alloc_zeroed(n, sizeof(char *));
		size_t k = 0;
		for (size_t j = 0; j < n; j++) {
			v = cJSON_IsArray(it) ? cJSON_GetArrayItem(it, (int)j) : it;
			char buf[64];
			long num;
			if (json_util_long(v, &num) == 0)
				snprintf(buf, sizeof buf, "%ld", num);
			else if (cJSON_IsString(v))
				snprintf(buf, sizeof buf, "%s", v->valuestring);
			else
				return err_set(e, "%s.%s: expected a value, an array of values or bounds {\"min\": N, \"max\": N}", path,
					       it->string);
			/* Counted as it goes: a bad value later frees the ones before it. */
			g->values[k++] = alloc_strdup(buf);
			g->nvalues = k;
		}
		if (!k)
			return err_set(e, "%s.%s: empty list", path, it->string);
	}
	return 0;
}

static void free_common(struct common *c)
{
	for (size_t i = 0; i < c->ngates; i++) {
		free(c->gates[i].var);
		for (size_t j = 0; j < c->gates[i].nvalues; j++)
			free(c->gates[i].values[j]);
		free(c->gates[i].values);
	}
	free(c->gates);
}

/* A fresh JSON packet {"type": T, ...fields of src} owned by the case. */
static cJSON *packet_from(struct case_load *L, const char *type, const cJSON *src)
{
	cJSON *o = case_load_own(L, cJSON_CreateObject());
	cJSON_AddStringToObject(o, "type", type);
	const cJSON *it;
	cJSON_ArrayForEach(it, src)
	{
		cJSON_AddItemToObject(o, it->string, cJSON_Duplicate(it, 1));
	}
	return o;
}

/* Give a packet a loader-assigned id unless it names one. Returns the id. */
static long ensure_pid(struct case_load *L, cJSON *pkt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(pkt, "packet_id");
	long given;
	if (json_util_long(v, &given) == 0)
		return given;
	if (v)
		return -1;
	long id = (long)L->next_pid++;
	cJSON_AddNumberToObject(pkt, "packet_id", (double)id);
	return id;
}

static int add_send(struct case_load *L, const struct common *c, const cJSON *pkt, const char *suffix, struct err *e)
{
	char p[400];
	snprintf(p, sizeof p, "%s%s", c->path, suffix);
	if (fields_validate(L->cs->protocol, pkt, 's', p, e) < 0 || case_load_scan(L, pkt, p, e) < 0)
		return -1;
	struct case_step *s = new_step(L, c, CASE_STEP_SEND, suffix);
	s->packet = pkt;
	return 0;
}

static struct case_step *add_expect_step(struct case_load *L, const struct common *c, cJSON *pattern,
					 const char *suffix, struct err *e)
{
	char p[400];
	snprintf(p, sizeof p, "%s%s", c->path, suffix);
	struct case_expect x;
	if (case_expect_parse(L, pattern, p, &x, e) < 0) {
		case_expect_free(&x);
		return NULL;
	}
	struct case_step *s = new_step(L, c, CASE_STEP_EXPECT, suffix);
	s->expect = x;
	return s;
}

static int add_expect(struct case_load *L, const struct common *c, cJSON *pattern, const char *suffix, struct err *e)
{
	return add_expect_step(L, c, pattern, suffix, e) ? 0 : -1;
}

/* The clause a set-up step's duty is, in the case's version. */
static const char *duty_clause(const struct case_load *L, enum mqtt_rule r)
{
	return mqtt_rule_clause(L->cs->protocol, r);
}

/* A macro's answer that valid input obliges the broker to give (a SUBACK for a
 * SUBSCRIBE, ...): a check on the duty's clause, so a broker that closes or
 * stays silent instead FAILs that clause rather than leaving the case
 * INCONCLUSIVE. The duty is an answer of that type (`duty`); what it carries
 * (the packet id, the granted codes: `full`) is judged by other clauses'
 * checks, so here it is set-up, compared after the duty peeked at the answer.
 * Clean-up steps carry no checks. */
static int add_duty(struct case_load *L, const struct common *c, cJSON *duty, cJSON *full, const char *clause,
		    const char *suffix, struct err *e)
{
	const struct catalog_clause *cl = clause ? catalog_find(L->cat, L->cs->protocol, clause) : NULL;
	if (!c->cleanup && cl) {
		struct case_step *s = add_expect_step(L, c, duty, suffix, e);
		if (!s)
			return -1;
		s->checks = alloc_zeroed(1, sizeof *s->checks);
		s->checks[0] = cl->id;
		s->nchecks = 1;
		s->peek = 1;
	}
	return add_expect(L, c, full, suffix, e);
}

static cJSON *type_pattern(struct case_load *L, const char *type)
{
	cJSON *o = case_load_own(L, cJSON_CreateObject());
	cJSON_AddStringToObject(o, "type", type);
	return o;
}

/* {"type": T, "packet_id": pid}, owned by the case. */
static cJSON *ack_pattern(struct case_load *L, const char *type, long pid)
{
	cJSON *o = case_load_own(L, cJSON_CreateObject());
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddNumberToObject(o, "packet_id", (double)pid);
	return o;
}

static int macro_connect(struct case_load *L, const struct common *c, const cJSON *v, struct err *e)
{
	if (!cJSON_IsObject(v) && !cJSON_IsTrue(v))
		return err_set(e, "%s.connect: expected CONNECT fields or true", c->path);
	struct case_step *s = new_step(L, c, CASE_STEP_OPEN, ".connect");
	s->open_if_closed = 1;
	cJSON *pkt = packet_from(L, "CONNECT", cJSON_IsObject(v) ? v : NULL);
	if (add_send(L, c, pkt, ".connect", e) < 0)
		return -1;
	cJSON *pat = case_load_own(L, cJSON_CreateObject());
	cJSON_AddStringToObject(pat, "type", "CONNACK");
	/* 5.0 calls CONNACK's code a reason code; 0 accepts in both. */
	cJSON_AddNumberToObject(pat, L->cs->protocol == MQTT_V5 ? "reason_code" : "return_code", 0);
	return add_expect(L, c, pat, ".connect", e);
}

/* subscribe / unsubscribe: {"topics": [...]} (subscribe: "return_codes" too;
 * in 5.0 "reason_codes", for either). */
static int macro_sub(struct case_load *L, const struct common *c, const cJSON *v, int unsub, struct err *e)
{
	int v5 = L->cs->protocol == MQTT_V5;
	const char *codes_key = v5 ? "reason_codes" : "return_codes";
	const char *const sub_keys[] = {"topics", codes_key, NULL};
	const char *const unsub_keys[] = {"topics", v5 ? codes_key : NULL, NULL};
	const char *name = unsub ? "unsubscribe" : "subscribe";
	char p[400], suffix[16];
	snprintf(p, sizeof p, "%s.%s", c->path, name);
	snprintf(suffix, sizeof suffix, ".%s", name);
	if (!cJSON_IsObject(v))
		return err_set(e, "%s: expected {\"topics\": [...]}", p);
	if (json_util_known_keys(v, p, unsub ? unsub_keys : sub_keys, e) < 0)
		return -1;
	const cJSON *topics = cJSON_GetObjectItemCaseSensitive(v, "topics");
	if (!topics)
		return err_set(e, "%s.topics: required field missing", p);
	cJSON *pkt = case_load_own(L, cJSON_CreateObject());
	cJSON_AddStringToObject(pkt, "type", unsub ? "UNSUBSCRIBE" : "SUBSCRIBE");
	cJSON_AddItemToObject(pkt, "topics", cJSON_Duplicate(topics, 1));
	long pid = ensure_pid(L, pkt);
	if (add_send(L, c, pkt, suffix, e) < 0)
		return -1;
	const char *ack = unsub ? "UNSUBACK" : "SUBACK";
	cJSON *full = ack_pattern(L, ack, pid);
	const cJSON *codes = unsub && !v5 ? NULL : cJSON_GetObjectItemCaseSensitive(v, codes_key);
	if (codes)
		cJSON_AddItemToObject(full, codes_key, cJSON_Duplicate(codes, 1));
	return add_duty(L, c, type_pattern(L, ack), full, duty_clause(L, unsub ? MQTT_RULE_UNSUBACK_DUTY : MQTT_RULE_SUBACK_DUTY), suffix, e);
}

/* The first answer to a macro PUBLISH (PUBACK or PUBREC, MQTT-3.3.4-1), or,
 * in 3.1.1, a close: a broker that refuses to authorize a PUBLISH may close
 * instead (MQTT-3.3.5-2), which leaves the case unable to go on (set-up), not
 * FAILed. 5.0 has no such permission (the version's table has no clause for
 * it): a broker refuses with a reason code of 0x80 or more in the ack, which
 * the ack's own step records and which ends the case (refusal_ends). */
static int publish_duty(struct case_load *L, const struct common *c, const char *type, long pid, struct err *e)
{
	const char *refused = duty_clause(L, MQTT_RULE_PUBLISH_REFUSED);
	if (!refused) {
		int rc = add_duty(L, c, type_pattern(L, type), ack_pattern(L, type, pid),
				  duty_clause(L, MQTT_RULE_PUBLISH_ACK_DUTY), ".publish", e);
		if (rc == 0)
			L->cs->steps[L->cs->nsteps + L->cs->ncleanup - 1].refusal_ends = 1;
		return rc;
	}
	cJSON *alts = case_load_own(L, cJSON_CreateObject());
	cJSON *arr = cJSON_AddArrayToObject(alts, "any_of");
	cJSON *a = cJSON_CreateObject();
	cJSON_AddItemToObject(a, "expect", cJSON_Duplicate(type_pattern(L, type), 1));
	cJSON_AddItemToArray(arr, a);
	cJSON *b = cJSON_CreateObject();
	cJSON *closed = cJSON_AddObjectToObject(b, "expect");
	cJSON_AddTrueToObject(closed, "closed");
	char because[200];
	snprintf(because, sizeof because, "%s: a broker that does not authorize a PUBLISH may close the connection",
		 refused);
	cJSON_AddStringToObject(b, "because", because);
	cJSON_AddItemToArray(arr, b);
	return add_duty(L, c, alts, ack_pattern(L, type, pid), duty_clause(L, MQTT_RULE_PUBLISH_ACK_DUTY), ".publish",
			e);
}

static int macro_publish(struct case_load *L, const struct common *c, const cJSON *v, struct err *e)
{
	char p[400];
	snprintf(p, sizeof p, "%s.publish", c->path);
	if (!cJSON_IsObject(v))
		return err_set(e, "%s: expected PUBLISH fields", p);
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(v, "qos");
	if (q && (!cJSON_IsNumber(q) || q->valuedouble < 0 || q->valuedouble > 2))
		return err_set(e, "%s.qos: the publish step needs a literal QoS 0, 1 or 2 (use send for anything else)", p);
	int qos = q ? (int)q->valuedouble : 0;
	cJSON *pkt = packet_from(L, "PUBLISH", v);
	long pid = qos ? ensure_pid(L, pkt) : 0;
	if (pid < 0)
		return err_set(e, "%s.packet_id: the publish step needs a literal packet id", p);
	if (add_send(L, c, pkt, ".publish", e) < 0)
		return -1;
	if (qos == 0)
		return 0;
	if (publish_duty(L, c, qos == 1 ? "PUBACK" : "PUBREC", pid, e) < 0)
		return -1;
	if (qos == 1)
		return 0;
	if (add_send(L, c, ack_pattern(L, "PUBREL", pid), ".publish", e) < 0)
		return -1;
	/* A PUBREL leaves no choice: the broker completes the flow (3.1.1:
	 * MQTT-4.3.3-2). In 5.0 the rule's clause is the monitor's (no second
	 * delivery, MQTT-4.3.3-10), not this duty, which the codec's table has no
	 * rule for yet: there the PUBCOMP is set-up, and no clause is charged
	 * with a duty it does not state. */
	const char *pubcomp = L->cs->protocol == MQTT_V5 ? NULL : duty_clause(L, MQTT_RULE_QOS2_RECEIVER);
	return add_duty(L, c, type_pattern(L, "PUBCOMP"), ack_pattern(L, "PUBCOMP", pid), pubcomp, ".publish", e);
}

/* The clause a case names: of the case's own version, bare or qualified with
 * that version (a 5.0 case's MQTT-3.1.2-3 is the 5.0 clause). NULL with the
 * message in e. */
static const struct catalog_clause *clause_of_case(const struct case_load *L, const char *text, const char *path,
						   const char *key, size_t i, struct err *e)
{
	const char *id, *mine = mqtt_version_name(L->cs->protocol);
	int v;
	if (catalog_id_parse(text, &v, &id) < 0 || (v >= 0 && v != (int)L->cs->protocol)) {
		err_set(e, "%s.%s[%zu]: \"%s\": a %s case names %s clauses only", path, key, i, text, mine, mine);
		return NULL;
	}
	const struct catalog_clause *cl = catalog_find(L->cat, L->cs->protocol, id);
	if (!cl)
		err_set(e, "%s.%s[%zu]: unknown %s clause \"%s\"", path, key, i, mine, id);
	return cl;
}

/* A non-empty array of catalog ids under `key` ("checks" or "polices"). A
 * check never names a MAY (no broker can fail one: it is recorded in a note);
 * "polices" names only rules that bind the client alone. */
static int clause_list(struct case_load *L, const cJSON *arr, const char *path, const char *key, const char ***out,
		       size_t *n, struct err *e)
{
	int polices = strcmp(key, "polices") == 0;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return err_set(e, "%s.%s: expected a non-empty array of clause ids", path, key);
	*out = alloc_zeroed((size_t)cJSON_GetArraySize(arr), sizeof **out);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		if (!cJSON_IsString(it))
			return err_set(e, "%s.%s[%zu]: expected a clause id", path, key, i);
		const struct catalog_clause *cl = clause_of_case(L, it->valuestring, path, key, i, e);
		if (!cl)
			return -1;
		if (!polices && cl->level == CATALOG_MAY)
			return err_set(e, "%s.%s[%zu]: %s is a MAY, which no broker can fail: record the choice in a note, check nothing",
				       path, key, i, cl->id);
		if (polices && (!cl->binds || strcmp(cl->binds, "client") != 0))
			return err_set(e, "%s.%s[%zu]: \"%s\" binds %s, not only the client: a check names it in checks, never in polices",
				       path, key, i, cl->id, cl->binds ? cl->binds : "nobody");
		(*out)[(*n)++] = cl->id;
		i++;
	}
	return 0;
}

static int parse_checks(struct case_load *L, const cJSON *o, struct case_step *s, const char *path, struct err *e)
{
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(o, "checks");
	const char *level = NULL;
	if (json_util_str(o, "level", path, 0, &level, e) < 0)
		return -1;
	if (level && strcmp(level, "MUST") && strcmp(level, "SHOULD"))
		return err_set(e, "%s.level: expected \"MUST\" or \"SHOULD\"", path);
	s->should = level && strcmp(level, "SHOULD") == 0;
	if (!ch)
		return level ? err_set(e, "%s.level: a step without checks has no level", path) : 0;
	return clause_list(L, ch, path, "checks", &s->checks, &s->nchecks, e);
}

/* "polices": the client rules a check provokes. The broker cannot break a
 * rule that binds the client; its checks name the broker's duty (to close),
 * and this key links the rule, so reports show how the broker polices it. */
static int parse_polices(struct case_load *L, const cJSON *o, struct case_step *s, const char *path, struct err *e)
{
	const cJSON *po = cJSON_GetObjectItemCaseSensitive(o, "polices");
	if (!po)
		return 0;
	if (!s->nchecks)
		return err_set(e, "%s.polices: only a step with checks polices a client rule (its checks name the broker's duty)",
			       path);
	return clause_list(L, po, path, "polices", &s->polices, &s->npolices, e);
}

/* The offsets of "ws": {"split": [...]}: increasing, none at 0. */
static int parse_split(const cJSON *sp, const char *p, struct case_ws *o, struct err *e)
{
	int n = cJSON_GetArraySize(sp);
	if (!cJSON_IsArray(sp) || n == 0 || n > CASE_WS_MAX_SPLIT)
		return err_set(e, "%s.split: expected 1 to %d byte offsets where a new frame starts", p, CASE_WS_MAX_SPLIT);
	const cJSON *it;
	cJSON_ArrayForEach(it, sp)
	{
		long v;
		size_t prev = o->nsplit ? o->split[o->nsplit - 1] : 0;
		if (json_util_long(it, &v) < 0 || v <= (long)prev)
			return err_set(e, "%s.split[%zu]: expected an offset greater than %zu (offsets increase; 0 is the first frame's start)",
				       p, o->nsplit, prev);
		o->split[o->nsplit++] = (size_t)v;
	}
	return 0;
}

/* "ws": {"opcode", "split", "with_next"} on a send step: how its bytes go into
 * WebSocket frames (cases/README.md, "WebSocket framing"). */
static int parse_ws(struct case_load *L, const cJSON *w, const char *path, struct case_step *s, struct err *e)
{
	static const char *const keys[] = {"opcode", "split", "with_next", NULL};
	char p[400];
	snprintf(p, sizeof p, "%s.ws", path);
	if (!cJSON_IsObject(w) || cJSON_GetArraySize(w) == 0)
		return err_set(e, "%s: expected an object of WebSocket framing options (opcode, split, with_next)", p);
	if (json_util_known_keys(w, p, keys, e) < 0)
		return -1;
	if (L->cs->needs.ws != 1)
		return err_set(e, "%s: WebSocket framing needs \"needs\": {\"transport\": \"ws\"} in the case, so it runs only over ws:// and wss://", p);
	struct case_ws *o = s->ws = alloc_zeroed(1, sizeof *o);
	o->opcode = CASE_WS_BINARY;
	const char *op = NULL;
	const cJSON *sp = cJSON_GetObjectItemCaseSensitive(w, "split");
	if (json_util_str(w, "opcode", p, 0, &op, e) < 0 || json_util_bool(w, "with_next", p, 0, &o->hold, e) < 0)
		return -1;
	if (op && strcmp(op, "text") == 0)
		o->opcode = CASE_WS_TEXT;
	else if (op && strcmp(op, "binary") != 0)
		return err_set(e, "%s.opcode: expected \"binary\" or \"text\"", p);
	if (sp && parse_split(sp, p, o, e) < 0)
		return -1;
	if (o->hold && (op || sp))
		return err_set(e, "%s.with_next: the held bytes are framed by the next send; give opcode and split there", p);
	return 0;
}

static int parse_repeat(struct case_load *L, const cJSON *o, const char *path, int cleanup, struct err *e)
{
	static const char *const keys[] = {"repeat", "as", "start", "steps", "note", NULL};
	long n, start = 0;
	const char *as;
	if (json_util_known_keys(o, path, keys, e) < 0 || json_util_int(o, "repeat", path, 1, 1, 10000, &n, e) < 0 ||
	    json_util_str(o, "as", path, 1, &as, e) < 0 || json_util_int(o, "start", path, 0, -1000000, 1000000, &start, e) < 0)
		return -1;
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(o, "steps");
	if (!cJSON_IsArray(steps))
		return err_set(e, "%s.steps: expected an array", path);
	for (long k = 0; k < n; k++) {
		char val[32], p[400];
		snprintf(val, sizeof val, "%ld", start + k);
		cJSON *copy = case_load_own(L, cJSON_Duplicate(steps, 1));
		tmpl_subst_json(copy, as, val);
		snprintf(p, sizeof p, "%s(%s=%s).steps", path, as, val);
		if (case_step_parse_list(L, copy, p, cleanup, e) < 0)
			return -1;
	}
	return 0;
}

/* Fields only some actions take: the expect fields, checks (expect and open),
 * WebSocket framing (send). */
static int step_fields_fit(const cJSON *o, const char *kind, const char *path, struct err *e)
{
	if (strcmp(kind, "expect") != 0) {
		/* An open step may check what the transport sees at set-up (the
		 * WebSocket sub-protocol); nothing else but an expect has checks.
		 * A wait_timer counts from a label, as an expect may. */
		const char *only = strcmp(kind, "open") == 0	   ? "within_ms\0from\0peek\0scaled\0polices\0timer\0branch\0"
				   : strcmp(kind, "wait_timer") == 0 ? "checks\0level\0within_ms\0peek\0scaled\0polices\0timer\0branch\0"
								     : "checks\0level\0within_ms\0from\0peek\0scaled\0polices\0timer\0branch\0";
		for (const char *k = only; *k; k += strlen(k) + 1)
			if (cJSON_GetObjectItemCaseSensitive(o, k))
				return err_set(e, "%s.%s: only an expect step has %s", path, k, k);
	}
	if (cJSON_GetObjectItemCaseSensitive(o, "ws") && strcmp(kind, "send") != 0)
		return err_set(e, "%s.ws: only a send step has WebSocket framing options", path);
	return 0;
}

/* The one action of a step object: the key that names it. */
static int find_action(const cJSON *o, const char *path, const cJSON **act, struct err *e)
{
	*act = NULL;
	for (const char *const *a = actions; *a; a++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, *a);
		if (v && *act)
			return err_set(e, "%s: has both \"%s\" and \"%s\"; a step does one thing", path, (*act)->string, *a);
		if (v)
			*act = v;
	}
	if (!*act)
		return err_set(e, "%s: no action (expected one of open, connect, subscribe, unsubscribe, publish, send, expect, disconnect, close, wait_ms, wait_timer, repeat)",
			       path);
	return 0;
}

/* The step's client: required but for a wait. */
static int step_client(struct case_load *L, const cJSON *o, const char *kind, const char *path, int *client,
		       struct err *e)
{
	const char *cname = NULL;
	int rc = json_util_str(o, "client", path, 0, &cname, e);
	if (rc < 0)
		return -1;
	if (strncmp(kind, "wait_", 5) == 0)
		return 0;
	if (rc == 1)
		return err_set(e, "%s.client: required field missing", path);
	*client = find_client(L, cname);
	if (*client < 0)
		return err_set(e, "%s.client: unknown client \"%s\" (not in \"clients\")", path, cname);
	return 0;
}

/* open, disconnect, close: true; an open may check what the transport sees. */
static int parse_bare(struct case_load *L, const struct common *c, const cJSON *o, const cJSON *act, struct err *e)
{
	const char *kind = act->string;
	if (!cJSON_IsTrue(act))
		return err_set(e, "%s.%s: expected true", c->path, kind);
	struct case_step *s =
		new_step(L, c, kind[0] == 'o' ? CASE_STEP_OPEN : kind[0] == 'd' ? CASE_STEP_DISCONNECT : CASE_STEP_CLOSE, "");
	if (kind[0] == 'o' && parse_checks(L, o, s, c->path, e) < 0)
		return -1;
	if (c->cleanup && s->nchecks)
		return err_set(e, "%s.checks: cleanup steps carry no checks", c->path);
	return 0;
}

/* A packet a send names no id for gets one when its type needs it. */
static int send_needs_pid(const cJSON *act)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(act, "type");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(act, "qos");
	if (!cJSON_IsString(t) || cJSON_GetObjectItemCaseSensitive(act, "packet_id"))
		return 0;
	int type = mqtt_type_from_name(t->valuestring);
	return type == MQTT_SUBSCRIBE || type == MQTT_UNSUBSCRIBE ||
	       (type == MQTT_PUBLISH && q && !(cJSON_IsNumber(q) && q->valuedouble == 0));
}

/* "send": a packet object, or {"hex": ...}; then its WebSocket framing. */
static int parse_send(struct case_load *L, const struct common *c, const cJSON *o, const cJSON *act, struct err *e)
{
	if (!cJSON_IsObject(act))
		return err_set(e, "%s.send: expected a packet object or {\"hex\": ...}", c->path);
	const cJSON *hex = cJSON_GetObjectItemCaseSensitive(act, "hex");
	if (hex) {
		if (cJSON_GetArraySize(act) != 1 || !cJSON_IsString(hex))
			return err_set(e, "%s.send.hex: expected a hex string and nothing else", c->path);
		if (case_load_scan(L, hex, c->path, e) < 0)
			return -1;
		new_step(L, c, CASE_STEP_SEND_HEX, "")->hex = alloc_strdup(hex->valuestring);
	} else {
		cJSON *pkt = (cJSON *)act;
		if (send_needs_pid(act)) {
			pkt = case_load_own(L, cJSON_Duplicate(act, 1));
			ensure_pid(L, pkt);
		}
		char p[400];
		snprintf(p, sizeof p, "%s.send", c->path);
		if (fields_validate(L->cs->protocol, pkt, 's', p, e) < 0 || case_load_scan(L, pkt, p, e) < 0)
			return -1;
		new_step(L, c, CASE_STEP_SEND, "")->packet = pkt;
	}
	struct case_step *sent = &L->cs->steps[L->cs->nsteps + L->cs->ncleanup - 1];
	const cJSON *ws = cJSON_GetObjectItemCaseSensitive(o, "ws");
	return ws ? parse_ws(L, ws, c->path, sent, e) : 0;
}

/* "from": the label of an earlier step the window counts from. */
static int parse_from(struct case_load *L, const cJSON *o, struct case_step *s, const char *path, struct err *e)
{
	const char *from = NULL;
	if (json_util_str(o, "from", path, 0, &from, e) < 0)
		return -1;
	if (!from)
		return 0;
	for (size_t i = 0; i + 1 < L->cs->nsteps + L->cs->ncleanup; i++)
		if (L->labels[i] && strcmp(L->labels[i], from) == 0)
			s->from = (int)i;
	if (s->from < 0)
		return err_set(e, "%s.from: no earlier step has label \"%s\"", path, from);
	return 0;
}

/* "timer": the window ends at a broker timer's moment after the `from`
 * label, instead of within_ms (which it replaces) and the tolerance (which
 * the moment already holds). */
static int expect_timer(struct case_load *L, const cJSON *o, struct case_step *s, const char *path, struct err *e)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "timer");
	if (!t)
		return 0;
	if (s->within_ms >= 0 || cJSON_GetObjectItemCaseSensitive(o, "scaled"))
		return err_set(e, "%s.timer: a timer window is the broker's, unscaled; it takes no within_ms or scaled", path);
	if (s->from < 0)
		return err_set(e, "%s.from: required with timer (the label the broker's timer starts at)", path);
	char p[400];
	snprintf(p, sizeof p, "%s.timer", path);
	return case_timer_parse(L, t, p, &s->timer, e);
}

/* {"wait_timer": {...}, "from": LABEL}: wait until a broker timer's moment. */
static int parse_wait_timer(struct case_load *L, const struct common *c, const cJSON *o, const cJSON *act,
			    struct err *e)
{
	struct case_step *s = new_step(L, c, CASE_STEP_WAIT, "");
	if (parse_from(L, o, s, c->path, e) < 0)
		return -1;
	if (s->from < 0)
		return err_set(e, "%s.from: required with wait_timer (the label the broker's timer starts at)", c->path);
	char p[400];
	snprintf(p, sizeof p, "%s.wait_timer", c->path);
	return case_timer_parse(L, act, p, &s->timer, e);
}

/* The SHOULD half of a graded close, {"closed": true, "disconnect": {...}}:
 * a step of its own after the close, whose checks (SHOULD-level clauses) hold
 * when a DISCONNECT with a code of the set came before the close. Its
 * failure is a WARN and never ends the case (engine_step.c). */
static int graded_close(struct case_load *L, const struct common *c, const cJSON *g, const char *path, struct err *e)
{
	static const char *const keys[] = {"reason_codes", "checks", NULL};
	char p[400];
	snprintf(p, sizeof p, "%s.expect.disconnect", path);
	if (L->cs->protocol != MQTT_V5)
		return err_set(e, "%s: a DISCONNECT from the server is 5.0 only; a %s case has none", p,
			       mqtt_version_name(L->cs->protocol));
	if (!cJSON_IsObject(g) || json_util_known_keys(g, p, keys, e) < 0)
		return cJSON_IsObject(g) ? -1 : err_set(e, "%s: expected {\"reason_codes\": [...], \"checks\": [...]}", p);
	const cJSON *codes = cJSON_GetObjectItemCaseSensitive(g, "reason_codes");
	if (!codes || !cJSON_IsArray(codes) || cJSON_GetArraySize(codes) == 0)
		return err_set(e, "%s.reason_codes: expected a non-empty list of DISCONNECT reason codes", p);
	if (!cJSON_GetObjectItemCaseSensitive(g, "checks"))
		return err_set(e, "%s.checks: required field missing (the SHOULD clause of saying why)", p);
	cJSON *pat = case_load_own(L, cJSON_CreateObject());
	cJSON_AddStringToObject(pat, "type", "DISCONNECT");
	cJSON_AddItemToObject(pat, "reason_code", cJSON_Duplicate(codes, 1));
	if (fields_validate(L->cs->protocol, pat, 'e', p, e) < 0)
		return -1;
	struct case_step *s = new_step(L, c, CASE_STEP_EXPECT, ".disconnect");
	s->expect.kind = CASE_EXPECT_DISCONNECT_FIRST;
	s->expect.pattern = pat;
	s->should = 1;
	s->peek = 1; /* the DISCONNECT stays unread: later steps judge it for other clauses */
	if (clause_list(L, cJSON_GetObjectItemCaseSensitive(g, "checks"), p, "checks", &s->checks, &s->nchecks, e) < 0)
		return -1;
	for (size_t i = 0; i < s->nchecks; i++)
		if (catalog_find(L->cat, L->cs->protocol, s->checks[i])->level != CATALOG_SHOULD)
			return err_set(e, "%s.checks[%zu]: %s is not a SHOULD; the DISCONNECT before a close is graded SHOULD (the close itself is the step's checks)",
				       p, i, s->checks[i]);
	return 0;
}

/* "branch": a variable for the any_of alternative the broker took, so later
 * steps can be gated on the path it chose (a close where a DISCONNECT was a
 * SHOULD): a check that only one path owes is NOT APPLICABLE on the other. */
static int parse_branch(struct case_load *L, const cJSON *o, struct case_step *s, const char *path, struct err *e)
{
	const char *name = NULL;
	if (json_util_str(o, "branch", path, 0, &name, e) < 0)
		return -1;
	if (!name)
		return 0;
	if (s->expect.kind != CASE_EXPECT_ANY_OF)
		return err_set(e, "%s.branch: only an expect of any_of has alternatives to name", path);
	if (!*name)
		return err_set(e, "%s.branch: expected a variable name", path);
	s->branch = alloc_strdup(name);
	L->captures = alloc_resize(L->captures, (L->ncaptures + 1) * sizeof *L->captures);
	L->captures[L->ncaptures++] = alloc_strdup(name);
	return 0;
}

static int parse_expect_step(struct case_load *L, const struct common *c, const cJSON *o, const cJSON *act,
			     struct err *e)
{
	const char *path = c->path;
	char p[400];
	snprintf(p, sizeof p, "%s.expect", path);
	const cJSON *grade = cJSON_GetObjectItemCaseSensitive(act, "disconnect");
	if (grade && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(act, "closed")) && cJSON_GetArraySize(act) == 2) {
		cJSON *close = case_load_own(L, cJSON_CreateObject());
		cJSON_AddTrueToObject(close, "closed");
		act = close;
	} else {
		grade = NULL;
	}
	struct case_expect x;
	if (case_expect_parse(L, act, p, &x, e) < 0) {
		case_expect_free(&x);
		return -1;
	}
	struct case_step *s = new_step(L, c, CASE_STEP_EXPECT, "");
	s->expect = x;
	long within;
	int rc = json_util_int(o, "within_ms", path, 0, 0, 3600000, &within, e), scaled = 1;
	if (rc < 0)
		return -1;
	if (rc == 0)
		s->within_ms = within;
	if (parse_checks(L, o, s, path, e) < 0 || parse_polices(L, o, s, path, e) < 0 ||
	    json_util_bool(o, "peek", path, 0, &s->peek, e) < 0 || json_util_bool(o, "scaled", path, 0, &scaled, e) < 0)
		return -1;
	s->unscaled = !scaled;
	if (parse_branch(L, o, s, path, e) < 0)
		return -1;
	if (c->cleanup && s->nchecks)
		return err_set(e, "%s.checks: cleanup steps carry no checks", path);
	if (parse_from(L, o, s, path, e) < 0 || expect_timer(L, o, s, path, e) < 0)
		return -1;
	if (grade && (c->cleanup || !s->nchecks))
		return err_set(e, "%s.disconnect: grades a close that is checked (give the step checks, on the close's MUST)", p);
	return grade ? graded_close(L, c, grade, path, e) : 0;
}

static int parse_action(struct case_load *L, const struct common *c, const cJSON *o, const cJSON *act, struct err *e)
{
	const char *kind = act->string;
	if (strcmp(kind, "open") == 0 || strcmp(kind, "disconnect") == 0 || strcmp(kind, "close") == 0)
		return parse_bare(L, c, o, act, e);
	if (strcmp(kind, "wait_ms") == 0 && cJSON_IsString(act)) {
		/* A template: computed when the step runs (a share of {period_ms}). */
		char p[400];
		snprintf(p, sizeof p, "%s.wait_ms", c->path);
		if (case_load_scan(L, act, p, e) < 0)
			return -1;
		new_step(L, c, CASE_STEP_WAIT, "")->wait_expr = act;
		return 0;
	}
	if (strcmp(kind, "wait_ms") == 0) {
		long ms;
		if (json_util_int(o, "wait_ms", c->path, 1, 0, 3600000, &ms, e) < 0)
			return -1;
		new_step(L, c, CASE_STEP_WAIT, "")->wait_ms = ms;
		return 0;
	}
	if (strcmp(kind, "wait_timer") == 0)
		return parse_wait_timer(L, c, o, act, e);
	if (strcmp(kind, "connect") == 0)
		return macro_connect(L, c, act, e);
	if (strcmp(kind, "subscribe") == 0 || strcmp(kind, "unsubscribe") == 0)
		return macro_sub(L, c, act, kind[0] == 'u', e);
	if (strcmp(kind, "publish") == 0)
		return macro_publish(L, c, act, e);
	if (strcmp(kind, "send") == 0)
		return parse_send(L, c, o, act, e);
	return parse_expect_step(L, c, o, act, e);
}

/* "label": names the last step the JSON step expanded to, for a later "from". */
static int set_label(struct case_load *L, const cJSON *o, const char *path, size_t first, struct err *e)
{
	const char *label = NULL;
	if (json_util_str(o, "label", path, 0, &label, e) < 0)
		return -1;
	size_t last = L->cs->nsteps + L->cs->ncleanup;
	if (!label || last <= first)
		return 0;
	for (size_t i = 0; i < first; i++)
		if (L->labels[i] && strcmp(L->labels[i], label) == 0)
			return err_set(e, "%s.label: \"%s\" is already used", path, label);
	L->cs->steps[last - 1].label = alloc_strdup(label);
	L->labels[last - 1] = L->cs->steps[last - 1].label;
	return 0;
}

static int parse_step(struct case_load *L, const cJSON *o, const char *path, int cleanup, struct err *e)
{
	const cJSON *act;
	if (!cJSON_IsObject(o))
		return err_set(e, "%s: expected a step object", path);
	if (json_util_known_keys(o, path, step_keys, e) < 0 || find_action(o, path, &act, e) < 0)
		return -1;
	const char *kind = act->string;
	if (strcmp(kind, "repeat") == 0)
		return parse_repeat(L, o, path, cleanup, e);
	for (const char *k = "as\0start\0steps\0"; *k; k += strlen(k) + 1)
		if (cJSON_GetObjectItemCaseSensitive(o, k))
			return err_set(e, "%s.%s: only for repeat", path, k);
	struct common c = {path, -1, cleanup, NULL, 0};
	if (step_client(L, o, kind, path, &c.client, e) < 0)
		return -1;
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "when");
	char wp[400];
	snprintf(wp, sizeof wp, "%s.when", path);
	size_t first = L->cs->nsteps + L->cs->ncleanup;
	int rc = -1;
	if ((!w || parse_gates(L, w, wp, &c, e) == 0) && step_fields_fit(o, kind, path, e) == 0 &&
	    parse_action(L, &c, o, act, e) == 0 && set_label(L, o, path, first, e) == 0)
		rc = 0;
	free_common(&c);
	return rc;
}

int case_step_parse_list(struct case_load *L, const cJSON *arr, const char *path, int cleanup, struct err *e)
{
	if (!cJSON_IsArray(arr))
		return err_set(e, "%s: expected an array of steps", path);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		char p[400];
		snprintf(p, sizeof p, "%s[%zu]", path, i++);
		if (parse_step(L, it, p, cleanup, e) < 0)
			return -1;
	}
	return 0;
}
