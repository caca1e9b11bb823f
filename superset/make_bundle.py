"""Zips superset/bundle/ into a Superset import file, pointing its datasets at a service.

Usage: python3 superset/make_bundle.py BASE_URL OUT.zip [--limit N]

The committed bundle reads http://netflix-analytics:8080 (the compose service name); BASE_URL
replaces it. --limit N replaces `limit=all` with `limit=N`, for a service without `limit=all`.
"""

import argparse
import pathlib
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
COMMITTED_BASE = "http://netflix-analytics:8080"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("out")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    bundle = HERE / "bundle"
    with zipfile.ZipFile(args.out, "w") as out:
        for path in sorted(bundle.rglob("*.yaml")):
            text = path.read_text(encoding="utf-8").replace(COMMITTED_BASE, args.base_url.rstrip("/"))
            if args.limit:
                text = text.replace("limit=all", f"limit={args.limit}")
            # Superset expects one top-level folder in the archive.
            out.writestr(f"netflix-analytics/{path.relative_to(bundle)}", text)


if __name__ == "__main__":
    main()
