# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

# `make test` talks to the real services.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test serve worker beat bench backup restore lint messages system-packages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Debian packages: a CJK font for PDFs, WeasyPrint's libraries, Chromium for browser tests.
# Installed with apt when we are root and they are missing; otherwise named clearly.
system-packages:
	@./scripts/system-packages.sh

run: $(STAMP) system-packages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "门户地址 Portal: http://127.0.0.1:8000  (演示账号见 README / demo accounts in README)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) system-packages
	./scripts/ensure-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=1 \
		$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=1 TESTING=1 \
		$(PY) -m pytest $(PYTEST_ARGS)

# The full stack against PostgreSQL and Redis: gunicorn, a Celery worker and beat.
SERVE_ENV = DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0}
serve: $(STAMP)
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput
	$(SERVE_ENV) $(VENV)/bin/celery -A portal worker -l info --concurrency 2 --max-tasks-per-child 50 & \
	$(SERVE_ENV) $(VENV)/bin/celery -A portal beat -l info -S portal.home.beat:HeartbeatScheduler \
		--schedule /tmp/portal-celerybeat & \
	$(SERVE_ENV) $(VENV)/bin/gunicorn portal.wsgi --config deploy/gunicorn.conf.py --bind 127.0.0.1:8000; \
	kill %1 %2

# Backups: pg_dump of DATABASE_URL plus MEDIA_ROOT, encrypted with age (BACKUP_AGE_RECIPIENTS) or GPG
# (BACKUP_GPG_RECIPIENT), with a manifest of SHA-256s; uploaded to BACKUP_S3_BUCKET when set; BACKUP_KEEP kept.
#   make backup [BACKUP=backups/name] [PLAIN=1]      make restore BACKUP=backups/name
backup: $(STAMP)
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL (and MEDIA_ROOT) to the installation to back up."; exit 2; }
	$(PY) scripts/backup.py backup $(if $(BACKUP),--out $(BACKUP)) $(if $(PLAIN),--plain)

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<name>"; exit 2; }
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL (and MEDIA_ROOT) to the installation to restore into."; exit 2; }
	$(PY) scripts/backup.py restore --from $(BACKUP)

lint: $(STAMP)
	$(PY) -m ruff check .

messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Performance on this machine against the real stack: generated national-scale data set (database
# portal_bench), gunicorn + PostgreSQL + Redis, wrk on loopback, batch jobs; about 10 minutes.
# Writes bench/results.json, bench/results-detail.json, bench/explain.txt (docs/performance.md).
bench: $(STAMP)
	./scripts/ensure-services.sh
	$(PY) bench/run.py $(BENCH_ARGS)
