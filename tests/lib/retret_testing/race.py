"""Requests that race: several processes (real parallelism, each its own app and connection pool on the same
database) each start one thread per request, say "ready", and all fire on "go"."""
from __future__ import annotations

import json
import os
import subprocess
import sys

CHILD = """
import json, sys, threading
from registration import create_app
app = create_app()
url, requests = sys.argv[1], json.loads(sys.argv[2])
go, answers, lock = threading.Event(), [], threading.Lock()
def fire(request):
    client = app.test_client()
    go.wait()
    response = client.post(url, json=request["json"], headers=request.get("headers", {}))
    with lock:
        answers.append([response.status_code, response.get_json()])
threads = [threading.Thread(target=fire, args=(request,)) for request in requests]
for t in threads:
    t.start()
print("ready", flush=True)
sys.stdin.readline()
go.set()
for t in threads:
    t.join()
print(json.dumps(answers), flush=True)
"""


def race_posts(url: str, per_process: list[list[dict]], timeout: float = 120) -> list[list]:
    """POST to registration's `url` from len(per_process) processes at once, each sending its list of requests
    ({"json": body, "headers": {...}}) from as many threads; returns every [status, body]."""
    children = [subprocess.Popen([sys.executable, "-c", CHILD, url, json.dumps(requests)], env=dict(os.environ),
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for requests in per_process]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        return [answer for child in children for answer in json.loads(child.communicate(timeout=timeout)[0])]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
