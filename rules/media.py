"""M rules: the images, videos and audio files that multimodal records refer to."""

from __future__ import annotations

import base64
import binascii
import io
import os
import stat
from collections.abc import Iterator

from sftlint.config import StrictModel
from sftlint.findings import Finding
from sftlint.options import Field, from_project
from sftlint.records import MEDIA_KINDS, MediaRef, Record
from sftlint.rule import RecordRule

HEADER_BYTES = 64  # every signature below lies within them
MAX_CACHED = 65_536  # file verdicts kept


def media_roots(record: Record, media_root: str | None) -> list[str]:
    """Where relative media paths resolve: `media-root` (if set, its real path), then the data
    file's folder; real paths (symlinks followed)."""
    roots = [media_root] if media_root else []
    data_file = record.source_path or record.path
    roots.append(os.path.realpath(os.path.dirname(os.path.abspath(data_file))))
    return roots


def _is_remote(path: str) -> bool:
    return path.startswith("data:") or "://" in path


def _inside(root: str, real: str) -> bool:
    try:
        return os.path.commonpath([root, real]) == root
    except ValueError:  # another drive
        return False


def locate_media(path: str, roots: list[str]) -> tuple[str | None, str | None]:
    """(real path, None) of a media file found inside one of `roots`, else (None, why)."""
    if "\x00" in path:  # os.path.realpath raises on it
        return None, "holds a NUL character, which no file name can"
    outside = None
    for root in roots:
        real = os.path.realpath(path if os.path.isabs(path) else os.path.join(root, path))
        if not _inside(root, real):
            outside = root
            continue
        if os.path.exists(real):
            return real, None
    if outside is not None and len(roots) == 1:
        return None, (f"resolves outside {outside} (symlinks followed); set media-root to "
                      "the folder that holds it")
    shown = " or ".join(roots)
    return None, f"not found (looked in {shown})"


def _missing_refs(record: Record, media_root: str | None) -> Iterator[tuple[MediaRef, str]]:
    """Media references whose file cannot be found: (reference, why)."""
    refs = [r for r in record.media_refs() if r.path and not _is_remote(r.path)]
    if not refs:
        return
    roots = media_roots(record, media_root)
    seen: set[str] = set()
    for ref in refs:
        if ref.path in seen:
            continue
        seen.add(ref.path)
        _, why = locate_media(ref.path, roots)
        if why is not None:
            yield ref, why


class MediaCountMismatch(RecordRule):
    """The number of `<image>`/`<video>`/`<audio>` placeholders differs from the media given.

    ## What it does
    Counts the `<image>`, `<video>` and `<audio>` placeholders in the record's messages
    (and content parts such as `{"type": "image"}` that stand for a file of the list) and
    compares each count with the length of the record's `images`, `videos` or `audios`
    list. Content parts that carry their own file (`image_url`) need no placeholder.

    ## Why it matters for training
    Multimodal trainers (LLaMA-Factory, TRL) put the files where the placeholders are:
    one too few and the loader raises, or the model learns to talk about an image it was
    never shown.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "<image>你看这是谁？"}, {"role": "assistant", "content": "照片上是一位笑着的老人，是您的家人吗？"}], "images": []}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你看这张照片里的人笑得多开心。"}, {"role": "assistant", "content": "笑得真开心，是您的家人吗？"}], "images": []}
    ```
    """

    code = "M001"
    name = "media-count-mismatch"

    def check(self, record: Record) -> Iterator[Finding]:
        given = {kind: 0 for kind in MEDIA_KINDS}
        for ref in record.media or ():
            given[ref.kind] += 1
        placed = {kind: 0 for kind in MEDIA_KINDS}
        first: dict[str, str] = {}
        for m in record.messages:
            c = m.content
            if "<" in c:
                for kind in MEDIA_KINDS:
                    n = c.count(f"<{kind}>")
                    if n:
                        placed[kind] += n
                        first.setdefault(kind, m.pointer)
            for ref in m.media or ():
                if not ref.path and ref.inline is None and ref.data is None:  # a placeholder
                    placed[ref.kind] += 1
                    first.setdefault(ref.kind, ref.pointer)
        for kind in MEDIA_KINDS:
            if placed[kind] != given[kind]:
                listed = record.media is not None and any(r.kind == kind for r in record.media)
                pointer = f"/{kind}s" if listed or kind not in first else first[kind]
                yield self.at(record, pointer,
                              f"{placed[kind]} <{kind}> placeholder(s) in the messages, "
                              f'{given[kind]} {kind}(s) in "{kind}s"')


