#!/usr/bin/env python3
"""A TCP proxy with a bandwidth cap per connection and direction: stands in for S3's limit per
connection in bench/run.sh (an S3 client gets about the cap from one stream, N times it from N).

    python3 bench/lib/capped_proxy.py --listen PORT --target HOST:PORT --rate MiB_PER_S [--burst S]
        [--port-file F]

Every accepted connection gets its own connection to the target and two pumps (client ->
target, target -> client; a thread each, moving the bytes with splice(2)), each with its own
token bucket of --rate MiB/s. A pump reads no more while it waits for tokens, so TCP
back-pressure holds the sender to the cap; nothing is buffered beyond one chunk (64 KiB).

The bucket holds --burst seconds of credit (0.25 s by default; a fresh connection starts with
none). With 48 pump threads on a loaded 2-core machine a pump's sleep overruns by tens of ms;
with a bucket of one chunk (15 ms at 4 MiB/s) every overrun was lost for good and 24 parallel
streams got 0.82 of the cap each, so the rig, not the client, was measured. A deeper bucket
makes up a late wake-up, as nginx's limit_rate (an average since the response began) does; one
stream's long-run rate is still the cap.
--rate 0 means uncapped. Bytes pass through unchanged (the Host header too), so SigV4 signatures
made for the proxy's host:port still match at an S3 server behind it that sees the same Host.
Standard library only.
"""
import argparse
import fcntl
import os
import socket
import sys
import threading
import time

CHUNK = 64 * 1024
F_SETPIPE_SZ = 1031
HAVE_SPLICE = hasattr(os, "splice")


def pump(src, dst, rate, burst, done):
    """Copies src -> dst at most `rate` bytes/s (0: no cap), then half-closes dst. splice(2)
    through a pipe where there is one: the proxy copies nothing through user space."""
    due = time.monotonic()
    sfd, dfd = src.fileno(), dst.fileno()
    pr = pw = -1
    failed = False
    try:
        if HAVE_SPLICE:
            pr, pw = os.pipe()
            try:
                fcntl.fcntl(pw, F_SETPIPE_SZ, CHUNK)
            except OSError:
                pass
        while True:
            if HAVE_SPLICE:
                n = os.splice(sfd, pw, CHUNK)
                if n == 0:
                    break
                left = n
                while left:
                    left -= os.splice(pr, dfd, left)
            else:
                data = src.recv(CHUNK)
                if not data:
                    break
                dst.sendall(data)
                n = len(data)
            if rate:
                now = time.monotonic()
                # the bucket holds at most `burst` seconds of credit
                due = max(due, now - burst) + n / rate
                if due > now:
                    time.sleep(due - now)
    except OSError:
        failed = True
    finally:
        for fd in (pr, pw):
            if fd >= 0:
                os.close(fd)
        try:
            if failed:   # wake the other direction too
                src.shutdown(socket.SHUT_RDWR)
                dst.shutdown(socket.SHUT_RDWR)
            else:
                dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        done()


def handle(client, target, rate, burst):
    try:
        upstream = socket.create_connection(target)
    except OSError:
        client.close()
        return
    for s in (client, upstream):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    left = [2]
    lock = threading.Lock()

    def done():
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            client.close()
            upstream.close()

    for a, b in ((client, upstream), (upstream, client)):
        threading.Thread(target=pump, args=(a, b, rate, burst, done), daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    p.add_argument("--target", required=True, help="HOST:PORT")
    p.add_argument("--rate", type=float, required=True, help="MiB/s per connection and direction, 0: uncapped")
    p.add_argument("--burst", type=float, default=0.25,
                   help="seconds of credit a bucket holds at most (makes up late wake-ups)")
    p.add_argument("--port-file", help="write the port listened on here once listening")
    a = p.parse_args()
    host, port = a.target.rsplit(":", 1)
    rate = a.rate * 1024 * 1024
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.listen))
    ls.listen(1024)
    actual = ls.getsockname()[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(f"{actual}\n")
        os.replace(a.port_file + ".tmp", a.port_file)
    print(f"capped_proxy: 127.0.0.1:{actual} -> {a.target}, {a.rate:g} MiB/s per connection and direction"
          f"{' (splice)' if HAVE_SPLICE else ''}", file=sys.stderr, flush=True)
    while True:
        c, _ = ls.accept()
        handle(c, (host, int(port)), rate, a.burst)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
