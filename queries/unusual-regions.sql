-- name: unusual-regions
-- title: Activity in unusual regions
-- description: Calls per region outside the regions you use, with who made them, busiest first.
-- tags: security, regions, cryptomining
-- window: 7d
-- param: expected region=*  Regions you normally use, a,b (* lists every region)
SELECT
  awsregion,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  count(*) AS calls,
  approx_distinct(eventname) AS actions,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND awsregion <> :expected
GROUP BY 1, 2
ORDER BY calls DESC
LIMIT 500
