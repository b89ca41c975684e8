"""Fetching a 100k-row Athena result: the CSV Athena wrote to S3 vs GetQueryResults paging, through moto.

Run: python -m bench.athena_results
moto runs on 127.0.0.1 in this process (no AWS account). moto returns every GetQueryResults row
at once, so its handler is patched here to page like Athena (MaxResults, NextToken: 1,000 rows a
call, each call carrying only its page). Prints medians and the ratio against paging, the anchor.
"""

from __future__ import annotations

import logging
import os
import socket
import statistics
import time
from collections.abc import Callable
from typing import Any

ROWS = 100_000
COLUMNS = [("eventname", "varchar"), ("n", "bigint"), ("sourceipaddress", "varchar")]


def median_s(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _page_like_athena() -> None:
    import json

    from moto.athena.responses import AthenaResponse

    def get_query_results(self: Any) -> str:
        result = self.athena_backend.get_query_results(self._get_param("QueryExecutionId")).to_dict()
        start = int(self._get_param("NextToken") or 0)
        size = int(self._get_param("MaxResults") or 1000)
        rows = result["ResultSet"]["Rows"]
        result["ResultSet"]["Rows"] = rows[start : start + size]
        if start + size < len(rows):
            result["NextToken"] = str(start + size)
        return json.dumps(result)

    AthenaResponse.get_query_results = get_query_results  # type: ignore[method-assign]


def main() -> None:
    import boto3
    import requests
    from moto.server import ThreadedMotoServer

    from ctui.config import AthenaProfile
    from ctui.engines.athena import AthenaEngine
    from ctui.engines.athena.results import fetch_rows, to_arrow

    _page_like_athena()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
                      AWS_DEFAULT_REGION="us-east-1")  # fmt: skip
    try:
        boto3.client("s3").create_bucket(Bucket="results")
        boto3.client("athena").create_work_group(Name="bench", Configuration={})
        table = [["eventname", "n", "sourceipaddress"]] + [
            [f"GetObject{i % 50}", str(i), f"203.0.113.{i % 250}"] for i in range(ROWS)
        ]
        info = [{"Name": n, "Label": n, "Type": t, "Precision": 0, "Scale": 0} for n, t in COLUMNS]
        data = [{"Data": [{"VarCharValue": v} for v in row]} for row in table]
        requests.post(f"{endpoint}/moto-api/static/athena/query-results",
                      json={"results": [{"rows": data, "column_info": info}]}, timeout=120)  # fmt: skip
        profile = AthenaProfile(region="us-east-1", workgroup="bench", output_location="s3://results/q/",
                                poll_interval=0.0, poll_max_interval=0.0)  # fmt: skip
        engine = AthenaEngine(profile)
        handle = engine.submit("SELECT eventname, n, sourceipaddress FROM t")
        while not engine.poll(handle, fresh=True).finished:
            pass
        body = "".join(",".join(f'"{v}"' for v in row) + "\n" for row in table).encode()
        key = engine._track(handle).output_location.split("/", 3)[3]  # type: ignore[union-attr]
        boto3.client("s3").put_object(Bucket="results", Key=key, Body=body)

        def paging() -> Any:
            column_info, rows, _ = fetch_rows(engine.client("athena"), handle.query_id, dml=True, limit=ROWS)
            return to_arrow(column_info, rows)

        def from_s3() -> Any:
            return engine.results(handle, limit=ROWS).table

        assert from_s3().num_rows == paging().num_rows == ROWS
        anchor = median_s(paging)
        s3 = median_s(from_s3)
        print(f"results     {ROWS:,} rows, GetQueryResults paging (1,000/call): {anchor:6.2f} s  (anchor)")
        print(f"results     {ROWS:,} rows, result CSV from S3 (2 calls):         {s3:6.2f} s  "
              f"{anchor / s3:5.1f}x faster")  # fmt: skip
        engine.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
