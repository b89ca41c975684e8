-- name: logging-tampering
-- title: Logging and monitoring tampering
-- description: Trails stopped or deleted, bucket logging turned off, lifecycle rules on buckets, flow logs, GuardDuty, Config, Security Hub and Resolver query logging switched off, newest first.
-- tags: security, defense-evasion, logging
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: identity_center_session
SELECT
  eventtime,
  eventsource,
  eventname,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  useridentity.accesskeyid AS access_key,
  sourceipaddress,
  awsregion,
  errorcode,
  requestparameters
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND (
    eventname IN (
      'StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors',
      'DeleteFlowLogs', 'DeleteDetector', 'UpdateDetector', 'DisassociateFromMasterAccount',
      'DeleteConfigurationRecorder', 'StopConfigurationRecorder', 'DeleteDeliveryChannel',
      'DisableSecurityHub', 'DeleteLogGroup', 'DeleteLogStream', 'PutRetentionPolicy',
      'DisableAlarmActions', 'DeleteAlarms', 'PutBucketLifecycle',
      'DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'
    )
    OR (
      eventname = 'PutBucketLogging'
      AND json_extract(requestparameters, '$.BucketLoggingStatus.LoggingEnabled') IS NULL
    )
  )
ORDER BY eventtime DESC
LIMIT 1000
