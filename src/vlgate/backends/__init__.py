"""Backends: the seam between the gateway and an inference engine."""

from vlgate.backends.base import Backend

__all__ = ["Backend"]
