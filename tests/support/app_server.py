"""The curator app served by uvicorn on 127.0.0.1 in a background thread, for real browsers."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI


class AppServer:
    """Runs ``app`` on a free port of 127.0.0.1 until ``stop``."""

    def __init__(self, app: FastAPI | uvicorn.Config) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        if isinstance(app, uvicorn.Config):
            config = app  # the product's own settings (aggregator.web.server.server_config)
        else:
            config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
