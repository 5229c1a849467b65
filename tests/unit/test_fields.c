/*
 * test_fields.c - the case language over the codec's field table: every
 * field a case names is a codec row, spelled as the loader reads it, and
 * valid in exactly the packet types the row gives it.
 */
#include <stdio.h>
#include <string.h>

#include "case/fields.h"
#include "tests/unit/suites.h"

START_TEST(every_case_field_is_a_top_level_codec_row)
{
	size_t n;
	const struct fields_def *all = fields_all(&n);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct mqtt_field_def *f = mqtt_field_get(all[i].id);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->parent, MQTT_FIELD_NONE);
		ck_assert(all[i].send || all[i].expect);
		enum fields_variant var;
		char key[64];
		/* A hex-only field is spelled with _hex, and that is its plain form. */
		snprintf(key, sizeof key, "%s%s", f->key, f->kind == MQTT_FIELD_KIND_HEX ? "_hex" : "");
		ck_assert_ptr_eq(fields_find(key, MQTT_V311, &var), &all[i]);
		ck_assert_int_eq(var, FIELDS_PLAIN);
	}
}
END_TEST

START_TEST(spellings_of_a_field)
{
	enum fields_variant var;
	const struct fields_def *d = fields_find("topic_hex", MQTT_V311, &var);
	ck_assert(d && d->id == MQTT_FIELD_TOPIC && var == FIELDS_HEX);
	d = fields_find("client_id_length", MQTT_V311, &var);
	ck_assert(d && d->id == MQTT_FIELD_CLIENT_ID && var == FIELDS_LENGTH);
	d = fields_find("payload_hex", MQTT_V311, &var);
	ck_assert(d && d->id == MQTT_FIELD_PAYLOAD && var == FIELDS_HEX);
	ck_assert_ptr_null(fields_find("payload_length", MQTT_V311, &var)); /* no length prefix */
	ck_assert_ptr_null(fields_find("extra", MQTT_V311, &var));	  /* hex only */
	ck_assert_ptr_null(fields_find("extra_length", MQTT_V311, &var));
	ck_assert_ptr_null(fields_find("keep_alive_hex", MQTT_V311, &var));
	/* Codec rows that are no case field: a reserved type's body, a will's part. */
	ck_assert_ptr_null(fields_find("body", MQTT_V311, &var));
	ck_assert_ptr_null(fields_find("message", MQTT_V311, &var));
	const struct mqtt_field_def *f = fields_find_part(MQTT_FIELD_WILL, "message_hex", MQTT_V311, &var);
	ck_assert(f && f->id == MQTT_FIELD_WILL_MESSAGE && var == FIELDS_HEX);
	ck_assert_ptr_null(fields_find_part(MQTT_FIELD_WILL, "qos_hex", MQTT_V311, &var));
}
END_TEST

/* A value the loader accepts for a field of this kind. */
static cJSON *sample(const struct mqtt_field_def *f)
{
	switch (f->kind) {
	case MQTT_FIELD_KIND_INT:
		return cJSON_CreateNumber((double)f->lo);
	case MQTT_FIELD_KIND_BOOL:
		return cJSON_CreateTrue();
	case MQTT_FIELD_KIND_HEX:
		return cJSON_CreateString("00");
	case MQTT_FIELD_KIND_WILL:
		return cJSON_CreateObject();
	case MQTT_FIELD_KIND_TOPICS:
		return cJSON_Parse("[\"a\"]");
	case MQTT_FIELD_KIND_CODES:
		return cJSON_Parse("[0]");
	default:
		return cJSON_CreateString("x");
	}
}

/* One packet object of type t with the field; the loader's verdict on it. */
static int validate_one(const struct fields_def *d, int mode, int t, struct err *e, char *key, size_t n)
{
	const struct mqtt_field_def *f = mqtt_field_get(d->id);
	snprintf(key, n, "%s%s", f->key, f->kind == MQTT_FIELD_KIND_HEX ? "_hex" : "");
	cJSON *pkt = cJSON_CreateObject();
	cJSON_AddStringToObject(pkt, "type", mqtt_type_name((enum mqtt_type)t));
	cJSON_AddItemToObject(pkt, key, sample(f));
	int r = fields_validate(MQTT_V311, pkt, mode, "p", e);
	cJSON_Delete(pkt);
	return r;
}

/* For every field, every mode it has and every real packet type: accepted
 * exactly when the codec row gives the field to that type. */
