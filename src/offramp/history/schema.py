"""The history database: connection settings and schema migrations.

The schema version lives in ``PRAGMA user_version``. ``MIGRATIONS[k]`` is the plain SQL that
takes a database from version ``k`` to ``k + 1``; a migration runs inside the same
``BEGIN IMMEDIATE`` transaction that bumps the version, so two processes opening a fresh file
at once cannot both migrate it, and a crash mid-migration leaves the previous version intact.
Never edit a released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from offramp.errors import OfframpError

BUSY_TIMEOUT_MS = 30_000

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1: runs, and scenario texts deduplicated by their sha256 (the same scenario is
    # analysed many times; its text is stored once).
    (
        """
        CREATE TABLE scenario_texts (
            hash TEXT PRIMARY KEY,          -- sha256 hex of the UTF-8 text
            text TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE runs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,        -- 8 hex chars from a uuid4
            created_at TEXT NOT NULL,       -- UTC, ISO 8601
            command TEXT NOT NULL,
            scenario_name TEXT,
            scenario_file TEXT,
            scenario_hash TEXT REFERENCES scenario_texts(hash),
            variant TEXT,
            params TEXT NOT NULL,           -- JSON object
            seed,                           -- no affinity: an int, or its text if > 64 bits
            version TEXT NOT NULL,          -- offramp version that made the run
            status TEXT NOT NULL CHECK (status IN ('ok', 'interrupted', 'failed')),
            duration REAL,                  -- seconds
            results BLOB,                   -- zlib-compressed JSON
            results_size INTEGER            -- uncompressed size in bytes
        )
        """,
        "CREATE INDEX runs_by_scenario ON runs(scenario_name, seq)",
    ),
    # 1 -> 2: status 'cancelled' (a workbench job cancelled by its user, kept with the samples
    # it finished, as the command line keeps an interrupted run). SQLite cannot change a
    # CHECK constraint in place: the table is rebuilt, rows and run numbers kept.
    (
        """
        CREATE TABLE runs_v2 (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            command TEXT NOT NULL,
            scenario_name TEXT,
            scenario_file TEXT,
            scenario_hash TEXT REFERENCES scenario_texts(hash),
            variant TEXT,
            params TEXT NOT NULL,
            seed,
            version TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('ok', 'interrupted', 'cancelled', 'failed')),
            duration REAL,
            results BLOB,
            results_size INTEGER
        )
        """,
        "INSERT INTO runs_v2 SELECT * FROM runs",
        "DROP TABLE runs",
        "ALTER TABLE runs_v2 RENAME TO runs",
        "CREATE INDEX runs_by_scenario ON runs(scenario_name, seq)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(OfframpError, sqlite3.DatabaseError):
    """The file was written by a newer offramp; we must not guess at its layout."""


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create and migrate) the history database.

    Autocommit mode (``isolation_level=None``) so that every transaction is an explicit
    ``BEGIN IMMEDIATE ... COMMIT``: the write lock is taken up front and a concurrent writer
    waits (``busy_timeout``) instead of failing with "database is locked" on upgrade.
    """
    if create:
        from offramp.history.private import private_dir, private_file

        private_dir(path.parent)  # 0700 when we create it
        private_file(path)  # 0600: the store holds every scenario text
    elif not path.exists():
        raise FileNotFoundError(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL: readers never block the writer; FULL: a committed run survives power loss.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open the history for reading only (``runs list``, ``runs show``): nothing is written,
    so a history in a read-only folder or file can still be read. A WAL database whose
    shared-memory file cannot be created there is opened as immutable (a snapshot). A schema
    older than this offramp's needs a migration, hence the writable :func:`connect`."""
    from urllib.parse import quote

    target = quote(str(path.resolve()))
    conn = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(f"file:{target}?{flags}", uri=True, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            found: int = conn.execute("PRAGMA user_version").fetchone()[0]
            break
        except sqlite3.OperationalError:
            if conn is not None:
                conn.close()
                conn = None
            if "immutable" in flags:
                raise
    assert conn is not None
    if found > SCHEMA_VERSION:
        conn.close()
        raise SchemaTooNew(
            f"the run history was written by a newer offramp (schema {found}, "
            f"this version knows {SCHEMA_VERSION})"
        )
    if found < SCHEMA_VERSION:
        conn.close()
        return connect(path, create=False)
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    found: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if found == SCHEMA_VERSION:
        return found
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the run history was written by a newer offramp (schema {found}, "
            f"this version knows {SCHEMA_VERSION})"
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read under the write lock: another process may have migrated meanwhile.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise SchemaTooNew(f"the run history was written by a newer offramp (schema {current})")
        for version in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found
