-- Assessments come down to the laptops of their regions (a colleague taking over a village, the
-- same officer on a replacement laptop): every accepted revision is a change in the feed. The
-- body names the revision only; the feed reads the record itself when it serves the change.
-- Revisions stored before this migration join the feed in the order they were received.
INSERT INTO change (kind, ref_id, region_path, for_user, from_user, body, created_at, from_device)
SELECT 'assessment', id, region_path, NULL, user_id, '{"revision":' || revision || '}', received_at, device_id
FROM record WHERE kind = 'assessment'
ORDER BY received_at, id, revision;
