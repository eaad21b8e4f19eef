"""The API's pagination and its refusals: imported by REST framework's settings, so it imports
nothing of the API's views."""

from django.core.exceptions import ValidationError
from rest_framework import exceptions, pagination, status
from rest_framework.views import exception_handler as drf_exception_handler

from scoring.services import ScorecardLocked


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(error, context):
    """Django's refusals as the pages give them: a ValidationError is 400 with a message per
    field (409 when the scorecard or interview is closed), a missing object 404."""
    if isinstance(error, ScorecardLocked) or (
        isinstance(error, ValidationError) and getattr(error, "code", None) == "locked"
    ):
        error = Conflict(" ".join(error.messages))
    elif isinstance(error, ValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        error = exceptions.ValidationError(detail)
    return drf_exception_handler(error, context)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot change any more."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The scorecard changed since you read it: read it again, then retry."
