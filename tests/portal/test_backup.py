"""make backup / make restore round-trip a populated database and its files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.review.conftest import submit_for  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _run(*args, env):
    return subprocess.run([sys.executable, "scripts/backup.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def _keys(kind: str, tmp_path: Path) -> tuple[dict, list[str]]:
    """Environment that encrypts (and decrypts) with a key made for the test, and the backup's extra arguments."""
    if kind == "age":
        subprocess.run(["age-keygen", "-o", str(tmp_path / "age.key")], check=True, capture_output=True)
        public = next(line.split(": ", 1)[1] for line in (tmp_path / "age.key").read_text().splitlines()
                      if line.startswith("# public key: "))
        return {"BACKUP_AGE_RECIPIENTS": public, "BACKUP_AGE_IDENTITY_FILE": str(tmp_path / "age.key")}, []
    if kind == "gpg":
        home = tmp_path / "gnupg"
        home.mkdir(mode=0o700)
        subprocess.run(["gpg", "--homedir", str(home), "--batch", "--passphrase", "", "--quick-gen-key",
                        "backup@portal.test", "default", "default", "never"], check=True, capture_output=True)
        return {"GNUPGHOME": str(home), "BACKUP_GPG_RECIPIENT": "backup@portal.test"}, []
    return {}, ["--plain"]


@pytest.mark.parametrize("kind", ["age", "gpg", "plain"])
def test_backup_and_restore_round_trip(kind, submit_for, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    keys, extra = _keys(kind, tmp_path)
    application = submit_for("park_huangpu")  # a dossier with three uploaded files
    files = sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())
    assert len(files) == 3
    source = connection.settings_dict["NAME"]
    counts = {}
    with connection.cursor() as cursor:
        for table in ("applications_application", "applications_applicationversion", "audit_auditevent",
                      "accounts_user"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    env = {**os.environ, "DATABASE_URL": _url(source), "MEDIA_ROOT": str(tmp_path / "media"), **keys}
    backup = _run("backup", "--out", str(tmp_path / "backup"), *extra, env=env)
    assert backup.returncode == 0, backup.stderr
    manifest = (tmp_path / "backup" / "manifest.json").read_text()
    assert all(p.name in manifest for p in files)
    parts = sorted(p.name for p in (tmp_path / "backup").iterdir())
    if kind == "plain":
        assert parts == ["database.dump", "manifest.json", "media.tar.gz"]
    else:
        # Only ciphertext on disk: no dump, no archive, none of the uploaded files' bytes.
        suffix = ".age" if kind == "age" else ".gpg"
        assert parts == [f"database.dump{suffix}", "manifest.json", f"media.tar.gz{suffix}"]
        stored = b"".join((tmp_path / "backup" / name).read_bytes() for name in parts if name != "manifest.json")
        assert b"PGDMP" not in stored and b"park_huangpu" not in stored
        assert all(p.read_bytes()[:64] not in stored for p in files)
    target = f"{source}_restored"
    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DATABASE_URL": _url(target), "MEDIA_ROOT": str(restored_media), **keys}
    restore = _run("restore", "--from", str(tmp_path / "backup"), env=env)
    assert restore.returncode == 0, restore.stderr
    import psycopg2

    conn = psycopg2.connect(_url(target))
    try:
        with conn.cursor() as cursor:
            for table, n in counts.items():
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                assert cursor.fetchone()[0] == n, table
            cursor.execute("SELECT sha256 FROM applications_attachment WHERE application_id = %s", [application.pk])
            digests = {row[0] for row in cursor.fetchall()}
    finally:
        conn.close()
    import hashlib

    restored = {hashlib.sha256(p.read_bytes()).hexdigest() for p in restored_media.rglob("*") if p.is_file()}
    assert digests <= restored
    if kind == "age":
        # Without the secret key an encrypted backup cannot be restored, and says why.
        no_key = {k: v for k, v in env.items() if k != "BACKUP_AGE_IDENTITY_FILE"}
        refused = _run("restore", "--from", str(tmp_path / "backup"), env=no_key)
        assert refused.returncode != 0 and "BACKUP_AGE_IDENTITY_FILE" in refused.stderr
    # A tampered backup is refused before anything is touched.
    dump = tmp_path / "backup" / next(name for name in parts if name.startswith("database.dump"))
    dump.write_bytes(dump.read_bytes() + b"x")
    again = _run("restore", "--from", str(tmp_path / "backup"), env=env)
    assert again.returncode != 0 and "SHA-256" in (again.stderr + again.stdout)
    subprocess.run(["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", target], check=False)
