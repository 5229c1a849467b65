/*
 * cli_options.c - the command line's options, as one table.
 *
 * A row says everything about an option: its name, where its value goes in
 * struct cli_opts and how it is read, its help text, and whether a
 * reproducer's command line repeats it. Parsing (getopt_long), --help and
 * the replay command all come from the rows, so a new option is one row
 * plus the code that uses its value.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

enum opt_kind {
	OPT_STR,     /* const char *: the argument */
	OPT_FLAG,    /* int: 1 */
	OPT_SET,     /* int: the row's `lo` (--color 1, --no-color 0) */
	OPT_LIST,    /* char ** and its size_t count at `count_at`: each time given, appended */
	OPT_CSV,     /* as OPT_LIST, the argument split at commas (empty pieces dropped) */
	OPT_WHOLE,   /* long: an integer from lo to hi */
	OPT_LONG,    /* long: a number from lo to hi, fraction dropped */
	OPT_DOUBLE,  /* double: a number from lo to hi */
	OPT_HELP,
	OPT_VERSION
};

struct cli_option {
	const char *name;   /* the long name */
	int short_name;     /* 'j', or 0 */
	enum opt_kind kind;
	size_t at;          /* offsetof(struct cli_opts, the field) */
	size_t count_at;    /* OPT_LIST, OPT_CSV: offsetof the count */
	double lo, hi;      /* numbers: the range accepted */
	double def;         /* numbers, OPT_SET: the value when not given */
	const char *bad;    /* numbers: the usage error, %s the argument */
	int replay;         /* a reproducer's command line repeats it */
	int help_at;        /* its place in --help (0: not listed) */
	const char *arg;    /* in --help: the argument's name, NULL for none */
	const char *label;  /* in --help: the left column, when not "--name ARG" */
	const char *help;   /* in --help: the description, lines split by \n */
};

#define AT(field) offsetof(struct cli_opts, field)

/* Rows in the order getopt has always been given them: glibc lists an
 * ambiguous abbreviation's candidates in this order. help_at orders --help
 * (gaps of 10 leave room for new rows). A field left out is 0 or NULL. */
