#!/usr/bin/env python3
"""Back up and restore the portal: a PostgreSQL dump plus the private media files, encrypted, with a manifest of
SHA-256s so that a restore can prove it got everything back.

    python scripts/backup.py backup  [--out backups/2026-11-23T120000] [--plain]
    python scripts/backup.py restore --from backups/2026-11-23T120000
    python scripts/backup.py fetch   NAME --out backups/NAME      (a copy kept in the object storage)

Environment:
    DATABASE_URL (BACKUP_DATABASE_URL wins when set), MEDIA_ROOT        what is backed up / restored into
    BACKUP_AGE_RECIPIENTS   age public keys (age1…, comma-separated): the parts are encrypted with age
    BACKUP_AGE_IDENTITY_FILE the age secret key file, needed only to restore
    BACKUP_GPG_RECIPIENT    instead of age: a GPG key (id or fingerprint) in the keyring (GNUPGHOME)
    BACKUP_KEEP             how many backups to keep, here and in the object storage (default 7)
    BACKUP_S3_BUCKET        upload each backup to this bucket (S3_ENDPOINT_URL, S3_ACCESS_KEY_ID,
                            S3_SECRET_ACCESS_KEY, S3_REGION as for the portal's storage; BACKUP_S3_PREFIX)

Without a key the backup is refused unless --plain is given: the dump holds personal data. The manifest itself
is not secret (names of parts, sizes, SHA-256s); the restore checks the encrypted parts against it before
decrypting, and the decrypted parts and every restored file after.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

CHUNK = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent


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


# --- encryption ------------------------------------------------------------------------------------------------

def encryption_from_env(plain: bool) -> dict | None:
    age = [r.strip() for r in os.environ.get("BACKUP_AGE_RECIPIENTS", "").split(",") if r.strip()]
    gpg = os.environ.get("BACKUP_GPG_RECIPIENT", "").strip()
    if age:
        return {"method": "age", "recipients": age}
    if gpg:
        return {"method": "gpg", "recipient": gpg}
    if plain:
        return None
    sys.exit("No backup key: set BACKUP_AGE_RECIPIENTS (age public keys) or BACKUP_GPG_RECIPIENT, "
             "or pass --plain to write an unencrypted backup.")


def encrypt(path: Path, encryption: dict) -> Path:
    if encryption["method"] == "age":
        target = path.with_name(path.name + ".age")
        command = ["age", "--encrypt", *[a for r in encryption["recipients"] for a in ("-r", r)],
                   "-o", str(target), str(path)]
    else:
        target = path.with_name(path.name + ".gpg")
        command = ["gpg", "--batch", "--yes", "--trust-model", "always", "--encrypt",
                   "--recipient", encryption["recipient"], "--output", str(target), str(path)]
    subprocess.run(command, check=True, capture_output=True)
    path.unlink()
    return target


def decrypt(path: Path, method: str, target: Path) -> None:
    if method == "age":
        identity = os.environ.get("BACKUP_AGE_IDENTITY_FILE")
        if not identity:
            sys.exit("This backup is encrypted with age: set BACKUP_AGE_IDENTITY_FILE to the secret key file.")
        command = ["age", "--decrypt", "-i", identity, "-o", str(target), str(path)]
    else:
        command = ["gpg", "--batch", "--yes", "--decrypt", "--output", str(target), str(path)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{path.name} could not be decrypted: {done.stderr.strip()}")


# --- object storage --------------------------------------------------------------------------------------------

def s3_client():
    import boto3

    return boto3.client(
        "s3", endpoint_url=os.environ.get("BACKUP_S3_ENDPOINT_URL") or os.environ.get("S3_ENDPOINT_URL") or None,
        aws_access_key_id=os.environ.get("BACKUP_S3_ACCESS_KEY_ID") or os.environ.get("S3_ACCESS_KEY_ID"),
        aws_secret_access_key=os.environ.get("BACKUP_S3_SECRET_ACCESS_KEY") or os.environ.get("S3_SECRET_ACCESS_KEY"),
        region_name=os.environ.get("S3_REGION", "us-east-1"))


def s3_prefix() -> str:
    return os.environ.get("BACKUP_S3_PREFIX", "backups/").strip("/") + "/"


def upload(out: Path, bucket: str) -> None:
    client = s3_client()
    for part in sorted(out.iterdir()):  # the manifest last: a backup without one is incomplete
        if part.name != "manifest.json":
            client.upload_file(str(part), bucket, f"{s3_prefix()}{out.name}/{part.name}")
    client.upload_file(str(out / "manifest.json"), bucket, f"{s3_prefix()}{out.name}/manifest.json")


def remote_backups(client, bucket: str) -> list[str]:
    names = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=s3_prefix()):
        for item in page.get("Contents", []):
            rest = item["Key"][len(s3_prefix()):]
            if rest.endswith("/manifest.json"):
                names.add(rest.split("/", 1)[0])
    return sorted(names)


def fetch(name: str, out: Path, bucket: str) -> None:
    client = s3_client()
    out.mkdir(parents=True, exist_ok=False)
    prefix = f"{s3_prefix()}{name}/"
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            client.download_file(bucket, item["Key"], str(out / item["Key"][len(prefix):]))
    if not (out / "manifest.json").exists():
        sys.exit(f"{name} has no manifest in s3://{bucket}/{prefix}")


# --- keeping N copies ------------------------------------------------------------------------------------------

def _is_backup(path: Path) -> bool:
    try:
        return "database_dump" in json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError):
        return False


def prune(out: Path, keep: int, bucket: str | None) -> list[str]:
    """Remove all but the newest ``keep`` backups (names sort by time) beside ``out`` and in the bucket."""
    removed = []
    local = sorted(p for p in out.parent.iterdir() if p.is_dir() and _is_backup(p))
    for old in local[:-keep] if keep > 0 else []:
        shutil.rmtree(old)
        removed.append(str(old))
    if bucket:
        client = s3_client()
        names = remote_backups(client, bucket)
        for name in names[:-keep] if keep > 0 else []:
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                          Prefix=f"{s3_prefix()}{name}/"):
                for item in page.get("Contents", []):
                    client.delete_object(Bucket=bucket, Key=item["Key"])
            removed.append(f"s3://{bucket}/{s3_prefix()}{name}")
    return removed


# --- backup and restore ----------------------------------------------------------------------------------------

def backup(out: Path, database_url: str, media_root: Path, encryption: dict | None = None) -> dict:
    out.mkdir(parents=True, exist_ok=False)
    os.chmod(out, 0o700)
    try:
        return _write_backup(out, database_url, media_root, encryption)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)  # no half-written backup that looks like one
        raise


def _write_backup(out: Path, database_url: str, media_root: Path, encryption: dict | None) -> dict:
    env, name = pg_env(database_url)
    dump = out / "database.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), name],
                   env=env, check=True)
    files = media_files(media_root)
    archive = out / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in files:
            tar.add(path, arcname=str(path.relative_to(media_root)))
    parts = {}
    for key, path in (("database_dump", dump), ("media_archive", archive)):
        plain_digest = sha256(path)
        stored = encrypt(path, encryption) if encryption else path
        parts[key] = {"file": stored.name, "sha256": sha256(stored), "plain_sha256": plain_digest}
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": name,
        "encryption": {"method": encryption["method"]} if encryption else None,
        **parts,
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
    method = (manifest.get("encryption") or {}).get("method")
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        plain = {}
        for part in ("database_dump", "media_archive"):
            entry = manifest[part]
            if method:
                target = Path(work) / entry["file"].rsplit(".", 1)[0]
                decrypt(source / entry["file"], method, target)
                if sha256(target) != entry.get("plain_sha256"):
                    sys.exit(f"{entry['file']} decrypted to something else than was backed up: refusing.")
                plain[part] = target
            else:
                plain[part] = source / entry["file"]
        env, name = pg_env(database_url)
        subprocess.run(["dropdb", "--if-exists", "--force", name], env=env, check=True)
        subprocess.run(["createdb", name], env=env, check=True)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", name,
                        str(plain["database_dump"])], env=env, check=True)
        if media_root.exists():
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True)
        with tarfile.open(plain["media_archive"], "r:gz") as tar:
            tar.extractall(media_root, filter="data")  # no absolute paths, no "..", no links out
    wrong = [rel for rel, digest in manifest["media"].items()
             if not (media_root / rel).is_file() or sha256(media_root / rel) != digest]
    if wrong:
        sys.exit(f"{len(wrong)} restored file(s) do not match the manifest, e.g. {wrong[0]}")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["backup", "restore", "fetch"])
    parser.add_argument("name", nargs="?", help="fetch: the backup's name in the object storage")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--from", dest="source", type=Path)
    parser.add_argument("--plain", action="store_true", help="allow a backup without encryption")
    args = parser.parse_args()
    bucket = os.environ.get("BACKUP_S3_BUCKET") or None
    if args.action == "fetch":
        if not (args.name and args.out and bucket):
            sys.exit("fetch needs NAME, --out DIRECTORY and BACKUP_S3_BUCKET")
        fetch(args.name, args.out, bucket)
        print(f"Fetched {args.name} into {args.out}.")
        return
    database_url = (os.environ.get("BACKUP_DATABASE_URL") or os.environ.get("DATABASE_URL")
                    or sys.exit("DATABASE_URL is not set."))
    media_root = Path(os.environ.get("MEDIA_ROOT") or ROOT / "media")
    if args.action == "backup":
        encryption = encryption_from_env(args.plain)
        out = args.out or Path(os.environ.get("BACKUP_DIR", "backups")) / datetime.now(UTC).strftime(
            "%Y-%m-%dT%H%M%SZ")
        manifest = backup(out, database_url, media_root, encryption)
        if bucket:
            upload(out, bucket)
        removed = prune(out, int(os.environ.get("BACKUP_KEEP", "7")), bucket)
        method = manifest["encryption"]["method"] if manifest["encryption"] else "not encrypted"
        print(f"Backup written to {out} ({method}): database {manifest['database']}, {len(manifest['media'])} "
              f"files{'; uploaded to s3://' + bucket if bucket else ''}; {len(removed)} old backup(s) removed.")
    else:
        if not args.source:
            sys.exit("restore needs --from DIRECTORY")
        manifest = restore(args.source, database_url, media_root)
        print(f"Restored {manifest['database']} and {len(manifest['media'])} files; all SHA-256s match.")


if __name__ == "__main__":
    main()
