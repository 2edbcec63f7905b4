"""Bulk loads of a built graph's N-Quads into other stores, timed: `spacekg push --bulk`.

    python benchmarks/bulk.py ROOT        # ROOT/output/spacekg.nq into Virtuoso and into an Oxigraph server's folder

Virtuoso (Debian's virtuoso-opensource) is started in a scratch folder on free loopback ports,
with room for the file (DirsAllowed) and a memory setting for a few million quads, and stopped
afterwards; its load is ld_dir + rdf_loader_run + checkpoint through isql. Oxigraph's is
`oxigraph load` into an empty folder (PyPI package oxigraph). Each is timed from the outside,
with the peak memory of the loading processes; prints JSON.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from memory import TreeMemory  # noqa: E402

from spacekg.exports.files import exported, reader  # noqa: E402

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., {dir}, {data}
NumberOfBuffers = 340000
MaxDirtyBuffers = 250000
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 2
ServerThreads = 2
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spacekg(root: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(root), *args], check=True)
    return time.perf_counter() - started


def virtuoso(root: Path) -> dict:
    data = exported(root / "output", "spacekg.nq").resolve().parent
    with tempfile.TemporaryDirectory(prefix="spacekg-virtuoso-") as folder:
        sql, http = free_port(), free_port()
        Path(folder, "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=folder, sql=sql, http=http, data=data))
        server = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", f"{folder}/virtuoso.ini"], cwd=folder,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        memory = TreeMemory(server.pid, every=0.5)
        try:
            for _ in range(120):
                if subprocess.run(["isql-vt", str(sql), "dba", "dba", "exec=SELECT 1;"],
                                  capture_output=True).returncode == 0:
                    break
                time.sleep(1)
            seconds = spacekg(root, "push", "--bulk", "virtuoso", "--port", str(sql))
            count = subprocess.run(["isql-vt", str(sql), "dba", "dba",
                                    "exec=SPARQL SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } };"],
                                   capture_output=True, text=True).stdout
            quads = [int(line) for line in count.split() if line.isdigit()]
        finally:
            server.terminate()
            server.wait(120)
        rss, pss = memory.stop()
    return {"seconds": seconds, "quads_in_store": max(quads) if quads else None, "server_peak_rss_mb": rss}


def oxigraph(root: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="spacekg-oxigraph-") as folder:
        seconds = spacekg(root, "push", "--bulk", "oxigraph", "--location", f"{folder}/db")
        import pyoxigraph as ox

        quads = len(ox.Store.read_only(f"{folder}/db"))
    return {"seconds": seconds, "quads_in_store": quads}


if __name__ == "__main__":
    root = Path(sys.argv[1])
    with reader(exported(root / "output", "spacekg.nq")) as nquads:  # spacekg.nq.gz after --compress
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: nquads.read(1 << 20), b""))
    print(json.dumps({"quads_in_file": lines, "oxigraph": oxigraph(root), "virtuoso": virtuoso(root)}, indent=1))