static const struct cli_option table[] = {
	{.name = "broker", .kind = OPT_LIST, .at = AT(brokers), .count_at = AT(nbrokers), .replay = 1,
	 .help_at = 10, .arg = "URL",
	 .help = "mqtt://host[:port] (TCP, port 1883), mqtts:// (TLS, 8883),\n"
		 "ws://host[:port][/path] and wss:// (WebSocket, path /mqtt);\n"
		 "IPv6 as mqtt://[::1]:1883. Give it several times to spread each\n"
		 "case's clients over the endpoints (a cluster tested as one broker)."},
	{.name = "cases", .kind = OPT_LIST, .at = AT(user_cases), .count_at = AT(nuser_cases), .help_at = 120,
	 .arg = "DIR",
	 .help = "run the case files under DIR instead of the built-in suite;\n"
		 "repeat it for several folders (ids unique across them)"},
	{.name = "only", .kind = OPT_CSV, .at = AT(only), .count_at = AT(nonly), .help_at = 130, .arg = "SEL",
	 .help = "run only cases matching SEL: a case id, a clause id (globs allowed,\n"
		 "MQTT-3.1.*), or a section (3.1 matches 3.1 and 3.1.x, never 3.10).\n"
		 "A bare SEL matches both protocol versions; 5.0:SEL or 3.1.1:SEL only\n"
		 "that version's cases (5.0:MQTT-3.1.2-3). Repeat it or separate with commas."},
	{.name = "protocol", .kind = OPT_STR, .at = AT(protocol), .help_at = 125, .arg = "V",
	 .help = "run only the cases of protocol version V: 3.1.1, 5.0 or all (default all)"},
	{.name = "jobs", .short_name = 'j', .kind = OPT_WHOLE, .at = AT(jobs), .lo = 1, .hi = 1024, .def = 32,
	 .bad = "-j: expected an integer from 1 to 1024, got \"%s\"", .help_at = 140, .arg = "N",
	 .help = "cases run at once (default 32)"},
	{.name = "time-scale", .kind = OPT_DOUBLE, .at = AT(time_scale), .lo = 0.1, .hi = 100, .def = 1,
	 .bad = "--time-scale: expected a number from 0.1 to 100, got \"%s\"", .replay = 1, .help_at = 150,
	 .arg = "F",
	 .help = "stretch every window by F for slow or remote brokers (default 1)"},
	{.name = "tolerance-ms", .kind = OPT_LONG, .at = AT(tolerance_ms), .lo = 0, .hi = 60000, .def = 500,
	 .bad = "--tolerance-ms: expected 0 to 60000, got \"%s\"", .help_at = 160, .arg = "N",
	 .help = "timing tolerance added to arrival windows (default 500, scaled)"},
	{.name = "slack-ms", .kind = OPT_LONG, .at = AT(slack_ms), .lo = 0, .hi = 60000, .def = 1000,
	 .bad = "--slack-ms: expected 0 to 60000, got \"%s\"", .help_at = 161, .arg = "N",
	 .help = "allowance on top of the tolerance for a broker timer that ticks in whole\n"
		 "seconds (Session Expiry, Will Delay, Message Expiry; default 1000)"},
	{.name = "period-ms", .kind = OPT_LONG, .at = AT(period_ms), .lo = 100, .hi = 60000, .def = 2000,
	 .bad = "--period-ms: expected 100 to 60000, got \"%s\"", .help_at = 162, .arg = "N",
	 .help = "the broker's timer period that sampled checks spread across (default 2000)"},
	{.name = "max-wait-ms", .kind = OPT_LONG, .at = AT(max_wait_ms), .lo = 1000, .hi = 3600000, .def = 15000,
	 .bad = "--max-wait-ms: expected 1000 to 3600000, got \"%s\"", .help_at = 163, .arg = "N",
	 .help = "the longest wait for one broker timer; a check beyond it is NOT\n"
		 "APPLICABLE (default 15000)"},
	{.name = "deadline", .kind = OPT_DOUBLE, .at = AT(deadline_s), .lo = 1, .hi = 86400,
	 .bad = "--deadline: expected seconds from 1 to 86400, got \"%s\"", .help_at = 170, .arg = "SEC",
	 .help = "stop the whole run after SEC seconds; reports are still written"},
	{.name = "json", .kind = OPT_STR, .at = AT(json), .help_at = 180, .arg = "FILE",
	 .help = "write the whole run as JSON"},
	{.name = "junit", .kind = OPT_STR, .at = AT(junit), .help_at = 190, .arg = "FILE",
	 .help = "write JUnit XML, one testcase per clause (client rules: none)"},
	{.name = "broker-name", .kind = OPT_STR, .at = AT(broker_name), .help_at = 250, .arg = "NAME",
	 .help = "a name for the broker in the reports"},
	{.name = "strict", .kind = OPT_FLAG, .at = AT(strict), .help_at = 260,
	 .help = "count WARN (a missed SHOULD) as failing"},
	{.name = "dry-run", .kind = OPT_FLAG, .at = AT(dry_run), .help_at = 270,
	 .help = "list the cases that would run, and stop"},
	{.name = "quiet", .short_name = 'q', .kind = OPT_FLAG, .at = AT(quiet), .help_at = 280,
	 .help = "no progress on standard error"},
	{.name = "verbose", .short_name = 'v', .kind = OPT_FLAG, .at = AT(verbose), .help_at = 290,
	 .help = "do not shorten lines in the console report"},
	{.name = "color", .kind = OPT_SET, .at = AT(color), .lo = 1, .def = -1, .help_at = 300,
	 .label = "--color / --no-color",
	 .help = "colour the console report (default: when it is a terminal)"},
	{.name = "no-color", .kind = OPT_SET, .at = AT(color), .lo = 0, .def = -1},
	{.name = "cafile", .kind = OPT_STR, .at = AT(cafile), .help_at = 30, .arg = "FILE",
	 .help = "CA certificates to verify the broker (default: the system store)"},
	{.name = "cert", .kind = OPT_STR, .at = AT(cert), .help_at = 40, .label = "--cert FILE, --key FILE ",
	 .help = "client certificate and key, for mutual TLS"},
	{.name = "key", .kind = OPT_STR, .at = AT(key)},
	{.name = "insecure", .kind = OPT_FLAG, .at = AT(insecure), .help_at = 50,
	 .help = "do not verify the broker's certificate (said in the report)"},
	{.name = "username", .kind = OPT_STR, .at = AT(username), .replay = 1, .help_at = 60, .arg = "NAME",
	 .help = "user name on every CONNECT; the password comes from"},
	{.name = "password-file", .kind = OPT_STR, .at = AT(password_file), .help_at = 70, .arg = "F",
	 .help = "(its first line) or the MQTTSPEC_PASSWORD environment variable"},
	{.name = "auth", .kind = OPT_STR, .at = AT(auth_file), .replay = 1, .help_at = 75, .arg = "FILE",
	 .help = "an enhanced-authentication exchange for the cases that need one (5.0):\n"
		 "{\"method\": M, \"data\": [CONNECT's, then one per AUTH round]} (or \"data_hex\")"},
	{.name = "client-prefix", .kind = OPT_STR, .at = AT(client_prefix), .help_at = 80, .arg = "P",
	 .help = "start every client id with P (1-6 of [0-9a-zA-Z]; default Ms)"},
	{.name = "topic-prefix", .kind = OPT_STR, .at = AT(topic_prefix), .help_at = 90, .arg = "T",
	 .help = "put every topic under T (default mqttspec)"},
	{.name = "stay-in-prefix", .kind = OPT_FLAG, .at = AT(stay_in_prefix), .help_at = 100,
	 .help = "skip the cases that need topics outside the prefix ($ topics)"},
	{.name = "propagation-ms", .kind = OPT_LONG, .at = AT(propagation_ms), .lo = 0, .hi = 600000,
	 .bad = "--propagation-ms: expected 0 to 600000, got \"%s\"", .help_at = 20, .arg = "N",
	 .help = "extra time for a message to cross from one endpoint to another"},
	{.name = "profile", .kind = OPT_STR, .at = AT(profile), .help_at = 110, .arg = "FILE",
	 .help = "declare what the broker offers of the optional features\n"
		 "({\"max_qos\": 1, \"wildcards\": false, ...}); overrides the probe"},
	{.name = "coverage", .kind = OPT_FLAG, .at = AT(coverage)},
	{.name = "html", .kind = OPT_STR, .at = AT(html), .help_at = 200, .arg = "FILE",
	 .help = "write a self-contained HTML report (wire traces, filters)"},
	{.name = "markdown", .kind = OPT_STR, .at = AT(markdown), .help_at = 210, .arg = "FILE",
	 .help = "write a short Markdown summary (for a pull request or CI job)"},
	{.name = "baseline", .kind = OPT_STR, .at = AT(baseline), .help_at = 220, .arg = "FILE",
	 .help = "known failures: exit 1 only for a FAIL not in FILE; report fixed ones"},
	{.name = "write-baseline", .kind = OPT_STR, .at = AT(write_baseline), .help_at = 230, .arg = "FILE",
	 .help = "write this run's failures as a baseline"},
	{.name = "repro", .kind = OPT_STR, .at = AT(repro), .help_at = 240, .arg = "DIR",
	 .help = "for each failing case, a standalone case file and the command to replay it"},
	{.name = "from", .kind = OPT_STR, .at = AT(from)},
	{.name = "help", .short_name = 'h', .kind = OPT_HELP},
	{.name = "version", .kind = OPT_VERSION},
};

