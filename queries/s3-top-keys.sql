-- name: s3-top-keys
-- title: Most requested S3 keys
-- description: Object keys by number of requests (GetObject, PutObject, ...), per bucket and operation.
-- tags: s3, data-events, volume
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- param: bucket string=*  Bucket name (* for every bucket)
-- incident: s3_hot_objects
SELECT
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
  json_extract_scalar(requestparameters, '$.key') AS object_key,
  eventname,
  count(*) AS requests,
  approx_distinct(useridentity.arn) AS principals
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 's3.amazonaws.com'
  AND json_extract_scalar(requestparameters, '$.key') IS NOT NULL
  AND json_extract_scalar(requestparameters, '$.bucketName') = :bucket
GROUP BY 1, 2, 3
ORDER BY requests DESC
LIMIT 200
