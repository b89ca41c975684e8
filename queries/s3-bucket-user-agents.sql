-- name: s3-bucket-user-agents
-- title: User agents hitting an S3 bucket
-- description: Who reads and writes a bucket, by user agent and principal, busiest first.
-- tags: s3, data-events, clients
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- param: bucket string=*  Bucket name (* for every bucket)
-- incident: s3_hot_objects
SELECT
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
  useragent,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  count(*) AS requests,
  approx_distinct(sourceipaddress) AS source_ips,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 's3.amazonaws.com'
  AND json_extract_scalar(requestparameters, '$.bucketName') = :bucket
GROUP BY 1, 2, 3
ORDER BY requests DESC
LIMIT 200
