/* test_engine_monitor_limits.c - the 5.0 monitors: what the client's CONNECT asked
 * (Maximum Packet Size, Receive Maximum, Topic Alias Maximum) holds on every
 * packet the broker sends; each fires on the packet over the limit and not
 * at the limit, and a 3.1.1 connection knows none of them. */
#include <check.h>
#include <string.h>

#include "codec/mqtt_encode.h"
#include "codec/mqtt_prop.h"
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

static void prop(struct mqtt_packet *p, const char *key, uint32_t v)
{
	const struct mqtt_prop_def *d = mqtt_prop_find(key);
	ck_assert_ptr_nonnull(d);
	p->props.present = true;
	p->props.items[p->props.count].id = d->id;
	p->props.items[p->props.count++].num = v;
}

struct mon5 {
	struct engine_monitor m;
	struct mon_conn c;
	char what[400];
};

/* A 5.0 client "c5" connected with these limits (0: the property left out)
 * and Request Problem Information `rpi` (-1: left out), subscribed to "t/#"
 * at QoS 2, granted. */
static void open5_rpi(struct mon5 *x, uint32_t max_packet, uint32_t receive_max, uint32_t alias_max, int rpi)
{
	memset(x, 0, sizeof *x);
	engine_monitor_conn_reset(&x->c);
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	mqtt_packet_set_protocol(&p, MQTT_V5);
	p.client_id = str("c5");
	p.connect_flags = MQTT_CF_CLEAN_SESSION;
	p.props.present = true;
	if (max_packet)
		prop(&p, "maximum_packet_size", max_packet);
	if (receive_max)
		prop(&p, "receive_maximum", receive_max);
	if (alias_max)
		prop(&p, "topic_alias_maximum", alias_max);
	if (rpi >= 0)
		prop(&p, "request_problem_information", (uint32_t)rpi);
	engine_monitor_tx_packet(&x->m, &x->c, MQTT_V5, &p);
	mqtt_packet_init(&p, MQTT_CONNACK);
	p.remaining_length = 3;
	p.rl_bytes = 1;
	ck_assert_ptr_null(engine_monitor_rx(&x->m, &x->c, &p, 0, x->what, sizeof x->what));
	mqtt_packet_init(&p, MQTT_SUBSCRIBE);
	p.has_packet_id = true;
	p.packet_id = 1;
	p.entry_count = 1;
	p.entries[0].filter = str("t/#");
	p.entries[0].qos = 2;
	engine_monitor_tx_packet(&x->m, &x->c, MQTT_V5, &p);
	mqtt_packet_init(&p, MQTT_SUBACK);
	p.packet_id = 1;
	p.code_count = 1;
	p.codes[0] = 2;
	ck_assert_ptr_null(engine_monitor_rx(&x->m, &x->c, &p, 0, x->what, sizeof x->what));
}

static void open5(struct mon5 *x, uint32_t max_packet, uint32_t receive_max, uint32_t alias_max)
{
	open5_rpi(x, max_packet, receive_max, alias_max, -1);
}

/* A PUBLISH from the broker on `topic`, `size` bytes on the wire. */
static struct mqtt_packet publish(const char *topic, int qos, uint16_t id, uint32_t size)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.flags = (uint8_t)(qos << MQTT_PF_QOS_SHIFT);
	p.topic = str(topic);
	p.has_packet_id = qos > 0;
	p.packet_id = id;
	p.props.present = true;
	p.rl_bytes = size > 129 ? 2 : 1;
	p.remaining_length = size - 1 - p.rl_bytes;
	return p;
}

static const char *rx(struct mon5 *x, const struct mqtt_packet *p)
{
	x->what[0] = '\0';
	return engine_monitor_rx(&x->m, &x->c, p, 0, x->what, sizeof x->what);
}

static void tx_ack(struct mon5 *x, enum mqtt_type t, uint16_t id, int rc)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, t);
	p.has_packet_id = true;
	p.packet_id = id;
	p.has_reason_code = rc >= 0;
	p.reason_code = rc >= 0 ? (uint8_t)rc : 0;
	engine_monitor_tx_packet(&x->m, &x->c, MQTT_V5, &p);
}

