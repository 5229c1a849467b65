/* engine.c - the poll loop and each case's lifecycle. See engine.h. */
#include "engine/engine.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/mqtt_print.h"
#include "engine/engine_int.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "case/match.h"

double engine_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Client ids: "Ms" + run prefix + case number (3 base-36 digits, upper case)
 * + client name: at most 19 characters of [0-9a-zA-Z], both cases and digits,
 * which every broker must accept (MQTT-3.1.3-5): a broker that refuses upper
 * case (or lower case, or digits) shows in every case, not only in one. */
static void make_client_id(char *out, size_t n, const char *prefix, const char *run, size_t case_index, const char *name)
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	char num[4] = {digits[(case_index / 1296) % 36], digits[(case_index / 36) % 36], digits[case_index % 36], 0};
	snprintf(out, n, "%s%s%s%s", prefix ? prefix : "Ms", run, num, name);
}

/* Every case gets a result up front, so a run cut short still reports them all. */
static void result_init(struct case_result *res, const struct case_spec *cs, size_t index, int selected,
			const struct engine_opts *o)
{
	memset(res, 0, sizeof *res);
	res->id = alloc_strdup(cs->id);
	res->title = alloc_strdup(cs->title);
	res->file = alloc_strdup(cs->file);
	res->selected = selected;
	res->nclients = cs->nclients;
	res->clients = calloc(cs->nclients, sizeof(char *));
	res->client_ids = calloc(cs->nclients, sizeof(char *));
	for (size_t i = 0; i < cs->nclients; i++) {
		char id[64];
		make_client_id(id, sizeof id, o->client_prefix, o->run_prefix, index, cs->clients[i].name);
		res->clients[i] = alloc_strdup(cs->clients[i].name);
		size_t want = (size_t)cs->clients[i].client_id_length, have = strlen(id);
		if (want > have) {
			/* Padding keeps the unique prefix and uses only [0-9a-zA-Z]. */
			char *padded = alloc_bytes(want + 1);
			memcpy(padded, id, have);
			memset(padded + have, '0', want - have);
			padded[want] = '\0';
			res->client_ids[i] = padded;
		} else {
			res->client_ids[i] = alloc_strdup(id);
		}
	}
	res->claims = alloc_bytes((cs->nclaims ? cs->nclaims : 1) * sizeof *res->claims);
	memcpy(res->claims, cs->claims, cs->nclaims * sizeof *res->claims);
	res->nclaims = cs->nclaims;
	res->steps_total = cs->nsteps;
	if (!selected)
		return;
	res->nsteps = cs->nsteps + cs->ncleanup;
	res->steps = calloc(res->nsteps ? res->nsteps : 1, sizeof *res->steps);
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
		} else if (s->kind == CASE_STEP_WAIT) {
			snprintf(d, sizeof d, "%ld ms", s->wait_ms);
		}
		sr->detail = alloc_strdup(d);
	}
	for (size_t i = 0; i < cs->nsteps; i++) {
		const struct case_step *s = &cs->steps[i];
		if (!s->nchecks)
			continue;
		res->checks = alloc_resize(res->checks, (res->nchecks + 1) * sizeof *res->checks);
		struct check_result *c = &res->checks[res->nchecks++];
		memset(c, 0, sizeof *c);
		c->clauses = alloc_bytes(s->nchecks * sizeof *c->clauses);
		memcpy(c->clauses, s->checks, s->nchecks * sizeof *c->clauses);
		c->nclauses = s->nchecks;
		if (s->npolices) {
			c->polices = alloc_bytes(s->npolices * sizeof *c->polices);
			memcpy(c->polices, s->polices, s->npolices * sizeof *c->polices);
			c->npolices = s->npolices;
		}
		c->should = s->should;
		c->outcome = CHECK_INCONCLUSIVE;
		c->step = i;
		c->step_path = alloc_strdup(s->path);
		char want[1500];
		match_describe(&s->expect, want, sizeof want);
		c->expected = alloc_strdup(want);
		c->actual = alloc_strdup("not reached: the case did not get this far");
	}
}

