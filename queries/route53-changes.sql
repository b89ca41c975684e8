-- name: route53-changes
-- title: Route 53 record changes
-- description: DNS record and hosted zone changes: record creations and deletions first (the first change of each batch), then the rest, newest first, with the zone, the access key and the change batch.
-- tags: dns, route53, changes
-- window: 7d
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: route53_www
SELECT
  eventtime,
  eventname,
  json_extract_scalar(requestparameters, '$.changeBatch.changes[0].action') AS action,
  json_extract_scalar(requestparameters, '$.changeBatch.changes[0].resourceRecordSet.name') AS record,
  coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid, useridentity.type) AS principal,
  json_extract_scalar(requestparameters, '$.hostedZoneId') AS hosted_zone_id,
  useridentity.accesskeyid AS access_key,
  sourceipaddress,
  errorcode,
  json_extract(requestparameters, '$.changeBatch') AS change_batch
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventsource = 'route53.amazonaws.com'
  AND eventname IN (
    'ChangeResourceRecordSets', 'CreateHostedZone', 'DeleteHostedZone', 'AssociateVPCWithHostedZone',
    'DisassociateVPCFromHostedZone', 'ChangeTagsForResource', 'UpdateHostedZoneComment'
  )
ORDER BY
  -- a name that appears or vanishes matters more than one more update of a known record
  coalesce(json_extract_scalar(requestparameters, '$.changeBatch.changes[0].action'), '') IN ('CREATE', 'DELETE') DESC,
  eventtime DESC
LIMIT 1000
