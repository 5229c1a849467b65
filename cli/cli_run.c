/* cli_run.c - mqttspec run: load, select, pre-flight, run, report. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "result/baseline.h"
#include "engine/sync_client.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "util/alloc.h"
#include "util/base36.h"
#include "util/clock.h"
#include "util/json_util.h"
#include "engine/profile_probe.h"
#include "cli/repro.h"
#include "reports/report.h"

static int section_matches(const char *sel, const char *section)
{
	size_t n = strlen(sel);
	return strncmp(sel, section, n) == 0 && (section[n] == '\0' || section[n] == '.');
}

static int selects(const struct cli_opts *o, const struct case_spec *cs, const struct catalog *cat)
{
	if (o->stay_in_prefix && cs->outside_prefix)
		return 0;
	if (!o->nonly)
		return 1;
	for (size_t i = 0; i < o->nonly; i++) {
		const char *s = o->only[i];
		if (strcmp(s, cs->id) == 0)
			return 1;
		for (size_t j = 0; j < cs->nclaims; j++) {
			const struct catalog_clause *cl = catalog_find(cat, cs->claims[j]);
			if (fnmatch(s, cs->claims[j], 0) == 0 || (cl && section_matches(s, cl->section)))
				return 1;
		}
		/* A client rule selects the cases that police it. */
		for (size_t k = 0; k < cs->nsteps; k++)
			for (size_t j = 0; j < cs->steps[k].npolices; j++)
				if (fnmatch(s, cs->steps[k].polices[j], 0) == 0)
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

/* A set-up error (exit 2): said on standard error, and in every report asked
 * for, so a CI dashboard shows why no case ran. `what` (the option at fault,
 * or "") prefixes the message. */
static int setup_fail(const struct cli_opts *o, const char *what, const char *msg)
{
	char m[1400];
	snprintf(m, sizeof m, "%s%s", what, msg);
	fprintf(stderr, "mqttspec: set-up error: %s\n", m);
	if (!o->json && !o->junit && !o->html && !o->markdown)
		return 2;
	struct run_result run;
	memset(&run, 0, sizeof run);
	run.tool_version = alloc_strdup(MQTTSPEC_VERSION);
	run.started_at = iso_now();
	run.spec = alloc_strdup("MQTT 3.1.1");
	run.time_scale = o->time_scale;
	run.strict = o->strict;
	run.insecure = o->insecure;
	run.broker_name = o->broker_name ? alloc_strdup(o->broker_name) : NULL;
	run.nbrokers = o->nbrokers;
	run.brokers = calloc(o->nbrokers ? o->nbrokers : 1, sizeof(char *));
	for (size_t i = 0; i < o->nbrokers; i++)
		run.brokers[i] = alloc_strdup(o->brokers[i]);
	run.setup_error = alloc_strdup(m);
	if (o->json)
		write_file(o->json, "JSON report", &run, report_json_write);
	if (o->junit)
		write_file(o->junit, "JUnit report", &run, report_junit_write);
	if (o->html)
		write_file(o->html, "HTML report", &run, report_html_write);
	if (o->markdown)
		write_file(o->markdown, "Markdown summary", &run, report_markdown_write);
	results_free(&run);
	return 2;
}

/* The built-in case: the pre-flight of every endpoint, and what the probe learned. */
static void preflight_case(const struct engine_preflight *pf, size_t n, const struct sync_client_finding *probe,
			   const struct profile *prof, const struct catalog *cat, struct case_result *out)
{
	char *notes[PROFILE_NCAPS];
	for (int k = 0; k < PROFILE_NCAPS; k++) {
		char v[32], line[600];
		profile_value(prof, (enum profile_cap)k, v, sizeof v);
		snprintf(line, sizeof line, "profile: %s = %s (%s)", profile_cap_name((enum profile_cap)k), v,
			 prof->source[k][0] ? prof->source[k] : "default");
		notes[k] = alloc_strdup(line);
	}
	engine_preflight_case(pf, n, probe, cat, (const char *const *)notes, PROFILE_NCAPS, out);
	for (int k = 0; k < PROFILE_NCAPS; k++)
		free(notes[k]);
}

