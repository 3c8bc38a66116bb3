"""Types for the API's input schemas (django-ninja / pydantic).

Pydantic's lax mode turns ``true`` into ``1.0`` and ``"12"`` into ``12``: a phone that sends ``"lon": true`` would
store a position in the ocean. API inputs take numbers as JSON numbers only (``Strict``), so bad input gets a 422
and changes nothing (found by the schema fuzzing, violeta/tests/test_api_schema.py).
"""

from typing import Annotated

from pydantic import Strict

Number = Annotated[float, Strict()]  # a JSON number (an integer is a number too); never a boolean or a string
Integer = Annotated[int, Strict()]  # a JSON integer; never a boolean, a string or 1.0
Boolean = Annotated[bool, Strict()]  # true or false; never 0, 1, "yes" or "true"
