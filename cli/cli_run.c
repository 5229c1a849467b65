/* cli_run.c - mqttspec run: load, select, pre-flight, run, report. */
#include <errno.h>
#include <fnmatch.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "result/baseline.h"
#include "cli/cli.h"
#include "cli/cli_auth.h"
#include "engine/engine.h"
#include "engine/engine_preflight.h"
#include "util/alloc.h"
#include "util/base36.h"
#include "util/clock.h"
#include "util/json_util.h"
#include "cli/repro.h"
#include "reports/report.h"

static int section_matches(const char *sel, const char *section)
{
	size_t n = strlen(sel);
	return strncmp(sel, section, n) == 0 && (section[n] == '\0' || section[n] == '.');
}

/* Whether the selector `s` (bare) names the case, its clauses or the client
 * rules it polices. */
static int selector_matches(const char *s, const struct case_spec *cs, const struct catalog *cat)
{
	if (strcmp(s, cs->id) == 0)
		return 1;
	for (size_t j = 0; j < cs->nclaims; j++) {
		const struct catalog_clause *cl = catalog_find(cat, cs->protocol, cs->claims[j]);
		if (fnmatch(s, cs->claims[j], 0) == 0 || (cl && section_matches(s, cl->section)))
			return 1;
	}
	/* A client rule selects the cases that police it. */
	for (size_t k = 0; k < cs->nsteps; k++)
		for (size_t j = 0; j < cs->steps[k].npolices; j++)
			if (fnmatch(s, cs->steps[k].polices[j], 0) == 0)
				return 1;
	return 0;
}

int cli_selects(const struct cli_opts *o, int version, const struct case_spec *cs, const struct catalog *cat)
{
	if (o->stay_in_prefix && cs->outside_prefix)
		return 0;
	if (version >= 0 && version != (int)cs->protocol)
		return 0;
	if (!o->nonly)
		return 1;
	for (size_t i = 0; i < o->nonly; i++) {
		const char *s;
		int v;
		/* An unknown qualifier was refused with the options. */
		if (catalog_id_parse(o->only[i], &v, &s) < 0 || (v >= 0 && v != (int)cs->protocol))
			continue;
		if (selector_matches(s, cs, cat))
			return 1;
	}
	return 0;
}

static void make_prefix(char *out)
{
	unsigned char r[6] = {0};
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(r, 1, sizeof r, f) != sizeof r) {
		unsigned long t = (unsigned long)time(NULL) ^ (unsigned long)getpid() << 16;
		for (int i = 0; i < 6; i++, t /= 36)
			r[i] = (unsigned char)(t % 36);
	}
	if (f)
		fclose(f);
	for (int i = 0; i < 6; i++)
		out[i] = base36_digit(r[i], 0);
	out[6] = '\0';
}

struct progress_state {
	double t0;
	size_t failed;
};

static void progress(void *arg, size_t done, size_t total, const struct case_result *r)
{
	struct progress_state *p = arg;
	double el = (clock_ms() - p->t0) / 1e3;
	for (size_t i = 0; i < r->nchecks; i++)
		if (r->checks[i].outcome == CHECK_FAIL && !r->checks[i].should) {
			p->failed++;
			break;
		}
	fprintf(stderr, "\r%zu/%zu cases, %zu failing, %.1f s  ", done, total, p->failed, el);
	if (done == total)
		fputc('\n', stderr);
}

static int write_file(const char *path, const char *what, const struct run_result *run,
		      int (*fn)(const struct run_result *, FILE *, struct err *))
{
	struct err e;
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mqttspec: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = fn(run, f, &e);
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		snprintf(e.msg, sizeof e.msg, "write error");
	}
	if (rc < 0)
		fprintf(stderr, "mqttspec: %s (%s): %s\n", path, what, e.msg);
	return rc;
}

static char *iso_now(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return alloc_strdup(buf);
}

/* The password: --password-file (first line), else MQTTSPEC_PASSWORD. Never a
 * command-line argument: it would show in process lists and shell history. */
