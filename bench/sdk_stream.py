"""Streams every message of a user's chats (getAllMessages) with the official Python SDK's
PageIterator, pointed at a Graph-compatible root such as graph-mock.

Usage: sdk_stream.py BASE_URL TOKEN USER  -- prints one JSON line: messages, seconds, messages/s
and peak resident set size.
"""
import asyncio
import json
import resource
import sys
import time

from kiota_abstractions.authentication import AuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph_core.tasks.page_iterator import PageIterator


class StaticToken(AuthenticationProvider):
    """Sends one fixed bearer token (the mock's), to any host: for loopback benchmarks only."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def authenticate_request(self, request, additional_authentication_context=None) -> None:
        request.headers.add("Authorization", f"Bearer {self.token}")


async def main() -> None:
    base_url, token, user = sys.argv[1:4]
    adapter = GraphRequestAdapter(StaticToken(token))
    adapter.base_url = base_url
    client = GraphServiceClient(request_adapter=adapter)
    started = time.perf_counter()
    first = await client.users.by_user_id(user).chats.get_all_messages.get()
    count = 0

    def each(message) -> bool:
        nonlocal count
        count += 1
        return True

    iterator = PageIterator(first, adapter)
    await iterator.iterate(each)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"language": "python", "client": "msgraph-sdk PageIterator", "messages": count,
                      "seconds": seconds, "messages_per_second": count / seconds, "peak_rss": f"{peak_kib} kB"}))


if __name__ == "__main__":
    asyncio.run(main())
