"""Text in images, read at the resolution the model will see.

``OcrEngine`` is the seam; ``tesseract`` (Debian ``tesseract-ocr`` + PyPI
``pytesseract``) is the built-in, ``model`` adapts any callable (for example one
that asks the Instruct model to transcribe). An engine that cannot run says so
through ``available()``; the screen then reports ``ocr_unavailable``, never a pass.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from PIL import Image, ImageOps
from PIL.Image import Resampling

from vlgate.media.tokens import smart_resize as media_smart_resize


def smart_resize(
    height: int, width: int, *, min_pixels: int = 65_536, max_pixels: int = 16_777_216
) -> tuple[int, int]:
    """The size the model sees an image at: media intake's processor arithmetic
    with Qwen3-VL's default limits (FACTS.md)."""
    return media_smart_resize(height, width, min_pixels=min_pixels, max_pixels=max_pixels)


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def available(self) -> bool: ...

    def extract(self, image: Image.Image) -> str:
        """All text found in ``image`` (already at model resolution)."""
        ...


@runtime_checkable
class PassOcr(Protocol):
    """An engine that reads in passes, so the screen can stop at the first confident hit."""

    def passes(self, image: Image.Image) -> Iterator[str]: ...


class OcrUnavailable(RuntimeError):
    pass


def _gray(image: Image.Image, scale: int) -> Image.Image:

    gray = ImageOps.autocontrast(image.convert("L"), cutoff=1)
    if scale > 1:
        gray = gray.resize((gray.width * scale, gray.height * scale), Resampling.BICUBIC)
    return gray


def _flatten(gray: Image.Image) -> Image.Image:
    """Text as dark on white whatever its polarity: distance from the local background."""
    from PIL import ImageChops, ImageFilter

    flat = ImageChops.difference(gray, gray.filter(ImageFilter.GaussianBlur(12)))
    return ImageOps.invert(ImageOps.autocontrast(flat, cutoff=1))


def _binarise(gray: Image.Image) -> Image.Image:
    """Adaptive threshold, dark ink on white: ink differs from its neighbourhood's mean
    in the image's text polarity (the side most far-off pixels fall on)."""
    import numpy as np
    from PIL import ImageFilter

    a = np.asarray(gray, dtype=np.int16)
    local = np.asarray(gray.filter(ImageFilter.BoxBlur(15)), dtype=np.int16)
    diff = local - a  # > 0: darker than the surroundings
    spread = max(8.0, float(np.abs(diff).std()))
    darker, lighter = int((diff > 2 * spread).sum()), int((diff < -2 * spread).sum())
    ink = diff > spread if darker >= lighter else diff < -spread
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))


def skew_angle(binary: Image.Image, limit: float = 12.0, step: float = 1.0) -> float:
    """Rotation (degrees) that makes text lines horizontal: the sharpest row profile."""
    import numpy as np

    small = binary.copy()
    small.thumbnail((600, 600))
    best, best_angle = -1.0, 0.0
    for k in range(-int(limit / step), int(limit / step) + 1):
        angle = k * step
        rotated = small.rotate(angle, expand=True, fillcolor=255)
        rows = (np.asarray(rotated) < 128).sum(axis=1).astype(np.float64)
        sharp = float(np.square(np.diff(rows)).sum())
        if sharp > best:
            best, best_angle = sharp, angle
    return best_angle


def _deskewed(gray: Image.Image) -> Image.Image | None:
    binary = _binarise(gray)
    angle = skew_angle(binary)
    return binary.rotate(angle, expand=True, fillcolor=255) if abs(angle) >= 2 else None


OcrPass = tuple[str, Callable[[Image.Image], Image.Image | None], str]
"""(name, preprocessing of the model-resolution image (None: skip), tesseract config)."""


