# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""A PEP 517 build backend for the isolate package, with no dependencies.

The package is pure Python: a wheel is a zip of isolate/ and its metadata.
Writing it here keeps `pip install ./python` working where no package index
is reachable (build isolation then installs nothing).
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "isolate"
SUMMARY = ("Confine commands to capabilities with BPF LSM (or Landlock): "
           "Python binding of libisolate")


def _version():
    """VERSION beside pyproject.toml (an sdist), else the Makefile's VERSION."""
    sdist = os.path.join(HERE, "VERSION")
    if os.path.exists(sdist):
        with open(sdist) as f:
            return f.read().strip()
    with open(os.path.join(HERE, "..", "Makefile")) as f:
        m = re.search(r"^VERSION\s*:?=\s*(\S+)", f.read(), re.M)
    if not m:
        raise RuntimeError("isolate_build: no VERSION in ../Makefile")
    return m.group(1)


def _package_files():
    for root, dirs, files in os.walk(os.path.join(HERE, NAME)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".typed")):
                path = os.path.join(root, name)
                yield path, os.path.relpath(path, HERE)


def _metadata(version):
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n"
            f"Summary: {SUMMARY}\nLicense: LGPL-2.1 OR BSD-2-Clause\n"
            "Requires-Python: >=3.8\n")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    info = f"{NAME}-{version}.dist-info"
    wheel_name = f"{NAME}-{version}-py3-none-any.whl"
    records = []

    def add(zf, arcname, data):
        zf.writestr(zipfile.ZipInfo(arcname, (1980, 1, 1, 0, 0, 0)), data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        records.append(f"{arcname},sha256={digest.decode()},{len(data)}")

    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        for path, arcname in _package_files():
            with open(path, "rb") as f:
                add(zf, arcname, f.read())
        add(zf, f"{info}/METADATA", _metadata(version).encode())
        add(zf, f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: isolate_build\n"
                                 b"Root-Is-Purelib: true\nTag: py3-none-any\n")
        records.append(f"{info}/RECORD,,")
        zf.writestr(zipfile.ZipInfo(f"{info}/RECORD", (1980, 1, 1, 0, 0, 0)),
                    "\n".join(records) + "\n")
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    base = f"{NAME}-{version}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tf:
        for rel in ("pyproject.toml", "build_backend/isolate_build.py"):
            tf.add(os.path.join(HERE, rel), f"{base}/{rel}")
        for path, arcname in _package_files():
            tf.add(path, f"{base}/{arcname}")
        for arcname, data in (("VERSION", version + "\n"), ("PKG-INFO", _metadata(version))):
            blob = data.encode()
            ti = tarfile.TarInfo(f"{base}/{arcname}")
            ti.size = len(blob)
            tf.addfile(ti, io.BytesIO(blob))
    return name
