"""The embedded transformers engine and the offline demo checkpoint.

Heavy imports (torch, transformers) happen only when a model is loaded or the demo
checkpoint is written, so importing this package is cheap.
"""

from vlgate.backends.embedded.backend import EmbeddedBackend
from vlgate.backends.embedded.demo import demo_cache_dir, qwen3vl_4b_config, write_demo_checkpoint
from vlgate.backends.embedded.engine import Engine
from vlgate.backends.embedded.metrics import engine_metrics_text
from vlgate.backends.embedded.settings import EngineSettings

__all__ = [
    "EmbeddedBackend",
    "Engine",
    "EngineSettings",
    "demo_cache_dir",
    "engine_metrics_text",
    "qwen3vl_4b_config",
    "write_demo_checkpoint",
]
