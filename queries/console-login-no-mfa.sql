-- name: console-login-no-mfa
-- title: Console logins without MFA
-- description: Successful console sign-ins that did not use MFA, by principal and source IP (SAML, Identity Center and role switches from an MFA session left out).
-- tags: security, console, identity, mfa
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: root_no_mfa
SELECT
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  useridentity.type AS identity_type,
  sourceipaddress,
  useragent,
  count(*) AS logins,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventname = 'ConsoleLogin'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
  AND coalesce(json_extract_scalar(additionaleventdata, '$.SamlProviderArn'), '') = ''
  AND useridentity.type <> 'SAMLUser'
  AND coalesce(useridentity.arn, '') NOT LIKE '%:assumed-role/AWSReservedSSO_%'
  AND coalesce(useridentity.sessioncontext.attributes.mfaauthenticated, 'false') <> 'true'
GROUP BY 1, 2, 3, 4
ORDER BY logins DESC
LIMIT 500
