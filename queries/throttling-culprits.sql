-- name: throttling-culprits
-- title: Who is causing API throttling
-- description: Throttled calls by principal, source IP, action and user agent, busiest first.
-- tags: throttling, operations, errors
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: throttling
SELECT
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  sourceipaddress,
  eventsource,
  eventname,
  useragent,
  count(*) AS throttled,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND errorcode IN (
    'ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'Client.RequestLimitExceeded',
    'TooManyRequestsException', 'SlowDown', 'RequestThrottled', 'ProvisionedThroughputExceededException'
  )
GROUP BY 1, 2, 3, 4, 5
ORDER BY throttled DESC
LIMIT 200
