/* test_cli_options.c - the option table (cli/cli_options.c): the defaults,
 * each kind of option, the range of each number refused with its message, an
 * unknown option, a missing command, --help and --version. */
#include <check.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "tests/unit/capture.h"
#include "tests/unit/suites.h"

/* Parse argv (NULL-terminated) from a fresh getopt state, output captured. */
static int parse(char **argv, struct cli_opts *o, char **out)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	memset(o, 0, sizeof *o);
	optind = 0; /* glibc: start over, argv permutation included */
	capture_begin();
	int rc = cli_options_parse(argc, argv, o);
	char *text = capture_end();
	if (out)
		*out = text;
	else
		free(text);
	return rc;
}

static void opts_free(struct cli_opts *o)
{
	free(o->brokers);
	free(o->user_cases);
	free(o->only);
}

START_TEST(defaults)
{
	char *argv[] = {"mqttspec", "run", NULL};
	struct cli_opts o;
	char *out;
	ck_assert_int_eq(parse(argv, &o, &out), 1);
	ck_assert_str_eq(out, "");
	free(out);
	ck_assert_int_eq(o.jobs, 32);
	ck_assert(o.time_scale == 1);
	ck_assert_int_eq(o.tolerance_ms, 500);
	ck_assert_int_eq(o.slack_ms, 1000);
	ck_assert_int_eq(o.period_ms, 2000);
	ck_assert_int_eq(o.max_wait_ms, 15000);
	ck_assert(o.deadline_s == 0);
	ck_assert_int_eq(o.propagation_ms, 0);
	ck_assert_int_eq(o.color, -1);
	ck_assert_int_eq(o.strict + o.dry_run + o.quiet + o.verbose + o.insecure + o.stay_in_prefix + o.coverage, 0);
	ck_assert_uint_eq(o.nbrokers, 0);
	ck_assert_ptr_null(o.json);
	ck_assert_ptr_null(o.cases_dir); /* cli_parse's, not the table's */
}
END_TEST

START_TEST(every_kind)
{
	char only[] = "MQTT-3.1.*,,connect-x,";
	char *argv[] = {"mqttspec", "--broker", "mqtt://a", "run", "-j", "4", "--time-scale", "0.5", "--tolerance-ms",
			"12.7", "--deadline", "30", "--json", "r.json", "--strict", "-q", "-v", "--no-color", "--only", only,
			"--only", "3.1", "--broker", "ws://b/mqtt", "--cases", "d1", "--cases", "d2", "--insecure",
			"--propagation-ms", "250", "--profile", "p.json", "--from", "client", "--slack-ms", "0", "--period-ms",
			"1000", "--max-wait-ms", "60000", "--stri", NULL};
	struct cli_opts o;
	int rc = parse(argv, &o, NULL);
	/* getopt moves the command word after the options. */
	ck_assert_int_ge(rc, 1);
	ck_assert_str_eq(argv[rc], "run");
	ck_assert_int_eq(o.jobs, 4);
	ck_assert(o.time_scale == 0.5);
	ck_assert_int_eq(o.tolerance_ms, 12); /* the fraction dropped */
	ck_assert(o.deadline_s == 30);
	ck_assert_int_eq(o.propagation_ms, 250);
	ck_assert_int_eq(o.slack_ms, 0);
	ck_assert_int_eq(o.period_ms, 1000);
	ck_assert_int_eq(o.max_wait_ms, 60000);
	ck_assert_str_eq(o.json, "r.json");
	ck_assert_str_eq(o.profile, "p.json");
	ck_assert_str_eq(o.from, "client");
	ck_assert_int_eq(o.strict, 1);
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(o.verbose, 1);
	ck_assert_int_eq(o.insecure, 1);
	ck_assert_int_eq(o.color, 0);
	ck_assert_uint_eq(o.nbrokers, 2);
	ck_assert_str_eq(o.brokers[0], "mqtt://a");
	ck_assert_str_eq(o.brokers[1], "ws://b/mqtt");
	ck_assert_uint_eq(o.nuser_cases, 2);
	ck_assert_str_eq(o.user_cases[1], "d2");
	/* Commas split, empty pieces dropped, repeats appended. */
	ck_assert_uint_eq(o.nonly, 3);
	ck_assert_str_eq(o.only[0], "MQTT-3.1.*");
	ck_assert_str_eq(o.only[1], "connect-x");
	ck_assert_str_eq(o.only[2], "3.1");
	opts_free(&o);
	char *color[] = {"mqttspec", "--no-color", "--color", "list", NULL};
	ck_assert_int_eq(parse(color, &o, NULL), 3);
	ck_assert_int_eq(o.color, 1);
}
END_TEST

