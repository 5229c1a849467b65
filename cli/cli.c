/* cli.c - option parsing, usage, and what the commands share. See cli.h. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/json_util.h"

#ifndef MQTTSPEC_DATADIR
#define MQTTSPEC_DATADIR "/usr/local/share/mqttspec"
#endif

static const char usage[] =
	"usage: mqttspec run --broker URL [options]      test a broker, report a verdict per clause\n"
	"       mqttspec list clauses|cases [--cases DIR] print the clause catalog or the cases\n"
	"       mqttspec list clauses --coverage   per section: clauses tested, untested (why), client-only\n"
	"       mqttspec explain CLAUSE                  what a clause means and which cases test it, how\n"
	"       mqttspec decode [--from server|client] [HEX...]  decode packets field by field (hex\n"
	"                      on standard input without HEX); exit 1 if one breaks a rule\n"
	"       mqttspec compare A.json B.json ...       clauses by run, differences first [--html FILE]\n"
	"       mqttspec --version | --help\n"
	"\n"
	"run options:\n"
	"  --broker URL        mqtt://host[:port] (TCP, port 1883), mqtts:// (TLS, 8883),\n"
	"                      ws://host[:port][/path] and wss:// (WebSocket, path /mqtt);\n"
	"                      IPv6 as mqtt://[::1]:1883. Give it several times to spread each\n"
	"                      case's clients over the endpoints (a cluster tested as one broker).\n"
	"  --propagation-ms N  extra time for a message to cross from one endpoint to another\n"
	"  --cafile FILE       CA certificates to verify the broker (default: the system store)\n"
	"  --cert FILE, --key FILE   client certificate and key, for mutual TLS\n"
	"  --insecure          do not verify the broker's certificate (said in the report)\n"
	"  --username NAME     user name on every CONNECT; the password comes from\n"
	"  --password-file F   (its first line) or the MQTTSPEC_PASSWORD environment variable\n"
	"  --client-prefix P   start every client id with P (1-6 of [0-9a-zA-Z]; default Ms)\n"
	"  --topic-prefix T    put every topic under T (default mqttspec)\n"
	"  --stay-in-prefix    skip the cases that need topics outside the prefix ($ topics)\n"
	"  --profile FILE      declare what the broker offers of the optional features\n"
	"                      ({\"max_qos\": 1, \"wildcards\": false, ...}); overrides the probe\n"
	"  --cases DIR         run the case files under DIR instead of the built-in suite;\n"
	"                      repeat it for several folders (ids unique across them)\n"
	"  --only SEL          run only cases matching SEL: a case id, a clause id (globs allowed,\n"
	"                      MQTT-3.1.*), or a section (3.1 matches 3.1 and 3.1.x, never 3.10).\n"
	"                      Repeat it or separate with commas.\n"
	"  -j, --jobs N        cases run at once (default 16)\n"
	"  --time-scale F      stretch every window by F for slow or remote brokers (default 1)\n"
	"  --tolerance-ms N    timing tolerance added to arrival windows (default 500, scaled)\n"
	"  --deadline SEC      stop the whole run after SEC seconds; reports are still written\n"
	"  --json FILE         write the whole run as JSON\n"
	"  --junit FILE        write JUnit XML, one testcase per clause (client rules: none)\n"
	"  --html FILE         write a self-contained HTML report (wire traces, filters)\n"
	"  --markdown FILE     write a short Markdown summary (for a pull request or CI job)\n"
	"  --baseline FILE     known failures: exit 1 only for a FAIL not in FILE; report fixed ones\n"
	"  --write-baseline FILE  write this run's failures as a baseline\n"
	"  --repro DIR         for each failing case, a standalone case file and the command to replay it\n"
	"  --broker-name NAME  a name for the broker in the reports\n"
	"  --strict            count WARN (a missed SHOULD) as failing\n"
	"  --dry-run           list the cases that would run, and stop\n"
	"  -q, --quiet         no progress on standard error\n"
	"  -v, --verbose       do not shorten lines in the console report\n"
	"  --color / --no-color  colour the console report (default: when it is a terminal)\n"
	"\n"
	"exit status: 0 nothing FAILs, 1 some clause FAILs (or WARNs with --strict), 2 usage or set-up error\n";

int cli_usage_error(const char *fmt, const char *arg)
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

/* Move the cases of `more` to the end of `set`; an id already in `set` is an
 * error naming both files. `more` is emptied either way. */
