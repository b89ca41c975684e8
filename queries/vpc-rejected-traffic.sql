-- name: vpc-rejected-traffic
-- title: VPC: rejected traffic by source and port
-- description: Flows the security groups or network ACLs rejected, by source: port scans and blocked callers.
-- tags: network, vpc, security
-- window: 24h
-- param: dstaddr string=*  Destination address (* for every address)
-- incident: port_scan
SELECT
  srcaddr,
  dstaddr,
  count(*) AS rejected_flows,
  count(DISTINCT dstport) AS distinct_ports,
  min(dstport) AS lowest_port,
  max(dstport) AS highest_port,
  min(from_unixtime("start")) AS first_seen,
  max(from_unixtime("end")) AS last_seen
FROM vpc_flow_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND "start" >= to_unixtime(from_iso8601_timestamp(:start))
  AND "start" < to_unixtime(from_iso8601_timestamp(:end))
  AND action = 'REJECT'
  AND dstaddr = :dstaddr
GROUP BY 1, 2
ORDER BY distinct_ports DESC, rejected_flows DESC
LIMIT 500
