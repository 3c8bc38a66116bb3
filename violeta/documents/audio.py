"""Audio is stored as received, except the tags where a phone may write where and who: removed in place.

An iPhone's Voice Memos write the place of the recording in the M4A's user data (``moov/udta/©xyz``, or the
``moov/meta`` keys of newer versions); an MP3 may carry ID3 tags (names, comments, pictures). The sound itself
is never re-encoded (that would alter the evidence): an M4A's ``udta`` and ``meta`` boxes are renamed ``free``
(a box every player skips) and zeroed, so no offset in the file moves; an MP3's ID3v2 tag at the start and ID3v1
tag at the end are cut off, leaving the MPEG frames. OGG (WhatsApp's voice notes: only the encoder's name in
its comment header) is stored byte for byte. The original's SHA-256 is recorded either way.
"""

import struct
from dataclasses import dataclass

METADATA_BOXES = {b"udta", b"meta"}


@dataclass(frozen=True)
class CleanAudio:
    content: bytes
    had_metadata: bool


def _boxes(data: bytearray, start: int, end: int):
    """(type offset, payload start, box end, type) of the ISO BMFF boxes between ``start`` and ``end``."""
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        offset = 8
        if size == 1 and position + 16 <= end:
            size = struct.unpack(">Q", data[position + 8 : position + 16])[0]
            offset = 16
        elif size == 0:
            size = end - position
        if size < offset or position + size > end:
            return
        yield position + 4, position + offset, position + size, bytes(kind)
        position += size


def _neutralise(data: bytearray, type_at: int, payload: int, end: int) -> None:
    data[type_at : type_at + 4] = b"free"
    data[payload:end] = bytes(end - payload)


def _clean_mp4(data: bytearray) -> bool:
    found = False
    for _type_at, payload, end, kind in list(_boxes(data, 0, len(data))):
        if kind != b"moov":
            continue
        for child_type_at, child_payload, child_end, child in list(_boxes(data, payload, end)):
            if child in METADATA_BOXES:
                _neutralise(data, child_type_at, child_payload, child_end)
                found = True
            elif child == b"trak":
                for box_type_at, box_payload, box_end, box in list(_boxes(data, child_payload, child_end)):
                    if box in METADATA_BOXES:
                        _neutralise(data, box_type_at, box_payload, box_end)
                        found = True
    return found


def _clean_mp3(data: bytes) -> tuple[bytes, bool]:
    found = False
    if data.startswith(b"ID3") and len(data) > 10:
        size = 0
        for byte in data[6:10]:
            size = (size << 7) | (byte & 0x7F)
        size += 20 if data[5] & 0x10 else 10  # the header, and the footer when the flags say there is one
        data, found = data[size:], True
    if len(data) >= 128 and data[-128:-125] == b"TAG":
        data, found = data[:-128], True
    return data, found


def clean_audio(fileobj, extension: str) -> CleanAudio | None:
    """The audio without its tags, or None when it is stored as received (OGG, or nothing to remove)."""
    if extension not in (".m4a", ".mp3"):
        return None
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    if extension == ".m4a":
        buffer = bytearray(data)
        found = _clean_mp4(buffer)
        return CleanAudio(bytes(buffer), True) if found else None
    cleaned, found = _clean_mp3(data)
    return CleanAudio(cleaned, True) if found and cleaned else None
