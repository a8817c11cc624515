#!/usr/bin/env python3
"""Load test of `waymark serve` (issue 11.7): N concurrent clients browsing an LA database over
loopback, as SENCOs (pupil pages, their school's list, flags) and LA officers (school lists).
Bounded in time (--seconds) and count (--requests); reports requests/s and p50/p95/p99 per route.

  bench/serve_load.py                        # 250,000 pupils, 50 clients, 30 s (makes the database once)
  bench/serve_load.py --pupils 20000 --seconds 10
  BUILD=build bench/serve_load.py --db /tmp/la.db
  bench/serve_load.py --db /tmp/la.db --during-run   # while `run --db` stores a new run (issue 13.5)
  bench/serve_load.py --db /tmp/la.db --during-run --think 0.5   # people, who read a page before the next

Without --think every client asks again the moment it has its answer (a closed loop): the two cores
are saturated, and by Little's law the mean latency is clients / throughput whatever the server does.
With --think each client waits a random time (exponential, this mean) between requests, as a person
reading a page does; latencies then measure the server at that offered load.

The database is made with `waymark gen --pupils N --seed 3 --db FILE --to 2025-11-17` and
`waymark run --db FILE --pack england --as-of 2025-11-17` when it does not exist yet. Only 127.0.0.1.
"""
import argparse, http.client, json, os, random, re, subprocess, sys, threading, time, urllib.parse

PASSWORD = "bench password 123"
SCHOOLS = ["Oakfield Academy", "Riverside Primary", "St Mary's CE School", "Hillcrest High",
           "Meadowbank Primary", "Northgate School", "Elmwood Academy", "Brookside Primary"]


