#!/usr/bin/env python3
"""Seed the fuzz corpora (tests/fuzz/corpus/TARGET/) from a real run.

    scripts/fuzz-seed.py REPORT.json     (a `mqttspec run --json` report)

frame_decode: every packet of every wire trace (tx and rx), each client's
  received stream of a case in one file (the framer sees streams), and
  hand-made edge cases (Remaining Length bounds, reserved types, limits).
ws_frame: those packets wrapped in WebSocket frames as a server sends them
  (7-, 16- and 64-bit lengths, fragments, control frames between, masked and
  RSV-flagged frames a server must not send) and the frames a client sends.
case_load: the shipped case files, broken variants of some, hand-made
  mistakes; and tests/fuzz/case_load.dict, the keys and words of the format.

Files are named by the SHA-1 of their content (as libFuzzer names what it
adds), so seeding twice adds nothing new.
"""
import glob
import hashlib
import json
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(data)
        return 1
    return 0


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pkt(byte0, body):
    return bytes([byte0]) + varint(len(body)) + body


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(b)) + b


def frame_edges():
    e = [
        b"", b"\x30", b"\x30\x7f", b"\x30\x80\x01", b"\x30\xff\xff\xff\x7f",
        b"\x30\xff\xff\xff\xff\x7f", b"\xc0\xff\xff\xff\x7f", b"\x30\x80\x80\x80\x00",
        b"\x00\x00", b"\xf0\x02\x01\x02", b"\xd0\x01\x00", b"\xd0\x00\xd0\x00\xd0",
        b"\x20\x02\x01\x00", b"\x20\x02\xfe\x06", b"\x20\x03\x00\x00\x00", b"\x20\x01\x00",
        b"\x40\x02\x00\x00", b"\x62\x02\x00\x01", b"\x60\x02\x00\x01", b"\xb0\x02\x00\x07",
        pkt(0x90, b"\x00\x01"), pkt(0x90, b"\x00\x01" + bytes(range(33))),
        pkt(0x90, b"\x00\x01\x00\x01\x02\x80\x03"),
        pkt(0x36, s("a/b") + b"\x00\x05hi"), pkt(0x3a, s("a/b") + b"hi"),
        pkt(0x32, s("a/+") + b"\x00\x00"), pkt(0x30, s("") + b"x"), pkt(0x30, s("a\x00b")),
        pkt(0x30, s(b"\xed\xa0\x80")), pkt(0x30, s(b"\xef\xbb\xbfa")), pkt(0x30, b"\x00\x09ab"),
        pkt(0x30, s("$SYS/x") + b"p" * 300),
        pkt(0x82, b"\x00\x01" + s("a/#") + b"\x01" + s("+/b") + b"\x42"),
        pkt(0x82, b"\x00\x01" + (s("t") + b"\x00") * 33), pkt(0x82, b"\x00\x00"),
        pkt(0x82, b"\x00\x01" + s("a#") + b"\x00" + s("a+b") + b"\x03"),
        pkt(0xa2, b"\x00\x02" + s("a/b") + s("#")), pkt(0xa2, b"\x00\x02" + s("a")[:2]),
        pkt(0x10, s("MQTT") + b"\x04\x02\x00\x3c" + s("c1")),
        pkt(0x10, s("MQTT") + b"\x04\xee\x00\x3c" + s("c1") + s("w/t") + s(b"\x00\xff") + s("u") + s("p")),
        pkt(0x10, s("MQIsdp") + b"\x03\x03\xff\xff" + s("")),
        pkt(0x10, s("MQTT") + b"\x04\x5b\x00\x00" + s("c") + s("w")),
        pkt(0x10, s("MQTT") + b"\x04\x02\x00"),
        b"\x30\x81\x00" + s("t") + b"p" * 124, b"\xc0\x00" * 40,
    ]
    return e


def ws_server(opcode, payload, fin=True, mask=None, rsv=0, form=None):
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    m = 0x80 if mask else 0
    if form is None:
        form = 7 if n < 126 else 16 if n < 65536 else 64
    if form == 7:
        h = bytes([b0, m | n])
    elif form == 16:
        h = bytes([b0, m | 126]) + struct.pack(">H", n)
    else:
        h = bytes([b0, m | 127]) + struct.pack(">Q", n)
    if mask:
        payload = bytes(c ^ mask[i & 3] for i, c in enumerate(payload))
        h += mask
    return h + payload


def ws_seeds(packets):
    out = []
    for p in packets[:300]:
        out.append(ws_server(2, p))
    big = b"".join(packets[:40])
    out.append(ws_server(2, big, form=16))
    out.append(ws_server(2, big, form=64))
    if len(packets) >= 2:
        a, b = packets[0], packets[1]
        h = len(a) // 2
        out.append(ws_server(2, a[:h], fin=False) + ws_server(9, b"hi") + ws_server(0, a[h:]) + ws_server(2, b))
        out.append(ws_server(1, a))
        out.append(ws_server(2, a) + ws_server(8, b"\x03\xe8bye") + ws_server(2, b))
        out.append(ws_server(2, a, mask=b"\x01\x02\x03\x04"))
        out.append(ws_server(2, a, rsv=4))
        out.append(ws_server(0xA, b"") + ws_server(3, b"?"))
    out += [b"\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x01", b"\x82\x7e\x00", b"\x82\x7f" + b"\x00" * 7,
            b"\x82\xfe\xff\xff\x01\x02\x03\x04", ws_server(8, b""), ws_server(8, b"\x03")]
    return out


