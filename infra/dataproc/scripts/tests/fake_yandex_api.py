"""A local stand-in for the few Yandex Cloud REST calls the cleanup makes: IAM token exchange (OAuth token or
a service-account JWT, verified with the key's public half), Data Proc cluster list (paged) and delete, and
operation polling. Clusters disappear a few polls after their delete is accepted.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional
from urllib.parse import parse_qs, urlparse

import jwt

AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens"


@dataclass
class FakeState:
    clusters: Dict[str, dict] = field(default_factory=dict)
    page_size: int = 100
    iam_token: str = "t1.fake-iam-token"
    oauth_token: Optional[str] = None
    #: key id -> (service account id, PEM public key) accepted for JWT exchange
    keys: Dict[str, tuple] = field(default_factory=dict)
    #: operation polls until a delete finishes; None: never
    polls_to_delete: Optional[int] = 1
    #: cluster id -> how many DELETE requests to refuse with 409 first
    busy: Dict[str, int] = field(default_factory=dict)
    #: cluster id -> how many delete operations end with an error first
    failing: Dict[str, int] = field(default_factory=dict)
    #: (method, path) -> how many times to answer 503 first
    unavailable: Dict[tuple, int] = field(default_factory=dict)
    list_status: int = 200
    requests: List[tuple] = field(default_factory=list)
    deleted: List[str] = field(default_factory=list)
    operations: Dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler(BaseHTTPRequestHandler):
    state: FakeState

    def log_message(self, *args) -> None:  # quiet
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.state.iam_token}":
            self._reply(401, {"code": 16, "message": "The token is invalid"})
            return False
        return True

    def _handle(self, method: str) -> None:
        url = urlparse(self.path)
        state = self.state
        with state.lock:
            state.requests.append((method, url.path))
            left = state.unavailable.get((method, url.path), 0)
            if left:
                state.unavailable[(method, url.path)] = left - 1
                return self._reply(503, {"message": "try again"})
            if method == "POST" and url.path == "/iam/v1/tokens":
                return self._token()
            if not self._authorized():
                return None
            parts = url.path.strip("/").split("/")
            if method == "GET" and url.path == "/dataproc/v1/clusters":
                return self._list(parse_qs(url.query))
            if method == "DELETE" and parts[:3] == ["dataproc", "v1", "clusters"] and len(parts) == 4:
                return self._delete(parts[3])
            if method == "GET" and parts[0] == "operations" and len(parts) == 2:
                return self._operation(parts[1])
            return self._reply(404, {"message": f"no route {method} {url.path}"})

    def _token(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        state = self.state
        if "yandexPassportOauthToken" in body and body["yandexPassportOauthToken"] == state.oauth_token:
            return self._reply(200, {"iamToken": state.iam_token})
        if "jwt" in body:
            kid = jwt.get_unverified_header(body["jwt"]).get("kid")
            if kid in state.keys:
                account, public_key = state.keys[kid]
                claims = jwt.decode(body["jwt"], public_key, algorithms=["PS256"], audience=AUDIENCE)
                if claims["iss"] == account:
                    return self._reply(200, {"iamToken": state.iam_token})
        return self._reply(401, {"message": "bad credential"})

    def _list(self, query: Dict[str, List[str]]) -> None:
        state = self.state
        if state.list_status != 200:
            return self._reply(state.list_status, {"message": "Permission denied"})
        folder = query.get("folderId", [""])[0]
        clusters = sorted((c for c in state.clusters.values() if c["folderId"] == folder), key=lambda c: c["id"])
        start = int(query.get("pageToken", ["0"])[0])
        page = clusters[start : start + state.page_size]
        body: dict = {"clusters": page}
        if start + state.page_size < len(clusters):
            body["nextPageToken"] = str(start + state.page_size)
        return self._reply(200, body)

    def _delete(self, cluster_id: str) -> None:
        state = self.state
        if cluster_id not in state.clusters:
            return self._reply(404, {"message": f"cluster {cluster_id} not found"})
        if state.busy.get(cluster_id, 0):
            state.busy[cluster_id] -= 1
            return self._reply(409, {"message": "another operation is running on the cluster"})
        operation_id = f"op-{len(state.operations) + 1}"
        fails = state.failing.get(cluster_id, 0) > 0
        if fails:
            state.failing[cluster_id] -= 1
        state.operations[operation_id] = {
            "id": operation_id,
            "done": False,
            "cluster": cluster_id,
            "polls": 0,
            "fails": fails,
        }
        return self._reply(200, {"id": operation_id, "done": False})

    def _operation(self, operation_id: str) -> None:
        state = self.state
        op = state.operations.get(operation_id)
        if op is None:
            return self._reply(404, {"message": "no such operation"})
        op["polls"] += 1
        if op["fails"]:
            op["done"] = True
            return self._reply(
                200, {"id": operation_id, "done": True, "error": {"code": 13, "message": "internal error"}}
            )
        if state.polls_to_delete is not None and op["polls"] >= state.polls_to_delete:
            op["done"] = True
            if state.clusters.pop(op["cluster"], None) is not None:
                state.deleted.append(op["cluster"])
        return self._reply(200, {"id": operation_id, "done": op["done"]})

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")


class FakeYandexApi:
    def __init__(self, state: FakeState) -> None:
        handler = type("BoundHandler", (Handler,), {"state": state})
        self.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeYandexApi":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


def cluster(
    cluster_id: str, labels: Dict[str, str], folder: str = "b1gfolder", status: str = "RUNNING", **extra
) -> dict:
    return {
        "id": cluster_id,
        "folderId": folder,
        "name": f"name-{cluster_id}",
        "labels": labels,
        "status": status,
        **extra,
    }
