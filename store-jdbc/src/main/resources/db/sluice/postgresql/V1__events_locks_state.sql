-- Durable events and idempotent results, keyed by a SHA-256 of (source, id).
CREATE TABLE sluice_events (
  event_key    CHAR(64)      NOT NULL,
  source       VARCHAR(2048) NOT NULL,
  event_id     VARCHAR(2048) NOT NULL,
  state        SMALLINT      NOT NULL,
  owner        VARCHAR(255)  NOT NULL,
  incarnation  CHAR(36)      NOT NULL,
  claim        BIGINT        NOT NULL,
  admitted_at  BIGINT        NOT NULL,
  completed_at BIGINT,
  event        BYTEA,
  result       BYTEA,
  PRIMARY KEY (event_key)
);
CREATE INDEX sluice_events_purge ON sluice_events (state, completed_at);
CREATE INDEX sluice_events_recovery ON sluice_events (owner, state, admitted_at);

-- Leases: expires_at is in the database clock's epoch milliseconds; token grows on every grant.
CREATE TABLE sluice_locks (
  name       VARCHAR(512) NOT NULL,
  owner      VARCHAR(255),
  token      BIGINT       NOT NULL,
  expires_at BIGINT       NOT NULL,
  PRIMARY KEY (name)
);

-- Fenced key-value state: each value remembers the lock and token it was written under.
CREATE TABLE sluice_state (
  state_key  VARCHAR(512) NOT NULL,
  state_value BYTEA           NOT NULL,
  lock_name  VARCHAR(512) NOT NULL,
  token      BIGINT       NOT NULL,
  updated_at BIGINT       NOT NULL,
  PRIMARY KEY (state_key)
);
