"""JSON parsing that answers 400, not 500, to bodies Python's json module cannot nest."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # A body nested deeper than the interpreter's recursion limit (~1000 levels).
            raise ParseError("JSON parse error - nested too deeply; send a flatter body.") from None
