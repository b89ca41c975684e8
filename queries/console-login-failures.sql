-- name: console-login-failures
-- title: Failed console logins by source IP
-- description: Failed console sign-ins per source IP and user name: password guessing shows up here.
-- tags: security, console, identity, brute-force
-- window: 24h
-- param: region region=*  Region partition(s) to read: * for all, a,b for several
-- incident: failed_logins
SELECT
  sourceipaddress,
  useridentity.username AS user_name,
  errormessage,
  count(*) AS failures,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM cloudtrail_logs
WHERE "timestamp" BETWEEN :start_day AND :end_day
  AND eventtime >= :start AND eventtime < :end
  AND region = :region
  AND eventname = 'ConsoleLogin'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure'
GROUP BY 1, 2, 3
ORDER BY failures DESC
LIMIT 500