static int load_password(const struct cli_opts *o, char **out)
{
	*out = NULL;
	if (o->password_file) {
		struct err e;
		size_t n;
		char *text = json_util_read_file(o->password_file, &n, &e);
		if (!text) {
			fprintf(stderr, "mqttspec: --password-file: %s\n", e.msg);
			return -1;
		}
		text[strcspn(text, "\r\n")] = '\0';
		*out = text;
	} else if (getenv("MQTTSPEC_PASSWORD")) {
		*out = alloc_strdup(getenv("MQTTSPEC_PASSWORD"));
	}
	if (*out && !o->username) {
		fprintf(stderr, "mqttspec: a password needs --username (MQTT sends no password without a user name)\n");
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Generated ids are prefix + 6 + 3 + up to 8 characters: a prefix of at most 6
 * keeps them within the 23 every broker must accept (MQTT-3.1.3-5). */
static int check_prefixes(const struct cli_opts *o)
{
	const char *cp = o->client_prefix, *tp = o->topic_prefix;
	if (cp) {
		size_t n = strlen(cp);
		int ok = n >= 1 && n <= 6;
		for (size_t i = 0; ok && i < n; i++)
			ok = (cp[i] >= '0' && cp[i] <= '9') || (cp[i] >= 'a' && cp[i] <= 'z') || (cp[i] >= 'A' && cp[i] <= 'Z');
		if (!ok)
			return cli_usage_error("--client-prefix \"%s\": use 1 to 6 characters of [0-9a-zA-Z], so client ids stay within the 23 every broker must accept", cp);
	}
	if (tp && (!*tp || tp[0] == '$' || tp[0] == '/' || tp[strlen(tp) - 1] == '/' || strpbrk(tp, "+#") ||
		   strlen(tp) > 200))
		return cli_usage_error("--topic-prefix \"%s\": use one or more topic levels, no wildcards, not starting with '$' or '/', not ending with '/'", tp);
	return 0;
}

/* The report files asked for: where the path sits in the options, who
 * writes it, and whether it needs a run that happened (a baseline does; the
 * reports also say why a run could not start). */
static const struct {
	size_t at;
	const char *what;
	int (*fn)(const struct run_result *, FILE *, struct err *);
	int needs_run;
} reports[] = {
	{offsetof(struct cli_opts, json), "JSON report", report_json_write, 0},
	{offsetof(struct cli_opts, junit), "JUnit report", report_junit_write, 0},
	{offsetof(struct cli_opts, html), "HTML report", report_html_write, 0},
	{offsetof(struct cli_opts, markdown), "Markdown summary", report_markdown_write, 0},
	{offsetof(struct cli_opts, write_baseline), "baseline", baseline_write, 1},
};

/* Write the reports asked for (after a set-up error, those that do not need
 * a run). 0, or -1 if one failed. */
static int write_reports(const struct cli_opts *o, const struct run_result *run, int ran)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
		if (reports[i].needs_run && !ran)
			continue;
		const char *path = *(const char *const *)((const char *)o + reports[i].at);
		if (path && write_file(path, reports[i].what, run, reports[i].fn) < 0)
			rc = -1;
	}
	return rc;
}

/* The specs of the versions in `versions`, "MQTT 3.1.1, MQTT 5.0", in buf. */
static const char *spec_names(const struct catalog *cat, unsigned versions, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < cat->nparts && len < n; i++)
		if (versions & RESULTS_VERSION(cat->parts[i].version))
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", cat->parts[i].spec);
	return buf;
}

