"""The ASGI application object for uvicorn and other servers."""

import logging
import os

from app.main import create_app

logging.basicConfig(
    level=os.environ.get("MARRAKECH_LOG_LEVEL", "INFO").upper(),
    format="%(asctime)s %(levelname)s %(name)s %(message)s",
)
# WeasyPrint reports every layout step at INFO; keep its warnings only.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)
app = create_app()