START_TEST(a_field_is_valid_exactly_for_the_types_of_its_row)
{
	size_t n;
	const struct fields_def *all = fields_all(&n);
	for (size_t i = 0; i < n; i++) {
		const struct mqtt_field_def *f = mqtt_field_get(all[i].id);
		if (f->kind == MQTT_FIELD_KIND_TYPE)
			continue;
		for (int mode = 's'; mode; mode = mode == 's' ? 'e' : 0) {
			if (!(mode == 's' ? all[i].send : all[i].expect))
				continue;
			for (int t = MQTT_CONNECT; t <= MQTT_DISCONNECT; t++) {
				struct err e;
				char key[64], want[160];
				int r = validate_one(&all[i], mode, t, &e, key, sizeof key);
				if (mqtt_field_in(f, MQTT_V311, (enum mqtt_type)t)) {
					ck_assert_msg(r == 0, "%s in %s (%c): %s", key, mqtt_type_name((enum mqtt_type)t), mode,
						      e.msg);
					continue;
				}
				ck_assert_int_lt(r, 0);
				snprintf(want, sizeof want, "p.%s: a %s packet has no such field", key,
					 mqtt_type_name((enum mqtt_type)t));
				ck_assert_str_eq(e.msg, want);
			}
		}
	}
}
END_TEST

static int validate_text(const char *json, int mode, struct err *e)
{
	cJSON *pkt = cJSON_Parse(json);
	ck_assert_ptr_nonnull(pkt);
	int r = fields_validate(MQTT_V311, pkt, mode, "steps[1].send", e);
	cJSON_Delete(pkt);
	return r;
}

START_TEST(keep_alive_belongs_to_connect)
{
	struct err e;
	ck_assert_int_eq(validate_text("{\"type\":\"CONNECT\",\"keep_alive\":30}", 's', &e), 0);
	ck_assert_int_lt(validate_text("{\"type\":\"PUBLISH\",\"keep_alive\":30}", 's', &e), 0);
	ck_assert_str_eq(e.msg, "steps[1].send.keep_alive: a PUBLISH packet has no such field");
	ck_assert_int_lt(validate_text("{\"type\":\"CONNECT\",\"keep_alive\":30}", 'e', &e), 0);
	ck_assert_str_eq(e.msg, "steps[1].send.keep_alive: not a field that can be matched");
	ck_assert_int_lt(validate_text("{\"type\":\"CONNECT\",\"keep_alive\":70000}", 's', &e), 0);
	ck_assert_str_eq(e.msg, "steps[1].send.keep_alive: 70000 is out of range 0..65535");
}
END_TEST

/* The parts of a will and of a topics entry are the codec's child rows. */
START_TEST(parts_are_the_rows_of_their_parent)
{
	struct err e;
	ck_assert_int_eq(validate_text("{\"type\":\"CONNECT\",\"will\":{\"topic\":\"t\",\"message_hex\":\"00\",\"qos\":1,"
				       "\"retain\":1,\"topic_length\":3}}",
				       's', &e),
			 0);
	ck_assert_int_lt(validate_text("{\"type\":\"CONNECT\",\"will\":{\"filter\":\"t\"}}", 's', &e), 0);
	ck_assert_str_eq(e.msg, "steps[1].send.will.filter: unknown field");
	ck_assert_int_lt(validate_text("{\"type\":\"CONNECT\",\"will\":{\"qos\":[1]}}", 's', &e), 0);
	ck_assert_str_eq(e.msg, "steps[1].send.will.qos: expected an integer");
	ck_assert_int_lt(validate_text("{\"type\":\"SUBSCRIBE\",\"topics\":[{\"filter\":7}]}", 's', &e), 0);
	ck_assert_str_eq(e.msg, "steps[1].send.topics[0].filter: expected a string");
	ck_assert_int_eq(validate_text("{\"type\":\"SUBSCRIBE\",\"topics\":[{\"filter_hex\":\"61\",\"qos\":\"{q}\"}]}", 's',
				       &e),
			 0);
}
END_TEST

Suite *fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, every_case_field_is_a_top_level_codec_row);
	tcase_add_test(tc, spellings_of_a_field);
	tcase_add_test(tc, a_field_is_valid_exactly_for_the_types_of_its_row);
	tcase_add_test(tc, keep_alive_belongs_to_connect);
	tcase_add_test(tc, parts_are_the_rows_of_their_parent);
	suite_add_tcase(s, tc);
	return s;
}
