/*
 * fault_proxy_int.h - the proxy's own state, shared by fault_proxy.c (the
 * event loop and connections) and fault_proxy_relay.c (cutting the byte
 * streams into packets, and what faults may call). Faults do not see it.
 */
#ifndef FAULT_PROXY_INT_H
#define FAULT_PROXY_INT_H

#include <netinet/in.h>
#include <string.h>

#include "tests/tools/fault_proxy.h"

#define FP_MAX_CONNS 512
#define FP_IN_CAP (64 * 1024)	 /* broker bytes awaiting a whole packet */
#define FP_OUT_CAP (160 * 1024)	 /* > 2 * FP_IN_CAP + 64: see fp_forward */
#define FP_WATCH_CAP 4096	 /* client packets bigger than this go unwatched */
#define FP_WILLS 256		 /* Will topics remembered (a ring) */
#define FP_KEEP_OPEN_MS 30000.0

struct buf {
	uint8_t *d;
	size_t len, cap;
};

/* One client connection and its upstream twin. */
struct pair {
	struct fp_conn pub; /* first member: faults get &pair->pub */
	int cfd, ufd;
	bool connecting; /* upstream connect() in progress */
	bool c_eof;	 /* the client is gone: nothing more goes to it */
	bool u_eof;	 /* the broker is gone */
	bool u_raw;	 /* broker bytes no longer cut into packets (malformed) */
	bool watch_off;	 /* client bytes no longer watched (malformed) */
	bool said_bye;	 /* FP_SAY_DISCONNECT: the DISCONNECT went out */
	size_t u_stream;   /* bytes of an oversized broker packet to pass raw */
	size_t watch_skip; /* bytes of an oversized client packet to ignore */
	double close_at;   /* keep-open: when to give up on the client (0: no) */
	double held_until; /* fp_hold */
	double close_deadline; /* fp_close_after: close the client then (0: no) */
	size_t held_len;
	uint8_t held[FP_HOLD_CAP];
	struct buf uin;	  /* from the broker, not yet cut into packets */
	struct buf cout;  /* to the client */
	struct buf uout;  /* to the broker */
	struct buf watch; /* from the client, being cut into packets to watch */
};

struct fp_proxy {
	const struct fp_fault *fault;
	struct sockaddr_in up;
	int lfd;
	bool verbose;
	struct pair *pairs[FP_MAX_CONNS];
	size_t npairs;
	unsigned next_id;
	char wills[FP_WILLS][FP_TOPIC_CAP];
	size_t nwills;
};

static inline size_t fp_room(const struct buf *b)
{
	return b->cap - b->len;
}

static inline int fp_append(struct buf *b, const void *p, size_t n)
{
	if (n > fp_room(b))
		return -1;
	memcpy(b->d + b->len, p, n);
	b->len += n;
	return 0;
}

static inline void fp_consume(struct buf *b, size_t n)
{
	memmove(b->d, b->d + n, b->len - n);
	b->len -= n;
}

/* Milliseconds on the monotonic clock. */
double fp_now_ms(void);

/* A line on stderr with -v, else nothing. */
void fp_log(const struct fp_proxy *px, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Client bytes just read (and queued for the broker unchanged): cut them
 * into packets and remember what faults need. */
void fp_watch(struct pair *pr, const uint8_t *b, size_t n);

/* Hand every whole packet of pr->uin to the fault, as far as pr->cout has
 * room; at EOF, pass a cut-short tail on as it is. */
void fp_u2c_process(struct pair *pr);

#endif
