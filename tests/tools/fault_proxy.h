/*
 * fault_proxy.h - what a fault of build/fault-proxy sees and may do.
 *
 * The proxy (fault_proxy.c) relays every client connection to the upstream
 * broker. Broker->client bytes are cut into packets and decoded; each one is
 * handed to the fault's to_client hook, which decides what the client gets:
 * nothing (drop), the packet as is (fp_forward), a changed copy (fp_send),
 * extra bytes (fp_send_bytes), or later (fp_hold). Client->broker bytes are
 * always forwarded unchanged and at once (a case's malformed packets must
 * reach the broker exactly as sent); the proxy only watches them, remembers
 * what the faults need (client id, Will, subscriptions) and shows each
 * packet to the from_client hook, which may make deliveries of its own
 * (fp_send_to); the closed hook hears of each connection's end.
 *
 * The pre-flight connection of mqttspec (client id "Ms" + 6-char run prefix
 * + "pre") is never touched, so a run through any fault still starts.
 */
#ifndef FAULT_PROXY_H
#define FAULT_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

#define FP_HOLD_CAP 8192 /* largest packet a fault can hold back */
#define FP_SUBS 8	 /* filters remembered per connection */
#define FP_TOPIC_CAP 256 /* longest topic / filter remembered */

struct fp_proxy;

/* A filter a client subscribed to. */
struct fp_sub {
	char filter[FP_TOPIC_CAP];
	bool active;  /* false once an UNSUBSCRIBE removed it */
	unsigned seq; /* the SUBSCRIBE (1, 2, ... on this connection) that last named it */
	uint8_t options; /* its requested QoS byte; in 5.0 the Subscription Options */
};

/* What the proxy knows about one client connection; faults may read all of
 * it and keep their own per-connection state in `n`. */
struct fp_conn {
	struct fp_proxy *px;
	unsigned id;		 /* 1, 2, ... in accept order */
	bool connect_seen;	 /* the client has sent CONNECT */
	bool spare;		 /* the pre-flight connection: no fault */
	bool accepted;		 /* the broker sent CONNACK 0 */
	enum mqtt_version version; /* the CONNECT's Protocol Level (3.1.1 until one came) */
	char client_id[64];	 /* NUL-terminated, truncated */
	uint8_t connect_flags;	 /* raw, MQTT_CF_* */
	char will_topic[FP_TOPIC_CAP];
	uint8_t will_msg[FP_TOPIC_CAP];
	size_t will_msg_len;
	bool disconnect_sent;	 /* the client sent DISCONNECT */
	struct fp_sub subs[FP_SUBS];
	size_t nsubs;
	unsigned subscribes;	 /* SUBSCRIBE packets seen */
	unsigned n;		 /* a counter for the fault's own use */
	bool keep_open;		 /* set by a fault: as FP_KEEP_OPEN, for this connection only */
};

/* A packet from the broker: the bytes as received and their decoding
 * (slices in `p` point into `raw`). */
struct fp_pkt {
	const uint8_t *raw;
	size_t len;
	struct mqtt_packet p;
};

typedef void fp_to_client_fn(struct fp_conn *c, struct fp_pkt *k);
typedef void fp_from_client_fn(struct fp_conn *c, const struct mqtt_packet *p);
typedef void fp_closed_fn(struct fp_conn *c);

/* The fault does not close the client when the broker closes (30 s at most):
 * always, or only a connection that never sent CONNECT, or only one whose
 * client sent DISCONNECT. */
#define FP_KEEP_OPEN 0x1
#define FP_KEEP_OPEN_SILENT 0x2
#define FP_KEEP_OPEN_DISCONNECTED 0x4
/* FP_KEEP_OPEN for a 5.0 connection only (a 5.0 fault leaves 3.1.1 alone). */
#define FP_KEEP_OPEN_V5 0x10
/* A connection the broker closes without having accepted it stays open for
 * FP_DRAIN_MS more, so what the client sent right behind its CONNECT is still
 * read (and watched), however fast the refusal came. */
#define FP_KEEP_OPEN_REFUSED 0x20
#define FP_DRAIN_MS 500.0
/* When the broker closes a 5.0 connection, the client first gets a
 * DISCONNECT 0x8E carrying a Session Expiry Interval (which a server's
 * DISCONNECT may not carry), however the close came about: before any
 * CONNACK too. */
#define FP_SAY_DISCONNECT 0x8

struct fp_fault {
	const char *name;
	const char *desc;
	fp_to_client_fn *to_client;	/* NULL: forward everything */
	fp_from_client_fn *from_client; /* NULL: nothing to watch */
	fp_closed_fn *closed;		/* the client connection is gone */
	unsigned flags;			/* FP_KEEP_OPEN */
};