START_TEST(max_packet_size)
{
	struct mon5 x;
	open5(&x, 128, 0, 0);
	struct mqtt_packet p = publish("t/a", 0, 0, 128);
	ck_assert_ptr_null(rx(&x, &p)); /* at the limit */
	p = publish("t/a", 0, 0, 129);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.1.2-24");
	ck_assert_str_eq(x.what, "PUBLISH of 129 bytes; the client's Maximum Packet Size is 128");
	/* Every packet, not only PUBLISH. */
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_PINGRESP);
	a.remaining_length = 200;
	a.rl_bytes = 2;
	ck_assert_str_eq(rx(&x, &a), "MQTT-3.1.2-24");
	engine_monitor_free(&x.m);
	/* None set: no limit but the protocol's. */
	open5(&x, 0, 0, 0);
	p = publish("t/a", 0, 0, 100000);
	p.rl_bytes = 3;
	ck_assert_ptr_null(rx(&x, &p));
	engine_monitor_free(&x.m);
}
END_TEST

/* A SUBACK of `size` bytes carrying a Reason String of `rs` characters
 * (3 + rs bytes on the wire) and a User Property of name and value `up`
 * characters each (5 + 2 up bytes); 0: none. */
static struct mqtt_packet suback(uint32_t size, size_t rs, size_t up)
{
	static const char text[] = "0123456789012345678901234567890123456789";
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_SUBACK);
	p.packet_id = 1;
	p.code_count = 1;
	if (rs)
		mqtt_props_add(&p.props, "reason_string")->str.s = (struct mqtt_slice){(const uint8_t *)text, rs};
	if (up) {
		struct mqtt_prop *u = mqtt_props_add(&p.props, "user_property");
		u->str.s = u->value.s = (struct mqtt_slice){(const uint8_t *)text, up};
	}
	p.rl_bytes = 1;
	p.remaining_length = size - 2;
	return p;
}

/* Over the limit, the packet's own property rule is named where leaving
 * that property out would have made it fit; the general one otherwise. */
START_TEST(max_packet_size_properties)
{
	struct mon5 x;
	open5(&x, 64, 0, 0);
	struct mqtt_packet p = suback(80, 30, 0); /* 80 - 33 fits */
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.9.2-1");
	ck_assert_str_eq(x.what, "SUBACK of 80 bytes; the client's Maximum Packet Size is 64; it would fit without its "
				 "Reason String");
	p = suback(80, 0, 10); /* 80 - 25 fits */
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.9.2-2");
	p = suback(100, 20, 10); /* neither alone (23, 25), both (48) fit */
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.9.2-1");
	p = suback(120, 10, 0); /* too big without it too */
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.1.2-24");
	engine_monitor_free(&x.m);
}
END_TEST

/* Request Problem Information 0: no Reason String or User Property but on
 * PUBLISH, CONNACK and DISCONNECT. */
START_TEST(problem_information_zero)
{
	struct mon5 x;
	open5_rpi(&x, 0, 0, 0, 0);
	struct mqtt_packet p = suback(40, 10, 0);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.1.2-29");
	ck_assert_str_eq(x.what, "SUBACK with a Reason String; the client's CONNECT set Request Problem Information 0");
	p = suback(40, 0, 5);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.1.2-29");
	p.type = MQTT_DISCONNECT;
	ck_assert_ptr_null(rx(&x, &p));
	engine_monitor_free(&x.m);
	open5_rpi(&x, 0, 0, 0, 1); /* 1, and left out: anywhere */
	p = suback(40, 10, 0);
	ck_assert_ptr_null(rx(&x, &p));
	engine_monitor_free(&x.m);
}
END_TEST

