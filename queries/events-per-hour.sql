-- name: events-per-hour
-- title: Events per hour by service
-- description: A timeline of call volume and errors per hour and service, to spot when an incident began.
-- tags: volume, timeline, operations
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
SELECT
  substr(eventtime, 1, 13) AS hour_utc,
  eventsource,
  count(*) AS calls,
  count_if(errorcode IS NOT NULL) AS errors
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
GROUP BY 1, 2
ORDER BY hour_utc, calls DESC
LIMIT 5000
