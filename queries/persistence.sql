-- name: persistence
-- title: Persistence: new keys, login profiles, policy attachments
-- description: New users, access keys, console passwords and policy grants, newest first, with the target.
-- tags: security, iam, identity, persistence, intrusion
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: sg_open_and_access_key
SELECT
  eventtime,
  eventname,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  coalesce(
    json_extract_scalar(requestparameters, '$.userName'),
    json_extract_scalar(requestparameters, '$.roleName'),
    json_extract_scalar(requestparameters, '$.groupName')
  ) AS target,
  json_extract_scalar(requestparameters, '$.policyArn') AS policy_arn,
  sourceipaddress,
  useragent,
  errorcode
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 'iam.amazonaws.com'
  AND eventname IN (
    'CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'AttachUserPolicy',
    'AttachRolePolicy', 'AttachGroupPolicy', 'PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy',
    'UpdateAssumeRolePolicy', 'AddUserToGroup', 'CreateRole', 'CreatePolicyVersion', 'SetDefaultPolicyVersion'
  )
ORDER BY eventtime DESC
LIMIT 1000
