/* engine.c - the poll loop and each case's lifecycle. See engine.h. */
#include "engine/engine.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_print.h"
#include "engine/engine_int.h"
#include "util/alloc.h"
#include "util/base36.h"
#include "util/clock.h"
#include "util/json_util.h"
#include "case/match.h"

/* Client ids: "Ms" + run prefix + case number (3 base-36 digits, upper case)
 * + client name: at most 19 characters of [0-9a-zA-Z], both cases and digits,
 * which every broker must accept (MQTT-3.1.3-5): a broker that refuses upper
 * case (or lower case, or digits) shows in every case, not only in one. */
static void make_client_id(char *out, size_t n, const char *prefix, const char *run, size_t case_index, const char *name)
{
	char num[4] = {base36_digit(case_index / 1296, 1), base36_digit(case_index / 36, 1), base36_digit(case_index, 1), 0};
	snprintf(out, n, "%s%s%s%s", prefix ? prefix : "Ms", run, num, name);
}

/* The ids the case's clients use on the wire, padded with '0' to a client's
 * client_id_length (the unique prefix kept, only [0-9a-zA-Z]). */
static void init_clients(struct case_result *res, const struct case_spec *cs, size_t index, const struct engine_opts *o)
{
	res->nclients = cs->nclients;
	res->clients = alloc_zeroed(cs->nclients, sizeof(char *));
	res->client_ids = alloc_zeroed(cs->nclients, sizeof(char *));
	for (size_t i = 0; i < cs->nclients; i++) {
		char id[64];
		make_client_id(id, sizeof id, o->client_prefix, o->run_prefix, index, cs->clients[i].name);
		res->clients[i] = alloc_strdup(cs->clients[i].name);
		size_t want = (size_t)cs->clients[i].client_id_length, have = strlen(id);
		if (want > have) {
			char *padded = alloc_bytes(want + 1);
			memcpy(padded, id, have);
			memset(padded + have, '0', want - have);
			padded[want] = '\0';
			res->client_ids[i] = padded;
		} else {
			res->client_ids[i] = alloc_strdup(id);
		}
	}
}

/* Each step as the report lists it, with the packet or expectation in words. */
static void init_steps(struct case_result *res, const struct case_spec *cs)
{
	res->nsteps = cs->nsteps + cs->ncleanup;
	res->steps = alloc_zeroed(res->nsteps, sizeof *res->steps);
	for (size_t i = 0; i < res->nsteps; i++) {
		const struct case_step *s = &cs->steps[i];
		struct step_result *sr = &res->steps[i];
		char d[1500] = "";
		sr->path = alloc_strdup(s->path);
		sr->kind = case_step_kind_name(s->kind);
		sr->client = s->client;
		if (s->kind == CASE_STEP_EXPECT) {
			match_describe(&s->expect, d, sizeof d);
		} else if (s->kind == CASE_STEP_SEND) {
			char *j = cJSON_PrintUnformatted(s->packet);
			snprintf(d, sizeof d, "%s", j ? j : "");
			free(j);
		} else if (s->kind == CASE_STEP_SEND_HEX) {
			snprintf(d, sizeof d, "hex %s", s->hex);
		} else if (s->kind == CASE_STEP_WAIT && s->wait_expr) {
			snprintf(d, sizeof d, "%s ms", s->wait_expr->valuestring);
		} else if (s->kind == CASE_STEP_WAIT && s->timer.edge != CASE_TIMER_NONE) {
			char *sec = cJSON_PrintUnformatted(s->timer.seconds);
			const char *txt = cJSON_IsString(s->timer.seconds) ? s->timer.seconds->valuestring : sec;
			snprintf(d, sizeof d, "until %s + %s s, %s edge", cs->steps[s->from].label, txt ? txt : "?",
				 s->timer.edge == CASE_TIMER_EARLY ? "early" : "late");
			free(sec);
		} else if (s->kind == CASE_STEP_WAIT) {
			snprintf(d, sizeof d, "%ld ms", s->wait_ms);
		}
		sr->detail = alloc_strdup(d);
	}
}

