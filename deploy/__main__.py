"""`python -m deploy up|down|status|kill|start` — the local multi-replica set-up (deploy/stack.py).

    python -m deploy up [--replicas 2] [--port 8500] [--cpus 0,1]   start PostgreSQL, replicas, HAProxy
    python -m deploy status                                          HAProxy's view of each replica
    python -m deploy kill r1                                         kill -9 one replica (a crash)
    python -m deploy start r1                                        start it again
    python -m deploy down [--purge]                                  stop everything (--purge: and delete the data)

Everything lives under var/deploy/ (or --dir). Open http://127.0.0.1:8500 after `up`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deploy.stack import DEFAULT_DIRECTORY, DEFAULT_PORT, Stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIRECTORY, help="where state, logs and data live")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start PostgreSQL, the replicas and HAProxy")
    up.add_argument("--replicas", type=int, default=2)
    up.add_argument("--port", type=int, default=DEFAULT_PORT, help="where HAProxy listens (default 8500)")
    up.add_argument("--cpus", default="", help="pin replica i to the i-th CPU of this list, e.g. 0,1")
    down = commands.add_parser("down", help="stop everything that `up` started")
    down.add_argument("--purge", action="store_true", help="also delete the database and logs")
    commands.add_parser("status", help="each replica as HAProxy sees it")
    for name, text in (("kill", "kill -9 one replica"), ("start", "start a stopped replica again")):
        command = commands.add_parser(name, help=text)
        command.add_argument("replica", help="r1, r2, …")
    args = parser.parse_args(argv)

    if args.command == "up":
        cpus = [c for c in args.cpus.split(",") if c]
        stack = Stack(directory=args.dir, replicas=args.replicas, port=args.port, replica_cpus=cpus).up()
        print(f"dashboard: {stack.url}  ({len(stack.members)} replicas: "
              + ", ".join(f"{r.name} {r.url}" + (f" cpu {r.cpus}" if r.cpus else "") for r in stack.members) + ")")
        print(f"workshop store: {stack.database_url}")
        print(f"facilitator PIN: {stack.facilitator_pin()}")
        print(f"logs: {stack.logs}; stop with: python -m deploy down")
        return 0
    if not (args.dir / "state.json").exists():
        print(f"nothing runs from {args.dir} (no state.json)")
        return 0 if args.command in ("down", "status") else 1
    stack = Stack.load(args.dir)
    if args.command == "down":
        stack.down(purge=args.purge)
        print("stopped")
    elif args.command == "status":
        for name, row in stack.server_states().items():
            print(f"{name}: {row.get('status')}, {row.get('scur')} open connections, {row.get('stot')} in all")
    elif args.command == "kill":
        stack.kill_replica(args.replica)
        print(f"killed {args.replica}")
    elif args.command == "start":
        stack.start_replica(args.replica)
        print(f"started {args.replica}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
