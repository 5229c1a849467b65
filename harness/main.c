/*
 * main.c - the command line: options to a run, reports, exit status.
 * Only this file prints to the terminal or exits.
 *   0  nothing FAILs (with --strict, nothing WARNs either)
 *   1  some clause FAILs
 *   2  usage or set-up error (bad case file, unreachable or refusing broker)
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/case.h"
#include "harness/catalog.h"
#include "harness/engine.h"
#include "harness/json_util.h"
#include "reports/report.h"

#ifndef MQTTSPEC_VERSION
#define MQTTSPEC_VERSION "0.1.0"
#endif
#ifndef MQTTSPEC_DATADIR
#define MQTTSPEC_DATADIR "/usr/local/share/mqttspec"
#endif

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static const char usage[] =
	"usage: mqttspec run --broker URL [options]      test a broker, report a verdict per clause\n"
	"       mqttspec list clauses|cases [--cases DIR] print the clause catalog or the cases\n"
	"       mqttspec --version | --help\n"
	"\n"
	"run options:\n"
	"  --broker URL        mqtt://host[:port] (default port 1883); IPv6 as mqtt://[::1]:1883.\n"
	"                      Give it several times to spread each case's clients over endpoints.\n"
	"  --cases DIR         the cases to run (default: the in-tree or installed cases/)\n"
	"  --only SEL          run only cases matching SEL: a case id, a clause id (globs allowed,\n"
	"                      MQTT-3.1.*), or a section (3.1 matches 3.1 and 3.1.x, never 3.10).\n"
	"                      Repeat it or separate with commas.\n"
	"  -j, --jobs N        cases run at once (default 16)\n"
	"  --time-scale F      stretch every window by F for slow or remote brokers (default 1)\n"
	"  --tolerance-ms N    timing tolerance added to arrival windows (default 500, scaled)\n"
	"  --deadline SEC      stop the whole run after SEC seconds; reports are still written\n"
	"  --json FILE         write the whole run as JSON\n"
	"  --junit FILE        write JUnit XML, one testcase per clause\n"
	"  --broker-name NAME  a name for the broker in the reports\n"
	"  --strict            count WARN (a missed SHOULD) as failing\n"
	"  --dry-run           list the cases that would run, and stop\n"
	"  -q, --quiet         no progress on standard error\n"
	"  -v, --verbose       do not shorten lines in the console report\n"
	"  --color / --no-color  colour the console report (default: when it is a terminal)\n"
	"\n"
	"exit status: 0 nothing FAILs, 1 some clause FAILs (or WARNs with --strict), 2 usage or set-up error\n";

struct opts {
	char **brokers;
	size_t nbrokers;
	const char *cases_dir;
	char **only;
	size_t nonly;
	long jobs;
	double time_scale;
	long tolerance_ms;
	double deadline_s;
	const char *json, *junit, *broker_name;
	int strict, dry_run, quiet, verbose, color;
};

static int fail_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "mqttspec: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(mqttspec --help shows the options)\n");
	return 2;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The in-tree cases/ (build/../cases), the installed ones beside the binary
 * (bin/../share/mqttspec/cases, whatever the PREFIX), else the compiled-in path. */
static const char *default_cases(char *buf, size_t n)
{
	char exe[2048], try[2300];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			static const char *const rel[] = {"../cases", "../share/mqttspec/cases"};
			for (size_t i = 0; i < 2; i++) {
				snprintf(try, sizeof try, "%s/%s", exe, rel[i]);
				if (is_dir(try) && realpath(try, buf))
					return buf;
			}
		}
	}
	(void)n;
	snprintf(buf, n, "%s/cases", MQTTSPEC_DATADIR);
	if (is_dir(buf))
		return buf;
	return "cases";
}

static int load_all(const char *dir, struct catalog *cat, struct case_set *set)
{
	struct err e;
	char path[4200];
	snprintf(path, sizeof path, "%s/clauses/mqtt-3.1.1.json", dir);
	if (catalog_load(cat, path, &e) < 0) {
		fprintf(stderr, "mqttspec: %s\n", e.msg);
		return -1;
	}
	if (set && case_load_dir(set, dir, cat, &e) < 0) {
		fprintf(stderr, "mqttspec: %s\n", e.msg);
		catalog_free(cat);
		return -1;
	}
	return 0;
}

static int section_matches(const char *sel, const char *section)
{
	size_t n = strlen(sel);
	return strncmp(sel, section, n) == 0 && (section[n] == '\0' || section[n] == '.');
}

static int selects(const struct opts *o, const struct case_spec *cs, const struct catalog *cat)
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