/* One check per main step that has checks, INCONCLUSIVE until it runs. */
static void init_checks(struct case_result *res, const struct case_spec *cs)
{
	for (size_t i = 0; i < cs->nsteps; i++) {
		const struct case_step *s = &cs->steps[i];
		if (!s->nchecks)
			continue;
		struct check_result *c = results_add_step_check(res, s->checks, s->nchecks, s->polices, s->npolices,
								s->should);
		results_set_step(c, i, s->path);
		char want[1500];
		match_describe(&s->expect, want, sizeof want);
		results_set_expected(c, "%s", want);
		results_set_actual(c, "not reached: the case did not get this far");
	}
}

/* Every case gets a result up front, so a run cut short still reports them all. */
static void result_init(struct case_result *res, const struct case_spec *cs, size_t index, int selected,
			const struct engine_opts *o)
{
	memset(res, 0, sizeof *res);
	res->id = alloc_strdup(cs->id);
	res->title = alloc_strdup(cs->title);
	res->file = alloc_strdup(cs->file);
	res->protocol = cs->protocol;
	res->selected = selected;
	init_clients(res, cs, index, o);
	res->claims = alloc_array(NULL, cs->nclaims, sizeof *res->claims);
	memcpy(res->claims, cs->claims, cs->nclaims * sizeof *res->claims);
	res->nclaims = cs->nclaims;
	res->steps_total = cs->nsteps;
	if (!selected)
		return;
	init_steps(res, cs);
	init_checks(res, cs);
}

/* A client_id template may name other clients' generated ids. 0, or -1 with
 * the case's set-up error recorded. */
static int expand_client_ids(struct engine_case *r)
{
	const struct case_spec *cs = r->spec;
	for (size_t i = 0; i < cs->nclients; i++) {
		if (!cs->clients[i].client_id)
			continue;
		char *id;
		struct err e;
		if (tmpl_expand(&r->ctx, cs->clients[i].client_id, &r->arena, &id, &e) < 0) {
			results_set_setup_error(r->res, "clients.%s.client_id: case error: %s", cs->clients[i].name, e.msg);
			return -1;
		}
		free(r->res->client_ids[i]);
		r->res->client_ids[i] = alloc_strdup(id);
	}
	return 0;
}

static struct engine_case *case_start(const struct case_spec *cs, struct case_result *res, const struct catalog *cat,
				      const struct engine_opts *o, double now)
{
	struct engine_case *r = alloc_zeroed(1, sizeof *r);
	r->spec = cs;
	r->res = res;
	r->cat = cat;
	r->o = o;
	r->t0 = now;
	size_t total = cs->nsteps + cs->ncleanup;
	r->label_t = alloc_zeroed(total, sizeof *r->label_t);
	r->check_of = alloc_zeroed(total, sizeof *r->check_of);
	for (size_t i = 0, k = 0; i < total; i++)
		r->check_of[i] = (i < cs->nsteps && cs->steps[i].nchecks) ? (long)k++ : -1;
	snprintf(r->topic, sizeof r->topic, "%s/%s/%s", o->topic_prefix ? o->topic_prefix : "mqttspec", o->run_prefix,
		 cs->id);
	r->ctx.run = o->run_prefix;
	r->ctx.topic = r->topic;
	r->ctx.topic_rest = strchr(r->topic, '/') + 1;
	r->ctx.username = o->username;
	r->ctx.password = o->password;
	r->ctx.auth_method = o->auth_method;
	r->ctx.auth_data = o->auth_data_hex;
	long timing[4] = {(long)((double)o->tolerance_ms * o->time_scale), o->slack_ms, o->period_ms, o->max_wait_ms};
	for (size_t i = 0; i < 4; i++)
		snprintf(r->timing[i], sizeof r->timing[i], "%ld", timing[i]);
	r->ctx.tol_ms = r->timing[0];
	r->ctx.slack_ms = r->timing[1];
	r->ctx.period_ms = r->timing[2];
	r->ctx.max_wait_ms = r->timing[3];
	r->ctx.nclients = cs->nclients;
	r->ctx.client_names = res->clients;
	r->ctx.client_ids = res->client_ids;
	for (size_t i = 0; i < cs->nvars; i++)
		tmpl_vars_set(&r->ctx.vars, cs->var_names[i], cs->var_values[i]);
	r->cl = alloc_zeroed(cs->nclients, sizeof *r->cl);
	for (size_t i = 0; i < cs->nclients; i++) {
		conn_init(&r->cl[i].conn);
		/* Spread clients over the endpoints: on a cluster, a publisher and its
		 * subscriber land on different nodes. */
		r->cl[i].ep = &o->eps[i % o->neps];
	}
	if (expand_client_ids(r) < 0)
		r->step = total;
	return r;
}

