#!/usr/bin/python3.11
"""Real libtorrent DHT nodes on 127.0.0.1, scripted over stdin/stdout, for peerdex's interop tests.

    /usr/bin/python3.11 Tests/Interop/libtorrent_dht.py [--nodes N] [--port P] [--bootstrap 127.0.0.1:PORT]...
    /usr/bin/python3.11 Tests/Interop/libtorrent_dht.py --self-test
    /usr/bin/python3.11 Tests/Interop/libtorrent_dht.py --capture Tests/Interop/libtorrent-packets.txt

Starts N libtorrent sessions (one Mainline DHT node each) bound to 127.0.0.1, joins them to each
other and to every --bootstrap node, prints {"ready": true, ...} and then answers one JSON command
per stdin line with one JSON line on stdout. Logs go to stderr. Tests/Interop/README.md (section
"libtorrent DHT driver") documents the commands and why each libtorrent setting is needed.

Debian's python3-libtorrent imports only in Debian's /usr/bin/python3.11; Ed25519 comes from
Debian's python3-cryptography (scripts/install-deps.sh installs both).
"""
import argparse, faulthandler, hashlib, json, os, queue, select, socket, subprocess, sys, tempfile, threading, time

try:
    import libtorrent as lt
except ImportError:
    sys.exit("libtorrent_dht.py: cannot import libtorrent: run it with /usr/bin/python3.11 "
             "after `apt-get install python3-libtorrent` (scripts/install-deps.sh)")
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

K = 8  # replicas of a put / announce, as libtorrent


def log(*parts):
    print("libtorrent_dht:", *parts, file=sys.stderr, flush=True)


def require_loopback(host):
    # Every socket here is bound to 127.0.0.1 (Linux refuses to route from it to anywhere else);
    # this check only makes a wrong address an error instead of a silent drop.
    if not host.startswith("127."):
        raise ValueError(f"refusing a non-loopback address: {host}")
    return host


# ---- Bencoding. Own code, so the bytes of a BEP 44 `v` pass through exactly as received. ----

class Raw(bytes):
    """Already bencoded bytes, written out verbatim."""


def bencode(x):
    if isinstance(x, Raw):
        return bytes(x)
    if isinstance(x, int):
        return b"i%de" % x
    if isinstance(x, str):
        x = x.encode()
    if isinstance(x, (bytes, bytearray)):
        return b"%d:%s" % (len(x), x)
    if isinstance(x, list):
        return b"l" + b"".join(map(bencode, x)) + b"e"
    if isinstance(x, dict):
        keys = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in x.items())
        if len({k for k, _ in keys}) != len(keys):
            raise ValueError("duplicate key")
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in keys) + b"e"
    raise TypeError(type(x))


class BDict(dict):
    """A decoded dictionary that keeps each value's raw bytes in `raw`."""


def bdecode(buf):
    def parse(i):
        c = buf[i:i + 1]
        if c == b"i":
            j = buf.index(b"e", i)
            return int(buf[i + 1:j]), j + 1
        if c in (b"l", b"d"):
            out, i = [] if c == b"l" else BDict(), i + 1
            if c == b"d":
                out.raw = {}
            while buf[i:i + 1] != b"e":
                if i >= len(buf):
                    raise ValueError("truncated")
                if c == b"l":
                    v, i = parse(i)
                    out.append(v)
                else:
                    k, i = parse(i)
                    start = i
                    out[k], i = parse(i)
                    out.raw[k] = buf[start:i]
            return out, i + 1
        if c.isdigit():
            j = buf.index(b":", i)
            n = int(buf[i:j])
            if j + 1 + n > len(buf):
                raise ValueError("truncated string")
            return buf[j + 1:j + 1 + n], j + 1 + n
        raise ValueError(f"bad bencoding at {i}")
    value, end = parse(0)
    if end != len(buf):
        raise ValueError("trailing bytes")
    return value


# ---- BEP 44 ----

class Keys:
    def __init__(self, seed):
        self.private = Ed25519PrivateKey.from_private_bytes(seed)
        self.public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        # libtorrent's ed25519 (orlp) takes the expanded 64-byte secret key: SHA-512(seed) with
        # the scalar half clamped. Its signatures equal RFC 8032's over the seed.
        h = bytearray(hashlib.sha512(seed).digest())
        h[0] &= 248
        h[31] = (h[31] & 63) | 64
        self.lt_secret = bytes(h)


def hex_arg(cmd, name, size=None, default=None):
    """A hex argument of a command, checked: the binding reads past a short key without a word."""
    value = bytes.fromhex(cmd[name] if default is None else cmd.get(name, default))
    if size is not None and len(value) != size:
        raise ValueError(f"{name} must be {size} bytes, not {len(value)}")
    return value


def signed_buffer(salt, seq, v):
    """What a BEP 44 signature covers: the salt part only when the salt is not empty."""
    return (b"4:salt%d:%s" % (len(salt), salt) if salt else b"") + b"3:seqi%de1:v" % seq + v


def verify(key, sig, salt, seq, v):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(sig, signed_buffer(salt, seq, v))
        return True
    except InvalidSignature:
        return False


