"""Serving the application with uvicorn: uvloop and httptools, and with several workers one
listening socket each, so that the kernel spreads connections evenly over them.

uvicorn's own supervisor binds one socket and shares it: whichever worker wakes first
accepts, so under keep-alive one worker may hold most connections while the other idles
(20/0 and 13/7 were counted for 20 connections). With ``SO_REUSEPORT`` each worker has its
own socket on the same port and the kernel assigns each new connection to one of them by
a hash of its addresses.
"""

import socket
import sys
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "app.asgi:app"
# Explicit rather than "auto": a missing uvloop or httptools fails at start instead of
# falling back quietly to the slower pure-Python loop and parser.
LOOP = "uvloop"
HTTP = "httptools"
STARTUP_FAILURE = 3  # uvicorn's exit code when a server could not start


def server_config(
    host: str, port: int, workers: int, *, app: str = APP, **overrides: Any
) -> uvicorn.Config:
    """The uvicorn configuration `marrakech serve` runs (the benches serve other apps)."""
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "workers": workers,
        "loop": LOOP,
        "http": HTTP,
        # The client's address is decided in one place, app/web/client_address.py, from
        # MARRAKECH_TRUSTED_PROXIES; uvicorn's own handling would trust 127.0.0.1.
        "proxy_headers": False,
        # A worker process imports the whole application before it answers the
        # supervisor's first ping; on a busy machine that takes longer than uvicorn's 5 s,
        # and the supervisor would kill and respawn it for ever.
        "timeout_worker_healthcheck": 60,
        "log_level": "info",
        "access_log": False,
    }
    options.update(overrides)
    return uvicorn.Config(app, **options)


def reuse_port_socket(config: uvicorn.Config) -> socket.socket:
    """A socket bound to the configured address, which other workers may bind too. Not
    listening yet: the worker's server listens once the application is loaded, so that no
    connection waits in the queue of a worker still starting."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((config.host, config.port))
    sock.set_inheritable(True)
    return sock


class ReusePortMultiprocess(Multiprocess):
    """uvicorn's supervisor (restarts, health checks, signals), each worker it starts given
    a socket of its own. The supervisor closes its copy once the worker has started: a
    socket left open in the supervisor would stay in the kernel's group and take its share
    of connections that nobody accepts."""

    def __init__(self, config: uvicorn.Config) -> None:
        self._handed_out: list[socket.socket] = []
        super().__init__(config, sockets=[])

    @property
    def sockets(self) -> list[socket.socket]:  # type: ignore[override]
        sock = reuse_port_socket(self.config)
        self._handed_out.append(sock)
        return [sock]

    @sockets.setter
    def sockets(self, _value: list[socket.socket]) -> None:
        pass  # bound anew for each worker

    def _close_handed_out(self) -> None:
        while self._handed_out:
            self._handed_out.pop().close()

    def init_processes(self) -> None:
        super().init_processes()
        self._close_handed_out()

    def restart_all(self) -> None:
        try:
            super().restart_all()
        finally:
            self._close_handed_out()

    def keep_subprocess_alive(self) -> None:
        try:
            super().keep_subprocess_alive()
        finally:
            self._close_handed_out()


def serve(config: uvicorn.Config) -> None:
    """Run the server; several workers each get their own ``SO_REUSEPORT`` socket where the
    system has it (Linux), otherwise they share one as uvicorn does."""
    if config.workers > 1:
        if hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux"):
            ReusePortMultiprocess(config).run()
        else:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
