/* test_engine_monitor.c - the monitors judge received packets by what the
 * client sent before: each invariant fails on the packet that breaks it and
 * holds where the spec leaves the broker room. */
#include <check.h>
#include <string.h>

#include "codec/mqtt_encode.h"
#include "engine/engine_monitor.h"
#include "tests/unit/suites.h"

static struct mqtt_str str(const char *s)
{
	struct mqtt_str x;
	memset(&x, 0, sizeof x);
	x.present = true;
	x.s.p = (const uint8_t *)s;
	x.s.n = strlen(s);
	x.len_override = -1;
	return x;
}

/* Encode a packet and hand its bytes to the monitor as if the client sent it. */
static void tx(struct engine_monitor *m, struct mon_conn *c, const struct mqtt_packet *p)
{
	uint8_t b[512];
	int n = mqtt_encode(MQTT_V311, p, b, sizeof b);
	ck_assert_int_gt(n, 0);
	engine_monitor_tx(m, c, b, (size_t)n);
}

static void tx_connect(struct engine_monitor *m, struct mon_conn *c, const char *id, int clean)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	p.client_id = str(id);
	p.connect_flags = clean ? MQTT_CF_CLEAN_SESSION : 0;
	tx(m, c, &p);
}

static void tx_subscribe(struct engine_monitor *m, struct mon_conn *c, const char *filter, int qos, uint16_t pid)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_SUBSCRIBE);
	p.has_packet_id = true;
	p.packet_id = pid;
	p.entry_count = 1;
	p.entries[0].filter = str(filter);
	p.entries[0].qos = (uint8_t)qos;
	p.entries[0].has_qos = true;
	tx(m, c, &p);
}

static void tx_publish(struct engine_monitor *m, struct mon_conn *c, const char *topic, const char *payload, int qos,
		       uint16_t pid)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.flags = (uint8_t)(qos << MQTT_PF_QOS_SHIFT);
	p.topic = str(topic);
	p.payload.p = (const uint8_t *)payload;
	p.payload.n = strlen(payload);
	p.has_packet_id = qos > 0;
	p.packet_id = pid;
	tx(m, c, &p);
}

static struct mqtt_packet pkt(enum mqtt_type t)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, t);
	return p;
}

static struct mqtt_packet delivery(const char *topic, const char *payload, int qos, uint16_t pid, int dup)
{
	struct mqtt_packet p = pkt(MQTT_PUBLISH);
	p.flags = (uint8_t)((qos << MQTT_PF_QOS_SHIFT) | (dup ? MQTT_PF_DUP : 0));
	p.topic = str(topic);
	p.payload.p = (const uint8_t *)payload;
	p.payload.n = strlen(payload);
	p.has_packet_id = qos > 0;
	p.packet_id = pid;
	return p;
}

static const char *rx(struct engine_monitor *m, struct mon_conn *c, struct mqtt_packet p)
{
	char what[400];
	return engine_monitor_rx(m, c, &p, 0, what, sizeof what);
}

static struct mqtt_packet suback(uint16_t pid, uint8_t code)
{
	struct mqtt_packet p = pkt(MQTT_SUBACK);
	p.has_packet_id = true;
	p.packet_id = pid;
	p.code_count = 1;
	p.codes[0] = code;
	return p;
}

/* A connected client subscribed to "a/+" with the given grant. */
static void setup(struct engine_monitor *m, struct mon_conn *c, int grant)
{
	memset(m, 0, sizeof *m);
	engine_monitor_conn_reset(c);
	tx_connect(m, c, "Ms0a", 1);
	ck_assert_ptr_null(rx(m, c, pkt(MQTT_CONNACK)));
	tx_subscribe(m, c, "a/+", 2, 1);
	ck_assert_ptr_null(rx(m, c, suback(1, (uint8_t)grant)));
}

/* A 5.0 client: CONNECT and CONNACK, then a SUBSCRIBE of `filter` at QoS 2
 * granted `grant`. */
static void setup5(struct engine_monitor *m, struct mon_conn *c, const char *filter, int grant)
{
	memset(m, 0, sizeof *m);
	engine_monitor_conn_reset(c);
	struct mqtt_packet p = pkt(MQTT_CONNECT);
	mqtt_packet_set_protocol(&p, MQTT_V5);
	p.client_id = str("Ms0s");
	p.connect_flags = MQTT_CF_CLEAN_SESSION;
	engine_monitor_tx_packet(m, c, MQTT_V5, &p);
	ck_assert_ptr_null(rx(m, c, pkt(MQTT_CONNACK)));
	p = pkt(MQTT_SUBSCRIBE);
	p.has_packet_id = true;
	p.packet_id = 1;
	p.entry_count = 1;
	p.entries[0].filter = str(filter);
	p.entries[0].qos = 2;
	p.entries[0].has_qos = true;
	engine_monitor_tx_packet(m, c, MQTT_V5, &p);
	ck_assert_ptr_null(rx(m, c, suback(1, (uint8_t)grant)));
}

