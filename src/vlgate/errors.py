"""The one exception tree of vlgate, and how each maps onto an OpenAI error.

    VlgateError                      status  type
    ├── InvalidRequest                 400   invalid_request_error   (names `param`)
    │   └── ContextTooLong             400   invalid_request_error   code=context_length_exceeded
    ├── AuthenticationFailed           401   authentication_error
    ├── PermissionDenied               403   permission_error
    ├── NotFound                       404   not_found_error
    ├── RateLimited                    429   rate_limit_error        (carries Retry-After)
    ├── ContentBlocked                 400   content_filter          (a guard stopped it)
    ├── UpstreamError                  502   upstream_error          (engine answered badly)
    │   ├── UpstreamTimeout            504   upstream_timeout
    │   └── UpstreamUnavailable        503   upstream_unavailable    (no replica could take it)
    └── ServiceUnavailable             503   service_unavailable     (e.g. audit store down, fail-closed)

Every error renders as ``{"error": {"message", "type", "param", "code"}}``; one
handler in ``server`` does the mapping, nothing else builds error JSON.
"""

from __future__ import annotations

from typing import Any


class VlgateError(Exception):
    status_code: int = 500
    error_type: str = "server_error"

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.error_type,
                "param": self.param,
                "code": self.code,
            }
        }


class InvalidRequest(VlgateError):
    status_code = 400
    error_type = "invalid_request_error"


class ContextTooLong(InvalidRequest):
    def __init__(self, message: str, *, param: str | None = "messages") -> None:
        super().__init__(message, param=param, code="context_length_exceeded")


class AuthenticationFailed(VlgateError):
    status_code = 401
    error_type = "authentication_error"


class PermissionDenied(VlgateError):
    status_code = 403
    error_type = "permission_error"


class NotFound(VlgateError):
    status_code = 404
    error_type = "not_found_error"


class RateLimited(VlgateError):
    status_code = 429
    error_type = "rate_limit_error"

    def __init__(self, message: str, *, retry_after_s: float, code: str = "rate_limited") -> None:
        seconds = max(1, round(retry_after_s + 0.499))
        super().__init__(message, code=code, headers={"Retry-After": str(seconds)})
        self.retry_after_s = retry_after_s


class ContentBlocked(VlgateError):
    status_code = 400
    error_type = "content_filter"


class UpstreamError(VlgateError):
    """The engine failed. ``retryable`` says whether another try may succeed;
    ``sent_output`` whether any output already went towards the client (then it
    must never be retried or reported as success)."""

    status_code = 502
    error_type = "upstream_error"

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        sent_output: bool = False,
        upstream_status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.retryable = retryable
        self.sent_output = sent_output
        self.upstream_status = upstream_status


class UpstreamTimeout(UpstreamError):
    status_code = 504
    error_type = "upstream_timeout"


class UpstreamUnavailable(UpstreamError):
    status_code = 503
    error_type = "upstream_unavailable"


class ServiceUnavailable(VlgateError):
    status_code = 503
    error_type = "service_unavailable"
