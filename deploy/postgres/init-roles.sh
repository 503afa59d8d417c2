#!/bin/sh
# Run once by the postgres image when the data volume is new (/docker-entrypoint-initdb.d): the two roles of the
# portal. portal_owner owns the database and every table (migrations run as it, in the one-shot `migrate`
# service); portal_app is what web, worker and beat connect as: it gets only what `manage.py grant_runtime_role`
# grants it (on the audit table INSERT and SELECT only) and cannot create, alter or drop anything.
#
# Variables: PORTAL_DB (portal), PORTAL_OWNER_ROLE (portal_owner), PORTAL_OWNER_PASSWORD, PORTAL_APP_ROLE
# (portal_app), PORTAL_APP_PASSWORD; psql connects as POSTGRES_USER (the image's superuser).
set -eu
db="${PORTAL_DB:-portal}"
owner="${PORTAL_OWNER_ROLE:-portal_owner}"
app="${PORTAL_APP_ROLE:-portal_app}"
: "${PORTAL_OWNER_PASSWORD:?set PORTAL_OWNER_PASSWORD}" "${PORTAL_APP_PASSWORD:?set PORTAL_APP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
     -v db="$db" -v owner="$owner" -v app="$app" \
     -v owner_password="$PORTAL_OWNER_PASSWORD" -v app_password="$PORTAL_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"db" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
\connect :"db"
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
SQL
