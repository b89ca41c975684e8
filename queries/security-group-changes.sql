-- name: security-group-changes
-- title: Security group changes
-- description: Created, deleted or modified security groups and rules, newest first, with who and from where.
-- tags: security, network, ec2, changes
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: sg_open_and_access_key
SELECT
  eventtime,
  eventname,
  json_extract_scalar(requestparameters, '$.groupId') AS group_id,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  sourceipaddress,
  awsregion,
  errorcode,
  requestparameters
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 'ec2.amazonaws.com'
  AND eventname IN (
    'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
    'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup', 'DeleteSecurityGroup',
    'UpdateSecurityGroupRuleDescriptionsIngress', 'UpdateSecurityGroupRuleDescriptionsEgress'
  )
ORDER BY eventtime DESC
LIMIT 1000
