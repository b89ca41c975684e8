-- name: vpc-bytes-out
-- title: VPC: bytes out by destination
-- description: Accepted traffic to addresses outside the private ranges, by destination and interface.
-- tags: network, vpc, exfiltration
-- window: 24h
-- param: srcaddr string=*  Source address inside the VPC (* for every address)
-- incident: exfiltration_flows
SELECT
  dstaddr,
  srcaddr,
  interface_id,
  sum(bytes) AS bytes_out,
  count(*) AS flows,
  min(from_unixtime("start")) AS first_seen,
  max(from_unixtime("end")) AS last_seen
FROM vpc_flow_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND "start" >= to_unixtime(from_iso8601_timestamp(:start))
  AND "start" < to_unixtime(from_iso8601_timestamp(:end))
  AND action = 'ACCEPT'
  AND srcaddr = :srcaddr
  AND NOT (
    dstaddr LIKE '10.%'
    OR dstaddr LIKE '192.168.%'
    OR regexp_like(dstaddr, '^172\.(1[6-9]|2[0-9]|3[01])\.')
    OR dstaddr LIKE '169.254.%'
  )
GROUP BY 1, 2, 3
ORDER BY bytes_out DESC
LIMIT 100