static struct engine_run *run_start(const struct case_spec *cs, struct case_result *res, const struct catalog *cat,
				    const struct engine_opts *o, double now)
{
	struct engine_run *r = calloc(1, sizeof *r);
	r->spec = cs;
	r->res = res;
	r->cat = cat;
	r->o = o;
	r->t0 = now;
	size_t total = cs->nsteps + cs->ncleanup;
	r->label_t = calloc(total ? total : 1, sizeof *r->label_t);
	r->check_of = calloc(total ? total : 1, sizeof *r->check_of);
	for (size_t i = 0, k = 0; i < total; i++)
		r->check_of[i] = (i < cs->nsteps && cs->steps[i].nchecks) ? (long)k++ : -1;
	snprintf(r->topic, sizeof r->topic, "%s/%s/%s", o->topic_prefix ? o->topic_prefix : "mqttspec", o->run_prefix,
		 cs->id);
	r->ctx.run = o->run_prefix;
	r->ctx.topic = r->topic;
	r->ctx.topic_rest = strchr(r->topic, '/') + 1;
	r->ctx.username = o->username;
	r->ctx.password = o->password;
	r->ctx.nclients = cs->nclients;
	r->ctx.client_names = res->clients;
	r->ctx.client_ids = res->client_ids;
	for (size_t i = 0; i < cs->nvars; i++)
		tmpl_vars_set(&r->ctx.vars, cs->var_names[i], cs->var_values[i]);
	r->cl = calloc(cs->nclients, sizeof *r->cl);
	for (size_t i = 0; i < cs->nclients; i++) {
		conn_init(&r->cl[i].conn);
		/* Spread clients over the endpoints: on a cluster, a publisher and its
		 * subscriber land on different nodes. */
		r->cl[i].ep = &o->eps[i % o->neps];
	}
	/* A client_id template may name other clients' generated ids. */
	for (size_t i = 0; i < cs->nclients; i++) {
		if (!cs->clients[i].client_id)
			continue;
		char *id;
		struct err e;
		if (tmpl_expand(&r->ctx, cs->clients[i].client_id, &r->arena, &id, &e) < 0) {
			char msg[700];
			snprintf(msg, sizeof msg, "clients.%s.client_id: case error: %s", cs->clients[i].name, e.msg);
			res->setup_error = alloc_strdup(msg);
			r->step = total;
			break;
		}
		free(res->client_ids[i]);
		res->client_ids[i] = alloc_strdup(id);
	}
	return r;
}

static void run_finish(struct engine_run *r, double now, const char *cut)
{
	for (size_t i = 0; i < r->spec->nclients; i++) {
		engine_client_finish(r, (int)i, now);
		engine_client_free(&r->cl[i]);
	}
	if (cut && !r->res->setup_error) {
		r->res->setup_error = alloc_strdup(cut);
		for (size_t i = 0; i < r->res->nchecks; i++)
			if (r->res->checks[i].outcome == CHECK_INCONCLUSIVE) {
				free(r->res->checks[i].actual);
				r->res->checks[i].actual = alloc_strdup(cut);
			}
	}
	r->res->duration_ms = now - r->t0;
	free(r->cl);
	free(r->label_t);
	free(r->check_of);
	tmpl_vars_clear(&r->ctx.vars);
	arena_free(&r->arena);
	engine_monitor_free(&r->mon);
	free(r);
}

/* Advance a case as far as it can go now. Returns 1 when it is finished. */
static int run_advance(struct engine_run *r, double now)
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
		sr->t_ms = now - r->t0;
		sr->outcome = rc == ENGINE_STEP_ABORT ? STEP_FAILED : r->skipped ? STEP_SKIPPED : STEP_DONE;
		r->skipped = 0;
		r->started = 0;
		if (rc == ENGINE_STEP_ABORT && r->phase == ENGINE_MAIN) {
			for (size_t i = 0; i < r->res->nchecks; i++) {
				struct check_result *c = &r->res->checks[i];
				if (c->outcome == CHECK_INCONCLUSIVE && c->step > r->step) {
					char msg[600];
					snprintf(msg, sizeof msg, "not reached: %s failed first", cs->steps[r->step].path);
					free(c->actual);
					c->actual = alloc_strdup(msg);
				}
			}
			r->step = cs->nsteps;
			continue;
		}
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
		if (s->kind == CASE_STEP_WAIT)
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