/* What every run result says about the run's settings. */
static void run_header(const struct cli_opts *o, const char *spec, struct run_result *run)
{
	memset(run, 0, sizeof *run);
	run->tool_version = alloc_strdup(MQTTSPEC_VERSION);
	run->started_at = iso_now();
	run->spec = alloc_strdup(spec);
	run->time_scale = o->time_scale;
	run->tolerance_ms = o->tolerance_ms;
	run->slack_ms = o->slack_ms;
	run->period_ms = o->period_ms;
	run->max_wait_ms = o->max_wait_ms;
	run->strict = o->strict;
	run->insecure = o->insecure;
	run->broker_name = o->broker_name ? alloc_strdup(o->broker_name) : NULL;
	run->nbrokers = o->nbrokers;
	run->brokers = alloc_zeroed(o->nbrokers, sizeof(char *));
	for (size_t i = 0; i < o->nbrokers; i++)
		run->brokers[i] = alloc_strdup(o->brokers[i]);
}

/* A set-up error (exit 2): said on standard error, and in every report asked
 * for, so a CI dashboard shows why no case ran. `what` (the option at fault,
 * or "") prefixes the message. */
static int setup_fail(const struct cli_opts *o, const char *what, const char *msg)
{
	fprintf(stderr, "mqttspec: set-up error: %s%s\n", what, msg);
	struct run_result run;
	run_header(o, "MQTT 3.1.1", &run);
	results_set_run_setup_error(&run, "%s%s", what, msg);
	write_reports(o, &run, 0);
	results_free(&run);
	return 2;
}

/* Everything one run holds between its steps; zeroed, then freed by run_free. */
struct run_state {
	struct cli_opts *o;
	int version;               /* --protocol: an enum mqtt_version, -1 for all */
	struct baseline bl;        /* --baseline, read once before anything connects */
	struct conn_endpoint *eps;
	int need_tls;
	char *password;
	struct cli_auth auth;      /* --auth */
	struct conn_ctx cctx;
	struct catalog cat;
	struct case_set set;
	int *sel;
	size_t nsel;
	char prefix[8];
	struct engine_opts eo;
	struct engine_broker broker; /* the versions it speaks, what it offers in each */
	char **na;
};

static void run_free(struct run_state *st)
{
	for (size_t i = 0; st->na && i < st->set.n; i++)
		free(st->na[i]);
	free(st->na);
	engine_broker_free(&st->broker);
	cli_auth_free(&st->auth);
	free(st->sel);
	case_set_free(&st->set);
	catalog_free(&st->cat);
	conn_ctx_free(&st->cctx);
	if (st->password)
		memset(st->password, 0, strlen(st->password));
	free(st->password);
	free(st->eps);
	baseline_free(&st->bl);
}

/* Usage errors and a bad baseline, found before anything connects. 0, or the exit status. */
static int check_args(struct run_state *st)
{
	const struct cli_opts *o = st->o;
	if (!o->nbrokers)
		return cli_usage_error("%s", "run needs --broker URL");
	struct err be;
	/* A bad baseline is a set-up error, found before any case runs. */
	if (o->baseline && baseline_load(&st->bl, o->baseline, &be) < 0)
		return setup_fail(o, "--baseline: ", be.msg);
	if (check_prefixes(o))
		return 2;
	st->version = !o->protocol || strcmp(o->protocol, "all") == 0 ? -1 : mqtt_version_from_name(o->protocol);
	if (o->protocol && strcmp(o->protocol, "all") != 0 && st->version < 0)
		return cli_usage_error("--protocol: expected 3.1.1, 5.0 or all, got \"%s\"", o->protocol);
	for (size_t i = 0; i < o->nonly; i++) {
		int v;
		const char *id;
		if (catalog_id_parse(o->only[i], &v, &id) < 0)
			return cli_usage_error("--only \"%s\": qualify with 3.1.1: or 5.0:, or give a bare id", o->only[i]);
	}
	struct err e;
	st->eps = alloc_zeroed(o->nbrokers, sizeof *st->eps);
	for (size_t i = 0; i < o->nbrokers; i++) {
		if (conn_endpoint_parse(&st->eps[i], o->brokers[i], &e) < 0)
			return cli_usage_error("%s", e.msg);
		st->need_tls |= st->eps[i].tls;
	}
	if (!st->need_tls && (o->cafile || o->cert || o->key || o->insecure))
		return cli_usage_error("%s", "--cafile, --cert, --key and --insecure are for mqtts:// and wss:// brokers");
	if (o->auth_file && cli_auth_load(o->auth_file, &st->auth, &e) < 0) {
		fprintf(stderr, "mqttspec: --auth %s\n", e.msg);
		return 2;
	}
	return load_password(o, &st->password) < 0 ? 2 : 0;
}

