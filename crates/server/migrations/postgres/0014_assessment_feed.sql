-- Assessments come down to the laptops of their regions (a colleague taking over a village, the
-- same officer on a replacement laptop): every accepted revision is a change in the feed. The
-- body names the revision only; the feed reads the record itself when it serves the change.
-- Revisions stored before this migration join the feed in the order they were received.
INSERT INTO change (kind, ref_id, region_path, for_user, from_user, body, created_at, from_device)
SELECT 'assessment', id, region_path, NULL, user_id, '{"revision":' || revision || '}', received_at, device_id
FROM record WHERE kind = 'assessment'
ORDER BY received_at, id, revision;

-- Producers and products sent before laptops were told apart (migration 13) name their officer
-- only: the laptop that sent them is the one that stored their first revision. Without it, the
-- officer's other laptops (a replacement) would never pull them, nor the assessments of them.
UPDATE change SET from_device = (
  SELECT r.device_id FROM record r WHERE r.kind = change.kind AND r.id = change.ref_id ORDER BY r.revision LIMIT 1
)
WHERE from_device IS NULL AND from_user IS NOT NULL AND kind IN ('producer', 'product');
