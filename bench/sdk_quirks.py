"""What the official Python SDK does with each quirk payload: kept, dropped, or failed.

Usage: sdk_quirks.py DIR  -- one JSON line per *.json file of DIR, read as a chatMessage and
written back with the SDK's serializer; "kept" when the output equals the input.
"""
import json
import pathlib
import sys

from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from kiota_serialization_json.json_serialization_writer_factory import JsonSerializationWriterFactory
from msgraph.generated.models.chat_message import ChatMessage


def outcome(payload: bytes) -> str:
    try:
        message = JsonParseNodeFactory().get_root_parse_node("application/json", payload).get_object_value(ChatMessage)
    except Exception as error:  # the SDK's own exception types vary by value kind
        return f"failed: {type(error).__name__}: {error}"
    writer = JsonSerializationWriterFactory().get_serialization_writer("application/json")
    writer.write_object_value(None, message)
    written = json.loads(writer.get_serialized_content())
    return "kept" if written == json.loads(payload) else f"dropped: wrote {json.dumps(written, sort_keys=True)}"


def main() -> None:
    for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
        print(json.dumps({"language": "python", "quirk": path.stem, "outcome": outcome(path.read_bytes())}))


if __name__ == "__main__":
    main()
