"""Encodings shared between streams, bounded in size."""
from app.streaming import BlockMemo, ChunkMemo, Cursor
from tests.support.records import blocks


def test_streams_following_the_same_records_share_one_encoded_chunk():
    rec = blocks([3, 3])
    memo = ChunkMemo(max_bytes=10_000, max_chunks=4)
    a, b = Cursor.start(1), Cursor.start(1)
    first, second = memo.next_chunk([rec], a, 10), memo.next_chunk([rec], b, 10)
    assert first is second and first.endswith(b"event: end\r\ndata: {}\r\n\r\n")
    assert a == b and a.all_done and b.runs[0] is not a.runs[0]  # each stream has its own cursor


def test_a_chunk_over_the_byte_bound_is_not_kept():
    rec = blocks([3, 3])
    memo = ChunkMemo(max_bytes=10, max_chunks=4)
    assert memo.next_chunk([rec], Cursor.start(1), 10) is not memo.next_chunk([rec], Cursor.start(1), 10)


def test_a_block_is_encoded_once_and_the_oldest_record_goes_first():
    a, b = blocks([2, 2]), blocks([2])
    memo = BlockMemo(max_chars=10_000, max_records=1)
    assert memo.texts(a, 1) is memo.texts(a, 1) and memo.texts(a, 1) == ("3.0,4.0", "0.5,0.5")
    kept = memo.texts(a, 0)
    memo.texts(b, 0)  # one record at most: a's blocks are dropped
    assert memo.texts(a, 0) == kept and memo.texts(a, 0) is not kept
