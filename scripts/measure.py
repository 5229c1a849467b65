#!/usr/bin/env python3
"""Run a command and measure it: wall time, CPU time, peak memory.

    scripts/measure.py [--kill-after SEC] OUT.json -- COMMAND [ARG...]

Writes OUT.json: {"status", "signal", "killed", "wall_s", "user_s", "sys_s",
"maxrss_kb", "maxrss_exact"} for COMMAND, then exits with its status (128 + N
for a signal N, as a shell reports it).
--kill-after SEC: SIGKILL the command if it runs longer (killed: true), so a
hang fails a test instead of hanging it.

Peak memory comes from GNU time (/usr/bin/time, Debian package `time`) when it
is installed: exact. Without it, from os.wait4, which also counts the memory of
the Python process the child was forked from (about 13 MB): an upper bound,
good for "stays below 200 MB", marked "maxrss_exact": false.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def main():
    args = sys.argv[1:]
    kill_after = None
    if args[:1] == ["--kill-after"]:
        kill_after = float(args[1])
        args = args[2:]
    if len(args) < 3 or args[1] != "--":
        sys.exit("usage: measure.py [--kill-after SEC] OUT.json -- COMMAND [ARG...]")
    out, cmd = args[0], args[2:]
    rss_file = None
    if os.access(GNU_TIME, os.X_OK) and not os.environ.get("MEASURE_NO_GNU_TIME"):
        fd, rss_file = tempfile.mkstemp(prefix="measure-")
        os.close(fd)
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd
    t0 = time.monotonic()
    # A session of its own: a kill reaches the command, not only GNU time.
    p = subprocess.Popen(cmd, start_new_session=True)
    killed = []

    def on_alarm(signum, frame):
        killed.append(True)
        os.killpg(p.pid, signal.SIGKILL)
    if kill_after is not None:
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, kill_after)
    # wait4 is retried after the alarm's handler (PEP 475) and returns once
    # the child is gone; its rusage is the child's (and GNU time's, a trifle).
    _, status, ru = os.wait4(p.pid, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    wall = time.monotonic() - t0
    if os.WIFSIGNALED(status):
        code = 128 + os.WTERMSIG(status)
    else:
        code = os.WEXITSTATUS(status)
    maxrss, exact = ru.ru_maxrss, False
    if rss_file:
        try:
            lines = open(rss_file).read().split()
            maxrss, exact = int(lines[-1]), True
        except (OSError, ValueError, IndexError):
            pass
        os.unlink(rss_file)
    with open(out, "w") as f:
        json.dump({"status": code, "signal": code - 128 if code > 128 else None, "killed": bool(killed),
                   "wall_s": round(wall, 3), "user_s": round(ru.ru_utime, 3), "sys_s": round(ru.ru_stime, 3),
                   "maxrss_kb": maxrss, "maxrss_exact": exact}, f)
        f.write("\n")
    sys.exit(code)


main()