def compact_nodes(blob):
    for i in range(0, len(blob) - len(blob) % 26, 26):
        yield blob[i:i + 20], (socket.inet_ntoa(blob[i + 20:i + 24]), int.from_bytes(blob[i + 24:i + 26], "big"))


def distance(a, b):
    return int.from_bytes(a, "big") ^ int.from_bytes(b, "big")


# ---- The driver's own KRPC endpoint ----

class Krpc:
    """A KRPC socket on 127.0.0.1 that is not libtorrent: reads node IDs (ping), does the puts and
    announces libtorrent's Python binding cannot express, and captures packets. It answers queries
    minimally (no nodes, no values, put refused), because libtorrent adds the sender of a put to its
    routing table and a silent node would cost every later lookup a 15 s timeout."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.addr = self.sock.getsockname()
        self.id = os.urandom(20)
        self.pending, self.lock, self.next_tid = {}, threading.Lock(), 0
        self.captured = None  # a list of (addr, bytes) while capturing
        threading.Thread(target=self._receive, daemon=True).start()

    def _receive(self):
        while True:
            data, addr = self.sock.recvfrom(65536)
            if self.captured is not None:
                self.captured.append((addr, data))
            try:
                msg = bdecode(data)
            except ValueError:
                continue
            if not isinstance(msg, dict):
                continue
            msg.packet = data
            if msg.get(b"y") in (b"r", b"e"):
                with self.lock:
                    slot = self.pending.pop((addr, msg.get(b"t")), None)
                if slot:
                    slot[1] = msg
                    slot[0].set()
            elif msg.get(b"y") == b"q":
                self._answer(msg, addr)

    def _answer(self, msg, addr):
        q, tid = msg.get(b"q"), msg.get(b"t", b"")
        if q in (b"put", b"announce_peer"):
            self.send(addr, {b"t": tid, b"y": b"e", b"e": [201, b"the driver's helper stores nothing"]})
            return
        r = {b"id": self.id}
        if q in (b"find_node", b"get_peers", b"get"):
            r[b"nodes"] = b""
        if q in (b"get_peers", b"get"):
            r[b"token"] = b"helper"
        self.send(addr, {b"t": tid, b"y": b"r", b"r": r})

    def send(self, addr, msg):
        self.sock.sendto(bencode(msg), (require_loopback(addr[0]), addr[1]))

    def query_many(self, args_by_addr, q, timeout):
        """Sends query q to every address at once; returns {addr: reply message} of those answering in time."""
        slots = {}
        for addr, args in args_by_addr.items():
            with self.lock:
                self.next_tid = (self.next_tid + 1) % 65536
                tid = self.next_tid.to_bytes(2, "big")
                slots[addr] = self.pending[(addr, tid)] = [threading.Event(), None, tid]
            self.send(addr, {b"t": tid, b"y": b"q", b"q": q, b"a": dict(args, id=self.id)})
        deadline = time.monotonic() + timeout
        for slot in slots.values():
            slot[0].wait(max(0.0, deadline - time.monotonic()))
        with self.lock:
            for addr, slot in slots.items():
                self.pending.pop((addr, slot[2]), None)
        return {addr: slot[1] for addr, slot in slots.items() if slot[1] is not None}

    def query(self, addr, q, args, timeout=2.0):
        reply = self.query_many({addr: args}, q, timeout).get(addr)
        if reply is None:
            raise TimeoutError(f"no answer to {q.decode()} from {addr[0]}:{addr[1]}")
        return reply

    def closest(self, seeds, q, args, target, deadline):
        """A breadth-first lookup from `seeds` over every loopback node it hears of (the test networks
        are small); returns the K closest nodes that answered with a token: [(addr, token)]."""
        known, asked, answered = set(seeds), set(), {}
        while known - asked and time.monotonic() < deadline:
            batch = known - asked
            asked |= batch
            timeout = min(1.0, max(0.0, deadline - time.monotonic()))  # a dead node costs 1 s, once
            for addr, msg in self.query_many({a: dict(args, ro=1) for a in batch}, q, timeout).items():
                r = msg.get(b"r")
                if not isinstance(r, dict) or len(r.get(b"id", b"")) != 20:
                    continue
                if isinstance(r.get(b"token"), bytes):
                    answered[addr] = (r[b"id"], r[b"token"])
                for _, node in compact_nodes(r.get(b"nodes", b"")):
                    if node[0].startswith("127.") and node != self.addr:
                        known.add(node)
        ranked = sorted(answered.items(), key=lambda item: distance(item[1][0], target))
        return [(addr, token) for addr, (_, token) in ranked[:K]]

    def store(self, seeds, q, args, target, make_args, deadline):
        """Lookup, then query `q` with make_args(token) on the K closest. Returns (successes, errors)."""
        nodes = self.closest(seeds, q, args, target, deadline)
        if not nodes:
            raise RuntimeError("no node answered the lookup")
        store_q = b"put" if q == b"get" else b"announce_peer"
        replies = self.query_many({addr: make_args(token) for addr, token in nodes}, store_q,
                                  max(0.1, min(2.0, deadline - time.monotonic())))
        ok = [f"{a[0]}:{a[1]}" for a, m in replies.items() if m.get(b"y") == b"r"]
        errors = [{"node": f"{a[0]}:{a[1]}", "code": m[b"e"][0], "message": m[b"e"][1].decode(errors="replace")}
                  for a, m in replies.items() if m.get(b"y") == b"e" and isinstance(m.get(b"e"), list)]
        return ok, errors


# ---- libtorrent ----

BASE_ALERTS = (lt.alert_category.status | lt.alert_category.error | lt.alert_category.dht
               | lt.alert_category.dht_operation | lt.alert_category.stats)


def lt_settings(port, overrides):
    settings = {
        "listen_interfaces": f"127.0.0.1:{port}",  # TCP and UDP, on loopback only
        "enable_dht": False,          # on only once the UDP socket listens (see Network.start)
        "dht_bootstrap_nodes": "",    # the default is a public router: a DNS query and the Internet
        "enable_lsd": False,          # multicast on every interface
        "enable_upnp": False, "enable_natpmp": False,  # talk to the LAN's gateway
        "enable_ip_notifier": False,
        # All nodes share the address 127.0.0.1. With these two on (the default), a routing table
        # holds one node per IP (so 1 here) and a lookup takes one node per IP from the replies.
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        # The DoS blocker counts packets per source IP: 50 in 10 s from 127.0.0.1 (every node of
        # the test, peerdex included) and 127.0.0.1 is ignored for 5 minutes.
        "dht_block_ratelimit": 1_000_000,
        # Default 8,000 bytes/s; over it, a node leaves incoming queries unanswered.
        "dht_upload_rate_limit": 50_000_000,
        "alert_mask": BASE_ALERTS,
        "alert_queue_size": 100_000,
    }
    settings.update(overrides)
    return settings


def readable(get):
    """The binding hands std::string out as a UTF-8 str: binary (a salt, a message) reads as None."""
    try:
        return get()
    except UnicodeDecodeError:
        return None


def event(a):
    """A plain copy of an alert the driver uses, or None: an alert dies at the next pop_alerts."""
    if isinstance(a, lt.listen_succeeded_alert):
        return {"type": "listening", "udp": a.socket_type == lt.socket_type_t.udp, "port": a.port}
    if isinstance(a, lt.listen_failed_alert):
        return {"type": "listen_failed", "message": a.message()}
    if isinstance(a, lt.dht_pkt_alert):
        # The binding gives the bytes; the direction ("<==" in, "==>" out) and endpoint are in message().
        try:
            direction, endpoint = a.message().split(" ", 2)[:2]
            msg = bdecode(a.pkt_buf)
        except ValueError:  # UnicodeDecodeError too
            return None
        return {"type": "packet", "in": direction == "<==", "from": endpoint.strip("[]"), "msg": msg} \
            if isinstance(msg, dict) else None
    if isinstance(a, lt.dht_put_alert):
        salt = readable(lambda: a.salt.encode())
        return {"type": "put", "key": bytes(a.public_key), "salt": salt, "seq": a.seq,
                "num_success": a.num_success, "sig": bytes(a.signature)}
    if isinstance(a, lt.dht_mutable_item_alert):
        try:
            string = a.item["value"]
        except Exception:  # noqa: BLE001 - a dict, list or integer value, or no item
            string = None
        message = readable(a.message)
        return {"type": "item", "key": bytes(a.key), "salt": readable(lambda: a.salt.encode()),
                "seq": a.seq, "sig": bytes(a.signature), "authoritative": a.authoritative, "string": string,
                # nothing found: an empty item (seq 0, its signature left uninitialized)
                "empty": None if message is None else message.endswith("[ <uninitialized> ]")}
    if isinstance(a, lt.dht_get_peers_reply_alert):
        return {"type": "peers", "info_hash": a.info_hash.to_bytes(), "peers": ["%s:%d" % tuple(p) for p in a.peers()]}
    if isinstance(a, lt.dht_stats_alert):
        return {"type": "stats", "lookups": [r["type"] for r in a.active_requests],
                "routing_table": sum(b["num_nodes"] for b in a.routing_table),
                "replacements": sum(b["num_replacements"] for b in a.routing_table)}
    if isinstance(a, lt.dht_live_nodes_alert):
        return {"type": "live", "nodes": [{"id": n["nid"].to_bytes().hex(), "addr": "%s:%d" % tuple(n["endpoint"])}
                                          for n in a.nodes]}
    return None


def matches(e, key, salt):
    return e["key"] == key and e["salt"] in (salt, None)  # None: a binary salt, unreadable


class Node:
    def __init__(self, index, port, overrides):
        self.index, self.port, self.id, self.events = index, None, None, []
        self.session = lt.session(lt_settings(port, overrides))
        # Torrents are added only to make libtorrent announce (see op_announce): never connect to
        # their peers (the IP filter applies to BitTorrent connections, not to the DHT).
        nobody = lt.ip_filter()
        nobody.add_rule("0.0.0.0", "255.255.255.255", 1)
        self.session.set_ip_filter(nobody)
        # session.wait_for_alert crashes now and then (its alert may move while the queue grows);
        # libtorrent writes a byte to this pipe instead when an alert arrives in an empty queue.
        self.wake, wake_w = os.pipe()
        os.set_blocking(self.wake, False)
        os.set_blocking(wake_w, False)  # never block libtorrent's thread
        self.session.set_alert_fd(wake_w)

    def addr(self):
        return ("127.0.0.1", self.port)

    def capture(self, on):
        """dht_log adds a dht_pkt_alert for every DHT packet in or out."""
        self.session.apply_settings({"alert_mask": BASE_ALERTS | (lt.alert_category.dht_log if on else 0)})

    def discard(self):
        self.events.clear()
        self.session.pop_alerts()

    def pump(self, deadline, step):
        """Feeds this session's events, in order, to step() until it returns something but None."""
        while True:
            while self.events:
                result = step(self.events.pop(0))
                if result is not None:
                    return result
            try:
                os.read(self.wake, 4096)
            except BlockingIOError:
                pass
            self.events = [e for e in map(event, self.session.pop_alerts()) if e is not None]
            if self.events:
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out")
            select.select([self.wake], [], [], min(0.05, left))

    def wait_for(self, kind, deadline):
        return self.pump(deadline, lambda e: e if e["type"] == kind else None)

    def stats(self, deadline):
        self.session.post_dht_stats()
        s = self.wait_for("stats", deadline)
        self.session.dht_live_nodes(lt.sha1_hash(self.id))
        return {"index": self.index, "port": self.port, "id": self.id.hex(), "routing_table": s["routing_table"],
                "replacements": s["replacements"], "lookups": len(s["lookups"]),
                "live": self.wait_for("live", deadline)["nodes"]}