int cli_run(struct cli_opts *o)
{
	if (!o->nbrokers)
		return cli_usage_error("%s", "run needs --broker URL");
	if (o->baseline) { /* a bad baseline is a set-up error, found before any case runs */
		struct baseline b;
		struct err be;
		if (baseline_load(&b, o->baseline, &be) < 0)
			return setup_fail(o, "--baseline: ", be.msg);
		baseline_free(&b);
	}
	if (check_prefixes(o))
		return 2;
	struct conn_endpoint *eps = calloc(o->nbrokers, sizeof *eps);
	struct err e;
	int need_tls = 0;
	for (size_t i = 0; i < o->nbrokers; i++) {
		if (conn_endpoint_parse(&eps[i], o->brokers[i], &e) < 0) {
			free(eps);
			return cli_usage_error("%s", e.msg);
		}
		need_tls |= eps[i].tls;
	}
	if (!need_tls && (o->cafile || o->cert || o->key || o->insecure)) {
		free(eps);
		return cli_usage_error("%s", "--cafile, --cert, --key and --insecure are for mqtts:// and wss:// brokers");
	}
	char *password;
	if (load_password(o, &password) < 0) {
		free(eps);
		return 2;
	}
	struct conn_ctx cctx;
	memset(&cctx, 0, sizeof cctx);
	struct conn_tls_opts topts = {o->cafile, o->cert, o->key, o->insecure};
	if (need_tls && conn_ctx_init(&cctx, &topts, &e) < 0) {
		free(password);
		free(eps);
		return setup_fail(o, "", e.msg);
	}
	struct catalog cat;
	struct case_set set;
	if (cli_load_err(o, &cat, &set, &e) < 0) {
		conn_ctx_free(&cctx);
		free(password);
		free(eps);
		return setup_fail(o, "", e.msg);
	}
	int *sel = calloc(set.n, sizeof *sel);
	char **na = NULL;
	struct engine_preflight *pf = NULL;
	struct sync_client_finding probe_find;
	memset(&probe_find, 0, sizeof probe_find);
	size_t nsel = 0;
	for (size_t i = 0; i < set.n; i++)
		nsel += (size_t)(sel[i] = selects(o, &set.cases[i], &cat));
	int rc = 2;
	if (nsel == 0) {
		fprintf(stderr, "mqttspec: --only selects no case\n");
		goto out;
	}
	if (o->dry_run) {
		for (size_t i = 0; i < set.n; i++)
			if (sel[i])
				printf("%-44s %s\n", set.cases[i].id, set.cases[i].file);
		printf("%zu of %zu cases selected\n", nsel, set.n);
		rc = 0;
		goto out;
	}
	char prefix[8];
	make_prefix(prefix);
	struct engine_opts eo;
	memset(&eo, 0, sizeof eo);
	eo.eps = eps;
	eo.neps = o->nbrokers;
	eo.conn_ctx = &cctx;
	eo.time_scale = o->time_scale;
	eo.tolerance_ms = o->tolerance_ms;
	eo.jobs = (size_t)o->jobs;
	eo.run_prefix = prefix;
	eo.client_prefix = o->client_prefix;
	eo.topic_prefix = o->topic_prefix;
	eo.username = o->username;
	eo.password = password;
	eo.propagation_ms = o->propagation_ms;
	eo.stop = o->stop;
	eo.deadline_ms = o->deadline_s * 1000.0;
	eo.stay_in_prefix = o->stay_in_prefix;
	struct profile prof;
	profile_init(&prof);
	if (o->profile && profile_load(&prof, o->profile, &e) < 0) {
		rc = setup_fail(o, "--profile ", e.msg);
		goto out;
	}
	pf = calloc(o->nbrokers, sizeof *pf);
	for (size_t i = 0; i < o->nbrokers; i++)
		if (engine_preflight(&eps[i], &eo, &pf[i], &e) < 0) {
			rc = setup_fail(o, "", e.msg);
			goto out;
		}
	profile_probe(&prof, &eps[0], &eo, &probe_find);
	profile_set_transport(&prof, eps, o->nbrokers);
	na = calloc(set.n, sizeof *na);
	for (size_t i = 0; i < set.n; i++) {
		char why[400];
		if (sel[i] && profile_unmet(&prof, &set.cases[i].needs, why, sizeof why))
			na[i] = alloc_strdup(why);
	}
	eo.not_applicable = (const char *const *)na;
	double t0 = clock_ms();
	struct progress_state ps = {t0, 0};
	if (!o->quiet && isatty(2) && !getenv("CI")) {
		eo.progress = progress;
		eo.progress_arg = &ps;
	}
	struct run_result run;
	memset(&run, 0, sizeof run);
	run.tool_version = alloc_strdup(MQTTSPEC_VERSION);
	run.started_at = iso_now();
	run.run_prefix = alloc_strdup(prefix);
	run.spec = alloc_strdup(cat.spec);
	run.time_scale = o->time_scale;
	run.insecure = o->insecure;
	run.nprofile = PROFILE_NCAPS;
	run.profile = calloc(PROFILE_NCAPS, sizeof *run.profile);
	for (int k = 0; k < PROFILE_NCAPS; k++) {
		char v[32];
		profile_value(&prof, (enum profile_cap)k, v, sizeof v);
		run.profile[k].name = alloc_strdup(profile_cap_name((enum profile_cap)k));
		run.profile[k].value = alloc_strdup(v);
		run.profile[k].source = alloc_strdup(prof.source[k]);
	}
	run.strict = o->strict;
	run.broker_name = o->broker_name ? alloc_strdup(o->broker_name) : NULL;
	run.nbrokers = o->nbrokers;
	run.brokers = calloc(o->nbrokers, sizeof(char *));
	for (size_t i = 0; i < o->nbrokers; i++)
		run.brokers[i] = alloc_strdup(o->brokers[i]);
	run.ncases = set.n + 1;
	run.cases = calloc(set.n + 1, sizeof *run.cases);
	run.incomplete = engine_run(set.cases, set.n, sel, &cat, &eo, run.cases);
	preflight_case(pf, o->nbrokers, &probe_find, &prof, &cat, &run.cases[set.n]);
	run.duration_ms = clock_ms() - t0;
	results_aggregate(&run, &cat);
	struct baseline bl;
	memset(&bl, 0, sizeof bl);
	if (o->baseline && baseline_load(&bl, o->baseline, &e) == 0)
		baseline_apply(&bl, &run);

	struct report_opts ro = {o->color < 0 ? isatty(1) : o->color, o->verbose, REPORT_WIRE_TAIL_DEFAULT};
	int werr = 0;
	if (report_text_write(&run, &ro, stdout, &e) < 0) {
		fprintf(stderr, "mqttspec: console report: %s\n", e.msg);
		werr = 1;
	}
	fflush(stdout);
	if (o->json && write_file(o->json, "JSON report", &run, report_json_write) < 0)
		werr = 1;
	if (o->junit && write_file(o->junit, "JUnit report", &run, report_junit_write) < 0)
		werr = 1;
	if (o->html && write_file(o->html, "HTML report", &run, report_html_write) < 0)
		werr = 1;
	if (o->markdown && write_file(o->markdown, "Markdown summary", &run, report_markdown_write) < 0)
		werr = 1;
	if (o->write_baseline && write_file(o->write_baseline, "baseline", &run, baseline_write) < 0)
		werr = 1;
	if (o->repro && repro_write_dir(o->repro, &run, set.cases, set.n, o, &e) < 0) {
		fprintf(stderr, "mqttspec: --repro %s: %s\n", o->repro, e.msg);
		werr = 1;
	}
	rc = werr ? 2 : baseline_exit_status(&run);
	if (run.incomplete) {
		fprintf(stderr, "mqttspec: the run was cut short; the reports cover what finished\n");
		if (rc == 0)
			rc = 2;
	}
	results_free(&run);
	baseline_free(&bl);
out:
	for (size_t i = 0; na && i < set.n; i++)
		free(na[i]);
	free(na);
	free(pf);
	free(sel);
	case_set_free(&set);
	catalog_free(&cat);
	conn_ctx_free(&cctx);
	if (password)
		memset(password, 0, strlen(password));
	free(password);
	free(eps);
	return rc;
}

