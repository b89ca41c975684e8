-- name: top-error-codes
-- title: Top error codes
-- description: Error codes by service, with how many principals hit them, most frequent first.
-- tags: errors, operations
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
SELECT
  errorcode,
  eventsource,
  count(*) AS errors,
  approx_distinct(useridentity.arn) AS principals,
  approx_distinct(eventname) AS actions
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND errorcode IS NOT NULL
GROUP BY 1, 2
ORDER BY errors DESC
LIMIT 200
