/*
 * fake_listen.h - the listening socket of the fake brokers in tests/tools
 * (hostile_broker.c, auth_broker.c): 127.0.0.1 only, non-blocking, and the
 * port written to a file atomically once it listens, for the scripts that
 * start them to read.
 */
#ifndef FAKE_LISTEN_H
#define FAKE_LISTEN_H

/* Listen on 127.0.0.1:port (0: any free port) and write the port to
 * port_file. The socket, or -1 after a message on stderr naming `who`. */
int fake_listen(const char *who, int port, const char *port_file);

#endif
