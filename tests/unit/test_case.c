/* Tests of the case loader: every malformed case file is refused with
 * "file: json.path: what is wrong", and good ones load as expected. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case/case.h"
#include "case/catalog.h"
#include "tests/unit/suites.h"

static struct catalog cat;

static void setup(void)
{
	struct err e;
	ck_assert_msg(catalog_load(&cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
}

static void teardown(void)
{
	catalog_free(&cat);
}

/* Write text to a temporary file and load it as a case. */
static int load_text(const char *text, struct case_spec *cs, struct err *e, char *path, size_t n)
{
	snprintf(path, n, "/tmp/mqttspec-test-case-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	int rc = case_load_file(cs, path, &cat, e);
	unlink(path);
	return rc;
}

#define HEAD "{\"id\":\"x\",\"title\":\"t\",\"clients\":{\"a\":{}},\"steps\":["
#define OPEN "{\"client\":\"a\",\"open\":true},"
/* A case that needs the WebSocket transport, so it may frame its sends. */
#define WSHEAD "{\"id\":\"x\",\"title\":\"t\",\"needs\":{\"transport\":\"ws\"},\"clients\":{\"a\":{}},\"steps\":[" OPEN
#define CHECK "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":[\"MQTT-3.1.2-3\"]}"

static const struct {
	const char *text;
	const char *error; /* expected after "path: " */
} bad[] = {
	{"{", "line 1, column 2: JSON syntax error"},
	{"[]", "$: expected an object"},
	{"{\"id\":\"x\",\"title\":\"t\",\"clients\":{\"a\":{}},\"steps\":[" CHECK "],\"bogus\":1}", "$.bogus: unknown field"},
	{"{\"title\":\"t\",\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}", "$.id: required field missing"},
	{"{\"id\":\"X Y\",\"title\":\"t\",\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}", "$.id: \"X Y\""},
	{"{\"id\":\"x\",\"title\":5,\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}", "$.title: expected a string"},
	{"{\"id\":\"x\",\"title\":\"t\",\"clients\":{\"Ab\":{}},\"steps\":[" CHECK "]}", "$.clients.Ab: a client name"},
	{"{\"id\":\"x\",\"title\":\"t\",\"clients\":{\"a\":{}},\"steps\":[]}", "$.steps: expected a non-empty array"},
	{HEAD OPEN "{\"client\":\"z\",\"open\":true}," CHECK "]}", "steps[1].client: unknown client \"z\""},
	{HEAD OPEN "{\"client\":\"a\",\"jump\":true}," CHECK "]}", "steps[1].jump: unknown field"},
	{HEAD OPEN "{\"client\":\"a\"}," CHECK "]}", "steps[1]: no action"},
	{HEAD OPEN "{\"client\":\"a\",\"open\":true,\"close\":true}," CHECK "]}", "steps[1]: has both \"open\" and \"close\""},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":[\"MQTT-9.9.9-9\"]}]}",
	 "steps[1].checks[0]: unknown 3.1.1 clause \"MQTT-9.9.9-9\""},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":\"MQTT-3.1.2-3\"}]}",
	 "steps[1].checks: expected a non-empty array of clause ids"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PUBLISH\",\"topic\":\"t\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].checks: only an expect step has checks"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"CONNECTX\"}}," CHECK "]}", "steps[1].send.type: unknown packet type \"CONNECTX\""},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PUBACK\",\"topic\":\"t\"}}," CHECK "]}",
	 "steps[1].send.topic: a PUBACK packet has no such field"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PUBLISH\",\"qos\":\"high\",\"topic\":\"t\",\"packet_id\":1}}," CHECK "]}",
	 "steps[1].send.qos: expected an integer"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PUBLISH\",\"qos\":9,\"topic\":\"t\",\"packet_id\":1}}," CHECK "]}",
	 "steps[1].send.qos: 9 is out of range 0..3"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PUBLISH\",\"topic\":\"{nope}\"}}," CHECK "]}", "steps[1].send: unknown variable {nope}"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PUBLISH\",\"topic\":\"{topic\"}}," CHECK "]}", "unbalanced '{'"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"kind\":\"x\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].expect.kind: unknown expectation"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"type\":\"PUBACK\",\"packet_id\":{\"grab\":\"p\"}},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].expect.packet_id.grab: unknown field"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"any_of\":[{\"expect\":{\"closed\":true}}]},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].expect.any_of: expected an array of at least two alternatives"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"ordered\":[{\"closed\":true},{\"type\":\"PINGRESP\"}]},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].expect.ordered[0]: {\"closed\": true} can only end a sequence"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"from\":\"later\",\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].from: no earlier step has label \"later\""},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"level\":\"MAYBE\",\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].level: expected \"MUST\" or \"SHOULD\""},
	{HEAD OPEN "{\"client\":\"a\",\"open\":true}]}", "$.steps: no step has checks"},
	{HEAD OPEN CHECK "],\"cleanup\":[" CHECK "]}", "cleanup[0].checks: cleanup steps carry no checks"},
	{HEAD OPEN "{\"repeat\":3,\"as\":\"i\"}," CHECK "]}", "steps[1].steps: expected an array"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"hex\":\"3\"}}," CHECK "]}", NULL /* runtime: odd hex is a case error */},
	{HEAD OPEN "{\"client\":\"a\",\"wait_ms\":-5}," CHECK "]}", "steps[1].wait_ms: -5 is out of range"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"hex\":\"30 {topic}\"}}," CHECK "]}",
	 "steps[1].hex: in hex, put text in with {utf8:...} or {str:...}"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"when\":{\"g\":2},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].when: unknown variable {g}"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"when\":{\"g\":{\"least\":2}},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].when.g.least: unknown field"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"when\":{\"g\":{}},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].when.g: expected \"min\" or \"max\" (or both)"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"when\":{\"g\":{\"min\":\"x\"}},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].when.g: a bound must be an integer"},
	{HEAD OPEN "{\"client\":\"a\",\"publish\":{\"topic\":\"t\",\"qos\":\"{g}\"}}," CHECK "]}",
	 "steps[1].publish.qos: the publish step needs a literal QoS"},
	/* Broker timers: a moment after a label, on an expect or a wait_timer. */
	{HEAD "{\"client\":\"a\",\"open\":true,\"label\":\"o\"},{\"client\":\"a\",\"expect\":{\"closed\":true},\"from\":\"o\",\"timer\":{\"seconds\":\"{n} * 2 - 1\",\"edge\":\"late\"},\"checks\":[\"MQTT-3.1.2-3\"]}],\"vars\":{\"n\":\"2\"}}", NULL},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"timer\":{\"seconds\":2,\"edge\":\"late\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].from: required with timer (the label the broker's timer starts at)"},
	{HEAD "{\"client\":\"a\",\"open\":true,\"label\":\"o\"},{\"client\":\"a\",\"expect\":{\"closed\":true},\"from\":\"o\",\"within_ms\":5,\"timer\":{\"seconds\":2,\"edge\":\"late\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].timer: a timer window is the broker's, unscaled; it takes no within_ms or scaled"},
	{HEAD "{\"client\":\"a\",\"open\":true,\"label\":\"o\"},{\"client\":\"a\",\"expect\":{\"closed\":true},\"from\":\"o\",\"timer\":{\"seconds\":2,\"edge\":\"soon\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].timer.edge: expected \"early\""},
	{HEAD "{\"client\":\"a\",\"open\":true,\"label\":\"o\"},{\"client\":\"a\",\"expect\":{\"closed\":true},\"from\":\"o\",\"timer\":{\"edge\":\"late\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].timer.seconds: required field missing"},
	{HEAD "{\"client\":\"a\",\"open\":true,\"label\":\"o\"},{\"client\":\"a\",\"expect\":{\"closed\":true},\"from\":\"o\",\"timer\":{\"seconds\":-1,\"edge\":\"late\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].timer.seconds: expected an integer from 0 to 4294967295, or a template string"},
	{HEAD "{\"client\":\"a\",\"open\":true,\"label\":\"o\"},{\"client\":\"a\",\"expect\":{\"closed\":true},\"from\":\"o\",\"timer\":{\"seconds\":\"{nope}\",\"edge\":\"late\"},\"checks\":[\"MQTT-3.1.2-3\"]}]}",
	 "unknown variable {nope}"},
	{HEAD OPEN "{\"wait_timer\":{\"seconds\":1,\"edge\":\"early\"}}," CHECK "]}",
	 "steps[1].from: required with wait_timer (the label the broker's timer starts at)"},
	{HEAD "{\"client\":\"a\",\"open\":true,\"label\":\"o\"},{\"wait_timer\":{\"seconds\":1,\"edge\":\"early\",\"at\":3},\"from\":\"o\"}," CHECK "]}",
	 "steps[1].wait_timer.at: unknown field"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"timer\":{\"seconds\":1,\"edge\":\"early\"}}," CHECK "]}",
	 "steps[1].timer: only an expect step has timer"},
	/* branch: names the alternative of an any_of, nothing else */
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"branch\":\"b\"}," CHECK "]}",
	 "steps[1].branch: only an expect of any_of has alternatives to name"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"branch\":\"b\"}," CHECK "]}",
	 "steps[1].branch: only an expect step has branch"},
	/* A MAY cannot be failed: no check names one. */
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":[\"MQTTSPEC-3.3.5-1\"]}]}",
	 "steps[1].checks[0]: MQTTSPEC-3.3.5-1 is a MAY, which no broker can fail"},
	/* polices: a client rule of the catalog, on a step with checks */
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":[\"MQTT-4.8.0-1\"],\"polices\":[\"MQTT-9.9.9-9\"]}]}",
	 "steps[1].polices[0]: unknown 3.1.1 clause \"MQTT-9.9.9-9\""},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":[\"MQTT-4.8.0-1\"],\"polices\":[\"MQTT-3.8.3-3\",\"MQTT-3.1.2-3\"]}]}",
	 "steps[1].polices[1]: \"MQTT-3.1.2-3\" binds server, not only the client"},
	{HEAD OPEN CHECK ",{\"client\":\"a\",\"expect\":{\"closed\":true},\"polices\":[\"MQTT-3.8.3-3\"]}]}",
	 "steps[2].polices: only a step with checks polices a client rule"},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"polices\":[\"MQTT-3.8.3-3\"]}," CHECK "]}",
	 "steps[1].polices: only an expect step has polices"},
	{HEAD OPEN "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":[\"MQTT-4.8.0-1\"],\"polices\":[]}]}",
	 "steps[1].polices: expected a non-empty array of clause ids"},
	/* WebSocket framing and the transport gate. */
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"opcode\":\"text\"}}," CHECK "]}", NULL},
	{WSHEAD "{\"client\":\"a\",\"open\":true,\"checks\":[\"MQTT-6.0.0-4\"]}]}", NULL},
	{HEAD OPEN "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"opcode\":\"text\"}}," CHECK "]}",
	 "steps[1].ws: WebSocket framing needs \"needs\": {\"transport\": \"ws\"}"},
	{"{\"id\":\"x\",\"title\":\"t\",\"needs\":{\"transport\":\"tcp\"},\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}",
	 "$.needs.transport: expected \"ws\""},
	/* Keeping retained messages is a MUST: a case cannot make it optional. */
	{"{\"id\":\"x\",\"title\":\"t\",\"needs\":{\"retain\":false},\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}",
	 "$.needs.retain: false is not allowed: keeping retained messages is a MUST (MQTT-3.3.1-5)"},
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"opcode\":\"ping\"}}," CHECK "]}",
	 "steps[1].ws.opcode: expected \"binary\" or \"text\""},
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"split\":[1,1]}}," CHECK "]}",
	 "steps[1].ws.split[1]: expected an offset greater than 1"},
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"split\":[0]}}," CHECK "]}",
	 "steps[1].ws.split[0]: expected an offset greater than 0"},
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"split\":[]}}," CHECK "]}",
	 "steps[1].ws.split: expected 1 to 16 byte offsets"},
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"frames\":2}}," CHECK "]}",
	 "steps[1].ws.frames: unknown field"},
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"with_next\":true,\"opcode\":\"text\"}}," CHECK "]}",
	 "steps[1].ws.with_next: the held bytes are framed by the next send"},
	{WSHEAD "{\"client\":\"a\",\"send\":{\"type\":\"PINGREQ\"},\"ws\":{\"with_next\":true}}," CHECK "]}",
	 "steps[1].ws.with_next: the next step must be a send of the same client"},
	{WSHEAD "{\"client\":\"a\",\"close\":true,\"ws\":{\"opcode\":\"text\"}}," CHECK "]}",
	 "steps[1].ws: only a send step has WebSocket framing options"},
	{HEAD OPEN "{\"client\":\"a\",\"close\":true,\"checks\":[\"MQTT-6.0.0-4\"]}," CHECK "]}",
	 "steps[1].checks: only an expect step has checks"},
	/* protocol: a version name */
	{"{\"id\":\"x\",\"title\":\"t\",\"protocol\":\"3.1\",\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}",
	 "$.protocol: \"3.1\": expected \"3.1.1\" or \"5.0\""},
	{"{\"id\":\"x\",\"title\":\"t\",\"protocol\":4,\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}",
	 "$.protocol: expected a string"},
};