class MediaMissing(RecordRule):
    """A media path that does not exist.

    ## What it does
    Resolves every image, video and audio path of a record (its `images`/`videos`/`audios`
    lists and `image_url`-style content parts) against `media-root`, when set, and the
    data file's folder, and flags paths that exist in neither, or that resolve outside
    them (`..`, absolute paths, symlinks pointing elsewhere: nothing outside is read).
    URLs and inline `data:` media are not checked.

    ## Why it matters for training
    A missing file stops the data loader hours into a run, or is skipped and leaves its
    conversation talking about nothing.

    ## Config
    ```toml
    media-root = "data"
    ```

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "<image>你看这是谁？"}, {"role": "assistant", "content": "照片上是一位笑着的老人，是您的家人吗？"}], "images": ["photos/does-not-exist.jpg"]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "你看这张照片里的人笑得多开心。"}, {"role": "assistant", "content": "笑得真开心，是您的家人吗？"}], "images": []}
    ```
    """

    code = "M002"
    name = "media-missing"

    class Options(StrictModel):
        media_root: str | None = from_project("media-root")

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        if record.media is None and not any(m.media for m in record.messages):
            return
        for ref, why in _missing_refs(record, self.options.media_root):
            yield self.at(record, ref.pointer, f'{ref.kind} "{ref.path[:200]}" {why}')


# (offset, signature) per kind; RIFF and ISO-BMFF (ftyp) are told apart by their brand.
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM",
                b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00")
