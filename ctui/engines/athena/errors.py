"""AWS session and clients for one Athena connection, and AWS errors turned into one clear paragraph.

boto3's own credential chain and endpoint configuration are used as they are (environment, shared
config, SSO, instance roles, `AWS_ENDPOINT_URL`); ctui only pins the retry mode.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions as bx
from botocore.config import Config

from ctui.config import AthenaProfile
from ctui.engines.base import EngineError

# Network trouble: worth retrying a poll later, never a reason to forget a query.
TRANSIENT = (
    bx.EndpointConnectionError,
    bx.ConnectionClosedError,
    bx.ReadTimeoutError,
    bx.ConnectTimeoutError,
)

_RETRYABLE_CODES = {"ThrottlingException", "TooManyRequestsException", "InternalServerException",
                    "ServiceUnavailable", "InternalFailure"}  # fmt: skip
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
_BAD_CREDENTIALS = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "AuthFailure",
}
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AllAccessDisabled"}
_THROTTLED = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "ProvisionedThroughputExceededException",
}


def make_session(profile: AthenaProfile) -> boto3.Session:
    """A boto3 session for the connection; a missing profile becomes an EngineError."""
    try:
        return boto3.Session(profile_name=profile.profile, region_name=profile.region)
    except bx.ProfileNotFound as exc:
        name = profile.profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
        named = f"AWS profile {name!r}" if name else "The AWS profile"
        source = " (from AWS_PROFILE)" if name and not profile.profile else ""
        raise EngineError(
            f"{named}{source} is not in your AWS config files (~/.aws/config, "
            "~/.aws/credentials). Check the name with `aws configure list-profiles`, or pass another "
            "one with --profile."
        ) from exc


def make_client(session: boto3.Session, service: str, profile: AthenaProfile) -> Any:
    """A client with an explicit retry mode; the region must be known."""
    if profile.retry_mode not in ("standard", "adaptive", "legacy"):
        raise EngineError(
            f"retry_mode {profile.retry_mode!r} in the ctui Athena connection must be `standard` or "
            "`adaptive` (botocore retry modes)."
        )
    config = Config(
        retries={"mode": profile.retry_mode, "total_max_attempts": max(1, profile.max_attempts)},
        connect_timeout=10,
        read_timeout=30,
        max_pool_connections=32,  # the estimate lists S3 prefixes on 32 threads
        user_agent_extra="ctui",
    )
    try:
        return session.client(service, config=config)
    except bx.NoRegionError as exc:
        raise EngineError(
            f"No AWS region for {where(profile)}. Pass --region, set `region` in the ctui connection or "
            "in the AWS profile, or set AWS_REGION."
        ) from exc
    except bx.BotoCoreError as exc:
        raise translate(exc, profile, f"set up the {service} client") from exc


def where(profile: AthenaProfile, region: str | None = None) -> str:
    """`profile X in region Y` (or `the default AWS profile in region Y`), for messages."""
    label = f"profile {profile.profile}" if profile.profile else "the default AWS profile"
    return f"{label} in region {region or profile.region or '(boto3 default)'}"


def transient(cause: BaseException | None) -> bool:
    """Network errors and retryable service errors that survived botocore's own retries."""
    if isinstance(cause, TRANSIENT):
        return True
    if isinstance(cause, bx.ClientError):
        status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return error_code(cause) in _RETRYABLE_CODES or int(status) >= 500
    return False


def error_code(exc: BaseException) -> str:
    if isinstance(exc, bx.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def is_denied(exc: BaseException | None) -> bool:
    """An AccessDenied-style ClientError (the identity lacks a permission)."""
    return exc is not None and error_code(exc) in _DENIED


def error_message(exc: BaseException) -> str:
    if isinstance(exc, bx.ClientError):
        return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)
    return str(exc)


def translate(
    exc: BaseException, profile: AthenaProfile, action: str, region: str | None = None
) -> EngineError:
    """One paragraph naming the profile and region, what went wrong and what to do."""
    at = where(profile, region)
    login = f"aws sso login --profile {profile.profile}" if profile.profile else "aws sso login"
    code, message = error_code(exc), error_message(exc)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        text = (
            f"No AWS credentials found for {at} while trying to {action}. Configure them "
            f"(`aws configure --profile NAME`, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or `{login}` for "
            "SSO) and pass the profile with --profile."
        )
    elif isinstance(exc, bx.SSOError | bx.TokenRetrievalError | bx.CredentialRetrievalError):
        text = f"The AWS SSO session for {at} has expired or is missing ({exc}). Run `{login}` and try again."
    elif isinstance(exc, bx.NoRegionError):
        text = f"No AWS region for {at}. Pass --region or set a region in the AWS profile or AWS_REGION."
    elif code in _EXPIRED:
        text = (
            f"The AWS credentials of {at} have expired ({code}). Refresh them: run `{login}` for SSO, or "
            "renew the session token in your environment."
        )
    elif code in _BAD_CREDENTIALS:
        text = (
            f"AWS rejected the credentials of {at} ({code}: {message}). Check the access key, the "
            f"profile's region, or run `{login}` if the profile uses SSO."
        )
    elif code in _DENIED:
        text = (
            f"Access denied for {at} while trying to {action} ({message}). The identity needs the Athena, "
            "Glue and S3 permissions listed in the README (athena:StartQueryExecution, glue:GetTable, "
            "s3:ListBucket, ...)."
        )
    elif code in _THROTTLED or "Rate exceeded" in message:
        text = (
            f"AWS kept throttling requests for {at} while trying to {action} ({code}: {message}), after "
            f"{profile.max_attempts} attempts. Wait a little and retry, or reduce concurrent queries."
        )
    elif code == "EntityNotFoundException" or code == "MetadataException":
        text = (
            f"Not found in the data catalog for {at} while trying to {action}: {message}. "
            "Check --database and --catalog."
        )
    elif code == "NoSuchBucket":
        text = f"The S3 bucket does not exist or is not visible for {at} while trying to {action}: {message}."
    elif "WorkGroup" in message and ("not" in message.lower() or "exist" in message.lower()):
        text = (
            f"The Athena workgroup {profile.workgroup!r} does not exist for {at} ({message}). Pass an "
            "existing one with --workgroup (`aws athena list-work-groups`)."
        )
    elif "output location" in message.lower() or "OutputLocation" in message:
        text = missing_output_location(profile, region).args[0]
    elif isinstance(exc, TRANSIENT):
        text = (
            f"Cannot reach AWS for {at} while trying to {action}: {exc}. "
            "Check the network or AWS_ENDPOINT_URL."
        )
    else:
        text = f"AWS error for {at} while trying to {action}: {code + ': ' if code else ''}{message}"
    return EngineError(text)


def missing_output_location(profile: AthenaProfile, region: str | None = None) -> EngineError:
    return EngineError(
        f"No query result location for {where(profile, region)}: workgroup {profile.workgroup!r} sets no "
        "output location. Pass --output-location s3://BUCKET/PREFIX/ or set `output_location` in the "
        "ctui connection, or configure one on the workgroup."
    )


@contextlib.contextmanager
def aws_errors(profile: AthenaProfile, action: str, region: str | None = None) -> Iterator[None]:
    """Turn AWS exceptions raised inside into EngineError (EngineError itself passes through)."""
    try:
        yield
    except EngineError:
        raise
    except (bx.BotoCoreError, bx.ClientError) as exc:
        raise translate(exc, profile, action, region) from exc
