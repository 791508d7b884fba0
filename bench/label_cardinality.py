#!/usr/bin/env python3
"""Metric label cardinality under invented methods and paths (loopback only, bounded).

Sends N requests (default 10,000) with random made-up methods and random paths to a
running server's HTTP port, then reports the size of GET /metrics and the server's RSS
before and after, as ratios. Flat means both ratios stay near 1.0.

Usage: bench/label_cardinality.py HTTP_PORT METRICS_PORT PID [N]
"""
import random
import socket
import sys
import time
import urllib.request


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def metrics_bytes(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as r:
        return len(r.read())


def send_one(port, rng):
    method = "M" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(5, 60)))
    path = "/" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789/") for _ in range(rng.randint(1, 80)))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        while s.recv(4096):
            pass


def main():
    http_port, metrics_port, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
    rng = random.Random(42)
    for _ in range(200):  # warm up: every fixed series exists before the baseline
        send_one(http_port, rng)
    m0, r0 = metrics_bytes(metrics_port), rss_kib(pid)
    deadline = time.monotonic() + 300
    sent = 0
    while sent < n and time.monotonic() < deadline:
        send_one(http_port, rng)
        sent += 1
    m1, r1 = metrics_bytes(metrics_port), rss_kib(pid)
    print(f"requests sent: {sent} (random methods and paths)")
    print(f"/metrics bytes: {m0} -> {m1} (ratio {m1 / m0:.3f})")
    print(f"server RSS KiB: {r0} -> {r1} (ratio {r1 / r0:.3f})")


if __name__ == "__main__":
    main()
