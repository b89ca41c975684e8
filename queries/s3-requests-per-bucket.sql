-- name: s3-requests-per-bucket
-- title: Requests per S3 bucket
-- description: S3 data-event requests per bucket and operation, with callers and errors, busiest first.
-- tags: s3, data-events, volume, cost
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: s3_hot_objects
SELECT
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
  eventname,
  count(*) AS requests,
  approx_distinct(useridentity.arn) AS principals,
  approx_distinct(sourceipaddress) AS source_ips,
  count_if(errorcode IS NOT NULL) AS errors
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 's3.amazonaws.com'
GROUP BY 1, 2
ORDER BY requests DESC
LIMIT 200
