#!/usr/bin/env python3
"""Prints N distinct free TCP ports on 127.0.0.1 (default 1), below the ephemeral range, so that
servers started on them do not collide with the kernel's outgoing connections."""
import random
import socket
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 1
picked = []
while len(picked) < count:
    port = random.randint(20000, 32000)
    if port in picked:
        continue
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    picked.append(port)
print(*picked)
