"""Delete every Data Proc cluster Airflow created for a stack; `pulumi destroy` runs it before the network goes.

Clusters Airflow creates in ephemeral mode are not in the Pulumi state: a failed delete task, a VM stopped
mid-run or a destroy during a run would leave them billed and holding the subnet and security groups.
This selects the clusters of --folder-id that carry every --label KEY=VALUE, requests their deletion and
waits until none is left. Idempotent: a re-run deletes what is still there.

Exit codes: 0 none left; 1 some remain (named, with the command to delete them) or the API refused;
2 bad arguments or no credential (before any request).

Credentials, as the Yandex provider reads them, from the environment of the pulumi command only (never
arguments, never printed): YC_TOKEN (an IAM token t1.... or an OAuth token) or YC_SERVICE_ACCOUNT_KEY_FILE
(the path of an authorized key JSON, or the JSON itself). The identity needs dataproc.editor on the folder.

Usage:
  delete_airflow_clusters.py --folder-id b1g... --label project=fraud-mlops --label stack=dev \\
                             --label created-by=airflow [--timeout-minutes 30]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Optional

import jwt
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

# The audience Yandex IAM expects in a service-account JWT, whatever endpoint serves the exchange.
IAM_TOKEN_AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens"
JWT_LIFETIME_SECONDS = 3600
POLL_SECONDS = 15.0
# (connect, read) seconds per request; transient failures are retried by the session (retrying_session).
REQUEST_TIMEOUT = (10, 60)


@dataclass(frozen=True)
class Endpoints:
    iam: str = "https://iam.api.cloud.yandex.net"
    dataproc: str = "https://dataproc.api.cloud.yandex.net"
    operation: str = "https://operation.api.cloud.yandex.net"


DEFAULT_ENDPOINTS = Endpoints()


class UsageError(Exception):
    """Bad arguments or environment: reported before any request (exit 2)."""


class CleanupError(Exception):
    """The cleanup cannot finish (exit 1)."""


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


@dataclass(frozen=True)
class Credential:
    """kind: "iam" (token used as is), "oauth" (exchanged for an IAM token) or "key" (signed JWT exchanged)."""

    kind: str
    value: str = ""
    key: Optional[Mapping[str, str]] = None


def credential_from_env(env: Mapping[str, str]) -> Credential:
    token = env.get("YC_TOKEN", "").strip()
    key_file = env.get("YC_SERVICE_ACCOUNT_KEY_FILE", "").strip()
    if token and key_file:
        raise UsageError("both YC_TOKEN and YC_SERVICE_ACCOUNT_KEY_FILE are set: keep one (the deployer's)")
    if token:
        return Credential("iam" if token.startswith("t1.") else "oauth", token)
    if key_file:
        return Credential("key", key=load_key(key_file))
    raise UsageError(
        "no Yandex Cloud credential in the environment: export YC_SERVICE_ACCOUNT_KEY_FILE (or YC_TOKEN) for "
        "`pulumi destroy` as for `pulumi up` (CI: the destroy workflow's step env)"
    )


def load_key(path_or_json: str) -> Mapping[str, str]:
    text = path_or_json
    if not path_or_json.lstrip().startswith("{"):
        try:
            with open(path_or_json, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            raise UsageError(f"YC_SERVICE_ACCOUNT_KEY_FILE: cannot read {path_or_json}: {error.strerror}") from None
    try:
        key = json.loads(text)
    except ValueError:
        raise UsageError("YC_SERVICE_ACCOUNT_KEY_FILE is not an authorized key JSON (yc iam key create)") from None
    missing = [field for field in ("id", "service_account_id", "private_key") if not key.get(field)]
    if missing:
        raise UsageError(f"YC_SERVICE_ACCOUNT_KEY_FILE lacks {', '.join(missing)}: use the JSON of `yc iam key create`")
    return key


def signed_jwt(key: Mapping[str, str], now: float) -> str:
    issued = int(now)
    claims = {
        "iss": key["service_account_id"],
        "aud": IAM_TOKEN_AUDIENCE,
        "iat": issued,
        "exp": issued + JWT_LIFETIME_SECONDS,
    }
    return jwt.encode(claims, key["private_key"], algorithm="PS256", headers={"kid": key["id"]})


def retrying_session() -> requests.Session:
    """Retries connection errors, 429 and 5xx with exponential backoff (urllib3's Retry)."""
    retry = Retry(
        total=6,
        backoff_factor=1.0,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=None,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


class DataprocApi:
    """The few REST calls the cleanup needs. `session` is injectable (tests use a local fake server)."""

    def __init__(
        self,
        session: requests.Session,
        endpoints: Endpoints,
        credential: Credential,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._session = session
        self._endpoints = endpoints
        self._credential = credential
        self._clock = clock
        self._iam_token: Optional[str] = None

    def _token(self) -> str:
        if self._iam_token is None:
            kind = self._credential.kind
            if kind == "iam":
                self._iam_token = self._credential.value
            else:
                body = (
                    {"yandexPassportOauthToken": self._credential.value}
                    if kind == "oauth"
                    else {"jwt": signed_jwt(self._credential.key or {}, self._clock())}
                )
                reply = self._request("POST", f"{self._endpoints.iam}/iam/v1/tokens", json_body=body, auth=False)
                self._iam_token = str(reply["iamToken"])
        return self._iam_token

    def _request(
        self,
        method: str,
        url: str,
        params: Optional[Dict[str, str]] = None,
        json_body: Optional[dict] = None,
        auth: bool = True,
    ) -> dict:
        headers = {"Authorization": f"Bearer {self._token()}"} if auth else {}
        response = self._session.request(
            method, url, params=params, json=json_body, headers=headers, timeout=REQUEST_TIMEOUT
        )
        if response.status_code >= 400:
            try:
                message = str(response.json().get("message", ""))
            except ValueError:
                message = response.text[:200]
            raise ApiError(response.status_code, message or response.reason)
        return response.json() if response.content else {}

    def list_clusters(self, folder_id: str) -> List[dict]:
        clusters: List[dict] = []
        params = {"folderId": folder_id, "pageSize": "1000"}
        while True:
            page = self._request("GET", f"{self._endpoints.dataproc}/dataproc/v1/clusters", params=params)
            clusters.extend(page.get("clusters", []))
            token = page.get("nextPageToken")
            if not token:
                return clusters
            params = {**params, "pageToken": token}

    def delete_cluster(self, cluster_id: str) -> dict:
        return self._request("DELETE", f"{self._endpoints.dataproc}/dataproc/v1/clusters/{cluster_id}")

    def operation(self, operation_id: str) -> dict:
        return self._request("GET", f"{self._endpoints.operation}/operations/{operation_id}")


def has_labels(cluster: Mapping, labels: Mapping[str, str]) -> bool:
    own = cluster.get("labels") or {}
    return all(own.get(key) == value for key, value in labels.items())


def describe(cluster: Mapping) -> str:
    return f"{cluster.get('name', '?')} ({cluster['id']}, {cluster.get('status', 'status unknown')})"


def delete_labelled_clusters(
    api: DataprocApi,
    folder_id: str,
    labels: Mapping[str, str],
    timeout_seconds: float,
    poll_seconds: float = POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    log: Callable[[str], None] = print,
) -> List[dict]:
    """Deletes the matching clusters; returns those still there when the time is up (empty: all gone)."""
    deadline = clock() + timeout_seconds
    pending: Dict[str, str] = {}  # cluster id -> its delete operation id
    selector = ", ".join(f"{key}={value}" for key, value in sorted(labels.items()))
    while True:
        try:
            left = [c for c in api.list_clusters(folder_id) if has_labels(c, labels)]
        except ApiError as error:
            raise CleanupError(
                f"cannot list Data Proc clusters of folder {folder_id} ({error}); the deployer needs dataproc.editor"
            ) from None
        if not left:
            log(f"no Data Proc cluster labelled {selector} is left in folder {folder_id}")
            return []
        for cluster in left:
            cluster_id = cluster["id"]
            if cluster.get("deletionProtection"):
                raise CleanupError(
                    f"cluster {describe(cluster)} has deletion protection: turn it off "
                    f"(yc dataproc cluster update {cluster_id} --deletion-protection=false), then re-run pulumi destroy"
                )
            if cluster_id in pending:
                try:
                    status = api.operation(pending[cluster_id])
                except ApiError as error:
                    status = {"done": True, "error": {"message": f"its operation cannot be read ({error})"}}
                if status.get("done") and status.get("error"):
                    reason = status["error"].get("message", status["error"])
                    log(f"deleting {describe(cluster)} failed: {reason}; retrying")
                    del pending[cluster_id]
                continue
            try:
                pending[cluster_id] = str(api.delete_cluster(cluster_id)["id"])
                log(f"deleting {describe(cluster)}")
            except ApiError as error:
                if error.status in (401, 403):
                    raise CleanupError(
                        f"may not delete cluster {describe(cluster)} ({error}); the deployer needs dataproc.editor"
                    ) from None
                if error.status != 404:  # 404: already gone
                    log(f"delete of {describe(cluster)} not accepted yet ({error}); retrying")
        if clock() >= deadline:
            return left
        sleep(poll_seconds)


def parse_label(text: str) -> tuple:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key, value


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder-id", required=True)
    parser.add_argument(
        "--label",
        dest="labels",
        type=parse_label,
        action="append",
        required=True,
        help="KEY=VALUE; a cluster must carry every label given",
    )
    parser.add_argument("--timeout-minutes", type=float, default=30.0)
    args = parser.parse_args(argv)
    if args.timeout_minutes <= 0:
        parser.error("--timeout-minutes must be positive")
    return args


def main(
    argv: Optional[List[str]] = None,
    env: Mapping[str, str] = os.environ,
    session: Optional[requests.Session] = None,
    endpoints: Endpoints = DEFAULT_ENDPOINTS,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = POLL_SECONDS,
) -> int:
    args = parse_args(argv)
    labels = dict(args.labels)
    try:
        credential = credential_from_env(env)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    api = DataprocApi(session or retrying_session(), endpoints, credential)
    try:
        left = delete_labelled_clusters(api, args.folder_id, labels, args.timeout_minutes * 60, poll_seconds, sleep)
    except (CleanupError, ApiError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if left:
        names = "; ".join(describe(c) for c in left)
        print(
            f"error: still there after {args.timeout_minutes:g} min: {names}. They are billed and hold the subnet: "
            f"delete them (yc dataproc cluster delete <id>), then re-run pulumi destroy",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
