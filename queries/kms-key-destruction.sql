-- name: kms-key-destruction
-- title: KMS keys disabled or scheduled for deletion
-- description: KMS keys disabled, scheduled for deletion or with changed policies, newest first.
-- tags: security, kms, destruction
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
SELECT
  eventtime,
  eventname,
  json_extract_scalar(requestparameters, '$.keyId') AS key_id,
  json_extract_scalar(requestparameters, '$.pendingWindowInDays') AS pending_days,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  sourceipaddress,
  awsregion,
  errorcode
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 'kms.amazonaws.com'
  AND eventname IN (
    'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'DisableKeyRotation', 'PutKeyPolicy',
    'DeleteImportedKeyMaterial', 'DeleteAlias'
  )
ORDER BY eventtime DESC
LIMIT 1000