START_TEST(case_load_bad_file_reports_path_and_reason)
{
	struct case_spec cs;
	struct err e;
	char path[64];
	memset(&e, 0, sizeof e);
	int rc = load_text(bad[_i].text, &cs, &e, path, sizeof path);
	if (!bad[_i].error) {
		ck_assert_msg(rc == 0, "should load: %s", e.msg);
		case_free(&cs);
		return;
	}
	ck_assert_msg(rc < 0, "case %d loaded but should fail with: %s", _i, bad[_i].error);
	ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0, "error does not start with the file: %s", e.msg);
	ck_assert_msg(strstr(e.msg, bad[_i].error), "case %d: got \"%s\", want \"%s\"", _i, e.msg, bad[_i].error);
}
END_TEST

START_TEST(case_load_macros_expand_to_steps)
{
	const char *text =
		"{\"id\":\"m\",\"title\":\"t\",\"clients\":{\"a\":{},\"b\":{\"client_id\":\"{client.a}\"}},\"steps\":["
		"{\"client\":\"a\",\"connect\":{\"clean_session\":false}},"
		"{\"client\":\"a\",\"subscribe\":{\"topics\":[{\"filter\":\"{topic}/#\",\"qos\":2}],\"return_codes\":[{\"capture\":\"g\"}]}},"
		"{\"client\":\"a\",\"publish\":{\"topic\":\"{topic}/x\",\"qos\":2}},"
		"{\"repeat\":3,\"as\":\"i\",\"start\":1,\"steps\":[{\"client\":\"a\",\"send\":{\"type\":\"PUBLISH\",\"topic\":\"{topic}/{i}\"}}]},"
		"{\"client\":\"a\",\"expect\":{\"ordered\":{\"repeat\":4,\"as\":\"k\",\"each\":{\"type\":\"PUBLISH\",\"payload\":\"m{k}\"}}},"
		" \"when\":{\"g\":[1,2]},\"checks\":[\"MQTT-4.6.0-6\"],\"level\":\"SHOULD\"}],"
		"\"cleanup\":[{\"client\":\"b\",\"connect\":{}}]}";
	struct case_spec cs;
	struct err e;
	char path[64];
	ck_assert_msg(load_text(text, &cs, &e, path, sizeof path) == 0, "%s", e.msg);
	/* connect 3 + subscribe 3 (send, the SUBACK duty, the granted codes)
	 * + publish qos2 6 (send, PUBREC duty, PUBREC, PUBREL, PUBCOMP duty, PUBCOMP)
	 * + repeat 3 + expect 1 */
	ck_assert_uint_eq(cs.nsteps, 16);
	ck_assert_uint_eq(cs.ncleanup, 3);
	ck_assert_int_eq(cs.steps[0].kind, CASE_STEP_OPEN);
	ck_assert_int_eq(cs.steps[0].open_if_closed, 1);
	/* The duty of a valid SUBSCRIBE is a check; it peeks so the codes are compared next. */
	ck_assert_uint_eq(cs.steps[4].nchecks, 1);
	ck_assert_str_eq(cs.steps[4].checks[0], "MQTT-3.8.4-1");
	ck_assert_int_eq(cs.steps[4].peek, 1);
	ck_assert_uint_eq(cs.steps[5].nchecks, 0);
	ck_assert_int_eq(cs.steps[7].expect.kind, CASE_EXPECT_ANY_OF); /* PUBREC, or a close (MQTT-3.3.5-2) */
	ck_assert_str_eq(cs.steps[7].checks[0], "MQTT-3.3.4-1");
	ck_assert_int_eq(cs.steps[8].kind, CASE_STEP_EXPECT); /* PUBREC, set-up */
	ck_assert_int_eq(cs.steps[9].kind, CASE_STEP_SEND);   /* PUBREL */
	ck_assert_str_eq(cs.steps[10].checks[0], "MQTT-4.3.3-2");
	ck_assert_uint_eq(cs.steps[11].nchecks, 0);
	/* Clean-up steps carry no duty. */
	for (size_t i = cs.nsteps; i < cs.nsteps + cs.ncleanup; i++)
		ck_assert_uint_eq(cs.steps[i].nchecks, 0);
	const struct case_step *x = &cs.steps[15];
	ck_assert_int_eq(x->expect.kind, CASE_EXPECT_ORDERED);
	ck_assert_uint_eq(x->expect.nchildren, 4);
	ck_assert_str_eq(cJSON_GetObjectItem(x->expect.children[3].pattern, "payload")->valuestring, "m3");
	ck_assert_int_eq(x->should, 1);
	ck_assert_uint_eq(x->ngates, 1);
	ck_assert_uint_eq(x->gates[0].nvalues, 2);
	ck_assert_uint_eq(cs.nclaims, 4);
	ck_assert_str_eq(cJSON_GetObjectItem(cs.steps[12].packet, "topic")->valuestring, "{topic}/1");
	case_free(&cs);
}
END_TEST

