"""Launch → first complete frame, in a pseudo-terminal: ctui, and (with --harlequin) harlequin side by side.

Each run forks a child on a pty (100x30, TERM=xterm-256color), reads what it writes and stops the clock
when the whole first screen is out: for ctui the header ("session"), the results pane's "No results yet"
and the footer's "Quit"; for harlequin its "Query Editor" pane title, "Run Query" and the footer's
"Quit" (an earlier frame has the panes' borders but no editor). A second figure for ctui is "ready":
the engine built and the starter query in the editor. Runs alternate between the programs; medians
are printed.

Run: python -m bench.startup [--runs 5] [--harlequin]
harlequin is installed into a throwaway virtualenv under /tmp (never a ctui dependency); if that fails
the comparison is skipped with a message.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

SIZE = (30, 100)  # rows, columns
TIMEOUT = 30.0
HARLEQUIN_VENV = Path(tempfile.gettempdir()) / "ctui-bench-harlequin"


def launch(argv: list[str], markers: list[bytes], env: dict[str, str]) -> list[float | None]:
    """Seconds from fork until each marker (in order) has appeared in the child's output."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[0], SIZE[1], 0, 0))
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[0], SIZE[1], 0, 0))
    seen = b""
    found: list[float | None] = [None] * len(markers)
    try:
        while time.perf_counter() - start < TIMEOUT and None in found:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            now = time.perf_counter() - start
            for i, marker in enumerate(markers):
                if found[i] is None and all(part in seen for part in marker.split(b"|")):
                    found[i] = now
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return found


def ensure_harlequin() -> Path | None:
    exe = HARLEQUIN_VENV / "bin" / "harlequin"
    if exe.exists():
        return exe
    print(f"installing harlequin into {HARLEQUIN_VENV} (throwaway, not a ctui dependency)…", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(HARLEQUIN_VENV)], check=True, capture_output=True)
        subprocess.run(
            [str(HARLEQUIN_VENV / "bin" / "pip"), "install", "-q", "harlequin"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"harlequin could not be installed ({exc}); skipping the comparison")
        shutil.rmtree(HARLEQUIN_VENV, ignore_errors=True)
        return None
    return exe if exe.exists() else None


def demo_tree(base: Path) -> Path:
    from ctui.cloudtrail.demo import generate

    root = base / "tree"
    if not root.exists():
        generate(root, days=3, start=None, seed=1, events_per_day=3000)
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--harlequin", action="store_true", help="also time harlequin (installed under /tmp)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="ctui-bench-startup-"))
    tree = demo_tree(base)
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(SIZE[1]),
        "LINES": str(SIZE[0]),
        "CTUI_DATA_DIR": str(base / "data"),
        "CTUI_CONFIG": str(base / "config.toml"),
    }
    env.pop("NO_COLOR", None)
    ctui_cmd = [sys.executable, "-m", "ctui", "--local", str(tree)]
    harlequin = ensure_harlequin() if args.harlequin else None
    frames: dict[str, list[float]] = {"ctui": [], "harlequin": []}
    ready: list[float] = []
    for _ in range(args.runs):
        first, done = launch(ctui_cmd, [b"Quit|session|No results yet", b"Quit|SELECT|eventtime|LIMIT"], env)
        if first is not None:
            frames["ctui"].append(first)
        if done is not None:
            ready.append(done)
        if harlequin is not None:
            (h_first,) = launch([str(harlequin)], [b"Query Editor|Quit|Run Query"], env)
            if h_first is not None:
                frames["harlequin"].append(h_first)
    print(f"pty {SIZE[1]}x{SIZE[0]}, {args.runs} runs each, medians (min-max)")
    for name, values in frames.items():
        if values:
            print(
                f"  {name:<10} first complete frame {statistics.median(values):.3f} s "
                f"({min(values):.3f}-{max(values):.3f})"
            )
    if ready:
        print(
            f"  ctui       engine ready, starter query shown {statistics.median(ready):.3f} s "
            f"({min(ready):.3f}-{max(ready):.3f})"
        )
    if frames["ctui"] and frames["harlequin"]:
        ratio = statistics.median(frames["ctui"]) / statistics.median(frames["harlequin"])
        print(f"  ctui / harlequin = {ratio:.2f}")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
