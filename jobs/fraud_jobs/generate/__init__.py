"""Synthetic raw transactions in the course dataset's format, with injected defects and a manifest."""

from .manifest import Manifest
from .presets import ConfigError, GeneratorConfig, preset_config
from .run import generate

__all__ = ["ConfigError", "GeneratorConfig", "Manifest", "generate", "preset_config"]
