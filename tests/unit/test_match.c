/* Tests of expectation matching over an inbox, without a broker. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "case/case_load.h"
#include "util/json_util.h"
#include "case/match.h"
#include "tests/unit/suites.h"

/* Parse an expectation from JSON text through the real loader. */
struct fixture {
	struct case_spec cs;
	struct catalog cat;
	struct case_load L;
	cJSON *json;
	struct case_expect x;
};

static void parse(struct fixture *f, const char *text)
{
	struct err e;
	memset(f, 0, sizeof *f);
	f->cs.owned = cJSON_CreateArray();
	f->cs.protocol = MQTT_V311;
	f->L.cs = &f->cs;
	f->L.cat = &f->cat;
	f->json = cJSON_Parse(text);
	ck_assert_ptr_nonnull(f->json);
	ck_assert_msg(case_expect_parse(&f->L, f->json, "expect", &f->x, &e) == 0, "%s", e.msg);
}

static void unparse(struct fixture *f)
{
	case_expect_free(&f->x);
	cJSON_Delete(f->json);
	cJSON_Delete(f->cs.owned);
	for (size_t i = 0; i < f->L.ncaptures; i++)
		free(f->L.captures[i]);
	free(f->L.captures);
	for (size_t i = 0; i < f->L.nrefs; i++) {
		free(f->L.refs[i].name);
		free(f->L.refs[i].path);
	}
	free(f->L.refs);
}

static struct mqtt_packet publish(int qos, uint16_t id, const char *payload)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.flags = (uint8_t)(qos << MQTT_PF_QOS_SHIFT);
	p.topic.present = true;
	p.topic.s.p = (const uint8_t *)"t/x";
	p.topic.s.n = 3;
	p.has_packet_id = qos > 0;
	p.packet_id = id;
	p.payload.p = (const uint8_t *)payload;
	p.payload.n = strlen(payload);
	return p;
}

static enum match_state run(struct fixture *f, struct mqtt_packet *pk, size_t n, enum match_conn conn, int expired,
			    struct match_result *m, struct tmpl_ctx *c)
{
	struct match_item items[8];
	for (size_t i = 0; i < n; i++) {
		items[i].pkt = &pk[i];
		items[i].consumed = 0;
	}
	struct match_input in = {items, n, conn, expired, MQTT_V311};
	static int taken[8];
	memset(m, 0, sizeof *m);
	m->taken = taken;
	struct arena a = {0};
	enum match_state s = match_eval(&f->x, &in, c, &a, m);
	arena_free(&a);
	return s;
}

START_TEST(match_capture_binds_and_not_rejects_zero)
{
	struct fixture f;
	struct tmpl_ctx c = {0};
	struct match_result m;
	parse(&f, "{\"type\":\"PUBLISH\",\"qos\":1,\"packet_id\":{\"capture\":\"p\",\"not\":0}}");
	struct mqtt_packet pk[2] = {publish(1, 0, "a"), publish(1, 9, "b")};
	/* The id-0 packet is skipped; the second one matches and binds p. */
	ck_assert_int_eq(run(&f, pk, 2, MATCH_CONN_OPEN, 0, &m, &c), MATCH_OK);
	ck_assert_int_eq(m.taken[1], 1);
	ck_assert_int_eq(m.taken[0], 0);
	ck_assert_str_eq(tmpl_vars_get(&m.binds, "p"), "9");
	tmpl_vars_clear(&m.binds);
	/* Only the bad one: pending while open, failed with the field named at the end. */
	ck_assert_int_eq(run(&f, pk, 1, MATCH_CONN_OPEN, 0, &m, &c), MATCH_PENDING);
	ck_assert_int_eq(run(&f, pk, 1, MATCH_CONN_OPEN, 1, &m, &c), MATCH_FAILED);
	ck_assert_msg(strstr(m.why, "packet_id: expected anything but 0"), "%s", m.why);
	tmpl_vars_clear(&m.binds);
	unparse(&f);
}
END_TEST

START_TEST(match_ordered_detects_swap)
{
	struct fixture f;
	struct tmpl_ctx c = {0};
	struct match_result m;
	parse(&f, "{\"ordered\":{\"repeat\":3,\"as\":\"i\",\"each\":{\"type\":\"PUBLISH\",\"payload\":\"m{i}\"}}}");
	struct mqtt_packet in_order[3] = {publish(0, 0, "m0"), publish(0, 0, "m1"), publish(0, 0, "m2")};
	struct mqtt_packet swapped[3] = {publish(0, 0, "m1"), publish(0, 0, "m0"), publish(0, 0, "m2")};
	ck_assert_int_eq(run(&f, in_order, 3, MATCH_CONN_OPEN, 0, &m, &c), MATCH_OK);
	ck_assert_int_eq(run(&f, swapped, 3, MATCH_CONN_OPEN, 1, &m, &c), MATCH_FAILED);
	ck_assert_msg(strstr(m.why, "item 2 of 3"), "%s", m.why);
	unparse(&f);
}
END_TEST

