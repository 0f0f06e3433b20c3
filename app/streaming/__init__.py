"""Server-sent events of a comparison, by concern: ``cursors`` (resumable event ids), ``events``
(pure encoding of what records hold beyond a cursor), ``caches`` (encodings shared between
streams), ``turns`` (a new stream's plan goes first) and ``loop`` (one stream's generator)."""
from .caches import BlockMemo, ChunkMemo
from .cursors import Cursor, RunCursor
from .events import Event, dumps, encode, pending_events, snapshot
from .loop import comparison_stream
from .turns import FirstEventsFirst

__all__ = ["BlockMemo", "ChunkMemo", "Cursor", "Event", "FirstEventsFirst", "RunCursor", "comparison_stream",
           "dumps", "encode", "pending_events", "snapshot"]
