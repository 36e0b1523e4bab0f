"""RapidOCR: PaddleOCR's PP-OCRv4 detection and recognition on ONNX Runtime (the
``ocr`` extra), models loaded once per process from the installed wheel."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image

from vlgate.guard.ocr.base import OcrUnavailable


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
        return "\n\n".join(self.passes(image))

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
