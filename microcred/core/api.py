"""Shared JSON API pieces of every app: errors as clear JSON (never a stack trace), the documented refusals
(ERROR_RESPONSES), the safe JSON parser and bounded paging parameters."""
import json
import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Services raise Django's ValidationError; show them as 400 with field messages.
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
        else:
            detail = {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class SafeJSONParser(JSONParser):
    """The API's JSON parser: hostile documents get a clear 4xx, never a 500 and never odd data in the database.

    Refused: bodies over settings.MICROCRED_MAX_JSON_BYTES (413); bytes that are not UTF-8; nesting too deep
    for the parser; NaN/Infinity and numbers that overflow (1e999999 would become infinity, which no column or
    JSON renderer accepts); integers beyond 64 bits (a 5,000-digit integer would otherwise cost CPU to convert);
    duplicate keys in one object (which value wins differs between parsers, a classic way to smuggle data);
    NUL characters and unpaired surrogates in strings (PostgreSQL cannot store them)."""

    def parse(self, stream, media_type=None, parser_context=None):
        from django.conf import settings

        limit = settings.MICROCRED_MAX_JSON_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is too large (at most {limit:,} bytes).")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"JSON parse error - the body is not UTF-8 text (byte {exc.start}).") from None
        try:
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int,
                              object_pairs_hook=_unique_keys)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the document is nested too deeply.") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        _check_strings(data)
        return data


INT64_MAX = 2**63 - 1


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a valid JSON number.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]}{'…' if len(text) > 20 else ''} is too large.")
    return value


def _bounded_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > 19 or abs(int(digits)) > INT64_MAX:
        raise ValueError(f"the integer {text[:20]}{'…' if len(text) > 20 else ''} is too large (at most {INT64_MAX}).")
    return int(text)


def _unique_keys(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key[:40]!r} appears twice in one object.")
        result[key] = value
    return result


def _check_string(text: str) -> None:
    if "\x00" in text:
        raise exceptions.ParseError("JSON parse error - text may not contain NUL (\\u0000) characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise exceptions.ParseError("JSON parse error - text contains an unpaired surrogate (\\ud800-\\udfff escape).") from None


def _check_strings(data) -> None:
    stack = [data]  # iterative: the parser already bounded the depth, but keep this walk flat anyway
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_string(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                _check_string(key)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


# --- What every app's API shares: the documented refusals, and bounded paging parameters -------------------------

class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the request was refused.")


# The refusals every operation can give, so clients (and the schema fuzz test) see them documented.
# 400: field messages {"field": ["…"]} or {"detail": …}; 403: not allowed (or not signed in); 404: absent or not yours.
ERROR_RESPONSES = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: {field: [message, …]} or {detail: …}"),
    403: OpenApiResponse(ErrorSerializer, description="Not signed in, or not allowed"),
    404: OpenApiResponse(ErrorSerializer, description="No such object, or not visible to you"),
}


def bounded_int(raw, default: int, *, maximum: int) -> int:
    """A query parameter as a whole number in [0, maximum]; ``default`` when absent or not a number (paging
    parameters never fail a request)."""
    try:
        value = int(raw if raw is not None else default)
    except (TypeError, ValueError):
        return default
    return max(0, min(value, maximum))
