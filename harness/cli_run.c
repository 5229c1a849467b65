/* cli_run.c - mqttspec run: load, select, pre-flight, run, report. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli.h"
#include "harness/engine.h"
#include "harness/json_util.h"
#include "reports/report.h"

static int section_matches(const char *sel, const char *section)
{
	size_t n = strlen(sel);
	return strncmp(sel, section, n) == 0 && (section[n] == '\0' || section[n] == '.');
}

static int selects(const struct cli_opts *o, const struct case_spec *cs, const struct catalog *cat)
{
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
	}
	return 0;
}

static void make_prefix(char *out)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
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
		out[i] = digits[r[i] % 36];
	out[6] = '\0';
}

struct progress_state {
	double t0;
	size_t failed;
};

static void progress(void *arg, size_t done, size_t total, const struct case_result *r)
{
	struct progress_state *p = arg;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double el = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - p->t0;
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
	return json_util_strdup(buf);
}

int cli_run(struct cli_opts *o)
{
	if (!o->nbrokers)
		return cli_usage_error("%s", "run needs --broker URL");
	struct conn_endpoint *eps = calloc(o->nbrokers, sizeof *eps);
	struct err e;
	for (size_t i = 0; i < o->nbrokers; i++)
		if (conn_endpoint_parse(&eps[i], o->brokers[i], &e) < 0) {
			free(eps);
			return cli_usage_error("%s", e.msg);
		}
	struct catalog cat;
	struct case_set set;
	if (cli_load(o->cases_dir, &cat, &set) < 0) {
		free(eps);
		return 2;
	}
	int *sel = calloc(set.n, sizeof *sel);
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
	struct engine_opts eo = {eps, o->nbrokers, o->time_scale, o->tolerance_ms, (size_t)o->jobs, prefix, o->stop,
				 o->deadline_s * 1000.0, NULL, NULL};
	for (size_t i = 0; i < o->nbrokers; i++)
		if (engine_preflight(&eps[i], &eo, &e) < 0) {
			fprintf(stderr, "mqttspec: set-up error: %s\n", e.msg);
			goto out;
		}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	struct progress_state ps = {t0, 0};
	if (!o->quiet && isatty(2) && !getenv("CI")) {
		eo.progress = progress;
		eo.progress_arg = &ps;
	}
	struct run_result run;
	memset(&run, 0, sizeof run);
	run.tool_version = json_util_strdup(MQTTSPEC_VERSION);
	run.started_at = iso_now();
	run.run_prefix = json_util_strdup(prefix);
	run.spec = json_util_strdup(cat.spec);
	run.time_scale = o->time_scale;
	run.strict = o->strict;
	run.broker_name = o->broker_name ? json_util_strdup(o->broker_name) : NULL;
	run.nbrokers = o->nbrokers;
	run.brokers = calloc(o->nbrokers, sizeof(char *));
	for (size_t i = 0; i < o->nbrokers; i++)
		run.brokers[i] = json_util_strdup(o->brokers[i]);
	run.ncases = set.n;
	run.cases = calloc(set.n, sizeof *run.cases);
	run.incomplete = engine_run(set.cases, set.n, sel, &cat, &eo, run.cases);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	run.duration_ms = ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0) * 1000.0;
	results_aggregate(&run, &cat);

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
	rc = werr ? 2 : results_exit_status(&run);
	if (run.incomplete) {
		fprintf(stderr, "mqttspec: the run was cut short; the reports cover what finished\n");
		if (rc == 0)
			rc = 2;
	}
	results_free(&run);
out:
	free(sel);
	case_set_free(&set);
	catalog_free(&cat);
	free(eps);
	return rc;
}

