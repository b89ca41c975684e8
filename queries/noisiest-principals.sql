-- name: noisiest-principals
-- title: Noisiest principals
-- description: Principals by number of calls, with how many actions, IPs and errors, busiest first.
-- tags: volume, identity, operations
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
SELECT
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  useridentity.type AS identity_type,
  count(*) AS calls,
  approx_distinct(eventname) AS actions,
  approx_distinct(sourceipaddress) AS source_ips,
  count_if(errorcode IS NOT NULL) AS errors
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
GROUP BY 1, 2
ORDER BY calls DESC
LIMIT 100