START_TEST(case_load_polices_links_client_rule)
{
	const char *text = HEAD OPEN "{\"client\":\"a\",\"send\":{\"hex\":\"82 02 00 01\"}},"
			   "{\"client\":\"a\",\"expect\":{\"closed\":true},\"checks\":[\"MQTT-4.8.0-1\"],"
			   "\"polices\":[\"MQTT-3.8.3-3\"]}]}";
	struct case_spec cs;
	struct err e;
	char path[64];
	ck_assert_msg(load_text(text, &cs, &e, path, sizeof path) == 0, "%s", e.msg);
	const struct case_step *x = &cs.steps[2];
	ck_assert_uint_eq(x->npolices, 1);
	ck_assert_str_eq(x->polices[0], "MQTT-3.8.3-3");
	ck_assert_ptr_eq(x->polices[0], catalog_find(&cat, MQTT_V311, "MQTT-3.8.3-3")->id);
	/* The client rule is linked, never claimed: its own verdict stays UNTESTED. */
	ck_assert_uint_eq(cs.nclaims, 1);
	ck_assert_str_eq(cs.claims[0], "MQTT-4.8.0-1");
	case_free(&cs);
}
END_TEST

/* Write text as ROOT/sub/c.json (sub: folders to create under a fresh ROOT)
 * and load it; the file and its folders are removed again. */
