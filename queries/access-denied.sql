-- name: access-denied
-- title: AccessDenied and Unauthorized by principal and action
-- description: Denied calls by principal, service, action and error code: probing or a broken policy.
-- tags: security, errors, identity
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: access_denied_burst
SELECT
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  eventsource,
  eventname,
  errorcode,
  count(*) AS denied,
  approx_distinct(sourceipaddress) AS source_ips,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND (
    errorcode LIKE '%AccessDenied%'
    OR errorcode LIKE '%Unauthorized%'
    OR errorcode LIKE '%Forbidden%'
  )
GROUP BY 1, 2, 3, 4
ORDER BY denied DESC
LIMIT 500
