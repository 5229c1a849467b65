#!/usr/bin/env python3
"""A misbehaving WebSocket front for a plain MQTT broker, to prove that
mqttspec's WebSocket checks can fail. It upgrades every connection, then
relays MQTT bytes between WebSocket frames and the broker's TCP port.

  ws_bridge.py --upstream PORT --mode no-protocol|text-frames|frame-aligned [--port-file F]

no-protocol    answers the upgrade without Sec-WebSocket-Protocol (MQTT-6.0.0-4)
text-frames    sends the broker's bytes in text frames, not binary (MQTT-6.0.0-1)
frame-aligned  takes each binary frame from the client for one whole packet:
               relays only the first packet of a frame, drops a frame that
               holds no whole packet and every continuation frame (MQTT-6.0.0-2)
In every mode it closes on a text frame from the client, as chapter 6 asks,
so each mode breaks one rule only. Loopback only; standard library only."""
import argparse, base64, hashlib, select, socket, struct, sys, threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_frame(sock, buf):
    """One client frame from buf (+ sock): (opcode, payload, rest) or None on EOF."""
    def need(n):
        nonlocal buf
        while len(buf) < n:
            d = sock.recv(65536)
            if not d:
                return False
            buf += d
        return True
    if not need(2):
        return None
    op, l = buf[0] & 0x0F, buf[1] & 0x7F
    h = 2
    if l == 126:
        if not need(4):
            return None
        l, h = struct.unpack(">H", buf[2:4])[0], 4
    elif l == 127:
        if not need(10):
            return None
        l, h = struct.unpack(">Q", buf[2:10])[0], 10
    if not need(h + 4 + l):
        return None
    mask = buf[h:h + 4]
    p = bytes(b ^ mask[i % 4] for i, b in enumerate(buf[h + 4:h + 4 + l]))
    return op, p, buf[h + 4 + l:]


def whole_frame(buf):
    """True if buf starts with a whole client frame (read without waiting)."""
    if len(buf) < 2:
        return False
    l, h = buf[1] & 0x7F, 2
    if l == 126:
        if len(buf) < 4:
            return False
        l, h = struct.unpack(">H", buf[2:4])[0], 4
    elif l == 127:
        if len(buf) < 10:
            return False
        l, h = struct.unpack(">Q", buf[2:10])[0], 10
    return len(buf) >= h + 4 + l


def frame(op, p):
    n = len(p)
    if n < 126:
        return bytes([0x80 | op, n]) + p
    if n < 65536:
        return bytes([0x80 | op, 126]) + struct.pack(">H", n) + p
    return bytes([0x80 | op, 127]) + struct.pack(">Q", n) + p


def first_packet(p):
    """The first whole MQTT packet of p, or None (frame-aligned mode)."""
    n, mult, i = 0, 1, 1
    while i < len(p) and i <= 4:
        n += (p[i] & 0x7F) * mult
        mult *= 128
        i += 1
        if p[i - 1] < 0x80:
            return p[:i + n] if len(p) >= i + n else None
    return None


def relay(up, op, p, mode):
    """Client frame -> broker bytes, as the mode's front would."""
    if mode != "frame-aligned":
        up.sendall(p)
        return
    if op == 2 and first_packet(p) is not None:
        up.sendall(first_packet(p))


def serve(client, upstream, mode):
    try:
        req = b""
        while b"\r\n\r\n" not in req:
            d = client.recv(4096)
            if not d:
                return
            req += d
        head, rest = req.split(b"\r\n\r\n", 1)
        key = b""
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"sec-websocket-key:"):
                key = line.split(b":", 1)[1].strip()
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        resp = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n"
        if mode != "no-protocol":
            resp += b"Sec-WebSocket-Protocol: mqtt\r\n"
        client.sendall(resp + b"\r\n")
        up = socket.create_connection(("127.0.0.1", upstream))
        buf = rest
        while True:
            r, _, _ = select.select([client, up], [], [], 60)
            if not r:
                return
            if up in r:
                d = up.recv(65536)
                if not d:
                    return
                client.sendall(frame(1 if mode == "text-frames" else 2, d))
            # Every frame that came in: several may share one read (a split packet).
            while client in r:
                got = read_frame(client, buf)
                if got is None:
                    return
                op, p, buf = got
                if op in (1, 8):
                    return  # a close, or a text frame: MQTT-6.0.0-1 asks to close
                if op in (0, 2):
                    relay(up, op, p, mode)
                if not whole_frame(buf):
                    break
    except OSError:
        pass
    finally:
        client.close()


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--upstream", type=int, required=True)
    a.add_argument("--mode", choices=["no-protocol", "text-frames", "frame-aligned"], required=True)
    a.add_argument("--port-file")
    o = a.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    port = s.getsockname()[1]
    if o.port_file:
        with open(o.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        import os
        os.rename(o.port_file + ".tmp", o.port_file)
    print(port, flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, o.upstream, o.mode), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
