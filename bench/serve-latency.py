#!/usr/bin/env python3
"""How long `bantin serve` takes to show a saved change: starts the server on a site, listens
to its live-reload events as an open page does, then RUNS times saves a bulletin (dated
newest, so the home page lists it) with a new title, and times when the page is told to
reload and when the page it then loads (once, as a browser does) shows the title. Prints
median/min/max milliseconds. Nothing polls the server while it rebuilds: a client asking
for the page hundreds of times a second would take processor time from the build it times.

    bench/serve-latency.py BANTIN SITE_DIR [RUNS]
"""
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

bantin, site = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
probe = os.path.join(site, "content", "zz-latency-probe.md")
server = subprocess.Popen([bantin, "--root", site, "serve", "--port", "0"], stdout=subprocess.PIPE,
                          stderr=open(os.environ.get("SERVE_LOG", os.devnull), "w"), text=True)
try:
    port = None
    for line in server.stdout:
        m = re.search(r"http://[^:]+:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        sys.exit("serve did not start")
    # Keep reading what serve prints, so that it never blocks on a full pipe.
    log = []
    threading.Thread(target=lambda: log.extend(server.stdout), daemon=True).start()
    url = f"http://127.0.0.1:{port}/"
    # The live-reload stream an open page listens to; its events are read on a thread.
    events = socket.create_connection(("127.0.0.1", port))
    events.sendall(b"GET /__bantin/events HTTP/1.1\r\nHost: bench\r\n\r\n")
    reloads = []
    reloaded = threading.Condition()

    def read_events():
        buf = b""
        while True:
            chunk = events.recv(4096)
            if not chunk:
                return
            buf += chunk
            while b"event: reload\n" in buf:
                with reloaded:
                    reloads.append(time.monotonic())
                    reloaded.notify_all()
                buf = buf.split(b"event: reload\n", 1)[1]
    threading.Thread(target=read_events, daemon=True).start()

    def page():
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")

    times, reload_times = [], []
    for i in range(runs + 1):
        title = f"Đo độ trễ {i} {time.time_ns()}"
        with open(probe, "w", encoding="utf-8") as f:
            f.write(f'---\ntitle: "{title}"\ndate: 2099-01-01\n---\nNội dung đo độ trễ.\n')
        start = time.monotonic()
        seen_reloads = len(reloads)
        # Each reload event, the page loads again; until it shows the change (a rebuild that
        # began before the save was written would reload it without).
        while True:
            with reloaded:
                if not reloaded.wait_for(lambda: len(reloads) > seen_reloads, timeout=120):
                    sys.exit("no reload event; serve said:\n" + "".join(log[-10:]))
                event = reloads[seen_reloads]
                seen_reloads = len(reloads)
            if title in page():
                shown = time.monotonic()
                break
        if i > 0:  # the first save adds the bulletin; the rest edit it
            times.append((shown - start) * 1000)
            reload_times.append((event - start) * 1000)
        time.sleep(0.6)
    for label, t in [("serve: save → reload event", reload_times), ("serve: save → reloaded page shows it", times)]:
        if not t:
            sys.exit(f"{label}: never happened")
        t.sort()
        print(f"{label:<38} median {statistics.median(t):7.0f} ms  (min {t[0]:.0f}, max {t[-1]:.0f})")
finally:
    server.terminate()
    server.wait()
    if os.path.exists(probe):
        os.remove(probe)
