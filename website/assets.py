"""The browser assets the service serves itself (GraphiQL and React), from the npm registry.

They are installed when the project is (``make install`` runs ``jointcode assets fetch``),
not copied into the repository, and served from this process, so GraphiQL works where
unpkg.com is unreachable and the Content-Security-Policy can name only 'self'. Every
tarball is checked against the registry's sha512 and every file against the sha384 its
page pins with Subresource Integrity; a file that does not match is never written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
MANIFEST = HERE / "vendor.json"
VENDOR = HERE / "static" / "vendor"
DEFAULT_REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True, slots=True)
class Asset:
    package: str
    version: str
    path: str  # inside the package
    sri: str  # sha384-...

    @property
    def url(self) -> str:
        return f"/static/vendor/{self.package}/{self.path}"

    @property
    def local(self) -> Path:
        return VENDOR / self.package / self.path


@dataclass(frozen=True, slots=True)
class Package:
    name: str
    version: str
    integrity: str
    assets: tuple[Asset, ...]

    def tarball(self, registry: str) -> str:
        bare = self.name.rsplit("/", 1)[-1]
        return f"{registry.rstrip('/')}/{self.name}/-/{bare}-{self.version}.tgz"


def packages() -> list[Package]:
    found = []
    for entry in json.loads(MANIFEST.read_text())["packages"]:
        assets = tuple(
            Asset(entry["name"], entry["version"], path, sri)
            for path, sri in entry["files"].items()
        )
        found.append(Package(entry["name"], entry["version"], entry["integrity"], assets))
    return found


def assets() -> dict[str, Asset]:
    """Every served asset by ``package/path``."""
    return {f"{a.package}/{a.path}": a for p in packages() for a in p.assets}


def _sri(algorithm: str, data: bytes) -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


def missing() -> list[Asset]:
    """Assets absent or not matching their hash (then ``jointcode assets fetch``)."""
    return [
        a
        for a in assets().values()
        if not a.local.is_file() or _sri("sha384", a.local.read_bytes()) != a.sri
    ]


class AssetError(RuntimeError):
    pass


def fetch(*, registry: str | None = None, timeout: float = 60.0) -> list[Asset]:
    """Download what is missing, check every hash, write the files; return what was written.

    ``registry`` (or ``JOINTCODE_NPM_REGISTRY``, or npm's own ``NPM_CONFIG_REGISTRY``)
    points at a mirror where the public registry is out of reach.
    """
    registry = (
        registry
        or os.environ.get("JOINTCODE_NPM_REGISTRY")
        or os.environ.get("NPM_CONFIG_REGISTRY")
        or DEFAULT_REGISTRY
    )
    wanted = {a.package for a in missing()}
    written: list[Asset] = []
    for package in packages():
        if package.name not in wanted:
            continue
        url = package.tarball(registry)
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
        algorithm = package.integrity.split("-", 1)[0]
        if _sri(algorithm, data) != package.integrity:
            raise AssetError(f"{url}: the tarball does not match its integrity {package.integrity}")
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for asset in package.assets:
                member = tar.extractfile(f"package/{asset.path}")
                if member is None:
                    raise AssetError(f"{url}: no file {asset.path}")
                content = member.read()
                if _sri("sha384", content) != asset.sri:
                    raise AssetError(f"{url}: {asset.path} does not match {asset.sri}")
                asset.local.parent.mkdir(parents=True, exist_ok=True)
                asset.local.write_bytes(content)
                written.append(asset)
    return written