_IMAGE_BRANDS = (b"heic", b"heix", b"avif", b"avis", b"mif1", b"msf1", b"hevc")
_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ")
_VIDEO_MAGIC = (b"\x1a\x45\xdf\xa3", b"OggS", b"FLV", b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")
_AUDIO_MAGIC = (b"ID3", b"fLaC", b"OggS", b"#!AMR", b"\x1a\x45\xdf\xa3")
_MOV_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def sniff(header: bytes) -> str | None:
    """The media kind a file's first bytes announce ("image", "video", "audio"), or None."""
    riff = header[:4] == b"RIFF"
    brand = header[8:12]
    if (header.startswith(_IMAGE_MAGIC) or (riff and brand == b"WEBP")
            or (header[4:8] == b"ftyp" and brand in _IMAGE_BRANDS)):
        return "image"
    if header[4:8] == b"ftyp":
        return "audio" if brand in _AUDIO_BRANDS else "video"
    if riff:
        return {b"AVI ": "video", b"WAVE": "audio"}.get(brand)
    if header.startswith(_VIDEO_MAGIC) or header[4:8] in _MOV_ATOMS:
        return "video"
    if header.startswith(_AUDIO_MAGIC) or (len(header) > 1 and header[0] == 0xFF
                                           and header[1] & 0xE0 == 0xE0):
        return "audio"
    if header[:1] == b"\x47" and len(header) > 0:  # MPEG-TS sync byte
        return "video"
    return None


def _accepts(kind: str, found: str | None, header: bytes) -> bool:
    if found == kind:
        return True
    # WebM, Ogg and MP4 hold audio or video alike
    shared = header.startswith((b"\x1a\x45\xdf\xa3", b"OggS")) or header[4:8] == b"ftyp"
    return shared and kind in ("audio", "video") and found in ("audio", "video")


class MediaUnreadable(RecordRule):
    """A media file that does not decode as the image, video or audio it should be.

    ## What it does
    Reads the first bytes of every media file M002 finds, of inline base64 media and of
    media embedded in the record (a `datasets` Image, Audio or Video value in Parquet or
    Arrow, `{"bytes", "path"}`), and checks its signature: JPEG, PNG, GIF, WebP, BMP, TIFF, HEIC/AVIF for images; MP4/MOV,
    WebM/MKV, AVI, Ogg, MPEG, FLV for video; MP3, WAV, FLAC, Ogg, M4A, AMR for audio.
    With Pillow installed (`pip install 'sftlint[media]'`) images up to `verify-max-bytes`
    are also opened and verified by Pillow; without it the check is by header only, and
    findings say so. A large file is never read whole: headers only, bounded. Each file is
    checked once for each kind records use it as (an image, an audio file), however many
    records use it.

    ## Why it matters for training
    A truncated download or an HTML error page saved as `.jpg` crashes the image processor
    mid-epoch, or is skipped and leaves its conversation talking about nothing.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": [{"type": "text", "text": "你听听这段录音。"}, {"type": "input_audio", "input_audio": {"data": "PGh0bWw+bm90IGZvdW5kPC9odG1sPg==", "format": "wav"}}]}, {"role": "assistant", "content": "听起来是您在唱歌，唱得真好听。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": [{"type": "text", "text": "你听听这段录音。"}, {"type": "input_audio", "input_audio": {"data": "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=", "format": "wav"}}]}, {"role": "assistant", "content": "听起来是您在唱歌，唱得真好听。"}]}
    ```

    ## Options
    - `verify-max-bytes` (default 16 MiB): images up to this size are fully verified by
      Pillow (when installed); larger ones by their header only.
    """

    code = "M003"
    name = "media-unreadable"

    class Options(StrictModel):
        verify_max_bytes: int = Field(16 << 20, ge=0, le=1 << 32)
        media_root: str | None = from_project("media-root")

    options: Options

    def __init__(self, options: StrictModel) -> None:
        super().__init__(options)
        # one verdict per file version (path, size, mtime) and kind it is used as: a file
        # used by many records is read once, an edited file again, and a file used as an
        # image by one record and as audio by another is judged as each; bounded
        self.verdicts: dict[tuple[str, int, int, str], str | None] = {}

    def check(self, record: Record) -> Iterator[Finding]:
        if record.media is None and not any(m.media for m in record.messages):
            return
        refs = record.media_refs()
        roots: list[str] | None = None
        verdicts = self.verdicts
        seen: set[tuple[str, str]] = set()  # (kind, path)
        for ref in refs:
            if ref.data is not None:
                problem = self._embedded(ref.kind, ref.data)
            elif ref.inline is not None or ref.path.startswith("data:"):
                problem = self._inline(ref)
            elif not ref.path or _is_remote(ref.path) or (ref.kind, ref.path) in seen:
                continue
            else:
                seen.add((ref.kind, ref.path))
                roots = roots or media_roots(record, self.options.media_root)
                real, _ = locate_media(ref.path, roots)
                if real is None:
                    continue  # M002
                problem = self._file(ref.kind, real, verdicts)
            if problem is not None:
                shown = "embedded data" if ref.data is not None else "inline data" \
                    if ref.inline is not None or ref.path.startswith("data:") \
                    else f'"{ref.path[:200]}"'
                yield self.at(record, ref.pointer, f"{ref.kind} {shown} {problem}")

    def _embedded(self, kind: str, data: bytes) -> str | None:
        if not data:
            return "is empty"
        verdict = self._verdict(kind, data[:HEADER_BYTES])
        if verdict is None and kind == "image":
            verdict = self._pillow(io.BytesIO(data), len(data))
        return verdict

    def _inline(self, ref: MediaRef) -> str | None:
        data = ref.inline if ref.inline is not None else ref.path.partition(",")[2]
        if ref.inline is None and ";base64," not in ref.path[:100]:
            return None  # a percent-encoded data: URL; rare, not checked
        head = data[:88].strip()
        head = head[: len(head) // 4 * 4]
        try:
            header = base64.b64decode(head, validate=True)
        except (binascii.Error, ValueError):
            return "is not valid base64"
        return self._verdict(ref.kind, header)

    def _file(self, kind: str, real: str,
              verdicts: dict[tuple[str, int, int, str], str | None]) -> str | None:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(real, flags)
        except OSError as exc:
            return f"cannot be opened: {exc.strerror or exc}"
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # before fdopen, which refuses a directory
            os.close(fd)
            return "is not a regular file"
        with os.fdopen(fd, "rb") as f:
            key = (real, st.st_size, st.st_mtime_ns, kind)
            if key in verdicts:
                return verdicts[key]
            if len(verdicts) >= MAX_CACHED:
                verdicts.clear()
            if st.st_size == 0:
                verdict: str | None = "is an empty file"
            else:
                header = f.read(HEADER_BYTES)
                verdict = self._verdict(kind, header)
                if verdict is None and kind == "image":
                    verdict = self._pillow(f, st.st_size)
            verdicts[key] = verdict
            return verdict

    def _verdict(self, kind: str, header: bytes) -> str | None:
        found = sniff(header)
        if _accepts(kind, found, header):
            return None
        what = f"{'an' if found == 'audio' else 'a'} {found} file" if found else "no known format"
        hint = "" if _pillow_available() else " (header check only: pip install 'sftlint[media]')"
        return f"is not a readable {kind}: its header says {what}{hint}"

    def _pillow(self, f: object, size: int) -> str | None:
        """Pillow's verdict on an image whose header looked right (None without Pillow)."""
        if not _pillow_available() or size > self.options.verify_max_bytes:
            return None
        from PIL import Image

        assert hasattr(f, "seek") and hasattr(f, "read")
        f.seek(0)
        data = f.read(self.options.verify_max_bytes + 1)
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many kinds: any is a broken image
            return f"is not a readable image: Pillow says {str(exc)[:120] or type(exc).__name__}"
        return None


def _pillow_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("PIL") is not None
