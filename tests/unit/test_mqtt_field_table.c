/*
 * test_mqtt_field_table.c - the field table holds together: a row per id at
 * its index, keys unique where a look-up could confuse them, every label
 * there to print, parts inside their parents.
 */
#include <string.h>

#include "codec/mqtt_field_table.h"
#include "tests/unit/suites.h"

static const enum mqtt_version versions[] = {MQTT_V311, MQTT_V5};
#define NV (sizeof versions / sizeof versions[0])

START_TEST(every_row_sits_at_its_id)
{
	ck_assert_ptr_null(mqtt_field_get(MQTT_FIELD_NONE));
	ck_assert_ptr_null(mqtt_field_get(MQTT_FIELD_COUNT));
	ck_assert_str_eq(mqtt_field_label(MQTT_FIELD_COUNT), "");
	for (int i = MQTT_FIELD_NONE + 1; i < MQTT_FIELD_COUNT; i++) {
		const struct mqtt_field_def *f = mqtt_field_get((enum mqtt_field_id)i);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->id, i);
		ck_assert_uint_ne(f->types, 0);
		ck_assert_uint_ne(f->versions, 0);
		ck_assert_uint_eq(f->versions & ~(MQTT_FIELD_V(MQTT_V311) | MQTT_FIELD_V(MQTT_V5)), 0);
	}
}
END_TEST

/* Among one parent's rows of one version, a key names one row. */
START_TEST(keys_are_unique_per_parent_and_version)
{
	for (int i = MQTT_FIELD_NONE + 1; i < MQTT_FIELD_COUNT; i++) {
		const struct mqtt_field_def *a = mqtt_field_get((enum mqtt_field_id)i);
		for (int j = i + 1; j < MQTT_FIELD_COUNT; j++) {
			const struct mqtt_field_def *b = mqtt_field_get((enum mqtt_field_id)j);
			if (!a->key || !b->key || a->parent != b->parent || !(a->versions & b->versions))
				continue;
			ck_assert_msg(strcmp(a->key, b->key) != 0, "rows %d and %d share key \"%s\"", i, j, a->key);
		}
	}
}
END_TEST

START_TEST(labels_are_there_to_print)
{
	for (int i = MQTT_FIELD_NONE + 1; i < MQTT_FIELD_COUNT; i++) {
		const struct mqtt_field_def *f = mqtt_field_get((enum mqtt_field_id)i);
		ck_assert_ptr_nonnull(f->label);
		ck_assert_msg(f->label[0] != '\0', "row %d has an empty label", i);
		ck_assert_str_eq(mqtt_field_label(f->id), f->label);
		/* A tag goes into "name=value": a word, never empty. */
		if (f->tag) {
			ck_assert_msg(f->tag[0] != '\0', "row %d has an empty tag", i);
			ck_assert_ptr_null(strpbrk(f->tag, " ="));
		}
	}
}
END_TEST

/* Only an entry of a list of codes has no key; a part lies within its parent. */
START_TEST(parts_lie_within_their_parents)
{
	for (int i = MQTT_FIELD_NONE + 1; i < MQTT_FIELD_COUNT; i++) {
		const struct mqtt_field_def *f = mqtt_field_get((enum mqtt_field_id)i);
		if (f->parent == MQTT_FIELD_NONE) {
			ck_assert_ptr_nonnull(f->key);
			continue;
		}
		const struct mqtt_field_def *p = mqtt_field_get(f->parent);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(p->parent, MQTT_FIELD_NONE);
		ck_assert(p->kind == MQTT_FIELD_KIND_WILL || p->kind == MQTT_FIELD_KIND_TOPICS ||
			  p->kind == MQTT_FIELD_KIND_CODES);
		ck_assert_int_eq(f->key == NULL, p->kind == MQTT_FIELD_KIND_CODES);
		ck_assert_uint_eq(f->types & ~p->types, 0);
		ck_assert_uint_eq(f->versions & ~p->versions, 0);
	}
}
END_TEST

START_TEST(integer_ranges_are_ranges)
{
	for (int i = MQTT_FIELD_NONE + 1; i < MQTT_FIELD_COUNT; i++) {
		const struct mqtt_field_def *f = mqtt_field_get((enum mqtt_field_id)i);
		if (f->kind == MQTT_FIELD_KIND_INT || f->kind == MQTT_FIELD_KIND_BOOL)
			ck_assert_msg(f->lo < f->hi, "row %d: %ld..%ld", i, f->lo, f->hi);
	}
	ck_assert_int_eq(mqtt_field_get(MQTT_FIELD_KEEP_ALIVE)->hi, 65535);
	ck_assert_int_eq(mqtt_field_get(MQTT_FIELD_REMAINING_LENGTH_BYTES)->lo, 1);
	ck_assert_int_eq(mqtt_field_get(MQTT_FIELD_REMAINING_LENGTH_BYTES)->hi, 5);
}
END_TEST