START_TEST(monitor_shared_subscription_matches_by_its_filter)
{
	struct engine_monitor m;
	struct mon_conn c;
	setup5(&m, &c, "$share/g1/a/+", 1);
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "x", 1, 1, 0)));
	ck_assert_str_eq(rx(&m, &c, delivery("b/c", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	ck_assert_str_eq(rx(&m, &c, delivery("$share/g1/a/b", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	ck_assert_str_eq(rx(&m, &c, delivery("a/c", "x", 2, 2, 0)), "MQTT-3.8.4-8"); /* the member's grant (5.0) */
	engine_monitor_free(&m);
	/* "$share/" with no ShareName, or no filter after it, is not a shared one. */
	setup5(&m, &c, "$share//a", 1);
	ck_assert_str_eq(rx(&m, &c, delivery("a", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	engine_monitor_free(&m);
	setup5(&m, &c, "$share/g1", 1);
	ck_assert_str_eq(rx(&m, &c, delivery("g1", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	engine_monitor_free(&m);
	/* 3.1.1 knows no shared subscriptions: the filter is a '$' filter. */
	setup(&m, &c, 1);
	tx_subscribe(&m, &c, "$share/g1/s/+", 1, 2);
	ck_assert_ptr_null(rx(&m, &c, suback(2, 1)));
	ck_assert_str_eq(rx(&m, &c, delivery("s/b", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	engine_monitor_free(&m);
}
END_TEST

START_TEST(monitor_first_packet_must_be_connack)
{
	struct engine_monitor m;
	struct mon_conn c;
	memset(&m, 0, sizeof m);
	engine_monitor_conn_reset(&c);
	tx_connect(&m, &c, "Ms0a", 1);
	ck_assert_str_eq(rx(&m, &c, pkt(MQTT_PINGRESP)), "MQTT-3.2.0-1");
	ck_assert_ptr_null(rx(&m, &c, pkt(MQTT_CONNACK))); /* only the first counts */
	engine_monitor_conn_reset(&c);                    /* a new connection */
	ck_assert_ptr_null(rx(&m, &c, pkt(MQTT_CONNACK)));
	engine_monitor_free(&m);
}
END_TEST

START_TEST(monitor_delivery_must_match_a_subscription)
{
	struct engine_monitor m;
	struct mon_conn c;
	setup(&m, &c, 0);
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "x", 0, 0, 0)));
	ck_assert_str_eq(rx(&m, &c, delivery("b/c", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	ck_assert_str_eq(rx(&m, &c, delivery("a/b/c", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	/* A refused subscription delivers nothing. */
	tx_subscribe(&m, &c, "r/#", 1, 2);
	ck_assert_ptr_null(rx(&m, &c, suback(2, 0x80)));
	ck_assert_str_eq(rx(&m, &c, delivery("r/x", "x", 0, 0, 0)), "MQTT-3.3.2-3");
	engine_monitor_free(&m);
}
END_TEST

START_TEST(monitor_room_the_spec_leaves)
{
	struct engine_monitor m;
	struct mon_conn c;
	memset(&m, 0, sizeof m);
	engine_monitor_conn_reset(&c);
	tx_connect(&m, &c, "Ms0a", 0);
	rx(&m, &c, pkt(MQTT_CONNACK));
	/* Before the SUBACK, deliveries at the requested QoS are fine (3.8.4). */
	tx_subscribe(&m, &c, "#", 1, 1);
	ck_assert_ptr_null(rx(&m, &c, delivery("$SYS/x", "r", 1, 5, 0))); /* '$' rules are the cases' */
	ck_assert_ptr_null(rx(&m, &c, suback(1, 1)));
	/* A CleanSession 0 session keeps its subscriptions on the next connection. */
	engine_monitor_conn_reset(&c);
	tx_connect(&m, &c, "Ms0a", 0);
	rx(&m, &c, pkt(MQTT_CONNACK));
	ck_assert_ptr_null(rx(&m, &c, delivery("q", "y", 1, 5, 1))); /* the re-send of id 5, DUP */
	/* CleanSession 1 starts afresh. */
	engine_monitor_conn_reset(&c);
	tx_connect(&m, &c, "Ms0a", 1);
	rx(&m, &c, pkt(MQTT_CONNACK));
	/* ... so a delivery through the discarded "#" breaks the clean start. */
	ck_assert_str_eq(rx(&m, &c, delivery("q", "y", 0, 0, 0)), "MQTT-3.1.2-6");
	engine_monitor_free(&m);
}
END_TEST

START_TEST(monitor_qos_within_grant_and_publication)
{
	struct engine_monitor m;
	struct mon_conn c;
	setup(&m, &c, 1);
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "x", 1, 1, 0)));
	ck_assert_str_eq(rx(&m, &c, delivery("a/b", "y", 2, 2, 0)), "MQTT-3.8.4-6");
	/* Published at QoS 0 by a client of the case: delivered at QoS 0 only. */
	tx_publish(&m, &c, "a/z", "zero", 0, 0);
	ck_assert_str_eq(rx(&m, &c, delivery("a/z", "zero", 1, 3, 0)), "MQTT-3.8.4-6");
	engine_monitor_free(&m);
}
END_TEST

START_TEST(monitor_ids_in_flight_distinct)
{
	struct engine_monitor m;
	struct mon_conn c;
	setup(&m, &c, 2);
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "one", 1, 7, 0)));
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "one", 1, 7, 0))); /* the same message again: a re-send */
	ck_assert_str_eq(rx(&m, &c, delivery("a/b", "two", 1, 7, 0)), "MQTT-2.3.1-4");
	struct mqtt_packet ack = pkt(MQTT_PUBACK);
	ack.has_packet_id = true;
	ack.packet_id = 7;
	tx(&m, &c, &ack);
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "three", 1, 7, 0))); /* free again */
	engine_monitor_free(&m);
}
END_TEST

START_TEST(monitor_qos2_delivered_once)
{
	struct engine_monitor m;
	struct mon_conn c;
	setup(&m, &c, 2);
	tx_publish(&m, &c, "a/b", "once", 2, 9);
	tx_publish(&m, &c, "a/b", "once", 2, 9); /* the same message, repeated before PUBREL */
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "once", 2, 1, 0)));
	struct mqtt_packet comp = pkt(MQTT_PUBCOMP);
	comp.has_packet_id = true;
	comp.packet_id = 1;
	tx(&m, &c, &comp);
	ck_assert_str_eq(rx(&m, &c, delivery("a/b", "once", 2, 2, 0)), "MQTT-4.3.3-2");
	engine_monitor_free(&m);
}
END_TEST

/* A PUBREC of 0x80 or more ends the exchange: the id's next PUBLISH is a new
 * message (not a repeat of the refused one), so its delivery was published. */
START_TEST(monitor_refusing_pubrec_ends_the_exchange)
{
	struct engine_monitor m;
	struct mon_conn c;
	setup(&m, &c, 2);
	tx_publish(&m, &c, "z/refused", "same", 2, 9);
	struct mqtt_packet rec = pkt(MQTT_PUBREC);
	rec.has_packet_id = true;
	rec.packet_id = 9;
	rec.has_reason_code = true;
	rec.reason_code = 0x87;
	ck_assert_ptr_null(rx(&m, &c, rec));
	tx_publish(&m, &c, "a/b", "same", 2, 9);
	ck_assert_ptr_null(rx(&m, &c, delivery("a/b", "same", 2, 1, 0)));
	engine_monitor_free(&m);
}
END_TEST

/* 5.0: nothing may follow the broker's DISCONNECT on that connection. */
START_TEST(monitor_nothing_after_the_brokers_disconnect)
{
	struct engine_monitor m;
	struct mon_conn c;
	setup5(&m, &c, "a/+", 1);
	ck_assert_ptr_null(rx(&m, &c, pkt(MQTT_PINGRESP)));
	ck_assert_ptr_null(rx(&m, &c, pkt(MQTT_DISCONNECT)));
	ck_assert_str_eq(rx(&m, &c, pkt(MQTT_PINGRESP)), "MQTT-3.14.4-1");
	engine_monitor_free(&m);
}
END_TEST

Suite *engine_monitor_suite(void)
{
	Suite *s = suite_create("engine_monitor");
	TCase *t = tcase_create("monitor");
	tcase_add_test(t, monitor_first_packet_must_be_connack);
	tcase_add_test(t, monitor_delivery_must_match_a_subscription);
	tcase_add_test(t, monitor_room_the_spec_leaves);
	tcase_add_test(t, monitor_qos_within_grant_and_publication);
	tcase_add_test(t, monitor_ids_in_flight_distinct);
	tcase_add_test(t, monitor_qos2_delivered_once);
	tcase_add_test(t, monitor_refusing_pubrec_ends_the_exchange);
	tcase_add_test(t, monitor_nothing_after_the_brokers_disconnect);
	tcase_add_test(t, monitor_shared_subscription_matches_by_its_filter);
	suite_add_tcase(s, t);
	return s;
}
