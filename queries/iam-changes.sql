-- name: iam-changes
-- title: IAM changes
-- description: Every IAM call that changes something (or may: records without readOnly count), by principal and action (IAM events land in us-east-1).
-- tags: security, iam, identity, changes
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: sg_open_and_access_key
SELECT
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  eventname,
  sourceipaddress,
  count(*) AS calls,
  count_if(errorcode IS NOT NULL) AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 'iam.amazonaws.com'
  AND coalesce(readonly, 'false') <> 'true'
GROUP BY 1, 2, 3
ORDER BY calls DESC
LIMIT 500