START_TEST(match_closed_is_the_close_alone)
{
	struct fixture f;
	struct tmpl_ctx c = {0};
	struct match_result m;
	parse(&f, "{\"closed\":true}");
	struct mqtt_packet pk[1] = {publish(0, 0, "x")};
	ck_assert_int_eq(run(&f, pk, 0, MATCH_CONN_CLOSED, 0, &m, &c), MATCH_OK);
	ck_assert_int_eq(run(&f, pk, 0, MATCH_CONN_OPEN, 0, &m, &c), MATCH_PENDING);
	ck_assert_int_eq(run(&f, pk, 0, MATCH_CONN_OPEN, 1, &m, &c), MATCH_FAILED);
	/* An unread packet before the close does not matter to the close. */
	ck_assert_int_eq(run(&f, pk, 1, MATCH_CONN_CLOSED, 0, &m, &c), MATCH_OK);
	ck_assert_int_eq(run(&f, pk, 1, MATCH_CONN_OPEN, 1, &m, &c), MATCH_FAILED);
	ck_assert_int_eq(run(&f, pk, 0, MATCH_CONN_BROKEN, 0, &m, &c), MATCH_FAILED);
	unparse(&f);
}
END_TEST

START_TEST(match_nothing_passes_only_when_quiet)
{
	struct fixture f;
	struct tmpl_ctx c = {0};
	struct match_result m;
	parse(&f, "{\"nothing\":{\"type\":\"PUBLISH\"}}");
	struct mqtt_packet pk[1] = {publish(0, 0, "x")};
	ck_assert_int_eq(run(&f, pk, 0, MATCH_CONN_OPEN, 0, &m, &c), MATCH_PENDING);
	ck_assert_int_eq(run(&f, pk, 0, MATCH_CONN_OPEN, 1, &m, &c), MATCH_OK);
	ck_assert_int_eq(run(&f, pk, 1, MATCH_CONN_OPEN, 0, &m, &c), MATCH_FAILED);
	unparse(&f);
}
END_TEST

START_TEST(match_any_of_reports_branch_and_permission)
{
	struct fixture f;
	struct tmpl_ctx c = {0};
	struct match_result m;
	parse(&f, "{\"any_of\":[{\"expect\":{\"ordered\":[{\"type\":\"PUBLISH\",\"qos\":1},{\"nothing\":true}]}},"
		  "{\"expect\":{\"unordered\":[{\"type\":\"PUBLISH\",\"qos\":1},{\"type\":\"PUBLISH\",\"qos\":0}]},"
		  "\"because\":\"extra copies allowed\"}]}");
	struct mqtt_packet two[2] = {publish(0, 0, "x"), publish(1, 4, "x")};
	ck_assert_int_eq(run(&f, two, 2, MATCH_CONN_OPEN, 0, &m, &c), MATCH_OK);
	ck_assert_int_eq(m.branch, 1);
	ck_assert_str_eq(m.because, "extra copies allowed");
	struct mqtt_packet one[1] = {publish(1, 4, "x")};
	ck_assert_int_eq(run(&f, one, 1, MATCH_CONN_OPEN, 0, &m, &c), MATCH_PENDING);
	ck_assert_int_eq(run(&f, one, 1, MATCH_CONN_OPEN, 1, &m, &c), MATCH_OK);
	ck_assert_int_eq(m.branch, 0);
	struct mqtt_packet none[1] = {publish(2, 4, "x")};
	ck_assert_int_eq(run(&f, none, 1, MATCH_CONN_OPEN, 1, &m, &c), MATCH_FAILED);
	ck_assert_msg(strstr(m.why, "alternative 1") && strstr(m.why, "alternative 2"), "%s", m.why);
	unparse(&f);
}
END_TEST

Suite *match_suite(void)
{
	Suite *s = suite_create("match");
	TCase *t = tcase_create("eval");
	tcase_add_test(t, match_capture_binds_and_not_rejects_zero);
	tcase_add_test(t, match_ordered_detects_swap);
	tcase_add_test(t, match_closed_is_the_close_alone);
	tcase_add_test(t, match_nothing_passes_only_when_quiet);
	tcase_add_test(t, match_any_of_reports_branch_and_permission);
	suite_add_tcase(s, t);
	return s;
}
