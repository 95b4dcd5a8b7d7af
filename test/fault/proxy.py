#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 proxy on loopback, for the fault suite of the s3 rock.

It listens on 127.0.0.1, forwards every client connection to one upstream (the test S3 server)
and parses both directions as HTTP/1.1 (request and response heads, Content-Length and chunked
bodies, 100-continue, keep-alive), so that a fault can hit one request of a keep-alive connection
at an exact byte of its response (or request) body. Python 3.11 standard library only.

    proxy.py --upstream http://127.0.0.1:8000 [--mode 'reset after=1000 method=GET count=1']

The first stdout line is the proxy port, the second the control port; nothing else goes to
stdout. The control port takes one-line commands and answers each with one JSON line:

    mode NAME [key=value ...]   set the fault for requests that start from now on; zeroes stats
    stats                       counters: connections, requests, methods, faults, ...
    reset                       zero the counters
    log                         the last requests seen
    ping | quit

See test/fault/README.md for the modes and their parameters.
"""

import argparse
import asyncio
import collections
import email.utils
import json
import os
import signal
import socket
import struct
import sys
import time

MAX_HEAD = 1 << 20
# The client side's StreamReader limit: a request head may be this long, and the proxy reads at
# most twice this much ahead of what it forwarded (so a trickled upload really is slow).
CLIENT_LIMIT = 16 << 10
# How long a stalled connection is kept open at most when the client does not go away.
MAX_STALL = 300.0

MODES = ("pass", "reset", "stall", "blackhole", "truncate", "slowdown", "internal", "trickle", "stale")
# Parameters each mode accepts besides the common method=, path=, count=.
MODE_PARAMS = {
    "pass": set(),
    "reset": {"after", "dir", "at"},
    "stall": {"after", "dir", "at"},
    "truncate": {"after", "dir", "at"},
    "blackhole": set(),
    "slowdown": set(),
    "internal": set(),
    "trickle": {"rate", "dir", "at"},
    "stale": {"idle", "close", "how"},
}

TCP_ESTABLISHED = 1


class Fault:
    """One fault: what to do, where, to which requests, how many times."""

    def __init__(self, words):
        if not words:
            raise ValueError("mode: missing mode name")
        self.name = words[0]
        if self.name not in MODES:
            raise ValueError(f"unknown mode '{self.name}' (one of: {', '.join(MODES)})")
        self.methods = None  # None: every method
        self.path = None  # substring of the request target
        self.count = None  # None: unlimited; else faults left to hand out
        self.after = 0
        self.dir = "response"
        self.at = "body"
        self.rate = 65536
        self.idle = 0.2
        self.close = "idle"
        self.how = "fin"
        allowed = MODE_PARAMS[self.name] | {"method", "path", "count"}
        for w in words[1:]:
            if "=" not in w:
                raise ValueError(f"bad parameter '{w}' (want key=value)")
            k, v = w.split("=", 1)
            if k not in allowed:
                raise ValueError(f"mode {self.name} takes no parameter '{k}' (takes: {', '.join(sorted(allowed))})")
            if k == "method":
                self.methods = {m.upper() for m in v.split(",") if m}
            elif k == "path":
                self.path = v
            elif k == "count":
                self.count = None if v in ("inf", "always") else int(v)
            elif k == "after":
                self.after = int(v)
            elif k == "rate":
                self.rate = int(v)
                if self.rate <= 0:
                    raise ValueError("rate must be > 0")
            elif k == "idle":
                self.idle = float(v)
            elif k in ("dir", "at", "close", "how"):
                choices = {"dir": ("response", "request"), "at": ("body", "head"),
                           "close": ("idle", "reuse"), "how": ("fin", "rst")}[k]
                if v not in choices:
                    raise ValueError(f"{k} must be one of {', '.join(choices)}")
                setattr(self, k, v)
        if self.after < 0:
            raise ValueError("after must be >= 0")

    def describe(self):
        d = {"name": self.name, "count": self.count if self.count is not None else "inf"}
        if self.methods is not None:
            d["method"] = ",".join(sorted(self.methods))
        if self.path is not None:
            d["path"] = self.path
        params = MODE_PARAMS[self.name]
        for k in ("after", "dir", "at", "rate", "idle", "close", "how"):
            if k in params:
                d[k] = getattr(self, k)
        return d

    def matches(self, method, target):
        if self.name == "pass":
            return False
        if self.methods is not None and method not in self.methods:
            return False
        if self.path is not None and self.path not in target:
            return False
        return True

    def take(self):
        """Hands out one fault if any is left."""
        if self.count is None:
            return True
        if self.count > 0:
            self.count -= 1
            return True
        return False


class Stats:
    def __init__(self):
        self.zero()

    def zero(self):
        self.connections = 0  # client connections accepted
        self.requests = 0  # request heads read
        self.methods = collections.Counter()  # requests per method
        self.faulted = collections.Counter()  # requests a fault was handed to, per method
        self.faults = 0  # faults that actually fired
        self.upstream_connections = 0
        self.responses = collections.Counter()  # complete responses passed to clients, per status
        self.log = collections.deque(maxlen=200)

    def as_dict(self, open_connections):
        return {
            "connections": self.connections,
            "open": open_connections,
            "requests": self.requests,
            "methods": dict(self.methods),
            "faulted": dict(self.faulted),
            "faults": self.faults,
            "upstream_connections": self.upstream_connections,
            "responses": {str(k): v for k, v in self.responses.items()},
        }


class Triggered(Exception):
    """A fault fired: action is 'reset', 'stall' or 'close'."""

    def __init__(self, action):
        super().__init__(action)
        self.action = action


class PeerGone(Exception):
    """One side closed or broke the connection mid-message."""


class Head:
    def __init__(self, raw):
        self.raw = raw
        lines = raw[:-4].split(b"\r\n")
        self.start = lines[0].decode("latin-1")
        self.headers = {}
        for line in lines[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                self.headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")

    def header(self, name):
        return self.headers.get(name)

    def wants_close(self):
        conn = (self.header("connection") or "").lower()
        return "close" in conn or self.start.endswith("HTTP/1.0") or self.start.startswith("HTTP/1.0")

    def chunked(self):
        return "chunked" in (self.header("transfer-encoding") or "").lower()

    def content_length(self):
        v = self.header("content-length")
        return int(v) if v is not None else None


def set_unbuffered(writer):
    # drain() then waits until every byte is in the kernel: a fault after N bytes really sends N.
    writer.transport.set_write_buffer_limits(high=0, low=0)


def rst(writer):
    """Closes with a TCP RST: SO_LINGER {on, 0}, then close."""
    try:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


def tcp_state(writer):
    try:
        sock = writer.get_extra_info("socket")
        return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
    except OSError:
        return 0


async def read_head(reader):
    """A message head up to and including the blank line; None on a clean EOF before it."""
    try:
        return Head(await reader.readuntil(b"\r\n\r\n"))
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise PeerGone("EOF inside a message head")
    except asyncio.LimitOverrunError:
        raise PeerGone("message head too long")


class Gate:
    """Writes one message (one direction of one request) and applies a fault at its byte."""

    def __init__(self, writer, fault, direction, on_fire=None):
        self.writer = writer
        self.on_fire = on_fire
        self.action = None
        self.rate = None
        self.at = "body"
        self.after = 0
        if fault is not None and fault.dir == direction:
            if fault.name in ("reset", "stall", "truncate"):
                self.action = {"reset": "reset", "stall": "stall", "truncate": "close"}[fault.name]
                self.after = fault.after
                self.at = fault.at
            elif fault.name == "trickle":
                self.rate = fault.rate
                self.at = fault.at
        self.counted = 0
        self.t0 = None

    async def head(self, data):
        await self._emit(data, self.at == "head")

    async def body(self, data):
        await self._emit(data, True)

    async def _emit(self, data, counted):
        if counted and self.action is not None:
            room = self.after - self.counted
            if len(data) > room:
                if room > 0:
                    self.writer.write(data[:room])
                    await self.writer.drain()
                self.counted += max(room, 0)
                raise Triggered(self.action)
        if counted and self.rate is not None:
            await self._trickle(data)
        else:
            self.writer.write(data)
            await self.writer.drain()
        if counted:
            self.counted += len(data)

    async def _trickle(self, data):
        if self.t0 is None:
            self.t0 = time.monotonic()
            if self.on_fire is not None:
                self.on_fire()
        step = max(1, self.rate // 20)
        for i in range(0, len(data), step):
            piece = data[i:i + step]
            due = self.t0 + (self.counted + i) / self.rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.writer.write(piece)
            await self.writer.drain()


async def copy_fixed(reader, gate, n):
    while n > 0:
        chunk = await reader.read(min(n, 65536))
        if not chunk:
            raise PeerGone("EOF inside a body")
        n -= len(chunk)
        await gate.body(chunk)


async def copy_chunked(reader, gate):
    try:
        while True:
            line = await reader.readuntil(b"\r\n")
            await gate.body(line)
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:
                    trailer = await reader.readuntil(b"\r\n")
                    await gate.body(trailer)
                    if trailer == b"\r\n":
                        return
            await copy_fixed(reader, gate, size + 2)
    except asyncio.IncompleteReadError:
        raise PeerGone("EOF inside a chunked body")


async def copy_until_eof(reader, gate):
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            return
        await gate.body(chunk)


def xml_error(code, message, request_id):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{request_id}</RequestId><HostId>fault-proxy</HostId></Error>"
    ).encode()


class Proxy:
    def __init__(self, upstream_host, upstream_port, fault, log_file):
        self.upstream = (upstream_host, upstream_port)
        self.fault = fault
        self.stats = Stats()
        self.open = 0
        self.log_file = log_file
        self.request_seq = 0
        self.stopped = asyncio.Event()

    def log(self, msg):
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        self.stats.log.append(line)
        if self.log_file is not None:
            self.log_file.write(line + "\n")
            self.log_file.flush()

    # --- client connections -------------------------------------------------------------------

    async def handle_client(self, creader, cwriter):
        self.stats.connections += 1
        self.open += 1
        conn_id = self.stats.connections
        set_unbuffered(cwriter)
        up = {"reader": None, "writer": None}
        try:
            await self.serve(conn_id, creader, cwriter, up)
        except (PeerGone, ConnectionError, OSError, asyncio.IncompleteReadError) as e:
            self.log(f"conn {conn_id}: {type(e).__name__}: {e}")
        except Exception as e:  # a bug or a malformed message: drop this connection, keep serving
            self.log(f"conn {conn_id}: unexpected {type(e).__name__}: {e!r}")
        finally:
            self.open -= 1
            if up["writer"] is not None:
                up["writer"].transport.abort()
            if not cwriter.transport.is_closing():
                cwriter.transport.abort()

    async def serve(self, conn_id, creader, cwriter, up):
        stale = None  # the stale Fault armed on this connection by its last response
        while True:
            if stale is not None:
                f, stale = stale, None
                try:
                    # Cancelling readuntil() loses nothing: the buffer is consumed only on a match.
                    head = await asyncio.wait_for(read_head(creader), f.idle)
                except asyncio.TimeoutError:
                    head = await self.go_stale(conn_id, creader, cwriter, f)
                    if head is False:
                        return
            else:
                head = await read_head(creader)
            if head is None:
                return
            parts = head.start.split(" ")
            if len(parts) != 3:
                raise PeerGone(f"bad request line {head.start!r}")
            method, target = parts[0].upper(), parts[1]
            self.stats.requests += 1
            self.stats.methods[method] += 1
            self.request_seq += 1
            rid = self.request_seq
            fault = self.fault
            mine = None
            if fault.matches(method, target) and fault.name != "stale" and fault.take():
                mine = fault
                self.stats.faulted[method] += 1
            self.log(f"conn {conn_id} req {rid}: {method} {target}" +
                     (f" <- {mine.name}" if mine is not None else ""))

            if mine is not None and mine.name == "blackhole":
                self.stats.faults += 1
                await self.stall(cwriter, up)
                return
            if mine is not None and mine.name in ("slowdown", "internal"):
                self.stats.faults += 1
                keep = await self.answer_error(creader, cwriter, head, method, mine.name, rid)
                if not keep:
                    await self.close_client(cwriter, "fin")
                    return
                continue

            if up["writer"] is None:
                ur, uw = await asyncio.open_connection(*self.upstream, limit=MAX_HEAD)
                set_unbuffered(uw)
                up["reader"], up["writer"] = ur, uw
                self.stats.upstream_connections += 1
            try:
                keep, status = await self.exchange(creader, cwriter, up["reader"], up["writer"], head, method, mine)
            except Triggered as t:
                self.stats.faults += 1
                self.log(f"conn {conn_id} req {rid}: {mine.name} fired ({t.action})")
                if t.action == "reset":
                    up["writer"].transport.abort()
                    rst(cwriter)
                elif t.action == "close":
                    up["writer"].transport.abort()
                    await self.close_client(cwriter, "fin")
                else:
                    await self.stall(cwriter, up)
                return
            self.stats.responses[status] += 1
            if not keep:
                await self.close_client(cwriter, "fin")
                return
            if fault.name == "stale" and fault.matches(method, target) and (fault.count is None or fault.count > 0):
                stale = fault

    async def go_stale(self, conn_id, creader, cwriter, f):
        """The connection has been idle f.idle seconds after a response: close it now
        (close=idle) or at its next request, unanswered (close=reuse). Returns False when the
        connection is done, or the next request head when no stale fault is left."""
        if not f.take():
            return await read_head(creader)
        self.stats.faults += 1
        if f.close == "idle":
            self.log(f"conn {conn_id}: stale: idle {f.idle} s, closing it ({f.how})")
            await self.close_client(cwriter, f.how)
            return False
        self.log(f"conn {conn_id}: stale: idle {f.idle} s, its next request gets no answer")
        head = await read_head(creader)
        if head is not None:
            self.stats.requests += 1
            self.stats.methods[head.start.split(" ")[0].upper()] += 1
            self.log(f"conn {conn_id}: stale: {head.start!r} unanswered, closing ({f.how})")
        await self.close_client(cwriter, f.how)
        return False

    async def exchange(self, creader, cwriter, ureader, uwriter, head, method, fault):
        """Forwards one request and its response. Returns (keep_alive, status)."""
        def fired():
            self.stats.faults += 1

        req_gate = Gate(uwriter, fault, "request", fired)
        resp_gate = Gate(cwriter, fault, "response", fired)

        async def request_side():
            await req_gate.head(head.raw)
            if head.chunked():
                await copy_chunked(creader, req_gate)
            else:
                n = head.content_length() or 0
                await copy_fixed(creader, req_gate, n)

        async def response_side():
            while True:
                rhead = await read_head(ureader)
                if rhead is None:
                    raise PeerGone("upstream closed before answering")
                try:
                    status = int(rhead.start.split(" ")[1])
                except (IndexError, ValueError):
                    raise PeerGone(f"bad status line {rhead.start!r}")
                await resp_gate.head(rhead.raw)
                if 100 <= status < 200 and status != 101:
                    continue
                break
            until_eof = False
            if method == "HEAD" or status in (204, 304):
                pass
            elif rhead.chunked():
                await copy_chunked(ureader, resp_gate)
            elif rhead.content_length() is not None:
                await copy_fixed(ureader, resp_gate, rhead.content_length())
            else:
                until_eof = True
                await copy_until_eof(ureader, resp_gate)
            return (not (until_eof or rhead.wants_close())), status

        req_task = asyncio.create_task(request_side())
        resp_task = asyncio.create_task(response_side())
        try:
            done, _ = await asyncio.wait({req_task, resp_task}, return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                if t.exception() is not None:
                    raise t.exception()
            if not req_task.done():
                # The server answered before the request body was in: the stream is out of step.
                _, status = resp_task.result()
                return False, status
            keep, status = await resp_task
            return keep and not head.wants_close(), status
        finally:
            for t in (req_task, resp_task):
                if not t.done():
                    t.cancel()
                    try:
                        await t
                    except BaseException:
                        pass

    async def answer_error(self, creader, cwriter, head, method, kind, rid):
        """Answers a request with 503 SlowDown or 500 InternalError without asking upstream."""
        expect = "100-continue" in (head.header("expect") or "").lower()
        keep = not head.wants_close() and not expect and not head.chunked()
        if not expect:
            if head.chunked():
                class Sink:
                    async def body(self, data):
                        pass
                await copy_chunked(creader, Sink())
            else:
                n = head.content_length() or 0
                while n > 0:
                    chunk = await creader.read(min(n, 65536))
                    if not chunk:
                        raise PeerGone("EOF inside a request body")
                    n -= len(chunk)
        if kind == "slowdown":
            status, reason, code, message = 503, "Slow Down", "SlowDown", "Please reduce your request rate."
        else:
            status, reason, code, message = (500, "Internal Server Error", "InternalError",
                                             "We encountered an internal error. Please try again.")
        request_id = f"fault-proxy-{rid}"
        body = xml_error(code, message, request_id)
        lines = [
            f"HTTP/1.1 {status} {reason}",
            "Content-Type: application/xml",
            f"Content-Length: {len(body)}",
            f"x-amz-request-id: {request_id}",
            f"Date: {email.utils.formatdate(usegmt=True)}",
            "Connection: " + ("keep-alive" if keep else "close"),
        ]
        cwriter.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        if method != "HEAD":
            cwriter.write(body)
        await cwriter.drain()
        self.stats.responses[status] += 1
        return keep

    async def close_client(self, cwriter, how):
        if how == "rst":
            rst(cwriter)
            return
        try:
            await cwriter.drain()
            cwriter.close()
            await cwriter.wait_closed()
        except (ConnectionError, OSError):
            cwriter.transport.abort()

    async def stall(self, cwriter, up):
        """Sends nothing more and reads nothing more; ends when the client goes away."""
        if up["writer"] is not None:
            up["writer"].transport.abort()
            up["writer"] = None
        cwriter.transport.pause_reading()
        deadline = time.monotonic() + MAX_STALL
        while time.monotonic() < deadline and not self.stopped.is_set():
            if tcp_state(cwriter) != TCP_ESTABLISHED:
                break
            await asyncio.sleep(0.05)
        cwriter.transport.abort()

    # --- control channel ----------------------------------------------------------------------

    async def handle_control(self, reader, writer):
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                words = line.decode("utf-8", "replace").split()
                if not words:
                    continue
                reply = self.command(words)
                writer.write((json.dumps(reply) + "\n").encode())
                await writer.drain()
                if words[0] == "quit":
                    self.stopped.set()
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    def command(self, words):
        cmd = words[0]
        try:
            if cmd == "mode":
                fault = Fault(words[1:])
                self.fault = fault
                self.stats.zero()
                self.log(f"mode {fault.describe()}")
                return {"ok": True, "mode": fault.describe()}
            if cmd == "stats":
                d = self.stats.as_dict(self.open)
                d["ok"] = True
                d["mode"] = self.fault.describe()
                return d
            if cmd == "reset":
                self.stats.zero()
                return {"ok": True}
            if cmd == "log":
                return {"ok": True, "log": list(self.stats.log)}
            if cmd in ("ping", "quit"):
                return {"ok": True}
            return {"ok": False, "error": f"unknown command '{cmd}'"}
        except ValueError as e:
            return {"ok": False, "error": str(e)}


def parse_upstream(s):
    if "://" in s:
        scheme, rest = s.split("://", 1)
        if scheme != "http":
            raise ValueError("only http upstreams are supported")
        s = rest.split("/", 1)[0]
    host, _, port = s.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"upstream must be host:port or http://host:port, got '{s}'")
    return host, int(port)


async def main():
    ap = argparse.ArgumentParser(description="fault-injecting HTTP/1.1 proxy (see test/fault/README.md)")
    ap.add_argument("--upstream", default=os.environ.get("S3_ENDPOINT"),
                    help="host:port or http://host:port (default: $S3_ENDPOINT)")
    ap.add_argument("--port", type=int, default=0, help="proxy port on 127.0.0.1 (0: a free one)")
    ap.add_argument("--control-port", type=int, default=0, help="control port (0: a free one)")
    ap.add_argument("--mode", default="pass", help="initial mode, e.g. 'reset after=100 method=GET'")
    ap.add_argument("--rcvbuf", type=int, default=0,
                    help="SO_RCVBUF of client connections (bounds what a client can send ahead)")
    ap.add_argument("--log", help="append one line per request and event to this file")
    ap.add_argument("--exit-on-stdin-eof", action="store_true",
                    help="exit when stdin closes (a harness holding a pipe never leaves us behind)")
    args = ap.parse_args()
    if not args.upstream:
        ap.error("--upstream is required (or set S3_ENDPOINT)")
    try:
        host, port = parse_upstream(args.upstream)
        fault = Fault(args.mode.split())
    except ValueError as e:
        ap.error(str(e))

    log_file = open(args.log, "a", buffering=1) if args.log else None
    if log_file is not None:
        sys.stderr = log_file
    proxy = Proxy(host, port, fault, log_file)
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.rcvbuf:
        # Set before listen(): accepted sockets inherit it and the window is small from the SYN on.
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    lsock.bind(("127.0.0.1", args.port))
    server = await asyncio.start_server(proxy.handle_client, sock=lsock, limit=CLIENT_LIMIT)
    control = await asyncio.start_server(proxy.handle_control, "127.0.0.1", args.control_port)
    sys.stdout.write(f"{server.sockets[0].getsockname()[1]}\n{control.sockets[0].getsockname()[1]}\n")
    sys.stdout.flush()
    proxy.log(f"listening on {server.sockets[0].getsockname()[1]}, control "
              f"{control.sockets[0].getsockname()[1]}, upstream {host}:{port}, mode {fault.describe()}")

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, proxy.stopped.set)
    if args.exit_on_stdin_eof:
        stdin_reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin_reader), sys.stdin)

        async def watch_stdin():
            while await stdin_reader.read(4096):
                pass
            proxy.stopped.set()

        asyncio.create_task(watch_stdin())
    await proxy.stopped.wait()
    server.close()
    control.close()
    proxy.log("stopped")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
