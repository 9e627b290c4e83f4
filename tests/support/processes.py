"""Stopping the servers tests start in process groups of their own (Dovecot, PHP's server)."""

from __future__ import annotations

import os
import signal
import subprocess


def stop_group(process: subprocess.Popen[bytes], *, timeout: float = 10) -> None:
    """SIGTERM the process group, then SIGKILL it if it has not ended within ``timeout`` seconds."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
