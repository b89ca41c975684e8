-- name: vpc-top-talkers
-- title: VPC: top talkers by bytes
-- description: Address pairs that moved the most bytes (VPC Flow Logs), with packets, flows and ports.
-- tags: network, vpc, exfiltration
-- window: 24h
-- param: action choice(ACCEPT|REJECT|*)=ACCEPT  Flows the security groups and network ACLs accepted or rejected
-- incident: exfiltration_flows
SELECT
  srcaddr,
  dstaddr,
  sum(bytes) AS total_bytes,
  sum(packets) AS packets,
  count(*) AS flows,
  approx_distinct(dstport) AS dst_ports,
  min(from_unixtime("start")) AS first_seen,
  max(from_unixtime("end")) AS last_seen
FROM vpc_flow_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND "start" >= to_unixtime(from_iso8601_timestamp(:start))
  AND "start" < to_unixtime(from_iso8601_timestamp(:end))
  AND action = :action
GROUP BY 1, 2
ORDER BY total_bytes DESC
LIMIT 50
