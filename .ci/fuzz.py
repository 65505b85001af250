#!/usr/bin/env python3
"""API fuzzing: schemathesis against the real server's /openapi.json, as four callers
(anonymous, an enterprise member, an institute member, the bureau), on SQLite or on a
scratch PostgreSQL database.

    python3 .ci/fuzz.py target/debug/collab-registry                        # SQLite
    python3 .ci/fuzz.py target/debug/collab-registry postgres://postgres@127.0.0.1:5432/postgres
    FUZZ_EXAMPLES=200 python3 .ci/fuzz.py target/release/collab-registry     # the fuller run

Exits non-zero when schemathesis reports any failure.
"""

import email
import email.policy
import glob
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "10")
# The checks the project holds itself to: no 5xx, every status, content type, header and
# body documented. (Schemathesis's positive/negative data acceptance checks are left out:
# the service enforces rules no JSON schema can state, such as password strength, USCC
# check digits and codes that must exist.)
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
])
# The stateful phase is left out: schemathesis 4.32 infers links from `Location` headers
# and builds invalid ones here (POST /api/v1/organizations -> GET /api/v1/projects with an
# `id` parameter), which it reports as an error of the run, not of the API.
PHASES = "examples,coverage,fuzzing"
PASSWORD = "fuzzing horse battery staple 42"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(n):
    prefix = f"91371600MA{n:07d}"
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(prefix, USCC_WEIGHTS))
    return prefix + USCC_CHARS[(31 - total % 31) % 31]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                text = res.read().decode()
                return res.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def must(self, method, path, body=None, token=None, status=(200, 201, 204)):
        code, out = self.call(method, path, body, token)
        if code not in status:
            raise SystemExit(f"set-up: {method} {path} answered {code}: {out}")
        return out


def verification_token(mail_dir, address):
    deadline = time.time() + 20
    while time.time() < deadline:
        for path in glob.glob(os.path.join(mail_dir, "*.eml")):
            with open(path, "rb") as f:
                message = email.message_from_bytes(f.read(), policy=email.policy.default)
            if address not in str(message.get("To", "")):
                continue
            part = message.get_body(preferencelist=("plain",))
            raw = part.get_content() if part else ""
            if "verify-email?token=" in raw:
                start = raw.index("verify-email?token=") + len("verify-email?token=")
                token = ""
                for c in raw[start:]:
                    if c.isalnum() or c in "-_":
                        token += c
                    else:
                        break
                return token
        time.sleep(0.2)
    raise SystemExit(f"set-up: no verification mail for {address}")


def main():
    binary = os.path.abspath(sys.argv[1])
    pg_admin = sys.argv[2] if len(sys.argv) > 2 else None
    work = tempfile.mkdtemp(prefix="collab-fuzz-")
    env = dict(os.environ)
    scratch = None
    if pg_admin:
        scratch = f"collab_fuzz_{os.getpid()}"
        subprocess.run(["psql", pg_admin, "-qc", f"CREATE DATABASE {scratch}"], check=True)
        env["DATABASE_URL"] = pg_admin.rsplit("/", 1)[0] + "/" + scratch
    else:
        env["DATABASE_URL"] = f"sqlite://{work}/fuzz.db"
    port = free_port()
    env.update({
        "COLLAB_DATA_DIR": work,
        "COLLAB_LISTEN_ADDR": f"127.0.0.1:{port}",
        "COLLAB_METRICS_ADDR": "127.0.0.1:0",
        "COLLAB_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "COLLAB_JWT_SECRET": "fuzzing-secret-fuzzing-secret-fuzzing-secret",
        "COLLAB_LOG": "warn",
        "COLLAB_OUTBOX_POLL_MS": "100",
        "COLLAB_HTTP_WORKERS": "2",
    })
    env.pop("COLLAB_SMTP_URL", None)
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
    failed = True
    try:
        api = Api(f"http://127.0.0.1:{port}")
        for _ in range(300):
            try:
                if api.call("GET", "/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("the server did not become ready")
        admin_env = dict(env, COLLAB_ADMIN_PASSWORD=PASSWORD)
        subprocess.run([binary, "create-admin", "--email", "bureau@fuzz.example.gov.cn"],
                       env=admin_env, check=True, stdout=subprocess.DEVNULL)
        tokens = {}
        for who in ["enterprise", "institute"]:
            address = f"{who}@fuzz.example.com"
            api.must("POST", "/api/v1/auth/register",
                     {"email": address, "password": PASSWORD, "display_name": who, "locale": "en"})
            token = verification_token(os.path.join(work, "mail"), address)
            api.must("POST", "/api/v1/auth/verify-email", {"token": token})
        for who, address in [("enterprise", "enterprise@fuzz.example.com"),
                             ("institute", "institute@fuzz.example.com"),
                             ("bureau", "bureau@fuzz.example.gov.cn")]:
            out = api.must("POST", "/api/v1/auth/login", {"email": address, "password": PASSWORD})
            tokens[who] = out["access_token"]
        ent = api.must("POST", "/api/v1/organizations", {
            "kind": "enterprise", "name": "模糊测试铝业", "uscc": uscc(7), "region_code": "zouping",
            "field_codes": ["red-mud"]}, tokens["enterprise"])
        inst = api.must("POST", "/api/v1/organizations", {
            "kind": "research_institute", "name": "模糊测试研究院", "region_code": "bincheng"},
            tokens["institute"])
        for org in (ent, inst):
            api.must("POST", f"/api/v1/organizations/{org['id']}/verify", {}, tokens["bureau"])

        failures = []
        for who in ["anonymous", "enterprise", "institute", "bureau"]:
            cmd = ["schemathesis", "run", f"{api.base}/openapi.json", "--checks", CHECKS,
                   "--max-examples", EXAMPLES, "--workers", "1", "--seed", "20261201",
                   "--phases", PHASES, "--no-color"]
            if who in tokens:
                cmd += ["-H", f"Authorization: Bearer {tokens[who]}"]
            print(f"== schemathesis as {who} ({EXAMPLES} examples per operation)", flush=True)
            result = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
            summary = result.stdout[result.stdout.find("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-3000:]
            print(summary.strip()[-1500:], flush=True)
            if result.returncode != 0:
                failures.append(who)
                print(result.stdout[-20000:])
        failed = bool(failures)
        if failures:
            print(f"schemathesis found failures as: {', '.join(failures)}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if scratch:
            subprocess.run(["psql", pg_admin, "-qc", f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
