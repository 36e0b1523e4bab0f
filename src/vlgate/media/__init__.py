"""Media intake: images, video key frames, PDF pages, visual-token arithmetic.

The gateway core builds one ``MediaLoader(settings, client)`` and calls
``check_count`` then ``image`` / ``video`` / ``pdf`` per request part; see
docs/media.md.
"""

from vlgate.media.config import MediaSettings
from vlgate.media.loader import MediaLoader
from vlgate.media.tokens import MARKER_TOKENS, image_tokens, smart_resize, video_tokens

__all__ = [
    "MARKER_TOKENS",
    "MediaLoader",
    "MediaSettings",
    "image_tokens",
    "smart_resize",
    "video_tokens",
]