START_TEST(receive_maximum)
{
	struct mon5 x;
	open5(&x, 0, 2, 0);
	struct mqtt_packet p = publish("t/a", 1, 1, 20);
	ck_assert_ptr_null(rx(&x, &p));
	p = publish("t/b", 2, 2, 20);
	ck_assert_ptr_null(rx(&x, &p)); /* two unacknowledged: at the limit */
	/* A resend of one in flight is not one more. */
	p = publish("t/a", 1, 1, 20);
	p.flags |= MQTT_PF_DUP;
	ck_assert_ptr_null(rx(&x, &p));
	/* QoS 0 does not count. */
	p = publish("t/c", 0, 0, 20);
	ck_assert_ptr_null(rx(&x, &p));
	p = publish("t/d", 1, 3, 20);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.3.4-9");
	ck_assert_str_eq(x.what, "a QoS 1 PUBLISH (id 3) while 2 are unacknowledged; the client's Receive Maximum is 2");
	engine_monitor_free(&x.m);

	/* PUBACK frees a place; a PUBREC below 0x80 does not, one of 0x80 or more does; PUBCOMP does. */
	open5(&x, 0, 1, 0);
	p = publish("t/a", 1, 1, 20);
	ck_assert_ptr_null(rx(&x, &p));
	tx_ack(&x, MQTT_PUBACK, 1, -1);
	p = publish("t/b", 2, 2, 20);
	ck_assert_ptr_null(rx(&x, &p));
	tx_ack(&x, MQTT_PUBREC, 2, 0x00);
	p = publish("t/c", 2, 3, 20);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.3.4-9");
	tx_ack(&x, MQTT_PUBCOMP, 2, -1);
	tx_ack(&x, MQTT_PUBREC, 3, 0x80);
	p = publish("t/d", 1, 4, 20);
	ck_assert_ptr_null(rx(&x, &p));
	engine_monitor_free(&x.m);
}
END_TEST

START_TEST(topic_alias)
{
	struct mon5 x;
	open5(&x, 0, 0, 2);
	struct mqtt_packet p = publish("t/a", 0, 0, 20);
	prop(&p, "topic_alias", 2);
	ck_assert_ptr_null(rx(&x, &p)); /* at the limit */
	/* The alias stands for its topic: an empty topic under it is delivered on "t/a". */
	p = publish("", 0, 0, 20);
	prop(&p, "topic_alias", 2);
	ck_assert_ptr_null(rx(&x, &p));
	p = publish("t/b", 0, 0, 20);
	prop(&p, "topic_alias", 3);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.1.2-26");
	ck_assert_str_eq(x.what, "PUBLISH with Topic Alias 3; the client's Topic Alias Maximum is 2");
	p = publish("t/b", 0, 0, 20);
	prop(&p, "topic_alias", 0);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.3.2-8");
	engine_monitor_free(&x.m);

	/* No Topic Alias Maximum sent: no alias at all. */
	open5(&x, 0, 0, 0);
	p = publish("t/a", 0, 0, 20);
	prop(&p, "topic_alias", 1);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.1.2-27");
	engine_monitor_free(&x.m);
}
END_TEST

/* The monitors of 3.1.1 judge a 5.0 connection in 5.0's clauses. */
START_TEST(invariants_in_50_clauses)
{
	struct mon5 x;
	open5(&x, 0, 0, 0);
	struct mqtt_packet p = publish("u/a", 0, 0, 20);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.3.2-3");
	/* A SUBACK refusal with a 5.0 code leaves no subscription. */
	struct mqtt_packet s;
	mqtt_packet_init(&s, MQTT_SUBSCRIBE);
	s.has_packet_id = true;
	s.packet_id = 2;
	s.entry_count = 1;
	s.entries[0].filter = str("v/#");
	engine_monitor_tx_packet(&x.m, &x.c, MQTT_V5, &s);
	mqtt_packet_init(&s, MQTT_SUBACK);
	s.packet_id = 2;
	s.code_count = 1;
	s.codes[0] = 0x87;
	ck_assert_ptr_null(rx(&x, &s));
	p = publish("v/a", 0, 0, 20);
	ck_assert_str_eq(rx(&x, &p), "MQTT-3.3.2-3");
	engine_monitor_free(&x.m);
}
END_TEST

/* Bytes as the engine sends them: the CONNECT's Protocol Level decides the
 * connection's version, and later packets are read in it. */
static void tx_bytes(struct mon5 *x, enum mqtt_version v, const struct mqtt_packet *p)
{
	uint8_t b[256];
	int n = mqtt_encode(v, p, b, sizeof b);
	ck_assert_int_gt(n, 0);
	engine_monitor_tx(&x->m, &x->c, b, (size_t)n);
}