#define NOPTIONS (sizeof table / sizeof table[0])

static const char usage_head[] =
	"usage: mqttspec run --broker URL [options]      test a broker, report a verdict per clause\n"
	"       mqttspec list clauses|cases [--cases DIR] [--protocol V]  the clause catalogs or the cases\n"
	"       mqttspec list clauses --coverage   per version and section: tested, untested (why), client-only\n"
	"       mqttspec explain [--protocol V] CLAUSE   (5.0:MQTT-3.1.2-3; a bare id: every version's)\n"
	"                                                what a clause means and which cases test it, step by step\n"
	"       mqttspec decode [--from server|client] [HEX...]  decode packets field by field (hex\n"
	"                      on standard input without HEX); exit 1 if one breaks a rule\n"
	"       mqttspec compare A.json B.json ...       clauses by run, differences first [--html FILE]\n"
	"       mqttspec --version | --help\n"
	"\n"
	"run options:\n";

static const char usage_tail[] =
	"\n"
	"exit status: 0 nothing FAILs, 1 some clause FAILs (or WARNs with --strict), 2 usage or set-up error\n";

/* One row of --help: the left column padded to 18, two spaces, the
 * description; its further lines under the first. */
static void usage_row(FILE *out, const struct cli_option *r)
{
	char left[64];
	const char *sep = r->arg ? " " : "", *arg = r->arg ? r->arg : "";
	if (r->label)
		snprintf(left, sizeof left, "%s", r->label);
	else if (r->short_name)
		snprintf(left, sizeof left, "-%c, --%s%s%s", r->short_name, r->name, sep, arg);
	else
		snprintf(left, sizeof left, "--%s%s%s", r->name, sep, arg);
	fprintf(out, "  %-18s  ", left);
	for (const char *s = r->help; *s;) {
		size_t n = strcspn(s, "\n");
		fwrite(s, 1, n, out);
		fputc('\n', out);
		s += n;
		if (*s == '\n' && *++s)
			fprintf(out, "%22s", "");
	}
}

