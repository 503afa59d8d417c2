#!/usr/bin/env python3
"""Back up and restore the portal: a PostgreSQL dump plus the private media files, with a manifest of
SHA-256s so that a restore can prove it got everything back.

    python scripts/backup.py backup  --out backups/2026-11-23T1200   (DATABASE_URL, MEDIA_ROOT from env)
    python scripts/backup.py restore --from backups/2026-11-23T1200  (into DATABASE_URL, MEDIA_ROOT)

The restore checks the manifest before touching anything and refuses a backup whose files do not match.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

CHUNK = 1024 * 1024


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def pg_env(database_url: str) -> tuple[dict, str]:
    url = urlparse(database_url)
    if url.scheme not in ("postgres", "postgresql"):
        sys.exit("DATABASE_URL must be a PostgreSQL URL (backups of the SQLite demo are not supported).")
    env = dict(os.environ)
    env.update({"PGHOST": url.hostname or "127.0.0.1", "PGPORT": str(url.port or 5432),
                "PGUSER": unquote(url.username or "postgres")})
    if url.password:
        env["PGPASSWORD"] = unquote(url.password)
    return env, url.path.lstrip("/")


def media_files(media_root: Path) -> list[Path]:
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def backup(out: Path, database_url: str, media_root: Path) -> dict:
    out.mkdir(parents=True, exist_ok=False)
    env, name = pg_env(database_url)
    dump = out / "database.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), name], env=env, check=True)
    files = media_files(media_root)
    archive = out / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in files:
            tar.add(path, arcname=str(path.relative_to(media_root)))
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": name,
        "database_dump": {"file": dump.name, "sha256": sha256(dump)},
        "media_archive": {"file": archive.name, "sha256": sha256(archive)},
        "media": {str(p.relative_to(media_root)): sha256(p) for p in files},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def restore(source: Path, database_url: str, media_root: Path) -> dict:
    manifest = json.loads((source / "manifest.json").read_text())
    for part in ("database_dump", "media_archive"):
        entry = manifest[part]
        if sha256(source / entry["file"]) != entry["sha256"]:
            sys.exit(f"{entry['file']} does not match its SHA-256 in the manifest: refusing to restore.")
    env, name = pg_env(database_url)
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=env, check=True)
    subprocess.run(["createdb", name], env=env, check=True)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", name,
                    str(source / manifest["database_dump"]["file"])], env=env, check=True)
    if media_root.exists():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True)
    with tarfile.open(source / manifest["media_archive"]["file"], "r:gz") as tar:
        tar.extractall(media_root, filter="data")  # no absolute paths, no "..", no links out
    wrong = [rel for rel, digest in manifest["media"].items()
             if not (media_root / rel).is_file() or sha256(media_root / rel) != digest]
    if wrong:
        sys.exit(f"{len(wrong)} restored file(s) do not match the manifest, e.g. {wrong[0]}")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--from", dest="source", type=Path)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL is not set.")
    media_root = Path(os.environ.get("MEDIA_ROOT") or Path(__file__).resolve().parent.parent / "media")
    if args.action == "backup":
        out = args.out or Path("backups") / datetime.now().strftime("%Y-%m-%dT%H%M%S")
        manifest = backup(out, database_url, media_root)
        print(f"Backup written to {out}: database {manifest['database']}, {len(manifest['media'])} files.")
    else:
        if not args.source:
            sys.exit("restore needs --from DIRECTORY")
        manifest = restore(args.source, database_url, media_root)
        print(f"Restored {manifest['database']} and {len(manifest['media'])} files; all SHA-256s match.")


if __name__ == "__main__":
    main()