START_TEST(connect_bytes_set_the_version)
{
	struct mon5 x;
	memset(&x, 0, sizeof x);
	engine_monitor_conn_reset(&x.c);
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	mqtt_packet_set_protocol(&p, MQTT_V5);
	p.client_id = str("c5");
	p.connect_flags = MQTT_CF_CLEAN_SESSION;
	prop(&p, "receive_maximum", 1);
	tx_bytes(&x, MQTT_V5, &p);
	mqtt_packet_init(&p, MQTT_SUBSCRIBE);
	p.flags = 2;
	p.props.present = true;
	p.has_packet_id = true;
	p.packet_id = 1;
	p.entry_count = 1;
	p.entries[0].filter = str("t/#");
	p.entries[0].qos = 1;
	p.entries[0].has_qos = true;
	tx_bytes(&x, MQTT_V5, &p);
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_CONNACK);
	ck_assert_ptr_null(rx(&x, &a));
	a = publish("t/a", 1, 7, 20);
	ck_assert_ptr_null(rx(&x, &a));
	a = publish("t/b", 1, 8, 20);
	ck_assert_str_eq(rx(&x, &a), "MQTT-3.3.4-9");
	/* A PUBACK in 5.0's short form frees a place. */
	mqtt_packet_init(&p, MQTT_PUBACK);
	p.has_packet_id = true;
	p.packet_id = 7;
	tx_bytes(&x, MQTT_V5, &p);
	mqtt_packet_init(&p, MQTT_PUBACK);
	p.has_packet_id = true;
	p.packet_id = 8;
	tx_bytes(&x, MQTT_V5, &p);
	a = publish("t/c", 1, 9, 20);
	ck_assert_ptr_null(rx(&x, &a));
	engine_monitor_free(&x.m);
}
END_TEST

/* AUTH before CONNACK only when the CONNECT named an Authentication Method. */
START_TEST(auth_before_connack)
{
	for (int named = 0; named < 2; named++) {
		struct engine_monitor m;
		memset(&m, 0, sizeof m);
		struct mon_conn c;
		engine_monitor_conn_reset(&c);
		struct mqtt_packet p;
		mqtt_packet_init(&p, MQTT_CONNECT);
		mqtt_packet_set_protocol(&p, MQTT_V5);
		p.client_id = str("c5");
		p.props.present = true;
		if (named) {
			struct mqtt_prop *pr = &p.props.items[p.props.count++];
			pr->id = mqtt_prop_find("authentication_method")->id;
			pr->str = str("SCRAM-SHA-1");
		}
		engine_monitor_tx_packet(&m, &c, MQTT_V5, &p);
		char what[300];
		mqtt_packet_init(&p, MQTT_AUTH);
		const char *r = engine_monitor_rx(&m, &c, &p, 0, what, sizeof what);
		if (named)
			ck_assert_ptr_null(r);
		else
			ck_assert_str_eq(r, "MQTT-3.2.0-1");
		/* After the AUTH exchange, the CONNACK is the first packet that counts. */
		mqtt_packet_init(&p, MQTT_CONNACK);
		ck_assert_ptr_null(engine_monitor_rx(&m, &c, &p, 0, what, sizeof what));
		engine_monitor_free(&m);
	}
}
END_TEST

/* A 3.1.1 connection has none of the 5.0 limits. */
START_TEST(none_in_311)
{
	struct engine_monitor m;
	memset(&m, 0, sizeof m);
	struct mon_conn c;
	engine_monitor_conn_reset(&c);
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	p.client_id = str("c4");
	p.connect_flags = MQTT_CF_CLEAN_SESSION;
	engine_monitor_tx_packet(&m, &c, MQTT_V311, &p);
	char what[300];
	mqtt_packet_init(&p, MQTT_CONNACK);
	ck_assert_ptr_null(engine_monitor_rx(&m, &c, &p, 0, what, sizeof what));
	mqtt_packet_init(&p, MQTT_PINGRESP);
	p.remaining_length = 100000;
	p.rl_bytes = 3;
	ck_assert_ptr_null(engine_monitor_rx(&m, &c, &p, 0, what, sizeof what));
	engine_monitor_free(&m);
}
END_TEST

Suite *engine_monitor_limits_suite(void)
{
	Suite *s = suite_create("engine_monitor_limits");
	TCase *tc = tcase_create("engine_monitor_limits");
	tcase_add_test(tc, max_packet_size);
	tcase_add_test(tc, max_packet_size_properties);
	tcase_add_test(tc, problem_information_zero);
	tcase_add_test(tc, receive_maximum);
	tcase_add_test(tc, topic_alias);
	tcase_add_test(tc, invariants_in_50_clauses);
	tcase_add_test(tc, none_in_311);
	tcase_add_test(tc, connect_bytes_set_the_version);
	tcase_add_test(tc, auth_before_connack);
	suite_add_tcase(s, tc);
	return s;
}