static int cmd_run(struct opts *o)
{
	if (!o->nbrokers)
		return fail_usage("%s", "run needs --broker URL");
	struct conn_endpoint *eps = calloc(o->nbrokers, sizeof *eps);
	struct err e;
	for (size_t i = 0; i < o->nbrokers; i++)
		if (conn_endpoint_parse(&eps[i], o->brokers[i], &e) < 0) {
			free(eps);
			return fail_usage("%s", e.msg);
		}
	struct catalog cat;
	struct case_set set;
	if (load_all(o->cases_dir, &cat, &set) < 0) {
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
	struct engine_opts eo = {eps, o->nbrokers, o->time_scale, o->tolerance_ms, (size_t)o->jobs, prefix, &stop_flag,
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

static int cmd_list(struct opts *o, const char *what)
{
	struct catalog cat;
	struct case_set set;
	int cases = strcmp(what, "cases") == 0;
	if (!cases && strcmp(what, "clauses") != 0)
		return fail_usage("list: expected \"clauses\" or \"cases\", got \"%s\"", what);
	if (load_all(o->cases_dir, &cat, cases ? &set : NULL) < 0)
		return 2;
	if (cases) {
		for (size_t i = 0; i < set.n; i++) {
			const struct case_spec *cs = &set.cases[i];
			printf("%-44s", cs->id);
			for (size_t j = 0; j < cs->nclaims; j++)
				printf(" %s", cs->claims[j]);
			printf("\n    %s\n", cs->title);
		}
		printf("%zu cases\n", set.n);
		case_set_free(&set);
	} else {
		for (size_t i = 0; i < cat.count; i++) {
			const struct catalog_clause *c = &cat.clauses[i];
			printf("%-18s %-9s %-6s %-8s %-6s %s\n", c->id, c->section, catalog_level_name(c->level), c->binds,
			       c->observable, c->summary);
		}
		printf("%zu clauses\n", cat.count);
	}
	catalog_free(&cat);
	return 0;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_BROKER = 256, O_CASES, O_ONLY, O_SCALE, O_TOL, O_DEADLINE, O_JSON, O_JUNIT, O_NAME, O_STRICT, O_DRY,
	       O_COLOR, O_NOCOLOR, O_VERSION };
	static const struct option lo[] = {
		{"broker", required_argument, 0, O_BROKER}, {"cases", required_argument, 0, O_CASES},
		{"only", required_argument, 0, O_ONLY}, {"jobs", required_argument, 0, 'j'},
		{"time-scale", required_argument, 0, O_SCALE}, {"tolerance-ms", required_argument, 0, O_TOL},
		{"deadline", required_argument, 0, O_DEADLINE}, {"json", required_argument, 0, O_JSON},
		{"junit", required_argument, 0, O_JUNIT}, {"broker-name", required_argument, 0, O_NAME},
		{"strict", no_argument, 0, O_STRICT}, {"dry-run", no_argument, 0, O_DRY},
		{"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'},
		{"color", no_argument, 0, O_COLOR}, {"no-color", no_argument, 0, O_NOCOLOR},
		{"help", no_argument, 0, 'h'}, {"version", no_argument, 0, O_VERSION}, {0, 0, 0, 0}};
	struct opts o;
	memset(&o, 0, sizeof o);
	o.jobs = 16;
	o.time_scale = 1.0;
	o.tolerance_ms = 500;
	o.color = -1;
	char cases_buf[PATH_MAX];
	o.cases_dir = getenv("MQTTSPEC_CASES") ? getenv("MQTTSPEC_CASES") : default_cases(cases_buf, sizeof cases_buf);
	int c, rc = 2;
	double d;
	while ((c = getopt_long(argc, argv, "j:qvh", lo, NULL)) != -1) {
		switch (c) {
		case O_BROKER:
			o.brokers = json_util_xrealloc(o.brokers, (o.nbrokers + 1) * sizeof *o.brokers);
			o.brokers[o.nbrokers++] = optarg;
			break;
		case O_CASES:
			o.cases_dir = optarg;
			break;
		case O_ONLY:
			for (char *tok = optarg, *next; tok && *tok; tok = next) {
				next = strchr(tok, ',');
				if (next)
					*next++ = '\0';
				if (!*tok)
					continue;
				o.only = json_util_xrealloc(o.only, (o.nonly + 1) * sizeof *o.only);
				o.only[o.nonly++] = tok;
			}
			break;
		case 'j':
			if (parse_num(optarg, 1, 1024, &d) < 0 || d != (long)d)
				return fail_usage("-j: expected an integer from 1 to 1024, got \"%s\"", optarg);
			o.jobs = (long)d;
			break;
		case O_SCALE:
			if (parse_num(optarg, 0.1, 100, &d) < 0)
				return fail_usage("--time-scale: expected a number from 0.1 to 100, got \"%s\"", optarg);
			o.time_scale = d;
			break;
		case O_TOL:
			if (parse_num(optarg, 0, 60000, &d) < 0)
				return fail_usage("--tolerance-ms: expected 0 to 60000, got \"%s\"", optarg);
			o.tolerance_ms = (long)d;
			break;
		case O_DEADLINE:
			if (parse_num(optarg, 1, 86400, &d) < 0)
				return fail_usage("--deadline: expected seconds from 1 to 86400, got \"%s\"", optarg);
			o.deadline_s = d;
			break;
		case O_JSON:
			o.json = optarg;
			break;
		case O_JUNIT:
			o.junit = optarg;
			break;
		case O_NAME:
			o.broker_name = optarg;
			break;
		case O_STRICT:
			o.strict = 1;
			break;
		case O_DRY:
			o.dry_run = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case O_COLOR:
			o.color = 1;
			break;
		case O_NOCOLOR:
			o.color = 0;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case O_VERSION:
			printf("mqttspec %s\n", MQTTSPEC_VERSION);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	const char *cmd = argv[optind];
	if (strcmp(cmd, "run") == 0 && optind + 1 == argc)
		rc = cmd_run(&o);
	else if (strcmp(cmd, "list") == 0 && optind + 2 == argc)
		rc = cmd_list(&o, argv[optind + 1]);
	else if (strcmp(cmd, "run") == 0 || strcmp(cmd, "list") == 0)
		rc = fail_usage("%s: unexpected arguments (options go before or after the command, values after their option)", cmd);
	else
		rc = fail_usage("unknown command \"%s\"", cmd);
	free(o.brokers);
	free(o.only);
	return rc;
}