class Network:
    def __init__(self, count, port, bootstrap, overrides):
        self.helper = Krpc()
        self.nodes = [Node(i, port + i if port else 0, overrides) for i in range(count)]
        self.extra = list(bootstrap)  # nodes outside this process: peerdex's

    def seeds(self):
        return [n.addr() for n in self.nodes] + self.extra

    def start(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        for node in self.nodes:
            def listening(e):
                if e["type"] == "listen_failed":
                    raise RuntimeError(f"node {node.index}: {e['message']}")
                return e["port"] if e["type"] == "listening" and e["udp"] else None
            node.port = node.pump(deadline, listening)
        # libtorrent 2.0.8 drops DHT nodes added before its UDP socket exists, so the DHT is
        # switched on only now, then joined: every node to every other and to the --bootstrap ones.
        for node in self.nodes:
            node.session.apply_settings({"enable_dht": True})
        for node in self.nodes:
            for other in self.seeds():
                if other != node.addr():
                    node.session.add_dht_node(other)
        for node in self.nodes:  # the node IDs are random; ask each node its own
            while node.id is None:
                try:
                    node.id = self.helper.query(node.addr(), b"ping", {}, 0.5)[b"r"][b"id"]
                except (TimeoutError, KeyError, TypeError):
                    if time.monotonic() > deadline:
                        raise
        # Not required for `ready`, but a put right after it should reach the whole mesh.
        want = min(len(self.nodes) - 1, K)
        while time.monotonic() < deadline:
            sizes = [n.stats(deadline)["routing_table"] for n in self.nodes]
            if min(sizes) >= want:
                break
            time.sleep(0.05)
        else:
            log("warning: routing tables not yet full:", sizes)

    # ---- commands: each gets the command, the nodes it acts on and a deadline ----

    def op_add_node(self, cmd, nodes, deadline):
        addr = (require_loopback(cmd.get("host", "127.0.0.1")), int(cmd["port"]))
        if addr not in self.extra:
            self.extra.append(addr)
        for node in nodes:
            node.session.add_dht_node(addr)
        return {}

    def op_put(self, cmd, nodes, deadline):
        node, keys = nodes[0], Keys(hex_arg(cmd, "seed", 32))
        salt, v, seq = hex_arg(cmd, "salt", default=""), hex_arg(cmd, "value"), cmd.get("seq")
        target = hashlib.sha1(keys.public + salt).digest()
        decoded, via = bdecode(v), cmd.get("via", "auto")
        if bencode(decoded) != v:
            raise ValueError("value is not canonical bencoding")
        if via == "auto":
            # libtorrent's binding can only put a byte string, with seq = highest found + 1.
            via = "krpc"
            if isinstance(decoded, bytes):
                current = self.get(node, keys.public, salt, deadline, must_exist=False)
                if seq is None or seq == current.get("seq", 0) + 1:
                    via = "libtorrent"
        if via == "libtorrent":
            if not isinstance(decoded, bytes):
                raise ValueError("libtorrent's Python binding puts only byte-string values; use via krpc")
            node.session.dht_put_mutable_item(keys.lt_secret, keys.public, decoded, salt)
            e = node.pump(deadline, lambda e: e if e["type"] == "put" and matches(e, keys.public, salt) else None)
            if seq is not None and e["seq"] != seq:
                raise RuntimeError(f"libtorrent put seq {e['seq']}, not {seq}")
            if not verify(keys.public, e["sig"], salt, e["seq"], v):
                raise RuntimeError("libtorrent's signature does not verify over the given value")
            return {"via": via, "seq": e["seq"], "num_success": e["num_success"], "target": target.hex(),
                    "sig": e["sig"].hex()}
        if seq is None:
            raise ValueError("a krpc put needs seq")
        sig = keys.private.sign(signed_buffer(salt, seq, v))
        args = {b"k": keys.public, b"seq": seq, b"sig": sig, b"v": Raw(v)}
        if salt:
            args[b"salt"] = salt
        if "cas" in cmd:
            args[b"cas"] = cmd["cas"]
        stored, errors = self.helper.store(self.seeds(), b"get", {b"target": target}, target,
                                           lambda token: dict(args, token=token), deadline)
        reply = {"via": "krpc", "seq": seq, "num_success": len(stored), "stored_at": stored,
                 "errors": errors, "target": target.hex(), "sig": sig.hex()}
        if not stored:
            reply.update(ok=False, error="no node stored the item")
        return reply

    def get(self, node, key, salt, deadline, must_exist=True, first=False):
        """dht_get_mutable_item. The value's bytes are taken from the reply packet libtorrent accepted,
        because the binding's alert.item raises for anything but a byte string."""
        replies, last = [], [None]

        def step(e):
            if e["type"] == "packet":
                r = e["msg"].get(b"r")
                if isinstance(r, dict) and r.get(b"k") == key:  # in or out: the signature decides
                    replies.append(r)
            elif e["type"] == "item" and matches(e, key, salt):
                last[0] = e
                if e["authoritative"] or first:
                    return e
        node.capture(True)
        try:
            node.session.dht_get_mutable_item(key, salt)
            try:
                e = node.pump(deadline, step)
            except TimeoutError:
                if last[0] is None:
                    raise
                e = last[0]  # replies came, but the lookup did not finish in time
        finally:
            node.capture(False)
        seq, sig = e["seq"], e["sig"]
        found = [r.raw[b"v"] for r in replies if r.get(b"sig") == sig and r.get(b"seq") == seq and b"v" in r]
        if e["empty"] or (e["empty"] is None and seq == 0 and not found):
            if must_exist:
                raise LookupError("not found")
            return {}
        if not found:
            raise RuntimeError("libtorrent's item is not among the replies it received")
        v = found[0]
        if not verify(key, sig, salt, seq, v):
            raise RuntimeError("the signature libtorrent accepted does not verify")
        if e["string"] is not None and bencode(e["string"]) != v:
            raise RuntimeError("libtorrent's item differs from the bytes it received")
        return {"seq": seq, "value": v.hex(), "sig": sig.hex(), "authoritative": e["authoritative"]}

    def op_get(self, cmd, nodes, deadline):
        return self.get(nodes[0], hex_arg(cmd, "key", 32), hex_arg(cmd, "salt", default=""), deadline,
                        first=bool(cmd.get("first")))

    def op_announce(self, cmd, nodes, deadline):
        node, ih = nodes[0], hex_arg(cmd, "info_hash", 20)
        port = int(cmd.get("port", node.port))
        via = cmd.get("via", "libtorrent" if port == node.port else "krpc")
        if via == "krpc":
            stored, errors = self.helper.store(self.seeds(), b"get_peers", {b"info_hash": ih}, ih,
                                               lambda token: {b"info_hash": ih, b"port": port, b"token": token}, deadline)
            return {"via": via, "port": port, "num_success": len(stored), "stored_at": stored, "errors": errors}
        if port != node.port:
            raise ValueError("libtorrent announces its own port; use via krpc for another")
        # session.dht_announce cannot be called from Python in 2.0.8 (no converter for its flags
        # argument), so a torrent of that info-hash makes libtorrent announce (implied_port 1).
        sent, answered = set(), {}

        def step(e):
            if e["type"] != "packet":
                return None
            # Transaction IDs are 2 random bytes: key by endpoint too. A node may announce to
            # itself: a lookup can come back to its own endpoint.
            msg, args = e["msg"], e["msg"].get(b"a")
            key = (e["from"], msg.get(b"t"))
            if not e["in"] and msg.get(b"q") == b"announce_peer" and isinstance(args, dict) \
                    and args.get(b"info_hash") == ih:
                sent.add(key)
            elif e["in"] and msg.get(b"y") in (b"r", b"e") and key in sent:
                answered[key] = msg.get(b"y") == b"r"
            return len(answered) if sent and len(answered) == len(sent) else None
        node.capture(True)
        try:
            params = lt.add_torrent_params()
            params.info_hashes = lt.info_hash_t(lt.sha1_hash(ih))
            params.save_path = tempfile.gettempdir()
            params.flags = lt.torrent_flags.upload_mode | lt.torrent_flags.apply_ip_filter
            handle = node.session.add_torrent(params)
            try:
                node.pump(deadline, step)
            finally:
                node.session.remove_torrent(handle)
        finally:
            node.capture(False)
        return {"via": via, "port": node.port, "num_success": sum(answered.values())}

    def op_get_peers(self, cmd, nodes, deadline):
        node, ih = nodes[0], hex_arg(cmd, "info_hash", 20)
        peers = []

        def step(e):
            if e["type"] == "peers" and e["info_hash"] == ih:
                peers.extend(p for p in e["peers"] if p not in peers)
            elif e["type"] == "stats":
                return e["lookups"]
        node.session.dht_get_peers(lt.sha1_hash(ih))
        # No alert marks the end of the lookup: poll the session's running lookups instead.
        while True:
            node.session.post_dht_stats()
            if not any("get_peers" in t for t in node.pump(deadline, step)):
                return {"peers": peers}
            time.sleep(0.01)

    def op_state(self, cmd, nodes, deadline):
        return {"nodes": [n.stats(deadline) for n in nodes]}


def serve(net):
    print(json.dumps({"ready": True, "libtorrent": lt.__version__, "helper_port": net.helper.addr[1],
                      "nodes": [{"port": n.port, "id": n.id.hex()} for n in net.nodes]}), flush=True)
    lines = queue.Queue()

    def read():
        for line in sys.stdin:
            lines.put(line)
        lines.put(None)
    threading.Thread(target=read, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:  # idle: drop the alerts nobody waits for
            for n in net.nodes:
                n.discard()
            continue
        if line is None:
            return
        if not line.strip():
            continue
        reply, cmd = {}, {}
        try:
            try:
                cmd = json.loads(line)
            except ValueError as e:
                raise ValueError(f"bad JSON: {e}") from None
            op = cmd.get("op") if isinstance(cmd, dict) else None
            if op == "quit":
                print(json.dumps({"ok": True}), flush=True)
                return
            handler = getattr(net, f"op_{op}", None) if isinstance(op, str) else None
            if handler is None:
                raise ValueError(f"unknown op {op!r}")
            deadline = time.monotonic() + float(cmd.get("timeout", 10))
            for n in net.nodes:  # nothing left over from an earlier command
                n.discard()
            index = cmd.get("node")
            nodes = net.nodes if index is None else [net.nodes[int(index)]]
            reply = {"ok": True}
            reply.update(handler(cmd, nodes, deadline))
        except KeyError as e:
            reply = {"ok": False, "error": f"missing {e}"}
        except Exception as e:  # noqa: BLE001 - every failure becomes a reply
            reply = {"ok": False, "error": str(e) or type(e).__name__}
        if isinstance(cmd, dict) and "id" in cmd:
            reply["id"] = cmd["id"]
        print(json.dumps(reply), flush=True)


# ---- --self-test: drives the driver as a test would, through its stdin/stdout ----

class Driver:
    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ready = json.loads(self.proc.stdout.readline() or "{}")

    def __call__(self, **cmd):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())


def self_test(count):
    started, steps, drivers = time.monotonic(), [], []

    def check(what, condition, detail):
        steps.append(what)
        detail = detail if isinstance(detail, str) else json.dumps(detail)
        print(f"{time.monotonic() - started:6.3f}s {'ok  ' if condition else 'FAIL'} {what}: {detail[:240]}", flush=True)
        if not condition:
            raise SystemExit(f"self-test failed: {what}")

    try:
        d = Driver("--nodes", str(count), "--port", "0")
        drivers.append(d)
        ready = d.ready
        check("ready", ready.get("ready") and len(ready["nodes"]) == count, ready)
        ports = {n["port"] for n in ready["nodes"]}
        sockets = subprocess.run(["ss", "-tuanpH"], capture_output=True, text=True).stdout.splitlines()
        mine = [line.split()[4] for line in sockets if f"pid={d.proc.pid}," in line]
        # libtorrent also binds its sockets to the device: 127.0.0.1%lo
        check("every socket on 127.0.0.1", mine and all(a.rsplit(":", 1)[0] in ("127.0.0.1", "127.0.0.1%lo") for a in mine)
              and ports <= {int(a.rsplit(":", 1)[1]) for a in mine}, " ".join(sorted(set(mine))))
        sizes = [n["routing_table"] for n in d(op="state")["nodes"]]
        check("routing tables", min(sizes) >= min(count - 1, K), sizes)

        seed = hashlib.sha256(b"peerdex libtorrent self-test").digest()
        keys, salt = Keys(seed), b"peerdex/profile"
        item = dict(seed=seed.hex(), salt=salt.hex())

        def get_and_check(what, driver, node, seq, v):
            r = driver(op="get", node=node, key=keys.public.hex(), salt=salt.hex())
            check(what, r.get("ok") and r["seq"] == seq and r["value"] == v.hex() and r["authoritative"]
                  and verify(keys.public, bytes.fromhex(r["sig"]), salt, seq, v), r)

        v1 = bencode({"v": 1, "n": "Ada", "i": ["chess", "rust"], "l": "Lyon", "p": 4242})
        r = d(op="put", node=0, value=v1.hex(), seq=1, **item)
        check("put seq 1, a dict (via krpc)", r.get("ok") and r["via"] == "krpc" and r["num_success"] >= min(count, K) - 1, r)
        get_and_check("get seq 1 from node 5", d, 5 % count, 1, v1)
        v2 = bencode({"v": 1, "n": "Ada L.", "i": ["chess"], "p": 4242})
        r = d(op="put", node=0, value=v2.hex(), seq=2, **item)
        check("put seq 2", r.get("ok") and r["num_success"] >= 1, r)
        get_and_check("get seq 2 from node 5", d, 5 % count, 2, v2)
        r = d(op="put", node=0, value=v1.hex(), seq=1, **item)
        check("put seq 1 again: refused", not r.get("ok") and r["errors"] and all(e["code"] == 302 for e in r["errors"]), r)
        v3 = bencode(b"hello from libtorrent")
        r = d(op="put", node=1, value=v3.hex(), seq=3, **item)
        check("put seq 3, a string (libtorrent's own put)", r.get("ok") and r["via"] == "libtorrent" and r["seq"] == 3, r)
        get_and_check("get seq 3 from node 3", d, 3 % count, 3, v3)
        r = d(op="get", node=4 % count, key=keys.public.hex(), salt=b"nothing here".hex())
        check("get of a missing item", r == {"ok": False, "error": "not found"}, r)

        rendezvous = hashlib.sha1(b"peerdex/1").hexdigest()
        r = d(op="announce", node=2 % count, info_hash=rendezvous)
        check("announce its own port (libtorrent)", r.get("ok") and r["via"] == "libtorrent" and r["num_success"] >= 1, r)
        r = d(op="announce", node=2 % count, info_hash=rendezvous, port=4242)
        check("announce port 4242 (via krpc)", r.get("ok") and r["num_success"] >= 1, r)
        r = d(op="get_peers", node=6 % count, info_hash=rendezvous)
        want = {"127.0.0.1:4242", "127.0.0.1:%d" % ready["nodes"][2 % count]["port"]}
        check("get_peers from node 6", r.get("ok") and want <= set(r["peers"]), r)

        # An outside node joins as peerdex's will: --bootstrap on its side, add_node on ours.
        e = Driver("--nodes", "1", "--bootstrap", "127.0.0.1:%d" % ready["nodes"][0]["port"])
        drivers.append(e)
        outsider = "127.0.0.1:%d" % e.ready["nodes"][0]["port"]
        r = d(op="add_node", port=e.ready["nodes"][0]["port"])
        for _ in range(100):
            state = d(op="state")
            if all(outsider in {n["addr"] for n in node["live"]} for node in state["nodes"]):
                break
            time.sleep(0.02)
        check("add_node: the outsider is in every routing table", r.get("ok") and all(
            outsider in {n["addr"] for n in node["live"]} for node in state["nodes"]), [n["routing_table"] for n in state["nodes"]])
        get_and_check("the outsider gets seq 3", e, 0, 3, v3)
        v4 = bencode({"v": 1, "n": "Ada", "p": 4243})
        r = e(op="put", value=v4.hex(), seq=4, **item)
        check("the outsider puts seq 4", r.get("ok") and r["num_success"] >= 1, r)
        get_and_check("get seq 4 from node 7", d, 7 % count, 4, v4)

        r = d(op="bogus")
        check("unknown op", r == {"ok": False, "error": "unknown op 'bogus'"}, r)
        for driver in drivers:
            r = driver(op="quit")
            driver.proc.wait(10)
            check("quit", r == {"ok": True} and driver.proc.returncode == 0, r)
    finally:
        for driver in drivers:
            if driver.proc.poll() is None:
                driver.proc.kill()
    print(f"self-test passed: {len(steps)} checks, {count} nodes + 1, {time.monotonic() - started:.2f} s")


# ---- --capture: what libtorrent sends to a node and what it answers, as test vectors ----

def capture(path):
    net = Network(2, 0, [], {})
    net.start()
    helper, (a, b) = net.helper, net.nodes
    records, seen = [], set()
    helper.captured = []
    keys, salt = Keys(bytes(range(32))), b"peerdex/profile"
    rendezvous = hashlib.sha1(b"peerdex/1").digest()
    deadline = lambda: time.monotonic() + 10

    def sent_by(node, q, what):
        end = time.monotonic() + 10
        while time.monotonic() < end:
            for addr, data in list(helper.captured):
                if addr == node.addr() and data not in seen and bdecode(data).get(b"q") == q:
                    seen.add(data)
                    records.append((f"libtorrent sends {q.decode()}: {what}", data))
                    return
            time.sleep(0.01)
        raise TimeoutError(f"libtorrent sent no {q.decode()}")

    def answer(what, q, args):
        msg = helper.query(b.addr(), q, args)
        if msg.get(b"y") == b"e":
            what += ": error %d %s" % (msg[b"e"][0], msg[b"e"][1].decode())
        records.append((f"libtorrent answers {q.decode()}: {what}", msg.packet))
        return msg

    # libtorrent 2.0.8 never sends find_node: it refreshes and bootstraps with get_peers, and sends
    # ping only to check a node of a full bucket.
    a.session.add_dht_node(helper.addr)
    sent_by(a, b"get_peers", "to a node given by add_dht_node, as its ping (a random target in that node's bucket)")
    router = Node(2, 0, {"dht_bootstrap_nodes": "127.0.0.1:%d" % helper.addr[1]})
    router.port = router.pump(deadline(), lambda e: e["port"] if e["type"] == "listening" and e["udp"] else None)
    router.session.apply_settings({"enable_dht": True})
    sent_by(router, b"get_peers", "to a bootstrap router (dht_bootstrap_nodes): bs 1, target near its own ID")
    a.stats(deadline())  # the helper answered: it is in a's routing table now
    a.session.dht_get_mutable_item(keys.public, salt)
    sent_by(a, b"get", "BEP 44 get of a mutable item (target = SHA-1(k + salt)), no seq")
    a.session.dht_get_peers(lt.sha1_hash(rendezvous))
    sent_by(a, b"get_peers", "lookup of SHA-1('peerdex/1')")
    value = b"hello from libtorrent"
    a.session.dht_put_mutable_item(keys.lt_secret, keys.public, value, salt)
    sent_by(a, b"put", f"BEP 44 put, seed 00..1f, salt 'peerdex/profile', seq 1, v {bencode(value).decode()}")
    a.wait_for("put", deadline())
    net.op_announce({"info_hash": rendezvous.hex()}, [a], deadline())
    sent_by(a, b"announce_peer", "of a torrent's info-hash SHA-1('peerdex/1'): implied_port 1, seed 0")

    answer("ip (BEP 42: the sender's address), r with id and p (the sender's port), v LT 02 08", b"ping", {})
    answer("find_node of a random target: nodes (26 bytes each)", b"find_node", {b"target": os.urandom(20)})
    answer("get on a node without the item: nodes, token", b"get", {b"target": os.urandom(20)})
    target = hashlib.sha1(keys.public + salt).digest()
    r = answer("get on a node holding the item: k, seq, sig, token, v", b"get", {b"target": target})[b"r"]
    answer("get with seq = the stored one: seq, token, nodes; no k, sig, v", b"get", {b"target": target, b"seq": r[b"seq"]})
    answer("get_peers of SHA-1('peerdex/1') after announces: values, nodes, token", b"get_peers", {b"info_hash": rendezvous})
    v, seq = r.raw[b"v"], r[b"seq"]
    put = lambda **change: {b"k": keys.public, b"salt": salt, b"token": r[b"token"], b"v": Raw(v),
                            **{k.encode(): x for k, x in change.items()}}
    answer("put with a lower seq", b"put", put(seq=seq - 1, sig=keys.private.sign(signed_buffer(salt, seq - 1, v))))
    answer("put with a bad signature", b"put", put(seq=seq + 1, sig=bytes(64)))
    answer("put whose cas is not the stored seq", b"put",
           put(seq=seq + 1, cas=seq + 7, sig=keys.private.sign(signed_buffer(salt, seq + 1, v))))
    answer("put with a 65-byte salt", b"put", put(salt=bytes(65), seq=1, sig=bytes(64)))
    answer("put with a 1,001-byte v (1,000 is accepted)", b"put", put(v=Raw(bencode(bytes(997))), seq=seq + 1, sig=bytes(64)))
    answer("announce_peer with a bad token", b"announce_peer", {b"info_hash": rendezvous, b"port": 4242, b"token": b"bogus"})
    answer("an unknown method", b"frobnicate", {})
    with open(path, "w") as f:
        f.write(f"# libtorrent {lt.__version__} DHT packets on 127.0.0.1, captured by `/usr/bin/python3.11 "
                "Tests/Interop/libtorrent_dht.py --capture FILE`.\n# Node IDs, transaction IDs and tokens "
                f"are random per run. Signing seed 00 01 .. 1f: public key {keys.public.hex()}.\n"
                "# Each packet: a line `## description`, then its bytes in hex on one line.\n")
        for what, data in records:
            f.write(f"\n## {what}\n{data.hex()}\n")
    log(f"wrote {len(records)} packets to {path}")


def main():
    faulthandler.enable()  # a crash inside libtorrent still shows where the script was
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="first port (then +1, +2, ...); 0: chosen by the system")
    parser.add_argument("--bootstrap", action="append", default=[], metavar="127.0.0.1:PORT")
    parser.add_argument("--set", action="append", default=[], metavar="SETTING=VALUE",
                        help="override a libtorrent setting (an integer, true/false or a string)")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--capture", metavar="FILE")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.nodes)
    if args.capture:
        return capture(args.capture)
    bootstrap = []
    for spec in args.bootstrap:
        host, port = spec.rsplit(":", 1)
        bootstrap.append((require_loopback(host), int(port)))
    overrides = {}
    for spec in args.set:
        name, value = spec.split("=", 1)
        overrides[name] = {"true": True, "false": False}.get(value, int(value) if value.lstrip("-").isdigit() else value)
    net = Network(args.nodes, args.port, bootstrap, overrides)
    try:
        net.start()
    except Exception as e:  # noqa: BLE001
        sys.exit(f"libtorrent_dht.py: {e}")
    serve(net)


if __name__ == "__main__":
    main()
