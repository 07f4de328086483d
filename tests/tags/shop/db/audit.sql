-- polic: implements audit-logging.security-events
CREATE TABLE audit_events (
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL
);

SELECT '-- polic: implements nothing-here';
