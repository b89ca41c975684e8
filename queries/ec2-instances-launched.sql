-- name: ec2-instances-launched
-- title: EC2 instances launched
-- description: RunInstances calls by principal, region and instance type: cryptomining often starts here.
-- tags: security, ec2, cryptomining
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
SELECT
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  awsregion,
  json_extract_scalar(requestparameters, '$.instanceType') AS instance_type,
  sourceipaddress,
  count(*) AS calls,
  count_if(errorcode IS NOT NULL) AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 'ec2.amazonaws.com'
  AND eventname = 'RunInstances'
GROUP BY 1, 2, 3, 4
ORDER BY calls DESC
LIMIT 500
