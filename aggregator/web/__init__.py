"""The curator app: FastAPI over the services, server-rendered pages, a JSON API, plain JavaScript."""

from aggregator.web.app import create_app

__all__ = ["create_app"]
