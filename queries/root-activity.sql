-- name: root-activity
-- title: Root account activity
-- description: Calls made with the root user's credentials, in the console (invokedBy signin.amazonaws.com) or not, but not by AWS services, by action and source.
-- tags: security, root, identity
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: root_no_mfa
SELECT
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
  AND useridentity.type = 'Root'
  AND (useridentity.invokedby IS NULL OR useridentity.invokedby = 'signin.amazonaws.com')
  AND eventtype <> 'AwsServiceEvent'
GROUP BY 1, 2, 3, 4, 5
ORDER BY calls DESC
LIMIT 500
