-- name: s3-errors-by-requester
-- title: S3 access logs: errors by requester
-- description: Failed requests (HTTP 4xx and 5xx) by requester, address, operation and error: 403s, throttling (503 SlowDown).
-- tags: s3, errors, availability
-- window: 24h
-- param: bucket string=*  Bucket name (* for every bucket)
-- incident: s3_slowdown
SELECT
  bucket_name,
  requester,
  remoteip,
  operation,
  httpstatus,
  errorcode,
  count(*) AS errors,
  count(DISTINCT key) AS distinct_keys,
  min(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS first_seen,
  max(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS last_seen
FROM s3_access_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z') >= from_iso8601_timestamp(:start)
  AND parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z') < from_iso8601_timestamp(:end)
  AND httpstatus >= '400'
  AND bucket_name = :bucket
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY errors DESC
LIMIT 500
