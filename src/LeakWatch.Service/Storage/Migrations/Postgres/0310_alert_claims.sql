-- Several nodes deliver from one outbox: a node claims a due alert (claimed_by, claimed_until) in one atomic UPDATE ...
-- RETURNING before sending it, so no two nodes send the same alert; a claim is a lease, so the alert of a node that
-- died while sending is claimed again by another once the lease has run out.
ALTER TABLE alert_outbox ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE alert_outbox ADD COLUMN claimed_until TEXT NULL;