static void case_finish(struct engine_case *r, double now, const char *cut)
{
	for (size_t i = 0; i < r->spec->nclients; i++) {
		engine_client_finish(r, (int)i, now);
		engine_client_free(&r->cl[i]);
	}
	if (cut && results_set_setup_error(r->res, "%s", cut))
		for (size_t i = 0; i < r->res->nchecks; i++)
			if (r->res->checks[i].outcome == CHECK_INCONCLUSIVE)
				results_set_actual(&r->res->checks[i], "%s", cut);
	r->res->duration_ms = now - r->t0;
	free(r->cl);
	free(r->label_t);
	free(r->check_of);
	tmpl_vars_clear(&r->ctx.vars);
	arena_free(&r->arena);
	engine_monitor_free(&r->mon);
	free(r);
}

/* A main step failed: the checks after it were not reached because of it. */
static void main_step_failed(struct engine_case *r)
{
	for (size_t i = 0; i < r->res->nchecks; i++) {
		struct check_result *c = &r->res->checks[i];
		if (c->outcome == CHECK_INCONCLUSIVE && c->step > r->step)
			results_set_actual(c, "not reached: %s failed first", r->spec->steps[r->step].path);
	}
	r->step = r->spec->nsteps;
}

/* A step found the broker refusing what the rest of the case needs (a 5.0
 * PUBACK >= 0x80): the checks after it are NOT APPLICABLE, and the main
 * steps end (clean-up still runs). */
static void main_refused(struct engine_case *r)
{
	for (size_t i = 0; i < r->res->nchecks; i++) {
		struct check_result *c = &r->res->checks[i];
		if (c->outcome == CHECK_INCONCLUSIVE && c->step > r->step) {
			results_set_outcome(c, CHECK_NOT_APPLICABLE, c->t_ms);
			results_set_actual(c, "%s", r->refused);
		}
	}
	r->refused[0] = '\0';
	r->step = r->spec->nsteps;
}

/* Advance a case as far as it can go now. Returns 1 when it is finished. */
static int case_advance(struct engine_case *r, double now)
{
	const struct case_spec *cs = r->spec;
	size_t total = cs->nsteps + cs->ncleanup;
	for (;;) {
		if (r->phase == ENGINE_MAIN && r->step >= cs->nsteps) {
			/* Clean-up starts from closed connections, so it can connect afresh. */
			for (size_t i = 0; i < cs->nclients; i++)
				engine_client_finish(r, (int)i, now);
			r->phase = ENGINE_CLEANUP;
			if (r->step < cs->nsteps)
				r->step = cs->nsteps;
		}
		if (r->step >= total) {
			r->phase = ENGINE_DONE;
			return 1;
		}
		enum engine_step_rc rc = engine_step_poll(r, now);
		if (rc == ENGINE_STEP_PENDING)
			return 0;
		if (r->phase == ENGINE_MAIN)
			r->res->steps_run = r->step + 1;
		r->label_t[r->step] = now;
		struct step_result *sr = &r->res->steps[r->step];
		results_set_step_outcome(sr, rc == ENGINE_STEP_ABORT ? STEP_FAILED : r->skipped ? STEP_SKIPPED : STEP_DONE,
					 now - r->t0);
		r->skipped = 0;
		r->started = 0;
		if (rc == ENGINE_STEP_ABORT && r->phase == ENGINE_MAIN)
			main_step_failed(r);
		else if (r->refused[0])
			main_refused(r);
		else
			r->step++;
	}
}

