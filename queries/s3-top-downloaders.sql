-- name: s3-top-downloaders
-- title: S3 access logs: top downloaders of a bucket
-- description: Remote addresses that downloaded the most from a bucket (server access logs), with requesters.
-- tags: s3, exfiltration, network
-- window: 24h
-- param: bucket string=*  Bucket name (* for every bucket)
-- incident: exfiltration_requests
SELECT
  remoteip,
  bucket_name,
  requester,
  count(*) AS requests,
  sum(bytessent) AS bytes_sent,
  count(DISTINCT key) AS distinct_keys,
  min(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS first_seen,
  max(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS last_seen
FROM s3_access_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z') >= from_iso8601_timestamp(:start)
  AND parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z') < from_iso8601_timestamp(:end)
  AND operation = 'REST.GET.OBJECT'
  AND bucket_name = :bucket
GROUP BY 1, 2, 3
ORDER BY bytes_sent DESC
LIMIT 50