static int load_in(const char *sub, const char *text, struct case_spec *cs, struct err *e)
{
	char root[] = "/tmp/mqttspec-test-tree-XXXXXX", p[256];
	ck_assert_ptr_nonnull(mkdtemp(root));
	char *dirs = strdup(sub);
	snprintf(p, sizeof p, "%s", root);
	for (char *d = strtok(dirs, "/"); d; d = strtok(NULL, "/")) {
		snprintf(p + strlen(p), sizeof p - strlen(p), "/%s", d);
		ck_assert_int_eq(mkdir(p, 0700), 0);
	}
	snprintf(p + strlen(p), sizeof p - strlen(p), "/c.json");
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	int rc = case_load_file(cs, p, &cat, e);
	unlink(p);
	while (strcmp(p, root) != 0) {
		*strrchr(p, '/') = '\0';
		rmdir(p);
	}
	free(dirs);
	return rc;
}

#define PROTO(v) "{\"id\":\"x\",\"title\":\"t\"," v "\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}"

START_TEST(case_load_protocol_defaults_to_311)
{
	struct case_spec cs;
	struct err e;
	char path[64];
	ck_assert_msg(load_text(HEAD OPEN CHECK "]}", &cs, &e, path, sizeof path) == 0, "%s", e.msg);
	ck_assert_int_eq(cs.protocol, MQTT_V311);
	case_free(&cs);
	ck_assert_msg(load_in("cases/mqtt-3.1.1/3.1-connect", PROTO(""), &cs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(cs.protocol, 4);
	case_free(&cs);
}
END_TEST

START_TEST(case_load_protocol_explicit)
{
	struct case_spec cs;
	struct err e;
	ck_assert_msg(load_in("cases/mqtt-3.1.1/3.1-connect", PROTO("\"protocol\":\"3.1.1\","), &cs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(cs.protocol, MQTT_V311);
	case_free(&cs);
	/* Out of the tree (--cases DIR), no folder to agree with. */
	ck_assert_msg(load_in("mine", PROTO("\"protocol\":\"3.1.1\","), &cs, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(cs.protocol, MQTT_V311);
	case_free(&cs);
}
END_TEST

START_TEST(case_load_protocol_must_agree_with_folder)
{
	struct case_spec cs;
	struct err e;
	ck_assert_int_lt(load_in("cases/mqtt-3.1.1/3.1-connect", PROTO("\"protocol\":\"5.0\","), &cs, &e), 0);
	ck_assert_msg(strstr(e.msg, "c.json: $.protocol: the case speaks 5.0, but it is in cases/mqtt-3.1.1/, whose cases speak 3.1.1"),
		      "%s", e.msg);
	ck_assert_int_lt(load_in("cases/mqtt-5.0/3.1-connect", PROTO(""), &cs, &e), 0);
	ck_assert_msg(strstr(e.msg, "c.json: $.protocol: the case speaks 3.1.1 (the default), but it is in cases/mqtt-5.0/, whose cases speak 5.0"),
		      "%s", e.msg);
}
END_TEST

/* In its own folder a 5.0 case loads, its checks read in a 5.0 catalog. */
START_TEST(case_load_protocol_5_in_its_folder)
{
	struct case_spec cs;
	struct err e;
	struct catalog c311 = cat;
	ck_assert_msg(catalog_load(&cat, "tests/unit/fixtures/mqtt-5.0-mini.json", MQTT_V5, &e) == 0, "%s", e.msg);
	int rc = load_in("cases/mqtt-5.0/3.1-connect", PROTO("\"protocol\":\"5.0\","), &cs, &e);
	catalog_free(&cat);
	cat = c311;
	ck_assert_msg(rc == 0, "%s", e.msg);
	ck_assert_int_eq(cs.protocol, MQTT_V5);
	case_free(&cs);
}
END_TEST

/* A graded close: its SHOULD half is a step of its own, on SHOULD clauses of
 * a 5.0 case only. */
START_TEST(case_load_graded_close)
{
	struct case_spec cs;
	struct err e;
	char path[64];
#define GRADED(d, c) "{\"id\":\"x\",\"title\":\"t\",\"protocol\":\"5.0\",\"clients\":{\"a\":{}},\"steps\":[" OPEN \
	"{\"client\":\"a\",\"expect\":{\"closed\":true,\"disconnect\":" d "}" c "}]}"
	ck_assert_int_lt(load_text("{\"id\":\"x\",\"title\":\"t\",\"clients\":{\"a\":{}},\"steps\":[" OPEN
				   "{\"client\":\"a\",\"expect\":{\"closed\":true,\"disconnect\":{}},\"checks\":[\"MQTT-4.8.0-1\"]}]}",
				   &cs, &e, path, sizeof path),
			 0);
	ck_assert_msg(strstr(e.msg, "steps[1].expect.disconnect: a DISCONNECT from the server is 5.0 only"), "%s", e.msg);
	struct catalog c311 = cat;
	ck_assert_msg(catalog_load(&cat, "tests/unit/fixtures/mqtt-5.0-mini.json", MQTT_V5, &e) == 0, "%s", e.msg);
	int ok = load_text(GRADED("{\"reason_codes\":[129,\"protocol_error\"],\"checks\":[\"MQTTSPEC-4.13.1-1\"]}",
				  ",\"checks\":[\"MQTT-4.13.1-1\"]"),
			   &cs, &e, path, sizeof path);
	ck_assert_msg(ok == 0, "%s", e.msg);
	ck_assert_int_eq(cs.nsteps, 3);
	ck_assert_int_eq(cs.steps[1].expect.kind, CASE_EXPECT_CLOSED);
	ck_assert_int_eq(cs.steps[2].expect.kind, CASE_EXPECT_DISCONNECT_FIRST);
	ck_assert_str_eq(cs.steps[2].path, "steps[1].disconnect");
	ck_assert(cs.steps[2].should);
	ck_assert(cs.steps[2].peek); /* the DISCONNECT stays for later steps to judge */
	ck_assert_str_eq(cs.steps[2].checks[0], "MQTTSPEC-4.13.1-1");
	case_free(&cs);
	int must = load_text(GRADED("{\"reason_codes\":[129],\"checks\":[\"MQTT-4.13.1-1\"]}", ",\"checks\":[\"MQTT-4.13.1-1\"]"),
			     &cs, &e, path, sizeof path);
	char must_msg[512];
	snprintf(must_msg, sizeof must_msg, "%s", e.msg);
	int unchecked = load_text(GRADED("{\"reason_codes\":[129],\"checks\":[\"MQTTSPEC-4.13.1-1\"]}", ""), &cs, &e, path,
				  sizeof path);
	int badname = load_text(GRADED("{\"reason_codes\":[\"no_matching_subscribers\"],\"checks\":[\"MQTTSPEC-4.13.1-1\"]}",
				       ",\"checks\":[\"MQTT-4.13.1-1\"]"),
				&cs, &e, path, sizeof path);
	catalog_free(&cat);
	cat = c311;
	ck_assert_int_lt(must, 0);
	ck_assert_msg(strstr(must_msg, "disconnect.checks[0]: MQTT-4.13.1-1 is not a SHOULD"), "%s", must_msg);
	ck_assert_int_lt(unchecked, 0);
	ck_assert_int_lt(badname, 0);
	ck_assert_msg(strstr(e.msg, "is no reason code of a DISCONNECT"), "%s", e.msg);
#undef GRADED
}
END_TEST

/* Each step kind has its word; a window not given is the README's default. */
START_TEST(case_step_kind_names_and_default_windows)
{
	ck_assert_str_eq(case_step_kind_name(CASE_STEP_OPEN), "open");
	ck_assert_str_eq(case_step_kind_name(CASE_STEP_SEND_HEX), "send");
	ck_assert_str_eq(case_step_kind_name(CASE_STEP_WAIT), "wait");
	struct case_step s = {0};
	s.kind = CASE_STEP_EXPECT;
	s.within_ms = -1;
	s.expect.kind = CASE_EXPECT_PACKET;
	ck_assert_int_eq(case_step_window_ms(&s), 3000);
	s.expect.kind = CASE_EXPECT_NOTHING;
	ck_assert_int_eq(case_step_window_ms(&s), 800);
	s.within_ms = 150;
	ck_assert_int_eq(case_step_window_ms(&s), 150);
}
END_TEST

/* No case declares a variable the run provides. */
START_TEST(case_load_refuses_builtin_var_names)
{
	static const char *const names[] = {"topic", "topic_rest", "run", "username", "password"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char text[512], path[64], want[64];
		struct case_spec cs;
		struct err e;
		snprintf(text, sizeof text, "{\"id\":\"x\",\"title\":\"t\",\"vars\":{\"%s\":1},\"clients\":{\"a\":{}},\"steps\":[" CHECK "]}",
			 names[i]);
		snprintf(want, sizeof want, "$.vars.%s: reserved", names[i]);
		ck_assert_int_lt(load_text(text, &cs, &e, path, sizeof path), 0);
		ck_assert_msg(strstr(e.msg, want), "%s", e.msg);
	}
}
END_TEST

START_TEST(case_load_dir_rejects_duplicate_ids)
{
	char dir[] = "/tmp/mqttspec-test-dir-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	const char *text = HEAD OPEN CHECK "]}";
	for (int i = 0; i < 2; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/c%d.json", dir, i);
		FILE *f = fopen(p, "w");
		fputs(text, f);
		fclose(f);
	}
	struct case_set set;
	struct err e;
	ck_assert_int_lt(case_load_dir(&set, dir, &cat, &e), 0);
	ck_assert_msg(strstr(e.msg, "c1.json: $.id: \"x\" is also the id of"), "%s", e.msg);
	for (int i = 0; i < 2; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/c%d.json", dir, i);
		unlink(p);
	}
	rmdir(dir);
}
END_TEST

START_TEST(case_load_every_shipped_case)
{
	struct case_set set;
	struct err e;
	ck_assert_msg(catalog_add(&cat, "cases/clauses/mqtt-5.0.json", MQTT_V5, &e) == 0, "%s", e.msg);
	ck_assert_msg(case_load_dir(&set, "cases", &cat, &e) == 0, "%s", e.msg);
	size_t n5 = 0;
	for (size_t i = 0; i < set.n; i++)
		n5 += set.cases[i].protocol == MQTT_V5;
	/* Both versions ship cases, each file in its version's folder. */
	ck_assert_uint_ge(n5, 20);
	ck_assert_uint_ge(set.n - n5, 100);
	case_set_free(&set);
}
END_TEST

Suite *case_suite(void)
{
	Suite *s = suite_create("case");
	TCase *t = tcase_create("load");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, case_load_bad_file_reports_path_and_reason, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(t, case_load_macros_expand_to_steps);
	tcase_add_test(t, case_load_polices_links_client_rule);
	tcase_add_test(t, case_load_protocol_defaults_to_311);
	tcase_add_test(t, case_load_protocol_explicit);
	tcase_add_test(t, case_load_protocol_must_agree_with_folder);
	tcase_add_test(t, case_load_protocol_5_in_its_folder);
	tcase_add_test(t, case_load_graded_close);
	tcase_add_test(t, case_step_kind_names_and_default_windows);
	tcase_add_test(t, case_load_refuses_builtin_var_names);
	tcase_add_test(t, case_load_dir_rejects_duplicate_ids);
	tcase_add_test(t, case_load_every_shipped_case);
	suite_add_tcase(s, t);
	return s;
}