static const struct {
	const char *opt, *arg, *msg;
} out_of_range[] = {
	{"-j", "0", "-j: expected an integer from 1 to 1024, got \"0\""},
	{"-j", "1025", "-j: expected an integer from 1 to 1024, got \"1025\""},
	{"--jobs", "2.5", "-j: expected an integer from 1 to 1024, got \"2.5\""},
	{"-j", "4x", "-j: expected an integer from 1 to 1024, got \"4x\""},
	{"--time-scale", "0.05", "--time-scale: expected a number from 0.1 to 100, got \"0.05\""},
	{"--time-scale", "101", "--time-scale: expected a number from 0.1 to 100, got \"101\""},
	{"--time-scale", "", "--time-scale: expected a number from 0.1 to 100, got \"\""},
	{"--time-scale", "nan", "--time-scale: expected a number from 0.1 to 100, got \"nan\""},
	{"--tolerance-ms", "nan", "--tolerance-ms: expected 0 to 60000, got \"nan\""},
	{"--tolerance-ms", "-1", "--tolerance-ms: expected 0 to 60000, got \"-1\""},
	{"--tolerance-ms", "60001", "--tolerance-ms: expected 0 to 60000, got \"60001\""},
	{"--slack-ms", "60001", "--slack-ms: expected 0 to 60000, got \"60001\""},
	{"--period-ms", "99", "--period-ms: expected 100 to 60000, got \"99\""},
	{"--max-wait-ms", "999", "--max-wait-ms: expected 1000 to 3600000, got \"999\""},
	{"--deadline", "0.5", "--deadline: expected seconds from 1 to 86400, got \"0.5\""},
	{"--propagation-ms", "600001", "--propagation-ms: expected 0 to 600000, got \"600001\""},
	{"--propagation-ms", "1e400", "--propagation-ms: expected 0 to 600000, got \"1e400\""},
};

START_TEST(range_errors)
{
	char *argv[] = {"mqttspec", (char *)out_of_range[_i].opt, (char *)out_of_range[_i].arg, "run", NULL};
	struct cli_opts o;
	char *out;
	ck_assert_int_eq(parse(argv, &o, &out), -2);
	char want[300];
	snprintf(want, sizeof want, "mqttspec: %s\n(mqttspec --help shows the options)\n", out_of_range[_i].msg);
	ck_assert_str_eq(out, want);
	free(out);
}
END_TEST

/* The bounds themselves are in range. */
START_TEST(range_bounds_accepted)
{
	char *argv[] = {"mqttspec", "-j", "1024", "--time-scale", "0.1", "--tolerance-ms", "0", "--deadline", "86400",
			"--propagation-ms", "600000", "run", NULL};
	struct cli_opts o;
	ck_assert_int_eq(parse(argv, &o, NULL), 11);
	ck_assert_int_eq(o.jobs, 1024);
	ck_assert(o.time_scale == 0.1);
	ck_assert_int_eq(o.tolerance_ms, 0);
	ck_assert(o.deadline_s == 86400);
	ck_assert_int_eq(o.propagation_ms, 600000);
}
END_TEST

