#!/usr/bin/env python3
"""Deterministic JSON-lines log corpus for the `day2 logs` benchmark.

usage: gen.py OUT SIZE_MB
Lines mimic real service logs: most carry the Golden Rule's fields under
different spellings (flat, OpenTelemetry dotted, Fluent Bit nested), some
miss fields, some are plain text.
"""
import random, sys

out, size_mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
target = size_mb * 1024 * 1024
pods = [f"checkout-7d9f{rng.randrange(16**4):04x}-{rng.randrange(36**5):05x}" for _ in range(200)]
nodes = [f"ip-10-0-{rng.randrange(255)}-{rng.randrange(255)}.ec2.internal" for _ in range(40)]
zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
msgs = ["request served", "cache miss", "db query slow", "payment authorised", "retrying upstream call"]

def line(i):
    k = i % 10
    tid = f"{rng.getrandbits(128):032x}"
    p, n, z = rng.choice(pods), rng.choice(nodes), rng.choice(zones)
    m = rng.choice(msgs)
    if k < 5:
        return f'{{"ts":"2026-01-01T09:00:{i%60:02d}.{i%1000:03d}Z","level":"info","msg":"{m}","trace_id":"{tid}","pod_name":"{p}","node_name":"{n}","namespace":"shop","zone":"{z}","latency_ms":{rng.randrange(1,900)},"path":"/api/v1/cart/{i}"}}'
    if k < 7:
        return f'{{"timestamp":"2026-01-01T09:00:00Z","severity":"INFO","body":"{m}","traceId":"{tid}","k8s.pod.name":"{p}","k8s.node.name":"{n}","k8s.namespace.name":"shop","cloud.availability_zone":"{z}"}}'
    if k < 9:
        return f'{{"log":"{m}","stream":"stdout","kubernetes":{{"pod_name":"{p}","namespace_name":"shop","host":"{n}","labels":{{"app":"checkout","tier":"backend"}}}},"trace_id":"{tid}"}}'
    return f"2026-01-01 09:00:00 INFO {m} user={i % 977}"

with open(out, "w") as f:
    written, i, buf = 0, 0, []
    while written < target:
        s = line(i) + "\n"
        buf.append(s)
        written += len(s)
        i += 1
        if len(buf) >= 10000:
            f.write("".join(buf)); buf = []
    f.write("".join(buf))
