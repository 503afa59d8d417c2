"""docker-compose.yml and the Dockerfile read as an operator would (there is no Docker engine here: what runs
inside the containers is tested directly on this machine by the other tests of this folder), and the database
init script run against the real PostgreSQL."""

import os
import subprocess
import uuid

import psycopg2
import pytest
import yaml
from django.conf import settings as django_settings

from tests.ops.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
PORTAL = ("migrate", "web", "worker", "beat")


def test_only_the_proxy_publishes_a_port():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}


def test_processes_start_without_a_shell_in_front_and_stop_on_sigterm():
    for name in ("web", "worker", "beat"):
        command = SERVICES[name]["command"]
        assert isinstance(command, list) and command[0] in ("gunicorn", "celery"), name
        assert SERVICES[name]["init"] is True
    entrypoint = (ROOT / "deploy" / "entrypoint.sh").read_text()
    assert entrypoint.rstrip().endswith('exec "$@"')
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile


def test_one_migrate_job_that_everything_waits_for():
    migrate = SERVICES["migrate"]
    assert "migrate --noinput" in " ".join(migrate["command"])
    assert "grant_runtime_role portal_app" in " ".join(migrate["command"])
    assert migrate["restart"] == "no"
    assert "portal_owner:" in migrate["environment"]["DATABASE_URL"]
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in " ".join(SERVICES[name]["command"]), name
        assert "portal_app:" in SERVICES[name]["environment"]["DATABASE_URL"], name


def test_health_checks_for_web_worker_and_beat():
    assert "healthcheck" in SERVICES["web"]["healthcheck"]["test"]
    assert "inspect ping" in SERVICES["worker"]["healthcheck"]["test"][1]
    assert SERVICES["beat"]["healthcheck"]["test"][-1] == "--beat"
    assert "portal.home.beat:HeartbeatScheduler" in SERVICES["beat"]["command"]


def test_redis_has_a_password_and_a_database_per_use():
    assert "--requirepass" in " ".join(SERVICES["redis"]["command"])
    env = SERVICES["web"]["environment"]
    databases = {env[key].rsplit("/", 1)[1] for key in ("REDIS_URL", "CELERY_BROKER_URL", "LIMITS_REDIS_URL")}
    assert databases == {"0", "1", "2"}
    assert all(":${REDIS_PASSWORD" in env[key] for key in ("REDIS_URL", "CELERY_BROKER_URL", "LIMITS_REDIS_URL"))


def test_gunicorn_and_celery_recycle_their_processes():
    web = SERVICES["web"]["command"]
    assert web[web.index("--max-requests") + 1] == "1000" and "--max-requests-jitter" in web
    timeout = int(web[web.index("--timeout") + 1])
    proxy_read = int(next(line.split()[1].rstrip("s;") for line in
                          (ROOT / "deploy/nginx/portal.conf.template").read_text().splitlines()
                          if line.strip().startswith("proxy_read_timeout")))
    assert timeout < proxy_read  # gunicorn gives up before nginx does, so the error is the portal's
    worker = SERVICES["worker"]["command"]
    assert int(worker[worker.index("--max-tasks-per-child") + 1]) > 0


def test_the_proxy_s_upload_limit_is_the_portal_s():
    env = SERVICES["proxy"]["environment"]
    assert env["NGINX_CLIENT_MAX_BODY_SIZE"] == f"{django_settings.UPLOAD_REQUEST_MAX_MB}m"
    assert SERVICES["web"]["environment"]["TRUSTED_PROXIES"] == SERVICES["proxy"]["networks"]["portal"][
        "ipv4_address"]


def test_the_code_in_the_image_is_not_writable_by_the_runtime_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "chmod -R a-w,a+rX /app" in dockerfile
    assert "chown -R portal /app" not in dockerfile
    assert dockerfile.index("chmod -R a-w") < dockerfile.index("USER portal")


@pytest.mark.django_db
def test_the_init_script_creates_an_owner_and_a_runtime_role_that_cannot_create_tables():
    suffix = uuid.uuid4().hex[:8]
    names = {"PORTAL_DB": f"ops_init_{suffix}", "PORTAL_OWNER_ROLE": f"ops_owner_{suffix}",
             "PORTAL_APP_ROLE": f"ops_app_{suffix}", "PORTAL_OWNER_PASSWORD": "owner-secret",
             "PORTAL_APP_PASSWORD": "app-secret"}
    db = django_settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432)
    env = {**os.environ, **names, "POSTGRES_USER": db["USER"] or "postgres", "PGHOST": host, "PGPORT": port}
    try:
        done = subprocess.run([str(ROOT / "deploy/postgres/init-roles.sh")], env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        owner = psycopg2.connect(host=host, port=port, dbname=names["PORTAL_DB"], user=names["PORTAL_OWNER_ROLE"],
                                 password="owner-secret")
        owner.autocommit = True
        with owner.cursor() as cursor:
            cursor.execute("CREATE TABLE audit_demo (id int)")
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_demo'")
            assert cursor.fetchone()[0] == names["PORTAL_OWNER_ROLE"]
        owner.close()
        app = psycopg2.connect(host=host, port=port, dbname=names["PORTAL_DB"], user=names["PORTAL_APP_ROLE"],
                               password="app-secret")
        app.autocommit = True
        with app.cursor() as cursor:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("CREATE TABLE intruder (id int)")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("SELECT * FROM audit_demo")  # nothing until grant_runtime_role grants it
        app.close()
    finally:
        for statement in (f'DROP DATABASE IF EXISTS "{names["PORTAL_DB"]}" WITH (FORCE)',
                          f'DROP ROLE IF EXISTS "{names["PORTAL_OWNER_ROLE"]}"',
                          f'DROP ROLE IF EXISTS "{names["PORTAL_APP_ROLE"]}"'):
            subprocess.run(["psql", "-h", host, "-p", port, "-U", db["USER"] or "postgres", "-d", "postgres", "-c",
                            statement], capture_output=True, timeout=60)
