-- name: who-deleted
-- title: Who deleted a resource
-- description: Delete, terminate and remove calls whose request names the resource, newest first.
-- tags: security, changes, forensics
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- param: resource string=*  Text in the request: a name, id or ARN (* for every deletion)
SELECT
  eventtime,
  eventsource,
  eventname,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  sourceipaddress,
  useragent,
  errorcode,
  requestparameters
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND (eventname LIKE 'Delete%' OR eventname LIKE 'Terminate%' OR eventname LIKE 'Remove%')
  AND strpos(requestparameters, :resource) > 0
ORDER BY eventtime DESC
LIMIT 1000