/* TLS, the catalog and the cases, and which of them run. 0 to go on, else the
 * exit status (--dry-run: 0 after the list). */
static int load_and_select(struct run_state *st, int *done)
{
	const struct cli_opts *o = st->o;
	struct err e;
	struct conn_tls_opts topts = {o->cafile, o->cert, o->key, o->insecure};
	if (st->need_tls && conn_ctx_init(&st->cctx, &topts, &e) < 0)
		return setup_fail(o, "", e.msg);
	if (cli_load_err(o, &st->cat, &st->set, &e) < 0)
		return setup_fail(o, "", e.msg);
	st->sel = alloc_zeroed(st->set.n, sizeof *st->sel);
	for (size_t i = 0; i < st->set.n; i++)
		st->nsel += (size_t)(st->sel[i] = cli_selects(o, st->version, &st->set.cases[i], &st->cat));
	if (st->nsel == 0) {
		fprintf(stderr, "mqttspec: %s no case\n",
			!o->protocol ? "--only selects" : o->nonly ? "--only and --protocol select" : "--protocol selects");
		return 2;
	}
	if (o->dry_run) {
		for (size_t i = 0; i < st->set.n; i++)
			if (st->sel[i])
				printf("%-44s %s\n", st->set.cases[i].id, st->set.cases[i].file);
		printf("%zu of %zu cases selected\n", st->nsel, st->set.n);
		*done = 1;
	}
	return 0;
}

static void engine_options(struct run_state *st)
{
	const struct cli_opts *o = st->o;
	struct engine_opts *eo = &st->eo;
	make_prefix(st->prefix);
	memset(eo, 0, sizeof *eo);
	eo->eps = st->eps;
	eo->neps = o->nbrokers;
	eo->conn_ctx = &st->cctx;
	eo->time_scale = o->time_scale;
	eo->tolerance_ms = o->tolerance_ms;
	eo->slack_ms = o->slack_ms;
	eo->period_ms = o->period_ms;
	eo->max_wait_ms = o->max_wait_ms;
	eo->jobs = (size_t)o->jobs;
	eo->run_prefix = st->prefix;
	eo->client_prefix = o->client_prefix;
	eo->topic_prefix = o->topic_prefix;
	eo->username = o->username;
	eo->password = st->password;
	eo->auth_method = st->auth.method;
	eo->auth_data = st->auth.data;
	eo->nauth_data = st->auth.ndata;
	eo->auth_data_hex = st->auth.first_hex;
	eo->propagation_ms = o->propagation_ms;
	eo->stop = o->stop;
	eo->deadline_ms = o->deadline_s * 1000.0;
	eo->stay_in_prefix = o->stay_in_prefix;
}

/* No CONNACK announces an enhanced-authentication method: the user declares one. */
static void declare_auth(const struct run_state *st, struct profile *p)
{
	p->caps.auth = st->auth.method != NULL;
	if (st->auth.method)
		snprintf(p->source[PROFILE_AUTH], sizeof p->source[PROFILE_AUTH], "declared by --auth %s: method \"%.60s\", %zu data",
			 st->o->auth_file, st->auth.method, st->auth.ndata);
	else
		snprintf(p->source[PROFILE_AUTH], sizeof p->source[PROFILE_AUTH],
			 "none declared: --auth FILE names a method and its data");
}

/* The pre-flight of every version the selected cases speak, what the
 * broker offers, and which selected cases it cannot run. 0, or the exit status. */