static int merge_cases(struct case_set *set, struct case_set *more, struct err *e)
{
	for (size_t i = 0; i < more->n; i++)
		for (size_t j = 0; j < set->n; j++)
			if (strcmp(more->cases[i].id, set->cases[j].id) == 0) {
				err_set(e, "%s: $.id: \"%s\" is also the id of %s", more->cases[i].file,
					more->cases[i].id, set->cases[j].file);
				case_set_free(more);
				return -1;
			}
	set->cases = alloc_resize(set->cases, (set->n + more->n + 1) * sizeof *set->cases);
	memcpy(set->cases + set->n, more->cases, more->n * sizeof *more->cases);
	set->n += more->n;
	free(more->cases);
	memset(more, 0, sizeof *more);
	return 0;
}

int cli_load_err(const struct cli_opts *o, struct catalog *cat, struct case_set *set, struct err *e)
{
	char path[4200];
	/* The catalog belongs to the tool, never to a --cases folder: users'
	 * folders hold only case files, and every case names the same clauses. */
	snprintf(path, sizeof path, "%s/clauses/mqtt-3.1.1.json", o->cases_dir);
	if (catalog_load(cat, path, e) < 0)
		return -1;
	if (!set)
		return 0;
	memset(set, 0, sizeof *set);
	if (!o->nuser_cases && case_load_dir(set, o->cases_dir, cat, e) == 0)
		return 0;
	for (size_t i = 0; i < o->nuser_cases; i++) {
		struct case_set more;
		if (case_load_dir(&more, o->user_cases[i], cat, e) < 0 || merge_cases(set, &more, e) < 0)
			break;
		if (i + 1 == o->nuser_cases)
			return 0;
	}
	case_set_free(set);
	catalog_free(cat);
	return -1;
}

