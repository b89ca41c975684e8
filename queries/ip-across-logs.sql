-- name: ip-across-logs
-- title: One IP address across CloudTrail, S3 access logs and VPC Flow Logs
-- description: What an address did in each log: API calls, bucket requests and network flows, with bytes.
-- tags: security, network, forensics, exfiltration
-- window: 7d
-- param: ip string=*  The address to follow: an outside address or one inside the VPC (* for every address)
-- incident: exfiltration
SELECT
  'cloudtrail' AS log,
  sourceipaddress AS address,
  eventname AS action,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS who,
  count(*) AS records,
  CAST(NULL AS bigint) AS bytes,
  min(from_iso8601_timestamp(eventtime)) AS first_seen,
  max(from_iso8601_timestamp(eventtime)) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND sourceipaddress = :ip
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT
  's3_access_logs' AS log,
  remoteip AS address,
  operation AS action,
  requester AS who,
  count(*) AS records,
  sum(bytessent) AS bytes,
  min(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS first_seen,
  max(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS last_seen
FROM s3_access_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z') >= from_iso8601_timestamp(:start)
  AND parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z') < from_iso8601_timestamp(:end)
  AND remoteip = :ip
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT
  'vpc_flow_logs' AS log,
  srcaddr AS address,
  action,
  'to ' || dstaddr || ':' || CAST(dstport AS varchar) AS who,
  count(*) AS records,
  sum(bytes) AS bytes,
  min(from_unixtime("start")) AS first_seen,
  max(from_unixtime("end")) AS last_seen
FROM vpc_flow_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND "start" >= to_unixtime(from_iso8601_timestamp(:start))
  AND "start" < to_unixtime(from_iso8601_timestamp(:end))
  AND (srcaddr = :ip OR dstaddr = :ip)
GROUP BY 1, 2, 3, 4
ORDER BY bytes DESC NULLS LAST, records DESC
LIMIT 1000