def case_seeds():
    files = sorted(glob.glob(os.path.join(ROOT, "cases", "mqtt-3.1.1", "*", "*.json")))
    out = [open(f, "rb").read() for f in files]
    for i, f in enumerate(files[::9]):
        text = open(f, "rb").read()
        out.append(text[: len(text) // 2])
        doc = json.loads(text)
        steps = doc.get("steps", [])
        if steps:
            bad = json.loads(text)
            bad["steps"][0]["client"] = "zz"
            out.append(json.dumps(bad).encode())
            bad = json.loads(text)
            bad["steps"][-1]["checks"] = ["MQTT-9.9.9-9"]
            out.append(json.dumps(bad).encode())
            bad = json.loads(text)
            bad["steps"].append({"client": "a", "send_hex": "30 0{"})
            out.append(json.dumps(bad).encode())
            bad = json.loads(text)
            bad["steps"].insert(1, {"client": "a", "send": {"type": "PUBLISH", "topic": "{nope}", "qos": 7}})
            out.append(json.dumps(bad).encode())
        bad = json.loads(text)
        bad["clients"] = {"A-1": {"client_id_length": 3}}
        out.append(json.dumps(bad).encode())
    out += [
        b"", b"null", b"[]", b"{}", b'{"id": "x"}', b"\x00", b"{" * 2000 + b"}" * 2000, b"[" * 5000,
        b'{"id": "a", "title": "t", "clients": {"a": {}}, "steps": []}',
        b'{"id": "a", "title": "t", "clients": {"a": {}}, "steps": [{"client": "a", "wait_ms": 1}]}',
        b'{"id": "a", "title": "t", "clients": {"a": {"client_id": "{client.b}"}}, "steps": '
        b'[{"client": "a", "expect": {"closed": true}, "checks": ["MQTT-3.1.2-3"]}]}',
        b'{"id": "a", "title": "t", "clients": {"a": {}}, "vars": {"v": 1e300}, "steps": '
        b'[{"client": "a", "send": {"type": "PUBLISH", "topic": "{v}", "packet_id": "{v}"}}, '
        b'{"client": "a", "expect": {"type": "PUBACK", "packet_id": {"capture": "p"}}, "checks": ["MQTT-4.3.2-2"]}]}',
    ]
    return out


def case_dict():
    words = set()

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                words.add('"%s"' % k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and len(v) <= 24:
            words.add(json.dumps(v))
    for f in glob.glob(os.path.join(ROOT, "cases", "mqtt-3.1.1", "*", "*.json")):
        walk(json.load(open(f)))
    words |= {"true", "false", "null", "{", "}", "[", "]", ":", ",", '"{topic}"', '"{{"', '"{utf8:x}"', '"{str:x}"'}
    lines = ["# Keys and words of the case format, from the shipped cases (scripts/fuzz-seed.py)."]
    for w in sorted(words):
        esc = w.replace("\\", "\\\\").replace('"', '\\"')
        if all(32 <= ord(c) < 127 for c in esc):
            lines.append('"%s"' % esc)
    with open(os.path.join(ROOT, "tests", "fuzz", "case_load.dict"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz-seed.py REPORT.json")
    report = json.load(open(sys.argv[1]))
    # Client ids and topics carry the run's random prefix: write a fixed one,
    # so seeding from another run adds only packets that really differ.
    run = report.get("run_prefix", "").encode()
    packets, added = [], {"frame_decode": 0, "ws_frame": 0, "case_load": 0}
    for case in report["cases"]:
        streams = {}
        for w in case.get("wire", []):
            if w.get("dir") in ("tx", "rx") and w.get("hex"):
                b = bytes.fromhex(w["hex"])
                if len(run) == 6:
                    b = b.replace(run, b"seed00")
                packets.append(b)
                if w["dir"] == "rx":
                    streams.setdefault(w.get("client"), bytearray()).extend(b)
        for st in streams.values():
            if len(st) <= 8192:
                added["frame_decode"] += put("frame_decode", bytes(st))
    seen = set()
    uniq = [p for p in packets if not (p in seen or seen.add(p))]
    for p in uniq + frame_edges():
        added["frame_decode"] += put("frame_decode", p)
    for f in ws_seeds(uniq):
        added["ws_frame"] += put("ws_frame", f)
    for c in case_seeds():
        added["case_load"] += put("case_load", c)
    case_dict()
    for t, n in added.items():
        total = len(os.listdir(os.path.join(CORPUS, t)))
        print("fuzz-seed: %-13s %4d new, %4d in all" % (t, n, total))


main()