def run(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def prepare(waymark, db, pupils):
    if not os.path.exists(db):
        run([waymark, "gen", "--pupils", str(pupils), "--seed", "3", "--db", db, "--to", "2025-11-17"],
            stdout=subprocess.DEVNULL)
        run([waymark, "run", "--db", db, "--pack", "england", "--as-of", "2025-11-17", "--format", "csv"],
            stdout=subprocess.DEVNULL)
    users = subprocess.run([waymark, "user", "list", "--db", db], capture_output=True, text=True).stdout
    wanted = [("bench-officer", ["--role", "la_officer"])] + [
        ("bench-senco-%d" % i, ["--role", "senco", "--school", s]) for i, s in enumerate(SCHOOLS)]
    for name, args in wanted:
        if not re.search("^" + re.escape(name) + "\t", users, re.M):
            run([waymark, "user", "add", "--db", db, name] + args, input=PASSWORD + "\n", text=True,
                stdout=subprocess.DEVNULL)
    return wanted


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {}

    def request(self, method, path, body=None, headers=None):
        h = dict(self.headers)
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=body, headers=h)
            r = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed a connection left idle (--think) past its keep-alive time: a browser
            # opens a new one, and so does this client.
            self.conn.close()
            self.conn.request(method, path, body=body, headers=h)
            r = self.conn.getresponse()
        data = r.read()
        return r.status, r.getheader("Set-Cookie"), data

    def sign_in(self, name):
        body = urllib.parse.urlencode({"name": name, "password": PASSWORD})
        status, cookie, _ = self.request("POST", "/login", body,
                                         {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303, status
        self.headers = {"Cookie": cookie.split(";")[0]}


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pupils", type=int, default=250000)
    ap.add_argument("--db")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--requests", type=int, default=200000, help="stop after this many in all")
    ap.add_argument("--threads", type=int, default=64, help="the server's --threads")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds a client waits between requests (exponential); 0: none (a closed loop)")
    ap.add_argument("--during-run", action="store_true",
                    help="start `waymark run --db` (England, stored) as the load starts; report when it ended")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    waymark = os.path.join(root, os.environ.get("BUILD", "build"), "waymark")
    db = args.db or "/tmp/waymark-serve-bench-%d.db" % args.pupils
    users = prepare(waymark, db, args.pupils)

    log = open(db + ".serve.log", "w")
    server = subprocess.Popen([waymark, "serve", "--db", db, "--pack", "england", "--listen", "127.0.0.1:0",
                               "--threads", str(args.threads)], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = server.stdout.readline()
        port = int(re.search(r":(\d+)/", line).group(1))
        # Each SENCO's pupils and flag numbers, read once (not timed).
        setup = Client(port)
        setup.sign_in("bench-officer")
        t0 = time.time()
        pupils_of = {}
        for s in SCHOOLS:
            ids, offset = [], 0
            while offset < 20000:
                status, _, body = setup.request("GET", "/api/pupils?school=%s&offset=%d&limit=5000" % (
                    urllib.parse.quote(s), offset))
                page = json.loads(body)
                ids += [p["id"] for p in page["pupils"]]
                offset += 5000
                if offset >= page["total"]:
                    break
            pupils_of[s] = ids
        print("first lists (roster built) in %.1f s" % (time.time() - t0), file=sys.stderr)

        latencies = {}
        lock = threading.Lock()
        errors = []
        count = [0]
        deadline = time.time() + args.seconds
        start = time.time()

        # Everyone signs in before the load (and the run) starts: signing in writes a session, and a
        # run being stored holds the write lock throughout, so a sign-in during a run waits for it
        # (docs/store.md, "Concurrent processes"); pages of those signed in do not.
        signed_in = []
        for i in range(args.clients):
            officer = i % 10 == 0  # one client in ten is an LA officer
            c = Client(port)
            c.sign_in((users[0] if officer else users[1 + i % len(SCHOOLS)])[0])
            signed_in.append(c)
        deadline = time.time() + args.seconds
        start = time.time()

        def client(i):
            rnd = random.Random(i)
            officer = i % 10 == 0
            school = SCHOOLS[i % len(SCHOOLS)]
            c = signed_in[i]
            flags = []
            mine = {}
            while time.time() < deadline:
                if args.think > 0:
                    time.sleep(min(rnd.expovariate(1.0 / args.think), max(0.0, deadline - time.time())))
                    if time.time() >= deadline:
                        break
                with lock:
                    if count[0] >= args.requests:
                        return
                    count[0] += 1
                roll = rnd.random()
                if officer:
                    s = rnd.choice(SCHOOLS)
                    route, path = "/api/pupils?school=", "/api/pupils?school=%s&limit=1000&offset=%d" % (
                        urllib.parse.quote(s), rnd.randrange(0, max(1, len(pupils_of[s]) - 1000)))
                elif roll < 0.6 or (roll < 0.8 and not flags):
                    pupil = rnd.choice(pupils_of[school])
                    route, path = "/api/pupils/:id", "/api/pupils/" + urllib.parse.quote(pupil)
                elif roll < 0.8:
                    route, path = "/api/flags/:number", "/api/flags/%d" % rnd.choice(flags)
                elif roll < 0.95:
                    route, path = "/api/pupils?school=", "/api/pupils?school=%s&limit=1000&offset=%d" % (
                        urllib.parse.quote(school), rnd.randrange(0, max(1, len(pupils_of[school]) - 1000)))
                else:
                    route, path = "/api/me", "/api/me"
                t = time.perf_counter()
                status, _, body = c.request("GET", path)
                ms = (time.perf_counter() - t) * 1000
                if status != 200:
                    errors.append((route, status))
                elif route == "/api/pupils/:id" and len(flags) < 50:
                    flags += [f["number"] for f in json.loads(body)["flags"]]
                with lock:
                    latencies.setdefault(route, []).append(ms)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        stored_run = None
        if args.during_run:
            stored_run = subprocess.Popen([waymark, "run", "--db", db, "--pack", "england", "--as-of", "2025-11-17",
                                           "--format", "csv", "--out", db + ".during-run.csv"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - start
        if stored_run is not None:
            running = stored_run.poll() is None
            stored_run.wait()
            print("the stored run %s (exit %d, %.1f s after the load started)" % (
                "was still running when the load ended" if running else "ended during the load",
                stored_run.returncode, time.time() - start), file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=60)
    total = sum(len(v) for v in latencies.values())
    print("%d clients, %d requests in %.1f s: %.0f requests/s; %d errors; server exit %d" % (
        args.clients, total, elapsed, total / elapsed, len(errors), server.returncode))
    print("| route | requests | req/s | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for route, values in sorted(latencies.items()):
        v = sorted(values)
        print("| `%s` | %d | %.0f | %.1f | %.1f | %.1f |" % (route, len(v), len(v) / elapsed, percentile(v, 50),
                                                           percentile(v, 95), percentile(v, 99)))
    if errors:
        print("errors (route, status), first 10:", errors[:10])


if __name__ == "__main__":
    main()
