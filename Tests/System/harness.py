"""A throwaway PostgreSQL cluster and galleryd nodes for the cluster scripts
(Benchmarks/cluster, Tests/System/cluster)."""
import glob, json, os, shutil, socket, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.environ.get("GALLERYD_PY_VENV", "/tmp/galleryd-bench-venv")


def run(*args, **kwargs):
    return subprocess.run(args, check=True, **kwargs)


def photo(path, width, height, seed):
    """A photo-like JPEG (Tests/System/synth.py), made with pyvips from the venv."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        run(sys.executable, "-m", "venv", VENV)
        run(python, "-m", "pip", "install", "-q", "pyvips")
    run(python, os.path.join(ROOT, "Tests", "System", "synth.py"), path, str(width), str(height), str(seed))


def unique(jpeg, tag):
    text = tag.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read()


class PostgreSQL:
    """initdb + pg_ctl in a temp folder, listening on a Unix socket there only."""

    def __init__(self, work):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not versions:
            run(os.path.join(ROOT, "scripts", "install-deps"), "postgresql")
            versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = os.path.dirname(versions[-1])
        self.folder = os.path.join(work, "pg")
        os.makedirs(self.folder)
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.as_postgres("initdb", "-D", f"{self.folder}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.as_postgres("pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/log", "-w", "-o",
                         f"-k {self.folder} -c listen_addresses=''", "start")

    def as_postgres(self, program, *args):
        command = [os.path.join(self.bin, program), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        run(*command, stdout=subprocess.DEVNULL)

    def database(self, name):
        self.as_postgres("createdb", "-h", self.folder, name)
        return f"postgres://postgres@/{name}?host={self.folder}"

    def stop(self):
        self.as_postgres("pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "stop")


class Node:
    def __init__(self, binary, role, media, data, catalog, cpus=None, workers=None, env=None, log=None):
        self.port = free_port()
        extra = env
        env = {**os.environ, "GALLERYD_LOG_LEVEL": "warning", "GALLERYD_ROLE": role,
               "GALLERYD_WATCH_SETTLE_SECONDS": "0.5"}
        if catalog:
            env["GALLERYD_CATALOG_URL"] = catalog
        if workers:
            env["GALLERYD_INGEST_WORKERS"] = str(workers)
        env.update(extra or {})
        command = [binary, "serve", "--media", media, "--data", data, "--port", str(self.port)]
        if cpus is not None:
            command = ["taskset", "-c", cpus] + command
        output = open(log, "w") if log else subprocess.DEVNULL
        self.log = log
        self.process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, timeout=120):
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            try:
                if get(self.port, "/readyz")[0] == 200:
                    return
            except Exception:
                pass
            time.sleep(0.02)
        raise RuntimeError("node not ready")

    def items(self, slug):
        try:
            status, body = get(self.port, f"/api/v1/galleries/{slug}")
            return len(json.loads(body)["items"]) if status == 200 else 0
        except Exception:
            return 0

    def counter(self, name):
        try:
            _, body = get(self.port, "/metrics")
        except Exception:
            return -1
        for line in body.decode().splitlines():
            if line.startswith(name + " "):
                return int(float(line.split()[-1]))
        return 0

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


