/*
 * test_report_cli.c - mqttspec decode and explain, called as main.c calls
 * them, with standard output captured. They read the in-tree catalog and
 * cases (run-tests runs from the top of the tree, as `make unit` does).
 */
#include <check.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "cli/repro.h"
#include "reports/report.h"
#include "tests/unit/test_report_fixture.h"
#include "tests/unit/suites.h"

struct captured {
	int rc;
	char *out;
};

enum cmd { DECODE, EXPLAIN, COMPARE };

/* Run a command with stdout (and stderr) sent to a temporary file. */
static struct captured run_cmd(enum cmd which, const char *from, int argc, char **argv)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.cases_dir = "cases";
	o.from = from;
	char path[] = "/tmp/mqttspec-cli-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	fflush(stderr);
	int save_out = dup(1), save_err = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	struct captured c;
	c.rc = which == DECODE ? cli_decode(&o, argc, argv) : which == EXPLAIN ? cli_explain(&o, argv[0])
									    : cli_compare(&o, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(save_out, 1);
	dup2(save_err, 2);
	close(save_out);
	close(save_err);
	close(fd);
	struct err e;
	size_t n;
	c.out = json_util_read_file(path, &n, &e);
	unlink(path);
	ck_assert_ptr_nonnull(c.out);
	return c;
}

START_TEST(decode_publish_field_by_field_exits_0)
{
	/* PUBLISH QoS 0, topic "a/b", payload "hello" */
	char *argv[] = {"30 0a 00 03 61 2f 62", "68656c6c6f"};
	struct captured c = run_cmd(DECODE, NULL, 2, argv);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.out, "packet at offset 0 (12 bytes): PUBLISH qos=0"));
	ck_assert_ptr_nonnull(strstr(c.out, "       2  00 03 61 2f 62              topic name          \"a/b\" (length 3)"));
	ck_assert_ptr_nonnull(strstr(c.out, "       7  68 65 6c 6c 6f              payload             5 bytes \"hello\""));
	ck_assert_ptr_nonnull(strstr(c.out, "  valid"));
	free(c.out);
}
END_TEST

START_TEST(decode_stream_names_the_broken_clause_exits_1)
{
	/* CONNACK with Session Present and return code 5 (MQTT-3.2.2-4), then a PUBACK. */
	char *argv[] = {"0x20,0x02,0x01,0x05", "40:02:00:07"};
	struct captured c = run_cmd(DECODE, "server", 2, argv);
	ck_assert_int_eq(c.rc, 1);
	ck_assert_ptr_nonnull(strstr(c.out, "return code         0x05 (not authorized)"));
	ck_assert_ptr_nonnull(strstr(c.out, "  breaks MQTT-3.2.2-4 (MUST, section"));
	ck_assert_ptr_nonnull(strstr(c.out, "packet at offset 4 (4 bytes): PUBACK id=7"));
	ck_assert_ptr_nonnull(strstr(c.out, "2 packets, 1 is not valid"));
	free(c.out);
}
END_TEST

START_TEST(decode_direction_and_malformed)
{
	char *sub[] = {"82 06 00 01 00 01 61 00"}; /* SUBSCRIBE: fine from a client, not from the server */
	struct captured c = run_cmd(DECODE, "client", 1, sub);
	ck_assert_int_eq(c.rc, 0);
	free(c.out);
	c = run_cmd(DECODE, "server", 1, sub);
	ck_assert_int_eq(c.rc, 1);
	ck_assert_ptr_nonnull(strstr(c.out, "breaks MQTTSPEC-2.2.1-2"));
	free(c.out);
	char *bad[] = {"4003000100"}; /* PUBACK with a third byte */
	c = run_cmd(DECODE, NULL, 1, bad);
	ck_assert_int_eq(c.rc, 1);
	ck_assert_ptr_nonnull(strstr(c.out, "MALFORMED at offset 4: PUBACK: remaining length 3, expected 2"));
	ck_assert_ptr_nonnull(strstr(c.out, "breaks MQTTSPEC-2.2.3-2"));
	free(c.out);
}
END_TEST

static const struct {
	const char *hex, *msg;
} bad_input[] = {
	{"30 0", "odd number of hex digits"},
	{"zz", "'z' is not a hex digit"},
	{"", "no bytes"},
	{"30 0d 00", "INCOMPLETE: the packet takes 15 bytes, the input ends after 3"},
};

START_TEST(decode_bad_input_exits_2)
{
	char *argv[] = {(char *)bad_input[_i].hex};
	struct captured c = run_cmd(DECODE, NULL, 1, argv);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_msg(strstr(c.out, bad_input[_i].msg) != NULL, "%s", c.out);
	free(c.out);
	c = run_cmd(DECODE, "sideways", 1, argv);
	ck_assert_int_eq(c.rc, 2);
	free(c.out);
}
END_TEST

