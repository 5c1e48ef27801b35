"""`npm start` end to end: the server answers on 127.0.0.1 with a token, a TypeScript kernel started
through its REST API imports rnnlab and reports the backend, and a missing Jupyter gets a clear error.

Usage: /usr/bin/python3 tests/server_smoke.py
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from tornado import ioloop, websocket

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECTED_BACKEND = os.environ.get("RNNLAB_EXPECT_BACKEND", "wasm")
CODE = 'import { backendInfo } from "rnnlab";\nconst info = await backendInfo();\nconsole.log(`active backend: ${info.backend}`);'

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def start_server():
    env = dict(os.environ, RNNLAB_PORT="0")
    proc = subprocess.Popen(
        ["node", os.path.join(ROOT, "scripts", "start.js"), "--no-browser"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    deadline = time.time() + 60
    lines = []
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/tree\?token=([0-9a-f]+)", line)
        if m:
            return proc, int(m.group(1)), m.group(2)
    proc.kill()
    raise RuntimeError("npm start printed no URL within 60 s:\n" + "".join(lines[-20:]))


def rest(port, token, method, route, body=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{route}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


async def execute(port, token, kernel_id, code, timeout=120):
    url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}"
    conn = await websocket.websocket_connect(url)
    msg_id = uuid.uuid4().hex
    await conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex, "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False},
    }))
    result, streams, error = None, [], None
    deadline = time.time() + timeout
    while time.time() < deadline:
        raw = await conn.read_message()
        if raw is None:
            break
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        t = msg["header"]["msg_type"]
        if t == "execute_result":
            result = msg["content"]["data"].get("text/plain")
        elif t == "stream":
            streams.append(msg["content"]["text"])
        elif t == "error":
            error = f"{msg['content']['ename']}: {msg['content']['evalue']}"
        elif t == "status" and msg["content"]["execution_state"] == "idle":
            break
    conn.close()
    return result, "".join(streams), error


def test_server():
    t0 = time.time()
    proc, port, token = start_server()
    try:
        try:
            rest(port, "wrong-token", "GET", "/api/kernels")
            check("the server refuses a wrong token", False)
        except urllib.error.HTTPError as e:
            check("the server refuses a wrong token", e.code in (401, 403), f"HTTP {e.code}")
        specs = rest(port, token, "GET", "/api/kernelspecs")
        check("the server lists the rnnlab kernelspec", "rnnlab" in specs["kernelspecs"], ", ".join(specs["kernelspecs"]))
        kernel = rest(port, token, "POST", "/api/kernels", {"name": "rnnlab"})
        result, out, error = ioloop.IOLoop.current().run_sync(lambda: execute(port, token, kernel["id"], CODE))
        elapsed = time.time() - t0
        check(
            f"a kernel started through the REST API imports rnnlab and reports {EXPECTED_BACKEND}",
            error is None and f"active backend: {EXPECTED_BACKEND}\n" in out,
            f"result={result!r} error={error!r} printed={out.strip()!r}",
        )
        print(f"server: time from `npm start` to the first answered prompt: {elapsed:.1f} s", flush=True)
        rest(port, token, "DELETE", f"/api/kernels/{kernel['id']}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_missing_jupyter():
    # A non-root user whose Python has no Jupyter gets the exact install command and exit 1.
    if os.geteuid() != 0:
        env = dict(os.environ, RNNLAB_PYTHON="/bin/false")
        cmd = ["node", "scripts/start.js", "--no-browser"]
    else:
        env = dict(os.environ, RNNLAB_PYTHON="/bin/false", HOME="/tmp")
        cmd = ["runuser", "-u", "nobody", "--", "node", "scripts/start.js", "--no-browser"]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    msg = r.stdout + r.stderr
    check(
        "npm start without Jupyter (not root) prints the install command and exits 1",
        r.returncode == 1 and "apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient" in msg,
        f"exit {r.returncode}: {msg.strip()[:200]}",
    )


if __name__ == "__main__":
    for test in (test_server, test_missing_jupyter):
        try:
            test()
        except Exception as e:  # noqa: BLE001
            check(test.__name__, False, f"{type(e).__name__}: {e}")
    failed = results.count(False)
    print(f"server: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
