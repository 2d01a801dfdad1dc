import type { Database } from "./sql.ts";

/** Append-only: a shipped migration is never edited, only followed by a new one. */
export const MIGRATIONS: { id: string; sql: string }[] = [
  {
    id: "001_schema",
    sql: `
CREATE TABLE owners (
  id text PRIMARY KEY,
  name text NOT NULL,
  business_name text NOT NULL,
  business_number text NOT NULL,
  phone text NOT NULL,
  email text NOT NULL,
  bank_account text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted boolean NOT NULL DEFAULT false
);
CREATE TABLE shops (
  id text PRIMARY KEY,
  owner_id text NOT NULL REFERENCES owners(id),
  name text NOT NULL,
  category text NOT NULL,
  regions jsonb NOT NULL,
  address text NOT NULL,
  phone text NOT NULL,
  min_order integer NOT NULL,
  delivery_fee integer NOT NULL,
  open_hours text NOT NULL,
  status text NOT NULL,
  rating double precision NOT NULL DEFAULT 0,
  review_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX shops_owner ON shops (owner_id);
CREATE INDEX shops_category ON shops (category);
CREATE INDEX shops_regions ON shops USING gin (regions);
CREATE TABLE menus (
  id text PRIMARY KEY,
  shop_id text NOT NULL REFERENCES shops(id),
  pos bigserial,
  name text NOT NULL,
  price integer NOT NULL,
  description text NOT NULL DEFAULT '',
  sold_out boolean NOT NULL DEFAULT false,
  popular boolean NOT NULL DEFAULT false
);
CREATE INDEX menus_shop ON menus (shop_id, pos);
CREATE TABLE ads (
  id text PRIMARY KEY,
  shop_id text NOT NULL REFERENCES shops(id),
  product text NOT NULL,
  regions jsonb NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  bid integer NOT NULL,
  status text NOT NULL
);
CREATE INDEX ads_shop ON ads (shop_id);
-- One row whose lock orders commits: seq order is commit order, so a change-feed reader that has
-- seen seq N can never later find a smaller seq committed behind it.
CREATE TABLE seq_counter (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL);
INSERT INTO seq_counter VALUES (1, 0);
-- The outbox is also the change feed: rows stay after delivery until the retention prunes them.
CREATE TABLE outbox (
  seq bigint PRIMARY KEY,
  type text NOT NULL,
  id text NOT NULL,
  shop_id text,
  at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL;
CREATE INDEX outbox_at ON outbox (at);
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
`,
  },
  {
    // Numbers each change when its transaction commits instead of when it is written. The counter
    // row is then locked only for the commit itself (the trigger and the WAL flush), not for the
    // client's round trip to COMMIT: concurrent commands no longer queue behind one another's
    // network and event-loop latency, and seq order stays commit order. A row carries a negative
    // provisional number until then, which no other transaction can see.
    id: "002_number_at_commit",
    sql: `
CREATE SEQUENCE outbox_provisional;
CREATE FUNCTION outbox_number() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE n bigint; BEGIN UPDATE seq_counter SET value = value + 1 WHERE id = 1 RETURNING value INTO n; UPDATE outbox SET seq = n WHERE seq = NEW.seq; RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER outbox_number AFTER INSERT ON outbox DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.seq < 0) EXECUTE FUNCTION outbox_number();
`,
  },
  {
    // Room on each page for a row's next version, so an update that changes no indexed column
    // (a rating, a name, a version bump) stays on its page as a HOT update and writes no index entry
    // — above all none in the GIN index of a shop's ~12 regions. Seeded or bulk-loaded pages were
    // full, so every shop's first update wrote all four indexes. Applies to pages written from now
    // on; `VACUUM FULL shops` (or pg_repack) repacks an existing catalogue.
    id: "003_shops_fillfactor",
    sql: "ALTER TABLE shops SET (fillfactor = 85)",
  },
  {
    // The same for menus (a third of the bench's changes are menu prices): at 100,000 shops the
    // table holds 1.75 million rows on full pages, so a price change was a new row version on
    // another page plus an entry in both of its indexes — 3.8 pages dirtied per change, each a
    // full-page image in the WAL after a checkpoint (pg_stat_statements over a pipeline run).
    id: "004_menus_fillfactor",
    sql: "ALTER TABLE menus SET (fillfactor = 85)",
  },
];

export async function migrate(db: Database): Promise<string[]> {
  await db.query(
    "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    const done = await db.transaction(async (tx) => {
      // Two origins starting together on one server must not both run a migration.
      await tx.query("SELECT pg_advisory_xact_lock(424242)");
      const seen = await tx.query("SELECT 1 FROM schema_migrations WHERE id = $1", [m.id]);
      if (seen.length > 0) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (id) VALUES ($1)", [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

/** Extended-protocol queries take one statement each; our migrations hold no `;` inside literals. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter(Boolean);
}
