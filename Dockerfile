# The portal's image (target `app`): gunicorn for web, the same image for the migrate job, the Celery worker and
# beat. Target `proxy`: nginx with the portal's config and its collected static files.
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings

# WeasyPrint needs Pango; PDFs need a CJK font so that every 汉字 renders; poppler-utils gives pdffonts for
# checks; age and gnupg encrypt backups. pg_dump must not be older than the server (PostgreSQL 16), and Debian
# bookworm has 15: postgresql-client-16 comes from the PostgreSQL project's apt repository.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
        poppler-utils postgresql-client-16 gettext age \
    && apt-get purge -y curl && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code belongs to root and is read-only for the runtime user; only /data (media, backups) and /tmp are
# writable by it.
COPY . .
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && python -m compileall -q portal applications review publicity \
    && chmod -R a-w,a+rX /app \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p /data/media /data/backups \
    && chown -R portal /data
USER portal
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "portal.wsgi", "--config", "/app/deploy/gunicorn.conf.py"]

# nginx in front (docker-compose.yml service `proxy`): the template is rendered by the image's envsubst at start.
FROM nginx:1.27-bookworm AS proxy
RUN rm -f /etc/nginx/conf.d/default.conf && mkdir -p /var/cache/nginx/portal
COPY deploy/nginx/portal.conf.template /etc/nginx/templates/portal.conf.template
COPY --from=app /app/staticfiles /srv/static
