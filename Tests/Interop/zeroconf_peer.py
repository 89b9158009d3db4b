#!/usr/bin/env python3
"""An independent mDNS / DNS-SD peer (python-zeroconf) for peerdex's nearby-discovery tests.

Two modes, each printing one JSON object per line on stdout (flushed); logs go to stderr.

  publish --name NAME --port PORT [--txt KEY=VALUE]... --address ADDR [--address ADDR]...
          [--type _peerdex._tcp.local.] [--host HOST] [--ip-version all|v4|v6]
      Registers the service instance (zeroconf probes, renames on conflict and announces), prints
      {"event": "registered", "name": <full instance name>, "server": ..., "port": ...} and then
      answers queries until SIGTERM or SIGINT, when it unregisters (a goodbye: TTL 0), prints
      {"event": "unregistered", "name": ...} and exits 0.

  browse [--seconds S] [--type _peerdex._tcp.local.] [--ip-version all|v4|v6]
      Browses for S seconds (or until SIGTERM / SIGINT) and prints, per service instance added or
      updated, {"event": "added"|"updated", "name", "type", "server", "addresses", "port", "txt"}
      once resolved (addresses and TXT may be empty if resolution timed out), and per instance
      removed (a goodbye, or its records expired) {"event": "removed", "name", "type"}. Then
      {"event": "done", "seen": N} and exit 0.

TXT values are decoded as UTF-8 (invalid bytes replaced); a key without "=" has the value null.
Nothing here chooses a destination address: zeroconf sends to 224.0.0.251:5353 and
[ff02::fb]:5353 on the interfaces of the network namespace it runs in (the tests' own).
"""

import argparse
import json
import signal
import socket
import sys
import threading
import time

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

SERVICE_TYPE = "_peerdex._tcp.local."
MAX_EVENTS = 10_000  # what a browse prints at most, whatever the network sends
MAX_SECONDS = 600
RESOLVE_TIMEOUT_MS = 3_000

_print_lock = threading.Lock()


def emit(**fields):
    with _print_lock:
        sys.stdout.write(json.dumps(fields, sort_keys=True) + "\n")
        sys.stdout.flush()


def ip_version(text):
    return {"all": IPVersion.All, "v4": IPVersion.V4Only, "v6": IPVersion.V6Only}[text]


def decoded_txt(properties):
    txt = {}
    for key, value in (properties or {}).items():
        name = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        if value is None:
            txt[name] = None
        else:
            txt[name] = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return txt


_stop = threading.Event()


def catch_stop_signals():
    """Makes SIGTERM and SIGINT end the wait of `wait_for_stop`; called first, so that a signal
    sent as soon as a line is printed is never met by the default action (death, no goodbye)."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: _stop.set())
    # A test runner's thread may block signals, and a spawned child inherits its mask: SIGTERM
    # would then stay pending forever and the goodbye would never be sent.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])


def wait_for_stop(seconds):
    """Blocks until SIGTERM / SIGINT or until `seconds` pass."""
    _stop.wait(seconds)


def publish(arguments):
    txt = {}
    for item in arguments.txt:
        key, separator, value = item.partition("=")
        txt[key] = value if separator else None
    instance = f"{arguments.name}.{arguments.type}"
    host = arguments.host or f"{arguments.name}.local."
    info = ServiceInfo(
        arguments.type,
        instance,
        port=arguments.port,
        properties=txt,
        server=host,
        parsed_addresses=arguments.address,
    )
    zeroconf = Zeroconf(ip_version=ip_version(arguments.ip_version))
    try:
        zeroconf.register_service(info, allow_name_change=True)
        emit(event="registered", name=info.name, server=info.server, port=info.port)
        wait_for_stop(None)
        zeroconf.unregister_service(info)
        emit(event="unregistered", name=info.name)
    finally:
        zeroconf.close()


def browse(arguments):
    zeroconf = Zeroconf(ip_version=ip_version(arguments.ip_version))
    seen = set()
    count = [0]

    def handler(zeroconf, service_type, name, state_change):
        if count[0] >= MAX_EVENTS:
            return
        count[0] += 1
        if state_change is ServiceStateChange.Removed:
            emit(event="removed", name=name, type=service_type)
            return
        seen.add(name)
        info = zeroconf.get_service_info(service_type, name, timeout=RESOLVE_TIMEOUT_MS)
        event = "added" if state_change is ServiceStateChange.Added else "updated"
        if info is None:
            emit(event=event, name=name, type=service_type, server=None, addresses=[], port=None, txt={})
            return
        emit(
            event=event,
            name=name,
            type=service_type,
            server=info.server,
            addresses=sorted(info.parsed_addresses()),
            port=info.port,
            txt=decoded_txt(info.properties),
        )

    browser = ServiceBrowser(zeroconf, arguments.type, handlers=[handler])
    try:
        wait_for_stop(min(arguments.seconds, MAX_SECONDS))
    finally:
        browser.cancel()
        zeroconf.close()
    emit(event="done", seen=len(seen))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    publisher = modes.add_parser("publish")
    publisher.add_argument("--name", required=True)
    publisher.add_argument("--port", type=int, required=True)
    publisher.add_argument("--txt", action="append", default=[], metavar="KEY=VALUE")
    publisher.add_argument("--address", action="append", required=True)
    publisher.add_argument("--host")
    browser = modes.add_parser("browse")
    browser.add_argument("--seconds", type=float, default=10)
    for mode in (publisher, browser):
        mode.add_argument("--type", default=SERVICE_TYPE)
        mode.add_argument("--ip-version", choices=["all", "v4", "v6"], default="all")
    catch_stop_signals()
    arguments = parser.parse_args()
    for address in getattr(arguments, "address", None) or []:
        # Refuse names: an address to publish is given, never looked up.
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        socket.inet_pton(family, address)
    started = time.monotonic()
    if arguments.mode == "publish":
        publish(arguments)
    else:
        browse(arguments)
    print(f"zeroconf_peer {arguments.mode}: {time.monotonic() - started:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
