"""The declarative base every ORM entity derives from. A module of its own so that the
entities need nothing else from storage, and the engine factory can import what the
entities define (the data version) without an import circle."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
