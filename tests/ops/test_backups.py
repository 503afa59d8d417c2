"""Backups an operator trusts: refused without a key, uploaded to the object storage, N kept there and here,
fetched back and restored; scheduled by beat through a worker task."""

import json
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from portal.home.tasks import run_backup
from tests.ops.conftest import ROOT, portal_env, s3_client

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = django_settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _age_key(tmp_path):
    subprocess.run(["age-keygen", "-o", str(tmp_path / "age.key")], check=True, capture_output=True)
    return next(line.split(": ", 1)[1] for line in (tmp_path / "age.key").read_text().splitlines()
                if line.startswith("# public key: "))


def _run(*args, env):
    return subprocess.run([sys.executable, "scripts/backup.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_backup_without_a_key_is_refused(tmp_path):
    env = portal_env(DATABASE_URL=_database_url(), MEDIA_ROOT=str(tmp_path / "media"), BACKUP_DIR=str(tmp_path))
    env.pop("BACKUP_AGE_RECIPIENTS", None)
    env.pop("BACKUP_GPG_RECIPIENT", None)
    done = _run("backup", env=env)
    assert done.returncode != 0 and "--plain" in done.stderr
    assert not any(tmp_path.iterdir())


def test_backups_go_to_the_object_storage_and_only_n_are_kept(tmp_path, s3_server):
    bucket = "portal-backups"
    client = s3_client(s3_server)
    client.create_bucket(Bucket=bucket)
    media = tmp_path / "media"
    (media / "private").mkdir(parents=True)
    (media / "private" / "evidence.pdf").write_bytes(b"%PDF-1.7 evidence")
    env = portal_env(DATABASE_URL=_database_url(), MEDIA_ROOT=str(media), BACKUP_DIR=str(tmp_path / "backups"),
                     BACKUP_AGE_RECIPIENTS=_age_key(tmp_path), BACKUP_AGE_IDENTITY_FILE=str(tmp_path / "age.key"),
                     BACKUP_S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server, S3_ACCESS_KEY_ID="testing",
                     S3_SECRET_ACCESS_KEY="testing", BACKUP_KEEP="2")
    names = []
    for n in range(3):
        out = tmp_path / "backups" / f"2026-12-0{n + 1}T023000Z"
        done = _run("backup", "--out", str(out), env=env)
        assert done.returncode == 0, done.stderr
        names.append(out.name)
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == names[1:]
    keys = sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == [f"backups/{name}/{part}" for name in names[1:]
                    for part in ("database.dump.age", "manifest.json", "media.tar.gz.age")]
    # The copy in the object storage restores on another machine.
    fetched = tmp_path / "fetched"
    done = _run("fetch", names[-1], "--out", str(fetched), env=env)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((fetched / "manifest.json").read_text())
    assert manifest["encryption"] == {"method": "age"} and "private/evidence.pdf" in manifest["media"]
    target = f"{django_settings.DATABASES['default']['NAME']}_fetched"
    restored = tmp_path / "restored"
    restore_env = {**env, "DATABASE_URL": _database_url().rsplit("/", 1)[0] + "/" + target,
                   "MEDIA_ROOT": str(restored)}
    try:
        done = _run("restore", "--from", str(fetched), env=restore_env)
        assert done.returncode == 0, done.stderr
        assert (restored / "private" / "evidence.pdf").read_bytes() == b"%PDF-1.7 evidence"
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", target],
                       check=False)


def test_beat_schedules_the_backup_that_the_worker_runs(tmp_path, monkeypatch):
    schedule = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "e = settings.CELERY_BEAT_SCHEDULE['backup']; print(e['task'], e['schedule'])"],
        cwd=ROOT, env=portal_env(DEBUG="1", BACKUP_CRON="30 2"), capture_output=True, text=True, timeout=60)
    assert schedule.returncode == 0, schedule.stderr
    assert "portal.home.tasks.run_backup" in schedule.stdout and "<crontab: 30 2 " in schedule.stdout
    # The task itself, as the worker runs it, with the worker's environment.
    for name, value in {"DATABASE_URL": _database_url(), "MEDIA_ROOT": str(tmp_path / "media"),
                        "BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_AGE_RECIPIENTS": _age_key(tmp_path),
                        "BACKUP_KEEP": "3"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BACKUP_S3_BUCKET", raising=False)
    message = run_backup.delay().get()
    assert "(age)" in message
    (written,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in written.iterdir()) == ["database.dump.age", "manifest.json", "media.tar.gz.age"]
    # A failing backup is an error, not a silent success.
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/no_such_database_here")
    with pytest.raises(RuntimeError):
        run_backup.delay().get()
    assert list((tmp_path / "backups").iterdir()) == [written]  # and leaves no half-written backup
