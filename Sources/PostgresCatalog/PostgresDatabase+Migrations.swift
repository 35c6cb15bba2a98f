import Catalog
import GalleryCore
import PostgresNIO

/// galleryd's schema on PostgreSQL: named migrations, each applied once in one transaction
/// under an advisory lock, so that nodes starting together migrate once.
extension PostgresDatabase {
    /// Named migrations, applied once each, in order. Never edit a shipped one: add the next.
    static let migrations: [(name: String, statements: [PostgresQuery])] = [
        (
            "v1-jobs",
            [
                """
                CREATE TABLE job (
                    path text NOT NULL,
                    kind text NOT NULL,
                    enqueued_at double precision NOT NULL,
                    not_before double precision NOT NULL DEFAULT 0,
                    attempts integer NOT NULL DEFAULT 0,
                    last_error text,
                    generation bigint NOT NULL,
                    lease_owner text,
                    lease_until double precision,
                    PRIMARY KEY (kind, path)
                )
                """,
                "CREATE INDEX job_by_due ON job (not_before, enqueued_at)",
                "CREATE SEQUENCE job_generation",
            ]
        ),
        (
            "v2-consent-log",
            [
                """
                CREATE TABLE consent_settings (
                    id integer PRIMARY KEY CHECK (id = 1),
                    settings text NOT NULL,
                    updated_at timestamptz NOT NULL,
                    updated_by text NOT NULL
                )
                """,
                """
                CREATE TABLE consent_record (
                    consent_id text PRIMARY KEY,
                    granted text NOT NULL,
                    policy_version text NOT NULL,
                    catalog_hash text NOT NULL,
                    granted_at timestamptz NOT NULL,
                    expires_at timestamptz NOT NULL,
                    withdrawn_at timestamptz,
                    expiry_logged boolean NOT NULL DEFAULT false
                )
                """,
                """
                CREATE INDEX consent_record_unlogged_expiry ON consent_record (expires_at)
                WHERE withdrawn_at IS NULL AND NOT expiry_logged
                """,
                """
                CREATE TABLE consent_event (
                    seq bigint PRIMARY KEY,
                    event_id text NOT NULL UNIQUE,
                    consent_id text NOT NULL,
                    kind text NOT NULL,
                    scope text NOT NULL,
                    decisions text NOT NULL,
                    policy_version text NOT NULL,
                    catalog_hash text NOT NULL,
                    locale text NOT NULL,
                    at timestamptz NOT NULL,
                    expires_at timestamptz,
                    browser text NOT NULL,
                    ip_hash text,
                    previous_hash text NOT NULL,
                    hash text NOT NULL
                )
                """,
                "CREATE INDEX consent_event_by_consent ON consent_event (consent_id)",
                "CREATE INDEX consent_event_by_at ON consent_event (at)",
                // One row: the chain's head (what the next event links to), its anchor after
                // pruning, where the keyed chain starts and the latest checkpoint's copy. An
                // append locks it (FOR UPDATE): nodes append one at a time, to one chain.
                """
                CREATE TABLE consent_chain (
                    id integer PRIMARY KEY CHECK (id = 1),
                    head_seq bigint NOT NULL,
                    head_hash text NOT NULL,
                    anchor_seq bigint NOT NULL,
                    anchor_hash text NOT NULL,
                    pruned_at timestamptz,
                    keyed_from bigint NOT NULL,
                    checkpoint_seq bigint NOT NULL DEFAULT 0,
                    checkpoint_line text
                )
                """,
                """
                INSERT INTO consent_chain (id, head_seq, head_hash, anchor_seq, anchor_hash, keyed_from)
                VALUES (1, 0, \(ConsentEvent.genesisHash), 0, \(ConsentEvent.genesisHash), 1)
                """,
                """
                CREATE TABLE audit (
                    id bigserial PRIMARY KEY,
                    at timestamptz NOT NULL,
                    actor text NOT NULL,
                    action text NOT NULL,
                    target text NOT NULL,
                    field text,
                    old_value text,
                    new_value text
                )
                """,
                "CREATE INDEX audit_by_at ON audit (at)",
            ]
        ),
        (
            "v3-admin-tokens",
            [
                // Only the secret's SHA-256 is stored (AdminToken).
                """
                CREATE TABLE admin_token (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    scope text NOT NULL,
                    secret_hash text NOT NULL,
                    created_at timestamptz NOT NULL,
                    last_used_at timestamptz,
                    revoked_at timestamptz
                )
                """,
                "CREATE INDEX admin_token_by_name ON admin_token (name)",
            ]
        ),
        (
            "v4-once-grants",
            [
                """
                CREATE TABLE once_grant (
                    token_hash text PRIMARY KEY,
                    services text NOT NULL,
                    policy_version text NOT NULL,
                    catalog_hash text NOT NULL,
                    embed_id text,
                    expires_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX once_grant_by_expiry ON once_grant (expires_at)",
            ]
        ),
        (
            // Each record's fields as its Codable JSON (`record`), beside the columns that are
            // queried, constrained or changed in place; the columns win when both hold a field.
            "v5-galleries",
            [
                """
                CREATE TABLE gallery (
                    id bigserial PRIMARY KEY,
                    folder text NOT NULL UNIQUE,
                    slug text NOT NULL UNIQUE,
                    published boolean NOT NULL,
                    revision bigint NOT NULL DEFAULT 1,
                    updated_at timestamptz NOT NULL,
                    record jsonb NOT NULL
                )
                """,
                """
                CREATE TABLE asset (
                    id text PRIMARY KEY,
                    gallery_id bigint NOT NULL REFERENCES gallery (id) ON DELETE CASCADE,
                    path text NOT NULL UNIQUE,
                    file_name text NOT NULL,
                    taken_at timestamptz,
                    file_size bigint NOT NULL,
                    modified_at double precision NOT NULL,
                    source_hash text NOT NULL,
                    variant_key text NOT NULL,
                    record jsonb NOT NULL
                )
                """,
                "CREATE INDEX asset_by_gallery ON asset (gallery_id)",
                "CREATE INDEX asset_by_variant ON asset (source_hash, variant_key)",
                """
                CREATE TABLE rendition (
                    asset_id text NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
                    role text NOT NULL,
                    width integer NOT NULL,
                    height integer NOT NULL,
                    format text NOT NULL,
                    bytes bigint NOT NULL,
                    path text NOT NULL,
                    PRIMARY KEY (asset_id, role, width, format)
                )
                """,
                """
                CREATE TABLE quarantine (
                    path text PRIMARY KEY,
                    code text NOT NULL,
                    reason text NOT NULL,
                    file_size bigint,
                    modified_at double precision,
                    attempts integer NOT NULL DEFAULT 1,
                    quarantined_at timestamptz NOT NULL
                )
                """,
                """
                CREATE TABLE retired_variant (
                    source_hash text NOT NULL,
                    variant_key text NOT NULL,
                    retired_at timestamptz NOT NULL,
                    PRIMARY KEY (source_hash, variant_key)
                )
                """,
                // Keyed by asset id (derived from the path), so an override survives re-ingest.
                """
                CREATE TABLE asset_override (
                    asset_id text PRIMARY KEY,
                    hidden boolean NOT NULL DEFAULT false,
                    record jsonb NOT NULL
                )
                """,
                "CREATE TABLE gallery_override (folder text PRIMARY KEY, record jsonb NOT NULL)",
                "CREATE TABLE setting (key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE TABLE embed (
                    id text PRIMARY KEY,
                    gallery_folder text NOT NULL,
                    source text NOT NULL,
                    position integer NOT NULL,
                    created_at timestamptz NOT NULL,
                    record jsonb NOT NULL
                )
                """,
                "CREATE INDEX embed_by_gallery ON embed (gallery_folder, position, created_at)",
                // Every node's caches learn of a commit by any node (LISTEN galleryd_changes).
                """
                CREATE FUNCTION galleryd_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('galleryd_changes', TG_TABLE_NAME);
                    RETURN NULL;
                END
                $$
                """,
                """
                DO $$
                DECLARE name text;
                BEGIN
                    FOREACH name IN ARRAY ARRAY['gallery', 'asset', 'rendition', 'asset_override',
                        'gallery_override', 'embed', 'consent_settings', 'consent_record']
                    LOOP
                        EXECUTE format('CREATE TRIGGER %I_changed AFTER INSERT OR UPDATE OR DELETE ON %I '
                            'FOR EACH STATEMENT EXECUTE FUNCTION galleryd_notify_change()', name, name);
                    END LOOP;
                END
                $$
                """,
            ]
        ),
        (
            // Whose leases are out (a pass or a daemon starting releases its machine's ended
            // processes'): a partial index, one entry per job in hand.
            "v6-job-lease-owner",
            ["CREATE INDEX job_by_lease_owner ON job (lease_owner) WHERE lease_owner IS NOT NULL"]
        ),
        (
            // Embargo and expiry (the gallery's resolved window as columns; the admin's windows
            // in the overrides' records), whose a retired rendition folder was, and erased
            // photos' tombstones (see the SQLite migration of the same name).
            "v7-publication-erasure",
            [
                "ALTER TABLE gallery ADD COLUMN publish_at timestamptz, ADD COLUMN unpublish_at timestamptz",
                "ALTER TABLE retired_variant ADD COLUMN asset_id text",
                "CREATE INDEX retired_variant_by_source ON retired_variant (source_hash)",
                "CREATE INDEX asset_by_source ON asset (source_hash)",
                "CREATE INDEX embed_by_preview ON embed ((record->>'previewPath'))",
                """
                CREATE TABLE erasure (
                    source_hash text PRIMARY KEY,
                    asset_id text NOT NULL,
                    path text NOT NULL,
                    erased_at timestamptz NOT NULL,
                    erased_by text NOT NULL,
                    reason text NOT NULL
                )
                """,
                """
                CREATE TRIGGER erasure_changed AFTER INSERT OR UPDATE OR DELETE ON erasure
                FOR EACH STATEMENT EXECUTE FUNCTION galleryd_notify_change()
                """,
            ]
        ),
        (
            // A claim reads the queue in its own order (see the SQLite migration of the same name).
            "v8-job-claim-order",
            ["CREATE INDEX job_by_claim_order ON job ((kind = 'download'), enqueued_at, path)"]
        ),
    ]

    /// An arbitrary fixed key for `pg_advisory_xact_lock`: galleryd's schema changes.
    static let migrationLock: Int64 = 0x6761_6C6C_6572_7964  // "galleryd"

    func migrate() async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS galleryd_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var applied: [String] = []
            for try await name in try await connection.query(
                "SELECT name FROM galleryd_migration ORDER BY applied_at, name", logger: logger
            ).decode(String.self) {
                applied.append(name)
            }
            // Written by a newer galleryd: refused before anything changes (the lock is
            // released with the transaction).
            let known = Set(Self.migrations.map(\.name))
            let unknown = applied.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw CatalogSchemaError(
                    catalog: "on PostgreSQL", unknown: unknown, known: Self.migrations.last?.name ?? "none")
            }
            for migration in Self.migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO galleryd_migration (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }
}