/* How long a case runs, to start the longest first: what it waits for by
 * design however fast the broker is (waits, quiet windows, explicit windows),
 * or what its steps cost on a broker that answers slowly (100 ms a step),
 * whichever is more. Measured on mosquitto and on a broker dripping its
 * answers (docs/performance.md). */
static double estimate(const struct case_spec *cs)
{
	double t = 0;
	for (size_t i = 0; i < cs->nsteps; i++) {
		const struct case_step *s = &cs->steps[i];
		if (s->timer.edge != CASE_TIMER_NONE)
			t += cJSON_IsNumber(s->timer.seconds) ? s->timer.seconds->valuedouble * 1000.0 : 5000.0;
		else if (s->kind == CASE_STEP_WAIT)
			t += (double)s->wait_ms;
		else if (s->kind == CASE_STEP_EXPECT && s->within_ms >= 0)
			t += (double)s->within_ms;
		else if (s->kind == CASE_STEP_EXPECT && s->expect.kind == CASE_EXPECT_NOTHING)
			t += CASE_QUIET_MS; /* the default quiet window */
	}
	double slow = 100.0 * (double)cs->nsteps;
	return t > slow ? t : slow;
}

struct order {
	double est;
	size_t i;
};

static int longer_first(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	if (x->est != y->est)
		return x->est < y->est ? 1 : -1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The loop's state: the cases in flight and those still to start. */
struct engine_loop {
	const struct case_spec *cases;
	size_t n;
	const int *selected;
	const struct catalog *cat;
	const struct engine_opts *o;
	struct case_result *results;
	struct order *ord;       /* start order: longest first */
	size_t next;             /* into ord */
	struct engine_case **active;
	size_t nactive, jobs;
	size_t done, nsel;
	size_t held;             /* packets in all inboxes: bounded by engine_client.c */
	struct pollfd *pfd;
	size_t np, pcap;
};

static void case_done(struct engine_loop *L, const struct case_result *res)
{
	L->done++;
	if (L->o->progress)
		L->o->progress(L->o->progress_arg, L->done, L->nsel, res);
}

/* Start cases while there are free slots. */
static void start_cases(struct engine_loop *L, double now)
{
	const struct engine_opts *o = L->o;
	while (L->nactive < L->jobs && L->next < L->n) {
		size_t ci = L->ord[L->next++].i;
		if (L->selected && !L->selected[ci])
			continue;
		if (o->not_applicable && o->not_applicable[ci]) {
			/* The broker lacks what the case needs: its checks are NOT APPLICABLE, unrun. */
			struct case_result *res = &L->results[ci];
			for (size_t k = 0; k < res->nchecks; k++) {
				results_set_outcome(&res->checks[k], CHECK_NOT_APPLICABLE, 0);
				results_set_actual(&res->checks[k], "%s", o->not_applicable[ci]);
			}
			case_done(L, res);
			continue;
		}
		struct engine_case *r = case_start(&L->cases[ci], &L->results[ci], L->cat, o, now);
		r->held = &L->held;
		L->active[L->nactive++] = r;
	}
}

/* Advance every case; a finished one frees its slot. */
static void advance_cases(struct engine_loop *L, double now, int cut)
{
	for (size_t i = 0; i < L->nactive;) {
		if (cut || case_advance(L->active[i], now)) {
			struct case_result *res = L->active[i]->res;
			case_finish(L->active[i], now, cut ? "not finished: the run was cut short" : NULL);
			L->active[i] = L->active[--L->nactive];
			case_done(L, res);
			continue;
		}
		i++;
	}
}

/* The fds to wait on, in case and client order; returns when to wake at the latest. */
static double poll_set(struct engine_loop *L, double now)
{
	double wake = now + 250;
	L->np = 0;
	for (size_t i = 0; i < L->nactive; i++) {
		struct engine_case *r = L->active[i];
		if (r->started && r->deadline > 0 && r->deadline < wake)
			wake = r->deadline;
		for (size_t k = 0; k < r->spec->nclients; k++) {
			struct engine_client *c = &r->cl[k];
			if (c->conn.fd < 0)
				continue;
			if (L->np == L->pcap) {
				L->pcap = L->pcap ? L->pcap * 2 : 64;
				L->pfd = alloc_array(L->pfd, L->pcap, sizeof *L->pfd);
			}
			struct pollfd *p = &L->pfd[L->np++];
			p->fd = c->conn.fd;
			p->events = conn_events(&c->conn);
			p->revents = 0;
			/* Bytes buffered inside TLS or WebSocket do not wake poll. */
			if (conn_pending(&c->conn))
				wake = now;
		}
	}
	return wake;
}

/* Hand each client what poll saw on its fd (and what TLS or WebSocket hold). */
static void dispatch_io(struct engine_loop *L, double now)
{
	size_t k = 0;
	for (size_t i = 0; i < L->nactive; i++) {
		struct engine_case *r = L->active[i];
		for (size_t c = 0; c < r->spec->nclients; c++) {
			if (r->cl[c].conn.fd < 0)
				continue;
			/* The fd list was built in this same order. */
			short rev = k < L->np && L->pfd[k].fd == r->cl[c].conn.fd ? L->pfd[k].revents : 0;
			if (conn_pending(&r->cl[c].conn))
				rev |= POLLIN;
			if (rev)
				engine_client_on_io(r, (int)c, rev, now);
			k++;
		}
	}
}

/* Longest first: a run cannot end before its longest case, so that one
 * should not start last (LPT scheduling). Results keep the file order. */
static struct order *start_order(const struct case_spec *cases, size_t n)
{
	struct order *ord = alloc_array(NULL, n, sizeof *ord);
	for (size_t i = 0; i < n; i++)
		ord[i] = (struct order){estimate(&cases[i]), i};
	qsort(ord, n, sizeof *ord, longer_first);
	return ord;
}

int engine_run(const struct case_spec *cases, size_t n, const int *selected, const struct catalog *cat,
	       const struct engine_opts *o, struct case_result *results)
{
	struct engine_loop L = {.cases = cases, .n = n, .selected = selected, .cat = cat, .o = o, .results = results};
	L.jobs = o->jobs ? o->jobs : 1;
	for (size_t i = 0; i < n; i++) {
		int sel = !selected || selected[i];
		result_init(&results[i], &cases[i], i, sel, o);
		L.nsel += (size_t)sel;
	}
	L.ord = start_order(cases, n);
	L.active = alloc_zeroed(L.jobs, sizeof *L.active);
	int cut = 0;
	double start = clock_ms();
	for (;;) {
		double now = clock_ms();
		if ((o->stop && *o->stop) || (o->deadline_ms > 0 && now - start >= o->deadline_ms))
			cut = 1;
		if (!cut)
			start_cases(&L, now);
		advance_cases(&L, now, cut);
		if (cut || (L.nactive == 0 && L.next >= n))
			break;
		if (L.nactive < L.jobs && L.next < n)
			continue;
		/* Wait for I/O or the nearest deadline. */
		double wake = poll_set(&L, now);
		int timeout = wake > now ? (int)(wake - now) + 1 : 0;
		if (poll(L.pfd, L.np, timeout) < 0)
			continue;
		dispatch_io(&L, clock_ms());
	}
	for (size_t i = 0; i < n; i++)
		if (results[i].selected && results[i].duration_ms == 0 && cut)
			results_set_setup_error(&results[i], "not run: the run was cut short");
	free(L.pfd);
	free(L.active);
	free(L.ord);
	return cut;
}
