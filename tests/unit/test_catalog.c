/* test_catalog.c - case/catalog: the clause catalog loads (the shipped one
 * and small ones), every malformed clause is refused with its JSON path,
 * ids are looked up, and sections sort by number ("3.10" after "3.9"). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case/catalog.h"
#include "tests/unit/suites.h"

#define CL(id, level, obs, extra) \
	"{\"id\":\"" id "\",\"section\":\"3.1\",\"keyword\":\"MUST\",\"level\":\"" level "\",\"binds\":\"server\"," \
	"\"observable\":\"" obs "\",\"summary\":\"s\"" extra "}"
#define CLAUSE(id, extra) CL(id, "MUST", "yes", extra)

/* Load (add 0) or add (add 1) `text` as the catalog of version `v`. */
static int text_catalog(struct catalog *cat, const char *text, enum mqtt_version v, int add, struct err *e)
{
	char path[] = "/tmp/mqttspec-catalog-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	int rc = add ? catalog_add(cat, path, v, e) : catalog_load(cat, path, v, e);
	unlink(path);
	return rc;
}

static int load_text(struct catalog *cat, const char *text, struct err *e)
{
	return text_catalog(cat, text, MQTT_V311, 0, e);
}

START_TEST(shipped_catalog)
{
	struct catalog cat;
	struct err e;
	ck_assert_msg(catalog_load(&cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(cat.nparts, 1);
	ck_assert_str_eq(catalog_part(&cat, MQTT_V311)->spec, "MQTT 3.1.1");
	ck_assert_ptr_null(catalog_part(&cat, MQTT_V5));
	ck_assert_uint_gt(cat.count, 100);
	const struct catalog_clause *c = catalog_find(&cat, MQTT_V311, "MQTT-3.2.0-1");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->version, MQTT_V311);
	ck_assert_int_eq(catalog_index(&cat, MQTT_V311, "MQTT-3.2.0-1"), c - cat.clauses);
	ck_assert_ptr_null(catalog_find(&cat, MQTT_V5, "MQTT-3.2.0-1"));
	ck_assert_ptr_null(catalog_find(&cat, MQTT_V311, "MQTT-9.9.9-9"));
	ck_assert_int_eq(catalog_index(&cat, MQTT_V311, "MQTT-9.9.9-9"), -1);
	catalog_free(&cat);
	ck_assert_uint_eq(cat.count, 0);
}
END_TEST

START_TEST(small_catalog)
{
	struct catalog cat;
	struct err e;
	ck_assert_msg(load_text(&cat,
				"{\"spec\":\"MQTT 3.1.1\",\"clauses\":[" CLAUSE("A-1", "") "," CL("MQTTSPEC-1", "SHOULD", "no",
						",\"own\":true,\"untested_reason\":\"r\"") "]}",
				&e) == 0,
		      "%s", e.msg);
	ck_assert_uint_eq(cat.count, 2);
	ck_assert_int_eq(cat.clauses[0].level, CATALOG_MUST);
	ck_assert_int_eq(cat.clauses[0].own, 0);
	ck_assert_ptr_null(cat.clauses[0].untested_reason);
	ck_assert_int_eq(cat.clauses[1].level, CATALOG_SHOULD);
	ck_assert_int_eq(cat.clauses[1].own, 1);
	ck_assert_str_eq(cat.clauses[1].untested_reason, "r");
	catalog_free(&cat);
}
END_TEST

static const struct {
	const char *text;
	const char *error; /* after "path: " */
} bad[] = {
	{"{\"clauses\":[" CLAUSE("A", "") "]}", "$.spec: required field missing"},
	{"{\"spec\":\"s\",\"clauses\":[]}", "$.clauses: expected a non-empty array"},
	{"{\"spec\":\"s\",\"clauses\":[1]}", "$.clauses[0]: expected an object"},
	{"{\"spec\":\"s\",\"clauses\":[" CLAUSE("A", ",\"x\":1") "]}", "$.clauses[0].x: unknown field"},
	{"{\"spec\":\"s\",\"clauses\":[" CL("A", "MUSTNT", "yes", "") "]}",
	 "$.clauses[0].level: expected MUST, SHOULD or MAY"},
	{"{\"spec\":\"s\",\"clauses\":[" CL("A", "MUST", "maybe", "") "]}",
	 "$.clauses[0].observable: expected yes, partly or no"},
	{"{\"spec\":\"s\",\"clauses\":[" CL("A", "MUST", "no", "") "]}",
	 "$.clauses[0].untested_reason: required when observable is \"no\""},
	{"{\"spec\":\"s\",\"clauses\":[" CLAUSE("A", "") "," CLAUSE("A", "") "]}", "$.clauses[1].id: duplicate clause A"},
	{"{\"spec\":\"s\",\"clauses\":[" CLAUSE("A", ",\"own\":1") "]}", "$.clauses[0].own: expected true or false"},
};

START_TEST(malformed_refused)
{
	struct catalog cat;
	struct err e;
	ck_assert_int_eq(load_text(&cat, bad[_i].text, &e), -1);
	const char *m = strstr(e.msg, ": ");
	ck_assert_msg(m && strcmp(m + 2, bad[_i].error) == 0, "got \"%s\", want \"%s\"", e.msg, bad[_i].error);
	ck_assert_uint_eq(cat.count, 0);
}
END_TEST

/* Two catalogs in one: the same id in each is two clauses, found by version. */
START_TEST(two_versions)
{
	struct catalog cat;
	struct err e;
	ck_assert_msg(text_catalog(&cat, "{\"spec\":\"MQTT 3.1.1\",\"clauses\":[" CLAUSE("MQTT-3.1.2-3", "") "," CLAUSE("ONLY-311", "") "]}",
				   MQTT_V311, 0, &e) == 0, "%s", e.msg);
	ck_assert_msg(text_catalog(&cat, "{\"spec\":\"MQTT 5.0\",\"clauses\":[" CLAUSE("ONLY-5", "") "," CL("MQTT-3.1.2-3", "SHOULD", "yes", "") "]}",
				   MQTT_V5, 1, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(cat.count, 4);
	ck_assert_uint_eq(cat.nparts, 2);
	const struct catalog_part *p5 = catalog_part(&cat, MQTT_V5);
	ck_assert_ptr_nonnull(p5);
	ck_assert_str_eq(p5->spec, "MQTT 5.0");
	ck_assert_uint_eq(p5->first, 2);
	ck_assert_uint_eq(p5->count, 2);
	const struct catalog_clause *a = catalog_find(&cat, MQTT_V311, "MQTT-3.1.2-3");
	const struct catalog_clause *b = catalog_find(&cat, MQTT_V5, "MQTT-3.1.2-3");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_int_eq(a->version, MQTT_V311);
	ck_assert_int_eq(a->level, CATALOG_MUST);
	ck_assert_int_eq(b->version, MQTT_V5);
	ck_assert_int_eq(b->level, CATALOG_SHOULD);
	ck_assert_int_eq(catalog_index(&cat, MQTT_V5, "MQTT-3.1.2-3"), 3);
	ck_assert_ptr_null(catalog_find(&cat, MQTT_V5, "ONLY-311"));
	ck_assert_ptr_null(catalog_find(&cat, MQTT_V311, "ONLY-5"));
	ck_assert_ptr_nonnull(catalog_find(&cat, MQTT_V5, "ONLY-5"));
	/* A version loaded twice, or a broken file, leaves the catalog as it was. */
	ck_assert_int_eq(text_catalog(&cat, "{\"spec\":\"x\",\"clauses\":[" CLAUSE("Z", "") "]}", MQTT_V5, 1, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "the 5.0 catalog is loaded already"));
	ck_assert_uint_eq(cat.count, 4);
	catalog_free(&cat);
	ck_assert_uint_eq(cat.count, 0);
	ck_assert_uint_eq(cat.nparts, 0);
	ck_assert_msg(text_catalog(&cat, "{\"spec\":\"MQTT 3.1.1\",\"clauses\":[" CLAUSE("A", "") "]}", MQTT_V311, 0, &e) == 0,
		      "%s", e.msg);
	ck_assert_int_eq(text_catalog(&cat, "{\"spec\":\"MQTT 5.0\",\"clauses\":[" CLAUSE("B", "") "," CLAUSE("B", "") "]}",
				      MQTT_V5, 1, &e),
			 -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.clauses[1].id: duplicate clause B"));
	ck_assert_uint_eq(cat.count, 1);
	ck_assert_uint_eq(cat.nparts, 1);
	ck_assert_ptr_null(catalog_part(&cat, MQTT_V5));
	ck_assert_ptr_nonnull(catalog_find(&cat, MQTT_V311, "A"));
	catalog_free(&cat);
}
END_TEST

START_TEST(qualified_ids)
{
	int v;
	const char *id;
	ck_assert_int_eq(catalog_id_parse("5.0:MQTT-3.1.2-3", &v, &id), 0);
	ck_assert_int_eq(v, MQTT_V5);
	ck_assert_str_eq(id, "MQTT-3.1.2-3");
	ck_assert_int_eq(catalog_id_parse("3.1.1:MQTTSPEC-3.2.2-1", &v, &id), 0);
	ck_assert_int_eq(v, MQTT_V311);
	ck_assert_str_eq(id, "MQTTSPEC-3.2.2-1");
	ck_assert_int_eq(catalog_id_parse("MQTT-3.1.2-3", &v, &id), 0);
	ck_assert_int_eq(v, -1);
	ck_assert_str_eq(id, "MQTT-3.1.2-3");
	ck_assert_int_eq(catalog_id_parse("5.0:3.1", &v, &id), 0); /* a section selector */
	ck_assert_int_eq(v, MQTT_V5);
	ck_assert_str_eq(id, "3.1");
	ck_assert_int_eq(catalog_id_parse("4.0:MQTT-3.1.2-3", &v, &id), -1);
	ck_assert_int_eq(catalog_id_parse(":MQTT-3.1.2-3", &v, &id), -1);
	ck_assert_int_eq(catalog_id_parse("a-very-long-prefix-here:X", &v, &id), -1);
	char buf[CATALOG_QID_MAX];
	ck_assert_str_eq(catalog_id_qualify(MQTT_V5, "MQTT-3.1.2-3", buf, sizeof buf), "5.0:MQTT-3.1.2-3");
	ck_assert_str_eq(catalog_id_qualify(MQTT_V311, "MQTT-3.1.2-3", buf, sizeof buf), "3.1.1:MQTT-3.1.2-3");
	ck_assert_str_eq(catalog_id_qualify(MQTT_V311, "MQTT-3.1.2-3", buf, 6), "3.1.1");
}
END_TEST

START_TEST(sections_by_number)
{
	ck_assert_int_lt(catalog_section_cmp("3.9", "3.10"), 0);
	ck_assert_int_gt(catalog_section_cmp("3.10", "3.9"), 0);
	ck_assert_int_eq(catalog_section_cmp("4.3.1", "4.3.1"), 0);
	ck_assert_int_lt(catalog_section_cmp("4.3", "4.3.1"), 0);
	ck_assert_int_lt(catalog_section_cmp("2.2", "10.1"), 0);
	ck_assert_int_lt(catalog_section_cmp("A", "B"), 0);
	ck_assert_str_eq(catalog_level_name(CATALOG_MUST), "MUST");
	ck_assert_str_eq(catalog_level_name(CATALOG_SHOULD), "SHOULD");
	ck_assert_str_eq(catalog_level_name(CATALOG_MAY), "MAY");
}
END_TEST

Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");
	tcase_add_test(tc, shipped_catalog);
	tcase_add_test(tc, small_catalog);
	tcase_add_loop_test(tc, malformed_refused, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, two_versions);
	tcase_add_test(tc, qualified_ids);
	tcase_add_test(tc, sections_by_number);
	suite_add_tcase(s, tc);
	return s;
}
