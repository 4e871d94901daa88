"""``casepub daemon start | stop | status``."""

from __future__ import annotations

import os
import sys

from casepub.daemon import client
from casepub.daemon.identity import disabled_reason

EXIT_OK, EXIT_NONE = 0, 1


def _describe(status: dict[str, object], current: str | None) -> str:
    uptime = status.get("uptime")
    seconds = int(uptime) if isinstance(uptime, (int, float)) else 0
    identity = f"{status.get('key')}/{status.get('code')}"
    state = "current" if status.get("code") == current else "outdated: exits at its next check"
    return "\n".join(
        [
            f"pid       {status.get('pid')}",
            f"socket    {status.get('socket')}",
            f"log       {status.get('log')}",
            f"uptime    {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
            f"builds    {status.get('builds')}",
            f"memory    {status.get('memory_mib')} MiB",
            f"identity  {identity} ({state}; casepub {status.get('casepub')}, "
            f"{status.get('python')})",
        ]
    )


def status() -> int:
    """Print every running daemon of this user; exit 1 when none answers."""
    found = client.current_place()
    current = found[0].code if found else None
    answers = [a for a in (client.ask(p, "status") for p in client.places()) if a]
    for i, answer in enumerate(answers):
        print(("\n" if i else "") + _describe(answer, current))
    if not answers:
        print("casepub: no build daemon is running", file=sys.stderr)
    reason = disabled_reason(os.environ)
    if reason:
        print(f"casepub: builds do not use the daemon here ({reason})", file=sys.stderr)
    return EXIT_OK if answers else EXIT_NONE


def start() -> int:
    """Start the daemon for this interpreter and environment; wait until it answers."""
    found = client.current_place()
    if found is None:
        print(
            "casepub: no private folder for the daemon (see docs/performance.md)", file=sys.stderr
        )
        return EXIT_NONE
    place = found[1]
    answer = client.ask(place, "status")
    if answer is None or answer.get("code") != found[0].code:
        if answer is not None:  # an outdated one: replace it
            client.ask(place, "stop")
            client.wait_until_gone(place)
        client.spawn()
        answer = client.wait_until_up(place)
    if answer is None:
        print(f"casepub: the daemon did not start; see {place.log}", file=sys.stderr)
        return EXIT_NONE
    print(_describe(answer, found[0].code))
    reason = disabled_reason(os.environ)
    if reason:
        print(f"casepub: builds do not use the daemon here ({reason})", file=sys.stderr)
    return EXIT_OK


def stop() -> int:
    """Stop every daemon of this user; exit 1 when none was running."""
    stopped = 0
    for place in client.places():
        answer = client.ask(place, "stop")
        if answer is not None and client.wait_until_gone(place):
            print(f"casepub: stopped the daemon {answer.get('pid')} ({place.socket})")
            stopped += 1
    if not stopped:
        print("casepub: no build daemon is running", file=sys.stderr)
    return EXIT_OK if stopped else EXIT_NONE


def run(action: str) -> int:
    """Run ``casepub daemon ACTION``."""
    return {"start": start, "stop": stop, "status": status}[action]()
