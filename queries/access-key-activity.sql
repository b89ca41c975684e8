-- name: access-key-activity
-- title: Activity of one access key
-- description: What an access key did: actions, source IPs and user agents with first and last use.
-- tags: security, identity, forensics
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- param: access_key string=*  Access key id (AKIA... or ASIA...; * for every key)
-- incident: route53_www
SELECT
  useridentity.accesskeyid AS access_key,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  eventsource,
  eventname,
  sourceipaddress,
  useragent,
  count(*) AS calls,
  count_if(errorcode IS NOT NULL) AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND useridentity.accesskeyid = :access_key
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY calls DESC
LIMIT 1000