START_TEST(unknown_option_and_no_command)
{
	char *argv[] = {"mqttspec", "--nope", "run", NULL};
	struct cli_opts o;
	char *out;
	ck_assert_int_eq(parse(argv, &o, &out), -2);
	ck_assert_msg(strstr(out, "unrecognized option '--nope'"), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "usage: mqttspec run --broker URL [options]"));
	free(out);
	char *argv2[] = {"mqttspec", "-j", NULL};
	ck_assert_int_eq(parse(argv2, &o, &out), -2);
	ck_assert_msg(strstr(out, "option requires an argument -- 'j'"), "%s", out);
	free(out);
	/* Options but no command word: the usage, on standard error. */
	char *argv3[] = {"mqttspec", "--strict", NULL};
	ck_assert_int_eq(parse(argv3, &o, &out), -2);
	ck_assert_ptr_eq(strstr(out, "usage: "), out);
	free(out);
}
END_TEST

START_TEST(help_and_version)
{
	char *argv[] = {"mqttspec", "--help", NULL};
	struct cli_opts o;
	char *out;
	ck_assert_int_eq(parse(argv, &o, &out), -1);
	ck_assert_ptr_eq(strstr(out, "usage: mqttspec run --broker URL [options]      test a broker, report a verdict per clause\n"),
			 out);
	ck_assert_ptr_nonnull(strstr(out, "\nrun options:\n  --broker URL        mqtt://host[:port] (TCP, port 1883), mqtts:// (TLS, 8883),\n"
					  "                      ws://host[:port][/path] and wss:// (WebSocket, path /mqtt);\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  -j, --jobs N        cases run at once (default 32)\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  --color / --no-color  colour the console report (default: when it is a terminal)\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  --cert FILE, --key FILE   client certificate and key, for mutual TLS\n"));
	/* In the table's help order: --broker, --propagation-ms, --cafile, ... --repro, --broker-name. */
	const char *b = strstr(out, "  --broker URL"), *p = strstr(out, "  --propagation-ms N"),
		   *c = strstr(out, "  --cafile FILE"), *r = strstr(out, "  --repro DIR"), *n = strstr(out, "  --broker-name NAME");
	ck_assert(b && p && c && r && n && b < p && p < c && c < r && r < n);
	/* Rows without help (--key, --no-color, --coverage, --from) have no line of their own. */
	ck_assert_ptr_null(strstr(out, "\n  --key"));
	ck_assert_ptr_null(strstr(out, "\n  --no-color"));
	ck_assert_ptr_null(strstr(out, "\n  --from"));
	const char *tail = "\nexit status: 0 nothing FAILs, 1 some clause FAILs (or WARNs with --strict), 2 usage or set-up error\n";
	ck_assert_str_eq(out + strlen(out) - strlen(tail), tail);
	free(out);
	char *argv2[] = {"mqttspec", "--version", "run", NULL};
	ck_assert_int_eq(parse(argv2, &o, &out), -1);
	ck_assert_str_eq(out, "mqttspec " MQTTSPEC_VERSION "\n");
	free(out);
	char *argv3[] = {"mqttspec", "-h", NULL};
	ck_assert_int_eq(parse(argv3, &o, &out), -1);
	ck_assert_ptr_eq(strstr(out, "usage: "), out);
	free(out);
}
END_TEST

/* What a replay repeats: the brokers, a time scale other than 1, the user name. */
START_TEST(replay_bounded)
{
	char *argv[] = {"mqttspec", "--broker", "mqtt://a:1", "--username", "u", "run", NULL};
	struct cli_opts o;
	ck_assert_int_eq(parse(argv, &o, NULL), 5);
	char buf[64];
	cli_options_replay(&o, buf, sizeof buf);
	ck_assert_str_eq(buf, " --broker 'mqtt://a:1' --username 'u'");
	/* A short buffer is cut, never overrun. */
	cli_options_replay(&o, buf, 12);
	ck_assert_str_eq(buf, " --broker '");
	opts_free(&o);
}
END_TEST

Suite *cli_options_suite(void)
{
	Suite *s = suite_create("cli_options");
	TCase *tc = tcase_create("cli_options");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, every_kind);
	tcase_add_loop_test(tc, range_errors, 0, (int)(sizeof out_of_range / sizeof out_of_range[0]));
	tcase_add_test(tc, range_bounds_accepted);
	tcase_add_test(tc, unknown_option_and_no_command);
	tcase_add_test(tc, help_and_version);
	tcase_add_test(tc, replay_bounded);
	suite_add_tcase(s, tc);
	return s;
}
