/**
 * Tables of the datanet routes. Timestamps are ISO strings (sortable, no time-zone surprises);
 * `seq` columns give lists a stable order for cursors.
 */
export const DATANET_TABLES = `
CREATE TABLE IF NOT EXISTS dn_datanets (
  seq bigserial UNIQUE,
  id text PRIMARY KEY,
  owner text NOT NULL,
  spec jsonb NOT NULL,
  latest_version integer,
  created_at text NOT NULL
);
CREATE TABLE IF NOT EXISTS dn_uploads (
  id text PRIMARY KEY,
  datanet_id text NOT NULL REFERENCES dn_datanets(id),
  contributor text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  file_name text NOT NULL,
  media_type text,
  size bigint NOT NULL,
  content_hash text NOT NULL,
  received bigint NOT NULL DEFAULT 0,
  status text NOT NULL,
  contribution_id text,
  created_at text NOT NULL,
  UNIQUE (contributor, idempotency_key)
);
CREATE TABLE IF NOT EXISTS dn_upload_chunks (
  upload_id text NOT NULL REFERENCES dn_uploads(id) ON DELETE CASCADE,
  start bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (upload_id, start)
);
CREATE TABLE IF NOT EXISTS dn_contributions (
  seq bigserial UNIQUE,
  id text PRIMARY KEY,
  datanet_id text NOT NULL REFERENCES dn_datanets(id),
  upload_id text NOT NULL UNIQUE,
  contributor text NOT NULL,
  file_name text NOT NULL,
  media_type text,
  bytes bigint NOT NULL,
  content_hash text NOT NULL,
  status text NOT NULL,
  score double precision,
  report jsonb NOT NULL,
  review jsonb,
  day text NOT NULL,
  created_at text NOT NULL
);
CREATE INDEX IF NOT EXISTS dn_contributions_by_datanet ON dn_contributions (datanet_id, seq);
CREATE INDEX IF NOT EXISTS dn_contributions_by_day ON dn_contributions (contributor, day);
CREATE INDEX IF NOT EXISTS dn_contributions_by_hash ON dn_contributions (datanet_id, content_hash);
CREATE TABLE IF NOT EXISTS dn_blobs (
  content_hash text PRIMARY KEY,
  data bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS dn_versions (
  datanet_id text NOT NULL REFERENCES dn_datanets(id),
  version integer NOT NULL,
  merkle_root text NOT NULL,
  leaves jsonb NOT NULL,
  published_by text NOT NULL,
  created_at text NOT NULL,
  PRIMARY KEY (datanet_id, version)
);
CREATE TABLE IF NOT EXISTS dn_idempotency (
  account text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer NOT NULL,
  body jsonb NOT NULL,
  created_at text NOT NULL,
  PRIMARY KEY (account, key)
);
CREATE TABLE IF NOT EXISTS dn_leaderboards (
  datanet_id text PRIMARY KEY REFERENCES dn_datanets(id),
  computed_at text NOT NULL,
  next_refresh_at text NOT NULL,
  entries jsonb NOT NULL
);
`;