int cli_load(const struct cli_opts *o, struct catalog *cat, struct case_set *set)
{
	struct err e;
	if (cli_load_err(o, cat, set, &e) == 0)
		return 0;
	fprintf(stderr, "mqttspec: %s\n", e.msg);
	return -1;
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

int cli_parse(int argc, char **argv, struct cli_opts *o)
{
	enum { O_CAFILE = 300, O_CERT, O_KEY, O_INSECURE, O_USER, O_PWFILE, O_CPREFIX, O_TPREFIX, O_STAY, O_PROP,
	       O_PROFILE, O_COVERAGE };
	enum { O_BROKER = 256, O_CASES, O_ONLY, O_SCALE, O_TOL, O_DEADLINE, O_JSON, O_JUNIT, O_NAME, O_STRICT, O_DRY,
	       O_COLOR, O_NOCOLOR, O_VERSION };
	enum { O_HTML = 512, O_MARKDOWN, O_BASELINE, O_WRITE_BASELINE, O_REPRO, O_FROM };
	static const struct option lo[] = {
		{"broker", required_argument, 0, O_BROKER}, {"cases", required_argument, 0, O_CASES},
		{"only", required_argument, 0, O_ONLY}, {"jobs", required_argument, 0, 'j'},
		{"time-scale", required_argument, 0, O_SCALE}, {"tolerance-ms", required_argument, 0, O_TOL},
		{"deadline", required_argument, 0, O_DEADLINE}, {"json", required_argument, 0, O_JSON},
		{"junit", required_argument, 0, O_JUNIT}, {"broker-name", required_argument, 0, O_NAME},
		{"strict", no_argument, 0, O_STRICT}, {"dry-run", no_argument, 0, O_DRY},
		{"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'},
		{"color", no_argument, 0, O_COLOR}, {"no-color", no_argument, 0, O_NOCOLOR},
		{"cafile", required_argument, 0, O_CAFILE}, {"cert", required_argument, 0, O_CERT},
		{"key", required_argument, 0, O_KEY}, {"insecure", no_argument, 0, O_INSECURE},
		{"username", required_argument, 0, O_USER}, {"password-file", required_argument, 0, O_PWFILE},
		{"client-prefix", required_argument, 0, O_CPREFIX}, {"topic-prefix", required_argument, 0, O_TPREFIX},
		{"stay-in-prefix", no_argument, 0, O_STAY}, {"propagation-ms", required_argument, 0, O_PROP},
		{"profile", required_argument, 0, O_PROFILE}, {"coverage", no_argument, 0, O_COVERAGE},
		{"html", required_argument, 0, O_HTML}, {"markdown", required_argument, 0, O_MARKDOWN},
		{"baseline", required_argument, 0, O_BASELINE}, {"write-baseline", required_argument, 0, O_WRITE_BASELINE},
		{"repro", required_argument, 0, O_REPRO}, {"from", required_argument, 0, O_FROM},
		{"help", no_argument, 0, 'h'}, {"version", no_argument, 0, O_VERSION}, {0, 0, 0, 0}};
	o->jobs = 16;
	o->time_scale = 1.0;
	o->tolerance_ms = 500;
	o->color = -1;
	static char cases_buf[PATH_MAX];
	o->cases_dir = getenv("MQTTSPEC_CASES") ? getenv("MQTTSPEC_CASES") : default_cases(cases_buf, sizeof cases_buf);
	int c;
	double d;
	while ((c = getopt_long(argc, argv, "j:qvh", lo, NULL)) != -1) {
		switch (c) {
		case O_BROKER:
			o->brokers = alloc_resize(o->brokers, (o->nbrokers + 1) * sizeof *o->brokers);
			o->brokers[o->nbrokers++] = optarg;
			break;
		case O_CASES:
			o->user_cases = alloc_resize(o->user_cases, (o->nuser_cases + 1) * sizeof *o->user_cases);
			o->user_cases[o->nuser_cases++] = optarg;
			break;
		case O_ONLY:
			for (char *tok = optarg, *next; tok && *tok; tok = next) {
				next = strchr(tok, ',');
				if (next)
					*next++ = '\0';
				if (!*tok)
					continue;
				o->only = alloc_resize(o->only, (o->nonly + 1) * sizeof *o->only);
				o->only[o->nonly++] = tok;
			}
			break;
		case 'j':
			if (parse_num(optarg, 1, 1024, &d) < 0 || d != (long)d)
				return -cli_usage_error("-j: expected an integer from 1 to 1024, got \"%s\"", optarg);
			o->jobs = (long)d;
			break;
		case O_SCALE:
			if (parse_num(optarg, 0.1, 100, &d) < 0)
				return -cli_usage_error("--time-scale: expected a number from 0.1 to 100, got \"%s\"", optarg);
			o->time_scale = d;
			break;
		case O_TOL:
			if (parse_num(optarg, 0, 60000, &d) < 0)
				return -cli_usage_error("--tolerance-ms: expected 0 to 60000, got \"%s\"", optarg);
			o->tolerance_ms = (long)d;
			break;
		case O_DEADLINE:
			if (parse_num(optarg, 1, 86400, &d) < 0)
				return -cli_usage_error("--deadline: expected seconds from 1 to 86400, got \"%s\"", optarg);
			o->deadline_s = d;
			break;
		case O_JSON:
			o->json = optarg;
			break;
		case O_JUNIT:
			o->junit = optarg;
			break;
		case O_NAME:
			o->broker_name = optarg;
			break;
		case O_STRICT:
			o->strict = 1;
			break;
		case O_DRY:
			o->dry_run = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case O_CAFILE:
			o->cafile = optarg;
			break;
		case O_CERT:
			o->cert = optarg;
			break;
		case O_KEY:
			o->key = optarg;
			break;
		case O_INSECURE:
			o->insecure = 1;
			break;
		case O_USER:
			o->username = optarg;
			break;
		case O_PWFILE:
			o->password_file = optarg;
			break;
		case O_CPREFIX:
			o->client_prefix = optarg;
			break;
		case O_TPREFIX:
			o->topic_prefix = optarg;
			break;
		case O_STAY:
			o->stay_in_prefix = 1;
			break;
		case O_PROFILE:
			o->profile = optarg;
			break;
		case O_COVERAGE:
			o->coverage = 1;
			break;
		case O_PROP:
			if (parse_num(optarg, 0, 600000, &d) < 0)
				return -cli_usage_error("--propagation-ms: expected 0 to 600000, got \"%s\"", optarg);
			o->propagation_ms = (long)d;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case O_COLOR:
			o->color = 1;
			break;
		case O_NOCOLOR:
			o->color = 0;
			break;
		case O_HTML:
			o->html = optarg;
			break;
		case O_MARKDOWN:
			o->markdown = optarg;
			break;
		case O_BASELINE:
			o->baseline = optarg;
			break;
		case O_WRITE_BASELINE:
			o->write_baseline = optarg;
			break;
		case O_REPRO:
			o->repro = optarg;
			break;
		case O_FROM:
			o->from = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		case O_VERSION:
			printf("mqttspec %s\n", MQTTSPEC_VERSION);
			return -1;
		default:
			fputs(usage, stderr);
			return -2;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return -2;
	}
	return optind;
}
