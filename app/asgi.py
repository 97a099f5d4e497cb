"""The ASGI application object for uvicorn and other servers."""

from app.config import get_settings
from app.main import create_app
from app.observability.logs import configure_logging

configure_logging(get_settings().log_format, get_settings().log_level)
app = create_app()
