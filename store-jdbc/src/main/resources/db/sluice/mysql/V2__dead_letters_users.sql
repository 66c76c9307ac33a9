-- Events that failed after their retries, for sluice dlq list|show|replay|purge.
CREATE TABLE sluice_dead_letters (
  id            BIGINT NOT NULL AUTO_INCREMENT,
  source        VARCHAR(2048) NOT NULL,
  event_id      VARCHAR(2048) NOT NULL,
  event_type    VARCHAR(1024) NOT NULL,
  processor     VARCHAR(255)  NOT NULL,
  status        VARCHAR(16)   NOT NULL,
  error_code    VARCHAR(255),
  error_message VARCHAR(4000),
  attempts      INTEGER       NOT NULL,
  first_failure BIGINT        NOT NULL,
  last_failure  BIGINT        NOT NULL,
  event         LONGBLOB            NOT NULL,
  failure       LONGBLOB            NOT NULL,
  PRIMARY KEY (id)
);
CREATE INDEX sluice_dead_letters_processor ON sluice_dead_letters (processor, id);

-- Users for authentication: the password is stored only as a PHC hash string.
CREATE TABLE sluice_users (
  name          VARCHAR(255)  NOT NULL,
  password_hash VARCHAR(1024) NOT NULL,
  roles         VARCHAR(4000) NOT NULL,
  PRIMARY KEY (name)
);
