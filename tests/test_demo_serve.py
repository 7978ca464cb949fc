"""'linkatlas demo --serve' (what 'make demo' runs): the demo ends serving its dashboard, prints
the address, answers there, and stops on Ctrl-C. The demo without --serve is in test_cli.py."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from web_support import free_port


def test_demo_serves_the_dashboard_until_interrupted(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkatlas", "demo", "--dir", str(tmp_path / "demo"),
         "--no-live", "--serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")),
                              daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        address = None
        deadline = time.monotonic() + 240
        while address is None and time.monotonic() < deadline and proc.poll() is None:
            found = re.search(r"Dashboard: (http://127\.0\.0\.1:\d+/t/\S+)", "".join(lines))
            address = found.group(1) if found else None
            time.sleep(0.1)
        assert address is not None, ("".join(lines), proc.poll())
        assert address == f"http://127.0.0.1:{port}/t/beancraft.example"
        page = None
        while time.monotonic() < deadline:
            try:
                page = httpx.get(address, timeout=30)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert page is not None and page.status_code == 200
        assert "<h1>beancraft.example</h1>" in page.text
        assert re.search(r'<div class="n">[1-9][\d,]*</div>backlinks', page.text)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, proc.stderr.read()  # type: ignore[union-attr]


def test_busy_port_is_replaced(tmp_path: Path) -> None:
    import socket

    from linkatlas.cli._demo import _free_port

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert _free_port(taken) != taken
    assert _free_port(taken) == taken
