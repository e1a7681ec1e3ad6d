"""Fetch the pinned third-party front-end assets from the npm registry into crm/static/vendor."""

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "crm" / "static" / "vendor"

# package@version → {file inside the package: file under vendor/}
ASSETS = {
    "@picocss/pico@2.1.1": {"package/css/pico.min.css": "pico/pico.min.css",
                            "package/LICENSE.md": "pico/LICENSE.md"},
    "echarts@6.1.0": {"package/dist/echarts.min.js": "echarts/echarts.min.js",
                      "package/LICENSE": "echarts/LICENSE",
                      "package/NOTICE": "echarts/NOTICE"},
}


def fetch(spec: str, files: dict[str, str]) -> None:
    """Download one package with `npm pack` and copy the files we use."""
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True,
                              text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(Path(tmp) / name) as archive:
            archive.extractall(tmp, filter="data")
        for source, target in files.items():
            destination = VENDOR / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / source, destination)
            print(f"{spec}: {target}")


def main() -> int:
    for spec, files in ASSETS.items():
        fetch(spec, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