static int preflight(struct run_state *st)
{
	const struct cli_opts *o = st->o;
	struct err e;
	engine_options(st);
	for (size_t i = 0; i < st->set.n; i++)
		if (st->sel[i])
			st->broker.need[engine_broker_slot(st->set.cases[i].protocol)] = 1;
	if (engine_broker_learn(&st->broker, &st->eo, o->profile, &e) < 0)
		return setup_fail(o, "", e.msg);
	declare_auth(st, &st->broker.prof[engine_broker_slot(MQTT_V5)]);
	st->na = alloc_zeroed(st->set.n, sizeof *st->na);
	for (size_t i = 0; i < st->set.n; i++) {
		char why[700];
		const struct case_spec *cs = &st->set.cases[i];
		if (st->sel[i] && engine_broker_unmet(&st->broker, cs->protocol, &cs->needs, why, sizeof why))
			st->na[i] = alloc_strdup(why);
	}
	st->eo.not_applicable = (const char *const *)st->na;
	return 0;
}

/* The cases, then the built-in case, aggregated into `run`. */
static void run_cases(struct run_state *st, struct run_result *run)
{
	const struct cli_opts *o = st->o;
	double t0 = clock_ms();
	struct progress_state ps = {t0, 0};
	if (!o->quiet && isatty(2) && !getenv("CI")) {
		st->eo.progress = progress;
		st->eo.progress_arg = &ps;
	}
	unsigned versions = 0;
	for (size_t i = 0; i < st->set.n; i++)
		if (st->sel[i])
			versions |= RESULTS_VERSION(st->set.cases[i].protocol);
	char spec[128];
	run_header(o, spec_names(&st->cat, versions, spec, sizeof spec), run);
	run->run_prefix = alloc_strdup(st->prefix);
	engine_broker_profile(&st->broker, run);
	run->cases = alloc_zeroed(st->set.n + 2, sizeof *run->cases);
	run->incomplete = engine_run(st->set.cases, st->set.n, st->sel, &st->cat, &st->eo, run->cases);
	run->ncases = st->set.n + engine_broker_cases(&st->broker, &st->cat, &run->cases[st->set.n]);
	run->duration_ms = clock_ms() - t0;
	/* The run reports the versions of the cases it selected; the built-in
	 * pre-flight (3.1.1) adds none. */
	results_aggregate(run, &st->cat, versions);
}

/* The console report, the files asked for, the reproducers; the exit status. */
static int report(struct run_state *st, struct run_result *run)
{
	const struct cli_opts *o = st->o;
	struct err e;
	if (o->baseline)
		baseline_apply(&st->bl, run);
	struct report_opts ro = {o->color < 0 ? isatty(1) : o->color, o->verbose, REPORT_WIRE_TAIL_DEFAULT};
	int werr = 0;
	if (report_text_write(run, &ro, stdout, &e) < 0) {
		fprintf(stderr, "mqttspec: console report: %s\n", e.msg);
		werr = 1;
	}
	fflush(stdout);
	if (write_reports(o, run, 1) < 0)
		werr = 1;
	char replay[2048];
	cli_options_replay(o, replay, sizeof replay);
	struct repro_opts rpo = {o->cases_dir, o->topic_prefix, replay};
	if (o->repro && repro_write_dir(o->repro, run, st->set.cases, st->set.n, &rpo, &e) < 0) {
		fprintf(stderr, "mqttspec: --repro %s: %s\n", o->repro, e.msg);
		werr = 1;
	}
	int rc = werr ? 2 : baseline_exit_status(run);
	if (run->incomplete) {
		fprintf(stderr, "mqttspec: the run was cut short; the reports cover what finished\n");
		if (rc == 0)
			rc = 2;
	}
	results_free(run);
	return rc;
}

int cli_run(struct cli_opts *o)
{
	struct run_state st;
	memset(&st, 0, sizeof st);
	st.o = o;
	int done = 0, rc = check_args(&st);
	if (rc == 0)
		rc = load_and_select(&st, &done);
	if (rc == 0 && !done)
		rc = preflight(&st);
	if (rc == 0 && !done) {
		struct run_result run;
		run_cases(&st, &run);
		rc = report(&st, &run);
	}
	run_free(&st);
	return rc;
}
