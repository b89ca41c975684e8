-- name: s3-bucket-policy-changes
-- title: S3 bucket access changes
-- description: Bucket policies, ACLs and public access blocks changed or removed, newest first.
-- tags: security, s3, changes, exposure
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
SELECT
  eventtime,
  eventname,
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  sourceipaddress,
  errorcode,
  requestparameters
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 's3.amazonaws.com'
  AND eventname IN (
    'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutObjectAcl', 'PutBucketPublicAccessBlock',
    'DeleteBucketPublicAccessBlock', 'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock'
  )
ORDER BY eventtime DESC
LIMIT 1000