int engine_run(const struct case_spec *cases, size_t n, const int *selected, const struct catalog *cat,
	       const struct engine_opts *o, struct case_result *results)
{
	size_t jobs = o->jobs ? o->jobs : 1, nsel = 0, done = 0;
	for (size_t i = 0; i < n; i++) {
		int sel = !selected || selected[i];
		result_init(&results[i], &cases[i], i, sel, o);
		nsel += (size_t)sel;
	}
	/* Longest first: a run cannot end before its longest case, so that one
	 * should not start last (LPT scheduling). Results keep the file order. */
	struct order *ord = alloc_bytes((n ? n : 1) * sizeof *ord);
	for (size_t i = 0; i < n; i++)
		ord[i] = (struct order){estimate(&cases[i]), i};
	qsort(ord, n, sizeof *ord, longer_first);
	struct engine_run **active = calloc(jobs, sizeof *active);
	size_t nactive = 0, next = 0;
	struct pollfd *pfd = NULL;
	size_t pcap = 0;
	int cut = 0;
	size_t held = 0; /* packets in all inboxes: bounded by engine_client.c */
	double start = engine_now();
	for (;;) {
		double now = engine_now();
		if ((o->stop && *o->stop) || (o->deadline_ms > 0 && now - start >= o->deadline_ms))
			cut = 1;
		while (!cut && nactive < jobs && next < n) {
			size_t ci = ord[next].i;
			if (selected && !selected[ci]) {
				next++;
				continue;
			}
			if (o->not_applicable && o->not_applicable[ci]) {
				/* The broker lacks what the case needs: its checks are NOT APPLICABLE, unrun. */
				struct case_result *res = &results[ci];
				for (size_t k = 0; k < res->nchecks; k++) {
					res->checks[k].outcome = CHECK_NOT_APPLICABLE;
					free(res->checks[k].actual);
					res->checks[k].actual = alloc_strdup(o->not_applicable[ci]);
				}
				done++;
				if (o->progress)
					o->progress(o->progress_arg, done, nsel, res);
				next++;
				continue;
			}
			active[nactive++] = run_start(&cases[ci], &results[ci], cat, o, now);
			active[nactive - 1]->held = &held;
			next++;
		}
		/* Advance every case; a finished one frees its slot. */
		for (size_t i = 0; i < nactive;) {
			if (cut || run_advance(active[i], now)) {
				struct case_result *res = active[i]->res;
				run_finish(active[i], now, cut ? "not finished: the run was cut short" : NULL);
				active[i] = active[--nactive];
				done++;
				if (o->progress)
					o->progress(o->progress_arg, done, nsel, res);
				continue;
			}
			i++;
		}
		if (cut || (nactive == 0 && next >= n))
			break;
		if (nactive < jobs && next < n)
			continue;
		/* Wait for I/O or the nearest deadline. */
		size_t np = 0;
		double wake = now + 250;
		for (size_t i = 0; i < nactive; i++) {
			struct engine_run *r = active[i];
			if (r->started && r->deadline > 0 && r->deadline < wake)
				wake = r->deadline;
			for (size_t k = 0; k < r->spec->nclients; k++) {
				struct engine_client *c = &r->cl[k];
				if (c->conn.fd < 0)
					continue;
				if (np == pcap) {
					pcap = pcap ? pcap * 2 : 64;
					pfd = alloc_resize(pfd, pcap * sizeof *pfd);
				}
				pfd[np].fd = c->conn.fd;
				pfd[np].events = conn_events(&c->conn);
				/* Bytes buffered inside TLS or WebSocket do not wake poll. */
				if (conn_pending(&c->conn))
					wake = now;
				pfd[np].revents = 0;
				np++;
			}
		}
		int timeout = wake > now ? (int)(wake - now) + 1 : 0;
		int pr = poll(pfd, np, timeout);
		if (pr < 0)
			continue;
		now = engine_now();
		size_t k = 0;
		for (size_t i = 0; i < nactive; i++) {
			struct engine_run *r = active[i];
			for (size_t c = 0; c < r->spec->nclients; c++) {
				if (r->cl[c].conn.fd < 0)
					continue;
				/* The fd list was built in this same order. */
				short rev = k < np && pfd[k].fd == r->cl[c].conn.fd ? pfd[k].revents : 0;
				if (conn_pending(&r->cl[c].conn))
					rev |= POLLIN;
				if (rev)
					engine_client_on_io(r, (int)c, rev, now);
				k++;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (results[i].selected && results[i].duration_ms == 0 && cut && !results[i].setup_error)
			results[i].setup_error = alloc_strdup("not run: the run was cut short");
	free(pfd);
	free(active);
	free(ord);
	return cut;
}