/* Each keyed row is what its key finds, in every version it has. */
START_TEST(find_gives_each_row_by_its_key)
{
	for (int i = MQTT_FIELD_NONE + 1; i < MQTT_FIELD_COUNT; i++) {
		const struct mqtt_field_def *f = mqtt_field_get((enum mqtt_field_id)i);
		for (size_t k = 0; k < NV && f->key; k++) {
			const struct mqtt_field_def *g = mqtt_field_find(versions[k], f->parent, f->key);
			if (f->versions & MQTT_FIELD_V(versions[k]))
				ck_assert_ptr_eq(g, f);
			else
				ck_assert(g != f);
		}
	}
	ck_assert_ptr_null(mqtt_field_find(MQTT_V311, MQTT_FIELD_NONE, "no_such_field"));
	ck_assert_ptr_null(mqtt_field_find(MQTT_V311, MQTT_FIELD_NONE, "message"));
	ck_assert_ptr_eq(mqtt_field_find(MQTT_V311, MQTT_FIELD_WILL, "message"), mqtt_field_get(MQTT_FIELD_WILL_MESSAGE));
	ck_assert_ptr_eq(mqtt_field_find(MQTT_V311, MQTT_FIELD_TOPICS, "qos"), mqtt_field_get(MQTT_FIELD_REQUESTED_QOS));
	/* 5.0 has Clean Start, a field of its own, not 3.1.1's Clean Session. */
	ck_assert_ptr_null(mqtt_field_find(MQTT_V5, MQTT_FIELD_NONE, "clean_session"));
	ck_assert_ptr_eq(mqtt_field_find(MQTT_V5, MQTT_FIELD_NONE, "clean_start"), mqtt_field_get(MQTT_FIELD_CLEAN_START));
	ck_assert_ptr_null(mqtt_field_find(MQTT_V311, MQTT_FIELD_NONE, "clean_start"));
	/* 5.0's per-filter byte is the Subscription Options, in parts. */
	ck_assert_ptr_eq(mqtt_field_find(MQTT_V5, MQTT_FIELD_TOPICS, "qos"), mqtt_field_get(MQTT_FIELD_SUB_MAX_QOS));
	ck_assert_ptr_eq(mqtt_field_find(MQTT_V5, MQTT_FIELD_TOPICS, "retain_handling"),
			 mqtt_field_get(MQTT_FIELD_RETAIN_HANDLING));
	ck_assert_ptr_null(mqtt_field_find(MQTT_V311, MQTT_FIELD_TOPICS, "no_local"));
	ck_assert_ptr_eq(mqtt_field_find(MQTT_V5, MQTT_FIELD_NONE, "reason_codes"), mqtt_field_get(MQTT_FIELD_REASON_CODES));
	ck_assert_ptr_null(mqtt_field_find(MQTT_V5, MQTT_FIELD_NONE, "return_codes"));
}
END_TEST

START_TEST(a_field_is_in_the_types_of_its_mask)
{
	const struct mqtt_field_def *ka = mqtt_field_get(MQTT_FIELD_KEEP_ALIVE);
	const struct mqtt_field_def *pid = mqtt_field_get(MQTT_FIELD_PACKET_ID);
	ck_assert(mqtt_field_in(ka, MQTT_V311, MQTT_CONNECT));
	ck_assert(!mqtt_field_in(ka, MQTT_V311, MQTT_PUBLISH));
	for (int t = 0; t < 16; t++) {
		int has = t == MQTT_PUBLISH || (t >= MQTT_PUBACK && t <= MQTT_UNSUBACK);
		ck_assert_int_eq(mqtt_field_in(pid, MQTT_V311, (enum mqtt_type)t), has);
	}
	ck_assert(!mqtt_field_in(mqtt_field_get(MQTT_FIELD_RETURN_CODE), MQTT_V5, MQTT_CONNACK));
	const struct mqtt_field_def *rc = mqtt_field_get(MQTT_FIELD_REASON_CODE);
	for (int t = 0; t < 16; t++) {
		int has = t == MQTT_CONNACK || (t >= MQTT_PUBACK && t <= MQTT_PUBCOMP) || t == MQTT_DISCONNECT ||
			  t == MQTT_AUTH;
		ck_assert_int_eq(mqtt_field_in(rc, MQTT_V5, (enum mqtt_type)t), has);
		ck_assert(!mqtt_field_in(rc, MQTT_V311, (enum mqtt_type)t));
	}
	ck_assert(mqtt_field_in(mqtt_field_get(MQTT_FIELD_REASON_CODES), MQTT_V5, MQTT_UNSUBACK));
}
END_TEST

Suite *mqtt_field_table_suite(void)
{
	Suite *s = suite_create("mqtt_field_table");
	TCase *tc = tcase_create("rows");
	tcase_add_test(tc, every_row_sits_at_its_id);
	tcase_add_test(tc, keys_are_unique_per_parent_and_version);
	tcase_add_test(tc, labels_are_there_to_print);
	tcase_add_test(tc, parts_lie_within_their_parents);
	tcase_add_test(tc, integer_ranges_are_ranges);
	tcase_add_test(tc, find_gives_each_row_by_its_key);
	tcase_add_test(tc, a_field_is_in_the_types_of_its_mask);
	suite_add_tcase(s, tc);
	return s;
}
