"""Serving the curator app: the port check and uvicorn's settings, shared by `serve` and the demo."""

from __future__ import annotations

import socket

import uvicorn

from aggregator.core import Aggregator
from aggregator.errors import AggregatorError


def ensure_free(host: str, port: int) -> None:
    """Raise AggregatorError when nothing can listen on ``host``:``port`` (in use, or not ours)."""
    with socket.socket() as probe:
        # As uvicorn binds: connections of the last run still in TIME_WAIT (a browser's keep-alive)
        # must not make a restart look refused.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise AggregatorError(
                f"cannot listen on {host}:{port}: {exc.strerror} (choose another port)"
            ) from None


def server_config(core: Aggregator, host: str, port: int) -> uvicorn.Config:
    """Return uvicorn's settings for the app over ``core``.

    X-Forwarded-For and -Proto are believed only from the proxies the operator names
    (``AGGREGATOR_FORWARDED_ALLOW_IPS``): uvicorn's own default believes them from 127.0.0.1, where
    any local client could pick its own address (and so its own login throttle) and scheme.
    """
    from aggregator.web import create_app

    trusted = core.config.forwarded_allow_ips.strip()
    return uvicorn.Config(
        create_app(core),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
    )


def run_app(core: Aggregator, host: str, port: int) -> None:
    """Serve the curator app over ``core`` until interrupted (callers check the port first)."""
    uvicorn.Server(server_config(core, host, port)).run()