START_TEST(explain_known_clause_shows_cases_and_marked_steps)
{
	char *argv[] = {"MQTT-2.2.2-2"};
	struct captured c = run_cmd(EXPLAIN, NULL, 1, argv);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.out, "MQTT-2.2.2-2  MUST, section 2.2.2 of MQTT 3.1.1"));
	ck_assert_ptr_nonnull(strstr(c.out, "  summary:     "));
	ck_assert_ptr_nonnull(strstr(c.out, "the statement marked [MQTT-2.2.2-2]"));
	ck_assert_ptr_nonnull(strstr(c.out, "case pingreq-reserved-flags-closes:"));
	ck_assert_ptr_nonnull(strstr(c.out, "send       {\"type\":\"PINGREQ\",\"flags\":8}"));
	ck_assert_ptr_nonnull(strstr(c.out, "  >> "));
	ck_assert_ptr_nonnull(strstr(c.out, "<-- this clause"));
	free(c.out);
	char *lower[] = {"mqtt-2.2.2-2"}; /* any case, and without the MQTT- prefix */
	c = run_cmd(EXPLAIN, NULL, 1, lower);
	ck_assert_int_eq(c.rc, 0);
	free(c.out);
	char *bare[] = {"2.2.2-2"};
	c = run_cmd(EXPLAIN, NULL, 1, bare);
	ck_assert_int_eq(c.rc, 0);
	free(c.out);
}
END_TEST

START_TEST(explain_untested_and_unknown_clauses)
{
	struct captured c;
	char *untested[] = {"MQTT-2.3.1-2"}; /* binds only the client: no case can test it */
	c = run_cmd(EXPLAIN, NULL, 1, untested);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.out, "\nNo case tests it: "));
	free(c.out);
	char *unknown[] = {"MQTT-3.1.2-33"};
	c = run_cmd(EXPLAIN, NULL, 1, unknown);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.out, "no clause \"MQTT-3.1.2-33\""));
	ck_assert_ptr_nonnull(strstr(c.out, "did you mean: 3.1.1:MQTT-3.1.2-3 "));
	free(c.out);
	char *nothing[] = {"XYZZY-PLUGH-123456"};
	c = run_cmd(EXPLAIN, NULL, 1, nothing);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.out, "mqttspec list clauses"));
	free(c.out);
}
END_TEST

/* The fixture's JSON report in a temporary file, with one clause's verdict changed if `flip`. */
static void report_file(char *path, int flip)
{
	struct test_report_fixture fx;
	test_report_fixture_build(&fx, 0);
	if (flip)
		fx.run.clauses[7].verdict = VERDICT_PASS;
	char *buf = NULL;
	size_t len = 0;
	struct err e;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(report_json_write(&fx.run, f, &e), 0);
	fclose(f);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
	test_report_fixture_free(&fx);
}

START_TEST(compare_puts_differences_first)
{
	char a[] = "/tmp/mqttspec-cmp-a-XXXXXX", b[] = "/tmp/mqttspec-cmp-b-XXXXXX";
	report_file(a, 0);
	report_file(b, 1);
	char *same[] = {a, a};
	struct captured c = run_cmd(COMPARE, NULL, 2, same);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.out, "0 of 10 clauses differ"));
	free(c.out);
	char *diff[] = {a, b};
	c = run_cmd(COMPARE, NULL, 2, diff);
	ck_assert_int_eq(c.rc, 1);
	ck_assert_ptr_nonnull(strstr(c.out, "[1] broker <b>&amp; \"x\" (2024-05-01T12:00:00Z)"));
	const char *row = strstr(c.out, "MQTT-3.10.4-1      3.10.4    FAIL            PASS");
	const char *same_marker = strstr(c.out, "-- the same in every run --");
	ck_assert(row && same_marker && row < same_marker);
	ck_assert_ptr_nonnull(strstr(c.out, "1 of 10 clauses differ"));
	free(c.out);
	char *bad[] = {a, (char *)"tests/golden/baseline.json"};
	c = run_cmd(COMPARE, NULL, 2, bad);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_ptr_nonnull(strstr(c.out, "not an mqttspec JSON report"));
	free(c.out);
	unlink(a);
	unlink(b);
}
END_TEST

/* A real case file, a made-up failing result for it: the reproducer loads
 * as a case of its own, with the run's client id and topic written in. */
