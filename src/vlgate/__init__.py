"""vlgate: one OpenAI-compatible gateway in front of Qwen3-VL Instruct and Thinking."""

__version__ = "0.1.0"
