-- name: ip-activity
-- title: Activity from one IP address
-- description: What a source IP did: principals, actions and user agents with first and last use.
-- tags: security, network, forensics
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- param: ip string=*  Source IP address or AWS service name (* for every source)
-- incident: failed_logins
SELECT
  sourceipaddress,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  eventsource,
  eventname,
  useragent,
  count(*) AS calls,
  count_if(errorcode IS NOT NULL) AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND sourceipaddress = :ip
GROUP BY 1, 2, 3, 4, 5
ORDER BY calls DESC
LIMIT 1000