START_TEST(repro_writes_a_loadable_case_with_fixed_ids)
{
	struct catalog cat;
	struct case_spec cs;
	struct err e;
	ck_assert_msg(catalog_load(&cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
	ck_assert_msg(case_load_file(&cs, "cases/mqtt-3.1.1/3.3-publish/publish-overlapping-subscriptions.json", &cat, &e) == 0,
		      "%s", e.msg);
	struct run_result run;
	memset(&run, 0, sizeof run);
	run.run_prefix = alloc_strdup("zz9z9z");
	run.nbrokers = 1;
	run.brokers = alloc_bytes(sizeof *run.brokers);
	run.brokers[0] = alloc_strdup("mqtt://127.0.0.1:1883");
	run.ncases = 1;
	run.cases = calloc(1, sizeof *run.cases);
	struct case_result *r = &run.cases[0];
	r->id = alloc_strdup(cs.id);
	r->verdict = VERDICT_FAIL;
	r->nclients = cs.nclients;
	r->clients = calloc(cs.nclients, sizeof *r->clients);
	r->client_ids = calloc(cs.nclients, sizeof *r->client_ids);
	for (size_t i = 0; i < cs.nclients; i++) {
		r->clients[i] = alloc_strdup(cs.clients[i].name);
		char id[32];
		snprintf(id, sizeof id, "mszz9z9z01k%s", cs.clients[i].name);
		r->client_ids[i] = alloc_strdup(id);
	}
	char dir[] = "/tmp/mqttspec-repro-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct repro_opts o = {"cases", NULL, " --broker 'mqtt://127.0.0.1:1883'"};
	ck_assert_msg(repro_write_dir(dir, &run, &cs, 1, &o, &e) == 0, "%s", e.msg);

	char path[256];
	size_t n;
	snprintf(path, sizeof path, "%s/%s.json", dir, cs.id);
	char *text = json_util_read_file(path, &n, &e);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "\"client_id\":\t\"mszz9z9z01ka\""));
	ck_assert_ptr_nonnull(strstr(text, "mqttspec/zz9z9z/publish-overlapping-subscriptions/x"));
	ck_assert_ptr_null(strstr(text, "{topic}"));
	ck_assert_ptr_nonnull(strstr(text, "--cases"));
	free(text);
	snprintf(path, sizeof path, "%s/README", dir);
	text = json_util_read_file(path, &n, &e);
	ck_assert_ptr_nonnull(strstr(text, "mqttspec run --broker 'mqtt://127.0.0.1:1883' --cases '"));
	ck_assert_ptr_nonnull(strstr(text, "--only publish-overlapping-subscriptions\n"));
	free(text);
	struct case_set set;
	ck_assert_msg(case_load_dir(&set, dir, &cat, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(set.n, 1);
	case_set_free(&set);

	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	results_free(&run);
	case_free(&cs);
	catalog_free(&cat);
}
END_TEST

/* The replay command repeats the brokers, a time scale other than 1 and the
 * user name, in the table's order, and nothing else of the command line. */
START_TEST(replay_repeats_brokers_time_scale_and_user)
{
	char *argv[] = {"mqttspec", "run", "--broker", "mqtt://a:1", "-q", "--username", "u", "--time-scale",
			"2.5", "--broker", "ws://b/mqtt", "--json", "x.json", NULL};
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	optind = 1;
	ck_assert_int_eq(cli_options_parse(13, argv, &o), 12);
	char buf[256];
	cli_options_replay(&o, buf, sizeof buf);
	ck_assert_str_eq(buf, " --broker 'mqtt://a:1' --broker 'ws://b/mqtt' --time-scale 2.5 --username 'u'");
	free(o.brokers);
	char *plain[] = {"mqttspec", "--broker", "mqtt://a:1", "run", NULL};
	memset(&o, 0, sizeof o);
	optind = 1;
	ck_assert_int_eq(cli_options_parse(4, plain, &o), 3);
	ck_assert_int_eq(o.jobs, 32);
	ck_assert_int_eq(o.tolerance_ms, 500);
	ck_assert_int_eq(o.color, -1);
	cli_options_replay(&o, buf, sizeof buf);
	ck_assert_str_eq(buf, " --broker 'mqtt://a:1'");
	free(o.brokers);
}
END_TEST

Suite *report_cli_suite(void)
{
	Suite *s = suite_create("report_cli");
	TCase *tc = tcase_create("decode");
	tcase_add_test(tc, decode_publish_field_by_field_exits_0);
	tcase_add_test(tc, decode_stream_names_the_broken_clause_exits_1);
	tcase_add_test(tc, decode_direction_and_malformed);
	tcase_add_loop_test(tc, decode_bad_input_exits_2, 0, (int)(sizeof bad_input / sizeof bad_input[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("explain");
	tcase_add_test(tc, explain_known_clause_shows_cases_and_marked_steps);
	tcase_add_test(tc, explain_untested_and_unknown_clauses);
	suite_add_tcase(s, tc);
	tc = tcase_create("compare_repro");
	tcase_add_test(tc, compare_puts_differences_first);
	tcase_add_test(tc, repro_writes_a_loadable_case_with_fixed_ids);
	tcase_add_test(tc, replay_repeats_brokers_time_scale_and_user);
	suite_add_tcase(s, tc);
	return s;
}
