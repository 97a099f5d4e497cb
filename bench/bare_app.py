"""The yardstick: a bare FastAPI endpoint, served the same way as the application."""

import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def hello() -> dict[str, str]:
    return {"hello": "world"}


@app.get("/pid")
def pid() -> dict[str, int]:
    """Which worker answered: how the connections are spread over the workers."""
    return {"pid": os.getpid()}
