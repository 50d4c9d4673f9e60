# The roles of the app's database, created once by the superuser (POSTGRES_USER) on the first start of an empty
# data directory: the postgres image runs this file from /docker-entrypoint-initdb.d. Nothing connects as the
# superuser afterwards.
#   DB_OWNER_USER   owns DB_NAME and every object in it; only the app's migrations (Flyway) connect as it
#   DB_USER         the app at run time: SELECT, INSERT, UPDATE, DELETE on the owner's tables and its sequences, nothing else
#   BACKUP_DB_USER  backup-service: reads every table (pg_read_all_data), creates and drops its scratch databases (CREATEDB);
#                   for restores only, it may take the owner's role (SET ROLE), whose rights it does not have otherwise;
#                   it may create named restore points (point-in-time recovery), from the postgres database
#   BACKUP_REPLICATION_USER  backup-service's WAL archive (pg_receivewal, pg_basebackup): REPLICATION and nothing else; the
#                   deployment's pg_hba.conf lets it open replication connections only, and no other role any
# Values come from the environment, never from the command line; psql quotes them (:"name", :'literal').
# Run by hand against an existing server (psql as a superuser, PGHOST etc. set), it stops at the first role that exists.
set -e
for variable in POSTGRES_USER DB_NAME DB_OWNER_USER DB_OWNER_PASSWORD DB_USER DB_PASSWORD BACKUP_DB_USER BACKUP_DB_PASSWORD BACKUP_REPLICATION_USER BACKUP_REPLICATION_PASSWORD; do
    if [ -z "$(printenv "$variable")" ]; then
        echo "init-roles: $variable is not set" >&2
        exit 1
    fi
done
# A password copied unchanged from the env example would be the same on every installation.
for variable in POSTGRES_PASSWORD DB_OWNER_PASSWORD DB_PASSWORD BACKUP_DB_PASSWORD BACKUP_REPLICATION_PASSWORD; do
    case "$(printenv "$variable" | tr '[:upper:]' '[:lower:]')" in
        *change-me*)
            echo "init-roles: $variable is still the placeholder from the env example" >&2
            exit 1
            ;;
    esac
done
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname postgres <<'SQL'
\getenv db DB_NAME
\getenv owner DB_OWNER_USER
\getenv owner_password DB_OWNER_PASSWORD
\getenv app DB_USER
\getenv app_password DB_PASSWORD
\getenv backup BACKUP_DB_USER
\getenv backup_password BACKUP_DB_PASSWORD
\getenv replication BACKUP_REPLICATION_USER
\getenv replication_password BACKUP_REPLICATION_PASSWORD
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
CREATE ROLE :"backup" LOGIN CREATEDB PASSWORD :'backup_password';
GRANT pg_read_all_data TO :"backup";
-- Streams the WAL and takes base backups; a member of no role, owner of nothing, granted nothing.
CREATE ROLE :"replication" LOGIN REPLICATION NOINHERIT PASSWORD :'replication_password';
-- Restores replace the owner's objects: the backup role may become the owner explicitly (SET ROLE), and has none of
-- its rights without that. PostgreSQL 16 says so on the grant itself; older servers only through a role in between
-- that does not inherit (membership lets SET ROLE through, NOINHERIT stops the rights).
SELECT current_setting('server_version_num')::int >= 160000 AS grant_options \gset
\if :grant_options
GRANT :"owner" TO :"backup" WITH INHERIT FALSE, SET TRUE;
\else
\set restorer :backup '_restorer'
CREATE ROLE :"restorer" NOLOGIN NOINHERIT;
GRANT :"owner" TO :"restorer";
GRANT :"restorer" TO :"backup";
\endif
-- Named restore points (superuser-only unless granted; a grant holds in the database it is made in). Granted here, in
-- the postgres database, where backup-service makes them (BACKUP_WAL_RESTORE_POINT_DATABASE): in the app's database
-- pg_dump would dump the grant with it, and a restore as the owner's role would then fail on it (permission denied for
-- the superuser's function).
GRANT EXECUTE ON FUNCTION pg_create_restore_point(text) TO :"backup";
CREATE DATABASE :"db" OWNER :"owner";
-- Only these roles may connect to the app's database, and nobody may create temporary tables in it.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app", :"backup";
\connect :"db"
-- The schema belongs to the owner (pg_database_owner); the app may only use what is in it.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- Tables and sequences the migrations create later get the app's grants as they are created.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
SQL
