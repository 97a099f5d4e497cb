"""The yardstick: a bare FastAPI endpoint, served the same way as the application."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def hello() -> dict[str, str]:
    return {"hello": "world"}
