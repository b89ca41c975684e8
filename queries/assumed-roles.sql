-- name: assumed-roles
-- title: Who assumed which role
-- description: AssumeRole calls by caller and target role, with source IPs: lateral movement shows up here.
-- tags: security, sts, identity
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- param: role string=*  Target role ARN (* for every role)
-- incident: whois_intrusion
SELECT
  coalesce(useridentity.arn, useridentity.invokedby) AS caller,
  json_extract_scalar(requestparameters, '$.roleArn') AS role_arn,
  sourceipaddress,
  count(*) AS calls,
  count_if(errorcode IS NOT NULL) AS errors,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 'sts.amazonaws.com'
  AND eventname IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')
  AND json_extract_scalar(requestparameters, '$.roleArn') = :role
GROUP BY 1, 2, 3
ORDER BY calls DESC
LIMIT 500