def _ink(gray: Image.Image, radius: float = 10.0, floor: float = 0.2) -> Any:
    """How much each pixel stands out from its local background, in the image's text
    polarity: 0 background .. 255 ink; deviations under ``floor`` of the strongest
    are background (stripe edges, noise). Flattens stripes, vignettes, blobs and gradients; light-on-dark becomes the
    same as dark-on-light."""
    import numpy as np
    from PIL import ImageFilter

    a = np.asarray(gray, dtype=np.float32)
    diff = np.asarray(gray.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) - a
    # Thin strokes deviate far from the blurred mean; the halo around them only a
    # little the other way: the far tail tells the polarity.
    darker, lighter = np.percentile(diff, 99.7), -np.percentile(diff, 0.3)
    if lighter > darker:
        diff = -diff  # light text on a dark ground
    top = max(8.0, float(max(darker, lighter)))
    ink = (diff - floor * top) * (255.0 / ((1 - floor) * top))
    return np.clip(ink, 0, 255).astype(np.uint8)


def _runs(on: Any) -> tuple[Any, Any]:
    """Starts and ends of the runs of True in a 1-D boolean array."""
    import numpy as np

    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
    return edges[::2], edges[1::2]


def line_height(ink: Any, threshold: int = 96) -> float | None:
    """Median height (px) of the bands of rows that carry text: about the font size
    of horizontal text. A band counts as text when its ink breaks into several
    pieces along the row (letters and words) and it carries at least a quarter of
    the heaviest band's ink (a ruled line or an image border is light). None where
    no band is found."""
    import numpy as np

    dark = ink >= threshold
    starts, ends = _runs(dark.sum(axis=1) > max(2, 0.02 * ink.shape[1]))
    bands = [
        (int(e - s), int(dark[s:e].sum()))
        for s, e in zip(starts, ends, strict=True)
        if e - s >= 4 and len(_runs(dark[s:e].any(axis=0))[0]) >= 4
    ]
    if not bands:
        return None
    heaviest = max(mass for _, mass in bands)
    return float(np.median([h for h, mass in bands if mass >= heaviest / 4]))


