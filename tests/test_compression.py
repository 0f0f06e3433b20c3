"""app/compression.py: stream pieces compressed once and spliced into one gzip member per stream."""
import gzip
import os
import zlib

from app.compression import SharedDeflate, SplicedGzip, crc32_combine, deflate_piece


def strict_gunzip(data: bytes) -> bytes:
    """One gzip member, checked to its CRC and length, with nothing after it (as httpx and browsers read it)."""
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = decoder.decompress(data)
    assert decoder.eof and decoder.unused_data == b""
    return out


def spliced(pieces: list[bytes], shared: SharedDeflate) -> bytes:
    stream = SplicedGzip()
    out = b""
    for piece in pieces:
        out += stream.chunk(piece, shared.get(piece) or shared.put(piece, deflate_piece(piece)))
    return out + stream.finish()


def test_crc32_combine_is_zlibs():
    a, b = os.urandom(70_000), b"loss " * 5_000
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    assert crc32_combine(0, zlib.crc32(b), len(b)) == zlib.crc32(b)


def test_pieces_compressed_once_make_one_valid_gzip_member_in_any_order():
    pieces = [os.urandom(40_000), b'data: {"loss": [0.25, 0.125]}\r\n\r\n' * 900, b": ping\r\n\r\n", b"x" * 20_000]
    shared = SharedDeflate(10_000_000)
    first = spliced(pieces, shared)
    for _ in range(20):  # every piece found, none compressed again; CRCs combined once served often
        again = spliced(list(reversed(pieces)), shared)
        assert strict_gunzip(again) == b"".join(reversed(pieces))
    assert shared.get(pieces[0])[2] == 21
    assert strict_gunzip(first) == gzip.decompress(first) == b"".join(pieces)
    assert strict_gunzip(SplicedGzip().finish()) == b""


def test_the_shared_pieces_are_bounded_and_small_ones_not_kept():
    shared = SharedDeflate(100_000)
    for i in range(10):
        piece = bytes([i]) * 30_000
        shared.put(piece, deflate_piece(piece))
    assert shared.get(bytes([9]) * 30_000) is not None and shared.get(bytes([0]) * 30_000) is None
    shared.put(b": ping\r\n\r\n", deflate_piece(b": ping\r\n\r\n"))
    assert shared.get(b": ping\r\n\r\n") is None
