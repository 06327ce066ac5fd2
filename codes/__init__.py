"""The joint code of conduct as versioned data: loaded from YAML, validated, pure Python."""

from codes.loader import default_version, get_version, load_versions
from codes.model import CodeVersion

__all__ = ["CodeVersion", "default_version", "get_version", "load_versions"]