void cli_options_usage(FILE *out)
{
	fputs(usage_head, out);
	int last = 0;
	for (;;) {
		const struct cli_option *next = NULL;
		for (size_t i = 0; i < NOPTIONS; i++)
			if (table[i].help_at > last && (!next || table[i].help_at < next->help_at))
				next = &table[i];
		if (!next)
			break;
		usage_row(out, next);
		last = next->help_at;
	}
	fputs(usage_tail, out);
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	/* !(v >= lo) and not v < lo: NaN compares false either way, and must fail. */
	if (!*s || *end || errno || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static void append(struct cli_opts *o, const struct cli_option *r, char *value)
{
	char ***list = (char ***)((char *)o + r->at);
	size_t *n = (size_t *)((char *)o + r->count_at);
	*list = alloc_array(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = value;
}

/* Store one option's argument. 0, or -2 after the usage error. */
static int apply(struct cli_opts *o, const struct cli_option *r, char *arg)
{
	void *field = (char *)o + r->at;
	double d;
	switch (r->kind) {
	case OPT_STR:
		*(const char **)field = arg;
		return 0;
	case OPT_FLAG:
		*(int *)field = 1;
		return 0;
	case OPT_SET:
		*(int *)field = (int)r->lo;
		return 0;
	case OPT_LIST:
		append(o, r, arg);
		return 0;
	case OPT_CSV:
		for (char *tok = arg, *next; tok && *tok; tok = next) {
			next = strchr(tok, ',');
			if (next)
				*next++ = '\0';
			if (*tok)
				append(o, r, tok);
		}
		return 0;
	case OPT_WHOLE:
	case OPT_LONG:
	case OPT_DOUBLE:
		if (parse_num(arg, r->lo, r->hi, &d) < 0 || (r->kind == OPT_WHOLE && d != (long)d))
			return -cli_usage_error(r->bad, arg);
		if (r->kind == OPT_DOUBLE)
			*(double *)field = d;
		else
			*(long *)field = (long)d;
		return 0;
	case OPT_HELP:
	case OPT_VERSION:
		break;
	}
	return 0;
}

static void set_defaults(struct cli_opts *o)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct cli_option *r = &table[i];
		void *field = (char *)o + r->at;
		if (r->kind == OPT_WHOLE || r->kind == OPT_LONG)
			*(long *)field = (long)r->def;
		else if (r->kind == OPT_DOUBLE)
			*(double *)field = r->def;
		else if (r->kind == OPT_SET)
			*(int *)field = (int)r->def;
	}
}

int cli_options_parse(int argc, char **argv, struct cli_opts *o)
{
	struct option lo[NOPTIONS + 1];
	char shorts[2 * NOPTIONS + 1], *sp = shorts;
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct cli_option *r = &table[i];
		int has_arg = r->kind == OPT_STR || r->kind == OPT_LIST || r->kind == OPT_CSV || r->kind == OPT_WHOLE ||
			      r->kind == OPT_LONG || r->kind == OPT_DOUBLE;
		lo[i] = (struct option){r->name, has_arg ? required_argument : no_argument, NULL,
					r->short_name ? r->short_name : 256 + (int)i};
		if (r->short_name) {
			*sp++ = (char)r->short_name;
			if (has_arg)
				*sp++ = ':';
		}
	}
	lo[NOPTIONS] = (struct option){0, 0, 0, 0};
	*sp = '\0';
	set_defaults(o);
	int c;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct cli_option *r = NULL;
		for (size_t i = 0; !r && i < NOPTIONS; i++)
			if (lo[i].val == c)
				r = &table[i];
		if (!r) {
			cli_options_usage(stderr);
			return -2;
		}
		if (r->kind == OPT_HELP) {
			cli_options_usage(stdout);
			return -1;
		}
		if (r->kind == OPT_VERSION) {
			printf("mqttspec %s\n", MQTTSPEC_VERSION);
			return -1;
		}
		if (apply(o, r, optarg) < 0)
			return -2;
	}
	if (optind >= argc) {
		cli_options_usage(stderr);
		return -2;
	}
	return optind;
}

void cli_options_replay(const struct cli_opts *o, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NOPTIONS && len < n; i++) {
		const struct cli_option *r = &table[i];
		const void *field = (const char *)o + r->at;
		if (!r->replay)
			continue;
		if (r->kind == OPT_LIST || r->kind == OPT_CSV) {
			char *const *list = *(char *const *const *)field;
			size_t count = *(const size_t *)((const char *)o + r->count_at);
			for (size_t k = 0; k < count && len < n; k++)
				len += (size_t)snprintf(buf + len, n - len, " --%s '%s'", r->name, list[k]);
		} else if (r->kind == OPT_DOUBLE && *(const double *)field != r->def) {
			len += (size_t)snprintf(buf + len, n - len, " --%s %g", r->name, *(const double *)field);
		} else if (r->kind == OPT_STR && *(const char *const *)field) {
			len += (size_t)snprintf(buf + len, n - len, " --%s '%s'", r->name, *(const char *const *)field);
		}
	}
}
