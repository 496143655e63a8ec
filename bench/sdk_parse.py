"""Parses the benchmark page with the official Microsoft Graph Python SDK's models.

Usage: sdk_parse.py PAGE RUNS  -- prints one JSON line with the median time.
"""
import json
import statistics
import sys
import time

from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from msgraph.generated.models.chat_message_collection_response import ChatMessageCollectionResponse


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    data = open(path, "rb").read()
    times = []
    count = 0
    for _ in range(runs):
        started = time.perf_counter()
        node = JsonParseNodeFactory().get_root_parse_node("application/json", data)
        page = node.get_object_value(ChatMessageCollectionResponse)
        times.append(time.perf_counter() - started)
        count = len(page.value)
    print(json.dumps({"language": "python", "parser": "msgraph-sdk ChatMessageCollectionResponse",
                      "bytes": len(data), "messages": count, "median_ms": statistics.median(times) * 1e3}))


if __name__ == "__main__":
    main()
