/*
 * loopback.h - a bare TCP listener on 127.0.0.1 for the tests that drive a
 * connection byte by byte from the test's own thread (the kernel completes
 * the handshake before accept, so connect, accept, write and read can be
 * interleaved in one thread, deterministically). The scripted broker with a
 * thread of its own is fake_peer.h.
 */
#ifndef LOOPBACK_H
#define LOOPBACK_H

#include <stddef.h>

/* Listen on an ephemeral port; `url` gets "SCHEME://127.0.0.1:PORT". The
 * listening fd (the test closes it). Fails the test if it cannot. */
int loopback_listen(const char *scheme, char *url, size_t n);

/* A port nothing listens on (bound, then closed): "SCHEME://127.0.0.1:PORT". */
void loopback_dead_url(const char *scheme, char *url, size_t n);

/* Accept one connection (the test fails after 3 s without one). */
int loopback_accept(int lfd);

/* Read until the peer closes or `cap` bytes (3 s at most). The count. */
size_t loopback_read_all(int fd, unsigned char *buf, size_t cap);

#endif