def _ink_box(ink: Any, margin: int = 24) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) around the ink, with a margin."""
    import numpy as np

    ys, xs = np.nonzero(ink >= 96)
    if len(xs) < 20:
        return None
    h, w = ink.shape
    return (
        max(0, int(xs.min()) - margin),
        max(0, int(ys.min()) - margin),
        min(w, int(xs.max()) + margin + 1),
        min(h, int(ys.max()) + margin + 1),
    )


def _normalised(image: Image.Image, target: float = 36.0, limit: float = 4.0) -> Image.Image:
    """Dark text on a flat white ground, deskewed, scaled so a text line is about
    ``target`` px high (tesseract reads best around a 20-30 px x-height). Angle and
    line height come from a first ink map; the gray image is then rotated and scaled
    smoothly and its ink map taken again at that size."""
    import numpy as np

    gray = image.convert("L")  # no contrast stretch: the ink map scales itself
    ink = _ink(gray)
    angle = skew_angle(Image.fromarray(np.where(ink >= 96, 0, 255).astype(np.uint8)))
    fill = int(np.median(np.asarray(gray)))
    if abs(angle) >= 1:
        ink = np.asarray(Image.fromarray(ink).rotate(angle, expand=True, fillcolor=0))
        gray = gray.rotate(angle, expand=True, fillcolor=fill, resample=Resampling.BICUBIC)
    box = _ink_box(ink)
    if box is not None:  # only the part with text: tesseract's time grows with the area
        ink, gray = ink[box[1] : box[3], box[0] : box[2]], gray.crop(box)
    height = line_height(ink)
    scale = min(limit, max(1.0, target / height)) if height else 2.0
    scale = min(scale, max(1.0, 4000 / max(gray.size)))
    if scale > 1.05:
        size = (round(gray.width * scale), round(gray.height * scale))
        gray = gray.resize(size, Resampling.BICUBIC)
    return Image.fromarray(255 - _ink(gray, radius=10.0 * scale))


def _scale(image: Image.Image) -> int:
    return 2 if max(image.size) < 1600 else 1


DEFAULT_PASSES: tuple[OcrPass, ...] = (
    ("normalised", _normalised, "--psm 6"),
    ("gray", lambda im: _gray(im, _scale(im)), "--psm 3"),
    ("deskew", lambda im: _deskewed(_gray(im, _scale(im))), "--psm 6"),
    ("flat-sparse", lambda im: _flatten(_gray(im, _scale(im))), "--psm 11"),
    ("binary-3x", lambda im: _binarise(_gray(im, 3)) if max(im.size) < 1100 else None, "--psm 6"),
)


class TesseractOcr:
    """Tesseract through pytesseract, several preprocessings, within a time budget.

    ``passes(image)`` yields the text of each preprocessing in turn (grayscale with
    contrast stretch, background-flattened sparse text, deskewed adaptive threshold,
    3x upscale for small text) so a caller can stop at the first confident hit; no
    new pass starts once ``budget_s`` is spent, and a running pass is cut at the
    budget's end (``timeout_s`` still bounds the first pass).
    """

    name = "tesseract"

    def __init__(
        self,
        languages: str = "eng",
        upscale_below: int = 1600,
        timeout_s: float = 20.0,
        budget_s: float = 4.0,
        pass_list: tuple[OcrPass, ...] = DEFAULT_PASSES,
        threads: int = 1,
        **_: Any,
    ) -> None:
        self.languages, self.upscale_below, self.timeout_s = languages, upscale_below, timeout_s
        self.budget_s, self.pass_list, self.threads = budget_s, pass_list, threads

    def available(self) -> bool:
        try:
            import pytesseract  # noqa: F401
        except ImportError:
            return False
        return shutil.which("tesseract") is not None

    def extract(self, image: Image.Image) -> str:
        return "\n".join(self.passes(image))

    def passes(self, image: Image.Image) -> Iterator[str]:
        import pytesseract

        if not self.available():
            raise OcrUnavailable("tesseract is not installed")
        # Tesseract's OpenMP threads slow it down on a few shared cores (measured
        # here: ~1.4 s -> ~0.4 s per image on 2 cores); a deployment can override.
        os.environ.setdefault("OMP_THREAD_LIMIT", str(self.threads))
        start = time.perf_counter()
        for i, (_name, prepare, config) in enumerate(self.pass_list):
            left = self.budget_s - (time.perf_counter() - start)
            if i > 0 and left <= 0.05:
                return
            prepared = prepare(image)
            if prepared is None:
                continue
            limit = self.timeout_s if i == 0 else left
            try:
                text = self._run(pytesseract, prepared, config, limit)
            except OcrUnavailable:
                if i == 0:
                    raise
                return  # a later pass ran out of budget: keep what was read
            if text.strip():
                yield text

    def _run(self, pytesseract: Any, image: Image.Image, config: str, timeout: float) -> str:
        try:
            return str(
                pytesseract.image_to_string(
                    image, lang=self.languages, config=config, timeout=max(0.1, timeout)
                )
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            raise OcrUnavailable(f"tesseract failed: {exc}") from exc


def _rapid_models_dir() -> Any:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "models"


_RAPID_LOCK = threading.Lock()


def _rapid_models(threads: int) -> Any:
    """RapidOCR's PP-OCRv4 detector, angle classifier and recogniser, loaded once per
    process (and thread count) from the ONNX files inside the installed wheel;
    nothing is downloaded. ONNX Runtime sessions may be shared across threads."""
    with _RAPID_LOCK:  # concurrent first requests load the models once
        return _load_rapid(threads)


@functools.lru_cache(maxsize=4)
def _load_rapid(threads: int) -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False)


RapidPass = tuple[str, Callable[[Image.Image], Image.Image | None], int]
"""(name, preprocessing of the model-resolution image (None: skip), the shorter side
the detector sees the image at)."""


RAPID_PASSES: tuple[RapidPass, ...] = (
    ("fast", lambda im: im, 480),
    ("fine", lambda im: im, 960),  # small text: the detector sees it twice as large
)


class RapidOcr:
    """RapidOCR (PP-OCRv4 text detection + recognition on ONNX Runtime), the ``ocr``
    extra. A real text detector finds lines at any small rotation, on textured or
    dark backgrounds; the recogniser reads each line crop.

    ``passes(image)`` yields the text of each pass: the model view detected with its
    shorter side scaled to 480 px, then to 960 px for small text (a background-
    flattened pass, tried too, read less). No pass starts once ``budget_s`` is spent
    or when its detection, timed per pixel on the pass before, would overrun it;
    within a pass recognition stops between line batches at the budget's end
    (``timeout_s`` bounds the first pass instead). The recogniser (trained mostly on Chinese) often drops the spaces between
    English words; ``space_boost`` takes a space wherever the recogniser gives one at
    least that probability at a frame it would otherwise leave blank.
    """

    name = "rapidocr"

    def __init__(
        self,
        languages: str = "eng",
        upscale_below: int = 1600,
        timeout_s: float = 20.0,
        budget_s: float = 4.0,
        pass_list: tuple[RapidPass, ...] = RAPID_PASSES,
        threads: int = 1,
        text_score: float = 0.5,
        space_boost: float = 0.02,
        det_max: int = 2400,
        **_: Any,
    ) -> None:
        self.timeout_s, self.budget_s, self.pass_list = timeout_s, budget_s, pass_list
        self.threads, self.text_score, self.space_boost = threads, text_score, space_boost
        self.det_max = det_max

    def available(self) -> bool:
        models = _rapid_models_dir()
        if models is None or not models.is_dir():
            return False
        try:
            import cv2  # noqa: F401
            import onnxruntime  # noqa: F401
        except ImportError:  # e.g. libGL missing under opencv-python
            return False
        return True

    def warm_up(self) -> None:
        """Load the models now (a gateway calls this at start, off the request path,
        so the first screened image does not pay the ~0.7 s load)."""
        if self.available():
            _rapid_models(self.threads)

    def extract(self, image: Image.Image) -> str:
        return "\n".join(self.passes(image))

    def passes(self, image: Image.Image) -> Iterator[str]:
        if not self.available():
            raise OcrUnavailable("rapidocr-onnxruntime is not installed (the 'ocr' extra)")
        try:
            models = _rapid_models(self.threads)
        except Exception as exc:  # a broken install: say so, never pass silently
            raise OcrUnavailable(f"rapidocr failed to load: {exc}") from exc
        start = time.perf_counter()
        per_pixel: float | None = None  # detector seconds per pixel, from the passes so far
        for i, (_name, prepare, side) in enumerate(self.pass_list):
            elapsed = time.perf_counter() - start
            if i > 0 and elapsed >= self.budget_s - 0.05:
                return
            prepared = prepare(image)
            if prepared is None:
                continue
            rh, rw = self._det_size(prepared.height, prepared.width, side)
            if i > 0 and per_pixel is not None and elapsed + per_pixel * rh * rw > self.budget_s:
                return  # the detector alone would overrun: it cannot be cut once started
            deadline = start + (max(self.budget_s, self.timeout_s) if i == 0 else self.budget_s)
            t0 = time.perf_counter()
            boxes, bgr = self._detect(models.text_det, prepared, (rh, rw))
            per_pixel = (time.perf_counter() - t0) / (rh * rw)
            if not len(boxes):
                continue
            crops = models.get_crop_img_list(bgr, models.sorted_boxes(boxes))
            lines = self._recognise(models.text_rec, crops, deadline)
            text = "\n".join(t for t, score in lines if score >= self.text_score and t)
            if text:
                yield text

    def _det_size(self, h: int, w: int, side: int) -> tuple[int, int]:
        """The detector's input size: the image scaled so its shorter side is at least
        ``side`` (small text grows to what the network was trained on) and its longer
        side at most ``det_max``, in multiples of 32."""
        ratio = min(max(1.0, side / min(h, w)), max(1.0, self.det_max / max(h, w)))
        return max(32, round(h * ratio / 32) * 32), max(32, round(w * ratio / 32) * 32)

    def _detect(self, det: Any, image: Image.Image, size: tuple[int, int]) -> tuple[Any, Any]:
        """Text line quadrilaterals (in ``image``'s coordinates), and the image as BGR."""
        import cv2
        import numpy as np

        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        h, w = bgr.shape[:2]
        rh, rw = size
        x = cv2.resize(bgr, (rw, rh)).astype(np.float32) / 255.0
        x = ((x - 0.5) / 0.5).transpose(2, 0, 1)[np.newaxis]
        preds = det.infer(np.ascontiguousarray(x, dtype=np.float32))[0]
        boxes, _ = det.postprocess_op(preds, (h, w))
        return det.filter_tag_det_res(boxes, (h, w)), bgr

    def _recognise(self, rec: Any, crops: list[Any], deadline: float) -> list[tuple[str, float]]:
        """Recognise line crops in batches of similar width (less padding), checking
        the deadline between batches; returns results in reading order."""
        import numpy as np

        _, height, width = rec.rec_image_shape
        order = sorted(range(len(crops)), key=lambda k: crops[k].shape[1] / crops[k].shape[0])
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        space = len(rec.postprocess_op.character) - 1
        assert rec.postprocess_op.character[space] == " "  # RapidOCR appends it last
        for b in range(0, len(order), rec.rec_batch_num):
            if b > 0 and time.perf_counter() >= deadline:
                break
            idx = order[b : b + rec.rec_batch_num]
            ratio = max(width / height, *(crops[k].shape[1] / crops[k].shape[0] for k in idx))
            batch = np.stack([rec.resize_norm_img(crops[k], ratio) for k in idx])
            preds = rec.session(batch.astype(np.float32))[0]
            chars = rec.postprocess_op.character
            for k, row in zip(idx, preds, strict=True):
                out[k] = _ctc_decode(row, chars, space, self.space_boost)
        return out


_JOINERS = frozenset("[](){}<>|/\\_@=#~^*&%$+")


def _spaced(before: str, after: str) -> bool:
    """Whether a space the recogniser half-saw between two characters is kept: not
    inside markup or addresses ("![img](", "<|im_start|>", "a@b.example"), not before
    punctuation, and after a full stop only when a sentence starts."""
    if before in _JOINERS or after in _JOINERS or after in ".,;:!?":
        return False
    return after.isupper() if before == "." else True


def _ctc_decode(probs: Any, chars: list[str], space: int, boost: float) -> tuple[str, float]:
    """Greedy CTC decoding of one line (frames x classes, class 0 the blank), with the
    space fix: a frame the recogniser leaves blank becomes a space when the space
    class has at least ``boost`` probability there. Such a space is kept only where
    ``_spaced`` allows, and does not count towards the line's confidence (the mean
    probability of the characters read)."""
    best = probs.argmax(axis=1)
    added = (best == 0) & (probs[:, space] >= boost) if boost < 1 else best < 0
    best = best.copy()
    best[added] = space
    picked: list[tuple[str, bool]] = []
    confidence: list[float] = []
    previous = -1
    for t, c in enumerate(best.tolist()):
        if c != previous and c != 0:
            picked.append((chars[c], bool(added[t])))
            if not added[t]:
                confidence.append(float(probs[t, c]))
        previous = c
    text = "".join(
        ch
        for i, (ch, extra) in enumerate(picked)
        if not extra or (0 < i < len(picked) - 1 and _spaced(picked[i - 1][0], picked[i + 1][0]))
    )
    return " ".join(text.split()), (sum(confidence) / len(confidence) if confidence else 0.0)


class CallableOcr:
    """Adapts ``fn(image) -> text`` (e.g. an Instruct-model transcription) to ``OcrEngine``."""

    name = "model"

    def __init__(self, fn: Callable[[Image.Image], str] | None = None, **_: Any) -> None:
        self._fn = fn

    def available(self) -> bool:
        return self._fn is not None

    def extract(self, image: Image.Image) -> str:
        if self._fn is None:
            raise OcrUnavailable("no transcription function configured")
        return self._fn(image)


class NoOcr:
    name = "none"

    def __init__(self, **_: Any) -> None:
        pass

    def available(self) -> bool:
        return False

    def extract(self, image: Image.Image) -> str:
        raise OcrUnavailable("OCR is disabled")


OCR_ENGINES: Mapping[str, Callable[..., OcrEngine]] = MappingProxyType(
    {"rapidocr": RapidOcr, "tesseract": TesseractOcr, "model": CallableOcr, "none": NoOcr}
)
