/* The Check suites, one per tested source file. Add a line per new suite. */
#ifndef TESTS_SUITES_H
#define TESTS_SUITES_H
#include <check.h>

#define TEST_SUITES(X) \
	X(mqtt_codec) X(mqtt_varint) X(mqtt_frame) X(mqtt_decode) X(mqtt_encode) X(mqtt_utf8) X(mqtt_topic) X(mqtt_check) X(mqtt_print) X(mqtt_rule) X(mqtt_fields) X(mqtt_field_table) X(mqtt_prop) X(mqtt_reason) X(mqtt_codec5) X(report) \
	X(case) X(fields) X(fields5) X(match) X(engine_monitor) X(report_golden) X(report_gate) X(report_cli) X(ws_frame) \
	X(engine_window) X(engine_timer) X(engine_inbox) X(engine_expect) X(engine_capture) X(engine_findings) X(engine_limits) X(engine_five) X(engine_preflight) \
	X(alloc) X(arena) X(err) X(json_util) X(clock) X(tmpl) X(catalog) \
	X(profile_v5) X(profile_connack) X(engine_preflight_broker) X(engine_monitor_limits) X(engine_preflight5) \
	X(base36) X(utf8_escape) X(profile) X(profile_probe) X(conn) X(conn_tls) X(sync_client) X(results) \
	X(engine_preflight_case) X(cli_options) X(cli_auth) X(cli) X(cli_list) X(report_compare) X(report_versions)

#define X(name) Suite *name##_suite(void);
TEST_SUITES(X)
#undef X

#endif