/* The tables, each ended by a zeroed entry: faults that change, drop or
 * reorder the broker's packets (fault_proxy_faults.c), faults that deliver
 * what the broker never would (fault_proxy_inject.c), faults of sessions,
 * Wills and recommendations (fault_proxy_session.c), and faults that break
 * the invariants the engine's monitors watch (fault_proxy_monitor.c). */
extern const struct fp_fault fp_packet_faults[];
extern const struct fp_fault fp_delivery_faults[];
extern const struct fp_fault fp_session_faults[];
extern const struct fp_fault fp_monitor_faults[];
extern const struct fp_fault fp_v5_faults[]; /* 5.0 forms (fault_proxy_v5.c) */
extern const struct fp_fault fp_v5_timer_faults[]; /* 5.0 timers (fault_proxy_v5_timers.c) */
/* 5.0 features no broker here offers, done right and done wrong (fault_proxy_v5_features.c) */
extern const struct fp_fault fp_v5_feature_faults[];
/* 5.0 packet-id rules of the QoS flows (fault_proxy_v5_flows.c) */
extern const struct fp_fault fp_v5_flow_faults[];
/* 5.0 encodings of a delivered PUBLISH (fault_proxy_v5_forms.c) */
extern const struct fp_fault fp_v5_form_faults[];
/* 5.0 Shared Subscriptions (fault_proxy_v5_shared.c) */
extern const struct fp_fault fp_v5_shared_faults[];
/* 5.0 single server rules: client ids, DISCONNECT flags, expiry, aliases (fault_proxy_v5_rules.c) */
extern const struct fp_fault fp_v5_rule_faults[];

/* Queue bytes for the client. The proxy reserves room for twice the
 * packet being handled plus 64 bytes: a fault may send at most that. */
void fp_forward(struct fp_conn *c, const struct fp_pkt *k);
void fp_send_bytes(struct fp_conn *c, const void *b, size_t n);
/* Encode `p` (with the minimal Remaining Length) and queue it. */
void fp_send(struct fp_conn *c, const struct mqtt_packet *p);
/* fp_send, but the encoding as `p` says, where fp_send makes it minimal and
 * complete: its rl_bytes pad the Remaining Length, and props.present false
 * leaves the Property Length out (faults of the encoding itself). */
void fp_send_exact(struct fp_conn *c, const struct mqtt_packet *p);
/* fp_send(k's packet) when a fault changed it, else fp_forward: untouched
 * packets keep their exact bytes. */
void fp_send_if(struct fp_conn *c, struct fp_pkt *k, bool changed);
/* Did the connection's CONNECT speak 5.0? */
bool fp_v5(const struct fp_conn *c);
/* Hold one packet back; it goes out on fp_release() or after `ms`
 * milliseconds, whichever comes first. A packet already held goes out
 * first. Too big to hold: it goes out now. */
void fp_hold(struct fp_conn *c, const struct fp_pkt *k, double ms);
void fp_release(struct fp_conn *c);
bool fp_holding(const struct fp_conn *c);

/* Every connection of the proxy, for faults that act across clients. */
size_t fp_conn_count(const struct fp_proxy *px);
struct fp_conn *fp_conn_at(struct fp_proxy *px, size_t i);

/* Is `t` the Will topic of a CONNECT any client has sent so far? */
bool fp_is_will_topic(const struct fp_proxy *px, struct mqtt_slice t);

/* Does an active subscription of `c` match topic `t` (spec 4.7)? */
bool fp_subscribed(const struct fp_conn *c, struct mqtt_slice t);

/* Queue `p` for connection `to` (any client, also from a from_client or
 * closed hook); at most FP_HOLD_CAP bytes. Dropped when `to` is gone or in
 * the middle of passing an unfaultable packet on. */
void fp_send_to(struct fp_conn *to, const struct mqtt_packet *p);
/* fp_send_to of a QoS 0 PUBLISH of `payload` to `topic`, RETAIN as `retain`
 * says: the delivery most faults make up. */
void fp_publish_to(struct fp_conn *to, struct mqtt_slice topic, struct mqtt_slice payload, bool retain);

/* Close the client's side now (what is queued for it is dropped); the
 * broker's side follows, as if the client had gone. */
void fp_close(struct fp_conn *c);

/* Has the client side closed (what goes to it now is lost)? */
bool fp_client_gone(const struct fp_conn *c);

/* Close the client as fp_close does, `ms` from now, unless a later call
 * moves the moment (0: never): a fault's own timer, such as a Server Keep
 * Alive it enforces. */
void fp_close_after(struct fp_conn *c, double ms);

/* Milliseconds on the monotonic clock. */
double fp_now_ms(void);

#endif
